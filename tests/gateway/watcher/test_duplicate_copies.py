"""Each document the rules redact gets its own redacted copy beside it, however many other
documents hold the same content: a copy another document's verdict left beside it is not
this one's (the watcher recognises a file by its content only to follow a rename or a move);
and the discovery report lists the users' files, not the watcher's copies."""

from __future__ import annotations

import csv
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.register.models import Agency, AgencyDomain
from gateway.watcher.discovery import current_files, write_report
from gateway.watcher.models import Origin, Placement, WatchedFile
from gateway.watcher.quarantine import note_path
from scanner.outcome import CANNOT_TRANSFORM
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CHATTR, CLEAN_TEXT, Drive, one_rule_policy

pytestmark = pytest.mark.django_db

REFERRAL = b"Referral: NHS number 943 476 5919, seen on Monday.\n"


def _redacting_drive(make_drive: Callable[..., Drive], tmp_path: Path, scanner: Scanner) -> Drive:
    """Two enforce folders of different outside audiences, where NHS numbers are redacted."""
    agency = Agency.objects.create(name="Leeds Adult Social Care")
    AgencyDomain.objects.create(agency=agency, domain="leeds-asc.example")
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    return make_drive(
        {"web": ("public", "enforce"), "partner": ("Leeds Adult Social Care", "enforce")},
        policy=policy,
        scanner=scanner,
    )


