"""Symbolic links held in a public enforce folder (for their names, or for pointing outside
the folder, where a web server or a sync tool publishing it would follow them): taken out of
reach without being followed, their targets sealed in the quarantine, a note in their place;
a release makes the same link again; a crash half-way is settled."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.review.discovery import held_documents
from gateway.watcher import held_links
from gateway.watcher.documents import DecisionError, read_document, release_document
from gateway.watcher.models import Kind, Placement, WatchedFile, real_path, stored_path
from gateway.watcher.quarantine import note_content, note_path
from gateway.watcher.sweep import FOLDERS_HELD
from tests.gateway.watcher.conftest import CLEAN_TEXT, Drive, held_content

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PAYROLL = b"name,salary\nPriya Sharma,31000\n"


def _link_row(path: Path) -> WatchedFile:
    return WatchedFile.objects.get(kind=Kind.LINK, path=stored_path(str(path)))


def test_a_link_out_of_a_public_folder_is_taken_away_and_released(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """A link out of a public enforce folder (to a payroll file never judged) is taken
    away: its target sealed in the quarantine, the file it points to untouched and never
    read, a note in its place, listed for a manager. Released, the same link is made
    again where it was and stands; a link within the folder with a clean name stays."""
    drive = make_drive({"web": ("public", "enforce")})
    web = drive.folders["web"].path
    payroll = tmp_path / "finance" / "payroll.csv"
    payroll.parent.mkdir()
    payroll.write_bytes(PAYROLL)
    out = web / "latest-figures.csv"
    out.symlink_to(payroll)
    drive.put("web", "fair.txt", CLEAN_TEXT)
    (web / "fair-latest.txt").symlink_to("fair.txt")
    assert drive.watcher is not None
    assert drive.watcher.reconcile()[FOLDERS_HELD] == 1

    row = _link_row(out)
    assert (row.action, row.placement, row.present) == ("hold", Placement.QUARANTINED, False)
    assert not os.path.lexists(out)
    assert held_content(row) == os.fsencode(payroll)  # where it pointed, sealed
    assert PAYROLL not in real_path(row.quarantined_as).read_bytes()
    assert payroll.read_bytes() == PAYROLL
    assert ("payroll.csv", len(PAYROLL)) not in drive.judge.scanned
    assert note_path(web, row.id).read_bytes() == note_content(row.id)
    assert row.id in {held.id for held in held_documents()}
    assert (web / "fair-latest.txt").is_symlink()
    with pytest.raises(DecisionError, match="symbolic link"):
        read_document(row.id, "manager")

    released = release_document(row.id, by="manager", note="our own figures page")
    assert released.path == out
    assert os.readlink(out) == str(payroll)
    assert not note_path(web, row.id).exists()
    assert not real_path(row.quarantined_as).exists()
    drive.watcher.reconcile()
    row.refresh_from_db()
    assert (row.placement, row.present) == (Placement.RELEASED, True)
    assert os.readlink(out) == str(payroll)


@pytest.mark.parametrize("crash", [held_links.JOURNALED, held_links.SEALED])
def test_a_link_taken_away_half_way_is_settled(
    make_drive: Callable[..., Drive], tmp_path: Path, crash: str
) -> None:
    """A taking away cut short (the journal committed; the target sealed, the link still
    there) is settled by the next pass: the link is taken away once, whole, and its note
    left; never a note beside the link, nor a link gone with nothing sealed."""
    drive = make_drive({"web": ("public", "enforce")})
    web = drive.folders["web"].path
    out = web / "elsewhere"
    out.symlink_to(tmp_path)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = _link_row(out)
    # What a kill at ``crash`` leaves: the link in place, the journal as it was then.
    target = os.fsencode(str(tmp_path))
    os.unlink(note_path(web, row.id))
    os.symlink(target, os.fsencode(out))
    sealed = real_path(row.quarantined_as)
    if crash == held_links.JOURNALED:
        sealed.unlink()
    WatchedFile.objects.filter(id=row.id).update(
        placement=Placement.QUARANTINING,
        moving_from=row.path,
        moving_to=row.quarantined_as,
        quarantined_as="",
        present=True,
    )
    drive.watcher.reconcile()
    row.refresh_from_db()
    assert (row.placement, row.moving_from, row.moving_to) == (Placement.QUARANTINED, "", "")
    assert not os.path.lexists(out)
    assert held_content(row) == target
    assert note_path(web, row.id).read_bytes() == note_content(row.id)
    assert len(list(real_path(row.quarantined_as).parent.glob(f"{row.id}-*"))) == 1
