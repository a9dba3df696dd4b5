"""A request Django refuses as suspicious (400: a Host not in ``review.hosts``, a bad
redirect, too many fields) is logged as one line naming its kind, at most once a minute per
kind with a count of the others, instead of an ERROR with a traceback for every request.

Django's line quotes what the client sent (``Invalid HTTP_HOST header: 'evil.example'``) and
anyone who can reach the port can send thousands a second, so neither the text nor each
request reaches the log: the kind says what to look at (``review.hosts`` for
``DisallowedHost``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

# The loggers Django names after each SuspiciousOperation (django.security.DisallowedHost).
SUSPICIOUS = "django.security."
# At most one line per kind in this many seconds.
EVERY_SECONDS = 60.0


class OncePerKind(logging.Filter):
    """For the log handler (settings.LOGGING): each ``django.security.*`` 400 becomes
    ``refused suspicious requests kind=K count=N``, one line per kind per minute."""

    def __init__(
        self,
        name: str = "",
        every_seconds: float = EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(name)
        self._every = every_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}  # kind -> when its last line was written
        self._unlogged: dict[str, int] = {}  # kind -> refusals since then, not logged

    def filter(self, record: logging.LogRecord) -> bool | logging.LogRecord:
        if not record.name.startswith(SUSPICIOUS) or getattr(record, "status_code", 0) != 400:
            return True
        kind = record.name.removeprefix(SUSPICIOUS)
        now = self._clock()
        with self._lock:
            count = self._unlogged.get(kind, 0) + 1
            last = self._last.get(kind)
            if last is not None and now - last < self._every:
                self._unlogged[kind] = count
                return False
            self._last[kind] = now
            self._unlogged[kind] = 0
        line = logging.makeLogRecord(record.__dict__)
        line.levelno, line.levelname = logging.WARNING, "WARNING"
        line.msg = "refused suspicious requests kind=%s count=%d"
        line.args = (kind, count)
        line.exc_info = None
        line.exc_text = None
        line.stack_info = None
        return line
