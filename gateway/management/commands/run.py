"""``confide run``: the whole product in one process: the relay, the review web app served
beside it, the alerts to managers of new holds, and the shared-drive watcher for the folders
of ``[[watch.folders]]`` (none configured: no watcher). The watcher and the review app's
redacted releases scan with the relay's scanning workers (``gateway.relay.lent_workers``):
one set of model workers for the node."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandParser

from gateway.config import Settings
from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.management.commands.relay import add_relay_arguments, relay_settings, serve

if TYPE_CHECKING:
    from gateway.relay.worker import ScanPool


class Command(ConfideCommand):
    help = (
        "Run confide: the outbound relay, the review web app and the shared-drive watcher "
        "(settings in confide.toml)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_relay_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(run(relay_settings(options), create=options["init"]))


async def run(settings: Settings, *, create: bool) -> None:
    """The web app's port is taken once the database is there; it serves, the alerts to
    managers of new holds and the watcher start, once the relay's start-up checks have passed
    and it listens. All stop after the relay."""
    from gateway.relay.lent_workers import LentWorkers
    from gateway.review.decisions import redact_with
    from gateway.review.manager_alerts import keep_alerting
    from gateway.review.web_server import WebServer, sign_with_the_secret_key
    from gateway.watcher.service import BackgroundWatch

    await asyncio.to_thread(ensure_schema, create=create)
    sign_with_the_secret_key(settings)
    watch = None
    if settings.watch.folders:
        watch = await asyncio.to_thread(BackgroundWatch, settings)
    web = WebServer(settings)
    alerts: list[asyncio.Task[None]] = []

    def start_serving(workers: ScanPool) -> None:
        # A release waits for its scans; the watcher's sweep gives way to mail at each item.
        redact_with(LentWorkers(workers, settings.limits, 1, stop_unwinds=False))
        web.start()
        alerts.append(asyncio.create_task(keep_alerting(settings)))
        if watch is not None:
            watch.start(LentWorkers(workers, settings.limits, workers.workers, stop_unwinds=True))

    try:
        await serve(settings, create=create, announce=True, once_listening=start_serving)
    finally:
        for task in alerts:
            task.cancel()
        if watch is not None:
            await asyncio.to_thread(watch.stop)
        await asyncio.to_thread(web.stop)
