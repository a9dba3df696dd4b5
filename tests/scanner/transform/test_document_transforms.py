"""A document on its own (a file in a watched folder): marked CONFIDENTIAL or redacted."""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
import pytest
from pypdf import PdfReader

from scanner.limits import ScanLimits
from scanner.outcome import DocumentTransforms
from scanner.removals import Removal
from scanner.transform import DEFAULT_BANNER, TransformError, document_refusal, load_banner
from tests.scanner.transform.made_files import ORGANISATION, docx_bytes, pdf_bytes

BANNER = load_banner(DEFAULT_BANNER, ORGANISATION)
TRANSFORMS = DocumentTransforms(BANNER, ScanLimits())
NHS = Removal("943 476 5919", "NHS number")


def _docx_text(data: bytes) -> tuple[str, str]:
    document = docx.Document(io.BytesIO(data))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    return header, "\n".join(p.text for p in document.paragraphs)


def test_word_document_gets_the_confidential_header() -> None:
    """A .docx is marked with the banner's header line and keeps its text."""
    header, body = _docx_text(TRANSFORMS.marked(docx_bytes("Minutes of the meeting")))
    assert BANNER.document_header in header
    assert body == "Minutes of the meeting"


def test_pdf_is_stamped_on_every_page() -> None:
    """A PDF gets the stamp on each page."""
    stamped = PdfReader(io.BytesIO(TRANSFORMS.marked(pdf_bytes("one", "two"))))
    assert all(BANNER.document_header in page.extract_text() for page in stamped.pages)


def test_text_file_gets_the_header_as_its_first_line() -> None:
    """A text file starts with the header line and keeps its own line endings."""
    marked = TRANSFORMS.marked(b"line one\r\nline two\r\n")
    assert marked == BANNER.document_header.encode() + b"\r\n\r\nline one\r\nline two\r\n"


def test_word_document_and_text_are_redacted() -> None:
    """The value is gone from a redacted .docx and a redacted text file."""
    _, body = _docx_text(TRANSFORMS.redacted(docx_bytes("NHS 943 476 5919 noted"), [NHS]))
    text = TRANSFORMS.redacted(b"NHS 943 476 5919 noted\n", [NHS])
    assert "5919" not in body
    assert b"5919" not in text
    assert b"[NHS number removed]" in text


@pytest.mark.parametrize(
    "data",
    [pdf_bytes("NHS 943 476 5919"), b"NHS 943 476 5919 \xff\xfe not UTF-8"],
    ids=["pdf", "not-utf8"],
)
def test_what_cannot_be_rewritten_is_refused(data: bytes) -> None:
    """A PDF or text that is not UTF-8 cannot be redacted: the caller holds it instead."""
    with pytest.raises(TransformError):
        TRANSFORMS.redacted(data, [NHS])


# A document of each kind the watcher meets, or that a message or zip may be.
KINDS = {
    "docx": docx_bytes("NHS 943 476 5919"),
    "pdf": pdf_bytes("NHS 943 476 5919"),
    "text": b"NHS 943 476 5919\n",
    "not-utf8": b"NHS 943 476 5919 \xff\xfe not UTF-8",
    "message": b"From: jo@example.org\r\nSubject: Notes\r\n\r\nNHS 943 476 5919\r\n",
    "zip": b"PK\x05\x06" + b"\x00" * 18,
}


def _refused(make: Callable[[], bytes]) -> str | None:
    try:
        make()
    except TransformError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("data", KINDS.values(), ids=KINDS.keys())
def test_a_refusal_by_kind_is_known_before_the_copy_is_made(data: bytes) -> None:
    """``document_refusal`` says what redacting or marking the document says when it refuses
    it for its kind, in the same words, and nothing where the copy is made."""
    assert document_refusal(data, redact=True, mark=False) == _refused(
        lambda: TRANSFORMS.redacted(data, [NHS])
    )
    assert document_refusal(data, redact=False, mark=True) == _refused(
        lambda: TRANSFORMS.marked(data)
    )


@pytest.mark.parametrize(
    ("kind", "refusal"),
    [
        ("message", "an email message cannot be redacted"),
        ("pdf", "a PDF document cannot be redacted"),
        ("zip", "a zip archive cannot be redacted"),
    ],
)
def test_a_refusal_reads_as_a_sentence(kind: str, refusal: str) -> None:
    """A refusal by kind takes "a" or "an" as its kind's name is spoken."""
    assert document_refusal(KINDS[kind], redact=True, mark=False) == refusal
