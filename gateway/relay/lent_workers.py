"""The relay's scanning workers lent to the other doors of ``confide run``: the watcher's
documents (and the copies it makes of them) and a manager's redacted release are scanned in
them, in the same sandboxed worker as mail, so a node loads the NER model once per scanning
worker (``[relay] scan_workers``), not once more for each door.

Mail comes first. At most ``workers`` items of one lender (one per scanning worker) are in
the relay's pool at a time; the others wait here, in the order given. The pool hands out work
in the order it was given, so a message received during a sweep waits behind at most one of
the watcher's items per scanning worker: one scan (``limits.item_timeout_seconds`` at most,
well under a second for most documents) or one copy made and read (three times that). While
the relay scans a suspect message alone (one that was in the pool when a worker died:
``service``), the items wait for it, and it waits for those already in the pool.

Fail closed. An item lost with its worker (killed, out of memory: the relay replaces its
pool), or cancelled as the pool was replaced, is a result with an unscannable reason, so the
policy holds it, marked ``lost`` so that a caller that can try again later may (the watcher
does, a few times: ``gateway.watcher.lost_scans``); a task of ``run_in_worker`` fails with
``LostWithWorker``, which the watcher takes for a lost copy and tries again the same way.
The per-item time and memory limits are the worker's own, as for mail. Once the relay
stops, what is under way or waiting ends with ``ScanningStopped`` (``stop_unwinds``: the
watcher's pass ends there and records nothing of it) or an unscannable reason (a release is
refused).
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from gateway.relay import worker
from gateway.relay.worker import ScanPool, WorkerStopped
from scanner.extract import UNKNOWN_KIND, UnsupportedType, too_large
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.sandbox import WorkerLost
from scanner.scanning import ScanResult
from scanner.segments import Extraction

log = logging.getLogger("confide.relay")


class ScanningStopped(BaseException):
    """The relay stopped (``confide run`` is stopping) with this item under way or waiting:
    nothing of it was read. Not an ``Exception``: no handler on the way may take it for a
    fault of the item's and record it."""


class LostWithWorker(WorkerLost):
    """A task of ``run_in_worker`` that ended without an answer: its scanning worker was
    lost (died, the pool broken or replaced, or the worker stopped)."""


@dataclass(frozen=True)
class _Task:
    """One item to hand to the relay's pool, and what settles its caller's future."""

    function: Callable[..., Any]
    args: tuple[object, ...]
    settle: Callable[[Future[Any]], None]


