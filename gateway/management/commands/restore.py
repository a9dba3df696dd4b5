"""``confide restore DIR [--force]``: put a backup made by ``confide backup`` back in place
of the database, with confide stopped, then migrate it (``gateway.backups``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from gateway.backups import BackupError, restore
from gateway.management.command import ConfideCommand


class Command(ConfideCommand):
    help = (
        "Restore the database from a folder made by `confide backup`, then bring its schema "
        "up to date. Stop confide first. The key file is restored apart, by hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, metavar="DIR", help="a folder `confide backup` made")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data (everything in it is lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = restore(options["dir"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored the {made.engine} database from the backup of {made.made_at} "
            f"(confide {made.confide_version}); its messages open only with the key file "
            "that was in use then"
        )
