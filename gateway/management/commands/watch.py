"""``confide watch [--once] [--quiet] [--report FILE.csv]``: the shared-drive watcher."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandParser

from gateway.config import ConfigError, StartupError, check_report_file, load_settings
from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.startup_checks import check_key_at_start
from scanner.policy.policy_file import RulesError

if TYPE_CHECKING:
    from gateway.watcher.sweep import Watcher

log = logging.getLogger("confide.watcher")


class Command(ConfideCommand):
    help = (
        "Watch the folders of [[watch.folders]] in confide.toml: judge each document as if "
        "sent to the folder's audience, and in enforce mode quarantine what would be held."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="one full pass over every folder, then exit"
        )
        parser.add_argument(
            "--quiet", action="store_true", help="no progress bar and no summary (for cron)"
        )
        parser.add_argument(
            "--report",
            metavar="FILE.csv",
            type=Path,
            help="after one pass, write the discovery report: per file, the finding types "
            "and counts, the subjects by reference, the verdict and why (never the text)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gateway.watcher.service import running_watcher

        settings = load_settings()
        if not settings.watch.folders:
            raise StartupError("no folders to watch: add [[watch.folders]] to confide.toml")
        if options["report"] is not None:
            try:
                check_report_file(options["report"], settings.watch)
            except ValueError as exc:
                raise StartupError(str(exc)) from None
        ensure_schema()
        check_key_at_start(settings)  # as the relay's start checks it: what it holds, it seals
        once = options["once"] or options["report"] is not None
        if not once:  # running for good: say which folders it watches, and how
            logging.getLogger().setLevel(os.environ.get("CONFIDE_LOG_LEVEL", "INFO"))
        try:
            with running_watcher(settings) as watcher:
                if not once:
                    watch_until_stopped(watcher, settings.watch.reconcile_minutes * 60)
                    return
                started = time.monotonic()
                counts = _one_pass(watcher, quiet=options["quiet"])
                if options["report"] is not None:
                    from gateway.watcher.discovery import current_files, write_report

                    folders = [str(f.path) for f in watcher.folders]
                    listed = write_report(options["report"], current_files(folders))
                    if not options["quiet"]:
                        self.stdout.write(f"report: {listed} files in {options['report']}")
        except (RulesError, ConfigError) as exc:
            raise StartupError(str(exc)) from None
        if not options["quiet"]:
            summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no files"
            self.stdout.write(f"one pass in {time.monotonic() - started:.1f} s: {summary}")


def _one_pass(watcher: Watcher, *, quiet: bool) -> dict[str, int]:
    """A reconcile with a progress bar on a terminal: files done, files per second, time left."""
    if quiet or not sys.stderr.isatty():
        return watcher.reconcile()
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("watch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} files/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("watch", total=None, rate="-")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f}")

        return watcher.reconcile(progress)


def watch_until_stopped(watcher: Watcher, reconcile_seconds: float) -> None:
    """Follow the folders until SIGTERM or SIGINT."""
    from gateway.watcher.observing import LiveWatch

    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        log.info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    LiveWatch(watcher, reconcile_seconds).run(stop)
