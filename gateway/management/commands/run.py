"""``confide run``: the whole product in one process (the relay, for now; the watcher and the
review app join it as they are built)."""

from __future__ import annotations

import asyncio
from typing import Any

from django.core.management.base import CommandParser

from gateway.management.command import ConfideCommand
from gateway.management.commands.relay import add_relay_arguments, relay_settings, serve


class Command(ConfideCommand):
    help = "Run confide: the outbound relay (settings in confide.toml)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_relay_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(serve(relay_settings(options), create=options["init"], announce=True))
