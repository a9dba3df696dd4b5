"""One pass of the watcher over real folders: what is judged, what is recorded, what moves."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gateway.health.metrics import REGISTRY
from gateway.review.models import AuditEntry
from gateway.watcher import discovery, names, sweep
from gateway.watcher.documents import DecisionError, reject_document, release_document
from gateway.watcher.judging import Judgement
from gateway.watcher.models import Placement, WatchedFile
from gateway.watcher.quarantine import note_path
from gateway.watcher.sweep import Watcher
from scanner.unscannable import KINDS
from tests.gateway.watcher.conftest import (
    CLEAN_TEXT,
    DAMAGED_DOCX,
    Drive,
    held_content,
    tree_hashes,
)

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]
NOBODY = 65534


def _row(path: Path) -> WatchedFile:
    return WatchedFile.objects.get(path=str(path), is_folder=False)


def test_report_mode_moves_nothing(make_drive: MakeDrive) -> None:
    """In report mode a document that would be held is recorded as held and left as it was:
    every file's content under the tree is the same after the pass."""
    drive = make_drive({"web": ("public", "report")})
    held = drive.put("web", "client list.docx", DAMAGED_DOCX)
    drive.put("web", "fair.txt", CLEAN_TEXT)
    before = tree_hashes(drive.root)
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    assert tree_hashes(drive.root) == before
    assert counts == {"judged": 2}
    row = _row(held)
    assert (row.action, row.placement) == ("hold", Placement.IN_PLACE)
    assert _row(drive.folders["web"].path / "fair.txt").action == "release"


def test_enforce_quarantines_with_a_note_that_names_no_file(make_drive: MakeDrive) -> None:
    """A held document goes to quarantine and a note named by its id takes its place; the
    note does not carry the file's name."""
    drive = make_drive({"web": ("public", "enforce")})
    held = drive.put("web", "Amina Okafor referral.docx", DAMAGED_DOCX)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = _row(held)
    note = note_path(held.parent, row.id)
    assert not held.exists()
    assert row.placement == Placement.QUARANTINED
    assert held_content(row) == DAMAGED_DOCX
    assert "Okafor" not in note.read_text()
    assert "referral" not in note.read_text()
    assert f"held document {row.id}" in note.read_text()
    assert AuditEntry.objects.filter(kind="document-held").count() == 1


def test_internal_folder_releases_what_the_public_one_holds(make_drive: MakeDrive) -> None:
    """The folder's audience plays the recipient: the same unreadable document is released
    in an internal folder and held in a public one."""
    drive = make_drive({"staff": ("internal", "enforce"), "web": ("public", "enforce")})
    inside = drive.put("staff", "notes.docx", DAMAGED_DOCX)
    outside = drive.put("web", "notes.docx", DAMAGED_DOCX)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert inside.read_bytes() == DAMAGED_DOCX
    assert _row(inside).action == "release"
    assert not outside.exists()
    assert _row(outside).placement == Placement.QUARANTINED


@pytest.mark.parametrize("elsewhere", [False, True], ids=["same-filesystem", "tmpfs"])
def test_quarantine_and_release_round_trip_byte_identical(
    make_drive: MakeDrive, tmp_path: Path, elsewhere: bool
) -> None:
    """A held document released by a manager is back under its own name, byte-identical,
    and its note is gone, also when the quarantine is on another filesystem (a tmpfs)."""
    place = None
    if elsewhere:
        shm = Path("/dev/shm")
        if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
            pytest.skip("no tmpfs on another device than the temporary folder")
        place = shm / f"confide-quarantine-{os.getpid()}-{tmp_path.name}"
    drive = make_drive({"web": ("public", "enforce")}, quarantine=place)
    content = DAMAGED_DOCX + os.urandom(64)
    held = drive.put("web", "carers.docx", content)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = _row(held)
    assert not held.exists()
    released = release_document(row.id, by="manager", note="checked with the carer")
    assert released.path == held
    assert held.read_bytes() == content
    assert not note_path(held.parent, row.id).exists()
    assert not Path(row.quarantined_as).exists()
    row.refresh_from_db()
    assert (row.placement, row.decided_by) == (Placement.RELEASED, "manager")
    drive.watcher.reconcile()  # a released document stays, though the verdict is the same
    assert held.read_bytes() == content
    if place is not None:
        place.rmdir()


