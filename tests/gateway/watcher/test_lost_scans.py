"""Scanning workers killed under a sweep with real signals: the documents lost with them are
an outage of ours, not of theirs. None is held for a manager; each is scanned again (within
the pass, or on the next); a document that kills its worker every time is held after
``MAX_LOST_SCANS`` tries, saying so. With the watcher's own sandboxed pool (``confide
watch``: a killed worker loses its one item) and with the relay's workers lent to it
(``confide run``: a killed worker breaks the pool, and every item in it is lost)."""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from gateway.relay.lent_workers import LentWorkers
from gateway.relay.worker import ScanPool
from gateway.watcher import lost_scans
from gateway.watcher.lost_scans import MAX_LOST_SCANS, NOT_TAKEN
from gateway.watcher.models import Origin, Placement, WatchedFile, path_key
from gateway.watcher.observing import LiveWatch
from gateway.watcher.quarantine import note_path
from gateway.watcher.sweep import Outcome
from scanner.extract import UNKNOWN_KIND
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner, ScanResult
from scanner.segments import Extraction
from tests.gateway.watcher.conftest import Drive
from tests.gateway.watcher.killable_extraction import (
    PIDS,
    POISON,
    POOL_POISON,
    killable_extract,
    start_lending_worker,
)
from tests.gateway.watcher.nhs_detector import NhsNumbers, nhs_numbers_unless_crashing

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

DOCUMENTS = 24
# Items begun before the workers are killed: well into the sweep, well before its end.
BEGUN = 6


@pytest.fixture(scope="module")
def killable_scanner() -> Iterator[Scanner]:
    """The watcher's own sandboxed pool (as ``confide watch`` has) of two workers."""
    pool = ExtractionPool(ScanLimits(), max_workers=2, extractor=killable_extract)
    with Scanner(pool) as scanner:
        yield scanner


@pytest.fixture
def relay_pool() -> Iterator[ScanPool]:
    """The relay's scanning workers (two spawned processes), lending a scanner that only
    extracts; whatever processes of theirs the test left are ended afterwards."""
    spawn = multiprocessing.get_context("spawn")
    pool = ScanPool(
        lambda: ProcessPoolExecutor(2, mp_context=spawn, initializer=start_lending_worker), 2
    )
    yield pool
    for process in pool.shutdown():
        process.join(30)


def _documents(drive: Drive, pids: Path, count: int) -> list[Path]:
    """Good documents (nothing personal in them), each noting its worker's pid in ``pids``."""
    return [
        drive.put(
            "web",
            f"minutes-{number}.txt",
            PIDS + str(pids).encode() + b"\nMinutes %d: the summer fair is on Saturday.\n" % number,
        )
        for number in range(count)
    ]


def _noted(pids: Path) -> list[int]:
    try:
        return [int(line) for line in pids.read_text().split()]
    except FileNotFoundError:
        return []


def _kill_once_begun(
    pids: Path, targets: Callable[[], list[int]]
) -> tuple[threading.Thread, list[int]]:
    """A thread that waits for ``BEGUN`` items to have begun, then kills ``targets()`` with
    SIGKILL, once; and the pids it killed."""
    killed: list[int] = []

    def kill() -> None:
        deadline = time.monotonic() + 60
        while len(_noted(pids)) < BEGUN:
            assert time.monotonic() < deadline, "the sweep never began"
            time.sleep(0.01)
        for pid in targets():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            killed.append(pid)

    killing = threading.Thread(target=kill)
    killing.start()
    return killing, killed


def _rows(paths: list[Path]) -> list[WatchedFile]:
    return [WatchedFile.objects.get(path_key=path_key(str(path)), present=True) for path in paths]


def _nothing_held(paths: list[Path]) -> None:
    """Every document in place, none held or on its way to quarantine."""
    assert all(path.exists() for path in paths)
    rows = WatchedFile.objects.filter(path_key__in=[path_key(str(path)) for path in paths])
    assert not rows.filter(action="hold").exists()
    assert not rows.exclude(placement=Placement.IN_PLACE).exists()


def _sweep_with_a_kill(
    drive: Drive, pids: Path, targets: Callable[[], list[int]]
) -> tuple[list[Path], dict[Path, Outcome]]:
    """One handling of every document (no retry within it), with the workers killed once
    mid-sweep: the documents, and what became of each."""
    paths = _documents(drive, pids, DOCUMENTS)
    killing, killed = _kill_once_begun(pids, targets)
    assert drive.watcher is not None
    outcomes = drive.watcher.handle(paths)
    killing.join()
    assert killed
    return paths, outcomes


