"""Sandboxed scanning workers killed with real SIGKILLs, as issue 18's hostile tester did
(``kill -9`` of the fork server's children): idle or busy, once or again and again, the pool
is replaced, the items under way are answered (lost, to try again), and nothing raises or
hangs."""

from __future__ import annotations

import faulthandler
import functools
import gc
import os
import signal
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import wait
from multiprocessing import forkserver
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pebble import ProcessPool

from scanner.extract import extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.sandbox import (
    BROKEN_POOL_GRACE_SECONDS,
    POOL_CHECK_SECONDS,
    ExtractionPool,
    ScanResult,
    WorkerLost,
)
from scanner.segments import Extraction

if TYPE_CHECKING:
    from scanner.detect.detector import Detector

pytestmark = pytest.mark.slow

LIMITS = ScanLimits(item_timeout_seconds=20)
WORKERS = 2
# Items as big as the hostile tester's (about 9.7 KB each): sending one takes the pipe's lock
# long enough for a kill to land in it.
PADDING = b" the summer fair is on Saturday." * 300


def slow_extract(
    data: bytes, limits: ScanLimits, location: str, kind: FileType | None
) -> Extraction:
    """``extract``, after a pause, so that a pool given many items is busy for a while."""
    time.sleep(0.15)
    return extract(data, limits, location, kind)


def _workers(pool: ExtractionPool) -> list[int]:
    """``pool``'s workers, as the tester found them (``pgrep -P`` of the fork server): the
    fork server's children that are this pool's. Under xdist other pools of the same test
    process (the session's scanner) have their workers under the same fork server, and are
    not this test's to kill."""
    server = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    mine = _pool_workers(pool)
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) not in mine:
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[1]) == server:
            children.append(int(entry.name))
    return children


def _pool_workers(pool: ExtractionPool) -> set[int]:
    """The process ids of the workers pebble keeps for ``pool``'s current pebble pool (not
    either's public interface; read again if pebble changes them as they are read)."""
    running = pool._pool
    if running is None:
        return set()
    for _ in range(100):
        try:
            return set(running._pool_manager.worker_manager.workers)
        except RuntimeError:  # changed size during iteration
            time.sleep(0.01)
    return set()


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue


def _wait_for_workers(
    pool: ExtractionPool,
    previous: set[int] = frozenset(),  # type: ignore[assignment]
) -> list[int]:
    """``pool``'s workers, once ``WORKERS`` of them run and none is one of ``previous``."""
    deadline = time.monotonic() + 20
    while True:
        workers = _workers(pool)
        if len(workers) == WORKERS and not previous & set(workers):
            return workers
        assert time.monotonic() < deadline, f"workers {workers}, killed {previous}"
        time.sleep(0.05)


def _text(number: int) -> bytes:
    return b"Minutes %d:" % number + PADDING


def _scanned(result: ScanResult, number: int) -> bool:
    return [s.text for s in result.extraction.segments] == [_text(number).decode()]


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    """Two workers, up; a hang anywhere (the test or the pool's end) ends the test run
    after a minute, with every thread's stack (no pytest-timeout here)."""
    faulthandler.dump_traceback_later(60, exit=True)
    try:
        with ExtractionPool(LIMITS, max_workers=WORKERS, extractor=slow_extract) as running:
            assert _scanned(running.scan(_text(0)), 0)
            yield running
    finally:
        faulthandler.cancel_dump_traceback_later()


def test_idle_workers_killed_are_replaced(pool: ExtractionPool) -> None:
    """Both workers killed while idle (``confide run``'s finding: every item after it failed
    with RuntimeError and /readyz said ok): new workers take their place, the pool says it
    is up again, and the items sent after it are scanned."""
    killed = _wait_for_workers(pool)
    _kill(killed)
    _wait_for_workers(pool, set(killed))
    deadline = time.monotonic() + 10
    while not pool.up():
        assert time.monotonic() < deadline, "the pool never came back up"
        time.sleep(0.05)
    futures = [pool.submit(_text(number)) for number in range(11)]
    for number, future in enumerate(futures):
        result = future.result(timeout=30)
        assert _scanned(result, number), result
        assert not result.lost


