"""The base of confide's own commands."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class ConfideCommand(BaseCommand):
    """A management command that skips Django's system checks, and says a ``CommandError``
    as ``confide: what is wrong`` (Django's own would say ``CommandError: ...``).

    The checks open the database (a JSONField asks for its features) before
    ``ensure_schema()`` has made the data directory, so ``confide scan`` on a fresh machine
    would fail. tests/gateway/test_system_checks.py runs them instead.
    """

    requires_system_checks = ()

    def execute(self, *args: Any, **options: Any) -> Any:
        """Run the command; from the command line, a ``CommandError`` is one line on
        standard error and its exit status (``call_command`` still raises it)."""
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(f"confide: {exc}")
            sys.exit(exc.returncode)
