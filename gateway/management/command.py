"""The base of confide's own commands."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class ConfideCommand(BaseCommand):
    """A management command that skips Django's system checks.

    The checks open the database (a JSONField asks for its features) before
    ``ensure_schema()`` has made the data directory, so ``confide scan`` on a fresh machine
    would fail. tests/gateway/test_system_checks.py runs them instead.
    """

    requires_system_checks = ()
