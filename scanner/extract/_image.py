"""Images (PNG, JPEG, GIF, TIFF, BMP, WebP): their text, read with Tesseract OCR.

Tesseract runs as a program (through pytesseract) in the scanning worker, so it is under the
worker's memory cap (a child inherits the address-space limit) and the item's time limit; each
image also has its own size, pixel and time bounds (``ScanLimits``). An image that OCR reads and
finds no text in (a signature logo) is an image without text, not an unscannable item; one
whose text cannot be read within the bounds is unscannable. Text kept in the file's own
metadata (PNG text chunks, a JPEG comment) is read too. A photograph is read the way up its
camera recorded (EXIF orientation), and text Tesseract finds turned (a page scanned
sideways or upside down) is read turned upright as well. Tesseract is asked which way up an
image is (a second run) only when the marks left outside the words it read surely, as the
image stands, could hold text enough to be turned: a page read well upright costs one run.

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
from typing import cast

import pytesseract
from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageSequence

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
# A word Tesseract reads with at least this confidence (0 to 100) is read surely. Typed text
# read upright gives about 96; text turned sideways or upside down, read as it stands, gives
# words of 30 to 40 on average, with a few above 80 (measured on DejaVu Sans at 28 pixels).
_SURE_WORD_CONFIDENCE = 70
# The fewest dark pixels a legible character makes: DejaVu Sans at 10 pixels, about the
# smallest type Tesseract reads, makes about 17.
_SMALLEST_CHARACTER_MARKS = 15
# Orientation detection (a second Tesseract run) is skipped when the marks left outside the
# surely read words could hold at most this share as many characters as those words.
# Orientation detection weighs the characters it finds, so with upright ones four to one it
# says "upright", and asking would cost a run and turn nothing. Measured on typed pages: the
# marks left unread are a few stray pixels (4 in a PNG, 11 in a JPEG, 39 with scanner
# noise), against a budget of 142 for 38 characters read; a rule across the page or a
# picture beside the text is more, and pays for the run.
_UNREAD_CHARACTERS_SHARE = 0.25

# A word read surely: its box in the image (left, top, right, bottom), and its characters.
type _SureWord = tuple[tuple[int, int, int, int], int]


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
            grey = _on_white(ImageOps.exif_transpose(frame))
            low, high = cast(tuple[int, int], grey.getextrema())  # one band: its range
            if low == high:  # one colour (a blank page's thumbnail): no text to read
                continue
            text, sure_words = _read_upright(grey, deadline)
            texts.append(text)
            if _little_left_unread(grey, (low + 3 * high) // 4, sure_words):
                continue
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


def _read_upright(grey: Image.Image, deadline: float) -> tuple[str, list[_SureWord]]:
    """The text Tesseract reads in ``grey`` as it stands, and each word in it read with at
    least ``_SURE_WORD_CONFIDENCE``: one Tesseract run making both outputs."""
    text, table = pytesseract.pytesseract.run_and_get_multiple_output(
        grey, ["txt", "tsv"], timeout=_left(deadline)
    )
    sure_words: list[_SureWord] = []
    for row in table.splitlines()[1:]:
        # level page block paragraph line word left top width height confidence text
        cells = row.split("\t")
        word = cells[11].strip() if len(cells) == 12 else ""
        if word and float(cells[10]) >= _SURE_WORD_CONFIDENCE:
            left, top, width, height = (int(cell) for cell in cells[6:10])
            sure_words.append(((left, top, left + width, top + height), len(word)))
    return text, sure_words


def _little_left_unread(grey: Image.Image, paper_edge: int, sure_words: list[_SureWord]) -> bool:
    """Whether the marks in ``grey`` (its pixels darker than ``paper_edge``) outside the words
    read surely are too few to hold text that could stand turned: fewer characters, even of
    the smallest legible type, than ``_UNREAD_CHARACTERS_SHARE`` of those read. Counting
    characters, not marks, keeps a large letterhead word from hiding a small turned body. A
    page read upright passes; a page read turned, as it stands, comes out as unsure words and
    fails, and so does a letterhead's word over a turned body, a picture beside a little
    text, and an image with marks but no words."""
    marks = grey.point([255 if value < paper_edge else 0 for value in range(256)])
    words = Image.new("L", grey.size, 0)
    draw = ImageDraw.Draw(words)
    for box, _ in sure_words:
        draw.rectangle(box, fill=255)
    unread_marks = ImageChops.subtract(marks, words).histogram()[255]
    characters_read = sum(characters for _, characters in sure_words)
    budget = _SMALLEST_CHARACTER_MARKS * characters_read * _UNREAD_CHARACTERS_SHARE
    return unread_marks <= budget


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
