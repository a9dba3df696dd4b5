"""Plain text files: one segment holding the whole decoded text."""

from __future__ import annotations

import re

from scanner.charsets import decode_text
from scanner.extract._context import ExtractionContext
from scanner.extract._docx import read_svg
from scanner.extract._rtf import RTF_START, rtf_text
from scanner.extract._uuencoded import read_uuencoded
from scanner.extract._vobject import is_vobject, read_vobject

PGP_MESSAGE = "-----BEGIN PGP MESSAGE-----"
# A line of base64 as MIME writes it: at least this many characters of its alphabet alone.
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
# An SVG picture: its root element near the top (after an XML declaration, a DOCTYPE or
# comments).
_SVG_ROOT = re.compile(r"<svg[\s>]", re.IGNORECASE)
_SVG_WINDOW = 2048


def read_text(data: bytes, context: ExtractionContext) -> None:
    """Decode ``data`` (see ``decode_text``) and add it as one segment.

    The segment's source text is the decoded file, so detection offsets index that text. Runs
    of base64 lines (an attachment in a message read as text) are encoded data, not text: they
    are blanked, keeping every offset, so they give no false findings; a message is also read
    as a message, which decodes them. An armoured PGP message inside is ciphertext: it is
    reported as unreadable. A uuencoded file inside is read as a file.
    """
    text = decode_text(data)
    location = "" if context.location else "text"
    context.add_text(_without_base64(text), location)
    read_uuencoded(text, context, location)
    _read_formats(data, text, context, location)
    if PGP_MESSAGE in text:
        context.unscannable(f"{context.here('the text')} contains a PGP-encrypted message")


def _read_formats(data: bytes, text: str, context: ExtractionContext, location: str) -> None:
    """Text formats that show something other than their raw text (RTF, SVG, vCard and
    iCalendar files): read as the program that opens them shows them, too."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(RTF_START):
        shown = rtf_text(text)
        context.add_text(shown.text, location, "as shown")
        if shown.unreadable:
            context.unscannable(
                f"{context.here('the document')} is an RTF document with an embedded object "
                "or picture confide cannot read"
            )
    elif head.startswith("<") and _SVG_ROOT.search(head[:_SVG_WINDOW]):
        read_svg(data, context, location or "picture")
    if is_vobject(text):
        read_vobject(text, context, location)


def _without_base64(text: str) -> str:
    """``text`` with each run of two or more base64 lines replaced by spaces of its length."""
    lines = _LINE.findall(text)
    encoded = [_BASE64_LINE.fullmatch(line.rstrip("\r\n")) is not None for line in lines]
    pieces = []
    for index, line in enumerate(lines):
        in_run = encoded[index] and (
            (index > 0 and encoded[index - 1]) or (index + 1 < len(lines) and encoded[index + 1])
        )
        if in_run:
            body = line.rstrip("\r\n")
            pieces.append(" " * len(body) + line[len(body) :])
        else:
            pieces.append(line)
    return "".join(pieces)
