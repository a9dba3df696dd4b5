"""Word documents (.docx): every place text can hide, read from the XML parts.

The zip directory is checked against the limits before any entry is decompressed, so a zip
bomb is refused unopened. The parts are then read straight from the zip with lxml rather than
through python-docx's object model: python-docx only reaches parts linked by relationships and
refuses macro-enabled documents, while a leak can sit in an orphaned part just as well.

Read: the body (paragraphs and tables, nested tables too, hidden text), headers and footers of
every section, footnotes and endnotes, comments and their authors, text boxes (DrawingML and
VML), tracked deletions (insertions are part of the text), field codes, external link targets,
ScreenTips of links and form fields, image descriptions (alt text, VML's too), drop-down and
list choices, equations, the glossary (building blocks), core, extended and custom properties,
and embedded objects and imported chunks (read through the dispatcher like attachments),
content-control titles and tags, and pictures (read with OCR through the dispatcher like
attached images: ``read_images``). Every other zip entry that is XML or text (custom XML data,
an unreferenced part, a stray file) is read too, as one segment per entry: its text nodes and
attribute values, less font names, hex colours and such markup. A zip that holds one name twice
(letter case aside) is refused, as only one copy would be read. A document with images and
(almost) no text in its body is probably a scanned page, and is reported, as a PDF page like it
is, whatever OCR finds in its images.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import NamedTuple

from lxml import etree

from scanner.charsets import decode_text
from scanner.extract._context import ExtractionContext
from scanner.extract._html import data_url_content, readable_url
from scanner.ooxml import (
    PARAGRAPH,
    W_NAMESPACES,
    XML_PARSER,
    duplicate_name,
    is_picture,
    refusal,
    w,
)

_R_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

# A body with images and fewer letters and digits than this is treated as a scan (the same
# bound as a PDF page's).
_SCAN_MAX_LETTERS = 16
_MEDIA_FOLDER = "word/media/"
_CONTENT_TYPES_ENTRY = "[Content_Types].xml"
# Entries the fallback reader leaves alone: images, fonts and embedded objects (those are read
# through the dispatcher above), and macros (binary; a macro-enabled document is its own rule).
_BINARY_FOLDERS = (_MEDIA_FOLDER, "word/fonts/", "word/embeddings/", "docProps/thumbnail")
_BINARY_EXTENSIONS = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".emf",
    ".wmf",
    ".svg",
    ".odttf",
    ".ttf",
    ".otf",
    ".fntdata",
)

# The elements of an SVG picture whose text it shows or names it by.
_SVG_TEXT = frozenset({"text", "title", "desc", "foreignObject"})
_NOTE_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})
_HEADER_KINDS = {"default": "", "first": ", first page", "even": ", even pages"}
_CORE_PROPERTIES = {
    "creator": "author",
    "lastModifiedBy": "last modified by",
    "title": "title",
    "subject": "subject",
    "keywords": "keywords",
    "description": "comments",
    "category": "category",
    "contentStatus": "status",
    "identifier": "identifier",
}
_EXTENDED_PROPERTIES = {"Company": "company", "Manager": "manager"}


_T = w("t")
_TAB = w("tab", "ptab")
_BREAK = w("br", "cr")
_HYPHEN = w("noBreakHyphen")
_SYMBOL = w("sym")
# Symbol fonts' characters are written in the private use area at U+F000 + the font's code.
_SYMBOL_FONT_AREA = range(0xF020, 0xF100)
_TEXT_BOX = w("txbxContent")
_CELL = w("tc")
# What an empty element stands for in the text: a tab, a line break, a hyphen.
_MARKS = {
    **dict.fromkeys(_TAB, "\t"),
    **dict.fromkeys(_BREAK, "\n"),
    **dict.fromkeys(_HYPHEN, "-"),
}
_ROW = w("tr")
_WHITE_SPACE = re.compile(r"\s+")
_DELETION = w("del")
_DELETED_TEXT = w("delText")
_FIELD_CODE = w("instrText")
_SIMPLE_FIELD = w("fldSimple")
_BODY = w("body")
_SECTION = w("sectPr")
_HEADER_REFERENCE = w("headerReference", "footerReference")
_FOOTNOTE = w("footnote", "endnote")
_COMMENT = w("comment")
# Attribute values the fallback reader leaves out, as they are markup, not anyone's text:
# font names and scripts (named from the fonts installed, shown nowhere), namespace prefixes
# a reader may ignore, shape formulas, and hex colours and revision ids (six or eight hex
# digits with a letter among them, so a number of digits alone is still read).
_FONT_ELEMENTS = frozenset({"font", "altName", "latin", "ea", "cs", "sym", "rFonts"})
_MARKUP_ATTRIBUTES = frozenset({"Ignorable", "ProcessContent", "MustUnderstand", "script", "fmla"})
_COLOUR_OR_ID = re.compile(r"(?=[0-9A-Fa-f]*[A-Fa-f])(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})")
_CONTROL_NAMES = w("alias", "tag")  # a content control's title and tag
# Text Word shows on pointing at a link (its ScreenTip) or a legacy form field (its help and
# status bar text), kept in attributes.
_HYPERLINK = w("hyperlink")
_FORM_FIELD_TIPS = w("helpText", "statusText")
# The choices of a drop-down form field and of a content control's list, shown only when
# chosen, and equations (Office Math), whose text is not in w:t.
_LIST_ENTRIES = w("listEntry")
_LIST_ITEMS = w("listItem")
_LIST_ITEM_TEXT = ("displayText", "value")
_EQUATIONS = frozenset(
    f"{{{namespace}}}oMath"
    for namespace in (
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "http://purl.oclc.org/ooxml/officeDocument/math",
    )
)
# Alt text: a drawing's (wp:docPr) and its picture's own (pic:cNvPr), and a VML shape's and
# picture's (legacy documents).
_PICTURE_PROPERTIES = frozenset(
    f"{{{namespace}}}{name}"
    for namespace, name in (
        ("http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing", "docPr"),
        ("http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing", "docPr"),
        ("http://schemas.openxmlformats.org/drawingml/2006/picture", "cNvPr"),
        ("http://purl.oclc.org/ooxml/drawingml/picture", "cNvPr"),
    )
)
_VML = "urn:schemas-microsoft-com:vml"
_VML_SHAPES = frozenset(f"{{{_VML}}}{name}" for name in ("shape", "rect", "roundrect", "oval"))
_VML_IMAGES = frozenset({f"{{{_VML}}}imagedata"})
_VML_TITLE = "{urn:schemas-microsoft-com:office:office}title"


class _Relationship(NamedTuple):
    target: str  # an entry name, or a URL when external
    external: bool
    kind: str  # the last piece of the relationship type, e.g. "hyperlink"


def read_docx(data: bytes, context: ExtractionContext) -> None:
    """A .docx: refuse it by its directory, or read every text-bearing part."""
    try:
        opened = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - every way a zip directory can be broken
        who = context.here("the document")
        context.unscannable(f"damaged Word document: {who} could not be opened ({_name(error)})")
        return
    with opened as archive:
        reason = refusal(archive, context.limits)
        if reason is not None:
            context.unscannable(f"{context.here('the document')} was not opened: {reason}")
            return
        twice = duplicate_name(archive)
        if twice is not None:
            who = context.here("the document")
            context.unscannable(f"damaged Word document: {who} holds two parts named '{twice}'")
            return
        _Package(archive, context).read()


class _Package:
    """The parts of one .docx, classified by their declared content types."""

    def __init__(self, archive: zipfile.ZipFile, context: ExtractionContext) -> None:
        self.archive = archive
        self.context = context
        self.content_types = _content_types(archive)
        self.names = {info.filename for info in archive.infolist()}
        # Entries opened so far; every other entry is read by the fallback at the end.
        self.opened: set[str] = {_CONTENT_TYPES_ENTRY}
        # Header and footer entries, named for where the document uses them.
        self.story_names: dict[str, str] = {}
        self.body_letters = 0

    def read(self) -> None:
        kinds = {name: self.kind(name) for name in sorted(self.names)}
        for name in (n for n, k in kinds.items() if k == "main+xml"):
            with self.context.reading(name):
                self.story_names.update(self.header_names(name))
        for kind, reader in self.readers():
            for name in (n for n, k in kinds.items() if k == kind):
                with self.context.reading(self.story_names.get(name) or name):
                    reader(name)
        embedded = [name for name in sorted(self.names) if name.startswith("word/embeddings/")]
        for number, name in enumerate(embedded, 1):
            place = f"embedded object {number} '{posixpath.basename(name)}'"
            with self.context.reading(place):
                self.context.nested(self.read_bytes(name), place)
        self.read_images()
        for name in sorted(self.names - self.opened):
            with self.context.reading(f"part {name}"):
                self.read_unknown(name)
        if any(name.startswith(_MEDIA_FOLDER) for name in self.names):
            self.report_scan()

    def read_images(self) -> None:
        """Every picture in the package (body, headers, footers, notes: Word keeps them in
        ``word/media``, but any entry whose bytes are an image counts) read through the
        dispatcher as an image file is: its text found with OCR, at
        "image 'word/media/image1.png' / image text".

        A picture in which OCR finds no text (a logo) adds nothing; one that cannot be read
        within the image bounds, or at all without Tesseract, is unscannable. An SVG picture
        (which Word shows in place of its raster fallback) is read as a drawing
        (``read_svg``); EMF and WMF drawings are not read, as before.
        """
        for name in sorted(self.names - self.opened):
            with self.context.reading(f"part {name}"):
                if name.lower().endswith(".svg") or "svg" in self.content_types.get(name, ""):
                    self.read_svg(name)
                elif is_picture(name, self.archive):
                    self.context.nested(self.read_bytes(name), f"image '{name}'")

    def read_svg(self, name: str) -> None:
        """An SVG picture: the text it shows (``<text>``, and its ``<title>`` and ``<desc>``,
        and HTML in a ``<foreignObject>``), each element's on a line, at "drawing '...'", and
        each raster image inside it (a data: URL) with OCR, as a picture. One that cannot be
        parsed is unscannable."""
        read_svg(self.read_bytes(name), self.context, f"drawing '{name}'")

    def report_scan(self) -> None:
        """Report a body of images with (almost) no text: its content cannot be read."""
        who = self.context.here("the document")
        if self.body_letters == 0:
            self.context.unscannable(f"{who} has images and no text (probably a scanned image)")
        elif self.body_letters < _SCAN_MAX_LETTERS:
            self.context.unscannable(
                f"{who} has images and almost no text (probably a scanned image)"
            )

    def kind(self, name: str) -> str:
        """The last dotted piece of the entry's content type, e.g. ``header+xml``."""
        content_type = self.content_types.get(name)
        if content_type is None:
            extension = posixpath.splitext(name)[1].lstrip(".").lower()
            content_type = self.content_types.get(f"*.{extension}", "")
        if name == "word/document.xml" and not content_type.endswith("main+xml"):
            return "main+xml"  # damaged content types: the sniffer found this very entry
        return content_type.rsplit(".", 1)[-1]

    def readers(self) -> Iterator[tuple[str, Callable[[str], None]]]:
        yield "main+xml", self.read_main
        yield "header+xml", self.read_story
        yield "footer+xml", self.read_story
        yield "footnotes+xml", self.read_notes
        yield "endnotes+xml", self.read_notes
        yield "comments+xml", self.read_comments
        yield "glossary+xml", self.read_glossary
        yield "core-properties+xml", self.read_core_properties
        yield "extended-properties+xml", self.read_extended_properties
        yield "custom-properties+xml", self.read_custom_properties

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.read_bytes(name), parser=XML_PARSER)

    def read_bytes(self, name: str) -> bytes:
        self.opened.add(name)
        return self.archive.read(name)

    def read_unknown(self, name: str) -> None:
        """An entry no reader above opened: its text if it is XML or text; media is skipped.

        Anything can sit in a zip beside the parts Word uses (custom XML data, a stray text
        file, an unreferenced copy of a part), and it travels with the document all the same.
        """
        if name.startswith(_BINARY_FOLDERS) or name.lower().endswith(_BINARY_EXTENSIONS):
            return
        data = self.read_bytes(name)
        try:
            text = xml_values(etree.fromstring(data, parser=XML_PARSER))
        except etree.XMLSyntaxError:
            text = decode_text(data)
            if looks_binary(text):
                return
        self.context.add_text(text, f"part {name}")

    def header_names(self, main: str) -> dict[str, str]:
        """Entry names of headers and footers, mapped to where the document uses them."""
        relationships = self.relationships(main)
        names: dict[str, str] = {}
        sections = self.xml(main).iter(*_SECTION)
        for number, section in enumerate(sections, 1):
            for reference in section:
                if reference.tag not in _HEADER_REFERENCE:
                    continue
                target = relationships.get(_attribute(reference, _R_NAMESPACES, "id") or "")
                kind = _HEADER_KINDS.get(_attribute(reference, W_NAMESPACES, "type") or "", "")
                which = etree.QName(reference).localname.removesuffix("Reference")
                if target is not None and not target.external:
                    names.setdefault(target.target, f"{which} (section {number}{kind})")
        return names

    def relationships(self, name: str) -> dict[str, _Relationship]:
        """The entry's relationships, by id."""
        folder, base = posixpath.split(name)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels not in self.names:
            return {}
        found: dict[str, _Relationship] = {}
        for relationship in self.xml(rels).iter(f"{{{_PACKAGE_RELS}}}Relationship"):
            target = relationship.get("Target") or ""
            external = relationship.get("TargetMode") == "External"
            if not external:
                target = posixpath.normpath(posixpath.join("/", folder, target)).lstrip("/")
            kind = (relationship.get("Type") or "").rsplit("/", 1)[-1]
            found[relationship.get("Id") or ""] = _Relationship(target, external, kind)
        return found

    def add_links(self, name: str, location: str) -> None:
        """The part's external link targets, percent-decoded (``readable_url``): a
        ``mailto:`` link's subject is written "NHS%204010232137"."""
        targets = [readable_url(r.target) for r in self.relationships(name).values() if r.external]
        self.context.add_text("\n".join(targets), location, "link targets")

    def read_main(self, name: str) -> None:
        root = self.xml(name)
        body = next(root.iter(*_BODY), root)
        self.add_story(body, "body")
        self.body_letters += sum(character.isalnum() for character in story_text(body))
        self.add_links(name, "body")
        # Imported chunks (w:altChunk): HTML, MHT, RTF or text that Word merges in on opening.
        chunks = [
            r.target
            for r in self.relationships(name).values()
            if r.kind == "aFChunk" and not r.external and r.target in self.names
        ]
        for number, chunk in enumerate(chunks, 1):
            place = f"imported chunk {number} '{posixpath.basename(chunk)}'"
            with self.context.reading(place):
                self.context.nested(self.read_bytes(chunk), place)

    def read_story(self, name: str) -> None:
        unused = f"{posixpath.splitext(posixpath.basename(name))[0]} (not used by any section)"
        location = self.story_names.get(name) or unused
        self.add_story(self.xml(name), location)
        self.add_links(name, location)

    def read_notes(self, name: str) -> None:
        for note in self.xml(name).iter(*_FOOTNOTE):
            if _attribute(note, W_NAMESPACES, "type") in _NOTE_SEPARATORS:
                continue
            number = _attribute(note, W_NAMESPACES, "id") or "?"
            self.add_story(note, f"{etree.QName(note).localname} {number}")
        self.add_links(name, "footnotes" if "footnotes" in name else "endnotes")

    def read_comments(self, name: str) -> None:
        for number, comment in enumerate(self.xml(name).iter(*_COMMENT), 1):
            author = [_attribute(comment, W_NAMESPACES, a) for a in ("author", "initials")]
            self.context.add_text("\n".join(a for a in author if a), f"comment {number}", "author")
            self.add_story(comment, f"comment {number}")
        self.add_links(name, "comments")

    def read_glossary(self, name: str) -> None:
        self.add_story(self.xml(name), "glossary (building blocks)")

    def read_core_properties(self, name: str) -> None:
        for element in self.xml(name):
            label = _CORE_PROPERTIES.get(etree.QName(element).localname)
            if label:
                self.context.add_text(_all_text(element), "properties", label)

    def read_extended_properties(self, name: str) -> None:
        for element in self.xml(name):
            label = _EXTENDED_PROPERTIES.get(etree.QName(element).localname)
            if label:
                self.context.add_text(_all_text(element), "properties", label)

    def read_custom_properties(self, name: str) -> None:
        for element in self.xml(name):
            label = f"custom '{element.get('name') or '?'}'"
            self.context.add_text(_all_text(element).strip(), "properties", label)

    def add_story(self, root: etree._Element, location: str) -> None:
        """A story's text, then its text boxes, deletions and field codes, each on its own."""
        add = self.context.add_text
        add(story_text(root), location)
        for number, box in enumerate(_unique(story_text(b) for b in root.iter(*_TEXT_BOX)), 1):
            add(box, location, f"text box {number}")
        for number, deleted in enumerate(_deletions(root), 1):
            add(deleted, location, f"deleted text {number}")
        # A field code is split over runs, so its pieces join without separators.
        codes = ["".join(_all_text(code) for code in root.iter(*_FIELD_CODE))]
        codes += [_attribute(f, W_NAMESPACES, "instr") or "" for f in root.iter(*_SIMPLE_FIELD)]
        # A HYPERLINK field's target is a URL, read as a link target is: percent-decoded, and
        # its query's punctuation as spaces ("?subject=Kwame%20Hughes" reads "subject Kwame
        # Hughes", where a name is found).
        codes = [readable_url(code).strip() for code in codes]
        add("\n".join(c for c in codes if c), location, "field codes")
        controls = [_attribute(c, W_NAMESPACES, "val") or "" for c in root.iter(*_CONTROL_NAMES)]
        add("\n".join(c for c in controls if c.strip()), location, "content controls")
        pictures = root.iter(*_PICTURE_PROPERTIES)
        descriptions = [p.get(a) or "" for p in pictures for a in ("descr", "title")]
        descriptions += [shape.get("alt") or "" for shape in root.iter(*_VML_SHAPES)]
        descriptions += [image.get(_VML_TITLE) or "" for image in root.iter(*_VML_IMAGES)]
        descriptions = list(dict.fromkeys(d for d in descriptions if d.strip()))
        add("\n".join(descriptions), location, "image descriptions")
        tips = [_attribute(t, W_NAMESPACES, "tooltip") or "" for t in root.iter(*_HYPERLINK)]
        tips += [_attribute(t, W_NAMESPACES, "val") or "" for t in root.iter(*_FORM_FIELD_TIPS)]
        add("\n".join(t for t in tips if t.strip()), location, "screen tips")
        entries = [_attribute(e, W_NAMESPACES, "val") or "" for e in root.iter(*_LIST_ENTRIES)]
        items = root.iter(*_LIST_ITEMS)
        entries += [_attribute(i, W_NAMESPACES, a) or "" for i in items for a in _LIST_ITEM_TEXT]
        add("\n".join(dict.fromkeys(e for e in entries if e.strip())), location, "list entries")
        equations = [_all_text(equation) for equation in root.iter(*_EQUATIONS)]
        add("\n".join(e for e in equations if e.strip()), location, "equations")


