"""What a worksheet's XML holds besides its cells' values, which openpyxl's read-only mode
does not give: header and footer texts, data validation lists, prompts and error messages,
hyperlinks' places, display texts and tips, the formulas of cells without a value as last
calculated (openpyxl and pandas write formulas without one), and the settings that can hold
words (filters' values, conditional formats' formulas, scenarios, named ranges, views).

The sheet part is read a second time, streamed (``iterparse``, each row let go of when it is
done), so memory stays bounded by a row as the cell reading's does; the cells were counted
against ``max_spreadsheet_cells`` by that first reading. A formula is read with its string
literals as plain words, and then those run together (``CONCATENATE("NHS ","9254122483")``
reads ``CONCATENATE( NHS , 9254122483 ) = NHS 9254122483``).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from urllib.parse import unquote

from lxml import etree

from scanner.extract._context import ExtractionContext
from scanner.extract._docx import xml_values
from scanner.extract._formulas import unworked, worked_out
from scanner.extract._table import SEGMENT_CHARS, cell_text

# SpreadsheetML's two namespaces: Transitional (almost every file) and Strict; data validations
# Excel 2010 added are in an extension namespace, with their formulas in another.
_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main",
)
_HEADERS_FOOTERS = {
    "oddHeader": "header",
    "oddFooter": "footer",
    "evenHeader": "even page header",
    "evenFooter": "even page footer",
    "firstHeader": "first page header",
    "firstFooter": "first page footer",
}
# A formula's cell is looked at when its row ends (its value comes after the formula), so
# Python sees a row and a formula, not every cell.
# Settings of a sheet (children of its root) that can hold words: filters' values, the
# formulas of conditional formats, scenarios' values, names of ranges, controls and views.
# Each is read as a part is, every text and attribute value in it.
_SETTINGS = frozenset(
    {
        "autoFilter",
        "conditionalFormatting",
        "protectedRanges",
        "scenarios",
        "customSheetViews",
        "smartTags",
        "webPublishItems",
        "customProperties",
        "cellWatches",
        "oleObjects",
        "controls",
        "extLst",
    }
)
_TAGS = ("row", "f", "dataValidation", "hyperlink", *_HEADERS_FOOTERS, *_SETTINGS)
_VALIDATION_TEXTS = ("promptTitle", "prompt", "errorTitle", "error")
_HYPERLINK_TEXTS = ("location", "display", "tooltip")
# A header's or footer's codes: a section (&L, &C, &R), a font ("&"Arial,Bold"), a size
# (&12), a colour (&KFF0000, &K01+000), a field or style (&P, &D, &B ...); "&&" is an "&".
_HEADER_CODE = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|K\d\d[+-]\d{3}|[A-Za-z+-])')
# A string literal in a formula: "..." with "" for a quote inside it.
_STRING_LITERAL = re.compile(r'"((?:[^"]|"")*)"')
# What joins the parts of a formula outside its literals: brackets, separators, operators.
# The names of functions ("TEXT(" would make the number after it a text message's), then
# brackets, separators and operators.
_FORMULA_PUNCTUATION = re.compile(r"(?:_xlfn\.)?[A-Za-z][A-Za-z0-9.]*\(|[(),;&+\-*/^=<>{}]")


def read_sheet_extras(
    archive: zipfile.ZipFile, part: str, reference: str, context: ExtractionContext
) -> None:
    """Read the header and footer texts, data validations, hyperlinks, uncalculated formulas
    and settings of the sheet kept in ``part``, at places within ``reference`` ("Clients")."""
    sheet = _Sheet(context, reference)
    tags = [f"{{{namespace}}}{tag}" for namespace in _NAMESPACES for tag in _TAGS]
    with archive.open(part) as stream:
        events = etree.iterparse(
            stream,
            events=("end",),
            tag=tags,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for _, element in events:
            sheet.take(element)
            if context.text_full:
                return
    sheet.finish()


class _Sheet:
    """What one sheet's elements say, as they are met."""

    def __init__(self, context: ExtractionContext, reference: str) -> None:
        self.context = context
        self.reference = reference
        self.formulas = _Lines(context, reference, "formulas")
        self.validations = _Lines(context, reference, "data validations")
        self.links = _Lines(context, reference, "links")
        self.cells: list[etree._Element] = []  # of formulas in the row being read

    def take(self, element: etree._Element) -> None:
        name = etree.QName(element).localname
        if name == "f":
            cell = element.getparent()
            if cell is not None:
                self.cells.append(cell)
            return
        if name == "row":
            self._take_formulas()
            _let_go(element)
            return
        if name in _HEADERS_FOOTERS:
            text = header_footer_text(element.text or "")
            self.context.add_text(text, self.reference, _HEADERS_FOOTERS[name])
        elif name in _SETTINGS:
            if not _on_the_sheet(element):
                return  # read with the setting it is in
            self.context.add_text(xml_values(element), self.reference, f"settings ({name})")
        elif name == "dataValidation":
            self.validations.add(_validation_text(element), _sqref(element))
        else:
            texts = (element.get(a) or "" for a in _HYPERLINK_TEXTS)
            self.links.add(" ".join(t for t in texts if t), element.get("ref"))
        element.clear()

    def finish(self) -> None:
        self._take_formulas()
        for lines in (self.formulas, self.validations, self.links):
            lines.flush()

    def _take_formulas(self) -> None:
        for cell in self.cells:
            formula = _uncalculated(cell)
            shown = worked_out(formula)
            text = formula_text(formula) if formula else ""
            self.formulas.add(" = ".join([text, *shown]) if shown else text, cell.get("r"))
            if unworked(formula):
                self.context.unscannable(
                    f"{self.context.where(f'{self.reference}!{cell.get("r") or "?"}')} has a "
                    "formula that builds text from character codes confide could not work out"
                )
        self.cells = []


