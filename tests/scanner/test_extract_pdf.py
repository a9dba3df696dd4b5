"""PDF documents: pages, metadata, annotations, embedded files, encryption and damage."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Text

from scanner.extract import extract
from scanner.limits import ScanLimits
from scanner.segments import Extraction
from tests.scanner.images import logo, text_image

LIMITS = ScanLimits()


def _pdf(*pages: str, image_pages: int = 0, metadata: bool = False) -> bytes:
    """A PDF with one page per text, then ``image_pages`` pages that are only a picture."""
    pdf = FPDF()
    if metadata:
        pdf.set_title("Referral for Amina Begum")
        pdf.set_author("Jane Smith")
        pdf.set_subject("Safeguarding")
        pdf.set_keywords("DOB 01/02/1980")
        pdf.set_creator("Case system")
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(w=0, text=text)
    for _ in range(image_pages):
        pdf.add_page()
        pdf.image(Image.new("RGB", (120, 80), "white"), x=10, y=10, w=120)
    return bytes(pdf.output())


def _rewritten(data: bytes, **encryption: str) -> bytes:
    """The PDF with an annotation and an embedded file added, encrypted when asked."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_annotation(
        page_number=0, annotation=Text(rect=(50, 550, 200, 650), text="Annotation: call John")
    )
    writer.add_attachment("notes.txt", b"Embedded: Jane Smith 07700 900123")
    if encryption:
        writer.encrypt(
            user_password=encryption["user_password"],
            owner_password=encryption["owner_password"],
            algorithm=encryption.get("algorithm"),
        )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _texts(extraction: Extraction) -> dict[str, str]:
    found: dict[str, str] = {}
    for segment in extraction.segments:
        found[segment.location] = found.get(segment.location, "") + segment.text
    return found


RICH = _rewritten(_pdf("Page one: Jane Smith", "Page two: NHS 485 777 3456", metadata=True))


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("page 1", "Page one: Jane Smith"),
        ("page 2", "Page two: NHS 485 777 3456"),
        ("properties / title", "Referral for Amina Begum"),
        ("properties / author", "Jane Smith"),
        ("properties / subject", "Safeguarding"),
        ("properties / keywords", "DOB 01/02/1980"),
        ("properties / creator", "Case system"),
        ("page 1 / annotation 1", "Annotation: call John"),
        ("embedded file 1 'notes.txt'", "Embedded: Jane Smith 07700 900123"),
        ("embedded file 1 'notes.txt' / file name", "notes.txt"),
    ],
)
def test_pdf_places(location: str, expected: str) -> None:
    """Page text, metadata, annotations and embedded files are each read at their location."""
    extraction = extract(RICH, LIMITS)
    assert extraction.kind == "pdf"
    assert extraction.unscannable == ()
    texts = _texts(extraction)
    assert location in texts, sorted(texts)
    assert expected in texts[location]


@pytest.mark.parametrize(
    ("encryption", "readable"),
    [
        pytest.param({"user_password": "open", "owner_password": "perm"}, False, id="rc4 user"),
        pytest.param(
            {"user_password": "open", "owner_password": "perm", "algorithm": "AES-256"},
            False,
            id="aes-256 user",
        ),
        pytest.param({"user_password": "", "owner_password": "perm"}, True, id="rc4 owner only"),
        pytest.param(
            {"user_password": "", "owner_password": "perm", "algorithm": "AES-128"},
            True,
            id="aes-128 owner only",
        ),
        pytest.param(
            {"user_password": "", "owner_password": "perm", "algorithm": "AES-256"},
            True,
            id="aes-256 owner only",
        ),
    ],
)
def test_encrypted_pdf(encryption: dict[str, str], readable: bool) -> None:
    """Owner-password-only PDFs are read; those needing a user password are unscannable."""
    extraction = extract(_rewritten(_pdf("Secret: Jane Smith"), **encryption), LIMITS)
    if readable:
        assert extraction.unscannable == ()
        assert "Secret: Jane Smith" in _texts(extraction)["page 1"]
    else:
        assert extraction.segments == ()
        assert extraction.unscannable == ("encrypted PDF: the document needs a password to open",)


def test_image_only_page_is_unscannable() -> None:
    """A page that is only a picture cannot be read, and the item says which page."""
    extraction = extract(_pdf("Text page", image_pages=2), LIMITS)
    assert extraction.unscannable == (
        "page 2 has no text layer (scanned image)",
        "page 3 has no text layer (scanned image)",
    )
    assert "Text page" in _texts(extraction)["page 1"]


