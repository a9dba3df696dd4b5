"""Scans lost with their worker: an outage of ours, not a verdict on the document.

A scanning worker killed (``kill -9``, the kernel's OOM killer), a pool that broke and took
every item in it along, an item cancelled as the pool was replaced: the document was not
read, and nothing about it is known (``ScanResult.lost``). Judging it unscannable would hold
an innocent document for a manager; releasing it would be failing open. So it is neither:
it stays as it was (a new file unjudged in place, as one still being written does; a file
judged before keeps its verdict and placement), recorded with the reason, and is scanned
again, alone (``again``), so that a worker lost under it then is its own doing, not a
neighbour's. A document that kills its worker ``MAX_LOST_SCANS`` times in a row is judged
as unscannable with a reason naming the repeated deaths, which the policy holds, as the
relay holds a message after ``MAX_SCAN_ATTEMPTS``.

A scan that no worker took (no worker of its pool had started, as in a crash loop of the
workers: ``ScanResult.reached_worker`` false) tells nothing of the document and cannot have
been its doing, as a message that reached no worker is handed over again by the relay with
no attempt counted (``_hand_over_again``). It is not counted: the document stays as it
stood, with the reason, and is scanned again later, not alone, after a wait that doubles
with each such scan in a row (``wait``), so that an outage of the workers is not met with
the same documents again and again at once.

A copy the verdict asks for (redacted or marked), lost with the worker making or reading it
(``scanner.sandbox.WorkerLost``), counts as a lost scan, unless no worker took it; after
``MAX_LOST_SCANS`` the document is held as a copy that cannot be made is, never judged
unscannable (a policy may release that, and what was read needed the copy).

A time limit, and the per-item memory limit reached by the document itself, are verdicts
on the document (not ``lost``): those are judged at once, as before.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from gateway.watcher.models import WatchedFile
from scanner.extract import UNKNOWN_KIND
from scanner.scanning import ScanResult
from scanner.segments import Extraction

log = logging.getLogger("confide.watcher")

# Scans in a row lost with their worker after which a document is held as the cause.
MAX_LOST_SCANS = 3
# The wait before scanning again a document whose scan no worker took, doubled with each
# such scan in a row up to the longest: about as long as a new pool takes to start workers
# (with the model) at first, then long enough that a crash loop costs a few scans a minute.
FIRST_WAIT_SECONDS = 0.5
LONGEST_WAIT_SECONDS = 30.0
# How a row's problem starts while its last scan was taken by no worker.
NOT_TAKEN = "no scanning worker took it"


def again(row: WatchedFile | None) -> bool:
    """Whether the file of ``row`` lost its last scan with its worker: it is scanned alone."""
    return row is not None and row.lost_scans > 0


def wait(row: WatchedFile | None) -> float:
    """The seconds left before the file of ``row`` is scanned again: its last scan was taken
    by no worker, and its wait (see the module's docstring) is not over; 0 otherwise."""
    if row is None or not row.problem.startswith(NOT_TAKEN) or row.attempts < 1:
        return 0.0
    doublings = min(row.attempts - 1, 16)
    longest: float = min(FIRST_WAIT_SECONDS * 2**doublings, LONGEST_WAIT_SECONDS)
    waited: float = (datetime.now(UTC) - row.updated_at).total_seconds()
    return max(longest - waited, 0.0)


def counted(row: WatchedFile, result: ScanResult) -> ScanResult | None:
    """Count ``result``, a scan of ``row``'s file lost with its worker. ``None``: the file is
    left as it stands, with the reason recorded (saved), to be scanned again; after
    ``MAX_LOST_SCANS`` in a row, the result to judge instead, unscannable and naming the
    deaths (``row`` is saved by whoever judges it). A scan no worker took is not counted:
    always ``None``, the file scanned again after its ``wait``; a caller that sent it again
    before its wait was over waits the rest here, so that none spins on a crash loop."""
    last = "; ".join(result.extraction.unscannable) or "its worker was lost"
    if not result.reached_worker:
        time.sleep(wait(row))
        row.problem = f"{NOT_TAKEN} ({last}); it is scanned again later"[:300]
        row.attempts += 1
        row.save()
        log.warning("scan taken by no worker id=%s attempts=%d", row.id, row.attempts)
        return None
    row.lost_scans += 1
    if row.lost_scans >= MAX_LOST_SCANS:
        reason = (
            f"scanning it stopped a scanning worker {row.lost_scans} times in a row "
            f"(the last time: {last})"
        )
        log.warning("held as its scans keep failing id=%s lost=%d", row.id, row.lost_scans)
        held = Extraction(UNKNOWN_KIND, unscannable=(reason,))
        return ScanResult(held, (), lost=True)
    row.problem = f"its scan was lost ({last}); it is scanned again"[:300]
    row.attempts += 1
    row.save()
    # confide's own words: never the file's name.
    log.warning("scan lost id=%s lost=%d reason=%s", row.id, row.lost_scans, last)
    return None