def _judged_on_the_next_pass(drive: Drive, paths: list[Path], lost: list[Path]) -> None:
    """The documents lost were left in place unjudged, saying why; the next pass judges
    them, though nothing about them changed, and releases every one."""
    _nothing_held(paths)
    assert lost, "the kill took no document with it"
    for row in _rows(lost):
        assert (row.action, row.lost_scans) == ("", 1)
        assert row.problem.startswith("its scan was lost (")
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    assert counts == {"judged": len(lost), "unchanged": len(paths) - len(lost)}
    for row in _rows(paths):
        assert (row.action, row.problem, row.lost_scans) == ("release", "", 0)
    _nothing_held(paths)


def test_a_sweep_whose_workers_are_killed_holds_no_good_document(
    make_drive: Callable[..., Drive], killable_scanner: Scanner, tmp_path: Path
) -> None:
    """``confide watch``: kill -9 of both sandboxed workers mid-sweep, in an enforce folder
    for the public; what they were scanning is scanned again on the next pass, not held."""
    drive = make_drive({"web": ("public", "enforce")}, scanner=killable_scanner)
    pids = tmp_path / "pids"
    paths, outcomes = _sweep_with_a_kill(drive, pids, lambda: sorted(set(_noted(pids))))
    lost = [path for path, outcome in outcomes.items() if outcome == Outcome.LOST]
    assert set(outcomes.values()) <= {Outcome.JUDGED, Outcome.LOST}
    _judged_on_the_next_pass(drive, paths, lost)


def test_a_sweep_whose_lent_worker_is_killed_holds_no_good_document(
    make_drive: Callable[..., Drive], relay_pool: ScanPool, tmp_path: Path
) -> None:
    """``confide run``: kill -9 of one of the relay's scanning workers mid-sweep breaks its
    whole pool, and every document in it is lost; none is held, all are judged next pass."""
    lent = LentWorkers(relay_pool, ScanLimits(), 2, stop_unwinds=True)
    drive = make_drive({"web": ("public", "enforce")}, scanner=Scanner(lent))
    pids = tmp_path / "pids"

    def a_relay_worker() -> list[int]:
        processes = getattr(relay_pool.executor, "_processes", None) or {}
        return sorted(processes)[:1]

    try:
        paths, outcomes = _sweep_with_a_kill(drive, pids, a_relay_worker)
        lost = [path for path, outcome in outcomes.items() if outcome == Outcome.LOST]
        assert set(outcomes.values()) <= {Outcome.JUDGED, Outcome.LOST}
        _judged_on_the_next_pass(drive, paths, lost)
    finally:
        for pid in set(_noted(pids)):  # the killed worker's own sandboxed worker, orphaned
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue


def test_lost_documents_are_scanned_again_within_the_pass(
    make_drive: Callable[..., Drive], killable_scanner: Scanner, tmp_path: Path
) -> None:
    """A reconcile tries a document lost with its worker again before it ends: the pass
    that saw the kill judges every document, and holds none."""
    drive = make_drive({"web": ("public", "enforce")}, scanner=killable_scanner)
    pids = tmp_path / "pids"
    paths = _documents(drive, pids, DOCUMENTS)
    killing, killed = _kill_once_begun(pids, lambda: sorted(set(_noted(pids))))
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    killing.join()
    assert killed
    _nothing_held(paths)
    assert counts == {"judged": DOCUMENTS}
    assert len(drive.judge.scanned) > DOCUMENTS  # some were scanned twice
    for row in _rows(paths):
        assert (row.action, row.problem, row.lost_scans) == ("release", "", 0)