def test_a_busy_pool_killed_again_and_again(pool: ExtractionPool) -> None:
    """Both workers killed three times, 0.6 s apart, under a pool full of items (``confide
    watch --once``'s finding: BrokenProcessPool taken for the item's fault, pebble's
    "Unexpected error within the Pool" raised by submit, or a hang): every item is answered
    within its time, scanned or lost; the lost ones are scanned when sent again."""
    futures = {}
    started = time.monotonic()
    number = 0
    for _kill_round in range(3):
        for _ in range(10):
            number += 1
            futures[number] = pool.submit(_text(number))  # never raises
        time.sleep(0.6)
        _kill(_workers(pool))
    for _ in range(5):
        number += 1
        futures[number] = pool.submit(_text(number))
    _done, not_done = wait(futures.values(), timeout=40)
    assert not not_done, "items left unanswered (the pool hung)"
    lost = []
    for item, future in futures.items():
        result = future.result()
        if result.lost:
            assert result.extraction.unscannable, result
            lost.append(item)
        else:
            assert _scanned(result, item), result
    assert lost, "no kill landed on an item"
    assert time.monotonic() - started < 50
    again = {item: pool.submit(_text(item)) for item in lost}
    for item, future in again.items():
        result = future.result(timeout=30)
        assert _scanned(result, item), result


def dies_as_it_starts(flag: str) -> None:
    """A worker's detector factory: the worker kills itself with SIGKILL as it starts while
    the file ``flag`` exists (a crash loop), and only extracts otherwise."""
    if os.path.exists(flag):
        os.kill(os.getpid(), signal.SIGKILL)


def _echo(extractor: object, limits: ScanLimits, text: str) -> str:
    return text


def test_items_no_worker_took_say_so(tmp_path: Path) -> None:
    """Workers in a crash loop (each killed as it starts): the items, which no worker took,
    are lost saying so (``reached_worker``: none of theirs can be the cause), scans and
    ``run_in_worker`` tasks alike; once workers start again, items are scanned."""
    crashing = tmp_path / "crash loop"
    crashing.touch()
    faulthandler.dump_traceback_later(60, exit=True)
    try:
        with ExtractionPool(
            LIMITS,
            max_workers=1,
            detector=functools.partial(dies_as_it_starts, str(crashing)),  # type: ignore[arg-type]
        ) as pool:
            scans = [pool.submit(_text(number)) for number in range(3)]
            task = pool.run_in_worker(_echo, ("hello",), 10)
            for scan in scans:
                result = scan.result(timeout=30)
                assert (result.lost, result.reached_worker) == (True, False), result
            with pytest.raises(WorkerLost) as lost:
                task.result(timeout=30)
            assert not lost.value.reached_worker
            crashing.unlink()
            result = pool.submit(_text(4)).result(timeout=30)
            while result.lost:  # sent to a pool whose workers died before the flag went
                assert not result.reached_worker, result
                result = pool.submit(_text(4)).result(timeout=30)
            assert _scanned(result, 4), result
    finally:
        faulthandler.cancel_dump_traceback_later()


class StartsNoPoolOnce(ExtractionPool):
    """A pool whose next new pebble pool fails to start, once, when told to (as when the
    fork server itself is gone)."""

    def __init__(self) -> None:
        super().__init__(LIMITS, max_workers=WORKERS, extractor=slow_extract)
        self.fail_next = threading.Event()
        self.failed = threading.Event()

    def _start_pool(self, workers_up: ProcessEvent, detector_failed: ProcessEvent) -> ProcessPool:
        if self.fail_next.is_set():
            self.fail_next.clear()
            self.failed.set()
            raise OSError("no fork server")
        return super()._start_pool(workers_up, detector_failed)


