"""aiosmtpd's own log lines (loggers ``mail.log`` and ``mail.debug``) without anything a
client sent.

aiosmtpd logs client text in many places: an unrecognised command at WARNING (which is how a
message body pipelined after a refused RCPT reaches the log, line by line), each command line
and the EHLO name, MAIL and RCPT addresses at INFO, AUTH exchanges and DATA lines at DEBUG, and
exceptions whose text may quote what the client sent. Raising the loggers' level would drop
the warnings operators want ("unrecognised", "too many bogus commands") and would not hold if
someone turned the level down to debug. So every record of these loggers keeps its template
and the client's address (the peer, a ``(host, port)`` tuple), and loses everything else:
each other argument becomes ``[withheld]``; a message made without arguments (an f-string)
keeps its text up to its first colon; a traceback becomes its exception's type.
"""

from __future__ import annotations

import logging

WITHHELD = "[withheld]"


class _Withheld:
    """Stands in for a value in a record's arguments, whatever its placeholder (%s or %r)."""

    def __repr__(self) -> str:
        return WITHHELD

    __str__ = __repr__


def _is_peer(value: object) -> bool:
    """True for a connection's address as aiosmtpd keeps it: ``(host, port, ...)``."""
    return (
        isinstance(value, tuple)
        and len(value) >= 2
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and all(isinstance(part, int) for part in value[1:])
    )


class WithoutClientText(logging.Filter):
    """For the ``mail.log`` and ``mail.debug`` loggers (settings.LOGGING): a copy of each
    record with only its template, the peer's address and an exception's type."""

    def filter(self, record: logging.LogRecord) -> logging.LogRecord:
        clean = logging.makeLogRecord(record.__dict__)
        template = str(record.msg)
        if isinstance(record.args, tuple) and record.args:
            clean.args = tuple(arg if _is_peer(arg) else _Withheld() for arg in record.args)
        elif record.args:  # a mapping for %(name)s: keep none of it
            clean.msg, clean.args = template.split("%", 1)[0] + WITHHELD, None
        else:
            head, colon, rest = template.partition(":")
            clean.msg = f"{head}: {WITHHELD}" if colon and rest.strip() else template
        if record.exc_info and record.exc_info[0] is not None:
            clean.msg = f"{clean.msg} ({record.exc_info[0].__name__})"
        clean.exc_info = None
        clean.exc_text = None
        clean.stack_info = None
        return clean
