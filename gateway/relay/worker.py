"""The entry points of a scanning worker process, and the relay's pool of them.

Workers are spawned (a clean interpreter, no inherited database connections), so this module
must import without Django being set up: ``start_worker`` sets Django up, then builds the
pipeline once; ``process_in_worker`` runs one message through it. In ``confide run`` the
watcher and the review app borrow these workers (``gateway.relay.lent_workers``):
``scan_lent`` and ``run_lent`` run their items in the same sandboxed worker, so a node loads
the model once per scanning worker, not once more for each door.

The relay stops its workers itself (``service``): a worker ignores SIGINT (Ctrl-C reaches
the whole process group), and on SIGTERM or its pool's end it leaves through its exit
handlers, which stop its extraction workers and wait for their fork server. At its pool's
end it lets its extraction workers finish what they were given (nothing: it was between
messages); on SIGTERM it stops them at once, even one still loading the model, and a
SIGTERM while it is itself still starting ends it once starting is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing.util
import os
import signal
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from gateway.relay.worker_states import WorkerStates
from scanner.sandbox import wait_for_helpers_at_exit

if TYPE_CHECKING:
    from gateway.relay.pipeline import Pipeline
    from gateway.relay.processing import Processed
    from gateway.relay.spool import Received
    from scanner.filetype import FileType
    from scanner.scanning import Scanner, ScanningWorkers, ScanResult

log = logging.getLogger("confide.relay")

_pipeline: Pipeline | None = None
_busy = False  # processing a message, or another door's item
_stopping = False  # told to stop by SIGTERM
# A worker stopped while starting ends within this, whatever its exit handlers wait for.
LEAVING_SECONDS = 10.0
# How often the relay looks whether its scanning workers' pool broke (a worker died while
# idle as well as mid-scan): a broken pool shows on /readyz until it is replaced.
POOL_CHECK_SECONDS = 1.0
# How often a scanning worker looks whether the relay that started it is still there.
PARENT_CHECK_SECONDS = 1.0


class WorkerStopped(BaseException):
    """The worker was told to stop (SIGTERM) while processing a message (or another door's
    item); nothing of it was recorded, and the message stays to be processed. Not an
    ``Exception``: no handler on the way may take it for a fault of the message's and hold
    it."""


def start_worker(states_folder: str | None = None) -> None:
    """Initialise a scanning worker process: signals, Django, then the scanner (whose own
    sandboxed worker loads the model), which tells whether that worker is up in
    ``states_folder`` (``WorkerStates``) if given."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _leave_with_parent(os.getppid())
    states = None if states_folder is None else WorkerStates(Path(states_folder))
    try:
        _build_pipeline(states)
    except SystemExit:
        # SIGTERM just as starting ended. The executor would log a failing initializer's
        # traceback and then let the process end; it ends here instead, through the same exit
        # handlers.
        _leave_at_once()
    if _stopping:  # SIGTERM while starting: leave now that nothing is half-started
        _leave_at_once()


def _build_pipeline(states: WorkerStates | None) -> None:
    import django

    django.setup()
    from gateway.config import load_settings
    from gateway.relay.pipeline import Pipeline
    from gateway.scanner_setup import build_scanner

    global _pipeline  # noqa: PLW0603  # one pipeline per worker process, built once
    on_up = None
    if states is not None:
        # Down until the sandboxed worker says otherwise, whatever a process with this pid
        # said before.
        states.tell(os.getpid(), False)
        on_up = functools.partial(states.tell, os.getpid())
    scanner = build_scanner(extraction_workers=1, on_up=on_up)
    scanner.__enter__()
    # Its extraction workers are stopped as the worker process ends, before the interpreter
    # waits for threads (pebble's would wait for ever): a multiprocessing finaliser runs then.
    multiprocessing.util.Finalize(None, _stop_extraction, (scanner,), exitpriority=10)
    pipeline = Pipeline.from_settings(load_settings(), scanner)
    pipeline.warm_up()
    _pipeline = pipeline


