"""A held document's note that a user's renaming of folders has moved: the watcher knows it
for its own, a release puts the document back beside it and removes it, and a note left for
a document no longer held is removed; the manager is told where a released document went."""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from gateway.watcher import quarantine
from gateway.watcher.documents import release_document
from gateway.watcher.models import Origin, Placement, WatchedFile, stored_path
from tests.gateway.review.conftest import users  # noqa: F401 - the manager jo
from tests.gateway.watcher.conftest import DAMAGED_DOCX, Drive

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]


def _held_deep(drive: Drive) -> tuple[Path, WatchedFile]:
    """``sub/deeper/carer_details.docx`` in the public enforce folder "web", held."""
    path = drive.folders["web"].path / "sub" / "deeper" / "carer_details.docx"
    path.parent.mkdir(parents=True)
    path.write_bytes(DAMAGED_DOCX)
    past = time.time() - 60
    os.utime(path, (past, past))
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=stored_path(str(path)))
    assert row.placement == Placement.QUARANTINED
    return path, row


def _renamed_sub(drive: Drive, row: WatchedFile) -> Path:
    """``sub`` renamed ``sub_renamed`` by a user; where the note lies now."""
    web = drive.folders["web"].path
    (web / "sub").rename(web / "sub_renamed")
    note = web / "sub_renamed" / "deeper" / f"confide-held-{row.id}.txt"
    assert note.read_bytes() == quarantine.note_content(row.id)
    return note


def test_a_note_moved_with_its_folder_is_followed(make_drive: MakeDrive) -> None:
    """The note of a document held from ``sub/deeper``, ``sub`` renamed since, is not read
    as a user's file; released, the document goes back beside it, in the renamed folder,
    the note goes, and ``sub`` is not made again."""
    drive = make_drive({"web": ("public", "enforce")})
    path, row = _held_deep(drive)
    note = _renamed_sub(drive, row)
    scanned = len(drive.judge.scanned)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert len(drive.judge.scanned) == scanned
    files = WatchedFile.objects.filter(is_folder=False, origin=Origin.USER)
    assert list(files.values_list("id", flat=True)) == [row.id]
    row.refresh_from_db()
    assert row.note_path == str(note)
    released = release_document(row.id, "manager", "")
    assert released.path == note.parent / path.name
    assert released.path.read_bytes() == DAMAGED_DOCX
    assert not released.folder_made
    assert not note.exists()
    assert not (drive.folders["web"].path / "sub").exists()


def test_a_release_before_a_pass_judged_the_new_name_goes_where_it_was(
    make_drive: MakeDrive,
) -> None:
    """Released before any pass judged the renamed folder's name (the release has no
    detector), the document goes back where it was held from, its folders made again,
    failing closed; its moved note, found by the document's id and exact content, goes."""
    drive = make_drive({"web": ("public", "enforce")})
    path, row = _held_deep(drive)
    note = _renamed_sub(drive, row)
    released = release_document(row.id, "manager", "")
    assert (released.path, released.folder_made) == (path, True)
    assert path.read_bytes() == DAMAGED_DOCX
    assert not note.exists()
    assert os.listdir(note.parent) == []


def test_a_note_of_a_document_no_longer_held_is_removed(make_drive: MakeDrive) -> None:
    """A copy of the note of a released document, as confide wrote it, is removed by the
    next pass; a file named like it holding anything else is a user's and stays."""
    drive = make_drive({"web": ("public", "enforce")})
    _path, row = _held_deep(drive)
    note = _renamed_sub(drive, row)
    kept = drive.folders["web"].path / "sub_renamed" / "kept"
    kept.mkdir()
    shutil.copy2(note, kept / note.name)  # a user's copy of the folder, the note and all
    release_document(row.id, "manager", "")
    own = drive.folders["web"].path / f"confide-held-{row.id} (2).txt"
    own.write_bytes(quarantine.note_content(row.id) + b"my own words\n")
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert not (kept / note.name).exists()
    assert own.is_file()


@pytest.mark.usefixtures("users")
def test_the_command_says_where_a_released_document_went(make_drive: MakeDrive) -> None:
    """``confide documents release`` says where each document went: under a free name when
    its own is taken, and that its folder was made again when it was gone with its note."""
    drive = make_drive({"web": ("public", "enforce")})
    path, row = _held_deep(drive)
    path.write_bytes(b"a new file of the user's under the same name\n")
    out = io.StringIO()
    call_command("documents", "release", str(row.id), "--as", "jo", "--note", "ok", stdout=out)
    taken = path.with_name("carer_details (2).docx")
    assert out.getvalue() == f"document {row.id}: released; now at {taken}\n"
    other_path, other = _held_again(drive, path)
    shutil.rmtree(other_path.parent.parent)
    out = io.StringIO()
    call_command("documents", "release", str(other.id), "--as", "jo", "--note", "ok", stdout=out)
    assert out.getvalue() == (
        f"document {other.id}: released; now at {other_path} "
        "(its folder was gone, so it was made again)\n"
    )


def _held_again(drive: Drive, path: Path) -> tuple[Path, WatchedFile]:
    """Another document held from ``sub/deeper`` (``path``'s folder)."""
    other_path = path.with_name("carer_rota.docx")
    other_path.write_bytes(DAMAGED_DOCX + b"rota")
    past = time.time() - 60
    os.utime(other_path, (past, past))
    assert drive.watcher is not None
    drive.watcher.reconcile()
    other = WatchedFile.objects.get(path=stored_path(str(other_path)))
    assert other.placement == Placement.QUARANTINED
    return other_path, other
