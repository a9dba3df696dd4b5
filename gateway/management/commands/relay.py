"""``confide relay [--listen HOST:PORT] [--upstream HOST:PORT]``: run the outbound relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError, CommandParser

from gateway.config import ConfigError, Settings, StartupError, host_and_port, load_settings
from gateway.database import database_description, ensure_schema, only_node_named, running
from gateway.management.command import ConfideCommand
from gateway.sealing import SealingError
from scanner.policy.policy_file import RulesError

if TYPE_CHECKING:
    from gateway.relay.worker import ScanPool

log = logging.getLogger("confide.relay")


class Command(ConfideCommand):
    help = "Run the outbound SMTP relay (settings in confide.toml, section [relay])."

    def add_arguments(self, parser: CommandParser) -> None:
        add_relay_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        settings = relay_settings(options)
        asyncio.run(serve(settings, create=options["init"]))


def relay_log_level() -> None:
    """INFO unless ``CONFIDE_LOG_LEVEL`` says otherwise: the relay says that it started,
    where it listens and delivers, and one line per message (ids, counts and rule names).
    Set in the environment too, so that the scanning workers it spawns log at it."""
    level = os.environ.setdefault("CONFIDE_LOG_LEVEL", "INFO")
    logging.getLogger().setLevel(level)


def add_relay_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--listen", metavar="HOST:PORT", help="where to accept mail (overrides relay.listen)"
    )
    parser.add_argument(
        "--upstream",
        metavar="HOST:PORT",
        help="where to deliver released mail (overrides relay.upstream.host and port)",
    )
    parser.add_argument(
        "--init",
        action="store_true",
        help="create the database if there is none (as `confide init` does)",
    )


def relay_settings(options: dict[str, Any]) -> Settings:
    """The settings in force, with the command line's overrides, checked."""
    settings = load_settings()
    relay = settings.relay
    try:
        if options.get("listen"):
            host_and_port(options["listen"])
            relay = relay.model_copy(update={"listen": options["listen"]})
        if options.get("upstream"):
            host, port = host_and_port(options["upstream"])
            upstream = relay.upstream.model_copy(update={"host": host, "port": port})
            relay = relay.model_copy(update={"upstream": upstream})
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return settings.model_copy(update={"relay": relay})


async def serve(
    settings: Settings,
    *,
    create: bool = False,
    announce: bool = False,
    once_listening: Callable[[ScanPool], None] | None = None,
) -> None:
    """Run the relay until SIGTERM or SIGINT, then stop it cleanly (it exits 0); problems
    the operator can fix (configuration, database, key, port, TLS files) stop it with one
    line (a ``StartupError``, which ``confide`` prints) before anything is served; an
    upstream that does not answer is a warning once it listens. ``once_listening`` runs
    when the relay listens, given its scanning workers (``confide run`` starts its web
    server and its watcher then, and lends them the workers)."""
    from gateway.relay.service import RelayService
    from gateway.startup_checks import check_key_at_start

    relay_log_level()
    try:
        await asyncio.to_thread(ensure_schema, create=create)
        log.info("database: %s", await asyncio.to_thread(database_description))
        await asyncio.to_thread(check_key_at_start, settings)
        service = RelayService(settings)
    except (SealingError, RulesError, ConfigError) as exc:
        raise StartupError(str(exc)) from None
    except OSError as exc:
        raise StartupError(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _stop_once, stop, signum)
    # What another process taking this node's name said, if it did (see only_node_named).
    name_taken: list[str] = []

    def take_the_name_from_us(said: str) -> None:
        name_taken.append(said)
        service.name_taken()
        stop.set()

    def name_lost(said: str) -> None:  # from the thread keeping the name
        loop.call_soon_threadsafe(take_the_name_from_us, said)

    ready = asyncio.Event()
    then = None if once_listening is None else lambda: once_listening(service.scan_pool)
    listening = loop.create_task(_once_listening(settings, ready, announce, then))
    try:
        # running: so that `confide restore` can tell; the node's name: its own, held
        # (on a connection of its own) for as long as it runs.
        with running(), contextlib.ExitStack() as node_name:
            await asyncio.to_thread(
                node_name.enter_context, only_node_named(service.node, name_lost)
            )
            await service.run(ready=ready, stop=stop)
    finally:
        listening.cancel()
    if name_taken:
        raise CommandError(name_taken[0])


async def _once_listening(
    settings: Settings,
    ready: asyncio.Event,
    announce: bool,
    then: Callable[[], None] | None,
) -> None:
    """Once listening, run ``then``, warn if the upstream does not answer, and tell whoever
    started confide by hand where mail goes in and out."""
    from gateway.startup_checks import upstream_problem

    await ready.wait()
    if then is not None:
        then()
    if problem := await asyncio.to_thread(upstream_problem, settings.relay.upstream):
        log.warning("at start-up, %s", problem)
    if not announce:
        return
    relay = settings.relay
    print(
        f"confide is running: send mail by SMTP to {relay.listen}; what it releases goes to "
        f"{relay.upstream.host}:{relay.upstream.port}. Ctrl-C stops it.",
        flush=True,
    )


def _stop_once(stop: asyncio.Event, signum: signal.Signals) -> None:
    if not stop.is_set():
        log.info("%s received: stopping", signum.name)
    stop.set()
