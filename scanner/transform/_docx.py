"""Word attachments (.docx): a CONFIDENTIAL header line, and values removed everywhere.

Redaction works on the XML parts themselves, as ``scanner.extract`` reads them, so it reaches
what python-docx does not: comments, tracked insertions and deletions, headers, footers,
footnotes, endnotes, text boxes, field codes, document properties and any orphaned part.
Within a paragraph the text of its runs is joined, so a value Word split over runs of
different formatting is still found; the placeholder goes into the run where the value
starts and the rest of the value is cut from the runs after it. What stands in the value's
place is made once, for the paragraph's joined text (``Matcher.anonymized``). A picture in
which OCR finds a value becomes a white picture of its size (``_redacted_picture``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from urllib.parse import quote, unquote

import docx
from lxml import etree
from PIL import Image

from scanner.extract import extract, ocr_available
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.ooxml import PARAGRAPH as _P
from scanner.ooxml import XML_PARSER as _XML_PARSER
from scanner.ooxml import is_picture, is_thumbnail, refusal
from scanner.ooxml import w as _w
from scanner.transform._error import TransformError
from scanner.transform._matching import Matcher

# Text Word keeps in runs, each kind joined per paragraph on its own: the text shown
# (tracked insertions included), tracked deletions, and field codes (read decoded).
_RUN_TEXT = (_w("t"), _w("delText"), _w("instrText"))
_ALL_RUN_TEXT = frozenset().union(*_RUN_TEXT)
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_XML_ENTRIES = (".xml", ".rels")
_FIELD_CODE = _w("instrText")
# What stays as it is when a redacted URL is encoded again: its delimiters, and the brackets
# of "[name removed]".
_URL_SAFE = ":/?#[]@!$&'()*+,;=~"


def docx_with_header(data: bytes, line: str, who: str, limits: ScanLimits) -> bytes:
    """The document with ``line`` as the first paragraph of every section's headers."""
    _check_size(data, who, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        even_pages = document.settings.odd_and_even_pages_header_footer
        defined: set[str] = set()  # header kinds some earlier section has: later ones inherit
        for section in document.sections:
            headers = {"default": section.header}
            if section.different_first_page_header_footer:
                headers["first"] = section.first_page_header
            if even_pages:
                headers["even"] = section.even_page_header
            for kind, header in headers.items():
                if header.is_linked_to_previous and kind in defined:
                    continue  # it shows an earlier section's header, already marked
                defined.add(kind)
                # A header with no definition of its own gets one (empty) when first used.
                paragraphs = header.paragraphs
                if paragraphs:
                    paragraphs[0].insert_paragraph_before(line)
                else:
                    header.add_paragraph(line)
        output = io.BytesIO()
        document.save(output)
    except Exception as error:  # noqa: BLE001 - python-docx fails in many ways on damage
        raise TransformError(f"{who} could not be marked ({type(error).__name__})") from None
    return output.getvalue()


def redacted_docx(data: bytes, matcher: Matcher, who: str, limits: ScanLimits) -> bytes:
    """The document with every value replaced in every XML part; other entries as they were."""
    _check_size(data, who, limits)
    output = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(output, "w") as target,
        ):
            written = []
            changed = False
            for entry in source.infolist():
                content = was = source.read(entry)
                if entry.filename.lower().endswith(_XML_ENTRIES):
                    content = _redacted_xml(content, matcher)
                elif is_picture(entry.filename, source) and not is_thumbnail(entry.filename):
                    content = _redacted_picture(content, matcher, who, limits)
                changed |= content != was
                written.append((entry, content))
            for entry, content in written:
                # A thumbnail is a picture of the page before redaction.
                blank = changed and is_thumbnail(entry.filename)
                target.writestr(entry, _blank_picture(content) if blank else content)
    except TransformError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged zip or XML part
        raise TransformError(f"{who} could not be redacted ({type(error).__name__})") from None
    return output.getvalue()


def _redacted_picture(content: bytes, matcher: Matcher, who: str, limits: ScanLimits) -> bytes:
    """A picture as it may stay in the copy: as it was when OCR finds none of the values in
    it (a logo, a photo), else a white picture of its size and format, as a value in text
    becomes its placeholder (an image cannot be rewritten in part). One that cannot be read
    in full is refused, so the copy is held. Without Tesseract pictures are not read: the
    scan reported them, and they stay, as an attached image does (``redacted``)."""
    if not ocr_available(limits.tesseract_command):
        return content
    extraction = extract(content, limits, kind=FileType.IMAGE)
    if extraction.unscannable:
        raise TransformError(f"a picture in {who} could not be checked")
    if not any(matcher.found_in(segment.text) for segment in extraction.segments):
        return content
    return _blank_picture(content)


