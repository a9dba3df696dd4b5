"""Sniffing a file's type from its bytes alone."""

from __future__ import annotations

import io
import zipfile

import pytest

from scanner.filetype import FileType, readings, sniff


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"%PDF-1.7\n...", FileType.PDF, id="pdf"),
        pytest.param(b"junk before\n" * 20 + b"%PDF-1.4\n", FileType.PDF, id="pdf header late"),
        pytest.param(b"x" * 1100 + b"%PDF-1.4\n", FileType.TEXT, id="pdf header too late"),
        pytest.param(_zip("[Content_Types].xml", "word/document.xml"), FileType.DOCX, id="docx"),
        pytest.param(_zip("[Content_Types].xml", "xl/workbook.xml"), FileType.XLSX, id="xlsx"),
        pytest.param(
            _zip("[Content_Types].xml", "ppt/presentation.xml"), FileType.OOXML, id="pptx"
        ),
        pytest.param(_zip("notes.txt"), FileType.ZIP, id="zip"),
        pytest.param(b"PK\x03\x04 damaged", FileType.ZIP, id="damaged zip"),
        pytest.param(_zip("%PDF-1.4 stored.pdf"), FileType.ZIP, id="zip naming a pdf"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), FileType.OLE, id="ole"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(20), FileType.IMAGE, id="png"),
        pytest.param(b"\xff\xd8\xff\xe0" + bytes(20), FileType.IMAGE, id="jpeg"),
        pytest.param(b"GIF89a" + bytes(20), FileType.IMAGE, id="gif"),
        pytest.param(b"RIFF\x00\x00\x00\x00WEBPVP8 ", FileType.IMAGE, id="webp"),
        pytest.param(b"MZ\x90\x00" + bytes(60), FileType.EXECUTABLE, id="windows exe"),
        pytest.param(b"\x7fELF\x02\x01" + bytes(20), FileType.EXECUTABLE, id="elf"),
        pytest.param(b"\x1f\x8b\x08\x00" + bytes(20), FileType.ARCHIVE, id="gzip"),
        pytest.param(
            b"From: Jane <j@example.org>\r\nSubject: hi\r\n\r\nbody", FileType.EMAIL, id="email"
        ),
        pytest.param(
            b"Received: from a\n\tby b; Mon, 1 Jan 2024\nX-Thing: y\n\nbody",
            FileType.EMAIL,
            id="email with folded header",
        ),
        pytest.param(
            b"From jane@example.org Mon Jan  1 00:00:00 2024\nFrom: j@example.org\n\nhi",
            FileType.EMAIL,
            id="mbox separator",
        ),
        pytest.param(
            b" \r\nFrom: j@example.org\r\nSubject: hi\r\n\r\nbody",
            FileType.EMAIL,
            id="email whose first line is white space",
        ),
        pytest.param(b"Note: call Jane\n\nShe said", FileType.TEXT, id="field-like prose"),
        pytest.param(b"Subject: no blank line ever", FileType.TEXT, id="headers never end"),
        pytest.param(b"<!DOCTYPE html><html><body>x</body></html>", FileType.HTML, id="html"),
        pytest.param(b"\xef\xbb\xbf  <html lang=en>", FileType.HTML, id="html with bom"),
        pytest.param(b"Plain notes about a visit.\n", FileType.TEXT, id="ascii text"),
        pytest.param("Café visit ✓".encode(), FileType.TEXT, id="utf-8 text"),
        pytest.param("Café".encode("utf-16"), FileType.TEXT, id="utf-16 with bom"),
        pytest.param("Visit notes".encode("utf-16-le"), FileType.TEXT, id="utf-16 without bom"),
        pytest.param("Caf\u00e9 \u20ac5".encode("cp1252"), FileType.TEXT, id="cp1252 text"),
        pytest.param(b"", FileType.TEXT, id="empty"),
        pytest.param(bytes(range(256)) * 4, FileType.BINARY, id="binary"),
        pytest.param(b"text then\x00nul", FileType.BINARY, id="nul byte"),
    ],
)
def test_sniff(data: bytes, expected: FileType) -> None:
    """The type comes from the bytes: magic numbers, zip directory, header lines, text."""
    assert sniff(data) is expected


@pytest.mark.parametrize(
    ("file_type", "readable"),
    [(FileType.PDF, True), (FileType.EMAIL, True), (FileType.ZIP, False), (FileType.OLE, False)],
)
def test_readable(file_type: FileType, readable: bool) -> None:
    """Only email, .docx, PDF, HTML and text are read; the rest are reported."""
    assert file_type.readable is readable


LONG_HEADER_BLOCK = b"From: j@example.org\r\n" + b"X-Filler: " + b"x" * 70 * 1024 + b"\r\n\r\nbody"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"%PDF-1.7\n...", (FileType.PDF,), id="magic number is certain"),
        pytest.param(
            b"From: j@example.org\r\nSubject: hi\r\n\r\nbody",
            (FileType.EMAIL, FileType.TEXT),
            id="a message is also text",
        ),
        pytest.param(
            b"Subject: no blank line ever", (FileType.TEXT, FileType.EMAIL), id="headers never end"
        ),
        pytest.param(
            b"Subject: notes\nnot a header\nContent-Type: text/plain\n\nbody",
            (FileType.TEXT, FileType.EMAIL),
            id="header block ended by a line that is not a field",
        ),
        pytest.param(
            LONG_HEADER_BLOCK, (FileType.TEXT, FileType.EMAIL), id="header block over the sample"
        ),
        pytest.param(b"Note: call Jane\n\nShe said", (FileType.TEXT,), id="field-like prose"),
        pytest.param(b"Plain notes about a visit.\n", (FileType.TEXT,), id="plain text"),
    ],
)
def test_readings(data: bytes, expected: tuple[FileType, ...]) -> None:
    """Every type the bytes could be, the sniffed one first: text and messages both ways."""
    assert readings(data) == expected
