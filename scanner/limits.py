"""Bounds on every cost that untrusted input drives.

Each bound is a named setting (``[limits]`` in ``confide.toml``). Hitting one makes the item
unscannable with a reason, so the policy holds it; nothing is dropped and nothing crashes.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class ScanLimits:
    # The largest item accepted at all: the SIZE the relay advertises, and the biggest file the
    # watcher or `confide scan` reads. 25 MiB is what Microsoft 365 and Gmail allow per message.
    max_item_bytes: int = 25 * MIB
    # MIME nesting (multipart in message/rfc822 in multipart ...). Real mail rarely goes past 5.
    max_mime_depth: int = 10
    # Parts in one message, counted across all nesting levels.
    max_mime_parts: int = 500
    # Entries in a .docx or .xlsx (zip) archive, checked before the package is opened.
    max_docx_entries: int = 2000
    # Total uncompressed size of a .docx's or .xlsx's entries, from the zip directory, before
    # opening it.
    max_docx_uncompressed_bytes: int = 200 * MIB
    # Largest uncompressed/compressed ratio of any .docx or .xlsx entry (XML compresses
    # ~10-20x; bombs compress 1000x and more).
    max_docx_compression_ratio: int = 200
    # Cells read from one workbook, all sheets counted, empty cells between filled ones and
    # empty rows too (what openpyxl walks through). A client list of 10,000 rows by 30 columns
    # is 300,000; reading a million takes about 5 seconds, a sixth of item_timeout_seconds.
    max_spreadsheet_cells: int = 1_000_000
    # Pages read from one PDF.
    max_pdf_pages: int = 1000
    # Decompressed bytes of any one PDF stream (pypdf's own decompression-bomb guard).
    max_pdf_stream_bytes: int = 64 * MIB
    # Total characters of text taken from one item; the rest is not scanned, so the item is
    # marked unscannable rather than silently half-read.
    max_text_chars: int = 5_000_000
    # Wall-clock seconds the whole scan of one item (extraction and detection) may take in its
    # worker before the worker is killed and replaced; the item is then held, unscanned.
    # Ordinary messages take well under a second; a 2.5 MB text body takes about 30 s.
    item_timeout_seconds: float = 30.0
    # Address-space limit of a scanning worker process (RLIMIT_AS), the NER model included:
    # the model takes about 0.6 GB of it, and the rest is what one item's scan may use. An
    # item that needs more is held, unscanned.
    worker_memory_bytes: int = 1536 * MIB
    # Images (attachments, inline images, the pictures of a .docx, the images of PDF pages) are
    # read with Tesseract OCR. An image file bigger than this is not read, and is unscannable.
    max_image_bytes: int = 20 * MIB
    # Pixels of one image, all its frames counted (a multi-page TIFF, an animated GIF), checked
    # from its header before it is decoded. A 12-megapixel phone photo is 12 million; an A4 page
    # scanned at 600 dpi about 35 million. A bigger image is not read, and is unscannable.
    max_image_pixels: int = 40_000_000
    # Wall-clock seconds Tesseract may spend on the text of one image (all its frames); keep it
    # well inside item_timeout_seconds (if not, the item's own limit stops the scan first: the
    # item is held either way). A signature logo takes about 0.1 s, a typed A4 scan a few
    # seconds. An image not read in time is unscannable, and the rest of the item is read.
    ocr_timeout_seconds: float = 10.0
    # The Tesseract program (a name on PATH, or a path). When it cannot be found, images are
    # not read (each is unscannable, as a type confide cannot read); "" turns OCR off.
    tesseract_command: str = "tesseract"
