"""Excel workbooks (.xlsx, .xlsm): every sheet's cells, their comments, and every other part.

The zip directory is checked against the same limits as a .docx's before anything is
inflated (``scanner.ooxml.refusal``). Cells are read with openpyxl in read-only mode, which
streams each sheet's XML and keeps only the shared strings in memory, with ``data_only`` (a
formula's value as last calculated, not the formula). Every worksheet is read, hidden and
very hidden ones too, and every row and column whether hidden or not (read-only mode does not
look at either). Dates are written as dates (day/month/year), whole numbers without a decimal
point. Each sheet is a table (see ``_table``): a column's header is context for its cells,
and each cell keeps its place ("Clients!C7").

Read-only mode does not load comments (notes): they are read from the comments parts the
sheets link to, with their authors. Nor does it give a sheet's header and footer texts, data
validations, hyperlinks or the formulas of cells without a cached value: ``_xlsx_sheet``
reads those from the sheet's XML. Images (``xl/media``) go through the dispatcher, so OCR
reads them, and one that cannot be read makes the workbook unscannable. Where external links
lead (a hyperlink's ``mailto:``, a linked workbook's path) is read from every relationships
part. The workbook part itself (sheet names, defined names) is read as text, and so is every
other part that is XML or text (pivot caches, which keep a copy of their source data; charts'
cached values; external links' cached values; threaded comments and their people; document
properties; custom XML), as one segment per part, as a .docx's are, and embedded objects go
through the dispatcher. Styles, themes and the calculation chain hold no one's text and are
left out. At most ``max_spreadsheet_cells`` cells are read; past that the workbook is
unscannable, and nothing more of it is read.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import urllib.parse
import warnings
import zipfile
from collections.abc import Iterator

import openpyxl
from lxml import etree

from scanner.charsets import decode_text
from scanner.extract._context import ExtractionContext
from scanner.extract._docx import looks_binary, xml_values
from scanner.extract._table import CellBudget, TableWriter, cell_places
from scanner.extract._xlsx_sheet import read_sheet_extras
from scanner.ooxml import XML_PARSER, duplicate_name, refusal

_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Parts that are markup or read elsewhere: the workbook's structure, styles and themes,
# the calculation chain, relationships, and the legacy drawings that only frame comments.
_NOT_TEXT_PARTS = ("xl/styles.xml", "xl/calcChain.xml", "xl/sharedStrings.xml")
_NOT_TEXT_FOLDERS = ("xl/theme/", "xl/printerSettings/", "docProps/thumbnail")
_NOT_TEXT_ENDINGS = (".rels", ".bin", ".png", ".jpeg", ".jpg", ".gif", ".emf", ".wmf", ".vml")
_CONTENT_TYPES_ENTRY = "[Content_Types].xml"
# Whole numbers a float holds exactly (Excel keeps 15 significant digits).
_EXACT_WHOLE_NUMBERS = 2**53
_EMBEDDED_FOLDER = "xl/embeddings/"
_MEDIA_FOLDER = "xl/media/"
_SIMPLE_SHEET_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")


def read_xlsx(data: bytes, context: ExtractionContext) -> None:
    """A workbook: refuse it by its directory, or read its sheets, comments and parts."""
    who = context.here("the workbook")
    try:
        opened = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - every way a zip directory can be broken
        context.unscannable(f"damaged Excel workbook: {who} could not be opened ({_name(error)})")
        return
    with opened as archive:
        reason = refusal(archive, context.limits)
        if reason is not None:
            context.unscannable(f"{who} was not opened: {reason}")
            return
        twice = duplicate_name(archive)
        if twice is not None:
            context.unscannable(f"damaged Excel workbook: {who} holds two parts named '{twice}'")
            return
        # openpyxl warns about features it does not keep (data validation, slicers): a
        # library says nothing, and nothing of them is text it would read.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                workbook = openpyxl.load_workbook(
                    io.BytesIO(data), read_only=True, data_only=True, keep_links=False
                )
            except Exception as error:  # noqa: BLE001 - every way a workbook can be broken
                context.unscannable(
                    f"damaged Excel workbook: {who} could not be opened ({_name(error)})"
                )
                return
            try:
                opened_parts = _read_sheets(workbook, archive, context)
            finally:
                workbook.close()
        if opened_parts is not None:
            _read_other_parts(archive, opened_parts, context)


def _read_sheets(
    workbook: openpyxl.Workbook, archive: zipfile.ZipFile, context: ExtractionContext
) -> set[str] | None:
    """Every worksheet's cells and comments; the names of the parts read, or ``None`` when
    the cell bound stopped the reading (the rest is not read at all)."""
    # openpyxl keeps each sheet's part name privately; the comments are found from it.
    parts = [str(sheet._worksheet_path) for sheet in workbook.worksheets]
    opened = set(parts)
    budget = CellBudget(context, "the workbook")
    for sheet, part in zip(workbook.worksheets, parts, strict=True):
        reference = _sheet_reference(str(sheet.title))
        hidden = "" if sheet.sheet_state == "visible" else f" ({sheet.sheet_state} sheet)"
        with context.reading(reference):
            _read_cells(sheet, reference, hidden, budget, context)
        if budget.full:
            return None
        with context.reading(reference, "comments"):
            opened |= _read_comments(archive, part, reference, context)
        with context.reading(reference):
            read_sheet_extras(archive, part, reference, context)
    return opened


def _read_cells(
    sheet: openpyxl.worksheet._read_only.ReadOnlyWorksheet,
    reference: str,
    hidden: str,
    budget: CellBudget,
    context: ExtractionContext,
) -> None:
    # The dimension a sheet declares can be wrong (or hostile); without it openpyxl pads each
    # row only to its own last cell.
    sheet.reset_dimensions()
    table = TableWriter(context, f"{reference}{hidden}")
    for row in sheet.iter_rows():
        if not budget.spend(max(1, len(row))):
            break
        number = next((cell.row for cell in row if cell.value is not None), None)
        if number is None:
            continue
        place = cell_places(context, f"{reference}!", str(number), letters=True)
        table.add_row([_shown_text(cell) for cell in row], place)
        if context.text_full:
            break
    table.flush()


def _shown_text(cell: object) -> str:
    """A cell's value as text, and the literal text its number format shows with it (or
    instead of it: a format that is only a quoted string shows that string)."""
    value = getattr(cell, "value", None)
    text = _cell_text(value)
    number_format = getattr(cell, "number_format", None)
    if value is None or not isinstance(number_format, str):
        return text
    literals = format_literals(number_format)
    return f"{text} {literals}" if literals.strip() else text


def format_literals(number_format: str) -> str:
    """The literal text of an Excel number format: its quoted strings and escaped characters
    ("\\9"), each section's run together, sections apart."""
    pieces: list[str] = []
    index = 0
    while index < len(number_format):
        char = number_format[index]
        if char == '"':
            end = number_format.find('"', index + 1)
            end = len(number_format) if end < 0 else end
            pieces.append(number_format[index + 1 : end])
            index = end + 1
            continue
        if char == "\\" and index + 1 < len(number_format):
            pieces.append(number_format[index + 1])
            index += 2
            continue
        if char in "_*":  # a padding character follows: it is not shown as itself
            index += 2
            continue
        if char == "[":  # a colour, a condition or a locale
            end = number_format.find("]", index)
            index = len(number_format) if end < 0 else end + 1
            continue
        if char == ";":
            pieces.append(" ")
        index += 1
    return "".join(pieces)