def test_a_document_that_kills_its_worker_every_time_is_held_after_three_tries(
    make_drive: Callable[..., Drive], killable_scanner: Scanner, tmp_path: Path
) -> None:
    """A poison document (it kills its scanning worker with SIGKILL whenever it is scanned)
    is tried ``MAX_LOST_SCANS`` times, alone after the first, then held with a reason naming
    the repeated deaths; the good documents beside it are released."""
    drive = make_drive({"web": ("public", "enforce")}, scanner=killable_scanner)
    good = _documents(drive, tmp_path / "pids", 6)
    poison = drive.put("web", "poison.txt", b"Minutes: " + POISON + b".\n")
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    assert counts == {"judged": 7}
    assert [name for name, _ in drive.judge.scanned].count("poison.txt") == MAX_LOST_SCANS
    row = WatchedFile.objects.get(path_key=path_key(str(poison)))
    assert (row.action, row.placement, row.lost_scans) == ("hold", Placement.QUARANTINED, 3)
    assert not poison.exists()
    assert note_path(poison.parent, row.id).exists()
    assert any(
        "scanning it stopped a scanning worker 3 times in a row (the last time: the scanning "
        "worker ran out of memory or died (killed by SIGKILL))" in reason
        for reason in row.reasons
    ), row.reasons
    for each in _rows(good):
        assert (each.action, each.problem, each.lost_scans) == ("release", "", 0)


def test_a_document_judged_before_keeps_its_verdict_while_its_scan_is_lost(
    make_drive: Callable[..., Drive], killable_scanner: Scanner
) -> None:
    """A document released before, edited into one that kills its worker: until it has
    done so ``MAX_LOST_SCANS`` times its row keeps the verdict it had, the file stays where
    it is, and each pass scans it again though its size and times have not changed."""
    drive = make_drive({"web": ("public", "enforce")}, scanner=killable_scanner)
    assert drive.watcher is not None
    path = drive.put("web", "fair.txt", b"Minutes: the summer fair is on Saturday.\n")
    assert drive.watcher.reconcile() == {"judged": 1}
    drive.put("web", "fair.txt", b"Minutes: " + POISON + b".\n", age=30.0)
    for tries in range(1, MAX_LOST_SCANS):
        assert drive.watcher.handle([path]) == {path: Outcome.LOST}
        row = WatchedFile.objects.get(path_key=path_key(str(path)))
        assert (row.action, row.placement, row.lost_scans) == ("release", "in_place", tries)
        assert path.exists()
    assert drive.watcher.handle([path]) == {path: Outcome.JUDGED}
    row = WatchedFile.objects.get(path_key=path_key(str(path)))
    assert (row.action, row.placement) == ("hold", Placement.QUARANTINED)


def test_a_document_that_breaks_the_lent_pool_every_time_takes_no_good_one_with_it(
    make_drive: Callable[..., Drive], relay_pool: ScanPool, tmp_path: Path
) -> None:
    """A document whose scan kills the relay worker it was lent every time breaks the whole
    pool, and the good documents in it with it; scanned again alone, it takes none with it
    again: it is held after ``MAX_LOST_SCANS`` tries, and every good one is released."""
    lent = LentWorkers(relay_pool, ScanLimits(), 2, stop_unwinds=True)
    drive = make_drive({"web": ("public", "enforce")}, scanner=Scanner(lent))
    pids = tmp_path / "pids"
    good = _documents(drive, pids, 6)
    poison = drive.put("web", "poison.txt", PIDS + str(pids).encode() + b"\n" + POOL_POISON)
    assert drive.watcher is not None
    try:
        counts = drive.watcher.reconcile()
    finally:
        for pid in set(_noted(pids)):  # the killed workers' own sandboxed workers, orphaned
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
    assert counts == {"judged": 7}
    assert [name for name, _ in drive.judge.scanned].count("poison.txt") == MAX_LOST_SCANS
    row = WatchedFile.objects.get(path_key=path_key(str(poison)))
    assert (row.action, row.placement, row.lost_scans) == ("hold", Placement.QUARANTINED, 3)
    assert any("the scanning worker it was sent to died" in reason for reason in row.reasons)
    _nothing_held(good)
    for each in _rows(good):
        assert (each.action, each.problem, each.lost_scans) == ("release", "", 0)


