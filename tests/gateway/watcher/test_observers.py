"""The watcher following events, with watchdog's native observer and its polling one: a file
written slowly is read once, after it is complete; a rename is recognised; a move between
folders of different audiences is judged again; a delete is noticed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from gateway.watcher.models import Placement, WatchedFile
from gateway.watcher.observing import LiveWatch
from gateway.watcher.quarantine import note_path
from tests.gateway.watcher.conftest import CLEAN_TEXT, DAMAGED_DOCX, Drive

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

STABLE_SECONDS = 1.0
CHUNKS = 6
CHUNK_SECONDS = 0.3  # well inside STABLE_SECONDS: the file never looks finished meanwhile
SETTLE_SECONDS = 3.0  # stable time, a polling round and a tick, with room to spare


@pytest.mark.parametrize("observer", ["native", "polling"])
def test_events_are_followed(make_drive: Callable[..., Drive], observer: str) -> None:
    """Followed by events alone (no reconcile after the first): a slowly written file is
    scanned once, whole; renamed, it is scanned again, for its new name; moved from an
    internal folder to a public one it is judged again and held; deleted, it is no longer
    present."""
    drive = make_drive(
        {"staff": ("internal", "enforce"), "web": ("public", "enforce")},
        stable_seconds=STABLE_SECONDS,
        observer=observer,
    )
    staff, web = drive.folders["staff"].path, drive.folders["web"].path
    stop = threading.Event()

    def use_the_drive() -> None:
        try:
            with (staff / "slow.txt").open("wb") as file:
                for _ in range(CHUNKS):
                    file.write(CLEAN_TEXT)
                    file.flush()
                    time.sleep(CHUNK_SECONDS)
            time.sleep(SETTLE_SECONDS)
            (staff / "slow.txt").rename(staff / "renamed.txt")
            (staff / "notes.docx").write_bytes(DAMAGED_DOCX)
            time.sleep(SETTLE_SECONDS)
            (staff / "notes.docx").rename(web / "notes.docx")
            time.sleep(SETTLE_SECONDS)
            (staff / "renamed.txt").unlink()
            time.sleep(SETTLE_SECONDS)
        finally:
            stop.set()

    assert drive.watcher is not None
    user = threading.Thread(target=use_the_drive)
    user.start()
    LiveWatch(drive.watcher, reconcile_seconds=3600).run(stop)
    user.join()

    assert sorted(drive.judge.scanned) == [  # a poll may see the rename after the write
        ("notes.docx", len(DAMAGED_DOCX)),
        ("notes.docx", len(DAMAGED_DOCX)),
        ("renamed.txt", CHUNKS * len(CLEAN_TEXT)),
        ("slow.txt", CHUNKS * len(CLEAN_TEXT)),
    ]
    renamed = WatchedFile.objects.get(path=str(staff / "renamed.txt"))
    assert not renamed.present
    held = WatchedFile.objects.get(path=str(web / "notes.docx"))
    assert (held.audience, held.action, held.placement) == ("public", "hold", Placement.QUARANTINED)
    assert note_path(web, held.id).is_file()
    assert not (web / "notes.docx").exists()
