"""A refused request (403) is logged as one line with its path and the user's id, instead of
Django's warning with a full traceback for every forged or wandering request."""

from __future__ import annotations

import logging


class OneLineForbidden(logging.Filter):
    """For the ``django.request`` and ``django.security`` loggers (settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            record.msg = "forbidden path=%s user=%s"
            record.args = (
                getattr(request, "path", "-"),
                getattr(user, "pk", None) or "-",
            )
            record.exc_info = None
            record.exc_text = None
        return True
