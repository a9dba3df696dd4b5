"""Images the OCR tests draw for themselves: typed text, and a logo with none."""

from __future__ import annotations

import io
import zipfile

from PIL import Image, ImageDraw, ImageFont

# DejaVu Sans (Debian's fonts-dejavu-core): Pillow finds it in the system's font folders.
_FONT = "DejaVuSans.ttf"


def text_image(
    *lines: str, image_format: str = "PNG", mode: str = "RGB", background: object = "white"
) -> bytes:
    """An image of ``lines`` typed in black, as a scanner or a screenshot would give it."""
    font = ImageFont.truetype(_FONT, 28)
    image = Image.new(mode, (760, 50 * len(lines) + 20), background)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((12, 12 + 50 * number), line, fill="black", font=font)
    return encoded(image, image_format)


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
