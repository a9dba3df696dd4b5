"""Watching the folders as they change: watchdog's native observer on local disks, its
polling observer on network shares, and a full reconcile at start-up and on a schedule as the
backstop for whatever events were missed.

Each folder is looked at every few seconds: one gone (moved away, deleted, a share
unmounted) shows on ``/readyz`` with the reason, its observer is stopped and nothing in it is
taken for deleted; when it is back, a new observer starts and a reconcile catches up. Then a
hold that could not be carried out (the quarantine not writable, or full) is tried again once
its short wait is over (``Watcher.retry_holds``); while documents held in an enforce folder
are still in view so, ``/readyz`` gives their number for the folder (``holds_failing``),
without failing the check: the node can still serve, and its review pages are where a
manager sees the held documents.

Events only say which paths to look at. A path waits in ``pending`` until its size, mtime
and change time (ctime) have stood still for its folder's ``stable_seconds``; a file written
slowly in chunks is therefore read once, after its last chunk. The polling observer is told
of a change to the change time too (``_polled_status``): a rewrite of the same size with its
mtime put back (``touch -r``) is seen at the next poll, not at the next reconcile.
"""

from __future__ import annotations

import copy
import logging
import os
import queue
import stat
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

from gateway.health import running_parts
from gateway.watcher import held_folders, names, quarantine
from gateway.watcher.folders import Folder
from gateway.watcher.sweep import AGAIN, Watcher, errno_name

log = logging.getLogger("confide.watcher")

# How often pending paths are looked at.
TICK_SECONDS = 0.25
# How often each watched folder is looked at, to tell that it is still there.
FOLDER_CHECK_SECONDS = 2.0
_IGNORED = frozenset({"opened", "closed_no_write"})


class _Events(FileSystemEventHandler):
    """Puts the paths an event concerns on a queue; a folder moved or created in is walked.
    A folder merely modified (a file in it created, removed or renamed: that file has its
    own event) is not: walked at each of them, a folder of n files dropped at once would be
    walked n times, n² paths in all.

    An entry whose path is too long to be looked at (``names.too_long``) is queued as the
    first such entry on its way (what lies in it cannot be looked at): the watcher judges it
    by its name, and the folders above it (``held_folders.after_files``), as a pass does. A
    path that cannot be looked at for any other reason is queued as it is, to be recorded
    with its reason: an error here would stop the observer, and the events meanwhile with it.
    """

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
            if event.is_directory and event.event_type == "modified":
                continue  # what changed in it comes with its own events
            try:
                self._queue(path, is_directory=event.is_directory)
            except OSError as exc:
                log.warning("event path not walked error=%s: looked at as it is", errno_name(exc))
                self.paths.put(path)

    def _queue(self, path: Path, *, is_directory: bool) -> None:
        if names.too_long(path):
            self.paths.put(_first_too_long(path))
        elif not is_directory:
            self.paths.put(path)
        elif path.is_dir() and not path.is_symlink():
            for top, dirs, files in os.walk(path):
                for name in files:
                    self.paths.put(Path(top) / name)
                for name in dirs:  # one too long is not walked into: judged by its name
                    if names.too_long(Path(top) / name):
                        self.paths.put(Path(top) / name)


def _first_too_long(path: Path) -> Path:
    """The outermost of ``path`` and its parents whose path is too long to be looked at."""
    return next(each for each in [*reversed(path.parents), path] if names.too_long(each))


