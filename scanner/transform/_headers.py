"""Confide's own header fields, set on the raw bytes so that nothing else changes.

The relay marks what it did with ``X-Confide-*`` fields. A sender could forge them, so every
incoming field with that prefix is removed before ours are added. The message is not parsed
and re-generated: the header lines are split here and every other byte is kept as it was,
but for line endings.

A line ends at CRLF, at a bare CR or at a bare LF, as it does for the email package's parser
(which the scanner reads the message with) and for the relay's SMTP client (which sends every
one of them as CRLF). So "X-Note: hi<CR>X-Confide-Processed: yes" is two fields here too,
and the forged one is removed; and every line ending of the result is CRLF, so nothing
downstream can split the lines differently from how they were read here.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime

from scanner.actions import Action
from scanner.unscannable import kinds as unscannable_kinds

OUR_PREFIX = b"x-confide-"
# RFC 5322 section 2.1.1: a line is at most 998 characters, not counting its CRLF, and
# should be at most 78; longer fields we write are folded at spaces to keep to 78.
MAX_LINE = 998
FOLD_AT = 78
CRLF = b"\r\n"
NO_RULES = "-"  # the X-Confide-Rules value of a copy for which no rule fired
# Every line ending the email package and the relay's SMTP client recognise.
LINE_END = re.compile(rb"\r\n|\r|\n")
_FIELD_NAME = re.compile(r"[!-9;-~]+")  # printable ASCII but ":" (RFC 5322 section 3.6.8)
_FIELD_VALUE = re.compile(r"[ \t!-~]*")  # printable ASCII, space and tab: one line, no CR/LF


def with_headers(raw: bytes, headers: Sequence[tuple[str, str]]) -> bytes:
    """``raw`` without its ``X-Confide-*`` fields (any case, with their continuation lines)
    and without continuation lines that continue no field, with ``headers`` added at the top
    and every line ending (CR, LF or CRLF) made CRLF; every other byte is as it was.

    Raises ``ValueError`` when a name or value given is not one line of printable ASCII.
    """
    added = [_field(name, value) for name, value in headers]
    lines = LINE_END.split(raw)  # the last item is what follows the last line ending
    kept: list[bytes] = []
    # A continuation line before any field would continue the last of ours: it goes too (the
    # email package's parser ignores one there as a defect).
    dropping = True
    for index, line in enumerate(lines):
        if not line:  # the blank line (or the end): the body follows untouched
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
    return CRLF.join(added + kept)


def confide_headers(
    confide_id: str, action: Action, rules: Sequence[str], unscannable: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """confide's own fields for a copy: its id, what was done (``action``) and the rules that
    fired for the copy's recipients ("-" when none did); a copy with parts that could not be
    scanned (sent because the rules allow it, as to internal recipients) says what kind of
    problem it was, no more."""
    headers = [
        ("X-Confide-Processed", "yes"),
        ("X-Confide-Id", confide_id),
        ("X-Confide-Verdict", action),
        ("X-Confide-Rules", ", ".join(rules) or NO_RULES),
    ]
    if unscannable:
        headers.append(("X-Confide-Unscanned", ", ".join(unscannable_kinds(unscannable))))
    return headers


def received_field(
    *, client_address: str, hostname: str, confide_id: str, at: datetime
) -> tuple[str, str]:
    """The ``Received:`` trace field (RFC 5321 section 4.4) for a message confide took at
    ``at`` from ``client_address`` (an IP address, or "" when there was none) as
    ``hostname``, under the id ``confide_id``.

    The client's EHLO name is not kept, so the FROM clause gives its address literal only
    (as Exim does). No FOR clause: a copy can go to several recipients, some of them Bcc.
    """
    parts = []
    literal = _address_literal(client_address)
    if literal:
        parts.append(f"from {literal}")
    parts.append(f"by {hostname} (confide) with ESMTP id {confide_id}")
    return "Received", f"{' '.join(parts)}; {format_datetime(at)}"


def _address_literal(address: str) -> str:
    """``[192.0.2.1]`` or ``[IPv6:2001:db8::1]`` (RFC 5321 section 4.1.3); "" when
    ``address`` is not an IP address."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    return f"[{ip}]" if ip.version == 4 else f"[IPv6:{ip}]"


def _field(name: str, value: str) -> bytes:
    """``name: value`` with no line ending, folded at spaces where a line would be longer
    than ``FOLD_AT``."""
    if not _FIELD_NAME.fullmatch(name):
        raise ValueError(f"header name {name!r} is not printable ASCII without ':'")
    if not _FIELD_VALUE.fullmatch(value):
        raise ValueError(f"the value of {name} must be one line of printable ASCII")
    folded = _folded(f"{name}: {value}")
    if any(len(line) > MAX_LINE for line in folded):
        raise ValueError(f"the {name} field is longer than {MAX_LINE} characters")
    return CRLF.join(line.encode("ascii") for line in folded)


def _folded(line: str) -> list[str]:
    """``line`` as lines of at most ``FOLD_AT`` characters where it has spaces to break
    before; a line break before white space is removed again on reading (RFC 5322 2.2.3)."""
    lines: list[str] = []
    while len(line) > FOLD_AT:
        at = line.rfind(" ", 1, FOLD_AT + 1)  # the last space that fits
        if at <= 0 or not line[:at].strip():
            at = line.find(" ", FOLD_AT + 1)  # else the first one after
        if at <= 0 or not line[:at].strip():
            break
        lines.append(line[:at])
        line = line[at:]
    return [*lines, line]
