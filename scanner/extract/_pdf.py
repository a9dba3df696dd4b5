"""PDF documents with pypdf: page text, annotations, bookmarks (outline), page labels, form
fields, metadata, embedded files.

pypdf's own decompression limits are set from ``ScanLimits.max_pdf_stream_bytes`` for the
duration of the read. An encrypted PDF is opened with the empty password: that is how files
protected only by an owner ("permissions") password open, and pypdf also tries it as the owner
password, which opens files whose owner password is empty (any PDF tool opens those). Anything
else needs a password we do not have and is reported. A page that draws images but has (almost)
no text is a scan: its images are read with OCR when Tesseract is installed (``_image``), and
it is reported when they cannot be, because its content cannot be read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pypdf import PageObject, PasswordType, PdfReader, apply_configuration
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

from scanner.extract._context import ExtractionContext
from scanner.extract._html import html_to_text
from scanner.extract._image import image_text, ocr_available
from scanner.filetype import FileType
from scanner.pdf_bounds import pypdf_configuration

# A page that draws images but has fewer letters and digits of text than this is treated as a
# scan: scanners and converters often add a word or two ("Background", a page number) to an
# image of the page, and the image is what holds the content.
_SCAN_MAX_LETTERS = 16
# Bookmarks and page labels read at most (a bound on the work for a hostile file).
_MAX_OUTLINE_ITEMS = 10_000
# Objects looked at for JavaScript at most (a bound on the work for a hostile file).
_MAX_OBJECTS_WALKED = 100_000
# Content stream operators that show text.
# The names of a JavaScript action and of its script, as written in the file.
_JAVASCRIPT_NAME = re.compile(rb"/JavaScript|/JS[\s(<\[/]")
_SHOWS_TEXT = (b"Tj", b"TJ", b"'", b'"')
_INFO_SKIPPED = frozenset({"/CreationDate", "/ModDate", "/Trapped"})
_XMP_FIELDS = {
    "dc_title": "title",
    "dc_creator": "creator",
    "dc_description": "description",
    "dc_subject": "subject",
    "dc_contributor": "contributor",
    "dc_publisher": "publisher",
    "dc_rights": "rights",
    "pdf_keywords": "keywords",
    "xmp_creator_tool": "creator tool",
    "pdf_producer": "producer",
}


def read_pdf(data: bytes, context: ExtractionContext) -> None:
    """A PDF: metadata, then each page (text and annotations), form fields, embedded files."""
    who = context.here("the document")
    with apply_configuration(**pypdf_configuration(context.limits)):
        try:
            reader = PdfReader(io.BytesIO(data))
            locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
        except Exception as error:  # noqa: BLE001 - every way a PDF can be broken
            context.unscannable(f"{who} is a PDF that could not be opened ({type(error).__name__})")
            return
        if locked:
            context.unscannable(f"encrypted PDF: {who} needs a password to open")
            return
        with context.reading("scripts"):
            if _has_javascript(reader, data):
                # A viewer runs it on opening (Acrobat shows what it writes): what it shows
                # cannot be told without running it.
                context.unscannable(f"{who} is a PDF with JavaScript confide cannot read")
        with context.reading("document information"):
            _read_information(reader, context)
        with context.reading("XMP metadata"):
            _read_xmp(reader, context)
        with context.reading("pages"):
            _read_pages(reader, context)
        with context.reading("outline"):
            _read_outline(reader, context)
        with context.reading("page labels"):
            _read_page_labels(reader, context)
        with context.reading("form fields"):
            _read_form_fields(reader, context)
        with context.reading("embedded files"):
            _read_embedded_files(reader, context)


def _read_information(reader: PdfReader, context: ExtractionContext) -> None:
    information = reader.metadata
    if information is None:
        return
    for key in information:
        value = _string(information, key)
        if key not in _INFO_SKIPPED and value:
            context.add_text(value, "properties", str(key).lstrip("/").lower())


def _read_xmp(reader: PdfReader, context: ExtractionContext) -> None:
    xmp = reader.xmp_metadata
    if xmp is None:
        return
    for attribute, label in _XMP_FIELDS.items():
        context.add_text("\n".join(_strings(getattr(xmp, attribute, None))), "XMP", label)


def _strings(value: object) -> Iterator[str]:
    """The strings in an XMP value (a string, a list of them, or language -> string)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _read_pages(reader: PdfReader, context: ExtractionContext) -> None:
    count = len(reader.pages)
    limit = context.limits.max_pdf_pages
    if count > limit:
        context.unscannable(
            f"{context.here('the document')} has {count} pages; only the first {limit} were read"
        )
    for index in range(min(count, limit)):
        if context.text_full:
            return
        page_name = f"page {index + 1}"
        with context.reading(page_name):
            _read_page(reader.pages[index], context.within(page_name))