@dataclass
class LiveWatch:
    """Runs a ``Watcher`` on events until told to stop."""

    watcher: Watcher
    reconcile_seconds: float
    check_seconds: float = FOLDER_CHECK_SECONDS

    def run(self, stop: threading.Event) -> None:
        """Settle interrupted moves, start the observers, reconcile, then follow events and
        reconcile every ``reconcile_seconds`` until ``stop`` is set; look at the folders
        every ``check_seconds``."""
        quarantine.recover()
        paths: queue.SimpleQueue[Path] = queue.SimpleQueue()
        folders = [
            _Watched(folder, os.path.ismount(folder.path)) for folder in self.watcher.folders
        ]

        def states() -> list[running_parts.FolderState]:
            return [
                running_parts.FolderState(
                    index,
                    each.running(),
                    each.reconciled,
                    each.problem,
                    each.folder.observer,
                    each.holds_failing,
                )
                for index, each in enumerate(folders)
            ]

        running_parts.report_folders(states)
        pending: dict[Path, tuple[_Status | None, float]] = {}
        next_reconcile = next_check = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() >= next_check:
                    if self._look(folders, paths, pending):
                        next_reconcile = 0.0  # one came back: catch up on what changed
                    self._retry_holds(folders)
                    next_check = time.monotonic() + self.check_seconds
                if time.monotonic() >= next_reconcile:
                    self._reconcile(folders, pending)
                    next_reconcile = time.monotonic() + self.reconcile_seconds
                while not paths.empty():
                    path = paths.get()
                    pending[path] = (_signature(path), time.monotonic())
                self._handle_ready(pending, folders)
                stop.wait(TICK_SECONDS)
        finally:
            for each in folders:
                each.stop_observer()
            for each in folders:
                each.join_observers()

    def _look(
        self,
        folders: list[_Watched],
        paths: queue.SimpleQueue[Path],
        pending: dict[Path, tuple[_Status | None, float]],
    ) -> bool:
        """Each folder's state now, logged as it changes; an observer started for each that
        is there without a running one. Whether one came back."""
        came_back = False
        for index, each in enumerate(folders):
            problem = _folder_problem(each.folder.path, each.mounted)
            now = _identity(each.folder.path)
            if not problem and each.running() and now != each.identity:
                log.warning(
                    "watched folder=%d was replaced by another folder: watching the new one",
                    index,
                )
                each.stop_observer()  # it follows the old folder, wherever that went
                came_back = True
            if problem and not each.problem:
                log.warning(
                    "watched folder=%d is unavailable (%s): its files are left as they are "
                    "until it is back",
                    index,
                    problem,
                )
                each.stop_observer()
            elif each.problem and not problem:
                log.warning("watched folder=%d is back: watching it again", index)
                came_back = True
            each.problem = problem
            if problem:
                for path in [p for p in pending if each.folder.holds(p)]:
                    del pending[path]  # looked at again when the folder is back
            elif not each.running():
                if each.observer is not None:
                    log.warning(
                        "the observer of watched folder=%d stopped; starting it again", index
                    )
                    each.stop_observer()
                each.start_observer(paths)
        return came_back

    def _retry_holds(self, folders: list[_Watched]) -> None:
        """Try again the holds that could not be carried out in the folders that are there,
        and record for ``/readyz`` how many documents each still has in view so."""
        there = [each for each in folders if not each.problem]
        failing = self.watcher.retry_holds([each.folder for each in there])
        for each in there:
            each.holds_failing = failing.get(each.folder.path, 0)

    def _reconcile(
        self, folders: list[_Watched], pending: dict[Path, tuple[_Status | None, float]]
    ) -> None:
        """A full pass over the folders that are there (one that is gone is not taken for
        emptied); a file still being written is left ``pending``, as an event's is, not
        waited for within the pass."""
        there = [each for each in folders if not each.problem]
        if not there:
            return
        watcher = self.watcher
        if len(there) < len(folders):
            watcher = copy.copy(watcher)
            watcher.folders = [each.folder for each in there]

        def leave_pending(path: Path) -> None:
            pending.setdefault(path, (_signature(path), time.monotonic()))

        counts = watcher.reconcile(later=leave_pending)
        now = datetime.now(UTC)
        for each in there:
            each.reconciled = now
        log.info("reconciled %s", ",".join(f"{k}:{n}" for k, n in counts.items()))

    def _handle_ready(
        self,
        pending: dict[Path, tuple[_Status | None, float]],
        folders: list[_Watched],
    ) -> None:
        ready = []
        now = time.monotonic()
        gone = [each.folder for each in folders if each.problem]
        for path, (signature, since) in list(pending.items()):
            if any(folder.holds(path) for folder in gone):
                del pending[path]  # its folder is gone for now: not taken for deleted
                continue
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
            if outcome in AGAIN:  # looked at again once it has stood still again
                pending[path] = (_signature(path), time.monotonic())
            else:
                pending.pop(path, None)
        # A folder whose name is held goes once its last file is held, not at the reconcile.
        held_folders.after_files(
            self.watcher.folders, self.watcher.judge, ready, self.watcher.quarantine_dir
        )


