"""Office documents confide cannot read: password-protected and damaged ones are unscannable,
with a reason, rather than unsupported."""

from __future__ import annotations

import base64
import io
import zipfile

import docx
import pytest

from scanner.extract import UnsupportedType, extract
from scanner.filetype import FileType, sniff
from scanner.limits import ScanLimits

LIMITS = ScanLimits()
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
TEXT = "Referral for Amina Okafor, NHS 943 476 5919"


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(TEXT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    """A minimal spreadsheet package (enough for Excel's encryption to wrap)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types xmlns="{CONTENT_TYPES}"/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _encrypted(package: bytes) -> bytes:
    """``package`` encrypted with a password as Office does it (ECMA-376 agile encryption),
    by msoffcrypto-tool (a dev dependency, used only to make these files)."""
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml", reason="msoffcrypto-tool (dev)")
    out = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(package)).encrypt("open-sesame", out)
    return out.getvalue()


@pytest.fixture(scope="module")
def encrypted_docx() -> bytes:
    return _encrypted(_docx())


def test_encrypted_docx_is_unscannable(encrypted_docx: bytes) -> None:
    """A password-protected .docx is an OLE file holding an EncryptedPackage stream: it is
    unscannable, as an encrypted PDF is, not an unsupported type."""
    assert encrypted_docx.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    extraction = extract(encrypted_docx, LIMITS)
    assert extraction.unscannable == (
        "encrypted Office document: the document needs a password to open",
    )
    assert extraction.segments == ()


def test_encrypted_spreadsheet_is_unscannable() -> None:
    """An encrypted .xlsx is the same kind of container, and is reported the same way."""
    assert extract(_encrypted(_xlsx()), LIMITS).unscannable == (
        "encrypted Office document: the document needs a password to open",
    )


def test_encrypted_docx_attachment_is_named(encrypted_docx: bytes) -> None:
    """Attached to a message, the reason names the attachment."""
    message = (
        b'From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"'
        b"\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="notes.docx"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(encrypted_docx)
        + b"--b--\r\n"
    )
    extraction = extract(message, LIMITS, kind=FileType.EMAIL)
    assert extraction.unscannable == (
        "encrypted Office document: attachment 1 'notes.docx' needs a password to open",
    )


def test_other_ole_files_are_still_unsupported() -> None:
    """A legacy .doc or an Outlook .msg (OLE without encryption streams) stays unsupported."""
    with pytest.raises(UnsupportedType):
        extract(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), LIMITS)


@pytest.mark.parametrize("keep", [0.5, 0.9], ids=["half", "all but the end"])
def test_truncated_docx_is_a_damaged_word_document(keep: float) -> None:
    """A .docx cut short (its zip directory is at the end) is a damaged Word document."""
    data = _docx()
    cut = data[: int(len(data) * keep)]
    assert sniff(cut) is FileType.DAMAGED_DOCX
    (reason,) = extract(cut, LIMITS).unscannable
    assert reason.startswith("damaged Word document: the document could not be opened")


def test_docx_without_its_main_part_is_damaged() -> None:
    """A zip with Word's parts but no word/document.xml is damaged; its other parts are read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx())) as source, zipfile.ZipFile(buffer, "w") as copy:
        for entry in source.infolist():
            if entry.filename != "word/document.xml":
                copy.writestr(entry, source.read(entry))
    extraction = extract(buffer.getvalue(), LIMITS)
    assert extraction.unscannable == (
        "damaged Word document: the document has no main document part",
    )


def _picture_docx(text: str) -> bytes:
    """A .docx holding a picture (a scanned page, say) and ``text``."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("L", (40, 40), 255).save(picture, format="PNG")
    document = docx.Document()
    document.add_picture(io.BytesIO(picture.getvalue()))
    if text:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        pytest.param("", ("the document has images and no text (probably a scanned image)",)),
        pytest.param(
            "Page 1", ("the document has images and almost no text (probably a scanned image)",)
        ),
        pytest.param(TEXT, (), id="picture with text"),
    ],
)
def test_docx_of_images_without_text_is_unscannable(text: str, reasons: tuple[str, ...]) -> None:
    """A .docx whose body is a picture and (almost) no text is probably a scan: its content
    cannot be read, as with a PDF page like it."""
    assert extract(_picture_docx(text), LIMITS).unscannable == reasons