class LentWorkers:
    """The relay's scanning workers (``pool``) as the ``ScanningWorkers`` of another door's
    ``Scanner``; ``workers`` is how many there are, and how many of this door's items may be
    in them at once. Closing or stopping it does nothing: the relay stops its workers."""

    def __init__(
        self, pool: ScanPool, limits: ScanLimits, workers: int, *, stop_unwinds: bool
    ) -> None:
        self.limits = limits
        self.workers = workers
        self._pool = pool
        self._stop_unwinds = stop_unwinds
        self._free = threading.Semaphore(workers)
        self._waiting: queue.SimpleQueue[_Task] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._starting = threading.Lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def close(self) -> None:
        return None

    def stop(self) -> None:
        return None

    def submit(
        self, data: bytes, location: str = "", kind: FileType | None = None, *, name: str = ""
    ) -> Future[ScanResult]:
        """Start scanning one item in a scanning worker; the future fails only with
        ``UnsupportedType`` (and ``ScanningStopped``, see the module's docstring)."""
        outcome: Future[ScanResult] = Future()
        if len(data) > self.limits.max_item_bytes:
            outcome.set_result(ScanResult(too_large(len(data), self.limits), ()))
            return outcome
        settle = functools.partial(self._settle_scan, outcome)
        self._queue(_Task(worker.scan_lent, (data, location, kind, name), settle))
        return outcome

    def run_in_worker[T](
        self, function: Callable[..., T], args: tuple[object, ...], timeout: float
    ) -> Future[T]:
        """Start ``function(extractor, limits, *args)`` in a scanning worker's sandboxed
        worker (``timeout`` counts there); the future fails with whatever it raised, with
        ``LostWithWorker`` when its worker was lost, and with
        ``ScanningStopped`` as ``submit``'s."""
        outcome: Future[T] = Future()
        settle = functools.partial(self._settle_task, outcome)
        self._queue(_Task(worker.run_lent, (function, args, timeout), settle))
        return outcome

    def _settle_scan(self, outcome: Future[ScanResult], sent: Future[ScanResult]) -> None:
        try:
            outcome.set_result(sent.result())
        except UnsupportedType as exc:
            outcome.set_exception(exc)
        except BaseException as exc:  # noqa: BLE001 - every other end is a reason, or a stop
            if self._pool.stopping and self._stop_unwinds:
                outcome.set_exception(ScanningStopped())
            else:
                reason = "confide is stopping" if self._pool.stopping else _lost(exc)
                lost = self._pool.stopping or isinstance(exc, _LOST_WITH_WORKER)
                reached = not (self._pool.stopping or _never_reached(exc))
                outcome.set_result(
                    _failed(f"scanning failed: {reason}", lost=lost, reached_worker=reached)
                )

    def _settle_task[T](self, outcome: Future[T], sent: Future[T]) -> None:
        try:
            outcome.set_result(sent.result())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            if self._pool.stopping and self._stop_unwinds:
                outcome.set_exception(ScanningStopped())
            elif isinstance(exc, Exception) and not isinstance(exc, _LOST_WITH_WORKER):
                outcome.set_exception(exc)
            else:
                outcome.set_exception(
                    LostWithWorker(_lost(exc), reached_worker=not _never_reached(exc))
                )

    def _queue(self, task: _Task) -> None:
        with self._starting:
            if self._sender is None:
                self._sender = threading.Thread(
                    target=self._hand_over, name="confide-lent-scans", daemon=True
                )
                self._sender.start()
        self._waiting.put(task)

    def _hand_over(self) -> None:
        """Hand the items over in order, each once one of ours has left the pool. Here, not
        in a future's callback: the pool runs those holding its own lock, under which it
        can be neither given work nor replaced."""
        while True:
            task = self._waiting.get()
            self._free.acquire()
            try:
                sent = self._sent(task)
            except Exception as exc:  # noqa: BLE001 - the item fails; the sender goes on
                log.error("could not hand an item to the scanning workers (%s)", type(exc).__name__)
                sent = Future()
                sent.set_exception(exc)
            sent.add_done_callback(functools.partial(self._done, task))

    def _sent(self, task: _Task) -> Future[Any]:
        """``task`` in the relay's pool (replaced first if it broke), or a future that says
        why it is not."""
        for _attempt in range(2):
            if self._pool.stopping:
                return _failing(ScanningStopped())
            try:
                # Waits while the relay scans a suspect message alone.
                return self._pool.submit_lent(task.function, *task.args)
            except RuntimeError:
                continue  # broken (replaced now), shut down (replaced meanwhile), or stopping
        return _failing(NotReplaced("the scanning workers could not be replaced"))

    def _done(self, task: _Task, sent: Future[Any]) -> None:
        """Run by the pool as ``sent`` ends: the next item may go, and the caller is told."""
        self._free.release()
        try:
            task.settle(sent)
        except BaseException as exc:  # noqa: BLE001 - nothing may reach the pool's own thread
            log.error("could not settle a scanned item (%s)", type(exc).__name__)


def _failing(error: BaseException) -> Future[Any]:
    failed: Future[Any] = Future()
    failed.set_exception(error)
    return failed


# How an item is lost with the relay's pool rather than failed by what it holds: its worker
# died (the whole pool breaks), it was cancelled as the pool was replaced, or its worker was
# stopped (``ScanResult.lost``).
_LOST_WITH_WORKER = (BrokenProcessPool, CancelledError, WorkerStopped)


class NotReplaced(BrokenProcessPool):
    """The relay's pool broke and no new one could take the item: it reached no worker."""


def _never_reached(error: BaseException) -> bool:
    """Whether an item lost with ``error`` cannot have reached a worker, so its loss says
    nothing of it (``ScanResult.reached_worker``): cancelled before it started, as the pool
    was replaced, or never handed over. A pool broken under it may have been its doing."""
    return isinstance(error, CancelledError | NotReplaced)


def _lost(error: BaseException) -> str:
    """What became of an item lost in the relay's pool, in confide's own words."""
    if isinstance(error, BrokenProcessPool):
        return "the scanning worker it was sent to died"
    if isinstance(error, CancelledError):
        return "it was cancelled as the scanning workers were replaced"
    if isinstance(error, WorkerStopped):
        return "the scanning worker was stopped"
    return type(error).__name__


def _failed(reason: str, *, lost: bool, reached_worker: bool) -> ScanResult:
    extraction = Extraction(kind=UNKNOWN_KIND, unscannable=(reason,))
    return ScanResult(extraction, (), lost=lost, reached_worker=reached_worker)
