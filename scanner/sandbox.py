"""Scanning in worker processes that may be killed: a hostile item costs a worker, not the
gateway.

Parsers of untrusted files can loop, balloon or crash, and detection (regexes, the NER model)
grows with the text it is given. ``ExtractionPool`` runs the whole scan of an item, ``extract``
and then the detector, in pebble worker processes, each with its address space capped
(``worker_memory_bytes``, set as RLIMIT_AS when the worker starts, before the model loads) and
each item given ``item_timeout_seconds`` for both stages together. A worker that times out is
killed; one that runs out of memory or dies takes its whole pebble pool with it, which is
replaced (pebble does not survive ``kill -9`` of its workers reliably: see ``ExtractionPool``).
Either way the item becomes a ``ScanResult`` with an unscannable reason and no findings, so the
policy holds it (or, lost with its worker, its caller tries it again): a scan cut short is
never presented as complete.

Each worker builds its detector (loads the NER model) once, when it starts; a killed worker's
replacement loads it again, which costs a few seconds after a timeout and nothing otherwise.
Workers are started by a fork server (a small process started once) rather than forked from
the gateway, so they do not inherit its memory (Django, open connections). A process that
uses a pool waits, as it exits, for that fork server and for multiprocessing's resource
tracker (``wait_for_helpers_at_exit``), so that no process of its outlives it.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.util
import os
import resource
import signal
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, InvalidStateError
from concurrent.futures import wait as wait_for_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.synchronize import Event as ProcessEvent
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from pebble import ProcessExpired, ProcessPool

from scanner.extract import (
    UNKNOWN_KIND,
    UnsupportedType,
    extract,
    read_item,
    too_large,
    with_file_name,
)
from scanner.filetype import FileType
from scanner.findings import Finding, Owner
from scanner.limits import MIB, ScanLimits
from scanner.segments import Extraction

if TYPE_CHECKING:
    from scanner.detect.detector import Detector
    from scanner.removals import Removal

log = logging.getLogger("confide.scanner")

# What runs in a worker: ``extract`` itself, or a stand-in passed by tests (the test seam). It
# must be a module-level function so it can be sent to a worker by name.
type ExtractFunction = Callable[[bytes, ScanLimits, str, FileType | None], Extraction]
# Builds the detector in a worker, once per worker: a picklable callable such as
# ``functools.partial(Detector, rules, allow_list=...)``.
type DetectorFactory = Callable[[], Detector]


@dataclass(frozen=True)
class ScanResult:
    """One item's scan: what was read, the findings in it, and whom the grammar says some of
    its diagnoses are about (see ``Detector.owners``).

    ``lost``: nothing was read because the worker was lost under the item (killed, died,
    its pool broken, replaced or shut down), not because of a limit the item reached; the
    unscannable reason says which. An outage of ours, or an item that kills its worker:
    only trying again tells them apart, so a caller that can try again later may, and
    stops after a few tries (``gateway.watcher.lost_scans``). ``reached_worker``, of a lost
    scan: whether a worker may have taken the item. False when no worker of its pool had
    started (none could be, as in a crash loop): then it cannot have caused the loss."""

    extraction: Extraction
    findings: tuple[Finding, ...]
    owners: tuple[Owner, ...] = ()
    lost: bool = False
    reached_worker: bool = True


class WorkerLost(Exception):
    """A task of ``run_in_worker`` ended without an answer as its worker was lost (killed,
    died, its pool broken, replaced or shut down): an outage, or the task's item killing
    its worker, as ``ScanResult.lost`` says of a scan; ``reached_worker`` as there."""

    def __init__(self, reason: str, *, reached_worker: bool = True) -> None:
        super().__init__(reason)
        self.reached_worker = reached_worker


def lost_with_worker(error: BaseException) -> bool:
    """Whether a task of ``run_in_worker`` failed with ``error`` as its worker was lost:
    ``WorkerLost``, or what pebble says of a worker killed (``ProcessExpired``; the item's
    own memory limit is a ``MemoryError``), of its pool broken (``BrokenProcessPool``) or of
    a task cancelled as the pool stopped."""
    return isinstance(error, WorkerLost | ProcessExpired | BrokenProcessPool | CancelledError)


_START_METHOD = "forkserver"
# How long a worker stopped at once (``ExtractionPool.stop``) gets to exit after SIGTERM
# before it is killed: pebble's own bound, which it does not let callers change.
EXTRACTION_STOP_SECONDS = 3.0
# How long the fork server and the resource tracker get to exit once told to, at the end of
# the process that started them, before they are killed: both exit at once when told.
HELPER_EXIT_SECONDS = 3.0
# How often an ``ExtractionPool`` looks whether its pool broke, and how long the items under
# way in a broken pool get to finish before they are given up as lost.
POOL_CHECK_SECONDS = 0.5
BROKEN_POOL_GRACE_SECONDS = 2.0

# The detector of this worker process, built by ``_start_worker``; ``None`` in a pool that only
# extracts. ``_detector_failure`` says why it could not be built, if it could not.
_detector: Detector | None = None
_detector_failure: str | None = None


class ExtractionPool:
    """Scans items in sandboxed worker processes; use it as a context manager.

    ``detector`` builds the detector in each worker; without it the workers only extract
    (every result has no findings). ``max_workers`` defaults to the number of CPUs.
    ``extractor`` replaces ``extract`` in the workers; it exists for tests (a slow or crashing
    stand-in) and should not be passed otherwise. ``on_up`` is told whether the pool is up
    (``up``) each time that changes, from the thread that keeps it up, within
    ``POOL_CHECK_SECONDS``. For an item, its methods raise only
    ``UnsupportedType`` (and ``OSError`` from ``scan_file`` when the path cannot be read).
    As with any fork-server or spawn pool, a script that uses it needs the
    ``if __name__ == "__main__"`` guard; console scripts have it.

    A worker that dies other than by pebble's own hand (``kill -9``, the OOM killer, a crash)
    gets its whole pebble pool replaced, as does a pool pebble says is broken: pebble does not
    survive such a death reliably. A worker killed while idle breaks its pool ("All workers
    expired" when no task is running); one killed while holding the pool's pipe lock (taking
    a task, sending a result) leaves every other worker and the pool's dispatcher waiting on
    it for ever, and the task it was taking is never answered. So a separate thread
    (``_keep_up``) replaces a broken pool within ``POOL_CHECK_SECONDS``; the items under way in
    it get ``BROKEN_POOL_GRACE_SECONDS`` to finish, and those that do not are lost
    (``ScanResult.lost``, ``WorkerLost``), never left waiting. A lost item says whether it
    may have reached a worker (``reached_worker``): not when no worker of its pool (nor of
    one it was moved from) had finished starting, as in a crash loop, so it cannot have
    caused the loss. A worker that started may have taken it and died before pebble heard
    so, so any other loss may be the item's doing.
    """

    def __init__(
        self,
        limits: ScanLimits,
        *,
        detector: DetectorFactory | None = None,
        max_workers: int | None = None,
        extractor: ExtractFunction = extract,
        on_up: Callable[[bool], None] | None = None,
    ) -> None:
        self.limits = limits
        self._detector = detector
        self._max_workers = max_workers or os.cpu_count() or 1
        self._extractor = extractor
        self._lock = threading.Lock()
        self._pool: ProcessPool | None = None
        # The callers' futures of the items in the current pool, each with the way to give
        # it up as lost should the pool be replaced under it.
        self._under_way: dict[Future[Any], _Item] = {}
        # Each pool's sign, set by its workers once one has started: an item in a pool
        # none of whose workers started cannot have caused its loss (``reached_worker``).
        self._workers_up: weakref.WeakKeyDictionary[ProcessPool, ProcessEvent] = (
            weakref.WeakKeyDictionary()
        )
        # Each pool's sign, set by a worker that could not build its detector: the pool
        # answers every item, unscannable, so it is not up.
        self._detector_failed: weakref.WeakKeyDictionary[ProcessPool, ProcessEvent] = (
            weakref.WeakKeyDictionary()
        )
        self._broken: ProcessPool | None = None  # a pool a worker of which died
        self._wake = threading.Event()
        self._keeper: threading.Thread | None = None
        self._ending = False
        # Told whether the pool is up (``up``) each time that changes, from the keeper.
        self._on_up = on_up
        self._told_up: bool | None = None

    def __enter__(self) -> Self:
        self._running()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers after the items already submitted are done."""
        pool = self._end()
        if pool is not None:
            pool.close()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
            pool.join()

    def stop(self) -> None:
        """Stop the workers now (SIGTERM, then SIGKILL after pebble's three seconds), even one
        still loading the model: the items under way are given up, each a result saying the
        pool was shut down."""
        pool = self._end()
        if pool is not None:
            pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
            pool.join()
            with self._lock:
                under_way, self._under_way = self._under_way, {}
            for item in under_way.values():
                item.lose("scanning was cancelled (the pool was shut down)")

    def _end(self) -> ProcessPool | None:
        with self._lock:
            self._ending = True
            pool, self._pool = self._pool, None
        self._wake.set()
        if self._keeper is not None and self._keeper is not threading.current_thread():
            self._keeper.join()
        self._keeper = None
        with self._lock:
            self._ending = False
        return pool

    def up(self) -> bool:
        """Whether the pool can take work: it is running, not broken (it is replaced, by
        ``_keep_up``, within ``POOL_CHECK_SECONDS`` of breaking), and a worker of it has
        started and built its detector (loading the model). Workers that die as they start,
        again and again, or cannot build their detector (the model missing, or too big for the
        memory limit) keep it down."""
        with self._lock:
            pool = self._pool
            broken = pool is self._broken
            started = self._workers_up.get(pool) if pool is not None else None
            failed = self._detector_failed.get(pool) if pool is not None else None
        if pool is None or broken or started is None or failed is None:
            return False
        return started.is_set() and not failed.is_set() and bool(pool.active)

    def submit(
        self, data: bytes, location: str = "", kind: FileType | None = None, *, name: str = ""
    ) -> Future[ScanResult]:
        """Start scanning one item (``kind`` as for ``extract``: read as that type alone);
        the future's result is its ``ScanResult``. A ``name`` (a file's) is scanned with it,
        as its last segment (``with_file_name``).

        The future fails only with ``UnsupportedType``; timeouts, crashes, a broken pool and
        every other failure are results with an unscannable reason and no findings.
        """
        outcome: Future[ScanResult] = Future()
        if len(data) > self.limits.max_item_bytes:
            outcome.set_result(ScanResult(too_large(len(data), self.limits), ()))
            return outcome
        self._schedule(
            _Item(
                _scan_in_worker,
                (self._extractor, data, self.limits, location, kind, name),
                self.limits.item_timeout_seconds,
                outcome,
                lambda done, began: _settle(done, outcome, self.limits, began=began),
                lambda reason, began: _set(outcome, _failed(reason, lost=True, reached=began)),
            )
        )
        return outcome

    def scan(self, data: bytes, location: str = "", kind: FileType | None = None) -> ScanResult:
        """Scan one item in a worker (see ``submit``) and wait for the result."""
        return self.submit(data, location, kind).result()

    def scan_file(self, path: str | os.PathLike[str], location: str = "") -> ScanResult:
        """Scan the file at ``path`` in a worker; its size is checked before it is read."""
        data = read_item(path, self.limits)
        return ScanResult(data, ()) if isinstance(data, Extraction) else self.scan(data, location)

    def extract(self, data: bytes, location: str = "", kind: FileType | None = None) -> Extraction:
        """What ``scan`` read from one item, without its findings."""
        return self.scan(data, location, kind).extraction

    def extract_file(self, path: str | os.PathLike[str], location: str = "") -> Extraction:
        """What ``scan_file`` read from the file at ``path``, without its findings."""
        return self.scan_file(path, location).extraction

    def run_in_worker[T](
        self, function: Callable[..., T], args: tuple[object, ...], timeout: float
    ) -> Future[T]:
        """Start ``function(extractor, limits, *args)`` in a worker, where it may read with
        ``scan_here``; the future fails with whatever it raised, ``TimeoutError`` after
        ``timeout`` seconds (the worker is then killed), or, its worker lost, ``WorkerLost``,
        pebble's ``ProcessExpired`` or ``CancelledError`` (``lost_with_worker``); always
        ``WorkerLost`` (saying so) when no worker took it."""
        outcome: Future[T] = Future()
        self._schedule(
            _Item(
                function,
                (self._extractor, self.limits, *args),
                timeout,
                outcome,
                lambda done, began: _pass_on(done, outcome, began=began),
                lambda reason, began: _fail(outcome, WorkerLost(reason, reached_worker=began)),
            )
        )
        return outcome

    def _schedule(self, item: _Item) -> None:
        """Schedule ``item`` in the current pool, a new one if it broke; when no pool takes
        it, it is given up (lost, and, unless a worker took it before, not reaching one)."""
        for _attempt in range(2):
            pool = self._running()
            try:
                task: Future[Any] = pool.schedule(
                    item.function, args=item.args, timeout=item.timeout
                )
            except RuntimeError:
                # "Unexpected error within the Pool" (it broke just now), or no worker could
                # be started: a new pool, once.
                self._replace(pool)
                continue
            item.send_as(task, self._workers_up.get(pool))
            task.add_done_callback(item.answered)
            with self._lock:
                current = pool is self._pool
                if current:
                    self._under_way[item.outcome] = item
            if not current:  # replaced while scheduling: the task may never be answered
                item.lose(_POOL_REPLACED)
            item.outcome.add_done_callback(self._left)
            return
        item.lose("no scanning worker could be started")

    def _left(self, outcome: Future[Any]) -> None:
        with self._lock:
            self._under_way.pop(outcome, None)

    def _running(self) -> ProcessPool:
        """The pool to schedule in: a new one in place of one a worker of which died."""
        while True:
            with self._lock:
                if self._pool is None:
                    wait_for_helpers_at_exit()
                    self._pool = self._new_pool()
                if self._keeper is None:
                    self._keeper = threading.Thread(
                        target=self._keep_up, name="confide-scan-pool-keeper", daemon=True
                    )
                    self._keeper.start()
                pool = self._pool
                if pool is not self._broken:
                    return pool
            self._replace(pool)

    def _start_pool(self, workers_up: ProcessEvent, detector_failed: ProcessEvent) -> ProcessPool:
        """A new pebble pool whose workers set ``workers_up`` once started, and
        ``detector_failed`` if they could not build their detector: the seam a test's subclass
        uses to have starting one fail."""
        return ProcessPool(
            max_workers=self._max_workers,
            initializer=_start_worker,
            initargs=(self.limits.worker_memory_bytes, self._detector, workers_up, detector_failed),
            context=multiprocessing.get_context(_START_METHOD),
        )

    def _new_pool(self) -> ProcessPool:
        context = multiprocessing.get_context(_START_METHOD)
        workers_up, detector_failed = context.Event(), context.Event()
        pool = self._start_pool(workers_up, detector_failed)
        self._workers_up[pool] = workers_up
        self._detector_failed[pool] = detector_failed
        # pebble's worker manager reports, each time it looks, the workers that ended other
        # than by its own hand (not pebble's public interface: pinned in pyproject.toml, checked
        # by test_pebble_private_api.py and by the tests that kill workers). Each such death
        # is a reason to replace the pool, see the class's docstring.
        manager = pool._pool_manager.worker_manager
        inspect = manager.inspect_workers

        def inspect_and_tell() -> tuple[tuple[int, int | None], ...]:
            expired: tuple[tuple[int, int | None], ...] = inspect()
            if expired:
                with self._lock:
                    self._broken = pool
                self._wake.set()
            return expired

        manager.inspect_workers = inspect_and_tell  # type: ignore[method-assign]
        return pool

    def _keep_up(self) -> None:
        """Replace the pool once it broke (see the class's docstring), until it is closed."""
        while True:
            self._wake.wait(POOL_CHECK_SECONDS)
            self._wake.clear()
            with self._lock:
                if self._ending:
                    return
                pool = self._pool
                broken = pool is not None and pool is self._broken
            try:
                if pool is not None and (broken or not _active(pool)):
                    self._tell_up(False)
                    self._replace(pool)
            except Exception as error:  # noqa: BLE001 - the keeper must outlive any failure
                # No new pool could be started (the fork server itself gone, out of memory):
                # the items sent meanwhile are given up as lost; try again at the next check.
                log.error("could not replace the scanning pool (%s)", type(error).__name__)
            self._tell_up(self.up())

    def _tell_up(self, up: bool) -> None:
        """Tell ``on_up`` whether the pool is up, when that changed since it was last told."""
        if self._on_up is None or up == self._told_up:
            return
        self._told_up = up
        try:
            self._on_up(up)
        except Exception as error:  # noqa: BLE001 - the keeper must outlive any failure
            log.error("could not tell whether the scanning pool is up (%s)", type(error).__name__)

    def _replace(self, broken: ProcessPool) -> None:
        """A new pool in place of ``broken`` if it is still the one in use; the items under
        way in it are given up as lost if it does not answer them within the grace time."""
        with self._lock:
            if self._pool is not broken or self._ending:
                return
            self._pool = self._new_pool()
            self._broken = None  # retired: not to be kept (``_retire``)
            under_way, self._under_way = self._under_way, {}
        log.warning("a scanning worker died or its pool broke; started a new pool")
        threading.Thread(
            target=_retire,
            args=(broken, list(under_way.values()), self._schedule),
            name="confide-scan-pool-retire",
            daemon=True,
        ).start()