def _blank_picture(content: bytes) -> bytes:
    """A white picture of the size and format of the picture ``content``."""
    with Image.open(io.BytesIO(content)) as picture:
        image_format = picture.format or "PNG"
        blank = Image.new("RGB", picture.size, "white")
    buffer = io.BytesIO()
    blank.save(buffer, format=image_format)
    return buffer.getvalue()


def _check_size(data: bytes, who: str, limits: ScanLimits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            reason = refusal(archive, limits)
    except zipfile.BadZipFile:
        reason = "it is a damaged zip file"
    if reason is not None:
        raise TransformError(f"{who} was not opened: {reason}")


def _redacted_xml(content: bytes, matcher: Matcher) -> bytes:
    """One XML part with the values replaced; the same bytes when there were none."""
    root = etree.fromstring(content, parser=_XML_PARSER)
    changed = False
    for kind in _RUN_TEXT:
        for nodes in _by_paragraph(root, kind):
            changed |= _redact_nodes(nodes, matcher, decoded=kind == _FIELD_CODE)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.tag not in _ALL_RUN_TEXT and element.text:
            new = _redacted_encoded(element.text, matcher)
            if new != element.text:
                element.text = new
                changed = True
        for name, value in element.attrib.items():
            new = _redacted_encoded(str(value), matcher)
            if new != value:
                element.set(name, new)
                changed = True
    if not changed:
        return content
    # Written as UTF-8, which every part may be; Word writes standalone="yes" on its parts.
    standalone = root.getroottree().docinfo.standalone
    if standalone is None:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone)


def _redacted_encoded(text: str, matcher: Matcher) -> str:
    """``text`` with the values replaced, those written percent-encoded too: a link target
    (a relationship's ``Target``, any attribute's URL) is a URL, whose
    "mailto:amina.okafor%40example.org?subject=NHS%209434765919" holds an address and a
    number that detection reads decoded. A URL that holds a value is written back decoded,
    redacted and encoded again."""
    redacted = matcher.redact(text)
    if "%" not in text:
        return redacted
    decoded = unquote(text)
    if decoded == text:
        return redacted
    cleaned = matcher.redact(decoded)
    return redacted if cleaned == decoded else quote(cleaned, safe=_URL_SAFE)


def _by_paragraph(root: etree._Element, tags: frozenset[str]) -> list[list[etree._Element]]:
    """The ``tags`` nodes grouped by the paragraph they are directly in (a text box's
    paragraphs are their own), in document order."""
    groups: dict[object, list[etree._Element]] = {}
    for node in root.iter(*tags):
        paragraph = next(node.iterancestors(*_P), None)
        groups.setdefault(node if paragraph is None else paragraph, []).append(node)
    return list(groups.values())


def _redact_nodes(nodes: Sequence[etree._Element], matcher: Matcher, decoded: bool) -> bool:
    """Replace the values in the joined text of ``nodes``; whether anything changed.

    Field codes (``decoded``) are read percent-decoded, as extraction reads them: a HYPERLINK
    field's URL holds "subject=Kwame%20Hughes%204010232137". One that holds a value is
    written back decoded, its placeholders in place; Word reads a quoted URL with spaces."""
    written = [node.text or "" for node in nodes]
    texts = [unquote(text) for text in written] if decoded else written
    joined = "".join(texts)
    replaced = matcher.anonymized(joined).pieces
    if not replaced:
        return False
    start = 0
    for node, text in zip(nodes, texts, strict=True):
        end = start + len(text)
        pieces: list[str] = []
        position = start
        for span_start, span_end, new_text in replaced:
            if span_end <= start or span_start >= end:
                continue
            pieces.append(joined[position : max(span_start, start)])
            if span_start >= start:
                pieces.append(new_text)
            position = min(span_end, end)
        pieces.append(joined[position:end])
        new = "".join(pieces)
        if new != (node.text or ""):
            node.text = new
            node.set(_XML_SPACE, "preserve")
        start = end
    return True
