"""What the watcher (or a manager's release) writes into the watched folders is never taken
for a user's new document: a release's partial file, cut short by a kill, is neither judged
nor held, and the next release of its document removes it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.watcher import moving, quarantine
from gateway.watcher.documents import release_document
from gateway.watcher.models import Placement, WatchedFile, stored_path
from tests.gateway.watcher.conftest import DAMAGED_DOCX, Drive

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
    """The partial file of a release killed half-way (part of a held document, in a public
    folder) is not judged by the watcher's passes; releasing the document again removes it
    and puts the document back whole."""
    drive = make_drive({"web": ("public", "enforce")})
    row = _held_from(drive, "referral.docx")
    partial = _release_cut_short(row)
    scanned = len(drive.judge.scanned)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert len(drive.judge.scanned) == scanned
    assert list(WatchedFile.objects.values_list("id", flat=True)) == [row.id]
    assert partial.read_bytes() == HELD[: moving.CHUNK]
    released = release_document(row.id, "manager", "")
    assert released.path.read_bytes() == HELD
    assert not partial.exists()
    assert hashlib.sha256(released.path.read_bytes()).hexdigest() == row.content_hash
