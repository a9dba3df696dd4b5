"""What the sandbox relies on in pebble beyond its public API is still there, as it expects.

``ExtractionPool._new_pool`` (scanner/sandbox.py) wraps ``inspect_workers`` of the worker
manager that a pebble ``ProcessPool`` keeps at ``_pool_manager.worker_manager``, to learn of
each worker that died other than by pebble's hand and replace the pool. pyproject.toml pins
pebble below its next minor version; an upgrade that moves or changes these fails here by
name, instead of worker deaths quietly going unseen. (The kill tests in test_sandbox_kill.py
check that the deaths are seen.)
"""

from __future__ import annotations

import inspect
import multiprocessing

from pebble import ProcessPool
from pebble.pool import process


def test_a_pool_keeps_its_worker_manager_where_the_sandbox_reads_it() -> None:
    pool = ProcessPool(max_workers=1, context=multiprocessing.get_context("fork"))
    try:
        manager = pool._pool_manager.worker_manager
        assert callable(manager.inspect_workers)
        assert not inspect.signature(manager.inspect_workers).parameters
    finally:
        pool.stop()
        pool.join()


def test_the_pool_manager_asks_its_worker_manager_for_the_workers_that_ended() -> None:
    """The sandbox's wrapper is called because the pool manager's loop looks the method up on
    the instance each time, and what it returns is read as ``(pid, exitcode)`` pairs."""
    source = inspect.getsource(process.PoolManager)
    assert "self.worker_manager.inspect_workers()" in source
    returns = inspect.getsource(process.WorkerManager.inspect_workers)
    assert "(w.pid, w.exitcode)" in returns