def _active(pool: ProcessPool) -> bool:
    """Whether ``pool`` still runs: pebble restarts a stopped pool as it answers, and a pool
    it cannot restart (its workers cannot be started) is not active."""
    try:
        return pool.active
    except (BrokenProcessPool, OSError, RuntimeError):
        return False


_POOL_REPLACED = "the scanning worker was lost (its pool broke and was replaced)"


@dataclass
class _Item:
    """A task for a caller's future (``outcome``): what to run, how to answer ``outcome``
    from the pool's future (``answer``) and how to give it up as lost (``give_up``), each
    told whether the item may have reached a worker (``began``)."""

    function: Callable[..., object]
    args: tuple[object, ...]
    timeout: float
    outcome: Future[Any]
    answer: Callable[[Future[Any], bool], None]
    give_up: Callable[[str, bool], None]
    task: Future[Any] | None = None
    workers_up: ProcessEvent | None = None  # of the pool of ``task``
    began_before: bool = False  # in a pool it was moved from

    def began(self) -> bool:
        """Whether it may have reached a worker: a worker of its pool, or of one it was
        moved from, had started (and may have taken it, dying before pebble heard so)."""
        up = self.workers_up is not None and self.workers_up.is_set()
        return self.began_before or up

    def send_as(self, task: Future[Any], workers_up: ProcessEvent | None) -> None:
        """Now sent to a pool as ``task``; ``workers_up`` is set once a worker of it starts."""
        self.began_before = self.began()
        self.task, self.workers_up = task, workers_up

    def answered(self, task: Future[Any]) -> None:
        """The pool's answer; none for a task ``_retire`` cancelled to send to another pool."""
        if not task.cancelled():
            self.answer(task, self.began())

    def lose(self, reason: str) -> None:
        """Give it up as lost, for ``reason``."""
        self.give_up(reason, self.began())


