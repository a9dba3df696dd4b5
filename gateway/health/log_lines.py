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

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

# What looks like an identifier in a log line. A pure-regex backstop (the scanner's
# recognizers need the NER model and context, far too heavy for every log line): it removes
# more than it must (a run of eight or more digits, a date written without its dots) rather
# than less.
_IDENTIFIERS = re.compile(
    "|".join(
        (
            r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+",  # email address
            # NI number (two letters, six digits, A-D; any letters, as test numbers use QQ)
            r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
            r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b",  # UK postcode
            r"\b\d{2}-\d{2}-\d{2}\b",  # sort code
            # Eight or more digits, spaced or dashed: NHS numbers, phone numbers, card and
            # account numbers. Not inside a word, so a UUID's groups are kept.
            r"(?<![\w-])\+?\d(?:[ -]?\d){7,}(?![\w-])",
        )
    ),
    re.IGNORECASE,
)
REMOVED = "[removed]"

# A "name=%s" in a message's template: the name and the placeholder's position.
_PLACEHOLDER = re.compile(r"(?:(\w+)=)?%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")


def scrubbed(text: str) -> str:
    """``text`` with everything that looks like an identifier replaced by ``[removed]``."""
    return _IDENTIFIERS.sub(REMOVED, text)


class ScrubIdentifiers(logging.Filter):
    """Gives its handler a scrubbed copy of each record: the message (with its arguments
    filled in) and any traceback scrubbed, and its ``name=%s`` values, scrubbed, kept as
    ``fields``. The record itself is left as it is for other handlers (Python 3.12's filters
    may return the record to use)."""

    def filter(self, record: logging.LogRecord) -> logging.LogRecord:
        clean = logging.makeLogRecord(record.__dict__)
        fields: dict[str, str] = {}
        if isinstance(record.msg, str) and isinstance(record.args, tuple):
            placeholders = [m for m in _PLACEHOLDER.finditer(record.msg) if m[0] != "%%"]
            for match, value in zip(placeholders, record.args, strict=False):
                if match[1]:
                    fields[match[1]] = scrubbed(str(value))
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: log the template alone
            message = f"(arguments did not fit) {record.msg}"
        clean.msg = scrubbed(message)
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
