"""The running watcher reports each folder's observer and last full pass for /readyz, and
shows them stopped once its observers stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from gateway.health import running_parts
from gateway.watcher.observing import LiveWatch
from tests.gateway.watcher.conftest import Drive

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def withdrawn() -> Iterator[None]:
    """Nothing reported before or after the test."""
    running_parts.report_folders(None)
    yield
    running_parts.report_folders(None)


def test_folders_are_reported_while_watching(make_drive: Callable[..., Drive]) -> None:
    """While LiveWatch runs, each folder shows by index with its observer running and the
    reconcile's time; once stopped, its observers show stopped."""
    drive = make_drive({"staff": ("internal", "report"), "web": ("public", "report")})
    assert drive.watcher is not None
    stop = threading.Event()
    watching = threading.Thread(target=LiveWatch(drive.watcher, 3600).run, args=(stop,))
    watching.start()
    try:
        deadline = time.monotonic() + 30
        states = running_parts.folder_states()
        while not states or states[0].last_reconcile is None:
            assert time.monotonic() < deadline, states
            time.sleep(0.1)
            states = running_parts.folder_states()
        assert [(s.index, s.observer_running) for s in states] == [(0, True), (1, True)]
    finally:
        stop.set()
        watching.join()
    stopped = running_parts.folder_states()
    assert stopped is not None
    assert [s.observer_running for s in stopped] == [False, False]
