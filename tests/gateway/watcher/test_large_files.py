"""A file over the size limit in a folder for an outside audience (a sparse file made with
``truncate -s``, a video): never read whole nor copied into the quarantine, it is taken out
of reach where it lies, and a manager's release gives it back as it was."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.watcher import moving
from gateway.watcher.documents import DecisionError, release_document
from gateway.watcher.models import (
    LOCKED_IN_PLACE,
    NOT_MOVED,
    Placement,
    WatchedFile,
    path_key,
)
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

    row = WatchedFile.objects.get(locked_from=str(big))
    assert row.action == "hold"
    assert row.placement == Placement.IN_PLACE
    assert row.held_in_place
    assert row.problem.startswith(LOCKED_IN_PLACE)
    locked = big.with_name(f"confide-locked-{row.id}")  # its name, too, out of view
    assert stat.S_IMODE(os.stat(locked).st_mode) == 0
    assert not drive.quarantine.exists() or not any(drive.quarantine.iterdir())
    assert drive.judge.scanned == []  # never read, nor sent to be scanned
    assert drive.watcher.retry_holds(list(drive.folders.values())) == {}

    assert drive.watcher.reconcile() == {"unchanged": 1}  # locked as it was: not again
    locked.chmod(0o640)  # its owner gives its mode back: locked again
    assert drive.watcher.reconcile() == {"judged": 1}
    assert stat.S_IMODE(os.stat(locked).st_mode) == 0
    assert WatchedFile.objects.get(id=row.id).problem.startswith(LOCKED_IN_PLACE)

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
    row = WatchedFile.objects.get(locked_from=str(big))
    locked = big.with_name(f"confide-locked-{row.id}")
    locked.rename(big)
    big.chmod(0o644)  # as if the lock had failed: in view, to be tried again
    WatchedFile.objects.filter(id=row.id).update(
        path=str(big),
        path_key=path_key(str(big)),
        locked_from="",
        problem=f"{NOT_MOVED}its permissions could not be taken away (EPERM)",
        attempts=1,
        updated_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    folders = list(drive.folders.values())
    assert drive.watcher.retry_holds(folders) == {}
    assert stat.S_IMODE(os.stat(locked).st_mode) == 0
    assert not big.exists()
    row.refresh_from_db()
    assert row.problem.startswith(LOCKED_IN_PLACE)
    assert row.held_in_place


NAMED = "Joseph Okafor NHS 943 476 5919 scan.pdf"


def _huge(path: Path) -> None:
    with path.open("wb") as file:
        file.truncate(SPARSE_BYTES)
    path.chmod(0o640)
    past = os.stat(path).st_mtime - 60
    os.utime(path, (past, past))


def _locked_named(make_drive: Callable[..., Drive]) -> tuple[Drive, Path, WatchedFile]:
    """A drive whose public folder held a huge file named with an NHS number: its folder,
    and the file's row."""
    drive = make_drive({"web": ("public", "enforce")})
    web = drive.folders["web"].path
    _huge(web / NAMED)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    return drive, web, WatchedFile.objects.get(locked_from__endswith=NAMED)


def test_a_locked_file_does_not_keep_its_name_in_view(make_drive: Callable[..., Drive]) -> None:
    """A huge file whose name holds an NHS number, locked where it lies, is renamed beside
    it to a neutral name (``confide-locked-ID``) recording its own: ``ls`` no longer shows
    the name. A release gives the name back with the mode; one refused while another file
    has taken the name leaves it locked and hidden."""
    drive, web, row = _locked_named(make_drive)
    assert drive.watcher is not None
    assert os.listdir(web) == [f"confide-locked-{row.id}"]
    assert row.path == str(web / f"confide-locked-{row.id}")
    assert row.held_in_place
    assert stat.S_IMODE(os.stat(web / f"confide-locked-{row.id}").st_mode) == 0
    assert drive.watcher.reconcile() == {"unchanged": 1}  # renamed as it was: not again

    (web / NAMED).write_bytes(b"someone else's")
    with pytest.raises(DecisionError):
        release_document(row.id, "manager", "a scan for the website")
    assert stat.S_IMODE(os.stat(web / f"confide-locked-{row.id}").st_mode) == 0
    (web / NAMED).unlink()

    release_document(row.id, "manager", "a scan for the website")
    assert os.listdir(web) == [NAMED]
    assert stat.S_IMODE(os.stat(web / NAMED).st_mode) == 0o640
    row.refresh_from_db()
    assert (row.path, row.locked_from) == (str(web / NAMED), "")
    drive.watcher.reconcile()
    assert os.listdir(web) == [NAMED]  # the release stands


def test_a_rename_cut_short_is_carried_out_at_the_next_pass(
    make_drive: Callable[..., Drive],
) -> None:
    """A lock whose rename was journalled but not done (a crash between) is renamed at the
    next pass, not left under its name as locked and unchanged."""
    drive, web, row = _locked_named(make_drive)
    assert drive.watcher is not None
    hidden = web / f"confide-locked-{row.id}"
    hidden.rename(web / NAMED)  # as if the crash came after the journal, before the rename
    WatchedFile.objects.filter(id=row.id).update(
        path=row.locked_from,
        path_key=path_key(row.locked_from),
        ctime_ns=os.stat(web / NAMED).st_ctime_ns,  # recorded as it stands: locked
    )
    drive.watcher.reconcile()
    assert os.listdir(web) == [hidden.name]
    row.refresh_from_db()
    assert (row.path, row.locked_from) == (str(hidden), str(web / NAMED))


def test_a_locked_file_moved_where_it_is_not_held_gets_its_mode_and_name_back(
    make_drive: Callable[..., Drive],
) -> None:
    """A locked file moved out of the public folder into an internal one, where it is not
    held, is given back its mode and its name there: left locked, no one could open it,
    and it was no longer listed as held, nor could it be released."""
    drive = make_drive({"web": ("public", "enforce"), "staff": ("internal", "enforce")})
    web, staff = drive.folders["web"].path, drive.folders["staff"].path
    _huge(web / NAMED)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(locked_from__endswith=NAMED)

    (web / f"confide-locked-{row.id}").rename(staff / f"confide-locked-{row.id}")
    drive.watcher.reconcile()
    assert os.listdir(staff) == [NAMED]
    assert stat.S_IMODE(os.stat(staff / NAMED).st_mode) == 0o640
    row.refresh_from_db()
    assert (row.path, row.locked_from, row.held_in_place) == (str(staff / NAMED), "", False)


def test_a_rename_never_replaces_a_file_that_took_the_name(tmp_path: Path) -> None:
    """The renames of a locked file (``moving.rename_free``) fail on a file that took the
    name meanwhile, after it was found free, where a plain rename would replace it."""
    (tmp_path / "locked").write_bytes(b"held")
    (tmp_path / "theirs").write_bytes(b"a user's")
    with pytest.raises(FileExistsError):
        moving.rename_free(tmp_path / "locked", tmp_path / "theirs")
    assert (tmp_path / "theirs").read_bytes() == b"a user's"
    moving.rename_free(tmp_path / "locked", tmp_path / "free")
    assert (tmp_path / "free").read_bytes() == b"held"
