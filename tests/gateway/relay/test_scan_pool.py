"""The relay's pool of scanning workers: one killed while idle is noticed and replaced
without waiting for mail, and the replacement is logged once; one whose own sandboxed worker
(the model's) is killed is down until the worker started in its place is up; the other doors'
items wait while a suspect message is scanned alone."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from gateway.relay.worker import ScanPool

pytestmark = [pytest.mark.slow]  # starts worker processes


def test_a_worker_killed_while_idle_is_replaced_without_mail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """kill -9 of an idle worker breaks the pool; the pool's own check replaces it (one
    warning), it shows up again, and the new one takes work."""
    pool = ScanPool(lambda: ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")))

    async def kill_and_wait() -> tuple[int, bool, int]:
        loop = asyncio.get_running_loop()
        checking = asyncio.create_task(pool.keep_up(every=0.05))
        try:
            killed = await loop.run_in_executor(pool.executor, os.getpid)
            broken = pool.executor
            os.kill(killed, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while pool.executor is broken:
                assert time.monotonic() < deadline, "the broken pool was not replaced"
                await asyncio.sleep(0.05)
            up = pool.up()
            return killed, up, await loop.run_in_executor(pool.executor, os.getpid)
        finally:
            checking.cancel()

    with caplog.at_level(logging.INFO, logger="confide.relay"):
        try:
            killed, up, working = asyncio.run(kill_and_wait())
        finally:
            pool.executor.shutdown(wait=True)
    assert up
    assert working != killed
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "the scanning workers stopped (one died); started new ones"
    ]


def test_sigterm_while_a_worker_starts_ends_it_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    """SIGTERM to a scanning worker still starting (setting Django up, building its scanner):
    it exits 0 within seconds, without the traceback of a failed initializer on stderr."""
    pool = ScanPool.of_processes(1)
    try:
        pool.executor.submit(os.getpid)  # starts the worker
        processes = pool.executor._processes  # type: ignore[attr-defined]  # only here
        worker = next(iter(processes.values()))
        deadline = time.monotonic() + 60
        while not _catches_sigterm(worker.pid):  # set first thing, before Django
            assert time.monotonic() < deadline, "the worker set no SIGTERM handler"
            time.sleep(0.01)
        os.kill(worker.pid, signal.SIGTERM)
        worker.join(30)
        assert worker.exitcode == 0
    finally:
        pool.executor.shutdown(wait=True)
        assert pool.states is not None
        pool.states.remove()
    stderr = capfd.readouterr().err
    assert "Traceback" not in stderr
    assert "initializer" not in stderr


def test_a_killed_sandboxed_worker_keeps_the_pool_down_until_its_replacement_is_up() -> None:
    """/readyz's scan workers: a scanning process is up only while its sandboxed worker is.
    Killed (the OOM killer, say), that worker is replaced by its pool; until the new one has
    loaded the model, the relay's pool says it is down, then up again."""
    pool = ScanPool.of_processes(1)
    assert pool.states is not None
    try:
        scanning = pool.executor.submit(os.getpid).result(timeout=120)
        _wait_until(pool.up, 120, "the pool never came up")
        (sandboxed,) = _sandboxed_workers(scanning)
        os.kill(sandboxed, signal.SIGKILL)
        _wait_until(lambda: not pool.up(), 30, "the pool never said it was down")
        _wait_until(pool.up, 120, "the pool never came back up")
        assert _sandboxed_workers(scanning) not in ([], [sandboxed])
    finally:
        pool.executor.shutdown(wait=True)
        pool.states.remove()


def _wait_until(condition: Callable[[], bool], seconds: float, failure: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.02)


def _sandboxed_workers(scanning: int) -> list[int]:
    """The sandboxed workers of the scanning process ``scanning``: its fork server's
    children."""
    (server,) = (
        child
        for child in psutil.Process(scanning).children()
        if "multiprocessing.forkserver" in " ".join(child.cmdline())
    )
    return [worker.pid for worker in server.children()]


def _catches_sigterm(pid: int) -> bool:
    """Whether process ``pid`` has a handler for SIGTERM (Linux: /proc's SigCgt mask)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def test_shutdown_names_the_pools_workers_and_no_other_process() -> None:
    """The workers a stop waits for are the pool's own: another process started here (the
    watcher's sandboxed worker, in `confide run`) is not the relay's to stop."""
    spawn = multiprocessing.get_context("spawn")
    other = spawn.Process(target=time.sleep, args=(30,))
    other.start()
    pool = ScanPool(lambda: ProcessPoolExecutor(1, mp_context=spawn))
    try:
        worker_pid = pool.executor.submit(os.getpid).result(timeout=60)
        workers = pool.shutdown()
        assert [w.pid for w in workers] == [worker_pid]
    finally:
        pool.executor.shutdown(wait=True)
        other.kill()
        other.join()


def test_the_other_doors_items_wait_while_a_suspect_is_scanned_alone() -> None:
    """A suspect is scanned once the other doors' item already in the pool has left it, and
    the item another door sends meanwhile waits until the suspect is done."""
    pool = ScanPool(lambda: ThreadPoolExecutor(2))
    order: list[str] = []
    in_the_pool = threading.Event()
    pool.submit_lent(in_the_pool.wait, 30)

    async def suspect() -> None:
        async with pool.alone(every=0.01):
            order.append("suspect starts")
            await asyncio.sleep(0.2)
            order.append("suspect ends")

    async def scenario() -> list[str]:
        scanning = asyncio.create_task(suspect())
        await asyncio.sleep(0.05)
        sent = asyncio.create_task(asyncio.to_thread(pool.submit_lent, order.append, "item"))
        await asyncio.sleep(0.2)
        before = list(order)
        in_the_pool.set()  # the item in the pool leaves it
        await scanning
        (await sent).result(timeout=30)
        return before

    try:
        assert asyncio.run(scenario()) == []
    finally:
        in_the_pool.set()
        pool.shutdown()
    assert order == ["suspect starts", "suspect ends", "item"]
