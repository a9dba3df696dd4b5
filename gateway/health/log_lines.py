"""Log lines for people (text) or for a collector (JSON, one object a line), both passed
through ``ScrubIdentifiers`` first.

Log calls carry ids and types, never personal data (``"held id=%s rules=%s"``); the scrubbing
filter is the backstop for one that slips, replacing anything that looks like an identifier.
The JSON formatter is the standard library's logging with a formatter of a few lines rather
than structlog or python-json-logger: confide's log calls are plain ``logging`` ones, and a
new dependency would add nothing they need. Its fields are the time, level, logger and
message, and each ``name=%s`` of the message's template (``id``, ``action``, ...) as a field.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

# What looks like an identifier in a log line, by class rather than by example: a pure-regex
# backstop (the scanner's recognizers need the NER model and context, far too heavy for every
# log line). It removes more than it must (a long number, a date) rather than less; names and
# street addresses are beyond it, which is why log calls carry ids only.
_SEPARATOR = r"[ ./-]"  # how people write identifiers: 943 476 5919, 943.476.5919, 943/476/5919
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_IDENTIFIERS = re.compile(
    "|".join(
        (
            # Kept (group "keep"): what the logs need and the classes below would eat.
            r"(?P<keep>"
            r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"  # UUID
            r"|(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"  # IPv4 address
            r"|\b\d{4}-\d{2}-\d{2}T"  # a timestamp's date (a birth date has no time)
            r"|(?<!\d)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\b"  # time of day
            r")",
            # Anything with an @ (or "(at)"): an email address however quoted or bracketed.
            r'(?:"[^"\r\n]{0,254}"|(?<![^\s"<>()\[\],;:@])[^\s"<>()\[\],;:@]*)@(?:\[[^\]\s]{0,254}\]|[^\s"<>()\[\],;:@]*)',
            r"(?<![\w.+%'-])[\w.+%'-]+ ?[(\[]at[)\]] ?[\w-]+(?:\.[\w-]+)+",
            # IBAN in groups of four (the run of digits below catches it unspaced).
            r"(?-i:\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b)",
            # NI number: two letters, six digits, a letter A-D (test numbers use QQ, so any two
            # letters); one separator throughout, or spaces. Without its letter, the digits
            # alone go as a number below.
            rf"\b[A-Z]{{2}}(?:(?P<sep>{_SEPARATOR})\d{{2}}(?:(?P=sep)\d{{2}}){{2}}(?P=sep)[A-D]"
            r"|\s?\d{2}(?:\s?\d{2}){2}\s?[A-D])\b",
            rf"\b[A-Z]{{1,2}}\d[A-Z\d]?{_SEPARATOR}*\d[A-Z]{{2}}\b",  # UK postcode
            # Dates: 14/03/1987, 14.3.87, 1987-03-14, 14 March 1987.
            r"\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b",
            r"\b\d{4}[./-]\d{1,2}[./-]\d{1,2}\b",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS},? \d{{4}}\b",
            # A word holding six or more digits in a row (QQ123456C, an IBAN, an account).
            r"\b\w*\d{6,}\w*",
            # Digits written with separators or brackets: kept below six digits (a count, a
            # version), removed from six (sort codes, NHS, phone, card and account numbers).
            rf"(?P<number>(?<!\w)\+?\(?\d(?:\)?{_SEPARATOR}?\(?\d)*\)?)",
        )
    ),
    re.IGNORECASE,
)
# Each class starts only where a word or run can start, so a long line costs time in
# proportion to its length (a traceback may quote a long base64 line).
REMOVED = "[removed]"
# Fewest digits in a number that is removed (a sort code has six).
_FEWEST_DIGITS = 6

# A "name=%s" in a message's template: the name and the placeholder's position.
_PLACEHOLDER = re.compile(r"(?:(\w+)=)?%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
# Marks where a number or id argument goes while the rest of a message is scrubbed (private
# use).
_NUMBER = "\ue000{}\ue001"


def _removed(match: re.Match[str]) -> str:
    text = match[0]
    if match["keep"] is not None:
        return text
    if match["number"] is not None and sum(c.isdigit() for c in text) < _FEWEST_DIGITS:
        return text
    return REMOVED


def scrubbed(text: str) -> str:
    """``text`` with everything that looks like an identifier replaced by ``[removed]``.

    A short text found to hold nothing to remove is remembered (``_CLEAN``), so that the
    same text is not read again: a relay logs the same few field values ("sent", rule
    names) and, its ids and numbers set aside (``_scrubbed_message``), the same messages
    for every message it handles, and reading each cost more CPU than the rest of logging
    it. Only texts left whole are remembered, so nothing the scrubbing would have removed
    is kept."""
    if text in _CLEAN:
        return text
    clean = _IDENTIFIERS.sub(_removed, text)
    if clean == text and len(text) <= _CLEAN_LONGEST:
        if len(_CLEAN) >= _CLEAN_MOST:
            _CLEAN.clear()  # simpler than an LRU, and safe from any thread
        _CLEAN[text] = None
    return clean


# Texts that scrubbing left whole, remembered (at most ``_CLEAN_MOST``, each at most
# ``_CLEAN_LONGEST`` characters: about 0.2 MB).
_CLEAN: dict[str, None] = {}
_CLEAN_MOST = 1024
_CLEAN_LONGEST = 200


def _is_own(value: object) -> bool:
    """A number or an id confide made (``uuid.UUID``): the code's own, set aside while a
    message is scrubbed. A UUID's text is one the scrubbing keeps whole anyway."""
    return isinstance(value, int | float | uuid.UUID)