def _read_page(page: PageObject, context: ExtractionContext) -> None:
    text = page.extract_text()
    context.add_text(text)
    letters = sum(1 for char in text if char.isalnum())
    if _has_images(page):
        scan = letters < _SCAN_MAX_LETTERS
        letters += _read_images(page, context, scan=scan)
        if scan and letters == 0:
            context.unscannable(f"{context.location} has no text layer (scanned image)")
        elif scan and letters < _SCAN_MAX_LETTERS:
            context.unscannable(
                f"{context.location} has images and almost no text (probably a scanned image)"
            )
    with context.reading("annotations"):
        _read_annotations(page, context)


def _read_images(page: PageObject, context: ExtractionContext, *, scan: bool) -> int:
    """Read the text of every image on the page with OCR, as "image text"; the letters and
    digits found when all of them were read, else 0 (always 0 without Tesseract).

    Every image is read, not only a scanned page's: a page of text can carry a picture of a
    client's details. An image in which OCR finds no text (a logo) adds nothing; one that
    cannot be decoded or read within the bounds is unscannable. Unlike an image file, a
    ``scan`` page (a picture with almost no text beside it) in which OCR finds (almost) no
    text stays a scan whose content cannot be read: handwriting, say. Without Tesseract a
    scan page is reported as a scan, and a page of text with images says its images were
    not read.
    """
    if not ocr_available(context.limits.tesseract_command):
        if not scan:
            context.unscannable(
                f"{context.location} has images, which are not read without OCR "
                f"({FileType.IMAGE.label})"
            )
        return 0
    who = context.location
    try:
        images = [image_file.image for image_file in page.images]
    except Exception as error:  # noqa: BLE001 - an image pypdf cannot decode
        images = [None]
        reason = f"{who}: an image could not be decoded ({type(error).__name__})"
    else:
        reason = f"{who}: an image could not be decoded"
    texts: list[str] = []
    complete = True
    for image in images:
        text = None if image is None else image_text(image, context, who)
        if text is None and scan:
            return 0  # the page is reported as a scan
        if text is None:
            complete = False
            if image is None:
                context.unscannable(reason)
            continue
        texts.append(text)
    found = "\n".join(texts)
    context.add_text(found, "image text")
    return sum(1 for char in found if char.isalnum()) if complete else 0


def _has_images(page: PageObject) -> bool:
    """Whether the page draws any image; when that cannot be told, assume it does."""
    try:
        return len(page.images) > 0
    except Exception:  # noqa: BLE001 - an unreadable page is treated as a scan
        return True


def _read_annotations(page: PageObject, context: ExtractionContext) -> None:
    annotations = page.get("/Annots")
    if annotations is None:
        return
    for number, reference in enumerate(annotations.get_object(), 1):
        annotation = reference.get_object()
        if not isinstance(annotation, DictionaryObject):
            continue
        pieces = [_string(annotation, "/T"), _string(annotation, "/Contents")]
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if isinstance(action, DictionaryObject):
            pieces.append(_string(action, "/URI"))
        rich = _string(annotation, "/RC")
        if rich:
            pieces.append(html_to_text(rich)[0])
        place = f"annotation {number}"
        context.add_text("\n".join(p for p in pieces if p), place)
        with context.reading(place, "appearance"):
            _read_appearance(page, annotation, context, place)


