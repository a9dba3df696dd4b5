"""The relay's pool of scanning workers: one killed while idle is noticed and replaced
without waiting for mail, and the replacement is logged once."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor

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
