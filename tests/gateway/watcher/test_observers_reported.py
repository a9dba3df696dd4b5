"""The running watcher reports each folder's observer and last full pass for /readyz, and
shows them stopped once its observers stop; a folder that goes away shows with the reason,
and is watched again when it is back."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from gateway.health import running_parts
from gateway.watcher.models import WatchedFile
from gateway.watcher.observing import LiveWatch
from tests.gateway.watcher.conftest import CLEAN_TEXT, Drive

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
        # The observer each folder's filesystem was given, as ``auto`` resolved it.
        resolved = [folder.observer for folder in drive.watcher.folders]
        assert [s.observer for s in states] == resolved
        assert set(resolved) <= {"native", "polling"}
    finally:
        stop.set()
        watching.join()
    stopped = running_parts.folder_states()
    assert stopped is not None
    assert [s.observer_running for s in stopped] == [False, False]


def _wait_for_state(
    check: Callable[[list[running_parts.FolderState]], bool], stop: threading.Event
) -> list[running_parts.FolderState]:
    """The folder states once ``check`` holds (the watch stopped, and the test failed, if it
    does not within 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = running_parts.folder_states()
        if states and check(states):
            return states
        time.sleep(0.05)
    stop.set()
    raise AssertionError(running_parts.folder_states())


def test_a_folder_moved_away_shows_and_is_watched_again_when_back(
    make_drive: Callable[..., Drive], caplog: pytest.LogCaptureFixture
) -> None:
    """A watched folder moved away shows as "missing" (the other as fine) with one warning,
    and its files are not taken for deleted; moved back, one warning says so, a reconcile
    catches up and a new observer sees a file written after it."""
    drive = make_drive({"staff": ("internal", "report"), "web": ("public", "report")})
    assert drive.watcher is not None
    kept = drive.put("staff", "kept.txt", CLEAN_TEXT)
    staff = drive.folders["staff"].path
    stop = threading.Event()
    seen: list[list[running_parts.FolderState]] = []

    def move_the_folder() -> None:
        try:
            first = _wait_for_state(lambda s: s[0].last_reconcile is not None, stop)
            staff.rename(staff.with_name("staff.away"))
            seen.append(_wait_for_state(lambda s: s[0].problem is not None, stop))
            staff.with_name("staff.away").rename(staff)
            seen.append(
                _wait_for_state(
                    lambda s: (
                        s[0].problem is None
                        and s[0].observer_running
                        and s[0].last_reconcile != first[0].last_reconcile
                    ),
                    stop,
                )
            )
            drive.put("staff", "new.txt", CLEAN_TEXT, age=0)
            deadline = time.monotonic() + 30
            while not any(name == "new.txt" for name, _ in drive.judge.scanned):
                assert time.monotonic() < deadline, drive.judge.scanned
                time.sleep(0.05)
        finally:
            stop.set()

    mover = threading.Thread(target=move_the_folder)
    mover.start()
    with caplog.at_level(logging.INFO, logger="confide.watcher"):
        LiveWatch(drive.watcher, 3600, check_seconds=0.1).run(stop)
    mover.join()

    assert len(seen) == 2, seen
    gone, back = seen
    assert [(s.problem, s.observer_running) for s in gone] == [("missing", False), (None, True)]
    assert [(s.problem, s.observer_running) for s in back] == [(None, True), (None, True)]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "watched folder=0 is unavailable (missing): its files are left as they are until it "
        "is back",
        "watched folder=0 is back: watching it again",
    ]
    assert WatchedFile.objects.get(path=str(kept)).present
