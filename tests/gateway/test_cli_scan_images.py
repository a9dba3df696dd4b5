"""`confide scan` reads the text of images with Tesseract, and says when it cannot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gateway.test_cli_scan import NHS, run
from tests.scanner.images import text_image

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("images") / "scan.jpg"
    lines = ("Referral for Amina Okafor", f"NHS number {NHS}")
    path.write_bytes(text_image(*lines, image_format="JPEG"))
    return path


def test_an_nhs_number_in_a_photo_is_found_as_image_text(scan: Path, tmp_path: Path) -> None:
    """The NHS number typed in a JPEG is a finding located in the image's text."""
    result = run("--json", scan, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    findings = json.loads(result.stdout)["findings"]
    assert ("UK_NHS", "image text") in {(f["type"], f["segment"]) for f in findings}


def test_without_tesseract_scan_says_so(scan: Path, tmp_path: Path) -> None:
    """When the Tesseract program cannot be found, scan says so first, and an image is an
    unsupported type as it was before OCR."""
    missing = str(tmp_path / "no-tesseract")
    result = run(scan, cwd=tmp_path, env={"CONFIDE_LIMITS__TESSERACT_COMMAND": missing})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        f"confide scan: Tesseract ({missing!r}) is not installed, or has no English data: "
        "images are not read, and an item with an image is unscannable (install tesseract-ocr "
        "and tesseract-ocr-eng)"
    )
    assert lines[1].endswith("scan.jpg: unsupported file type: image")