def _scrubbed_message(record: logging.LogRecord, placeholders: list[re.Match[str]]) -> str:
    """The record's message, scrubbed, with the numbers and ids among its arguments (counts,
    sizes, ports, durations, message ids: the code's own, never text it was handed) left as
    they are (``_is_own``).
    ``placeholders``: its template's (``_placeholders``)."""
    if not (isinstance(record.msg, str) and isinstance(record.args, tuple)):
        return scrubbed(record.getMessage())
    if len(placeholders) != len(record.args) or not any(map(_is_own, record.args)):
        return scrubbed(record.getMessage())
    template, last = "", 0
    numbers: list[str] = []
    others: list[object] = []
    for match, value in zip(placeholders, record.args, strict=True):
        start = match.start() + (len(match[1]) + 1 if match[1] else 0)
        template += record.msg[last:start]
        if _is_own(value):
            template += _NUMBER.format(len(numbers))
            numbers.append(record.msg[start : match.end()] % value)
        else:
            template += record.msg[start : match.end()]
            others.append(value)
        last = match.end()
    text = scrubbed((template + record.msg[last:]) % tuple(others))
    for index, number in enumerate(numbers):
        text = text.replace(_NUMBER.format(index), number)
    return text


@functools.lru_cache(maxsize=1024)
def _placeholders(template: str) -> list[re.Match[str]]:
    """The placeholders of a message's template, read once: a relay logs the same few
    templates for every message. Only for a message given with arguments, whose template is
    the code's own text (a message made whole, say by an f-string, may hold anything)."""
    return [m for m in _PLACEHOLDER.finditer(template) if m[0] != "%%"]


class ScrubIdentifiers(logging.Filter):
    """Gives its handler a scrubbed copy of each record: the message (with its arguments
    filled in) and any traceback scrubbed, and its ``name=%s`` values, scrubbed, kept as
    ``fields``. The record itself is left as it is for other handlers (Python 3.12's filters
    may return the record to use)."""

    def filter(self, record: logging.LogRecord) -> logging.LogRecord:
        # A copy as logging.makeLogRecord makes one, without a LogRecord's __init__ (which
        # reads the time, thread and process again, only for them to be overwritten).
        clean = logging.LogRecord.__new__(logging.LogRecord)
        clean.__dict__.update(record.__dict__)
        fields: dict[str, str] = {}
        placeholders: list[re.Match[str]] = []
        if isinstance(record.msg, str) and isinstance(record.args, tuple) and record.args:
            placeholders = _placeholders(record.msg)  # a template: the code's own text
            for match, value in zip(placeholders, record.args, strict=False):
                if match[1]:
                    fields[match[1]] = str(value) if _is_own(value) else scrubbed(str(value))
        try:
            message = _scrubbed_message(record, placeholders)
        except (TypeError, ValueError):  # arguments that do not fit: log the template alone
            message = scrubbed(f"(arguments did not fit) {record.msg}")
        clean.msg = message
        clean.args = None
        clean.exc_text = None
        if record.exc_info:
            clean.exc_text = scrubbed(logging.Formatter().formatException(record.exc_info))
            clean.exc_info = None
        if record.stack_info:
            clean.stack_info = scrubbed(record.stack_info)
        clean.fields = fields
        return clean


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the message's fields, and the
    traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)