def _stop_extraction(scanner: Scanner) -> None:
    """Stop the scanner's extraction workers as this worker ends: at once after SIGTERM (an
    item under way is given up with its message, which the relay gives back), otherwise once
    the items they were given are done."""
    if _stopping:
        scanner.pool.stop()
    else:
        scanner.pool.close()


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """SIGTERM: leave through ``SystemExit``, so that the exit handlers run; in the middle of
    a message, first give that message up (its pool hands the exception to the relay, which
    is stopping, and the pool's end follows). Once leaving, another SIGTERM is ignored: it
    must not cut the exit handlers short."""
    global _stopping  # noqa: PLW0603  # read by the exit handler
    _stopping = True
    if _pipeline is None:
        # Still starting: an exception thrown into the middle of starting a thread or a
        # process can leave a lock held for ever, and the worker with it (seen in CI).
        # ``start_worker`` leaves once starting is done.
        return
    if _busy:
        raise WorkerStopped("stopped by SIGTERM")
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(0)


def _leave_with_parent(parent: int) -> None:
    """Leave, as at a stop, once the relay that started this worker is gone (``kill -9``, the
    OOM killer): nothing else would end it, for the executor's queues are open at both ends
    in each worker, so no end of input ever comes, and it would keep its model, its fork
    server and its extraction worker (about 0.5 GB) for ever. What it was doing is lost with
    the relay, whose claims other nodes, or the relay restarted, take again."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        global _stopping  # noqa: PLW0603  # read by the exit handler: stop at once
        _stopping = True
        log.warning("the relay that started this scanning worker is gone; leaving")
        _leave_at_once()

    threading.Thread(target=watch, name="confide-parent-watch", daemon=True).start()


def _leave_at_once() -> None:
    """End this process now, after multiprocessing's exit handlers (the scanner's, the wait
    for its helper processes) and with the logs flushed."""
    # The exit handlers (which stop the extraction worker, perhaps still loading the model)
    # get a bounded time.
    deadline = threading.Timer(LEAVING_SECONDS, os._exit, (0,))
    deadline.daemon = True
    deadline.start()
    # Private, as in pebble, which ends its workers the same way.
    multiprocessing.util._exit_function()  # type: ignore[attr-defined]
    logging.shutdown()
    os._exit(0)


def scan_lent(data: bytes, location: str, kind: FileType | None, name: str) -> ScanResult:
    """Scan another door's item in a worker started by ``start_worker`` (a watched document,
    a message a manager releases redacted: ``gateway.relay.lent_workers``), in this worker's
    sandboxed worker as its mail is, under the same limits. Fails only with
    ``UnsupportedType``, or ``WorkerStopped`` on SIGTERM."""
    return _lent(lambda pool: pool.submit(data, location, kind, name=name).result())


def run_lent[T](function: Callable[..., T], args: tuple[object, ...], timeout: float) -> T:
    """Run another door's task (``ScanningWorkers.run_in_worker``: a watched document's copy,
    made and read for the safety net) in this worker's sandboxed worker; its failures are
    raised here, as the sandboxed worker's would be."""
    return _lent(lambda pool: pool.run_in_worker(function, args, timeout).result())


def _lent[T](work: Callable[[ScanningWorkers], T]) -> T:
    global _busy  # noqa: PLW0603  # read by the SIGTERM handler
    assert _pipeline is not None, "start_worker() has not run in this process"
    _busy = True
    try:
        return work(_pipeline.scanner.pool)
    finally:
        _busy = False


def process_in_worker(message: Received | uuid.UUID) -> Processed:
    """Process one message in a worker started by ``start_worker``: the one just received,
    or one to read by its id. The copies to send, and the kinds of what could not be read."""
    from gateway.database import on_usable_connection
    from gateway.relay.processing import processed

    global _busy  # noqa: PLW0603  # read by the SIGTERM handler
    assert _pipeline is not None, "start_worker() has not run in this process"
    _busy = True
    try:
        return on_usable_connection(processed)(_pipeline, message)
    finally:
        _busy = False


