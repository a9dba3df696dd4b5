"""Transforms of a document on its own (a file in a watched folder), not inside a message.

A Word document gets the CONFIDENTIAL header line and a PDF the stamp, as attachments do; a
text file gets the header as its first line. Redaction rewrites Word documents and UTF-8
text; a PDF or anything else cannot be redacted here, and says so (``TransformError``), so the
caller holds it instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from scanner.filetype import FileType, sniff
from scanner.limits import ScanLimits
from scanner.removals import Removal
from scanner.transform._banner import Banner
from scanner.transform._docx import docx_with_header, redacted_docx
from scanner.transform._error import TransformError
from scanner.transform._matching import Matcher
from scanner.transform._pdf import pdf_with_stamp

_WHO = "the document"


def marked_document(data: bytes, banner: Banner, limits: ScanLimits) -> bytes:
    """``data`` marked CONFIDENTIAL: a .docx header line, a PDF stamp, a text file's first
    line. Raises ``TransformError`` for any other kind, or one that cannot be marked."""
    kind = _refuse(data, redact=False, mark=True)
    if kind is FileType.DOCX:
        return docx_with_header(data, banner.document_header, _WHO, limits)
    if kind is FileType.PDF:
        return pdf_with_stamp(data, banner.document_header, _WHO, limits)
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    return banner.document_header.encode() + newline + newline + data


def redacted_document(data: bytes, removals: Sequence[Removal], limits: ScanLimits) -> bytes:
    """``data`` with every removal's value replaced: a .docx in every XML part, UTF-8 text
    throughout. Raises ``TransformError`` for any other kind (a PDF cannot be rewritten)."""
    kind = _refuse(data, redact=True, mark=False)
    matcher = Matcher(removals)
    if kind is FileType.DOCX:
        return redacted_docx(data, matcher, _WHO, limits)
    return matcher.redact(data.decode("utf-8")).encode("utf-8")


def document_refusal(data: bytes, *, redact: bool, mark: bool) -> str | None:
    """Why ``marked_document`` (with ``mark``) or ``redacted_document`` (with ``redact``)
    would refuse ``data`` whatever its content: its kind (or text that is not UTF-8), in
    the words of their ``TransformError``; ``None`` when only making the copy can tell.
    Nothing is made: the transforms refuse by this same test before they start."""
    return _refusal(sniff(data), data, redact=redact, mark=mark)


def _refuse(data: bytes, *, redact: bool, mark: bool) -> FileType:
    """``data``'s kind, which the transform can make a copy of; else ``TransformError``."""
    kind = sniff(data)
    refusal = _refusal(kind, data, redact=redact, mark=mark)
    if refusal is not None:
        raise TransformError(refusal)
    return kind


def _refusal(kind: FileType, data: bytes, *, redact: bool, mark: bool) -> str | None:
    if redact and kind is FileType.TEXT and not _is_utf8(data):
        return _NOT_UTF8
    if redact and kind not in (FileType.DOCX, FileType.TEXT):
        return _unredactable(kind)
    if mark and not redact and kind not in (FileType.DOCX, FileType.PDF, FileType.TEXT):
        return _unmarkable(kind)
    return None  # a redacted copy is a .docx or text, which can be marked


_NOT_UTF8 = "the text file is not UTF-8, so it cannot be redacted"


def _unredactable(kind: FileType) -> str:
    return f"{kind.with_article} cannot be redacted"


def _unmarkable(kind: FileType) -> str:
    return f"{kind.with_article} cannot be marked CONFIDENTIAL"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
