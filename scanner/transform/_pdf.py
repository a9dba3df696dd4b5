"""PDF attachments: a visible stamp on every page, and whether any value is in the text.

The stamp is drawn into each page's content (Helvetica, one of the fonts every PDF reader
has), so it shows in every viewer and printer and is in the page's extracted text. Helvetica's
WinAnsi encoding covers English and Western European letters; anything else prints as "?".
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, apply_configuration
from pypdf.generic import ContentStream, DictionaryObject, NameObject

from scanner.limits import ScanLimits
from scanner.pdf_bounds import pypdf_configuration as _configuration
from scanner.transform._error import TransformError

_FONT = DictionaryObject(
    {
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica-Bold"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }
)
_FONT_SIZE = 10
_MARGIN = 18  # points from the top-left corner of the page (a quarter of an inch)
_RED = "0.7 0 0 rg"


def pdf_with_stamp(data: bytes, stamp: str, who: str, limits: ScanLimits) -> bytes:
    """The PDF with ``stamp`` printed at the top of every page.

    ``who`` names the attachment in reasons. An encrypted PDF is refused: stamping it would
    mean writing it out without its protection.
    """
    with apply_configuration(**_configuration(limits)):
        try:
            reader = PdfReader(io.BytesIO(data))
            encrypted = reader.is_encrypted
        except Exception as error:  # noqa: BLE001 - every way a PDF can be broken
            raise TransformError(f"{who} could not be opened ({type(error).__name__})") from None
        if encrypted:
            raise TransformError(f"{who} is encrypted, so it cannot be stamped CONFIDENTIAL")
        if len(reader.pages) > limits.max_pdf_pages:
            raise TransformError(f"{who} has more than {limits.max_pdf_pages} pages")
        try:
            writer = PdfWriter(clone_from=reader)
            for page in writer.pages:
                page.merge_page(_stamp_page(page, stamp), over=True)
            output = io.BytesIO()
            writer.write(output)
        except Exception as error:  # noqa: BLE001 - damaged pages pypdf cannot rewrite
            raise TransformError(f"{who} could not be stamped ({type(error).__name__})") from None
    return output.getvalue()


def _stamp_page(page: PageObject, stamp: str) -> PageObject:
    """A transparent page of ``page``'s size with only the stamp drawn on it."""
    box = page.mediabox
    overlay = PageObject.create_blank_page(width=box.width, height=box.height)
    overlay[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/ConfideStamp"): _FONT})}
    )
    x = float(box.left) + _MARGIN
    y = float(box.top) - _MARGIN - _FONT_SIZE
    text = _pdf_string(stamp)
    content = ContentStream(None, None)
    content.set_data(
        f"q {_RED} BT /ConfideStamp {_FONT_SIZE} Tf {x:.2f} {y:.2f} Td ".encode("ascii")
        + text
        + b" Tj ET Q"
    )
    overlay.replace_contents(content)
    return overlay


def _pdf_string(text: str) -> bytes:
    """``text`` as a PDF literal string in WinAnsi (cp1252) encoding."""
    data = text.encode("cp1252", errors="replace")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
