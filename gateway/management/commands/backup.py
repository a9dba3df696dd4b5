"""``confide backup DIR``: a consistent snapshot of the database, the sealed files of the
documents the watcher holds, and a manifest, in a new folder, while confide runs
(``gateway.backups``); never the key file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from gateway.backups import BackupError, backup, listed
from gateway.management.command import ConfideCommand


class Command(ConfideCommand):
    help = (
        "Write a snapshot of the database (SQLite's backup API, or pg_dump), the sealed files "
        "of held documents and a manifest into DIR, a new or empty folder open to no one "
        "else. The key file is never included: back it up apart."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = backup(options["dir"])
        except BackupError as exc:
            self.stderr.write(f"confide backup: {exc}")
            raise SystemExit(2) from None
        held = len(made.held_documents)
        self.stdout.write(
            f"backed up the {made.engine} database to {options['dir'] / made.snapshot} "
            f"(confide {made.confide_version}, {len(made.migrations)} migrations, "
            f"{held} held document{'s' if held != 1 else ''}, sha256 {made.sha256[:12]}...); "
            "the key file is not in it: keep a copy apart"
        )
        if made.missing_held:
            self.stderr.write(
                f"confide backup: held documents {listed(made.missing_held)} have no sealed file "
                "in the quarantine (released or removed while the backup ran?): this backup "
                "cannot give them back; take another one, and if they are missing again, "
                "see README, 'Backups and keys'"
            )
            raise SystemExit(2)
