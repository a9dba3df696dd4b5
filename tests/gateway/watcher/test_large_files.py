"""A file over the size limit in a folder for an outside audience (a sparse file made with
``truncate -s``, a video): never read whole nor copied into the quarantine, it is taken out
of reach where it lies, and a manager's release gives it back as it was."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from gateway.watcher.documents import release_document
from gateway.watcher.models import LOCKED_IN_PLACE, NOT_MOVED, Placement, WatchedFile
from tests.gateway.watcher.conftest import Drive

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Far over the 25 MiB limit, and nothing on disk: sealed, it would take a GiB and more.
SPARSE_BYTES = 1 << 30


def test_a_huge_sparse_file_is_locked_where_it_lies(make_drive: Callable[..., Drive]) -> None:
    """A 1 GiB sparse ``big.docx`` in a public enforce folder is held as unscannable, and
    nothing of it goes into the quarantine: every permission is taken from it where it
    lies, it is listed as held there, it is not retried as a failing hold, and a release
    gives its mode back."""
    drive = make_drive({"web": ("public", "enforce")})
    big = drive.folders["web"].path / "big.docx"
    with big.open("wb") as file:
        file.truncate(SPARSE_BYTES)
    big.chmod(0o640)
    past = os.stat(big).st_mtime - 60
    os.utime(big, (past, past))
    assert drive.watcher is not None
    assert drive.watcher.reconcile() == {"judged": 1}

    row = WatchedFile.objects.get(path=str(big))
    assert row.action == "hold"
    assert row.placement == Placement.IN_PLACE
    assert row.held_in_place
    assert row.problem.startswith(LOCKED_IN_PLACE)
    assert stat.S_IMODE(os.stat(big).st_mode) == 0
    assert not drive.quarantine.exists() or not any(drive.quarantine.iterdir())
    assert drive.judge.scanned == []  # never read, nor sent to be scanned
    assert drive.watcher.retry_holds(list(drive.folders.values())) == {}

    assert drive.watcher.reconcile() == {"unchanged": 1}  # locked as it was: not again
    big.chmod(0o640)  # its owner gives its mode back: locked again
    assert drive.watcher.reconcile() == {"judged": 1}
    assert stat.S_IMODE(os.stat(big).st_mode) == 0
    assert WatchedFile.objects.get(path=str(big)).problem.startswith(LOCKED_IN_PLACE)

    release_document(row.id, "manager", "a video for the website")
    assert stat.S_IMODE(os.stat(big).st_mode) == 0o640
    assert WatchedFile.objects.get(id=row.id).placement == Placement.RELEASED
    drive.watcher.reconcile()
    assert stat.S_IMODE(os.stat(big).st_mode) == 0o640  # the release stands


def test_a_lock_that_failed_is_tried_again_and_then_says_so(
    make_drive: Callable[..., Drive],
) -> None:
    """A huge file whose lock failed (its mode not confide's to change: EPERM, in view, a
    failing hold) is locked when the hold is tried again, and from then on is listed as
    locked where it lies, no longer as failing."""
    drive = make_drive({"web": ("public", "enforce")})
    big = drive.folders["web"].path / "big.docx"
    with big.open("wb") as file:
        file.truncate(SPARSE_BYTES)
    past = os.stat(big).st_mtime - 60
    os.utime(big, (past, past))
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(big))
    big.chmod(0o644)  # as if the lock had failed: in view, to be tried again
    WatchedFile.objects.filter(id=row.id).update(
        problem=f"{NOT_MOVED}its permissions could not be taken away (EPERM)",
        attempts=1,
        updated_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    folders = list(drive.folders.values())
    assert drive.watcher.retry_holds(folders) == {}
    assert stat.S_IMODE(os.stat(big).st_mode) == 0
    row.refresh_from_db()
    assert row.problem.startswith(LOCKED_IN_PLACE)
    assert row.held_in_place
