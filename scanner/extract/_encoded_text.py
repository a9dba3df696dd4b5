"""Text hidden in base64 inside text: read it too.

A body whose transfer encoding was lost or garbled (a blank or indented first line, a
mistyped ``Content-Transfer-Encoding``, two of them) reaches the reader as base64 text that
nobody decoded; the recipient's mail program shows it the same way, and anyone can decode it.
So every run of base64 lines, and every long base64 word, that decodes to readable text is
read as text of its own. Runs that decode to anything else (images, archives, hashes) are
left alone: they are not text, and attachments are read where they are declared.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

# A line that is all base64, and a base64 word inside a line of prose. Encoders write lines
# of one length and a shorter last line; a line shorter than ``_FULL_LINE`` ends a run (so a
# word alone on a line, "Thanks", does not join the base64 after it).
_LINE = re.compile(r"[A-Za-z0-9+/]{4,}={0,2}")
_FULL_LINE = 16
_WORD = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{32,}={0,2}(?![A-Za-z0-9+/=])")
# The shortest encoded text worth decoding (18 bytes of text), and how much of the decoded
# text must be printable for it to count as text.
_SHORTEST = 24
_PRINTABLE_SHARE = 0.95


def encoded_texts(text: str) -> Iterator[str]:
    """The readable text of each base64 run or word in ``text``, in order."""
    run: list[str] = []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        encoded = _LINE.fullmatch(stripped) is not None
        if encoded:
            run.append(stripped)
            if len(stripped) >= _FULL_LINE:
                continue
        if run:
            yield from _readable("".join(run))
            run = []
        if not encoded:
            for word in _WORD.finditer(line):
                yield from _readable(word.group())


def _readable(encoded: str) -> Iterator[str]:
    if len(encoded) < _SHORTEST:
        return
    padded = encoded.rstrip("=") + "=" * (-len(encoded.rstrip("=")) % 4)
    try:
        decoded = base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return
    printable = sum(c.isprintable() or c in "\r\n\t" for c in decoded)
    if decoded.strip() and printable >= _PRINTABLE_SHARE * len(decoded):
        yield decoded