def test_a_lost_document_is_looked_at_again_without_waiting_for_a_reconcile(
    make_drive: Callable[..., Drive], killable_scanner: Scanner
) -> None:
    """Followed by events (the next reconcile an hour away): a document whose scan is lost
    is looked at again once it has stood still again, until it is judged; one that kills
    its worker every time is held within seconds, after ``MAX_LOST_SCANS`` tries."""
    drive = make_drive({"web": ("public", "enforce")}, scanner=killable_scanner, stable_seconds=0.5)
    web = drive.folders["web"].path
    content = b"Minutes: " + POISON + b".\n"
    stop = threading.Event()

    def use_the_drive() -> None:
        try:
            time.sleep(1.0)  # the first reconcile is over
            (web / "poison.txt").write_bytes(content)
            deadline = time.monotonic() + 30
            while (web / "poison.txt").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop.set()

    assert drive.watcher is not None
    user = threading.Thread(target=use_the_drive)
    user.start()
    LiveWatch(drive.watcher, reconcile_seconds=3600).run(stop)
    user.join()
    assert drive.judge.scanned.count(("poison.txt", len(content))) == MAX_LOST_SCANS
    row = WatchedFile.objects.get(path_key=path_key(str(web / "poison.txt")))
    assert (row.action, row.placement, row.lost_scans) == ("hold", Placement.QUARANTINED, 3)


def _kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue


def _judged_after_an_idle_kill(drive: Drive, pids: Path) -> None:
    """A first pass (the workers up and noted), the workers killed while idle, then a pass
    over new documents: every document is judged and released, none held."""
    assert drive.watcher is not None
    first = _documents(drive, pids, 4)
    assert drive.watcher.reconcile() == {"judged": 4}
    _kill_all(sorted(set(_noted(pids))))
    time.sleep(0.2)
    paths = [
        drive.put("web", f"notes-{number}.txt", b"Notes %d: the fair is on Saturday.\n" % number)
        for number in range(11)
    ]
    counts = drive.watcher.reconcile()
    assert counts == {"judged": 11, "unchanged": 4}
    _nothing_held([*first, *paths])
    for row in _rows(paths):
        assert (row.action, row.problem, row.lost_scans) == ("release", "", 0)


