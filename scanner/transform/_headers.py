"""Confide's own header fields, set on the raw bytes so that nothing else changes.

The relay marks what it did with ``X-Confide-*`` fields. A sender could forge them, so every
incoming field with that prefix is removed before ours are added. Every copy confide sends
passes through here, so the fields no copy may carry go here too: Bcc (an MTA never passes it
on; it names the blind recipients, and its display names were never meant to be read by the
others) and the delivery fields that name recipients, and the ids (Message-ID, In-Reply-To,
References), which no scan reads, when they hold numbers (``scanner.made_ids``). A copy that
goes to anyone outside the organisation keeps only the fields ``_kept_fields.kept_outside``
allows, each in a form checked here, and of confide's own fields only those that say it was
processed, its id and what was done: never the names of the organisation's rules that fired,
nor why a part was not scanned. The message is not parsed and re-generated: the header lines
are split here and every other byte is kept as it was, but for line endings.

A line ends at CRLF, at a bare CR or at a bare LF, as it does for the email package's parser
(which the scanner reads the message with) and for the relay's SMTP client (which sends every
one of them as CRLF). So "X-Note: hi<CR>X-Confide-Processed: yes" is two fields here too,
and the forged one is removed; and every line ending of the result is CRLF, so nothing
downstream can split the lines differently from how they were read here.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.utils import format_datetime

from scanner.actions import Action
from scanner.made_ids import holds_written_number, new_message_id
from scanner.transform._kept_fields import kept_outside
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
# Fields no copy confide sends may carry, to whomever it goes: the blind recipients (an MTA
# never passes Bcc on) and the fields where a mail server wrote whom a message was delivered
# to, which name the blind recipients too.
_NEVER_SENT = frozenset(
    {b"bcc", b"resent-bcc", b"delivered-to", b"x-original-to", b"envelope-to", b"x-envelope-to"}
)
# Ids, which no scan reads: they go when they hold numbers (``_ids_hold_numbers``).
_IDS = frozenset({b"message-id", b"in-reply-to", b"references", b"resent-message-id"})
# In a copy to an outside recipient: fields that go when they hold a number, as ids do (an
# address's local part, which the scan does not read: "<joseph-9434765919@host>").
_GO_WITH_A_NUMBER = frozenset({b"reply-to", b"sender", b"content-id"})
# A date as mail programs write it (RFC 5322 section 3.3), with at most a time zone's
# abbreviation as a comment ("(UTC)"): anything more in a Date field, which no scan reads, goes.
_DATE = re.compile(
    r"\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{4}\s+\d\d:\d\d(?::\d\d)?\s+"
    r"(?:[+-]\d{4}|UT|GMT|[ECMP][SD]T)(?:\s*\([A-Z]{1,5}\))?\s*"
)
_MIME_VERSION = re.compile(r"\s*1\.0(?:\s.*)?", re.DOTALL)  # Apple Mail adds its version
_MIME_VERSION_FIELD = b"MIME-Version: 1.0"


def with_headers(
    raw: bytes, headers: Sequence[tuple[str, str]], *, internal: bool = False
) -> bytes:
    """``raw`` as confide sends it: without its ``X-Confide-*`` fields (any case, with their
    continuation lines), without the fields no copy may carry (``_NEVER_SENT``), without its
    ids when they hold numbers (``_ids_hold_numbers``: a new Message-ID instead), without
    continuation lines that continue no field, with ``headers`` added at the top and every
    line ending (CR, LF or CRLF) made CRLF; every other byte is as it was. Unless the copy
    is ``internal`` (every recipient the organisation's own), only the fields an outside
    recipient's copy may carry are kept (``_outside``).

    Raises ``ValueError`` when a name or value given is not one line of printable ASCII.
    """
    added = [_field(name, value) for name, value in headers]
    fields, rest = _split_fields(LINE_END.split(raw))
    if not internal:
        fields = _outside(fields)
    dropped = _NEVER_SENT
    if _ids_hold_numbers(lines for name, lines in fields if name in _IDS):
        dropped |= _IDS
        added.append(_field("Message-ID", new_message_id()))
    kept = [
        line
        for name, lines in fields
        if not (name.startswith(OUR_PREFIX) or name in dropped)
        for line in lines
    ]
    return CRLF.join(added + kept + rest)


def _split_fields(lines: list[bytes]) -> tuple[list[tuple[bytes, list[bytes]]], list[bytes]]:
    """The header block's fields, each as its lower-case name (a line that is no field has
    none) and lines, and the rest (from the blank line on). A continuation line before any
    field continues nothing: it goes (the email package's parser ignores one there as a
    defect; kept, it would continue the last of ours)."""
    fields: list[tuple[bytes, list[bytes]]] = []
    for index, line in enumerate(lines):  # the last item follows the last line ending
        if not line:  # the blank line (or the end): the body follows untouched
            return fields, lines[index:]
        if line[:1] in (b" ", b"\t"):  # a continuation of the field before
            if fields:
                fields[-1][1].append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower() if b":" in line else b""
        fields.append((name, [line]))
    return fields, []


def _ids_hold_numbers(values: Iterable[list[bytes]]) -> bool:
    """Whether any id in these Message-ID, In-Reply-To or References fields holds a number
    someone could have written (``scanner.made_ids.holds_written_number``): mail programs
    make ids from anything, so such ids leave no copy ("<nhs-4534805012-hughes@x>")."""
    return any(holds_written_number(_value(lines)) for lines in values)


def _value(lines: list[bytes]) -> str:
    """A field's value, unfolded, as text (a byte that is not ASCII is no digit)."""
    return b" ".join(lines).split(b":", 1)[-1].decode("ascii", "replace")


