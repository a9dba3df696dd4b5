"""redacted with OCR: an attached image whose text holds a removed value cannot be rewritten,
so the copy is refused; a picture inside a Word document that holds one is blanked; an image
without text is kept."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from PIL import Image

from scanner.limits import ScanLimits
from scanner.transform import Removal, TransformError, redacted
from tests.scanner.images import logo, text_image, with_thumbnail
from tests.scanner.transform.made_files import attachment, body, message, raw, saved

NAME = Removal("Amina Okafor", "name")
_DOCX = "vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_image_holding_a_removed_value_is_refused() -> None:
    """A scan whose text shows the name cannot have it removed: the redaction is refused."""
    scan = ((text_image("Patient: Amina Okafor"), "image", "png", "scan.png"),)
    with pytest.raises(TransformError, match=r"would need redaction \(image text\)"):
        redacted(raw(message("About Amina Okafor", attachments=scan)), [NAME])


def test_logo_without_text_is_kept() -> None:
    """A signature logo is checked, holds no text, and is attached as it was."""
    image = ((logo(), "image", "png", "image001.png"),)
    result = redacted(raw(message("About Amina Okafor", attachments=image)), [NAME])
    assert attachment(result, "image001.png") == logo()
    assert body(result, "plain") == "About [name removed]\n"


def test_without_tesseract_an_image_is_kept_unread() -> None:
    """Without Tesseract an image cannot be checked, and is kept as before OCR."""
    scan = ((text_image("Patient: Amina Okafor"), "image", "png", "scan.png"),)
    limits = ScanLimits(tesseract_command="")
    result = redacted(raw(message("About Amina Okafor", attachments=scan)), [NAME], limits)
    assert attachment(result, "scan.png") == scan[0][0]


def test_picture_in_a_word_document_showing_a_value_is_blanked() -> None:
    """A picture in an attached .docx whose text shows the name becomes a white picture of
    its size in the redacted copy (the rest of the document redacted as text is); a logo in
    it stays as it was, and the finished copy passes the safety net."""
    document = docx.Document()
    document.add_paragraph("Visit notes for Amina Okafor.")
    document.add_picture(io.BytesIO(text_image("Client: Amina Okafor")))
    document.add_picture(io.BytesIO(logo()))
    attached = ((saved(document), "application", _DOCX, "notes.docx"),)
    result = redacted(raw(message("About Amina Okafor", attachments=attached)), [NAME])
    copy = docx.Document(io.BytesIO(attachment(result, "notes.docx")))
    assert copy.paragraphs[0].text == "Visit notes for [name removed]."
    pictures = [part.blob for part in copy.part.package.image_parts]
    assert logo() in pictures
    scan = next(Image.open(io.BytesIO(blob)) for blob in pictures if blob != logo())
    assert scan.size == Image.open(io.BytesIO(text_image("Client: Amina Okafor"))).size
    assert scan.getextrema() == ((255, 255), (255, 255), (255, 255))


def test_the_thumbnail_of_the_unredacted_first_page_is_white_in_the_copy() -> None:
    """The package's thumbnail is a picture of the first page as it was, values and all (too
    small for OCR to read back): the redacted copy never keeps it."""
    document = docx.Document()
    document.add_paragraph("Visit notes for Amina Okafor.")
    black = io.BytesIO()
    Image.new("RGB", (90, 128), "black").save(black, format="JPEG")
    original = with_thumbnail(saved(document), black.getvalue())
    attached = ((original, "application", _DOCX, "notes.docx"),)
    result = redacted(raw(message("About Amina Okafor", attachments=attached)), [NAME])
    with zipfile.ZipFile(io.BytesIO(attachment(result, "notes.docx"))) as copy:
        blank = Image.open(io.BytesIO(copy.read("docProps/thumbnail.jpeg")))
    assert blank.size == (90, 128)
    darkest, _ = blank.convert("L").getextrema()
    assert darkest >= 250  # white, give or take the JPEG's rounding