def test_workers_killed_while_idle_are_replaced(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """``confide watch`` (issue 18's hostile test): both sandboxed workers killed while
    idle broke pebble's pool, and the next pass raised "Unexpected error within the Pool"
    out of the sweep. The pool is replaced; the documents are judged."""
    pool = ExtractionPool(ScanLimits(), max_workers=2, extractor=killable_extract)
    with Scanner(pool) as scanner:
        drive = make_drive({"web": ("public", "enforce")}, scanner=scanner)
        _judged_after_an_idle_kill(drive, tmp_path / "pids")


def test_lent_workers_killed_while_idle_are_replaced(
    make_drive: Callable[..., Drive], relay_pool: ScanPool, tmp_path: Path
) -> None:
    """``confide run`` (issue 18's hostile test): the sandboxed workers of the relay's
    scanning workers killed while idle left every document after it held as "scanning
    failed: RuntimeError". They are replaced; the documents are judged and released."""
    lent = LentWorkers(relay_pool, ScanLimits(), 2, stop_unwinds=True)
    drive = make_drive({"web": ("public", "enforce")}, scanner=Scanner(lent))
    _judged_after_an_idle_kill(drive, tmp_path / "pids")


def test_the_live_watcher_outlives_its_workers_killed(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """``confide watch`` live (issue 18's hostile test): both sandboxed workers killed just
    after the first document is judged, and again as new ones arrive, made the watcher exit
    with pebble's traceback and left a document with an NHS number unjudged in a public
    folder. It goes on watching: that document is held, the others released."""
    pool = ExtractionPool(
        ScanLimits(), max_workers=2, detector=NhsNumbers, extractor=killable_extract
    )
    pids = tmp_path / "pids"
    stop = threading.Event()
    with Scanner(pool) as scanner:
        drive = make_drive({"web": ("public", "enforce")}, scanner=scanner, stable_seconds=0.3)
        web = drive.folders["web"].path
        late = [web / f"late-{number}.txt" for number in range(6)]
        nhs = web / "referral.txt"

        def use_the_drive() -> None:
            try:
                time.sleep(0.5)
                header = PIDS + str(pids).encode() + b"\n"
                (web / "first.txt").write_bytes(header + b"The fair is on Saturday.\n")
                deadline = time.monotonic() + 20
                while not _noted(pids) and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.5)  # judged, the workers idle
                _kill_all(sorted(set(_noted(pids))))
                for path in late:
                    path.write_bytes(header + b"Minutes: the fair is on Saturday.\n")
                nhs.write_bytes(header + b"Referral for NHS number 943 476 5919.\n")
                time.sleep(0.6)
                _kill_all(sorted(set(_noted(pids))))  # again, busy or idle
                while nhs.exists() and time.monotonic() < deadline:
                    time.sleep(0.1)
                time.sleep(2.0)  # the others, sent with it, judged too
            finally:
                stop.set()

        assert drive.watcher is not None
        user = threading.Thread(target=use_the_drive)
        user.start()
        LiveWatch(drive.watcher, reconcile_seconds=3600).run(stop)  # raises nothing
        user.join()
    row = WatchedFile.objects.get(path_key=path_key(str(nhs)))
    assert (row.action in {"hold", "redact"}, row.placement) == (True, Placement.QUARANTINED)
    assert not nhs.exists()
    _nothing_held(late)
    for each in _rows(late):
        assert (each.action, each.problem) == ("release", "")


def test_a_crash_loop_holds_no_document_whose_scan_no_worker_took(
    make_drive: Callable[..., Drive], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: scanning workers in a crash loop (here each kills itself with SIGKILL as it
    starts) held new documents within a second, "no scanning worker could be started", as
    if they had killed their workers. A scan no worker took is not counted against the
    document: it stays in place unjudged, is not sent again until its wait is over, and is
    judged once the workers start again."""
    crashing = tmp_path / "crash loop"
    crashing.touch()
    pool = ExtractionPool(
        ScanLimits(),
        max_workers=1,
        detector=functools.partial(nhs_numbers_unless_crashing, str(crashing)),
    )
    with Scanner(pool) as scanner:
        drive = make_drive({"web": ("public", "enforce")}, scanner=scanner)
        assert drive.watcher is not None
        paths = [
            drive.put(
                "web", f"minutes-{number}.txt", b"Minutes %d: the fair is on Saturday.\n" % number
            )
            for number in range(3)
        ]
        monkeypatch.setattr(lost_scans, "FIRST_WAIT_SECONDS", 0.0)  # no wait between tries
        for tries in range(1, MAX_LOST_SCANS + 1):
            assert drive.watcher.handle(paths) == dict.fromkeys(paths, Outcome.LOST)
            for row in _rows(paths):
                assert (row.action, row.lost_scans, row.attempts) == ("", 0, tries)
                assert row.problem.startswith(NOT_TAKEN), row.problem
        _nothing_held(paths)
        assert len(drive.judge.scanned) == MAX_LOST_SCANS * len(paths)
        monkeypatch.setattr(lost_scans, "FIRST_WAIT_SECONDS", 60.0)
        assert drive.watcher.handle(paths) == dict.fromkeys(paths, Outcome.LOST)
        assert len(drive.judge.scanned) == MAX_LOST_SCANS * len(paths)  # waiting: not sent
        crashing.unlink()  # the outage is over
        monkeypatch.setattr(lost_scans, "FIRST_WAIT_SECONDS", 0.0)
        assert drive.watcher.reconcile() == {"judged": len(paths)}
    _nothing_held(paths)
    for row in _rows(paths):
        assert (row.action, row.problem, row.attempts, row.lost_scans) == ("release", "", 0, 0)


def test_a_scan_no_worker_took_sent_again_at_once_waits_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that sends a document again as soon as no worker took its scan (a held
    folder's name is scanned again until it is judged) is made to wait out the doubling
    wait before the loss is recorded again, so it cannot spin on a crash loop; and the
    loss is never counted against the document."""
    monkeypatch.setattr(lost_scans, "FIRST_WAIT_SECONDS", 0.2)
    row = WatchedFile.objects.create(
        path=str(tmp_path / "a"), path_key=path_key(str(tmp_path / "a")), origin=Origin.USER
    )
    taken_by_none = ScanResult(
        Extraction(UNKNOWN_KIND, unscannable=("no scanning worker could be started",)),
        (),
        lost=True,
        reached_worker=False,
    )
    started = time.monotonic()
    for _ in range(MAX_LOST_SCANS + 1):
        assert lost_scans.counted(row, taken_by_none) is None
    # Waited 0.2, 0.4 and 0.8 s after the first three.
    assert time.monotonic() - started >= 1.4
    row.refresh_from_db()
    assert (row.lost_scans, row.attempts, row.action) == (0, MAX_LOST_SCANS + 1, "")
    assert row.problem.startswith(NOT_TAKEN)