def story_text(root: etree._Element) -> str:
    """The text of the paragraphs under ``root``, one per line, as Word shows it.

    A table is written as detection reads a pasted spreadsheet: a row a line, a tab between
    its cells, and each cell's paragraphs (and any table nested in it) on its one line, so a
    column's header is context for the cells under it. Text boxes inside are left out (they
    are read on their own), and so are deleted text and field codes, which are separate
    elements (``w:delText``, ``w:instrText``).
    """
    pieces: list[str] = []
    cells: list[int] = []  # where each open cell's pieces start
    boxes = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if tag in _TEXT_BOX and element is not root:
            boxes += 1 if event == "start" else -1
        elif boxes:
            continue
        elif event == "start":
            if tag in _T:
                pieces.append(element.text or "")
            elif tag in _MARKS or tag in _SYMBOL:
                pieces.append(_MARKS[tag] if tag in _MARKS else _symbol(element))
            elif tag in _CELL:
                cells.append(len(pieces))
        elif tag in PARAGRAPH:
            pieces.append("\n")
        elif tag in _CELL and cells:
            start = cells.pop()
            pieces[start:] = [_WHITE_SPACE.sub(" ", "".join(pieces[start:])).strip(), "\t"]
        elif tag in _ROW:
            if pieces and pieces[-1] == "\t":
                pieces[-1] = "\n"
            else:
                pieces.append("\n")
    return "".join(pieces)