def test_a_duplicate_in_the_same_folder_gets_its_own_redacted_copy(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A second file with the content of one already redacted, under another name in the same
    folder, is redacted as the first was: its own copy beside it, its original quarantined."""
    drive = _redacting_drive(make_drive, tmp_path, nhs_scanner)
    assert drive.watcher is not None
    first = drive.put("web", "dupA.txt", REFERRAL)
    drive.watcher.reconcile()
    second = drive.put("web", "dupB.txt", REFERRAL)
    drive.watcher.reconcile()
    for original in (first, second):
        row = WatchedFile.objects.get(path=str(original))
        assert (row.action, row.placement) == ("redact", Placement.QUARANTINED)
        copy = original.with_name(f"{original.stem} (redacted).txt")
        assert b"5919" not in copy.read_bytes()
        assert WatchedFile.objects.get(path=str(copy)).origin == Origin.REDACTED_COPY
    drive.watcher.reconcile()
    names = {p.name for p in first.parent.iterdir()}
    assert names == {
        "dupA (redacted).txt",
        "dupB (redacted).txt",
        *(
            note_path(first.parent, WatchedFile.objects.get(path=str(p)).id).name
            for p in (first, second)
        ),
    }


def test_a_renamed_original_keeps_the_one_redacted_copy_it_has(
    make_drive: Callable[..., Drive],
    tmp_path: Path,
    nhs_scanner: Scanner,
    immutable: Callable[[Path], None],
) -> None:
    """An original whose copy was written but which could not be moved, renamed in its folder,
    is the same document: the copy beside it is its own, and no second one is written."""
    drive = _redacting_drive(make_drive, tmp_path, nhs_scanner)
    assert drive.watcher is not None
    original = drive.put("web", "referral.txt", REFERRAL)
    immutable(original)  # its copy is written; it cannot be moved away
    drive.watcher.reconcile()
    renamed = _move_immutable(original, original.with_name("renamed.txt"), immutable)
    drive.watcher.reconcile()
    drive.watcher.reconcile()
    assert "could not be" in WatchedFile.objects.get(path=str(renamed)).problem
    names = sorted(p.name for p in original.parent.iterdir())
    assert names == ["referral (redacted).txt", "renamed.txt"]


def test_an_original_moved_to_another_audience_gets_a_copy_there(
    make_drive: Callable[..., Drive],
    tmp_path: Path,
    nhs_scanner: Scanner,
    immutable: Callable[[Path], None],
) -> None:
    """An original whose copy was written but which could not be moved, moved by its owner
    into a folder of another audience, is redacted there too: a copy beside it where it is
    now, the copy it left behind no longer beside it."""
    drive = _redacting_drive(make_drive, tmp_path, nhs_scanner)
    assert drive.watcher is not None
    original = drive.put("web", "referral.txt", REFERRAL)
    immutable(original)
    drive.watcher.reconcile()
    assert original.with_name("referral (redacted).txt").is_file()
    moved = _move_immutable(original, drive.folders["partner"].path / "referral.txt", immutable)
    drive.watcher.reconcile()
    assert sorted(p.name for p in moved.parent.iterdir()) == [
        "referral (redacted).txt",
        "referral.txt",
    ]
    assert b"5919" not in moved.with_name("referral (redacted).txt").read_bytes()
    row = WatchedFile.objects.get(path=str(moved))
    assert (row.action, row.audience) == ("redact", "Leeds Adult Social Care")


def _move_immutable(source: Path, target: Path, immutable: Callable[[Path], None]) -> Path:
    """Move an immutable file (lifted for the move, as its owner would) and keep it so."""
    subprocess.run([CHATTR, "-i", str(source)], check=True)
    os.rename(source, target)
    immutable(target)
    return target


def test_the_report_lists_the_users_files_not_the_watchers_copies(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """The discovery report, as the Discovery page, lists the files users put in the folders:
    a redacted copy of the watcher's own is not a row with a verdict and no reasons."""
    drive = _redacting_drive(make_drive, tmp_path, nhs_scanner)
    assert drive.watcher is not None
    original = drive.put("web", "referral.txt", REFERRAL)
    drive.watcher.reconcile()
    assert original.with_name("referral (redacted).txt").is_file()
    report = tmp_path / "report.csv"
    folders = [str(f.path) for f in drive.folders.values()]
    assert write_report(report, current_files(folders)) == 1
    with report.open(encoding="utf-8") as lines:
        (row,) = csv.DictReader(lines)
    assert (row["path"], row["verdict"]) == (str(original), "redact")
    assert row["reasons"]


def test_a_bannered_file_moved_to_another_audience_gets_a_marked_copy_there(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """A document released with a banner for one outside audience, moved into a folder of
    another where it is released with a banner too, gets a marked copy beside it there."""
    agency = Agency.objects.create(name="Leeds Adult Social Care")
    AgencyDomain.objects.create(agency=agency, domain="leeds-asc.example")
    drive = make_drive(
        {"web": ("public", "enforce"), "partner": ("Leeds Adult Social Care", "enforce")},
        policy=one_rule_policy(tmp_path, "banner"),
    )
    assert drive.watcher is not None
    original = drive.put("web", "fair.txt", CLEAN_TEXT)
    drive.watcher.reconcile()
    assert original.with_name("fair (CONFIDENTIAL).txt").is_file()
    moved = drive.folders["partner"].path / "fair.txt"
    os.rename(original, moved)
    drive.watcher.reconcile()
    assert sorted(p.name for p in moved.parent.iterdir()) == ["fair (CONFIDENTIAL).txt", "fair.txt"]
    drive.watcher.reconcile()
    assert len(list(moved.parent.iterdir())) == 2


def test_a_redacted_file_whose_copy_cannot_be_written_is_held(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A document whose redacted copy cannot be written beside it (its name, with
    " (redacted)", too long for the filesystem) is held as a copy that cannot be made is:
    quarantined, a note in its place, the reason saying why; never left where it was."""
    drive = _redacting_drive(make_drive, tmp_path, nhs_scanner)
    assert drive.watcher is not None
    original = drive.put("web", "r" * 245 + ".txt", REFERRAL)
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(original))
    assert not original.exists()
    assert (row.action, row.placement, row.problem) == ("hold", Placement.QUARANTINED, "")
    assert CANNOT_TRANSFORM in row.rules
    assert [p.name for p in original.parent.iterdir()] == [note_path(original.parent, row.id).name]


# A referral written in two parts, by a writer that pauses between them.
FIRST_PART = b"Referral: NHS number 943 476 5919,\n"
SECOND_PART = b"and the carer's, 401 023 2137, seen on Monday.\n"


def test_the_copy_of_a_half_written_file_is_replaced_by_the_whole_files(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A file judged half-written, its writer pausing with it open (its redacted copy
    written, the original left in place), once complete is redacted again: the copy of
    its first half is replaced by the whole file's, not joined by a second, and the
    original goes to quarantine."""
    drive = _redacting_drive(make_drive, tmp_path, nhs_scanner)
    assert drive.watcher is not None
    original = drive.folders["web"].path / "held_open.txt"
    copy = original.with_name("held_open (redacted).txt")
    with original.open("wb") as writer:
        writer.write(FIRST_PART)
        writer.flush()
        drive.watcher.reconcile()
        assert "open for writing" in WatchedFile.objects.get(path=str(original)).problem
        assert copy.read_bytes().startswith(b"Referral: NHS number ")
        writer.write(SECOND_PART)
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(original))
    assert (row.action, row.placement) == ("redact", Placement.QUARANTINED)
    assert sorted(p.name for p in original.parent.iterdir()) == [
        note_path(original.parent, row.id).name,
        copy.name,
    ]
    whole = copy.read_bytes()
    assert b"seen on Monday" in whole
    assert b"5919" not in whole
    assert b"2137" not in whole
    assert [r.path for r in WatchedFile.objects.filter(copy_of=row, present=True)] == [str(copy)]
    drive.watcher.reconcile()
    assert len(list(original.parent.iterdir())) == 2


def test_a_copy_a_user_changed_stays_when_its_file_changes(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """The watcher's copy of a half-written file, edited by a user since, is the user's:
    once the file is complete it stays as they left it, and the whole file's copy is
    written beside it under a name of its own."""
    drive = _redacting_drive(make_drive, tmp_path, nhs_scanner)
    assert drive.watcher is not None
    original = drive.folders["web"].path / "held_open.txt"
    copy = original.with_name("held_open (redacted).txt")
    with original.open("wb") as writer:
        writer.write(FIRST_PART)
        writer.flush()
        drive.watcher.reconcile()
        with copy.open("ab") as editing:
            editing.write(b"Checked by the duty worker.\n")
        edited = copy.read_bytes()
        writer.write(SECOND_PART)
    drive.watcher.reconcile()
    assert copy.read_bytes() == edited
    second = original.with_name("held_open (redacted) (2).txt")
    assert b"seen on Monday" in second.read_bytes()
    row = WatchedFile.objects.get(path=str(original))
    assert (row.action, row.placement) == ("redact", Placement.QUARANTINED)


def test_a_new_version_of_a_bannered_file_replaces_its_marked_copy(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """A document released with a banner, saved again with other content, has its marked
    copy replaced by one of the new version, under the same name, not a second beside it."""
    drive = make_drive({"web": ("public", "enforce")}, policy=one_rule_policy(tmp_path, "banner"))
    assert drive.watcher is not None
    original = drive.put("web", "fair.txt", CLEAN_TEXT)
    drive.watcher.reconcile()
    marked = original.with_name("fair (CONFIDENTIAL).txt")
    assert marked.is_file()
    drive.put("web", "fair.txt", CLEAN_TEXT + b"Bring a cake for the stall.\n")
    drive.watcher.reconcile()
    assert sorted(p.name for p in original.parent.iterdir()) == [marked.name, original.name]
    assert b"Bring a cake" in marked.read_bytes()