def header_footer_text(code: str) -> str:
    """A header's or footer's text without its codes, each section on a line of its own."""
    sections = re.split(r"&[LCR]", code.replace("&&", "\0"))
    lines = (_HEADER_CODE.sub(" ", section).replace("\0", "&").strip() for section in sections)
    return "\n".join(line for line in lines if line)


def formula_text(formula: str) -> str:
    """A formula as words: each string literal percent-decoded (a ``HYPERLINK`` to a
    "mailto:...?subject=NHS%20..."), the function names, operators and brackets between
    them spaces (a number is read in "TEXT(4010232137,"0")"); when it has more than one
    literal, then " = " and the literals run together, as concatenating them makes them (a
    value split over two literals is read whole)."""
    pieces = _STRING_LITERAL.split(formula)  # outside, literal, outside, literal, ...
    literals = [unquote(piece.replace('""', '"')) for piece in pieces[1::2]]
    outside = [_FORMULA_PUNCTUATION.sub(" ", piece) for piece in pieces[::2]]
    spaced = " ".join(
        part.strip()
        for pair in itertools.zip_longest(outside, literals, fillvalue="")
        for part in pair
        if part.strip()
    )
    return f"{spaced} = {''.join(literals)}" if len(literals) > 1 else spaced


def _validation_text(element: etree._Element) -> str:
    """A data validation's prompt, its error message, and its list or bounds (formulas)."""
    texts = [element.get(a) or "" for a in _VALIDATION_TEXTS]
    for child in element.iter():
        local = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if local in ("formula1", "formula2"):
            texts.append(formula_text(_all_text(child)))
    return " ".join(t for t in texts if t)


def _sqref(element: etree._Element) -> str:
    """The cells a data validation is for: an attribute, or (Excel 2010's) an element."""
    found = element.get("sqref")
    if found is not None:
        return found
    return "".join(
        c.text or "" for c in element if isinstance(c.tag, str) and c.tag.endswith("}sqref")
    )


def _uncalculated(cell: etree._Element) -> str:
    """The formula of a cell that has none of its value as last calculated, else "".

    Excel calculates it on opening the workbook, so what it shows is read too
    (``_formulas``)."""
    formula = value = None
    for child in cell:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local == "f":
            formula = child.text
        elif local in ("v", "is"):
            value = _all_text(child)
    return formula if formula and not value else ""


def _all_text(element: etree._Element) -> str:
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _on_the_sheet(element: etree._Element) -> bool:
    """Whether ``element`` is a child of the sheet's root (not inside another setting)."""
    parent = element.getparent()
    return parent is not None and parent.getparent() is None


def _let_go(row: etree._Element) -> None:
    """Free a row read to its end, and the rows before it."""
    row.clear()
    parent = row.getparent()
    while parent is not None and row.getprevious() is not None:
        del parent[0]


class _Lines:
    """Texts of one kind found at a sheet's cells, one a line, as segments named ``label``
    in which each line keeps its cells' place (a segment per ``SEGMENT_CHARS``)."""

    def __init__(self, context: ExtractionContext, reference: str, label: str) -> None:
        self.context = context
        self.reference = reference
        self.label = label
        self.pieces: list[str] = []
        self.places: list[tuple[int, str]] = []
        self.offset = 0

    def add(self, text: str, cells: str | None) -> None:
        """Add ``text`` (if any) found at ``cells`` ("B3", "A5:A9")."""
        text = cell_text(text)
        if not text:
            return
        self.places.append((self.offset, self.context.where(f"{self.reference}!{cells or '?'}")))
        self.pieces.append(text + "\n")
        self.offset += len(text) + 1
        if self.offset >= SEGMENT_CHARS:
            self.flush()

    def flush(self) -> None:
        if self.pieces:
            text = "".join(self.pieces)
            self.context.add_table(text, tuple(self.places), self.reference, self.label)
        self.pieces, self.places, self.offset = [], [], 0