def _retire(pool: ProcessPool, under_way: list[_Item], resend: Callable[[_Item], None]) -> None:
    """Move the items a broken pool has not begun to the new one (never run, they are not
    lost), let it answer the ones begun within the grace time, give up the rest as lost,
    then stop it (its workers killed, its threads ended once its pipe has no reader)."""
    begun = []
    for item in under_way:
        if item.task is not None and item.task.cancel():
            resend(item)
        else:
            begun.append(item)
    wait_for_futures([item.outcome for item in begun], timeout=BROKEN_POOL_GRACE_SECONDS)
    for item in begun:
        item.lose(_POOL_REPLACED)
    pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
    pool.join()
    # The pool's own closure (``inspect_and_tell``, set on its worker manager) is its only
    # reference cycle: broken here, the pool and its semaphores are freed as this thread
    # lets go of it, not by the cyclic collector at some later allocation, which may fall
    # inside a call to the resource tracker; Python 3.12's tracker then does not unlink
    # them ("called reentrantly ... might leak") and warns again as it ends.
    vars(pool._pool_manager.worker_manager).pop("inspect_workers", None)


def _set[T](outcome: Future[T], result: T) -> None:
    """Answer ``outcome`` unless it was answered already (given up, or by the pool)."""
    with contextlib.suppress(InvalidStateError):
        outcome.set_result(result)