def _symbol(element: etree._Element) -> str:
    """The character a ``w:sym`` element shows: its ``w:char`` code (hex), in a symbol font's
    private use area read as the font's own code (ECMA-376 17.3.3.30)."""
    code = next(
        (value for name, value in element.attrib.items() if str(name).endswith("}char")), ""
    )
    try:
        number = int(str(code), 16)
    except ValueError:
        return ""
    if number in _SYMBOL_FONT_AREA:
        number -= 0xF000
    return chr(number) if 0 < number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else ""


def _deletions(root: etree._Element) -> Iterator[str]:
    """Tracked deletions; adjacent ``w:del`` elements (one edit split by formatting) as one."""
    group: list[str] = []
    previous: etree._Element | None = None
    for deletion in root.iter(*_DELETION):
        if previous is not None and previous.getnext() is not deletion and group:
            yield "".join(group)
            group = []
        group += [text.text or "" for text in deletion.iter(*_DELETED_TEXT)]
        previous = deletion
    if group:
        yield "".join(group)


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Entry name (no leading slash) or ``*.ext`` to content type, from [Content_Types].xml."""
    try:
        root = etree.fromstring(archive.read(_CONTENT_TYPES_ENTRY), parser=XML_PARSER)
    except Exception:  # noqa: BLE001 - a missing or broken list: classify by name alone
        return {}
    found: dict[str, str] = {}
    for default in root.iter(f"{{{_CONTENT_TYPES}}}Default"):
        found[f"*.{(default.get('Extension') or '').lower()}"] = default.get("ContentType") or ""
    for override in root.iter(f"{{{_CONTENT_TYPES}}}Override"):
        found[(override.get("PartName") or "").lstrip("/")] = override.get("ContentType") or ""
    return found


def xml_values(root: etree._Element) -> str:
    """Every distinct text node, comment and attribute value under ``root``, one per line."""
    # Each value once, in the order first met: style and numbering parts repeat the same few
    # tokens (and element and attribute names) thousands of times, so each is looked at once.
    values: dict[str, None] = {}
    local_names: dict[str, str] = {}
    left_out: set[str] = set()  # attribute values that are colours or ids
    for element in root.iter():
        for text in (element.text, element.tail):
            if text and (value := text.strip()):
                values.setdefault(value)
        tag = element.tag
        if isinstance(tag, str) and _local_name(tag, local_names) in _FONT_ELEMENTS:
            continue
        for attribute, raw in element.attrib.items():
            text = raw if isinstance(raw, str) else raw.decode()
            value = text.strip()
            if not value or value in values or text in left_out:
                continue
            name = attribute if isinstance(attribute, str) else attribute.decode()
            if _local_name(name, local_names) in _MARKUP_ATTRIBUTES:
                continue
            if _COLOUR_OR_ID.fullmatch(text):
                left_out.add(text)
                continue
            values[value] = None
    return "\n".join(values)


def read_svg(data: bytes, context: ExtractionContext, place: str) -> None:
    """An SVG picture: the text it shows (``<text>``, and its ``<title>`` and ``<desc>``, and
    HTML in a ``<foreignObject>``), each element's on a line, at ``place``, and each raster
    image inside it (a data: URL) with OCR, as a picture. One that cannot be parsed is
    unscannable."""
    try:
        root = etree.fromstring(data, parser=XML_PARSER)
    except etree.XMLSyntaxError:
        context.unscannable(f"{context.where(place)} is an SVG picture that could not be read")
        return
    if root is None:
        context.unscannable(f"{context.where(place)} is an SVG picture that could not be read")
        return
    context.add_text("\n".join(_svg_text(root)), place)
    for url in _svg_data_urls(root):
        image = data_url_content(url)
        if image is None:
            where = context.where(place)
            context.unscannable(f"{where} has an image that could not be decoded")
        else:
            context.nested(image, place, "image")


def _svg_text(root: etree._Element) -> list[str]:
    """The text of each element of an SVG picture that shows or names it (``_SVG_TEXT``,
    not inside another), one a line."""
    local_names: dict[str, str] = {}
    lines = []
    for element in root.iter():
        if (
            not isinstance(element.tag, str)
            or _local_name(element.tag, local_names) not in _SVG_TEXT
        ):
            continue
        if not any(
            isinstance(above.tag, str) and _local_name(above.tag, local_names) in _SVG_TEXT
            for above in element.iterancestors()
        ):
            lines.append(" ".join(_all_text(element).split()))
    return lines


def _svg_data_urls(root: etree._Element) -> list[str]:
    """The data: URLs an SVG picture's elements link to (an embedded raster image)."""
    urls = []
    for element in root.iter():
        for attribute, raw in element.attrib.items():
            name = attribute if isinstance(attribute, str) else attribute.decode()
            value = raw if isinstance(raw, str) else raw.decode()
            if name.rpartition("}")[2] == "href" and value.strip().startswith("data:"):
                urls.append(value.strip())
    return urls


def _local_name(name: str, known: dict[str, str]) -> str:
    """The name without its namespace (``{uri}name`` is ``name``), as ``etree.QName``."""
    local = known.get(name)
    if local is None:
        local = known[name] = name.rpartition("}")[2]
    return local


def looks_binary(text: str) -> bool:
    """Whether decoded bytes are mostly not text (control characters other than spacing)."""
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    return controls > len(text) // 100


def _attribute(element: etree._Element, namespaces: tuple[str, ...], name: str) -> str | None:
    for namespace in namespaces:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


def _all_text(element: etree._Element) -> str:
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _unique(texts: Iterator[str]) -> list[str]:
    """Texts in order without repeats: Word writes each text box twice (DrawingML and VML)."""
    return list(dict.fromkeys(t for t in texts if t.strip()))


def _name(error: Exception) -> str:
    return type(error).__name__
