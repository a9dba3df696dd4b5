"""Plain text files: one segment holding the whole decoded text."""

from __future__ import annotations

from scanner.extract._context import ExtractionContext
from scanner.extract._decode import decode_text

PGP_MESSAGE = "-----BEGIN PGP MESSAGE-----"


def read_text(data: bytes, context: ExtractionContext) -> None:
    """Decode ``data`` (see ``decode_text``) and add it as one segment.

    The segment's source text is the decoded file, so detection offsets index that text. An
    armoured PGP message inside is ciphertext: it is reported as unreadable.
    """
    text = decode_text(data)
    context.add_text(text, "" if context.location else "text")
    if PGP_MESSAGE in text:
        context.unscannable(f"{context.here('the text')} contains a PGP-encrypted message")