def test_reject_keeps_it_in_quarantine(make_drive: MakeDrive) -> None:
    """A rejected document stays in quarantine; deciding it again is refused."""
    drive = make_drive({"web": ("public", "enforce")})
    held = drive.put("web", "list.docx", DAMAGED_DOCX)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = _row(held)
    reject_document(row.id, by="manager", note="not for the website")
    row.refresh_from_db()
    assert row.placement == Placement.REJECTED
    assert held_content(row) == DAMAGED_DOCX
    assert not held.exists()
    assert AuditEntry.objects.filter(kind="document-rejected", actor="manager").exists()
    with pytest.raises(DecisionError):
        reject_document(row.id, by="manager", note="again")


def test_unchanged_renamed_and_moved_files(make_drive: MakeDrive) -> None:
    """An unchanged file is not scanned again, a renamed one is recognised by its hash (and
    scanned again, for its new name), and one moved to a folder of another audience is
    judged again for that audience."""
    drive = make_drive({"staff": ("internal", "report"), "web": ("public", "report")})
    path = drive.put("staff", "a.docx", DAMAGED_DOCX)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    drive.watcher.reconcile()
    assert drive.judge.scanned == [("a.docx", len(DAMAGED_DOCX))]
    first = _row(path)
    renamed = path.with_name("b.docx")
    path.rename(renamed)
    drive.watcher.reconcile()
    assert drive.judge.scanned[1:] == [("b.docx", len(DAMAGED_DOCX))]
    assert _row(renamed).id == first.id
    moved = drive.folders["web"].path / "b.docx"
    renamed.rename(moved)
    drive.watcher.reconcile()
    assert len(drive.judge.scanned) == 3
    row = _row(moved)
    assert (row.id, row.audience, row.action) == (first.id, "public", "hold")


