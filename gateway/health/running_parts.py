"""What the parts running in this process say about themselves, for ``/readyz``.

The relay and the watcher report here as they start and withdraw as they stop; the web app
reads it. It is in-process: ``confide run`` runs all three in one process, so its ``/readyz``
sees them all. A web app run on its own sees only the database and the upstream, and says
nothing of scan workers or observers in other processes (check each process's own port).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.config import UpstreamSettings


@dataclass(frozen=True)
class FolderState:
    """A watched folder, known by its place in ``[[watch.folders]]`` (never its path), and
    why it cannot be watched now (``missing``, ``not-a-folder``, ``unmounted``,
    ``unreadable``), if it cannot; ``observer`` is its kind (``native``, ``polling``, or
    ``auto`` while the watcher is not running to resolve it); ``holds_failing`` counts the
    documents held in it that could not be taken away and are still in view."""

    index: int
    observer_running: bool
    last_reconcile: datetime | None
    problem: str | None = None
    observer: str = "auto"
    holds_failing: int = 0


_lock = threading.Lock()
# The reporters in force, by part: "scan_workers", "key_file", "upstream" and "folders".
_reporters: dict[str, Callable[[], Any]] = {}


def _report(part: str, reporter: Callable[[], Any] | None) -> None:
    with _lock:
        if reporter is None:
            _reporters.pop(part, None)
        else:
            _reporters[part] = reporter


def _ask(part: str) -> Any:
    with _lock:
        reporter = _reporters.get(part)
    return None if reporter is None else reporter()


def report_scan_workers(alive: Callable[[], bool] | None) -> None:
    """The relay's scan workers: whether they are up, asked when ``/readyz`` is read
    (``None`` when the relay stops)."""
    _report("scan_workers", alive)


def report_folders(states: Callable[[], list[FolderState]] | None) -> None:
    """The watcher's folders, asked when ``/readyz`` is read (``None`` when it stops)."""
    _report("folders", states)


def scan_workers_up() -> bool | None:
    """Whether the scan workers are up; ``None``: no relay in this process."""
    up: bool | None = _ask("scan_workers")
    return up


def folder_states() -> list[FolderState] | None:
    """Each watched folder's observer and last reconcile; ``None``: no watcher here."""
    states: list[FolderState] | None = _ask("folders")
    return states


def report_key_file(all_open: Callable[[], bool] | None) -> None:
    """The relay's word on whether what it reads back opens with the key file, asked when
    ``/readyz`` is read (``None`` when it stops)."""
    _report("key_file", all_open)


def key_file_opens() -> bool | None:
    """Whether stored mail the relay read back opened; ``None``: no relay in this process."""
    opens: bool | None = _ask("key_file")
    return opens


def report_upstream(upstream: UpstreamSettings | None) -> None:
    """The upstream the relay delivers to: relay.upstream as ``--upstream`` left it
    (``None`` when the relay stops)."""
    _report("upstream", None if upstream is None else lambda: upstream)


def upstream_in_use() -> UpstreamSettings | None:
    """The upstream the relay in this process delivers to; ``None``: no relay here."""
    upstream: UpstreamSettings | None = _ask("upstream")
    return upstream
