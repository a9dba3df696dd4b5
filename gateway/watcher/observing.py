"""Watching the folders as they change: watchdog's native observer on local disks, its
polling observer on network shares, and a full reconcile at start-up and on a schedule as the
backstop for whatever events were missed.

Events only say which paths to look at. A path waits in ``pending`` until its size and mtime
have stood still for its folder's ``stable_seconds``; a file written slowly in chunks is
therefore read once, after its last chunk.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from gateway.health import running_parts
from gateway.watcher import quarantine
from gateway.watcher.folders import Folder
from gateway.watcher.sweep import Outcome, Watcher

log = logging.getLogger("confide.watcher")

# How often pending paths are looked at.
TICK_SECONDS = 0.25
_IGNORED = frozenset({"opened", "closed_no_write"})


class _Events(FileSystemEventHandler):
    """Puts the paths an event concerns on a queue; a folder moved or created in is walked."""

    def __init__(self, paths: queue.SimpleQueue[Path]) -> None:
        self.paths = paths

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _IGNORED:
            return
        touched = [event.src_path]
        if event.dest_path:
            touched.append(event.dest_path)  # after the source: a move is seen leaving first
        for each in touched:
            path = Path(os.fsdecode(each))
            if event.is_directory:
                if path.is_dir() and not path.is_symlink():
                    for top, _dirs, files in os.walk(path):
                        for name in files:
                            self.paths.put(Path(top) / name)
            else:
                self.paths.put(path)


@dataclass
class LiveWatch:
    """Runs a ``Watcher`` on events until told to stop."""

    watcher: Watcher
    reconcile_seconds: float

    def run(self, stop: threading.Event) -> None:
        """Settle interrupted moves, start the observers, reconcile, then follow events and
        reconcile every ``reconcile_seconds`` until ``stop`` is set."""
        quarantine.recover()
        paths: queue.SimpleQueue[Path] = queue.SimpleQueue()
        observers = [_observer(folder, paths) for folder in self.watcher.folders]
        for observer in observers:
            observer.start()
        reconciled: list[datetime] = []

        def states() -> list[running_parts.FolderState]:
            last = reconciled[-1] if reconciled else None
            return [
                running_parts.FolderState(index, observer.is_alive(), last)
                for index, observer in enumerate(observers)
            ]

        running_parts.report_folders(states)
        pending: dict[Path, tuple[tuple[int, int] | None, float]] = {}
        next_reconcile = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() >= next_reconcile:
                    counts = self.watcher.reconcile()
                    reconciled[:] = [datetime.now(UTC)]
                    log.info("reconciled %s", ",".join(f"{k}:{n}" for k, n in counts.items()))
                    next_reconcile = time.monotonic() + self.reconcile_seconds
                while not paths.empty():
                    path = paths.get()
                    pending[path] = (_signature(path), time.monotonic())
                self._handle_ready(pending)
                stop.wait(TICK_SECONDS)
        finally:
            for observer in observers:
                observer.stop()
            for observer in observers:
                observer.join()

    def _handle_ready(self, pending: dict[Path, tuple[tuple[int, int] | None, float]]) -> None:
        ready = []
        now = time.monotonic()
        for path, (signature, since) in list(pending.items()):
            current = _signature(path)
            if current != signature:
                pending[path] = (current, now)
                continue
            folder = self.watcher.folder_of(path)
            if current is None or folder is None or now - since >= folder.stable_seconds:
                ready.append(path)
        if not ready:
            return
        for path, outcome in self.watcher.handle(ready).items():
            if outcome in (Outcome.UNSTABLE, Outcome.CHANGED):
                pending[path] = (_signature(path), time.monotonic())
            else:
                pending.pop(path, None)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def _observer(folder: Folder, paths: queue.SimpleQueue[Path]) -> BaseObserver:
    observer: BaseObserver
    if folder.observer == "polling":
        observer = PollingObserver(timeout=folder.poll_seconds)
    else:
        observer = Observer()
    observer.schedule(_Events(paths), str(folder.path), recursive=True)
    return observer
