"""Starting the watcher: its folders checked, its scanner built, interrupted moves settled.
One place for ``confide watch`` and ``confide run``.

``confide watch`` scans with a pool of sandboxed workers of its own (``[watch]
scan_workers``); ``confide run`` lends the watcher the relay's scanning workers instead
(``gateway.relay.lent_workers``), so the node holds one set of model workers for both doors.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.config import Settings, StartupError
from gateway.cpus import usable_cpus
from gateway.health import running_parts
from gateway.scanner_setup import build_scanner
from gateway.watcher import quarantine
from gateway.watcher.folders import Folder, resolve_folders
from gateway.watcher.judging import DocumentJudge
from gateway.watcher.sweep import Watcher
from scanner.scanning import Scanner

if TYPE_CHECKING:
    from gateway.relay.lent_workers import LentWorkers

log = logging.getLogger("confide.watcher")

# How long ``confide run`` waits before it starts a watcher that stopped on an error again,
# doubling each time up to the maximum.
RESTART_SECONDS = 5.0
MAX_RESTART_SECONDS = 600.0


def checked_folders(settings: Settings) -> list[Folder]:
    """The folders, resolved and checked against the quarantine; the quarantine made (0700).
    The quarantine and every enforce folder must be writable (a service's sandbox may make
    them read-only). Raises ``StartupError`` saying which setting to change."""
    folders = resolve_folders(settings.watch.folders, settings.organisation.internal_domains)
    place = settings.quarantine
    try:
        place.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StartupError(
            f"cannot make the quarantine {place} ({exc.strerror}): {_LET_IT_WRITE}"
        ) from None
    if not _writable(place):
        raise StartupError(
            f"cannot write to the quarantine {place} ({_why_not(place)}): {_LET_IT_WRITE}"
        )
    resolved = place.resolve()
    for number, folder in enumerate(folders):
        if resolved == folder.path or folder.path in resolved.parents:
            raise StartupError(
                f"watch.quarantine lies inside watch.folders[{number}]; "
                "put it outside every watched folder"
            )
        if folder.enforce and not _writable(folder.path):
            raise StartupError(
                f"watch.folders[{number}] ({folder.path}) is in enforce mode, and confide "
                f"cannot write to it ({_why_not(folder.path)}), so it could not take held "
                f"documents out of it: {_LET_IT_WRITE}, or set its mode to report"
            )
        log.info(
            "watching folder=%d audience=%s mode=%s observer=%s",
            number,
            "agency" if folder.audience not in ("internal", "public") else folder.audience,
            "enforce" if folder.enforce else "report",
            folder.observer,
        )
    return folders


_LET_IT_WRITE = (
    "let confide's user write there (under systemd, a drop-in with ReadWritePaths: README, "
    "'Running as a service')"
)


def _writable(folder: Path) -> bool:
    """Whether this process may make and remove files in ``folder``: a read-only mount
    (systemd's ``ProtectSystem=strict``) counts as not, even for root."""
    return os.access(folder, os.W_OK | os.X_OK)


def _why_not(folder: Path) -> str:
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError as exc:
        return exc.strerror or "cannot be read"
    return "a read-only file system" if read_only else "permission denied"


def worker_count(settings: Settings) -> int:
    return settings.watch.scan_workers or usable_cpus()


@contextmanager
def running_watcher(settings: Settings, lent: LentWorkers | None = None) -> Iterator[Watcher]:
    """A watcher for the configured folders, scanning with the ``lent`` workers, or else with
    a pool of its own (started here, stopped on leaving); every move a crash interrupted is
    settled first."""
    folders = checked_folders(settings)
    settled = quarantine.recover()
    if settled:
        log.warning("settled %d interrupted moves", settled)
    workers = worker_count(settings) if lent is None else lent.workers
    chosen = build_scanner(extraction_workers=workers) if lent is None else Scanner(lent)
    with chosen as scanner:
        yield Watcher(DocumentJudge(settings, scanner), folders, Path(settings.quarantine), workers)


class BackgroundWatch:
    """The watcher on a thread of its own, for ``confide run``, scanning with the relay's
    workers lent to it (``start``): if it stops on an error it is logged (the error's type,
    never its message: it may name a file), its folders show as down on ``/readyz``, and it
    is started again after a wait that doubles each time. Once the relay stops, the pass
    under way ends (``ScanningStopped``), and the watcher waits to be stopped itself."""

    def __init__(self, settings: Settings) -> None:
        checked_folders(settings)  # a wrong folder stops confide run before anything starts
        self._settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="confide-watcher", daemon=True)
        self._lent: LentWorkers | None = None
        self.failures = 0
        self._report_down()  # until its observers start: a failure before then shows

    def start(self, lent: LentWorkers | None = None) -> None:
        """Start watching, scanning with ``lent`` (the relay's workers), or else with a pool
        of the watcher's own."""
        self._lent = lent
        if lent is not None:
            log.info("the watcher scans with the relay's %d scanning workers", lent.workers)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait for the watcher to end; nothing to wait for when it never
        started (``confide run`` refused to start after it was made)."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join()
        running_parts.report_folders(None)

    def _report_down(self) -> None:
        count = len(self._settings.watch.folders)
        running_parts.report_folders(
            lambda: [running_parts.FolderState(i, False, None) for i in range(count)]
        )

    def _run(self) -> None:
        from django.db import connection

        wait = RESTART_SECONDS
        try:
            while not self._stop.is_set():
                if self._run_once():
                    wait = RESTART_SECONDS  # it ran until told to stop
                    continue
                self._report_down()
                log.error("the watcher is started again in %.0f s", wait)
                self._stop.wait(wait)
                wait = min(wait * 2, MAX_RESTART_SECONDS)
        finally:
            connection.close()

    def _run_once(self) -> bool:
        """Run the watcher until told to stop (True) or until it fails (False, logged)."""
        from django.db import connection

        from gateway.relay.lent_workers import ScanningStopped
        from gateway.watcher.observing import LiveWatch

        try:
            with running_watcher(self._settings, self._lent) as watcher:
                minutes = self._settings.watch.reconcile_minutes
                LiveWatch(watcher, minutes * 60).run(self._stop)
        except ScanningStopped:
            self._stop.wait()  # the relay stopped, and confide run stops the watcher next
        except Exception as exc:  # noqa: BLE001 - the relay and web app go on; logged by type
            self.failures += 1
            log.error("the watcher stopped error=%s failures=%d", type(exc).__name__, self.failures)
            connection.close()  # a broken connection is opened anew on the next start
            return False
        return True
