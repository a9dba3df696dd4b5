"""Images are read with Tesseract OCR: their text is scanned as "image text", within bounds."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytesseract
import pytest
from fpdf import FPDF
from PIL import Image

from scanner.extract import UnsupportedType, extract
from scanner.extract._image import ocr_missing_warning
from scanner.filetype import FileType, sniff
from scanner.limits import ScanLimits
from scanner.segments import Extraction
from tests.scanner.images import (
    encoded,
    logo,
    logo_over_turned_text,
    photograph,
    text_image,
    turned,
)

LIMITS = ScanLimits()
NO_TESSERACT = ScanLimits(tesseract_command="/nonexistent/bin/tesseract")
LINES = ("Patient: Amina Okafor", "NHS number 943 476 5919")
# One page of typed text (a PNG), drawn once, which the tests below read, turn and frame.
PAGE = text_image(*LINES)


def _texts(extraction: Extraction) -> dict[str, str]:
    return {segment.location: segment.text for segment in extraction.segments}


def _message_with(*attachments: tuple[bytes, str]) -> bytes:
    """An HTML message, as Outlook sends it, with each ``(image, name)`` attached."""
    message = EmailMessage()
    message["From"] = "jane@riverside-carers.example.org"
    message["To"] = "colleague@riverside-carers.example.org, referrals@agency.example"
    message["Subject"] = "Referral"
    message.set_content("Please see below.")
    message.add_alternative('<p>Please see below.</p><img src="cid:image001.png">', "html")
    for data, name in attachments:
        message.add_attachment(data, maintype="image", subtype="png", filename=name)
    return bytes(message)


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "TIFF", "BMP", "WEBP"])
def test_text_in_each_image_format_is_read(image_format: str) -> None:
    """An image of typed text in any of the six formats is an image, and its words are read."""
    data = text_image(*LINES, image_format=image_format)
    assert sniff(data) is FileType.IMAGE
    extraction = extract(data, LIMITS)
    assert extraction.unscannable == ()
    assert _texts(extraction)["image text"].split("\n")[:2] == list(LINES)


@pytest.fixture
def tesseract_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each Tesseract run made ("osd" for orientation detection, else the outputs, such
    as "txt tsv"), in order: every run goes through pytesseract's ``run_tesseract``."""
    runs: list[str] = []
    run = pytesseract.pytesseract.run_tesseract

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(kwargs["extension"])
        return run(*args, **kwargs)

    monkeypatch.setattr(pytesseract.pytesseract, "run_tesseract", counted)
    return runs


@pytest.mark.parametrize(
    ("data", "found"),
    [
        pytest.param(PAGE, ("Amina Okafor", "943 476 5919"), id="upright"),
        pytest.param(turned(PAGE, 90), ("Amina Okafor", "943 476 5919"), id="turned 90"),
        pytest.param(turned(PAGE, 180), ("Amina Okafor", "943 476 5919"), id="turned 180"),
        pytest.param(turned(PAGE, 270), ("Amina Okafor", "943 476 5919"), id="turned 270"),
        pytest.param(
            logo_over_turned_text(90, *LINES),
            ("Amina Okafor", "943 476 5919"),
            id="upright logo word over turned text",
        ),
        pytest.param(
            logo_over_turned_text(180, *LINES, word_size=200, text_size=20),
            ("Amina Okafor", "943 476 5919"),
            id="large upright letterhead word over small turned text",
        ),
        pytest.param(photograph(), (), id="photograph without text"),
    ],
)
def test_text_is_read_whichever_way_up_it_stands(data: bytes, found: tuple[str, ...]) -> None:
    """Typed text upright, scanned sideways or upside down (the hostile tester's rotated
    attachments), or turned below an upright letterhead word, is read; a photograph without
    text is read as holding none, and is not unscannable."""
    extraction = extract(data, LIMITS)
    assert extraction.unscannable == ()
    text = _texts(extraction).get("image text", "")
    assert [value for value in found if value in text] == list(found)
    if not found:
        assert text.strip() == ""


