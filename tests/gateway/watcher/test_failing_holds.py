"""A hold the watcher cannot carry out (its quarantine made immutable: EPERM) leaves the
document in view: it is tried again within seconds, not at the next full pass, each
failure logged by id and errno name only, and /readyz counts it for its folder
(``holds_failing``) until the document is taken away."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable

import pytest

from gateway.health import running_parts
from gateway.watcher import sweep
from gateway.watcher.models import Placement, WatchedFile, stored_path
from gateway.watcher.observing import LiveWatch
from tests.gateway.watcher.conftest import CHATTR, DAMAGED_DOCX, Drive

pytestmark = [pytest.mark.django_db]


def _until(check: Callable[[], bool], stop: threading.Event) -> None:
    """Wait (at most 20 s) for ``check``; the watch is stopped if it never holds."""
    deadline = time.monotonic() + 20
    while not check():
        if time.monotonic() > deadline:
            stop.set()
            raise AssertionError("not within 20 s")
        time.sleep(0.02)


def _failing() -> int | None:
    states = running_parts.folder_states()
    return states[0].holds_failing if states else None


def test_a_hold_that_fails_is_tried_again_soon_and_shows(
    make_drive: Callable[..., Drive],
    immutable: Callable,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With the quarantine immutable, a held document stays in view, its folder counts one
    hold failing and the hold is tried again (logged EPERM by id); once the quarantine is
    writable again it is taken away on a folder check, an hour before the next full pass,
    and the folder counts none."""
    monkeypatch.setattr(sweep, "HOLD_RETRY_SECONDS", 0.1)
    monkeypatch.setattr(sweep, "HOLD_RETRY_MAX_SECONDS", 0.3)
    drive = make_drive({"web": ("public", "enforce")})
    assert drive.watcher is not None
    drive.quarantine.mkdir(mode=0o700)
    immutable(drive.quarantine)
    path = drive.put("web", "carer_details.docx", DAMAGED_DOCX)
    stop = threading.Event()
    seen: list[int | None] = []

    def failures() -> list[str]:
        return [r.getMessage() for r in list(caplog.records) if "not enforce" in r.getMessage()]

    def lift_when_failing() -> None:  # no database here: the watch's thread has it
        try:
            _until(lambda: _failing() == 1 and len(failures()) >= 2, stop)
            seen.append(_failing())
            subprocess.run([CHATTR, "-i", str(drive.quarantine)], check=True)
            _until(lambda: not path.exists() and _failing() == 0, stop)
            seen.append(_failing())
        finally:
            stop.set()

    caplog.set_level(logging.INFO, logger="confide.watcher")
    lifter = threading.Thread(target=lift_when_failing)
    lifter.start()
    try:
        LiveWatch(drive.watcher, 3600, check_seconds=0.05).run(stop)
    finally:
        lifter.join()
        running_parts.report_folders(None)

    assert seen == [1, 0]
    row = WatchedFile.objects.get(path=stored_path(str(path)))
    assert (row.placement, row.problem, row.attempts) == (Placement.QUARANTINED, "", 0)
    assert not path.exists()
    assert all(f"id={row.id} action=hold error=EPERM" in line for line in failures()), failures()
    assert not any(str(drive.root) in r.getMessage() for r in caplog.records)