def _fail(outcome: Future[Any], error: BaseException) -> None:
    with contextlib.suppress(InvalidStateError):
        outcome.set_exception(error)


def _pass_on[T](task: Future[T], outcome: Future[T], *, began: bool) -> None:
    """Answer ``outcome`` as the pool answered ``task``; lost by a pool no worker of which
    took it (``began``), as ``WorkerLost`` saying so."""
    try:
        result = task.result()
    except BaseException as error:  # noqa: BLE001 - passed on as it is
        if not began and lost_with_worker(error):
            error = WorkerLost(
                f"no scanning worker took it ({type(error).__name__})", reached_worker=False
            )
        _fail(outcome, error)
    else:
        _set(outcome, result)


_helpers_awaited = False


def wait_for_helpers_at_exit() -> None:
    """Have this process, as it exits, stop the fork server and the resource tracker it
    started and wait for them (``HELPER_EXIT_SECONDS`` each, then SIGKILL), so that neither
    outlives it; left alone, each ends only once it notices its parent has gone.

    It runs after every other exit handler of multiprocessing's, once this process's own
    children have been joined and its semaphores released: a resource tracker stopped
    earlier would take the semaphores still open for leaked, and say so on stderr.
    """
    global _helpers_awaited  # noqa: PLW0603  # registered once per process
    if not _helpers_awaited:
        _helpers_awaited = True
        multiprocessing.util.Finalize(None, _stop_helpers, exitpriority=-1)


