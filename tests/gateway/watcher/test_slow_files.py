"""A document slow to scan among quick ones: the others are judged, and carried out, as
their own scans finish, not after it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from gateway.watcher.models import Placement, WatchedFile
from gateway.watcher.observing import LiveWatch
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, DAMAGED_DOCX, Drive
from tests.gateway.watcher.slow_extraction import SLOW_MARK, slow_when_marked

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Scanner]:
    """Two extracting workers, taking their time over a document marked slow."""
    pool = ExtractionPool(ScanLimits(), max_workers=2, extractor=slow_when_marked)
    with Scanner(pool) as scanner:
        yield scanner


def test_a_slow_document_does_not_hold_up_the_others(
    make_drive: Callable[..., Drive], two_workers: Scanner
) -> None:
    """A pass meeting a slow document first (in the first folder) judges a document of
    another folder, scanned in the other worker meanwhile, and takes it into quarantine,
    before the slow one's scan is done."""
    drive = make_drive(
        {"a": ("public", "enforce"), "b": ("public", "enforce")}, scanner=two_workers
    )
    slow = drive.put("a", "annual-report.txt", SLOW_MARK + b" " + CLEAN_TEXT)
    held = drive.put("b", "referral.docx", DAMAGED_DOCX)
    assert drive.watcher is not None
    assert drive.watcher.reconcile() == {"judged": 2}
    slow_row = WatchedFile.objects.get(path=str(slow))
    held_row = WatchedFile.objects.get(path=str(held))
    assert held_row.placement == Placement.QUARANTINED
    assert slow_row.action == "release"
    assert held_row.scanned_at is not None
    assert slow_row.scanned_at is not None
    assert held_row.scanned_at < slow_row.scanned_at


def test_a_file_still_being_written_does_not_hold_up_the_live_watch(
    make_drive: Callable[..., Drive],
) -> None:
    """The live watch's first pass meets a file that has not stood still for long enough
    (a long copy under way, in a folder asking for 30 s) and goes on without waiting for
    it: the pass ends, with the other folder's document held, while the file is left to be
    read once it stands still."""
    drive = make_drive({"a": ("public", "enforce"), "b": ("public", "enforce")})
    watcher = drive.watcher
    assert watcher is not None
    watcher.folders[0] = replace(watcher.folders[0], stable_seconds=30.0)
    copying = drive.folders["a"].path / "minutes.txt"
    copying.write_bytes(CLEAN_TEXT)  # written just now: 30 s from standing still
    held = drive.put("b", "referral.docx", DAMAGED_DOCX)
    stop = threading.Event()
    counts: list[dict[str, int]] = []

    def reconcile_once(
        progress: Callable[[int, int], None] | None = None,
        *,
        later: Callable[[Path], None] | None = None,
    ) -> dict[str, int]:
        counts.append(type(watcher).reconcile(watcher, progress, later=later))
        stop.set()
        return counts[-1]

    watcher.reconcile = reconcile_once  # type: ignore[method-assign]
    LiveWatch(watcher, reconcile_seconds=3600).run(stop)
    assert counts == [{"judged": 1, "unstable": 1}]
    assert WatchedFile.objects.get(path=str(held)).placement == Placement.QUARANTINED
    assert not WatchedFile.objects.filter(path=str(copying)).exists()
