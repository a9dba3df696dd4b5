"""Confide's own header fields, set on the raw bytes so that nothing else changes.

The relay marks what it did with ``X-Confide-*`` fields. A sender could forge them, so every
incoming field with that prefix is removed before ours are added. The message is not parsed
and re-generated: the header lines are split here and every other byte is kept as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

OUR_PREFIX = b"x-confide-"
# RFC 5322 section 2.1.1: a line is at most 998 characters, not counting its CRLF.
MAX_LINE = 998
_FIELD_NAME = re.compile(r"[!-9;-~]+")  # printable ASCII but ":" (RFC 5322 section 3.6.8)
_FIELD_VALUE = re.compile(r"[ \t!-~]*")  # printable ASCII, space and tab: one line, no CR/LF
_LINE = re.compile(rb"[^\n]*\n|[^\n]+")


def with_headers(raw: bytes, headers: Sequence[tuple[str, str]]) -> bytes:
    """``raw`` without its ``X-Confide-*`` fields (any case, with their continuation lines),
    with ``headers`` added at the top; every other byte is as it was.

    Lines end as the message's first line does (CRLF or LF). Raises ``ValueError`` when a
    name or value given is not one line of printable ASCII.
    """
    lines = _LINE.findall(raw)
    first = lines[0] if lines else b""
    linesep = b"\n" if first.endswith(b"\n") and not first.endswith(b"\r\n") else b"\r\n"
    added = [_field(name, value, linesep) for name, value in headers]
    kept: list[bytes] = []
    dropping = False
    for index, line in enumerate(lines):
        if line in (b"\n", b"\r\n"):  # the blank line: the body follows untouched
            kept += lines[index:]
            break
        if line[:1] in (b" ", b"\t"):  # a continuation of the field before
            if not dropping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower()
        dropping = b":" in line and name.startswith(OUR_PREFIX)
        if not dropping:
            kept.append(line)
    return b"".join(added + kept)


def _field(name: str, value: str, linesep: bytes) -> bytes:
    if not _FIELD_NAME.fullmatch(name):
        raise ValueError(f"header name {name!r} is not printable ASCII without ':'")
    if not _FIELD_VALUE.fullmatch(value):
        raise ValueError(f"the value of {name} must be one line of printable ASCII")
    line = f"{name}: {value}".encode("ascii")
    if len(line) > MAX_LINE:
        raise ValueError(f"the {name} field is longer than {MAX_LINE} characters")
    return line + linesep