def _outside(fields: list[tuple[bytes, list[bytes]]]) -> list[tuple[bytes, list[bytes]]]:
    """The fields a copy to an outside recipient may carry (``_kept_fields``): those
    ``kept_outside`` allows, under a name written as RFC 5322 has it (a line that is no
    field, or a name with white space in it, goes), a Date in a date's form, MIME-Version as
    "1.0", Reply-To, Sender and Content-ID holding no number. The ids are left to
    ``_ids_hold_numbers``; confide's own fields are removed later."""
    kept = []
    for name, lines in fields:
        written = lines[0].split(b":", 1)[0]
        if not name.startswith(OUR_PREFIX):
            if b":" not in lines[0] or not _FIELD_NAME.fullmatch(written.decode("latin-1")):
                continue
            if not kept_outside(name.decode("ascii", "replace")):
                continue
        value = _value(lines)
        if name == b"date" and not _DATE.fullmatch(value):
            continue
        if name == b"mime-version":
            if _MIME_VERSION.fullmatch(value):
                kept.append((name, [_MIME_VERSION_FIELD]))
            continue
        if name in _GO_WITH_A_NUMBER and holds_written_number(value):
            continue
        kept.append((name, lines))
    return kept


def confide_headers(
    confide_id: str,
    action: Action,
    rules: Sequence[str],
    unscannable: Sequence[str] = (),
    *,
    internal: bool = False,
) -> list[tuple[str, str]]:
    """confide's own fields for a copy: that it was processed (the loop guard), its id and
    what was done (``action``, which the copy shows anyway: the banner, the placeholders).
    A copy that is ``internal`` (every recipient the organisation's own) also names the
    rules that fired for its recipients ("-" when none did) and, when parts could not be
    scanned (sent because the rules allow it, as to internal recipients), what kind of
    problem it was, no more; a copy to anyone else names neither: the organisation's rules
    and how it judged are its own."""
    headers = [
        ("X-Confide-Processed", "yes"),
        ("X-Confide-Id", confide_id),
        ("X-Confide-Verdict", action),
    ]
    if not internal:
        return headers
    headers.append(("X-Confide-Rules", ", ".join(rules) or NO_RULES))
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
