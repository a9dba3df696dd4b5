"""redacted with OCR: an image whose text holds a removed value cannot be rewritten, so the
copy is refused; an image without text is kept."""

from __future__ import annotations

import pytest

from scanner.limits import ScanLimits
from scanner.transform import Removal, TransformError, redacted
from tests.scanner.images import logo, text_image
from tests.scanner.transform.made_files import attachment, body, message, raw

NAME = Removal("Amina Okafor", "name")


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