def test_the_keeper_outlives_a_pool_it_cannot_start(caplog: pytest.LogCaptureFixture) -> None:
    """The thread that replaces a broken pool used to end when starting the new one raised,
    and no pool was replaced after that. It logs, tries again at its next check, and the
    pool is up again with nothing sent to it meanwhile."""
    faulthandler.dump_traceback_later(60, exit=True)
    try:
        with StartsNoPoolOnce() as pool:
            assert _scanned(pool.scan(_text(0)), 0)
            broken = pool._pool
            pool.fail_next.set()
            _kill(_wait_for_workers(pool))
            assert pool.failed.wait(20), "the keeper never tried to replace the pool"
            deadline = time.monotonic() + 10
            while not (pool.up() and pool._pool is not broken):
                assert time.monotonic() < deadline, "no pool was started after the failure"
                time.sleep(0.05)
            assert pool._keeper is not None
            assert pool._keeper.is_alive()
            assert _scanned(pool.scan(_text(1)), 1)
        assert "could not replace the scanning pool (OSError)" in caplog.messages
    finally:
        faulthandler.cancel_dump_traceback_later()


def test_the_pool_tells_it_is_down_while_a_killed_worker_is_replaced() -> None:
    """``on_up`` (the relay's /readyz): told up once the workers started, down when one is
    killed, and up again once the new pool's workers have started."""
    told: list[bool] = []
    faulthandler.dump_traceback_later(60, exit=True)
    try:
        with ExtractionPool(
            LIMITS, max_workers=WORKERS, extractor=slow_extract, on_up=told.append
        ) as pool:
            assert _scanned(pool.scan(_text(0)), 0)
            _wait_for(lambda: told[-1:] == [True], "never told up")
            killed = _wait_for_workers(pool)
            _kill(killed)
            _wait_for_workers(pool, set(killed))
            _wait_for(lambda: len(told) > 2 and told[-1], "never told up again")
            assert _scanned(pool.scan(_text(1)), 1)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert told[-3:] == [True, False, True]


def _wait_for(condition: Callable[[], bool], failure: str) -> None:
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.02)


def _detector_without_its_model() -> Detector:
    raise OSError("no model here")


def test_a_pool_whose_detector_cannot_be_built_is_not_up() -> None:
    """Workers that start but cannot build their detector (the model missing, or too big for
    the memory limit) answer every item unscannable: the pool never says it is up."""
    told: list[bool] = []
    faulthandler.dump_traceback_later(60, exit=True)
    try:
        with ExtractionPool(
            LIMITS, max_workers=1, detector=_detector_without_its_model, on_up=told.append
        ) as pool:
            result = pool.scan(_text(0))
            assert result.extraction.unscannable == (
                "it was not scanned: the detector could not be started (OSError)",
            )
            _wait_for(lambda: bool(told), "never told")
            time.sleep(3 * POOL_CHECK_SECONDS)
            assert not pool.up()
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert told == [False]


def test_a_replaced_pool_is_freed_as_it_is_retired(pool: ExtractionPool) -> None:
    """A pebble pool replaced after its workers were killed is freed, its semaphores with
    it, once it is retired, not left to the cyclic garbage collector: collected at some
    later allocation, which may fall inside a call to the resource tracker, its semaphores
    were not unlinked and Python warned ("called reentrantly ... might leak")."""
    gc.disable()
    try:
        retired = weakref.ref(pool._pool)
        killed = _wait_for_workers(pool)
        _kill(killed)
        _wait_for_workers(pool, set(killed))
        deadline = time.monotonic() + BROKEN_POOL_GRACE_SECONDS + 10
        while retired() is not None:
            assert time.monotonic() < deadline, "the retired pool was kept"
            time.sleep(0.05)
    finally:
        gc.enable()
