"""``confide restore DIR [--force]``: put a backup made by ``confide backup`` back in place
of the database, and its held documents' sealed files into the quarantine, with confide
stopped, then migrate the database (``gateway.backups``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from gateway.backups import BackupError, listed, restore
from gateway.management.command import ConfideCommand


class Command(ConfideCommand):
    help = (
        "Restore the database from a folder made by `confide backup`, and the held documents' "
        "sealed files into the quarantine, then bring the schema up to date. Stop confide "
        "first. The key file is restored apart, by hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, metavar="DIR", help="a folder `confide backup` made")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data (everything in it is lost), and "
            "move the quarantine's files aside",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = restore(options["dir"], force=options["force"])
        except BackupError as exc:
            self.stderr.write(f"confide restore: {exc}")
            raise SystemExit(2) from None
        made = done.manifest
        held = len(made.held_documents)
        self.stdout.write(
            f"restored the {made.engine} database from the backup of {made.made_at} "
            f"(confide {made.confide_version}) and {held} held document{'s' if held != 1 else ''} "
            f"into {done.quarantine}; its messages and documents open only with the key file "
            "that was in use then"
        )
        if done.moved_aside is not None:
            self.stdout.write(
                f"the quarantine's earlier files are in {done.moved_aside}: remove them once "
                "you are sure they are not needed"
            )
        if done.missing_held:
            self.stderr.write(
                f"confide restore: held documents {listed(done.missing_held)} have no sealed file "
                "in this backup: they cannot be read or released (an older backup, or one "
                "taken while they were moved, may have them)"
            )
            raise SystemExit(2)
