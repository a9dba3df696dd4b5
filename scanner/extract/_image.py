"""Images (PNG, JPEG, GIF, TIFF, BMP, WebP): their text, read with Tesseract OCR.

Tesseract runs as a program (through pytesseract) in the scanning worker, so it is under the
worker's memory cap (a child inherits the address-space limit) and the item's time limit; each
image also has its own size, pixel and time bounds (``ScanLimits``). An image that OCR reads and
finds no text in (a signature logo) is an image without text, not an unscannable item; one
whose text cannot be read within the bounds is unscannable. Text kept in the file's own
metadata (PNG text chunks, a JPEG comment) is read too. A photograph is read the way up its
camera recorded (EXIF orientation), and text Tesseract finds turned (a page scanned
sideways or upside down) is read turned upright as well.

When Tesseract is not installed, images are not read at all: the dispatcher treats them as a
type confide cannot read, as it did before OCR (``ocr_available``).
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import time

import pytesseract
from PIL import Image, ImageOps, ImageSequence

from scanner.extract._context import ExtractionContext
from scanner.limits import ScanLimits

# What Image.open may treat the bytes as; the same formats filetype.sniff calls images.
_FORMATS = ("PNG", "JPEG", "GIF", "TIFF", "BMP", "WEBP")
# A frame narrower or shorter than this cannot hold a legible letter (a spacer or tracking
# pixel); it is not given to Tesseract.
_MIN_SIDE_PIXELS = 8
# Image modes with an alpha channel: transparent pixels are put on white before OCR, as a mail
# reader shows them (a logo's transparent background is often stored as black).
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
# Entries of Pillow's ``info`` that hold a technical word, not text from the file.
_TECHNICAL_INFO = frozenset({"compression"})


@functools.cache
def ocr_available(command: str) -> bool:
    """Whether the Tesseract program ``command`` can be found and has its English data
    (checked once per command and process)."""
    path = shutil.which(command) if command else None
    if path is None:
        return False
    try:
        listed = subprocess.run(
            [path, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and "eng" in listed.stdout.split()


def ocr_missing_warning(limits: ScanLimits) -> str | None:
    """What to tell the operator at start-up when images cannot be read, or ``None``."""
    if ocr_available(limits.tesseract_command):
        return None
    if not limits.tesseract_command:
        return "OCR is off (limits.tesseract_command is empty): images are not read"
    return (
        f"Tesseract ({limits.tesseract_command!r}) is not installed, or has no English data: "
        "images are not read, and an item with an image is unscannable (install tesseract-ocr "
        "and tesseract-ocr-eng)"
    )


def read_image(data: bytes, context: ExtractionContext) -> None:
    """An image file: its metadata text, then the text OCR finds in it ("image text")."""
    who = context.here("the item")
    limits = context.limits
    if len(data) > limits.max_image_bytes:
        context.unscannable(
            f"{who} is an image of {len(data)} bytes, over the {limits.max_image_bytes}-byte "
            "limit for images; its text was not read"
        )
        return
    try:
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
    except Exception as error:  # noqa: BLE001 - every way an image file can be broken
        context.unscannable(f"{who} could not be opened as an image ({type(error).__name__})")
        return
    with image:
        _read_metadata(image, context)
        text = image_text(image, context, who)
    if text is not None:
        context.add_text(text, "image text")


def image_text(image: Image.Image, context: ExtractionContext, who: str) -> str | None:
    """The text Tesseract reads in every frame of ``image`` ("" when there is none), or
    ``None`` (with a reason) when it cannot be read within the bounds."""
    limits = context.limits
    frames = getattr(image, "n_frames", 1)
    pixels = image.width * image.height * frames
    if pixels > limits.max_image_pixels:
        context.unscannable(
            f"{who} is an image of {pixels} pixels ({image.width} x {image.height}"
            f"{f' x {frames} frames' if frames > 1 else ''}), over the "
            f"{limits.max_image_pixels}-pixel limit; its text was not read"
        )
        return None
    # One thread per Tesseract run: a worker scans one item at a time, and the cores are shared.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    pytesseract.pytesseract.tesseract_cmd = limits.tesseract_command
    deadline = time.monotonic() + limits.ocr_timeout_seconds
    texts: list[str] = []
    try:
        for frame in ImageSequence.Iterator(image):
            if min(frame.width, frame.height) < _MIN_SIDE_PIXELS:
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            grey = _on_white(ImageOps.exif_transpose(frame))
            low, high = grey.getextrema()
            if low == high:  # one colour (a blank page's thumbnail): no text to read
                continue
            texts.append(pytesseract.image_to_string(grey, timeout=remaining))
            turn = _turn(grey, deadline)
            if turn:
                texts.append(
                    pytesseract.image_to_string(
                        grey.rotate(-turn, expand=True), timeout=_left(deadline)
                    )
                )
    except (TimeoutError, RuntimeError) as error:
        if isinstance(error, TimeoutError) or "timeout" in str(error).lower():
            context.unscannable(
                f"{who}: reading the text of the image took longer than "
                f"{limits.ocr_timeout_seconds:g} s"
            )
            return None
        context.unscannable(f"{who}: the text of the image could not be read ({_name(error)})")
        return None
    except Exception as error:  # noqa: BLE001 - a damaged image, or Tesseract failing
        context.unscannable(f"{who}: the text of the image could not be read ({_name(error)})")
        return None
    return "\n".join(texts)


def _turn(grey: Image.Image, deadline: float) -> int:
    """How many degrees clockwise ``grey`` should be turned for its text to stand upright, as
    Tesseract's orientation detection says (0 when it has too little text to tell). Its
    confidence does not tell a page turned (1.3 to 2.5 seen) from a photograph without text
    (1.5), so any turn is read: the reading as it is is kept too, so a wrong turn costs time
    (a second reading), never text."""
    try:
        osd = pytesseract.image_to_osd(
            grey, output_type=pytesseract.Output.DICT, timeout=_left(deadline)
        )
    except pytesseract.TesseractError:  # "Too few characters": nothing to turn
        return 0
    return int(osd.get("rotate", 0)) % 360


def _left(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    return remaining


def _on_white(frame: Image.Image) -> Image.Image:
    """``frame`` in greyscale, any transparent pixels put on white."""
    if frame.mode in _ALPHA_MODES or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    return frame.convert("L")


def _read_metadata(image: Image.Image, context: ExtractionContext) -> None:
    """Text the file itself carries: PNG text chunks, a JPEG or GIF comment."""
    for key, value in image.info.items():
        comment = key == "comment" and isinstance(value, bytes)
        text = value.decode("utf-8", "replace") if comment else value
        if isinstance(text, str) and key not in _TECHNICAL_INFO:
            context.add_text(text, "image metadata", str(key))


def _name(error: BaseException) -> str:
    return type(error).__name__