def test_a_page_read_well_upright_is_not_checked_for_turned_text(
    tesseract_runs: list[str],
) -> None:
    """A page whose every mark is read upright as sure words costs one Tesseract run, not a
    second one asking which way up it is."""
    assert "943 476 5919" in _texts(extract(PAGE, LIMITS))["image text"]
    assert "osd" not in tesseract_runs
    assert len(tesseract_runs) == 1


def test_a_little_upright_text_does_not_hide_turned_text(tesseract_runs: list[str]) -> None:
    """A letterhead's word read upright over a turned body is not enough to skip asking which
    way up the image is: the body is read turned."""
    text = _texts(extract(logo_over_turned_text(180, *LINES), LIMITS))["image text"]
    assert "943 476 5919" in text
    assert "osd" in tesseract_runs


def test_a_photograph_is_read_the_way_up_its_camera_recorded() -> None:
    """A phone's photograph of a form, stored on its side with an EXIF orientation (6: turn
    90 degrees clockwise to show it), is read as a viewer shows it."""
    upright = Image.open(io.BytesIO(PAGE))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    stored = upright.rotate(90, expand=True)
    buffer = io.BytesIO()
    stored.save(buffer, format="JPEG", exif=exif.tobytes())
    assert "NHS number 943 476 5919" in _texts(extract(buffer.getvalue(), LIMITS))["image text"]


def test_attached_scan_is_located_as_image_text() -> None:
    """The text of an attached image is a segment at "attachment N 'name' / image text"."""
    raw = _message_with((PAGE, "scan.png"))
    extraction = extract(raw, LIMITS, kind=FileType.EMAIL)
    assert extraction.unscannable == ()
    assert "NHS number 943 476 5919" in _texts(extraction)["attachment 1 'scan.png' / image text"]


def test_signature_logo_without_text_is_not_unscannable() -> None:
    """An inline signature logo with no text in it leaves the message fully scanned."""
    extraction = extract(_message_with((logo(), "image001.png")), LIMITS, kind=FileType.EMAIL)
    assert extraction.unscannable == ()
    assert not any("image text" in location for location in _texts(extraction))


def test_text_on_a_transparent_background_is_read() -> None:
    """Black text on a transparent background (stored as transparent black) is put on white
    first, as a mail reader shows it, so its words are read."""
    data = text_image(*LINES, mode="RGBA", background=(0, 0, 0, 0))
    assert "Amina Okafor" in _texts(extract(data, LIMITS))["image text"]


