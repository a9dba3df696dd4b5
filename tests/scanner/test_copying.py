"""Copies made and read for the safety net in a scanning worker (``PoolCopier``), and the
detector's reuse of what it found in the item a copy was made from."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest

from scanner.actions import Action
from scanner.copying import PoolCopier
from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.findings import Finding
from scanner.limits import ScanLimits
from scanner.outcome import (
    REDACTION_CHECK,
    Copier,
    DocumentTransforms,
    PlannedOutcome,
    plan,
)
from scanner.policy.policy_file import Policy, load_policy
from scanner.removals import removals
from scanner.sandbox import ExtractionPool, ScanResult, WorkerLost
from scanner.segments import Extraction, Segment
from scanner.transform import DEFAULT_BANNER, load_banner
from tests.gateway.watcher.nhs_detector import NhsNumbers
from tests.scanner.copy_transforms import DiesMakingTheCopy, LeavesEverything
from tests.scanner.redaction_pipeline import STRANGER, judged
from tests.scanner.transform.made_files import docx_bytes

pytestmark = pytest.mark.slow

NHS_NUMBER = "943 476 5919"
REFERRAL = f"Referral received today.\n\nNHS number {NHS_NUMBER}, seen on Monday.\n".encode()
TRANSFORMS = DocumentTransforms(load_banner(DEFAULT_BANNER, "Riverside Carers"), ScanLimits())


@pytest.fixture(scope="module")
def pool() -> Iterator[ExtractionPool]:
    """One sandboxed worker whose detector finds NHS numbers by their shape."""
    with ExtractionPool(ScanLimits(), max_workers=1, detector=NhsNumbers) as running:
        yield running


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def _planned(pool: ExtractionPool, policy: Policy, copier: Copier) -> PlannedOutcome:
    result = pool.scan(REFERRAL)
    verdicts = judged(policy, result, [STRANGER])
    assert verdicts[STRANGER].action == "redact", verdicts[STRANGER].rules
    return plan(
        REFERRAL, result, verdicts, policy=policy, copier=copier, rejudge=partial(judged, policy)
    )


def test_a_redacted_copy_is_made_and_read_in_a_worker(pool: ExtractionPool, policy: Policy):
    """The worker makes the redacted copy and reads it twice for the net (as an item and its
    header's fields); read clean, it goes to the recipient."""
    planned = _planned(pool, policy, PoolCopier(pool, TRANSFORMS))
    (copy,) = planned.copies
    assert planned.verdicts[STRANGER].action == "redact"
    assert copy.recipients == (STRANGER,)
    assert NHS_NUMBER.encode() not in copy.content
    assert b"Referral received today." in copy.content


def test_a_copy_the_net_reads_a_value_in_is_held(pool: ExtractionPool, policy: Policy):
    """A redaction that removed nothing is caught by the net reading the copy in the worker:
    the recipient is held, and no copy goes out."""
    planned = _planned(pool, policy, PoolCopier(pool, LeavesEverything()))
    assert planned.copies == ()
    verdict = planned.verdicts[STRANGER]
    assert (verdict.action, verdict.rules[-1]) == ("hold", REDACTION_CHECK)


def test_a_worker_that_dies_making_a_copy_is_a_lost_copy(pool: ExtractionPool, policy: Policy):
    """A worker lost while making the copy tells nothing of the item: the copy is lost
    (``WorkerLost``, taken by its worker, which the watcher tries again and holds after three
    in a row), not held as if the item had refused it; and the pool goes on scanning."""
    with pytest.raises(WorkerLost, match="ProcessExpired") as lost:
        _planned(pool, policy, PoolCopier(pool, DiesMakingTheCopy()))
    assert lost.value.reached_worker
    assert pool.scan(REFERRAL).findings


def test_a_segment_read_before_keeps_its_findings_and_a_changed_one_is_read(
    detector: Detector,
):
    """A segment with the text and offsets of one in the earlier item takes that segment's
    findings (here a marker no detector makes); one whose text or offsets differ is read."""
    same = Segment("The drop-in on Thursday was busy.", "body")
    moved = Segment("The drop-in on Thursday was busy.", "body", tuple(range(34)))
    earlier = Extraction("text", (same, Segment("[phone number removed]", "body")))
    marker = Finding(0, 4, 11, "MARKER", 1.0, "earlier")
    now = Extraction("text", (Segment("Ring Jo on 07700 900461.", "body"), same, moved))
    findings = detector.scan(now, (earlier, [marker]))
    assert [(f.segment, f.type) for f in findings if f.segment != 0] == [(1, "MARKER")]
    assert "PHONE_NUMBER" in {f.type for f in findings if f.segment == 0}


def test_a_copy_read_with_its_original_finds_what_a_full_read_finds(detector: Detector):
    """Reading a redacted .docx with the findings of the document it was made from gives
    exactly the findings of reading it afresh."""
    limits = ScanLimits()
    original = docx_bytes(
        "The drop-in on Thursday was busy.",
        f"Carer Amina Okafor (NHS number {NHS_NUMBER}) rang on 07700 900461.",
    )
    extraction = extract(original, limits)
    found = detector.scan(extraction)
    removed = removals(extraction, found, lambda finding: finding.type.lower())
    copy = extract(TRANSFORMS.redacted(original, removed), limits)
    texts = {segment.text for segment in extraction.segments}
    assert {segment.text in texts for segment in copy.segments} == {True, False}
    assert detector.scan(copy, (extraction, found)) == detector.scan(copy)


class _NoTrips:
    """Scanning workers that fail any task given to them."""

    limits = ScanLimits()

    def run_in_worker(self, *args: object) -> None:
        raise AssertionError("a task was sent to a worker")


def test_a_copy_released_as_it_came_makes_no_trip_to_the_worker():
    """A copy released unmarked is the item itself: no task goes to a worker for it, and
    the net has nothing to read."""
    result = ScanResult(Extraction("text"), ())
    copier = PoolCopier(_NoTrips(), TRANSFORMS)  # type: ignore[arg-type]
    copy = copier.checked_copy(REFERRAL, result, Action.RELEASE, (), banner=False)
    assert (copy.content, copy.readings) == (REFERRAL, ())
