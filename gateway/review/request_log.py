"""A refused or failed request is logged as one line: its status, the page it asked for and
the user's id. The page is the route it matched (``/held/<uuid:message_id>/``), never the path
as typed: a mistyped or probing path can hold a name or an NHS number, which the scrubbing
filter would catch only in part. A 4xx carries no traceback (Django gives a 403 one for every
forged or wandering request); a 5xx keeps its traceback, scrubbed like every log line."""

from __future__ import annotations

import logging
from http import HTTPStatus

NO_PAGE = "(no such page)"


class OneLineRequests(logging.Filter):
    """For the ``django.request`` and ``django.security`` loggers (settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        if not isinstance(status, int) or request is None:
            return True
        user = getattr(request, "user", None)
        record.msg = "%s path=%s user=%s"
        record.args = (_phrase(status), _page(request), getattr(user, "pk", None) or "-")
        if status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return str(status)


def _page(request: object) -> str:
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    return f"/{route}" if route else NO_PAGE