def test_text_in_the_image_file_metadata_is_read() -> None:
    """A PNG text chunk is read as "image metadata"."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Description", "Amina Okafor")
    buffer = io.BytesIO()
    Image.open(io.BytesIO(logo())).save(buffer, format="PNG", pnginfo=info)
    extraction = extract(buffer.getvalue(), LIMITS)
    assert _texts(extraction)["image metadata / Description"] == "Amina Okafor"


def test_corrupt_image_is_unscannable() -> None:
    """An attachment that starts as a PNG but is not one cannot be read, so it is unscannable."""
    raw = _message_with((b"\x89PNG\r\n\x1a\n" + bytes(60), "scan.png"))
    extraction = extract(raw, LIMITS, kind=FileType.EMAIL)
    assert extraction.unscannable == (
        "attachment 1 'scan.png' could not be opened as an image (UnidentifiedImageError)",
    )


def test_image_over_the_pixel_limit_is_unscannable() -> None:
    """An image with more pixels than max_image_pixels is not decoded; the reason says why."""
    data = PAGE
    extraction = extract(data, ScanLimits(max_image_pixels=50_000))
    assert extraction.segments == ()
    assert extraction.unscannable == (
        "the item is an image of 91200 pixels (760 x 120), over the 50000-pixel limit; "
        "its text was not read",
    )


def test_every_frame_counts_against_the_pixel_limit() -> None:
    """A multi-page TIFF is counted as all its pages: two pages of
    760 x 70 (53,200 pixels each) are over 100,000, though each is under it."""
    pages = [Image.open(io.BytesIO(text_image(line))).convert("L") for line in LINES]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="TIFF", save_all=True, append_images=pages[1:])
    limits = ScanLimits(max_image_pixels=100_000)
    assert extract(buffer.getvalue(), limits).unscannable == (
        "the item is an image of 106400 pixels (760 x 70 x 2 frames), over the "
        "100000-pixel limit; its text was not read",
    )
    texts = _texts(extract(buffer.getvalue(), LIMITS))["image text"]
    assert "Amina Okafor" in texts
    assert "943 476 5919" in texts


def test_image_over_the_size_limit_is_unscannable() -> None:
    """An image file bigger than max_image_bytes is not read."""
    data = PAGE
    extraction = extract(data, ScanLimits(max_image_bytes=1000))
    assert extraction.unscannable == (
        f"the item is an image of {len(data)} bytes, over the 1000-byte limit for images; "
        "its text was not read",
    )


def test_image_not_read_in_time_is_unscannable() -> None:
    """When Tesseract takes longer than ocr_timeout_seconds the image is unscannable."""
    extraction = extract(PAGE, ScanLimits(ocr_timeout_seconds=0.01))
    assert extraction.segments == ()
    assert extraction.unscannable == (
        "the item: reading the text of the image took longer than 0.01 s",
    )


def test_without_tesseract_images_are_as_before() -> None:
    """When Tesseract cannot be found an attached image is of a type confide cannot read, a
    lone image is an unsupported type, and the start-up warning says so."""
    raw = _message_with((PAGE, "scan.png"))
    extraction = extract(raw, NO_TESSERACT, kind=FileType.EMAIL)
    assert extraction.unscannable == (
        "attachment 1 'scan.png' is of a type confide cannot read (image)",
    )
    with pytest.raises(UnsupportedType, match="image"):
        extract(PAGE, NO_TESSERACT)
    warning = ocr_missing_warning(NO_TESSERACT)
    assert warning is not None
    assert "is not installed" in warning
    assert ocr_missing_warning(LIMITS) is None


def test_tesseract_without_english_data_is_not_used(tmp_path: Path) -> None:
    """A Tesseract whose language list lacks English (tesseract-ocr without tesseract-ocr-eng)
    is treated as missing, so images are not read and start-up says so."""
    program = tmp_path / "tesseract"
    program.write_text('#!/bin/sh\necho "List of available languages (1):"\necho osd\n')
    program.chmod(0o755)
    limits = ScanLimits(tesseract_command=str(program))
    with pytest.raises(UnsupportedType, match="image"):
        extract(PAGE, limits)
    assert ocr_missing_warning(limits) is not None


def test_text_that_starts_with_bm_is_not_a_bitmap() -> None:
    """Two letters are not a bitmap: text that starts "BM" is read as text."""
    assert sniff(b"BMW service booked for Amina Okafor\n") is FileType.TEXT
    assert sniff(encoded(Image.new("RGB", (10, 10)), "BMP")) is FileType.IMAGE


def _scanned_pdf(image: bytes) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(image), x=10, y=10, w=180)
    return bytes(pdf.output())


def test_scanned_pdf_page_is_read_with_ocr() -> None:
    """A PDF page that is only a picture of typed text is read, at "page 1 / image text"."""
    extraction = extract(_scanned_pdf(PAGE), LIMITS)
    assert extraction.unscannable == ()
    assert "NHS number 943 476 5919" in _texts(extraction)["page 1 / image text"]


def test_scanned_pdf_page_without_text_stays_unscannable() -> None:
    """A scanned page in which OCR finds no words (handwriting, say) is still a scan whose
    content cannot be read; without Tesseract a scanned page is unscannable as before."""
    blank = _scanned_pdf(encoded(Image.new("RGB", (400, 300), "white"), "PNG"))
    assert extract(blank, LIMITS).unscannable == ("page 1 has no text layer (scanned image)",)
    typed = _scanned_pdf(PAGE)
    assert extract(typed, NO_TESSERACT).unscannable == ("page 1 has no text layer (scanned image)",)
