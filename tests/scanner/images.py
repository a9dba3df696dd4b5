"""Images the OCR tests draw for themselves: typed text (upright or turned), a logo with a word
over turned text, a logo with none, and a photograph without text."""

from __future__ import annotations

import io
import random
import zipfile

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# DejaVu Sans (Debian's fonts-dejavu-core): Pillow finds it in the system's font folders.
_FONT = "DejaVuSans.ttf"
_BOLD_FONT = "DejaVuSans-Bold.ttf"


def text_image(
    *lines: str,
    image_format: str = "PNG",
    mode: str = "RGB",
    background: object = "white",
    size: int = 28,
) -> bytes:
    """An image of ``lines`` typed in black (``size`` pixels), as a scanner or a screenshot
    would give it."""
    font = ImageFont.truetype(_FONT, size)
    step = size * 50 // 28
    image = Image.new(mode, (size * 760 // 28, step * len(lines) + 20), background)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((12, 12 + step * number), line, fill="black", font=font)
    return encoded(image, image_format)


def turned(data: bytes, degrees: int) -> bytes:
    """The image ``data`` turned ``degrees`` anticlockwise, as a page scanned sideways (90,
    270) or upside down (180) is stored, as a PNG."""
    with Image.open(io.BytesIO(data)) as image:
        return encoded(image.rotate(degrees, expand=True), "PNG")


def logo_over_turned_text(
    degrees: int, *lines: str, word_size: int = 36, text_size: int = 28
) -> bytes:
    """A letterhead's word ("Riverside", bold, ``word_size`` pixels) upright above ``lines``
    (``text_size`` pixels) turned ``degrees`` anticlockwise: read as it stands, the image holds
    a little good text, and its body is only found turned."""
    with Image.open(io.BytesIO(text_image(*lines, size=text_size))) as upright:
        body = upright.rotate(degrees, expand=True)
    word = ImageFont.truetype(_BOLD_FONT, word_size)
    image = Image.new(
        "RGB", (max(body.width, word_size * 6) + 40, body.height + word_size + 60), "white"
    )
    ImageDraw.Draw(image).text((20, 15), "Riverside", fill="black", font=word)
    image.paste(body, (20, word_size + 40))
    return encoded(image, "PNG")


def photograph() -> bytes:
    """A photograph-like JPEG without text: a sky-like gradient with blurred coloured blobs
    (drawn from a fixed seed, so every run draws the same picture)."""
    chance = random.Random(7)  # noqa: S311 - a picture, not a secret
    image = Image.new("RGB", (480, 320))
    draw = ImageDraw.Draw(image)
    for y in range(image.height):
        draw.line([(0, y), (image.width, y)], fill=(90 + y // 4, 140, 200 - y // 3))
    for _ in range(25):
        x, y, r = chance.randrange(480), chance.randrange(320), chance.randrange(10, 60)
        colour = (chance.randrange(256), chance.randrange(256), chance.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return encoded(image.filter(ImageFilter.GaussianBlur(2)), "JPEG")


def logo() -> bytes:
    """A signature logo: a coloured shape on a transparent background, and no text."""
    image = Image.new("RGBA", (160, 60), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 50, 50), fill=(20, 80, 200, 255))
    return encoded(image, "PNG")


def encoded(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def with_thumbnail(package: bytes, thumbnail: bytes) -> bytes:
    """The .docx ``package`` with the JPEG ``thumbnail`` as its picture of the first page
    (python-docx's own is a blank page), as Word saves one."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            is_thumbnail = entry.filename == "docProps/thumbnail.jpeg"
            target.writestr(entry, thumbnail if is_thumbnail else source.read(entry))
    return output.getvalue()
