"""Extraction: bytes in, text segments with locations out.

``extract`` sniffs what the bytes are (never trusting a name or a declared type), hands them
to the reader for that format, and returns an ``Extraction``. When the bytes could be more
than one type (a message is also text, and text can be a message) they are read every way
that applies, and the result holds what each reading found and every reason each gave: never
the more lenient reading alone. A caller that knows what the item is (what arrives by SMTP is a
message, whatever its first line) says so with ``kind``, and it is read as that alone.
Text that is a delimited table (a CSV or TSV export) is read as a table, cell by cell, and so
is every sheet of an Excel workbook: a column's header is then context for its cells.
Containers (emails, PDFs with embedded files, .docx with embedded objects) hand what they
contain back to the dispatcher. Images are read with OCR when Tesseract is installed, and are
a type confide cannot read when it is not (``ocr_missing_warning`` says so at start-up).

Errors: a top-level item of a type confide cannot read raises ``UnsupportedType`` (the one
exception of this package; the CLI reports it and exits 2). Everything else that goes wrong
while reading (a damaged part, an encrypted PDF, a bound that was hit, an unsupported
attachment) is a plain-words reason in ``Extraction.unscannable``: the item is a result, and
the policy holds it. Reasons never contain document text. ``extract_file`` also lets
``OSError`` through when the caller's path cannot be read at all; that is about the path, not
the content.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import unquote_plus

from scanner.extract._context import ExtractionContext, Extractor
from scanner.extract._csv import read_csv, table_dialect
from scanner.extract._docx import read_docx
from scanner.extract._email import read_email
from scanner.extract._html import read_html
from scanner.extract._image import ocr_available, ocr_missing_warning, read_image
from scanner.extract._office import read_damaged_docx, read_encrypted_office
from scanner.extract._pdf import read_pdf
from scanner.extract._text import read_text
from scanner.extract._xlsx import read_xlsx
from scanner.filetype import FileType, readings
from scanner.limits import ScanLimits
from scanner.normalise import normalise
from scanner.segments import Extraction

__all__ = [
    "FILE_NAME",
    "UNKNOWN_KIND",
    "Extractor",
    "UnsupportedType",
    "extract",
    "extract_file",
    "named_unscannable",
    "ocr_available",
    "ocr_missing_warning",
    "read_item",
    "too_large",
    "with_file_name",
]

_EXTRACTORS: Mapping[FileType, Extractor] = {
    FileType.TEXT: read_text,
    FileType.HTML: read_html,
    FileType.EMAIL: read_email,
    FileType.DOCX: read_docx,
    FileType.XLSX: read_xlsx,
    FileType.CSV: read_csv,
    FileType.PDF: read_pdf,
    FileType.ENCRYPTED_OFFICE: read_encrypted_office,
    FileType.DAMAGED_DOCX: read_damaged_docx,
    FileType.IMAGE: read_image,
}

# Where a file's name is, as a segment of its own (as the relay's attachment names are).
FILE_NAME = "file name"
# The kind an item too big to look at is given.
UNKNOWN_KIND = "unknown"

# File name endings that promise a document with text in it, and the words for it.
_DOCUMENT_NAMES = {
    ".docx": "Word document",
    ".docm": "Word document",
    ".pdf": "PDF document",
    ".xlsx": "Excel workbook",
    ".xlsm": "Excel workbook",
}
# What a damaged .docx sniffs as: a zip, or an Office package without Word's parts.
_DAMAGED_DOCX_TYPES = frozenset({FileType.ZIP.label, FileType.OOXML.label})


class UnsupportedType(Exception):
    """The item is a type confide cannot read (a zip, a program, an Outlook .msg, an image
    when Tesseract is not installed).

    ``file_type`` is its description in plain words; ``str()`` gives a one-line message.
    """

    def __init__(self, file_type: str) -> None:
        super().__init__(file_type)
        self.file_type = file_type

    def __str__(self) -> str:
        return f"unsupported file type: {self.file_type}"


def extract(
    data: bytes, limits: ScanLimits, location: str = "", kind: FileType | None = None
) -> Extraction:
    """Read the text of one item; ``location`` prefixes every segment's location.

    ``kind`` is what the caller knows the item to be (``FileType.EMAIL`` for what arrives by
    SMTP); it is then read as that alone. Without it the item is read as every type it could be
    (see ``filetype.readings``). Raises ``UnsupportedType`` when the item is not a type
    confide reads (or ``kind`` is not one); never raises anything else.
    """
    if len(data) > limits.max_item_bytes:
        return too_large(len(data), limits)
    file_types = (kind,) if kind is not None else _readings(data)
    if _reader(file_types[0], limits) is None:
        raise UnsupportedType(file_types[0].label)
    context = ExtractionContext.for_item(limits, location, _extract_nested)
    _read_as(file_types, data, context)
    return context.result(file_types[0].name.lower())


def extract_file(
    path: str | os.PathLike[str], limits: ScanLimits, location: str = ""
) -> Extraction:
    """``extract`` the file at ``path`` (its size is checked before it is read).

    Raises ``UnsupportedType`` as ``extract`` does, and ``OSError`` when the file cannot be
    opened or read.
    """
    data = read_item(path, limits)
    return data if isinstance(data, Extraction) else extract(data, limits, location)


def read_item(path: str | os.PathLike[str], limits: ScanLimits) -> bytes | Extraction:
    """The bytes of the file at ``path``, or the result for a file over ``max_item_bytes``."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > limits.max_item_bytes:
            return too_large(size, limits)
        data = file.read(limits.max_item_bytes + 1)
    if len(data) > limits.max_item_bytes:  # it grew while we looked
        return too_large(len(data), limits)
    return data


