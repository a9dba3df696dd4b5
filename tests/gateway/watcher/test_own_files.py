"""What the watcher (or a manager's release) writes into the watched folders is never taken
for a user's new document: a release's partial file, cut short by a kill, is neither judged
nor held, and the next release of its document removes it."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.watcher import moving, quarantine, release_lock
from gateway.watcher.documents import release_document
from gateway.watcher.models import Placement, WatchedFile, stored_path
from gateway.watcher.observing import LiveWatch
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, DAMAGED_DOCX, Drive

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]
# Held for the public (a zip the scanner cannot read), and longer than a sealed chunk.
HELD = DAMAGED_DOCX + b"\x00" * (moving.CHUNK + 1000)


def _held_from(drive: Drive, name: str) -> WatchedFile:
    """The document ``name`` put in the public enforce folder "web", judged and held."""
    path = drive.put("web", name, HELD)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=stored_path(str(path)))
    assert row.placement == Placement.QUARANTINED
    return row


def _release_cut_short(row: WatchedFile) -> Path:
    """Leave what a release killed while it wrote the document back leaves: its journal on
    the row, and the first chunk written under the release's partial name."""
    destination = Path(row.path)
    WatchedFile.objects.filter(id=row.id).update(
        placement=Placement.RELEASING,
        moving_from=row.quarantined_as,
        moving_to=row.path,
        decided_by="manager",
        decided_at=datetime.now(UTC),
    )
    partial = destination.with_name(quarantine.release_partial(row))
    partial.write_bytes(HELD[: moving.CHUNK])
    return partial


def test_a_release_cut_short_leaves_nothing_the_watcher_holds(make_drive: MakeDrive) -> None:
    """The partial file of a release half-way (part of a held document, in a public folder)
    is not judged by the watcher's passes while the release goes on (its lock held);
    releasing the document again once it is cut short removes it and puts the document
    back whole."""
    drive = make_drive({"web": ("public", "enforce")})
    row = _held_from(drive, "referral.docx")
    partial = _release_cut_short(row)
    scanned = len(drive.judge.scanned)
    assert drive.watcher is not None
    with release_lock.held(WatchedFile.objects.get(id=row.id)):
        drive.watcher.reconcile()
    assert len(drive.judge.scanned) == scanned
    assert list(WatchedFile.objects.values_list("id", flat=True)) == [row.id]
    assert partial.read_bytes() == HELD[: moving.CHUNK]
    released = release_document(row.id, "manager", "")
    assert released.path.read_bytes() == HELD
    assert not partial.exists()
    assert hashlib.sha256(released.path.read_bytes()).hexdigest() == row.content_hash


# What Word leaves beside a document it has open (its owner file: the user's name, twice)
# and what LibreOffice does (its lock file: the user, the machine, the time, the path).
WORD_OWNER = (b"\x05alice" + b"\x00" * 48 + "alice".encode("utf-16-le")).ljust(162, b"\x00")
LIBREOFFICE_LOCK = b",Alice Smith,office-pc,02.12.2026 10:00,file:///home/alice/.config;"
OFFICE_LITTER = {
    "~$referral.docx": WORD_OWNER,
    ".~lock.referral.docx#": LIBREOFFICE_LOCK,
    "Thumbs.db": DAMAGED_DOCX,
    "report.tmp": DAMAGED_DOCX,
}


def _untouched(drive: Drive) -> None:
    """The lock and temporary files are where they were, unread, with no row and no note."""
    web = drive.folders["web"].path
    for name, content in OFFICE_LITTER.items():
        assert (web / name).read_bytes() == content
    assert not [name for name, _ in drive.judge.scanned if name in OFFICE_LITTER]
    assert not WatchedFile.objects.filter(placement=Placement.QUARANTINED).exists()
    assert not list(web.glob("confide-held-*"))


def test_office_lock_files_are_not_held_by_a_pass(make_drive: MakeDrive) -> None:
    """In a public enforce folder, a pass (``confide watch --once``) leaves Word's and
    LibreOffice's lock files and the default exclusions unread and in place."""
    drive = make_drive({"web": ("public", "enforce")})
    for name, content in OFFICE_LITTER.items():
        drive.put("web", name, content)
    drive.put("web", "referral.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    _untouched(drive)


@pytest.mark.slow
@pytest.mark.parametrize("observer", ["native", "polling"])
def test_office_lock_files_are_not_held_as_they_appear(
    make_drive: MakeDrive, observer: str
) -> None:
    """Followed by events, lock files written as someone opens a document in a public
    enforce folder are left unread and in place."""
    drive = make_drive({"web": ("public", "enforce")}, observer=observer)
    web = drive.folders["web"].path
    drive.put("web", "before.txt", CLEAN_TEXT)  # read once the observer is running
    stop = threading.Event()

    def open_a_document() -> None:
        try:
            _await(lambda: "before.txt" in dict(drive.judge.scanned))
            for name, content in OFFICE_LITTER.items():
                (web / name).write_bytes(content)
            (web / "after.txt").write_bytes(CLEAN_TEXT)  # read in the locks' pass or after
            _await(lambda: "after.txt" in dict(drive.judge.scanned))
        finally:
            stop.set()  # the pass under way is finished first

    assert drive.watcher is not None
    user = threading.Thread(target=open_a_document)
    user.start()
    LiveWatch(drive.watcher, reconcile_seconds=3600).run(stop)
    user.join()
    _untouched(drive)


def test_a_lock_file_whose_name_holds_personal_data_is_held(
    make_drive: MakeDrive, nhs_scanner: Scanner
) -> None:
    """Failing closed: a lock file whose name holds an NHS number (its document's name) is
    read and held for the public, as its document is; its note names neither."""
    drive = make_drive({"web": ("public", "enforce")}, scanner=nhs_scanner)
    lock = drive.put("web", "~$Margaret Hughes NHS 943 476 5919.docx", WORD_OWNER)
    plain = drive.put("web", "~$referral.docx", WORD_OWNER)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=stored_path(str(lock)))
    assert row.placement == Placement.QUARANTINED
    assert not lock.exists()
    assert b"943" not in quarantine.note_path(lock.parent, row.id).read_bytes()
    assert plain.read_bytes() == WORD_OWNER
    assert not WatchedFile.objects.filter(path=stored_path(str(plain))).exists()


