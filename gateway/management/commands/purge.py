"""``confide purge [--dry-run]``: remove the content of messages finished with longer ago than
``[retention] message_bodies`` (``gateway.review.retention``); run it daily (README,
"Retention")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from gateway.config import load_settings
from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.review import retention


class Command(ConfideCommand):
    help = (
        "Remove the content of messages whose recipients were all decided and whose copies "
        "were all delivered longer ago than [retention] message_bodies; the record stays."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say how many would be removed; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        keep = load_settings().retention.message_bodies
        purged = retention.purge(keep, dry_run=options["dry_run"])
        done = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(
            f"{done} the content of {purged.messages} message{_s(purged.messages)} "
            f"({purged.copies} cop{'y' if purged.copies == 1 else 'ies'} sent, "
            f"{purged.scan_records} scan record{_s(purged.scan_records)}) finished with more "
            f"than {keep.days} day{_s(keep.days)} ago"
        )


def _s(count: int) -> str:
    return "" if count == 1 else "s"