def named_unscannable(
    name: str, size: int, outcome: Extraction | UnsupportedType
) -> Extraction | None:
    """For a file whose name promises a document (``.docx``, ``.pdf``), the result to report
    instead of ``outcome`` when the file cannot be that document, or ``None``.

    Content still decides the type; the name only stops an empty file, or a .docx that is a
    zip without Word's parts (damaged), being reported as clean or as an unsupported zip.
    """
    ending = os.path.splitext(name)[1].lower()
    document = _DOCUMENT_NAMES.get(ending)
    if document is None:
        return None
    if size == 0:
        reason = f"the file is empty (0 bytes), so it is not a readable {document}"
        return Extraction(kind=UNKNOWN_KIND, unscannable=(reason,))
    damaged = isinstance(outcome, UnsupportedType) and outcome.file_type in _DAMAGED_DOCX_TYPES
    if damaged and ending in (".docx", ".docm"):
        reason = "damaged Word document (it is a zip archive, but without a Word document in it)"
        return Extraction(kind=UNKNOWN_KIND, unscannable=(reason,))
    return None


def too_large(size: int, limits: ScanLimits) -> Extraction:
    """The result for an item bigger than ``max_item_bytes``: not read at all."""
    return Extraction(
        kind=UNKNOWN_KIND,
        unscannable=(
            f"the item is {size} bytes, over the {limits.max_item_bytes}-byte limit; "
            "it was not read",
        ),
    )


def with_file_name(extraction: Extraction, name: str) -> Extraction:
    """``extraction`` with the file ``name`` added as its last segment (located
    ``FILE_NAME``), so what a name says is found as what a document says: a name is often
    "Surname Firstname NHS 943 476 5919 referral.docx" (``name_as_text``)."""
    text = name_as_text(name)
    if not text.strip():
        return extraction
    segments = [normalise(text, FILE_NAME)]
    spelled = name_spelled_out(name)
    if spelled != text:
        segments.append(normalise(spelled, FILE_NAME))
    return replace(extraction, segments=(*extraction.segments, *segments))


def name_spelled_out(name: str) -> str:
    """``name_as_text`` of the name as a browser or a program may have written it: percent-
    and plus-encoded ("Agnieszka%20Thornton.pdf", "Agnieszka+Thornton.pdf") and a number
    glued to a word ("AgnieszkaThornton4010232137.txt") read apart. A second segment, as
    these change the name's length (``with_file_name``)."""
    decoded = unquote_plus(name) if "%" in name or "+" in name else name
    return _GLUED_NUMBER.sub(" ", name_as_text(decoded))


def name_as_text(name: str) -> str:
    """A file's name (or its path within a folder) as the words it is made of, character
    for character: the path separators (``/``, ``\\``) and underscores read as spaces, and so
    does a dash beside a digit that is not between two digits. "Agnieszka-Thornton-
    4010232137.txt" and "case/4010232137 Agnieszka Thornton.txt" read as their spaced forms
    do, where a number joined to a word by ``-`` or ``/`` would be taken for a reference
    ("INV-2024/..."); a dash between digits ("943-476-5919", "2025-01-01") or between
    letters (a double-barrelled surname, a domain) stays."""
    return _NAME_SEPARATORS.sub(" ", name)


# What separates the words of a name: see ``name_as_text``.
_NAME_SEPARATORS = re.compile(r"[/\\_]|(?<=\d)-(?!\d)|(?<!\d)-(?=\d)")
# Where a number meets a word in a name without a space.
_GLUED_NUMBER = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def _extract_nested(data: bytes, context: ExtractionContext) -> None:
    """Read something found inside an item (an attachment, an embedded file)."""
    file_types = _readings(data)
    if _reader(file_types[0], context.limits) is None:
        where = context.here("an embedded item")
        context.unscannable(f"{where} is of a type confide cannot read ({file_types[0].label})")
        return
    _read_as(file_types, data, context)


def _readings(data: bytes) -> tuple[FileType, ...]:
    """``filetype.readings``, with text that is a delimited table read as a table alone
    (every character of it is in its cells)."""
    file_types = readings(data)
    if file_types == (FileType.TEXT,) and table_dialect(data) is not None:
        return (FileType.CSV,)
    return file_types


def _read_as(file_types: tuple[FileType, ...], data: bytes, context: ExtractionContext) -> None:
    """Read ``data`` as each of ``file_types`` in turn, into the same context."""
    for file_type in file_types:
        reader = _reader(file_type, context.limits)
        if reader is not None:
            with context.reading():
                reader(data, context)


def _reader(file_type: FileType, limits: ScanLimits) -> Extractor | None:
    """The reader for ``file_type``, or ``None``: images are read only when Tesseract is
    installed."""
    if file_type is FileType.IMAGE and not ocr_available(limits.tesseract_command):
        return None
    return _EXTRACTORS.get(file_type)