def _read_appearance(
    page: PageObject, annotation: DictionaryObject, context: ExtractionContext, place: str
) -> None:
    """The text an annotation's appearance streams draw (what a viewer shows for it, which
    need not be its ``/Contents``: a form field's widget, a stamp, a free text note). One
    that shows text which cannot be read (a font without a way back to Unicode) makes the
    document unscannable."""
    appearances = annotation.get("/AP")
    appearances = appearances.get_object() if appearances is not None else None
    if not isinstance(appearances, DictionaryObject):
        return
    normal = appearances.get("/N")
    normal = normal.get_object() if normal is not None else None
    # One appearance per state is a check box or radio button, which draws a symbol
    # (ZapfDingbats) that has no letters: only its text is read.
    states = isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject)
    if isinstance(normal, StreamObject):
        streams = [normal]
    elif isinstance(normal, DictionaryObject):
        streams = [state.get_object() for state in normal.values()]
    else:
        return
    texts = []
    for stream in streams:
        if not isinstance(stream, StreamObject):
            continue
        text = page._extract_text(stream, page.pdf, content_key=None)
        data = stream.get_data()
        if (
            not states
            and any(operator in data for operator in _SHOWS_TEXT)
            and not any(char.isalnum() for char in text)
        ):
            context.unscannable(
                f"{context.where(place)} has an appearance whose text could not be read"
            )
        texts.append(text)
    context.add_text("\n".join(texts), place, "appearance")


def _has_javascript(reader: PdfReader, data: bytes) -> bool:
    """Whether the document has JavaScript (an ``/OpenAction``, a document, page, field or
    annotation action, the names tree's scripts): every object reachable from the catalogue
    is looked at (up to a bound), and the file's bytes for objects not reachable from it."""
    if _JAVASCRIPT_NAME.search(data):
        return True
    pending: list[Any] = [reader.trailer.get("/Root")]
    seen: set[int] = set()
    walked = 0
    while pending and walked < _MAX_OBJECTS_WALKED:
        item = pending.pop()
        reference = getattr(item, "idnum", None)
        if reference is not None:
            if reference in seen:
                continue
            seen.add(reference)
            item = item.get_object()
        walked += 1
        if isinstance(item, DictionaryObject):
            if "/JS" in item or item.get("/S") == "/JavaScript":
                return True
            pending.extend(value for key, value in item.items() if key != "/Parent")
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return False


def _read_outline(reader: PdfReader, context: ExtractionContext) -> None:
    """The bookmark titles, one per line, however deep they nest."""
    titles: list[str] = []
    pending: list[Any] = [reader.outline]
    while pending and len(titles) < _MAX_OUTLINE_ITEMS:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
        else:
            titles.append(str(getattr(item, "title", "") or ""))
    context.add_text("\n".join(t for t in titles if t.strip()), "outline")


def _read_page_labels(reader: PdfReader, context: ExtractionContext) -> None:
    """The labels a viewer shows for page numbers, when the document sets its own."""
    if "/PageLabels" not in reader.root_object:
        return
    labels = dict.fromkeys(reader.page_labels[:_MAX_OUTLINE_ITEMS])
    context.add_text("\n".join(label for label in labels if label.strip()), "page labels")


def _read_form_fields(reader: PdfReader, context: ExtractionContext) -> None:
    for name, field in (reader.get_fields() or {}).items():
        value = _string(field, "/V")
        if value:
            context.add_text(value, f"form field '{name}'")


def _read_embedded_files(reader: PdfReader, context: ExtractionContext) -> None:
    number = 0
    for name, contents in reader.attachments.items():
        for content in contents:
            number += 1
            place = f"embedded file {number} '{name}'"
            context.add_text(name, place, "file name")
            context.nested(content, place)


def _string(dictionary: Mapping[Any, Any], key: str) -> str | None:
    """A text value of a PDF dictionary (indirect references followed), or ``None``."""
    value = dictionary.get(key)
    if value is not None and hasattr(value, "get_object"):
        value = value.get_object()
    if isinstance(value, str) and not isinstance(value, NameObject):
        return str(value)
    return None