def test_deleted_file_is_no_longer_present(make_drive: MakeDrive) -> None:
    """A file deleted from the folder is marked gone, and the report no longer lists it."""
    drive = make_drive({"web": ("public", "report")})
    path = drive.put("web", "fair.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    path.unlink()
    drive.watcher.reconcile()
    assert not _row(path).present
    assert not discovery.current_files([str(drive.folders["web"].path)]).exists()


def test_permission_denied_is_recorded_and_retried(make_drive: MakeDrive) -> None:
    """A file confide may not read is recorded with the reason and judged once it can be."""
    root = Path(tempfile.mkdtemp(prefix="confide-watch-"))  # in /tmp, open to every user
    try:
        root.chmod(0o755)
        drive = make_drive({"web": ("public", "report")}, root=root / "drive")
        drive.root.chmod(0o755)
        drive.folders["web"].path.chmod(0o755)
        path = drive.put("web", "locked.txt", CLEAN_TEXT)
        path.chmod(0)
        assert drive.watcher is not None
        as_nobody = os.geteuid() == 0  # root reads anything: look as a user who may not
        if as_nobody:
            os.seteuid(NOBODY)
        try:
            drive.watcher.reconcile()
        finally:
            if as_nobody:
                os.seteuid(0)
        row = _row(path)
        assert row.problem.startswith("permission denied")
        assert (row.action, row.attempts) == ("", 1)
        path.chmod(0o644)
        drive.watcher.reconcile()
        row.refresh_from_db()
        assert (row.problem, row.action) == ("", "release")
    finally:
        shutil.rmtree(root)


def test_a_link_is_one_row_and_an_undecodable_name_is_read(
    make_drive: MakeDrive, tmp_path: Path
) -> None:
    """A symbolic link out of the folder is not followed: one row for its path, a link
    judged by its name and held for the public for where it points; a file whose name is
    not UTF-8 is read and judged like any other."""
    drive = make_drive({"web": ("public", "report")})
    outside = tmp_path / "secret.txt"
    outside.write_bytes(CLEAN_TEXT)
    link = drive.folders["web"].path / "link.txt"
    link.symlink_to(outside)
    odd = os.path.join(os.fsencode(drive.folders["web"].path), b"caf\xe9.txt")
    with open(odd, "wb") as file:
        file.write(CLEAN_TEXT)
    os.utime(odd, (0, 0))
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    assert counts == {"skipped": 1, "judged": 1}
    [linked] = WatchedFile.objects.filter(path=str(link))
    assert (linked.kind, linked.action, linked.rules) == ("link", "hold", [names.LINK_RULE])
    assert linked.reasons == [names.LINK_OUT]
    odd_row = WatchedFile.objects.exclude(id=linked.id).get()
    assert (odd_row.kind, odd_row.problem, odd_row.action) == ("file", "", "release")
    assert drive.judge.scanned == [("caf\udce9.txt", len(CLEAN_TEXT))]


@pytest.mark.parametrize("workers", [1, 20], ids=["window-smaller", "window-larger"])
def test_every_file_is_judged_once_whatever_the_window(
    make_drive: MakeDrive, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Files sent while earlier ones are judged are each scanned and judged exactly once,
    whether the window of files in flight is smaller or larger than the pass."""
    drive = make_drive({"web": ("public", "enforce")})
    held = [drive.put("web", f"list {n}.docx", DAMAGED_DOCX + bytes([n])) for n in range(5)]
    fair = [drive.put("web", f"fair {n}.txt", CLEAN_TEXT + bytes([65 + n])) for n in range(5)]
    watcher = Watcher(drive.judge, list(drive.folders.values()), drive.quarantine, workers)
    judged: list[int] = []
    judge = drive.judge.judge

    def counted(data: bytes, *rest: Any) -> Judgement:
        judged.append(len(data))
        return judge(data, *rest)

    monkeypatch.setattr(drive.judge, "judge", counted)
    assert watcher.reconcile() == {"judged": 10}
    assert sorted(name for name, _ in drive.judge.scanned) == sorted(p.name for p in held + fair)
    assert len(judged) == 10
    assert all(_row(path).placement == Placement.QUARANTINED for path in held)
    assert all(_row(path).action == "release" and path.exists() for path in fair)


def test_an_unreadable_document_is_counted_by_its_kind_of_problem(make_drive: MakeDrive) -> None:
    """A damaged document judged by the watcher counts once in /metrics' unscannable items,
    under the file door and the kind "damaged"; a clean one counts nowhere."""
    drive = make_drive({"shared": ("internal", "report")})
    drive.put("shared", "Amina Khan referral.docx", DAMAGED_DOCX)
    drive.put("shared", "fair.txt", CLEAN_TEXT)
    before = {reason: _unscannable_files(reason) for reason in KINDS}
    assert drive.watcher is not None
    drive.watcher.reconcile()
    added = {reason: _unscannable_files(reason) - before[reason] for reason in KINDS}
    assert added == {reason: float(reason == "damaged") for reason in KINDS}


def _unscannable_files(reason: str) -> float:
    labels = {"door": "file", "reason": reason}
    return REGISTRY.get_sample_value("confide_unscannable_items_total", labels) or 0.0


def test_the_contents_held_at_once_are_bounded(
    make_drive: MakeDrive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However wide the window, a file is read and sent ahead only while the contents held
    (sent, or scanned and waiting to be judged) stay under the byte bound."""
    monkeypatch.setattr(sweep, "HELD_BYTES", 1)
    drive = make_drive({"web": ("public", "report")})
    for n in range(6):
        drive.put("web", f"fair {n}.txt", CLEAN_TEXT + bytes([65 + n]))
    watcher = Watcher(drive.judge, list(drive.folders.values()), drive.quarantine, 20)
    counts = {"sent": 0, "judged": 0}
    ahead: list[int] = []
    submit, judge = drive.judge.submit, drive.judge.judge

    def sent(*args: Any) -> Any:
        counts["sent"] += 1
        ahead.append(counts["sent"] - counts["judged"])
        return submit(*args)

    def judged(*args: Any) -> Judgement:
        counts["judged"] += 1
        return judge(*args)

    monkeypatch.setattr(drive.judge, "submit", sent)
    monkeypatch.setattr(drive.judge, "judge", judged)
    assert watcher.reconcile() == {"judged": 6}
    assert max(ahead) == 1
