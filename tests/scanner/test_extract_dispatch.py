"""The dispatcher: what is raised, what becomes a reason, and the item-wide bounds."""

from __future__ import annotations

import base64
import io
import pickle
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scanner.extract
from scanner.extract import UnsupportedType, extract, extract_file
from scanner.extract._context import ExtractionContext
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.segments import Extraction

LIMITS = ScanLimits()


def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    return buffer.getvalue()


UNSUPPORTED = [
    pytest.param(_zip("notes.txt"), "zip archive", id="zip"),
    pytest.param(
        _zip("[Content_Types].xml") + b"", FileType.OOXML.label, id="spreadsheet or slides"
    ),
    pytest.param(b"MZ\x90\x00" + bytes(60), "executable program", id="exe"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(60), FileType.OLE.label, id="msg"),
    pytest.param(bytes(range(256)), "binary file of unknown type", id="binary"),
]


@pytest.mark.parametrize(("data", "label"), UNSUPPORTED)
def test_unsupported_top_level_raises(data: bytes, label: str) -> None:
    """A top-level item confide cannot read raises UnsupportedType naming its type."""
    with pytest.raises(UnsupportedType) as raised:
        extract(data, LIMITS)
    assert raised.value.file_type == label
    assert str(raised.value) == f"unsupported file type: {label}"


@pytest.mark.parametrize(("data", "label"), UNSUPPORTED)
def test_unsupported_file_raises(data: bytes, label: str, tmp_path: Path) -> None:
    """extract_file raises the same exception, whatever the file is called."""
    path = tmp_path / "looks-like.txt"
    path.write_bytes(data)
    with pytest.raises(UnsupportedType):
        extract_file(path, LIMITS)


def test_unsupported_type_survives_pickling() -> None:
    """The exception crosses process boundaries (the sandbox) intact."""
    copy = pickle.loads(pickle.dumps(UnsupportedType("zip archive")))  # noqa: S301 - our own bytes
    assert isinstance(copy, UnsupportedType)
    assert str(copy) == "unsupported file type: zip archive"


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    """A path that cannot be read is the caller's problem: OSError, not a result."""
    with pytest.raises(OSError, match="No such file"):
        extract_file(tmp_path / "absent.txt", LIMITS)


def test_extract_file_reads_by_content(tmp_path: Path) -> None:
    """A file is sniffed by its bytes, not its name."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"From: a@example.org\nSubject: hello Jane\n\nbody")
    extraction = extract_file(path, LIMITS)
    assert extraction.kind == "email"
    assert extraction.segments[0].location == "subject"


@pytest.mark.parametrize("size", [101, 5000])
def test_item_size_bound(size: int, tmp_path: Path) -> None:
    """An item over max_item_bytes is not read at all, from bytes or from a file."""
    limits = ScanLimits(max_item_bytes=100)
    reason = f"the item is {size} bytes, over the 100-byte limit; it was not read"
    expected = Extraction(kind="unknown", unscannable=(reason,))
    assert extract(b"x" * size, limits) == expected
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * size)
    assert extract_file(path, limits) == expected


def test_text_budget_spans_the_item() -> None:
    """max_text_chars counts every segment of an item; past it nothing more is taken."""
    message = b"From: a@example.org\nSubject: " + b"s" * 30 + b"\n\n" + b"b" * 30
    extraction = extract(message, ScanLimits(max_text_chars=40))
    assert [len(s.text) for s in extraction.segments] == [30, 10]
    assert extraction.unscannable == (
        "the text is longer than 40 characters; the rest was not scanned",
    )


def test_parser_failure_is_a_reason_without_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception inside a reader becomes a reason naming its type, never its message."""

    def failing(data: bytes, context: ExtractionContext) -> None:
        context.add_text("read before the failure")
        raise ValueError("Jane Smith 07700 900123")

    monkeypatch.setitem(scanner.extract._EXTRACTORS, FileType.TEXT, failing)
    extraction = extract(b"anything", LIMITS)
    assert extraction.unscannable == ("the item could not be read (ValueError)",)
    assert extraction.segments[0].text == "read before the failure"


