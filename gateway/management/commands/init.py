"""``confide init``: create the database (or bring its schema up to date) and say where it is."""

from __future__ import annotations

from typing import Any

from gateway.database import database_description, ensure_schema
from gateway.management.command import ConfideCommand


class Command(ConfideCommand):
    help = (
        "Create confide's database where the configuration says (data_dir, or DATABASE_URL), "
        "private to this user; an existing one is kept and its schema brought up to date."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema(create=True)
        self.stdout.write(f"database: {database_description()}")
