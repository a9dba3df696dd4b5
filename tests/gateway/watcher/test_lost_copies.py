"""A redacted copy lost with the scanning worker that made and read it (killed with a real
signal): an outage of ours, as a lost scan is. The document is not held for a manager: it
stays in place and is judged again on the next pass; one whose copy kills its worker every
time is held after ``MAX_LOST_SCANS`` tries, saying so."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from gateway.relay.lent_workers import LentWorkers
from gateway.relay.worker import ScanPool
from gateway.watcher.lost_scans import MAX_LOST_SCANS
from gateway.watcher.models import Placement, WatchedFile
from gateway.watcher.sweep import Outcome
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import Drive, held_content, one_rule_policy
from tests.gateway.watcher.killable_extraction import (
    KILL_EVERY_COPY,
    KILL_ITS_COPY,
    KILL_ITS_RELAY_WORKER,
    copy_killing_extract,
    start_copy_killing_lending_worker,
)
from tests.gateway.watcher.nhs_detector import NhsNumbers

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

REFERRAL = b"Referral: NHS number 943 476 5919, seen on Monday.\n"


@pytest.fixture(scope="module")
def copy_killing_scanner() -> Iterator[Scanner]:
    """A sandboxed worker that finds NHS numbers, and dies reading a copy so marked."""
    pool = ExtractionPool(
        ScanLimits(), max_workers=1, detector=NhsNumbers, extractor=copy_killing_extract
    )
    with Scanner(pool) as scanner:
        yield scanner


@pytest.fixture
def redacting_drive(
    make_drive: Callable[..., Drive], tmp_path: Path, copy_killing_scanner: Scanner
) -> Drive:
    """A public enforce folder where an NHS number linked to nobody is redacted."""
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    return make_drive({"web": ("public", "enforce")}, policy=policy, scanner=copy_killing_scanner)


def test_a_copy_lost_with_its_worker_is_made_again_not_held(
    redacting_drive: Drive, tmp_path: Path
) -> None:
    """The worker dies reading the redacted copy: the document stays, unjudged, saying why,
    and the next pass writes the copy and quarantines the original, as it would have."""
    once = tmp_path / "kill-once"
    once.touch()
    content = KILL_ITS_COPY + bytes(once) + b"\n" + REFERRAL
    original = redacting_drive.put("web", "referral.txt", content)
    watcher = redacting_drive.watcher
    assert watcher is not None
    assert watcher.handle([original]) == {original: Outcome.LOST}
    assert not once.exists()  # the worker was killed reading the copy
    row = WatchedFile.objects.get(path=str(original))
    assert (row.action, row.placement, row.lost_scans) == ("", Placement.IN_PLACE, 1)
    assert row.problem.startswith("its scan was lost (the copy's scanning worker was lost")
    assert original.exists()
    assert not original.with_name("referral (redacted).txt").exists()

    watcher.reconcile()
    row.refresh_from_db()
    assert (row.action, row.placement, row.lost_scans) == ("redact", Placement.QUARANTINED, 0)
    assert held_content(row) == content
    copy = original.with_name("referral (redacted).txt").read_bytes()
    assert b"5919" not in copy
    assert b"seen on Monday" in copy


def test_a_copy_that_kills_its_worker_every_time_is_held_in_the_end(
    redacting_drive: Drive,
) -> None:
    """Its copy never made, a document the rules redact is held after ``MAX_LOST_SCANS``
    tries, never released as one that could not be read would be under this policy."""
    content = KILL_EVERY_COPY + b"\n" + REFERRAL
    original = redacting_drive.put("web", "referral.txt", content)
    watcher = redacting_drive.watcher
    assert watcher is not None
    for tries in range(1, MAX_LOST_SCANS):
        assert watcher.handle([original]) == {original: Outcome.LOST}
        assert WatchedFile.objects.get(path=str(original)).lost_scans == tries
    assert watcher.handle([original]) == {original: Outcome.JUDGED}
    row = WatchedFile.objects.get(path=str(original))
    assert (row.action, row.placement) == ("hold", Placement.QUARANTINED)
    assert f"stopped a scanning worker {MAX_LOST_SCANS} times in a row" in " ".join(row.reasons)
    assert held_content(row) == content
    assert "cannot-transform" in row.rules
    assert not original.with_name("referral (redacted).txt").exists()


def test_a_copy_lost_with_a_lent_worker_is_made_again_not_held(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """``confide run``: the relay's scanning worker that lent its sandboxed worker for the
    copy is killed (its whole pool breaks): the document stays, and the next pass redacts."""
    spawn = multiprocessing.get_context("spawn")
    pool = ScanPool(
        lambda: ProcessPoolExecutor(
            1, mp_context=spawn, initializer=start_copy_killing_lending_worker
        ),
        1,
    )
    try:
        lent = LentWorkers(pool, ScanLimits(), 1, stop_unwinds=True)
        policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
        drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=Scanner(lent))
        once = tmp_path / "kill-once"
        once.touch()
        content = KILL_ITS_RELAY_WORKER + bytes(once) + b"\n" + REFERRAL
        original = drive.put("web", "referral.txt", content)
        assert drive.watcher is not None
        assert drive.watcher.handle([original]) == {original: Outcome.LOST}
        assert not once.exists()
        row = WatchedFile.objects.get(path=str(original))
        assert (row.action, row.placement, row.lost_scans) == ("", Placement.IN_PLACE, 1)
        assert "LostWithWorker" in row.problem
        drive.watcher.reconcile()
        row.refresh_from_db()
        assert (row.action, row.placement) == ("redact", Placement.QUARANTINED)
        assert b"5919" not in original.with_name("referral (redacted).txt").read_bytes()
    finally:
        for process in pool.shutdown():
            process.join(30)