_PREFIXES = st.sampled_from(
    [
        b"",
        b"%PDF-1.7\n",
        b"PK\x03\x04",
        b"From: a@example.org\nContent-Type: multipart/mixed; boundary=x\n\n--x\n",
        b"<html><body>",
        b"\xef\xbb\xbf",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=_PREFIXES, tail=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_else(prefix: bytes, tail: bytes) -> None:
    """Whatever the bytes, extract returns an Extraction or raises UnsupportedType."""
    try:
        extraction = extract(prefix + tail, LIMITS)
    except UnsupportedType:
        return
    assert isinstance(extraction, Extraction)


def _samples() -> list[bytes]:
    document = docx.Document()
    document.add_paragraph("Jane Smith, 07700 900123")
    document.add_comment(document.paragraphs[0].runs, text="check", author="JS")
    docx_buffer = io.BytesIO()
    document.save(docx_buffer)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Jane Smith, 07700 900123")
    email = (
        b'From: "Jane" <j@example.org>\nSubject: =?utf-8?q?R=C3=A9f?=\nMIME-Version: 1.0\n'
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/html\n\n'
        b"<p>Jane</p>\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(bytes(pdf.output()))
        + b"--b--\n"
    )
    return [docx_buffer.getvalue(), bytes(pdf.output()), email]


_SAMPLES = _samples()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(_SAMPLES),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    keep=st.floats(0.05, 1),
)
def test_damaged_real_files_never_raise_anything_else(
    sample: bytes, flips: list[tuple[float, int]], keep: float
) -> None:
    """Real files with bytes changed or cut off still give an Extraction (or UnsupportedType)."""
    data = bytearray(sample[: max(1, int(len(sample) * keep))])
    for where, value in flips:
        data[int(where * len(data))] = value
    try:
        extraction = extract(bytes(data), LIMITS)
    except UnsupportedType:
        return
    assert isinstance(extraction, Extraction)


def test_an_item_read_both_ways_keeps_both_readings() -> None:
    """A message is also text: read both ways, it has the text reading's segment (with a header
    field the message reading skips) and the reasons of both readings."""
    data = (
        b"X-Client: Jane Smith, NHS 943 476 5919\r\nFrom: a@example.org\r\n"
        b"Content-Type: multipart/mixed\r\n\r\n"
        b"-----BEGIN PGP MESSAGE-----\r\nhQEM\r\n-----END PGP MESSAGE-----\r\n"
    )
    extraction = extract(data, LIMITS)
    assert extraction.kind == "email"
    assert any("943 476 5919" in s.text for s in extraction.segments if s.location == "text")
    assert "the text contains a PGP-encrypted message" in extraction.unscannable
    assert any("multipart whose parts could not be found" in r for r in extraction.unscannable)


def test_what_the_caller_knows_is_read_alone() -> None:
    """Told the item is a message, extract reads it as one alone (no text reading)."""
    data = b"X-Client: Jane Smith\r\nFrom: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n"
    extraction = extract(data, LIMITS, kind=FileType.EMAIL)
    locations = [s.location for s in extraction.segments]
    assert locations == ["subject", "headers / X-Client", "body (text/plain)"]


@pytest.mark.parametrize(
    ("name", "size", "outcome", "reason"),
    [
        pytest.param(
            "notes.docx",
            0,
            Extraction("text"),
            "the file is empty (0 bytes), so it is not a readable Word document",
            id="empty docx",
        ),
        pytest.param(
            "scan.PDF",
            0,
            Extraction("text"),
            "the file is empty (0 bytes), so it is not a readable PDF document",
            id="empty pdf",
        ),
        pytest.param(
            "notes.docx",
            120,
            UnsupportedType(FileType.ZIP.label),
            "damaged Word document (it is a zip archive, but without a Word document in it)",
            id="zip named docx",
        ),
        pytest.param("notes.txt", 0, Extraction("text"), None, id="empty text file"),
        pytest.param("a.zip", 120, UnsupportedType(FileType.ZIP.label), None, id="zip"),
        pytest.param("notes.docx", 120, Extraction("docx"), None, id="docx read"),
    ],
)
def test_named_unscannable(
    name: str, size: int, outcome: Extraction | UnsupportedType, reason: str | None
) -> None:
    """A file whose name promises a document it cannot be is unscannable; others are as read."""
    instead = scanner.extract.named_unscannable(name, size, outcome)
    assert (instead.unscannable if instead else None) == ((reason,) if reason else None)