def _cell_text(value: object) -> str:
    """A cell's value as text: dates as dates, whole numbers without ".0"."""
    if isinstance(value, datetime.datetime) and value.time() != datetime.time():
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):  # a datetime at midnight too
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_WHOLE_NUMBERS:
        return str(int(value))
    return "" if value is None else str(value)


def _read_comments(
    archive: zipfile.ZipFile, sheet_part: str, reference: str, context: ExtractionContext
) -> set[str]:
    """The comments (notes) on one sheet and their authors; the comments parts read."""
    parts = {
        target
        for kind, target in _relationships(archive, sheet_part)
        if kind == "comments" and target in archive.NameToInfo
    }
    for part in sorted(parts):
        root = etree.fromstring(archive.read(part), parser=XML_PARSER)
        authors = [_all_text(a) for a in _elements(root, "author")]
        for comment in _elements(root, "comment"):
            cell = f"{reference}!{comment.get('ref') or '?'}"
            text = "".join(t.text or "" for t in _elements(comment, "t"))
            context.add_text(text, cell, "comment")
            author = comment.get("authorId")
            if author is not None and author.isdigit() and int(author) < len(authors):
                context.add_text(authors[int(author)], cell, "comment author")
    return parts


def _read_other_parts(
    archive: zipfile.ZipFile, opened: set[str], context: ExtractionContext
) -> None:
    """Embedded objects and images through the dispatcher, the places links lead to outside
    the workbook, and the text of every part not read yet."""
    names = sorted(info.filename for info in archive.infolist() if not info.is_dir())
    embedded = [name for name in names if name.startswith(_EMBEDDED_FOLDER)]
    for number, name in enumerate(embedded, 1):
        place = f"embedded object {number} '{posixpath.basename(name)}'"
        with context.reading(place):
            context.nested(archive.read(name), place)
    # Images in the sheets and their headers; one OCR cannot read makes the workbook
    # unscannable, as an image-only Word document is.
    media = [name for name in names if name.startswith(_MEDIA_FOLDER)]
    for number, name in enumerate(media, 1):
        place = f"image {number} '{posixpath.basename(name)}'"
        with context.reading(place):
            context.nested(archive.read(name), place)
    for name in names:
        if name.endswith(".rels"):
            with context.reading(f"part {name}"):
                context.add_text("\n".join(_external_targets(archive, name)), f"links in {name}")
        if name in opened or name in embedded or name in media or _not_text(name):
            continue
        with context.reading(f"part {name}"):
            data = archive.read(name)
            try:
                text = xml_values(etree.fromstring(data, parser=XML_PARSER))
            except etree.XMLSyntaxError:
                text = decode_text(data)
                if looks_binary(text):
                    continue
            context.add_text(text, f"part {name}")