def _stop_helpers() -> None:
    # The standard library stops these helpers only in its own tests (``_stop``, which waits
    # without a bound), so their private attributes are read here. In a process that did not
    # start them (a worker using its parent's resource tracker) the pid is None.
    from multiprocessing import forkserver, resource_tracker

    server = forkserver._forkserver
    _stop_helper(server, "_forkserver_pid", "_forkserver_alive_fd")
    tracker = resource_tracker._resource_tracker
    _stop_helper(tracker, "_pid", "_fd")


def _stop_helper(helper: object, pid_name: str, alive_fd_name: str) -> None:
    """Close the helper's "alive" pipe, which tells it to exit, and wait for it."""
    pid: int | None = getattr(helper, pid_name, None)
    alive_fd: int | None = getattr(helper, alive_fd_name, None)
    if pid is None or alive_fd is None:
        return
    os.close(alive_fd)
    setattr(helper, alive_fd_name, None)
    setattr(helper, pid_name, None)
    deadline = time.monotonic() + HELPER_EXIT_SECONDS
    try:
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            time.sleep(0.02)
    except ChildProcessError:  # reaped already
        return


def _start_worker(
    limit_bytes: int,
    make_detector: DetectorFactory | None,
    workers_up: ProcessEvent,
    detector_failed: ProcessEvent,
) -> None:
    """Worker initializer: cap the worker's address space, keep pypdf's warnings about damaged
    files (which may quote bits of them) out of the logs, then build the detector.

    The cap is set first, so the model counts against it. One BLAS thread is all a worker
    uses (see ``scanner.detect._nlp``); asking for one before numpy loads keeps OpenBLAS from
    reserving a thread and buffer per core, which would make the address space the model
    needs depend on the machine. A detector that cannot be built (the model is missing, or
    does not fit in the cap) is not retried for ever by pebble: the failure is kept, and
    every item this worker is given is unscannable with it as the reason, and it sets
    ``detector_failed``. Once started, it sets ``workers_up``: a worker of its pool may take
    items now.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.addHandler(logging.NullHandler())
    pypdf_logger.propagate = False
    global _detector, _detector_failure  # noqa: PLW0603  # one detector per worker, built once
    if make_detector is not None:
        try:
            _detector = make_detector()
        except MemoryError:
            _detector_failure = f"the detector did not fit in {_in_mib(limit_bytes)} of memory"
        except Exception as error:  # noqa: BLE001 - reported with every item, so it is held
            _detector_failure = f"the detector could not be started ({type(error).__name__})"
    if _detector_failure is not None:
        log.error("scanning worker: %s", _detector_failure)
        detector_failed.set()
    workers_up.set()


def _scan_in_worker(  # noqa: PLR0917 - pebble passes a task's arguments by position
    extractor: ExtractFunction,
    data: bytes,
    limits: ScanLimits,
    location: str,
    kind: FileType | None,
    name: str,
) -> ScanResult:
    """The work of one item in a worker: extraction, then detection over what was read."""
    return scan_here(extractor, data, limits, location=location, kind=kind, name=name)


def scan_here(
    extractor: ExtractFunction,
    data: bytes,
    limits: ScanLimits,
    *,
    location: str = "",
    kind: FileType | None = None,
    earlier: ScanResult | None = None,
    removed: Sequence[Removal] = (),
    name: str = "",
) -> ScanResult:
    """Scan one item in this worker, with its detector; for a function ``run_in_worker``
    runs. ``earlier`` is an item already scanned whose segments need not be read again
    (``Detector.scan``), and with ``removed`` the item is a copy of it with those values
    removed, read for the safety net; ``name`` is the item's file name, scanned with it.
    Raises ``UnsupportedType`` as ``extract`` does."""
    extraction = with_file_name(extractor(data, limits, location, kind), name)
    if _detector_failure is not None:
        failed = Extraction(
            extraction.kind,
            extraction.segments,
            (*extraction.unscannable, f"it was not scanned: {_detector_failure}"),
        )
        return ScanResult(failed, ())
    if _detector is None:
        return ScanResult(extraction, ())
    before = None if earlier is None else (earlier.extraction, earlier.findings)
    findings = tuple(_detector.scan(extraction, before, removed))
    return ScanResult(extraction, findings, _detector.owners(extraction, findings))


def _settle(
    task: Future[ScanResult], outcome: Future[ScanResult], limits: ScanLimits, *, began: bool
) -> None:
    """Turn a finished worker task into the item's result; ``began``: a worker took it."""
    try:
        _set(outcome, task.result())
    except UnsupportedType as error:
        _fail(outcome, error)
    except TimeoutError:
        _set(outcome, _failed(f"scanning took longer than {limits.item_timeout_seconds:g} s"))
    except MemoryError:
        memory = _in_mib(limits.worker_memory_bytes)
        _set(outcome, _failed(f"scanning needed more than {memory} of memory"))
    except ProcessExpired as error:
        # Killed from outside (kill -9, the kernel's OOM killer) or crashed by the item: lost.
        # The item's own memory limit is a ``MemoryError`` above, the item's doing.
        reason = f"the scanning worker ran out of memory or died ({_how(error.exitcode)})"
        _set(outcome, _failed(reason, lost=True))
    except BrokenProcessPool:
        _set(outcome, _failed(_POOL_REPLACED, lost=True, reached=began))
    except CancelledError:
        reason = "scanning was cancelled (the pool was shut down)"
        _set(outcome, _failed(reason, lost=True, reached=began))
    except Exception as error:  # noqa: BLE001 - any other failure is a reason, not a crash
        _set(outcome, _failed(f"scanning failed ({type(error).__name__})"))


def _in_mib(size: int) -> str:
    return f"{size / MIB:,.0f} MiB"


def _how(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        try:
            return f"killed by {signal.Signals(-exit_code).name}"
        except ValueError:
            return f"killed by signal {-exit_code}"
    return f"exit code {exit_code}"


def _failed(reason: str, *, lost: bool = False, reached: bool = True) -> ScanResult:
    extraction = Extraction(kind=UNKNOWN_KIND, unscannable=(reason,))
    return ScanResult(extraction, (), lost=lost, reached_worker=reached)
