"""Another door's item lost in the relay's pool (``confide run``): whether the loss may have
been the item's doing (``ScanResult.reached_worker``), which the watcher counts towards
holding a document, or an outage of ours that never reached a worker, which it must not
count. The pool's executors here stand in for the ways a ``ProcessPoolExecutor`` ends an
item, each on demand: a real pool cannot be made to cancel or refuse an item at will."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pytest

from gateway.relay.lent_workers import LentWorkers, LostWithWorker
from gateway.relay.worker import ScanPool
from scanner.limits import ScanLimits


class _Ending(Executor):
    """An executor that ends every item it is given with ``error`` (``None``: cancels it;
    raised at submit when ``at_submit``)."""

    def __init__(self, error: BaseException | None, *, at_submit: bool = False) -> None:
        self.error, self.at_submit = error, at_submit

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.at_submit:
            assert self.error is not None
            raise self.error
        ended: Future[Any] = Future()
        if self.error is None:
            ended.cancel()
        else:
            ended.set_exception(self.error)
        return ended


CASES = {
    "cancelled as the pool was replaced": (_Ending(None), False),
    "no pool would take it": (_Ending(RuntimeError("shut down"), at_submit=True), False),
    "the pool broke under it": (_Ending(BrokenProcessPool("a worker died")), True),
}


@pytest.mark.parametrize(("executor", "reached"), CASES.values(), ids=CASES.keys())
def test_a_lost_scan_says_whether_it_reached_a_worker(executor: Executor, reached: bool):
    lent = LentWorkers(ScanPool(lambda: executor, 1), ScanLimits(), 1, stop_unwinds=True)
    scanned = lent.submit(b"Minutes of the summer fair", "minutes.txt").result(timeout=30)
    assert scanned.lost
    assert scanned.reached_worker is reached


@pytest.mark.parametrize(("executor", "reached"), CASES.values(), ids=CASES.keys())
def test_a_lost_task_says_whether_it_reached_a_worker(executor: Executor, reached: bool):
    lent = LentWorkers(ScanPool(lambda: executor, 1), ScanLimits(), 1, stop_unwinds=True)
    task = lent.run_in_worker(len, (b"x",), 30)
    with pytest.raises(LostWithWorker) as lost:
        task.result(timeout=30)
    assert lost.value.reached_worker is reached
