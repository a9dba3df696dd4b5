"""``confide run``: the whole product in one process: the relay, the review web app served
beside it, and the alerts to managers of new holds (the shared-drive watcher joins them
when it is built)."""

from __future__ import annotations

import asyncio
from typing import Any

from django.core.management.base import CommandParser

from gateway.config import Settings
from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.management.commands.relay import add_relay_arguments, relay_settings, serve


class Command(ConfideCommand):
    help = "Run confide: the outbound relay and the review web app (settings in confide.toml)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_relay_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(run(relay_settings(options), create=options["init"]))


async def run(settings: Settings, *, create: bool) -> None:
    """The web app's port is taken once the database is there; it serves, and the alerts
    to managers of new holds start, once the relay's start-up checks have passed and it
    listens. Both stop after the relay."""
    from gateway.review.manager_alerts import keep_alerting
    from gateway.review.web_server import WebServer, sign_with_the_secret_key

    await asyncio.to_thread(ensure_schema, create=create)
    sign_with_the_secret_key(settings)
    web = WebServer(settings)
    alerts: list[asyncio.Task[None]] = []

    def start_serving() -> None:
        web.start()
        alerts.append(asyncio.create_task(keep_alerting(settings)))

    try:
        await serve(settings, create=create, announce=True, once_listening=start_serving)
    finally:
        for task in alerts:
            task.cancel()
        await asyncio.to_thread(web.stop)
