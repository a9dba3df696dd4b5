"""``confide digest [--dry-run]``: email the managers what waits for them and for how long
(run daily: README, "Telling the managers"); ``--dry-run`` prints it and sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser

from gateway.config import load_settings
from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.review.digest import digest, send_digest


class Command(ConfideCommand):
    help = "Email the managers a digest of the held items that wait (run it daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="print the digest; send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        now = datetime.now(UTC)
        base_url = load_settings().review.base_url
        if options["dry_run"]:
            shown = digest(now, base_url)
            if shown is None:
                self.stdout.write("Nothing waits for a manager: no digest would be sent.")
            else:
                self.stdout.write(f"Subject: {shown.subject}\n\n{shown.text}")
            return
        sent, managers = send_digest(now, base_url)
        if sent is None:
            self.stdout.write("Nothing waits for a manager: no digest sent.")
        elif not managers:
            raise CommandError(
                "no active manager has an email address: give one with "
                "`confide webuser NAME --role manager --email ADDRESS --keep-password`"
            )
        else:
            told = "1 manager" if len(managers) == 1 else f"{len(managers)} managers"
            self.stdout.write(f"digest queued for {told}: {sent.subject}")