class ScanPool:
    """The relay's scanning workers: an executor, replaced by a new one once it breaks (a
    worker killed or out of memory breaks the whole of a ``ProcessPoolExecutor``)."""

    def __init__(
        self, make: Callable[[], Executor], workers: int = 1, states: WorkerStates | None = None
    ) -> None:
        self._make = make
        self.workers = workers  # processes in each executor ``make`` makes
        # Where the processes (started by ``start_worker`` with its folder) say whether their
        # sandboxed workers are up; without it, a process that runs is up.
        self.states = states
        self._lock = threading.Lock()
        self.executor = make()
        # Set once the relay stops: the workers lent to other doors take nothing more.
        self.stopping = False
        # The other doors' items in the pool, and whether a suspect is being scanned alone
        # (they wait for it): see ``alone``.
        self._lent = threading.Condition()
        self._lent_in_pool = 0
        self._alone = False

    @classmethod
    def of_processes(cls, workers: int) -> ScanPool:
        """``workers`` spawned processes, each set up by ``start_worker``; this process waits
        for the resource tracker they share as it exits."""
        wait_for_helpers_at_exit()
        states = WorkerStates.new()
        # spawn: workers start clean, without this process's open database connections.
        return cls(
            lambda: ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(str(states.folder),),
            ),
            workers,
            states,
        )

    def up(self) -> bool:
        """Whether the pool can take work: it is not broken, and each of its processes that
        has started (they start with the first items sent) has its sandboxed worker up."""
        executor = self.executor
        if _broken(executor):
            return False
        if self.states is None:
            return True
        # The executor's own record of its processes, not in its public interface.
        processes: dict[int, BaseProcess] = getattr(executor, "_processes", None) or {}
        return all(self.states.up(pid) for pid in list(processes))

    def replace(self, broken: Executor) -> bool:
        """A new executor in place of ``broken`` if that is still the one in use (it may
        have been replaced already), logged once; whether it was replaced."""
        with self._lock:
            if self.executor is not broken:
                return False
            self.executor = self._make()
        broken.shutdown(wait=False, cancel_futures=True)
        log.warning("the scanning workers stopped (one died); started new ones")
        return True

    async def keep_up(self, every: float = POOL_CHECK_SECONDS) -> None:
        """Every ``every`` seconds, replace the executor if it broke, so that a worker that
        died while idle is replaced without waiting for the next message."""
        while True:
            await asyncio.sleep(every)
            executor = self.executor
            if _broken(executor):
                self.replace(executor)

    def submit_lent[T](self, function: Callable[..., T], *args: object) -> Future[T]:
        """Another door's item (``gateway.relay.lent_workers``) in the pool, once no suspect
        is being scanned alone (it waits, in its door's thread, while one is). Raises as the
        executor's ``submit`` does (a broken one is replaced first), and ``RuntimeError``
        once the relay stops."""
        with self._lent:
            self._lent.wait_for(lambda: not self._alone or self.stopping)
            if self.stopping:
                raise RuntimeError("the relay is stopping")
            self._lent_in_pool += 1
        executor = self.executor
        try:
            # Not under the condition's lock: the pool runs the callback below holding its
            # own lock, which submitting takes too.
            sent = executor.submit(function, *args)
        except BaseException as exc:
            self._left_the_pool()
            if isinstance(exc, BrokenProcessPool):
                self.replace(executor)  # as the relay does; once, whoever sees it first
            raise
        sent.add_done_callback(lambda _sent: self._left_the_pool())
        return sent

    def _left_the_pool(self) -> None:
        with self._lent:
            self._lent_in_pool -= 1
            self._lent.notify_all()

    @contextlib.asynccontextmanager
    async def alone(self, every: float = 0.05) -> AsyncIterator[None]:
        """While this is entered, the other doors' items wait, and it is entered once those
        already in the pool have left it: with the relay's own scans held back by the
        caller, the pool runs one message only (a suspect, ``service``)."""
        with self._lent:
            self._alone = True
        try:
            while True:
                with self._lent:
                    if self._lent_in_pool == 0:
                        break
                await asyncio.sleep(every)  # an item is at most a scan's time limit or three
            yield
        finally:
            with self._lent:
                self._alone = False
                self._lent.notify_all()

    def shutdown(self) -> list[BaseProcess]:
        """Stop taking work; the workers end after the message they may be on. The worker
        processes, for the caller to wait for (only these: others, such as the watcher's
        sandboxed workers in the same process, are not the relay's to stop)."""
        # The executor's own record of its processes, not in its public interface.
        self.stopping = True
        with self._lent:
            self._lent.notify_all()  # the other doors' items waiting for a suspect: they end
        processes: dict[int, BaseProcess] = getattr(self.executor, "_processes", None) or {}
        workers = list(processes.values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        return workers


def _broken(executor: Executor) -> bool:
    # The flag is the executor's own, not in its public interface (a thread pool has one too).
    return bool(getattr(executor, "_broken", False))