def _await(done: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.05)


def test_partial_files_of_ours_left_by_a_kill_are_removed_unread(make_drive: MakeDrive) -> None:
    """A pass removes, unread, a note's partial file and a release's partial file of a
    document held again since, each holding the start of what it was written for; files
    under those names holding anything else are users', and are judged."""
    drive = make_drive({"web": ("public", "enforce")})
    row = _held_from(drive, "referral.docx")
    web = drive.folders["web"].path
    note_partial = web / quarantine.note_partial(row)
    note_partial.write_bytes(quarantine.note_content(row.id)[:40])
    release_partial = web / quarantine.release_partial(row)
    release_partial.write_bytes(HELD[:1000])
    other = _held_from(drive, "minutes.docx")
    users = web / quarantine.note_partial(other)
    users.write_bytes(b"my own notes\n")
    scanned = len(drive.judge.scanned)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert not note_partial.exists()
    assert not release_partial.exists()
    assert [name for name, _ in drive.judge.scanned[scanned:]] == [users.name]


def test_a_note_cut_short_by_a_kill_is_written_again(make_drive: MakeDrive) -> None:
    """The note of a held document whose writing a kill cut short (its partial file left,
    no note) is written when the move is settled, and the partial file is gone."""
    drive = make_drive({"web": ("public", "enforce")})
    row = _held_from(drive, "referral.docx")
    note = quarantine.note_path(drive.folders["web"].path, row.id)
    note.unlink()
    partial = note.with_name(quarantine.note_partial(row))
    partial.write_bytes(quarantine.note_content(row.id)[:40])
    quarantine.leave_note(row)
    assert note.read_bytes() == quarantine.note_content(row.id)
    assert not partial.exists()


def test_a_copy_partial_is_removed_only_while_it_is_what_a_kill_leaves(
    make_drive: MakeDrive,
) -> None:
    """A copy's partial file cannot be compared with the copy (the scanner made it), so it
    is removed unread only while it is what a kill leaves: a regular file of confide's own
    account, under the exact name for a file of this watched folder, unchanged for
    ``COPY_QUIET_SECONDS``. Under that name, a link is left where it is; a file in another
    watched folder is a user's, judged and kept; a younger one, perhaps being written (a
    manager's marked release), is left unread until it is quiet."""
    drive = make_drive({"web": ("public", "enforce"), "staff": ("internal", "enforce")})
    row = _held_from(drive, "referral.docx")
    name = quarantine.copy_partial(row)
    quiet = quarantine.COPY_QUIET_SECONDS + 60
    ours = drive.put("web", name, b"Referral: NHS num", age=quiet)
    web = drive.folders["web"].path
    (web / "links").mkdir()
    link = web / "links" / name
    link.symlink_to(ours)
    elsewhere = drive.put("staff", name, CLEAN_TEXT, age=quiet)
    (web / "busy").mkdir()
    busy = drive.put("web", f"busy/{name}", b"Referral: NHS num", age=0)
    scanned = len(drive.judge.scanned)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert not ours.exists()
    assert link.is_symlink()
    assert elsewhere.read_bytes() == CLEAN_TEXT
    assert busy.is_file()
    assert [name for name, _ in drive.judge.scanned[scanned:]] == [elsewhere.name]
    assert WatchedFile.objects.get(path=stored_path(str(elsewhere))).placement == (
        Placement.IN_PLACE
    )
    past = time.time() - quiet
    os.utime(busy, (past, past))
    drive.watcher.reconcile()
    assert not busy.exists()
    assert [name for name, _ in drive.judge.scanned[scanned:]] == [elsewhere.name]


def test_a_file_of_another_account_under_a_copy_partial_name_is_a_users(
    make_drive: MakeDrive,
) -> None:
    """A file under a copy's exact partial name that another account owns is not one
    confide wrote (a user cannot make a file confide's account owns): judged, and kept."""
    if os.geteuid() != 0:
        pytest.skip("giving a file to another account needs root")
    drive = make_drive({"web": ("public", "enforce")})
    row = _held_from(drive, "referral.docx")
    theirs = drive.put("web", quarantine.copy_partial(row), CLEAN_TEXT)
    os.chown(theirs, 1001, 1001)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert theirs.read_bytes() == CLEAN_TEXT
    assert theirs.name in [name for name, _ in drive.judge.scanned]


def test_a_release_cut_short_is_finished_beside_a_users_file_that_took_its_name(
    make_drive: MakeDrive,
) -> None:
    """A user saved a file under the held document's name after its release was cut short:
    the watcher's next pass finishes the release beside it, under a free name, and the
    user's file is left as it is."""
    drive = make_drive({"web": ("public", "enforce")})
    row = _held_from(drive, "referral.docx")
    partial = _release_cut_short(row)
    users = Path(row.path)
    users.write_bytes(b"the user's own new referral\n")
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row.refresh_from_db()
    assert row.placement == Placement.RELEASED
    assert Path(row.path) == users.with_name("referral (2).docx")
    assert Path(row.path).read_bytes() == HELD
    assert users.read_bytes() == b"the user's own new referral\n"
    assert not partial.exists()
    assert not quarantine.note_path(users.parent, row.id).exists()
