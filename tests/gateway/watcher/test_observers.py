"""The watcher following events, with watchdog's native observer and its polling one: a file
written slowly is read once, after it is complete; a rename is recognised; a move between
folders of different audiences is judged again; a delete is noticed; a rewrite of the same
size with its mtime put back is seen."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.watcher.models import Placement, WatchedFile
from gateway.watcher.observing import LiveWatch
from gateway.watcher.quarantine import note_path
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, DAMAGED_DOCX, Drive, one_rule_policy

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


# The same number of bytes: an NHS number the stand-in detector misses (dashes), then finds.
BEFORE = b"Fair raffle ticket 943-476-5919.\n"
AFTER = b"Fair raffle ticket 943 476 5919.\n"
HELD_WITHIN_SECONDS = 20.0  # many polls (0.2 s each); the reconcile is an hour away


@pytest.mark.parametrize("observer", ["native", "polling"])
def test_a_rewrite_keeping_its_size_and_mtime_is_seen(
    make_drive: Callable[..., Drive],
    tmp_path: Path,
    nhs_scanner: Scanner,
    monkeypatch: pytest.MonkeyPatch,
    observer: str,
) -> None:
    """A released file rewritten in place with content of the same size, its mtime put back
    (``touch -r``), is seen by either observer and held, not left in view until the next
    reconcile: its change time moved."""
    drive = make_drive(
        {"web": ("public", "enforce")},
        observer=observer,
        policy=one_rule_policy(tmp_path, "hold", unlinked="identifier"),
        scanner=nhs_scanner,
    )
    assert drive.watcher is not None
    path = drive.put("web", "raffle.txt", BEFORE)
    reconciled: list[dict[str, int]] = []
    first_pass_done = threading.Event()
    reconcile = drive.watcher.reconcile

    def counted_reconcile(*, later: Callable[[Path], None] | None = None) -> dict[str, int]:
        reconciled.append(reconcile(later=later))
        first_pass_done.set()
        return reconciled[-1]

    monkeypatch.setattr(drive.watcher, "reconcile", counted_reconcile)
    stop = threading.Event()

    def rewrite() -> None:
        try:
            if not first_pass_done.wait(HELD_WITHIN_SECONDS):
                return
            time.sleep(1.0)  # the polling observer's first look at the folder is surely taken
            before = os.stat(path)
            with path.open("r+b") as file:
                file.write(AFTER)
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
            deadline = time.monotonic() + HELD_WITHIN_SECONDS
            while path.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()

    user = threading.Thread(target=rewrite)
    user.start()
    LiveWatch(drive.watcher, reconcile_seconds=3600).run(stop)
    user.join()

    assert reconciled == [{"judged": 1}]  # the pass at start only
    row = WatchedFile.objects.get(path=str(path))
    assert (row.action, row.placement) == ("hold", Placement.QUARANTINED)
    assert not path.exists()