def _not_text(name: str) -> bool:
    return (
        name == _CONTENT_TYPES_ENTRY
        or name in _NOT_TEXT_PARTS
        or name.startswith(_NOT_TEXT_FOLDERS)
        or name.lower().endswith(_NOT_TEXT_ENDINGS)
    )


def _relationships(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, str]]:
    """The kind (last piece of the type) and target part of each internal relationship."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in archive.NameToInfo:
        return
    root = etree.fromstring(archive.read(rels), parser=XML_PARSER)
    for relationship in root.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
        if relationship.get("TargetMode") == "External":
            continue
        target = relationship.get("Target") or ""
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        yield (relationship.get("Type") or "").rsplit("/", 1)[-1], path


def _external_targets(archive: zipfile.ZipFile, rels: str) -> Iterator[str]:
    """Where the external relationships in the ``rels`` part lead (hyperlinks'
    ``mailto:``, web and file addresses, linked workbooks), %-escapes decoded."""
    root = etree.fromstring(archive.read(rels), parser=XML_PARSER)
    for relationship in root.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
        if relationship.get("TargetMode") == "External":
            yield urllib.parse.unquote(relationship.get("Target") or "")


def _elements(root: etree._Element, name: str) -> Iterator[etree._Element]:
    """Elements named ``name`` in any namespace (Transitional and Strict both)."""
    return (e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == name)


def _sheet_reference(title: str) -> str:
    """The sheet's name as Excel writes it in a reference: quoted when it needs to be."""
    if title and all(c in _SIMPLE_SHEET_NAME for c in title) and not title[0].isdigit():
        return title
    return "'" + title.replace("'", "''") + "'"


def _all_text(element: etree._Element) -> str:
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _name(error: Exception) -> str:
    return type(error).__name__
