"""``confide createsuperuser``: Django's own, for the admin who manages users and groups in
the admin pages (``/admin/``); ``confide webuser NAME --role manager --keep-password`` then
lets them review held mail too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management.commands import createsuperuser

from gateway.database import ensure_schema


class Command(createsuperuser.Command):
    requires_system_checks = ()

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        super().handle(*args, **options)
