"""Bytes to text when the declared charset is missing, wrong or unknown.

Extraction reads every format's text with it, and the transforms decode a part the same way
before they rewrite it, so both see the same text.
"""

from __future__ import annotations

import codecs

from scanner.filetype import utf16_without_bom

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``; never raises.

    A byte order mark wins (and is not part of the text), then UTF-16 that looks like it, then
    UTF-8 when the bytes are valid UTF-8 with non-ASCII characters (mail that says
    ``us-ascii`` or ``iso-8859-1`` but is UTF-8 is common), then the declared charset, then
    UTF-8, cp1252 and finally latin-1, which never fails.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    candidates = ["utf-8"] if not data.isascii() else []
    if declared and _known(declared):
        candidates.append(declared)
    candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (ValueError, LookupError):  # UnicodeDecodeError is a ValueError
            continue
    return data.decode("latin-1")


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True
