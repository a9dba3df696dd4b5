"""``confide createsuperuser``: Django's own, for the admin who manages users and groups in
the admin pages (``/admin/``); ``confide webuser NAME --role manager --keep-password`` then
lets them review held mail too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management.commands import createsuperuser

from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand


class Command(ConfideCommand, createsuperuser.Command):
    """Django's, said as confide's own commands say things (``confide: ...``)."""

    # Django's checks the migrations before ``handle``, opening a database that may not be
    # there yet (an unexpected error); ``ensure_schema`` says to run `confide init` instead,
    # and applies any migration a database lacks.
    requires_migrations_checks = False

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        super().handle(*args, **options)