@dataclass
class _Watched:
    """A watched folder as it is watched: whether it was a mount point at start, its
    observer, why it cannot be watched now, when it was last reconciled, and how many
    documents held in it could not be taken away."""

    folder: Folder
    mounted: bool
    observer: BaseObserver | None = None
    problem: str | None = None
    reconciled: datetime | None = None
    holds_failing: int = 0  # documents held here that are still in view (``retry_holds``)
    stopped: list[BaseObserver] = field(default_factory=list)
    identity: tuple[int, int] | None = None  # of the folder its observer was started on

    def running(self) -> bool:
        return self.observer is not None and self.observer.is_alive()

    def start_observer(self, paths: queue.SimpleQueue[Path]) -> None:
        self.identity = _identity(self.folder.path)  # before: a swap meanwhile is seen next
        observer = _observer(self.folder, paths)
        try:
            observer.start()
        except OSError:  # gone since it was looked at: the next look says so
            self.stopped.append(observer)
            return
        self.observer = observer

    def stop_observer(self) -> None:
        """Tell the observer to stop; it is waited for when the watcher stops (one on a
        share that hangs must not hold up the other folders)."""
        if self.observer is not None:
            self.observer.stop()
            self.stopped.append(self.observer)
            self.observer = None

    def join_observers(self) -> None:
        for observer in self.stopped:
            if observer.is_alive():
                observer.join()


def _folder_problem(path: Path, mounted: bool) -> str | None:  # noqa: PLR0911 - one per reason
    """Why the folder at ``path`` cannot be watched now, in a word (never the path), or
    None; ``mounted``: it was a mount point at start, so it should still be one. The path
    was resolved when the configuration loaded, so a link there now, or in a folder above
    it, was put there since: it is never followed (its files could lie anywhere)."""
    try:
        found = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError:
        return "unreadable"
    if stat.S_ISLNK(found.st_mode) or os.path.realpath(path) != str(path):
        return "a-link"
    if not stat.S_ISDIR(found.st_mode):
        return "not-a-folder"
    if mounted and not os.path.ismount(path):
        return "unmounted"
    if not os.access(path, os.R_OK | os.X_OK):
        return "unreadable"
    return None


def _identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the folder at ``path`` itself (a link is not followed)."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


# What says a path has not changed while it waits: inode, size, mtime and change time.
type _Status = tuple[int, int, int, int]


def _signature(path: Path) -> _Status | None:
    """``path``'s status as it waits to stand still: a write, a replacement, or a rewrite of
    the same size with its mtime put back (the change time, which no user can set, moves
    with every write and with every setting of the mtime) starts its wait again."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _polled_status(path: str) -> os.stat_result:
    """``os.stat`` for the polling observer, with the mtime and the change time in the place
    of the mtime. Watchdog's snapshots tell a file changed by its size and ``st_mtime``
    compared with ``!=`` (``watchdog.utils.dirsnapshot``, 7.1); a rewrite of the same size
    with its mtime put back (``touch -r``, ``os.utime``) keeps both, but never its change
    time. The maximum of the two would not do: an mtime set ahead of the change time (``touch
    -d`` into the future) would hide the change time's moves."""
    found = os.stat(path)
    fields = {name: getattr(found, name) for name in dir(found) if name.startswith("st_")}
    fields["st_mtime"] = (found.st_mtime_ns, found.st_ctime_ns)
    return os.stat_result(tuple(found), fields)


def _observer(folder: Folder, paths: queue.SimpleQueue[Path]) -> BaseObserver:
    observer: BaseObserver
    if folder.observer == "polling":
        # ``PollingObserver`` itself, with the status it is told of as ``_polled_status``.
        observer = PollingObserverVFS(
            _polled_status, os.scandir, polling_interval=folder.poll_seconds
        )
    else:
        observer = Observer()
    observer.schedule(_Events(paths), str(folder.path), recursive=True)
    return observer
