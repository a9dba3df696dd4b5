"""The OCR settings: an image's time limit must fit inside the item's."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.config import Settings


def test_ocr_timeout_must_be_inside_the_item_timeout() -> None:
    """An OCR time limit as long as the whole item's is refused, with the reason."""
    with pytest.raises(ValidationError, match="ocr_timeout_seconds must be less than"):
        Settings(limits={"ocr_timeout_seconds": 30.0, "item_timeout_seconds": 30.0})
    assert Settings(limits={"ocr_timeout_seconds": 5.0, "tesseract_command": "/opt/tesseract"})
