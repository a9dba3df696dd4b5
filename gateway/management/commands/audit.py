"""``confide audit verify``: check the audit trail's hash chain, and name the first entry
that was changed or removed (exit status 1 then)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.review import audit


class Command(ConfideCommand):
    help = "Check the audit trail: `confide audit verify`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        checked, broken = audit.verify()
        if broken is None:
            self.stdout.write(f"audit trail intact: {checked} entries checked")
            return
        self.stderr.write(
            f"audit trail broken at entry {broken.entry_id}: {broken.problem} "
            f"({checked} entries before it are intact)"
        )
        raise SystemExit(1)
