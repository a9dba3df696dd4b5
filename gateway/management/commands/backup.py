"""``confide backup DIR``: a consistent snapshot of the database and its manifest in a new
folder, while confide runs (``gateway.backups``); never the key file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from gateway.backups import BackupError, backup
from gateway.management.command import ConfideCommand


class Command(ConfideCommand):
    help = (
        "Write a snapshot of the database (SQLite's backup API, or pg_dump) and a manifest "
        "into DIR, a new or empty folder. The key file is never included: back it up apart."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = backup(options["dir"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"backed up the {made.engine} database to {options['dir'] / made.snapshot} "
            f"(confide {made.confide_version}, {len(made.migrations)} migrations, "
            f"sha256 {made.sha256[:12]}...); the key file is not in it: keep a copy apart"
        )