def test_image_page_with_a_word_is_a_scan() -> None:
    """A picture with a word or two of text on it is still treated as a scan."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text="Page 1")
    pdf.image(Image.new("RGB", (120, 80), "white"), x=10, y=20, w=120)
    extraction = extract(bytes(pdf.output()), LIMITS)
    assert extraction.unscannable == (
        "page 1 has images and almost no text (probably a scanned image)",
    )


def test_blank_page_is_not_unscannable() -> None:
    """A page with neither text nor images has nothing to read."""
    pdf = FPDF()
    pdf.add_page()
    assert extract(bytes(pdf.output()), LIMITS).unscannable == ()


def test_page_bound() -> None:
    """Pages past max_pdf_pages are not read, and the item says so."""
    data = _pdf("one", "two", "three")
    extraction = extract(data, ScanLimits(max_pdf_pages=2))
    assert extraction.unscannable == ("the document has 3 pages; only the first 2 were read",)
    assert [s.location for s in extraction.segments] == ["page 1", "page 2"]


def test_stream_bound_comes_from_limits() -> None:
    """pypdf's decompression bound is max_pdf_stream_bytes: a bigger page stream is refused."""
    data = _pdf("A long page. " * 400)
    extraction = extract(data, ScanLimits(max_pdf_stream_bytes=1000))
    assert extraction.unscannable == ("page 1 could not be read (LimitReachedError)",)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n" + b"\x00garbage" * 100, id="garbage after header"),
        pytest.param(b"%PDF-1.4\n1 0 obj << /Type /Catalog", id="cut off"),
        pytest.param(b"%PDF-", id="header only"),
    ],
)
def test_corrupt_pdf_is_unscannable(data: bytes) -> None:
    """A PDF that cannot be opened is unscannable with a reason, not an exception."""
    extraction = extract(data, LIMITS)
    assert extraction.kind == "pdf"
    (reason,) = extraction.unscannable
    assert reason.startswith("the document is a PDF that could not be opened (")


def test_truncated_pdf_does_not_raise() -> None:
    """A real PDF cut in half comes back as an extraction (pypdf may recover some of it)."""
    data = _pdf("Page one", "Page two")
    assert isinstance(extract(data[: len(data) // 2], LIMITS), Extraction)


def test_pdf_bookmarks_and_page_labels_are_read() -> None:
    """Outline titles, nested ones too, and custom page labels are read at their own places."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf("Page one", "Page two"))))
    parent = writer.add_outline_item(title="Referral: Amina Begum", page_number=0)
    writer.add_outline_item(title="NHS 485 777 3456", page_number=1, parent=parent)
    writer.set_page_label(0, 1, prefix="Jane Smith-")
    output = io.BytesIO()
    writer.write(output)
    texts = _texts(extract(output.getvalue(), LIMITS))
    assert texts.get("outline") == "Referral: Amina Begum\nNHS 485 777 3456", sorted(texts)
    assert "Jane Smith-" in texts.get("page labels", ""), sorted(texts)


def test_pdf_without_page_labels_has_none() -> None:
    """A PDF that sets no labels adds no page-number segment."""
    texts = _texts(extract(_pdf("Page one"), LIMITS))
    assert "page labels" not in texts
    assert "outline" not in texts


def test_images_on_a_page_of_text_are_read_with_ocr() -> None:
    """A picture of a client's details on a page of text is read with OCR at "page N / image
    text"; a logo on the page adds no reason."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(
        w=0, text="\n".join(f"Item {n}: the summer fair committee met." for n in range(10))
    )
    pdf.image(
        io.BytesIO(text_image("Client: Amina Okafor", "NHS 943 476 5919")), x=10, y=120, w=180
    )
    pdf.image(io.BytesIO(logo()), x=10, y=200, w=40)
    extraction = extract(bytes(pdf.output()), LIMITS)
    assert extraction.unscannable == ()
    assert "NHS 943 476 5919" in _texts(extraction)["page 1 / image text"]


def test_images_on_a_page_of_text_without_tesseract_are_unscannable() -> None:
    """Without Tesseract the images of a page of text are not read, and the page says so."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(w=0, text="Minutes of the summer fair committee, with a photo of the stall.")
    pdf.image(Image.new("RGB", (120, 80), "white"), x=10, y=60, w=120)
    extraction = extract(bytes(pdf.output()), ScanLimits(tesseract_command=""))
    assert extraction.unscannable == ("page 1 has images, which are not read without OCR (image)",)
