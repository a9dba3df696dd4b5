"""The door itself: a path in a watched folder becomes a scan job, and what the core says of
it is recorded (and, in an enforce folder, carried out).

``Watcher.handle`` takes any paths (from events or a walk); ``Watcher.reconcile`` walks every
folder, marks what is gone, and handles the rest until each file is judged or has a reason it
was not. A file is read only once its size, mtime and change time have stood still for the
folder's ``stable_seconds``; an unchanged file (same inode, size, mtime, change time and
fingerprint) is not read again; a file that appears where another vanished with the same
content is the same file, moved.
"""

from __future__ import annotations

import enum
import errno
import fnmatch
import hashlib
import logging
import os
import re
import stat
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.db import DatabaseError

from gateway.review import audit
from gateway.watcher import documents, held_folders, lost_scans, moving, names, quarantine
from gateway.watcher.folders import INTERNAL, NOTE_PATTERN, Folder
from gateway.watcher.judging import DocumentJudge, Judgement, found_in_name, held_for
from gateway.watcher.models import (
    LOCKED_IN_PLACE,
    NOT_MOVED,
    Origin,
    Placement,
    WatchedFile,
    held_in_place,
    path_key,
    real_path,
    stored_path,
)
from scanner.actions import Action
from scanner.extract import UNKNOWN_KIND, too_large
from scanner.limits import MIB
from scanner.outcome import CANNOT_TRANSFORM
from scanner.sandbox import WorkerLost
from scanner.scanning import ScanResult
from scanner.segments import Extraction

log = logging.getLogger("confide.watcher")

# A file still changing after this many waits for it to stand still is recorded as such and
# left to the next pass.
MAX_WAITS = 20
# Files sent and not yet scanned, per scanning worker: enough that a worker never waits while
# this process judges, or behind one long document the pass waits on (2 left workers idle a
# quarter of a 600-file sweep); with as many scanned and waiting to be judged, it bounds the
# files held.
PER_WORKER = 8
# The file contents held at once, sent or waiting to be judged, whatever their number: a
# pass of large files holds a few (any one file up to ``max_item_bytes``), not a window's.
HELD_BYTES = 64 * MIB

# An excluded name (``Folder.exclude``) in an enforce folder for an outside audience is left
# unread only while it is transient: written within this long (a save's temporary file,
# ``~WRL0001.tmp``, holds the whole document for the seconds the save takes; the default
# ``reconcile_minutes`` is an hour, so the pass after one reads what a crash left), or a
# lock file of an open document, however long it is open: named as Word's (``~$*``) or
# LibreOffice's (``.~lock.*#``) are, no larger than ``LOCK_FILE_BYTES`` (Word's is 162
# bytes; LibreOffice's a line: user, machine, time, profile path), with its document beside
# it (``_locks_a_document``). A modification time ahead of now by more than a client's
# clock may be (``CLOCK_AHEAD_SECONDS``) makes no file transient.
TRANSIENT_SECONDS = 3600.0
CLOCK_AHEAD_SECONDS = 300.0
LOCK_FILE_NAMES = ("~$*", ".~lock.*#")
LOCK_FILE_BYTES = 1024

# What a pass counts the held folders it took away as.
FOLDERS_HELD = "folders held"
# A hold that could not be carried out (the quarantine not writable, or full) leaves the
# document in view: it is tried again after this many seconds (``retry_holds``), doubling
# with each failure up to ``HOLD_RETRY_MAX_SECONDS``, not left to the next full pass.
HOLD_RETRY_SECONDS = 2.0
HOLD_RETRY_MAX_SECONDS = 60.0
# An errno name in confide's own words of a failed move ("... could not be sealed (EPERM)").
_ERRNO_IN_WORDS = re.compile(r"\((E[A-Z0-9]+)\)")


class Outcome(enum.Enum):
    SKIPPED = "skipped"  # not a file the watcher scans (excluded, a note, not a regular file)
    UNCHANGED = "unchanged"
    JUDGED = "judged"
    GONE = "gone"
    PROBLEM = "problem"  # recorded with the reason it could not be judged
    UNSTABLE = "unstable"  # still being written: try again once it stands still
    CHANGED = "changed"  # replaced while it was scanned: try again
    LOST = "lost"  # its scan was lost with its worker (``lost_scans``): try again (alone
    # if a worker took it; after ``lost_scans.wait`` if none did)


# What is tried again, within a pass or once it stands still again.
AGAIN = (Outcome.UNSTABLE, Outcome.CHANGED, Outcome.LOST)


@dataclass(frozen=True)
class _Scan:
    """A file read and sent to be scanned."""

    path: Path
    folder: Folder
    row: WatchedFile
    data: bytes
    content_hash: str
    signature: tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns when it was read
    fingerprint: str
    result: Future[ScanResult]
    renamed: bool  # judged before under another name (a name is scanned too)
    moved: bool  # judged before in another watched folder (what was done there is not here)


class Watcher:
    """Judges the files of the watched folders; ``workers`` is the scanning pool's size."""

    def __init__(
        self, judge: DocumentJudge, folders: Sequence[Folder], quarantine_dir: Path, workers: int
    ) -> None:
        self.judge = judge
        self.folders = list(folders)
        self.quarantine_dir = quarantine_dir
        self.limits = judge.scanner.pool.limits
        self.window = PER_WORKER * workers

    def folder_of(self, path: Path) -> Folder | None:
        return next((f for f in self.folders if f.holds(path)), None)

    def walk(self) -> list[Path]:
        """Every file under the watched folders (with the links and special files among
        them, which are skipped: ``names`` judges them by their names, and those whose path
        is too long to be read, and what lies in such a folder)."""
        found = []
        for folder in self.folders:
            for top, _dirs, files in os.walk(folder.path, followlinks=False):
                found += [Path(top) / name for name in files]
        return [path for path in found if not names.too_long(path)]

    def reconcile(
        self,
        progress: Callable[[int, int], None] | None = None,
        *,
        later: Callable[[Path], None] | None = None,
    ) -> dict[str, int]:
        """A full pass: every file judged or given its reason; counts by outcome.
        ``progress(done, total)`` is told as files are done. Then the sub-folders are judged
        by their names, and a held one emptied of user files taken away (``held_folders``).
        First, the releases cut short whose process is gone are finished (``documents``).
        A file still being written (or whose lost scan waits) is waited for within the pass,
        unless ``later`` is given: then it is handed to ``later`` (the live watch's pending
        files, looked at once it stands still) and the pass goes on without it, so that one
        long copy does not hold up the events of every other folder for as long."""
        documents.finish_interrupted_releases()
        held_folders.recover()
        paths = self.walk()
        self._mark_gone(paths)
        counts: dict[str, int] = {}
        done = 0
        waiting = paths
        for round_number in range(MAX_WAITS + 1):
            again = []
            for path, outcome in self.handle(waiting).items():
                final = outcome
                if outcome in AGAIN and later is not None:
                    later(path)
                elif outcome in AGAIN:
                    if round_number < MAX_WAITS:
                        again.append(path)
                        continue
                    if outcome != Outcome.LOST:  # recorded as lost already
                        final = self._problem(path, "it kept changing; it is tried again later")
                counts[final.value] = counts.get(final.value, 0) + 1
                done += 1
                if progress is not None:
                    progress(done, len(paths))
            if not again:
                break
            time.sleep(self._shortest_wait(again))
            waiting = again
        if taken := held_folders.pass_over(self.folders, self.judge, self.quarantine_dir):
            counts[FOLDERS_HELD] = taken
        return counts

    def handle(self, paths: Iterable[Path]) -> dict[Path, Outcome]:
        """Judge each path that is ready; what became of each.

        A pipeline, so the scanning workers never wait on the judging: files are read and
        sent while earlier ones are judged, one judged once ``window`` scans are unfinished
        (its redacted copy's re-scan then queues behind them, and the workers stay busy
        while this process waits for it), or once twice the window is held. Each is judged
        as its scan finishes, not in the order sent (``_next_done``): a document slow to
        scan (large, or up to ``item_timeout_seconds``) holds up none scanned after it. A
        file whose last scan was lost with its worker is scanned alone, and one whose last
        scan no worker took only after its wait (``lost_scans``)."""
        outcomes: dict[Path, Outcome] = {}
        fingerprints = self.judge.fingerprints(self.folders)
        moving_now = _in_flight()
        sent: deque[_Scan] = deque()
        for chunk in _chunks(list(dict.fromkeys(paths)), self.window):
            keys = [path_key(stored_path(str(path))) for path in chunk]
            rows = {
                row.path_key: row
                for row in WatchedFile.objects.filter(
                    path_key__in=keys, present=True, is_folder=False
                )
            }
            for path, key in zip(chunk, keys, strict=True):
                if lost_scans.wait(rows.get(key)) > 0:
                    outcomes[path] = Outcome.LOST  # no worker took its last scan: not yet
                    continue
                alone = lost_scans.again(rows.get(key))
                while alone and sent:
                    scan = _next_done(sent)
                    outcomes[scan.path] = self._finish_or_record(scan)
                claimed = {scan.row.pk for scan in sent if scan.row.pk is not None}
                step = self._prepare(path, fingerprints, rows, moving_now, claimed)
                if isinstance(step, _Scan) and alone:
                    outcomes[path] = self._finish_or_record(step)
                elif isinstance(step, _Scan):
                    sent.append(step)
                else:
                    outcomes[path] = step
                while sent and self._full(sent):
                    scan = _next_done(sent)
                    outcomes[scan.path] = self._finish_or_record(scan)
        while sent:
            scan = _next_done(sent)
            outcomes[scan.path] = self._finish_or_record(scan)
        return outcomes

    def _full(self, sent: deque[_Scan]) -> bool:
        """Whether a scan sent is to be judged (``_next_done``) before another file is read."""
        unfinished = sum(1 for scan in sent if not scan.result.done())
        held = sum(len(scan.data) for scan in sent)
        return unfinished >= self.window or len(sent) >= 2 * self.window or held >= HELD_BYTES

    def _finish_or_record(self, scan: _Scan) -> Outcome:
        """``_finish``, with a failure of the document's own (not the database's) recorded as
        the reason it was not judged: one bad file does not stop the pass."""
        try:
            return self._finish(scan)
        except DatabaseError:
            raise
        except Exception as exc:  # noqa: BLE001 - recorded by type; the pass goes on
            log.error("judging failed id=%s error=%s", scan.row.id, type(exc).__name__)
            return self._problem(scan.path, f"it could not be judged ({type(exc).__name__})")

    def _look(  # noqa: PLR0911 - one return for each kind of path that is not read
        self, path: Path, moving_now: set[str]
    ) -> Outcome | tuple[Folder, str, os.stat_result]:
        """Whether ``path`` is a file to read now: its folder, stored path and status if so.
        ``moving_now`` holds the paths the watcher's own moves lead to or from."""
        folder = self.folder_of(path)
        if folder is None or self._left_alone(path, folder):
            return Outcome.SKIPPED
        text = stored_path(str(path))
        if text in moving_now:
            return Outcome.SKIPPED  # a move of the watcher's own leads to or from it
        if names.too_long(path):
            return Outcome.SKIPPED  # it cannot be looked at: judged by its name (``names``)
        try:
            found = moving.stat_beneath(path, folder.path)  # never through a link
        except FileNotFoundError:
            self._gone(text)
            return Outcome.GONE
        except OSError as exc:
            return self._problem(path, f"it could not be looked at ({errno_name(exc)})")
        if not stat.S_ISREG(found.st_mode):
            return Outcome.SKIPPED  # a link or a special file: judged by its name (``names``)
        if _changed_ago(found) < folder.stable_seconds:
            return Outcome.UNSTABLE
        return folder, text, found

    def _left_alone(self, path: Path, folder: Folder) -> bool:
        """Whether ``path`` is not read: a note the watcher left, or a partial file of its
        own (``quarantine.own_file``: not merely named like one, but holding what the
        watcher wrote), or a name the folder excludes (an Office lock file), except in an
        enforce folder for an outside audience where that name itself would be held, or
        where the file is no longer transient (``_transient``): failing closed, such a file
        is read and judged as any other."""
        if fnmatch.fnmatchcase(path.name.lower(), NOTE_PATTERN) or path.name.startswith(
            ".confide-"
        ):
            return quarantine.own_file(path, folder.path)
        if not folder.excludes(path.name):
            return False
        if not (folder.enforce and folder.audience != INTERNAL):
            return True
        return _transient(path) and self.judge.name_releases(_named(path, folder.path), folder)

    def _prepare(  # noqa: PLR0911 - one return for each way a file is not read
        self,
        path: Path,
        fingerprints: dict[Path, str],
        rows: dict[str, WatchedFile],
        moving_now: set[str],
        claimed: set[int],
    ) -> Outcome | _Scan:
        """Read a file that is ready and send it to be scanned, unless its row (from
        ``rows``, by path key) shows it was judged as it is, where it is or where it was
        before it moved; ``claimed`` holds the rows of files sent and not yet judged."""
        looked = self._look(path, moving_now)
        if isinstance(looked, Outcome):
            return looked
        folder, text, found = looked
        fingerprint = fingerprints[folder.path]
        row = rows.get(path_key(text))
        if row is not None and _unchanged(row, found, fingerprint):
            return Outcome.UNCHANGED
        try:
            data, content_hash = self._read(path, folder.path, found)
        except FileNotFoundError:
            self._gone(text)
            return Outcome.GONE
        except PermissionError:
            return self._problem(path, "permission denied: confide may not read it")
        except OSError as exc:
            reason = f"it could not be read ({errno_name(exc)}): locked or unreadable"
            return self._problem(path, reason)
        if row is None:
            row = self._moved_here(content_hash, claimed) or WatchedFile(origin=Origin.USER)
        named = _named(path, folder.path)
        before = _named(real_path(row.path), Path(row.folder)) if row.pk is not None else named
        renamed = before != named  # where it lies within its folder is scanned too
        row.path, row.path_key, row.present = text, path_key(text), True
        if row.placement == Placement.RELEASED and row.audience != folder.audience:
            row.placement = Placement.IN_PLACE  # a manager released it for another audience
        if row.origin != Origin.USER and row.content_hash != content_hash:
            row.origin = Origin.USER  # a copy the watcher wrote, saved over by someone
        elif row.origin == Origin.MARKED_COPY and not row.action and row.scanned_at is None:
            # A manager's release as a marked copy (the watcher's own copies are written
            # with the verdict they were written for): it stands, as a released file does.
            row.placement = Placement.RELEASED
        moved = row.pk is not None and row.folder != str(folder.path)
        row.folder, row.audience = str(folder.path), folder.audience
        judged = row.pk is not None and row.judged_with == fingerprint and not row.problem
        if judged and row.content_hash == content_hash and not renamed:  # touched or moved
            _record_status(row, found)
            row.save()
            log.info("unchanged content id=%s", row.id)
            return Outcome.UNCHANGED
        if data is None:
            result: Future[ScanResult] = Future()
            result.set_result(ScanResult(too_large(found.st_size, self.limits), ()))
        else:
            result = self.judge.submit(data, named)
        signature = _signature(found)
        return _Scan(
            path,
            folder,
            row,
            data or b"",
            content_hash,
            signature,
            fingerprint,
            result,
            renamed,
            moved,
        )

    def _read(self, path: Path, root: Path, found: os.stat_result) -> tuple[bytes | None, str]:
        """The file's content and its hash, read from its watched folder ``root`` without a
        link anywhere on its way; for a file over the size limit, ``None`` and a stand-in
        for its hash (``_unread_hash``): it is not read at all, since reading 20 GB (a
        ``truncate -s 20G`` file) would hold up the pass for minutes."""
        if found.st_size > self.limits.max_item_bytes:
            return None, _unread_hash(found)
        fd = moving.open_beneath(path, root, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as file:
            data = file.read(self.limits.max_item_bytes + 1)
            if len(data) > self.limits.max_item_bytes:  # it grew since it was looked at
                return None, _unread_hash(os.fstat(file.fileno()))
        return data, hashlib.sha256(data).hexdigest()

    def _finish(self, scan: _Scan) -> Outcome:
        result = scan.result.result()
        row = scan.row
        try:
            now = os.lstat(scan.path)
        except FileNotFoundError:
            if row.pk is not None:
                self._gone(row.path)
            return Outcome.GONE
        if _signature(now) != scan.signature:
            log.info("replaced while it was scanned id=%s", row.id)
            return Outcome.CHANGED
        judged = self._judged(scan, result)
        if judged is None:
            return Outcome.LOST
        result, judgement = judged
        judgement = held_folders.in_held_folder(
            scan.path, scan.folder, judgement, self.judge, scan.fingerprint
        )
        # This verdict carried out on this content already, here: a file moved from another
        # folder has no marked copy beside it where it is now.
        already = not scan.moved and (row.action, row.content_hash) == (
            judgement.action,
            scan.content_hash,
        )
        if row.placement == Placement.RELEASED and row.content_hash != scan.content_hash:
            row.placement = Placement.IN_PLACE  # a new version: a manager released the old one
        elif row.placement == Placement.RELEASED and scan.renamed and found_in_name(result):
            row.placement = Placement.IN_PLACE  # released under its name, not under this one
        if (
            scan.folder.enforce
            and row.origin == Origin.USER
            and row.placement == Placement.IN_PLACE
            and row.content_hash not in ("", scan.content_hash)
        ):
            # Before the verdict is recorded: a kill meanwhile has it judged (and copied) again.
            _remove_stale_copies(row, scan.path, scan.folder, judgement.copy)
        was_locked = row.problem.startswith(LOCKED_IN_PLACE)
        row.content_hash = scan.content_hash
        _record_status(row, now)
        # A verdict to carry out here counts as not reached until it is: a kill before the
        # move is journalled (``quarantine``) has the file judged, and moved, by the next pass.
        to_carry_out = scan.folder.enforce and judgement.action in (Action.HOLD, Action.REDACT)
        row.scanned_at = datetime.now(UTC)
        row.judged_with = "" if to_carry_out else scan.fingerprint
        row.action, row.rules, row.reasons = judgement.action, judgement.rules, judgement.reasons
        row.findings, row.subjects = judgement.findings, list(judgement.subjects)
        row.problem, row.attempts = "", 0
        if not result.lost:
            row.lost_scans = 0
        row.save()
        log.info(
            "judged id=%s action=%s rules=%s findings=%s",
            row.id,
            judgement.action,
            ",".join(judgement.rules) or "-",
            ",".join(f"{t}:{n}" for t, n in judgement.findings.items()) or "-",
        )
        if was_locked and not to_carry_out:
            _unlocked(row)
        if scan.folder.enforce and row.origin == Origin.USER:
            self._enforce(row, scan.path, scan.folder, judgement, already=already)
        elif scan.folder.enforce and judgement.action in (Action.HOLD, Action.REDACT):
            # A copy of the watcher's own, as it wrote it, that may no longer stay (a consent
            # withdrawn, the rules changed): held, never redacted or marked again.
            held = Judgement(Action.HOLD, judgement.rules, judgement.reasons, {}, (), None)
            self._enforce(row, scan.path, scan.folder, held, already=already)
        if to_carry_out:  # carried out, or its reason recorded (``problem``: tried again)
            row.judged_with = scan.fingerprint
            WatchedFile.objects.filter(id=row.id).update(judged_with=scan.fingerprint)
        return Outcome.JUDGED

    def _judged(self, scan: _Scan, result: ScanResult) -> tuple[ScanResult, Judgement] | None:
        """The scan, its name's findings in it whatever became of its content, and the
        verdict on it; ``None`` when the scan, or the copy the verdict asks for, was lost
        with its worker (an outage of ours: ``lost_scans``), to be tried again."""
        name = _named(scan.path, scan.folder.path)
        if not result.lost:
            result = self.judge.with_name(result, name)
            try:
                return result, self.judge.judge(scan.data, result, scan.folder)
            except WorkerLost as exc:
                read = Extraction(UNKNOWN_KIND, unscannable=(str(exc),))
                lost = ScanResult(read, (), lost=True, reached_worker=exc.reached_worker)
                instead = lost_scans.counted(scan.row, lost)
                if instead is None:
                    return None
                # Read, but its copy cannot be made: held, as a copy that cannot be made is.
                reasons = instead.extraction.unscannable
                return replace(result, lost=True), held_for(result, CANNOT_TRANSFORM, reasons)
        instead = lost_scans.counted(scan.row, result)
        if instead is None:
            return None
        instead = self.judge.with_name(instead, name)
        try:
            return instead, self.judge.judge(scan.data, instead, scan.folder)
        except WorkerLost as exc:  # lost yet again: held, as a copy that cannot be made is
            return instead, held_for(instead, CANNOT_TRANSFORM, (str(exc),))

    def _enforce(
        self, row: WatchedFile, path: Path, folder: Folder, judgement: Judgement, *, already: bool
    ) -> None:
        """Carry out the verdict: quarantine what is held, and the original of what is
        redacted beside it; a CONFIDENTIAL-marked copy beside what is released with a banner."""
        if row.placement != Placement.IN_PLACE:
            return  # a manager released this content: it stays
        action = judgement.action
        if action == Action.REDACT and judgement.copy is None:
            return  # the redacted copy would be the file itself: nothing to remove
        try:
            copy = judgement.copy
            if action == Action.REDACT and copy is not None and not _copy_beside(row, path, copy):
                try:
                    self._write_copy(row, path, folder, copy, Origin.REDACTED_COPY)
                except (moving.MoveError, OSError) as exc:
                    action = _held_without_copy(row, exc)  # fail closed: the original goes
            if action in (Action.HOLD, Action.REDACT):
                self._hold(row, path, action)
            elif judgement.copy is not None and folder.marked_copies and not already:
                self._write_copy(row, path, folder, judgement.copy, Origin.MARKED_COPY)
        except (moving.MoveError, OSError) as exc:
            _not_moved(row, exc, action)

    def _hold(self, row: WatchedFile, path: Path, action: str) -> None:
        """Take the file of ``row`` at ``path`` into quarantine, and say so in the audit
        trail; one over the size limit, never read, is locked where it lies instead
        (``quarantine.lock_in_place``): copied and sealed, a ``truncate -s 20G`` file
        would fill the quarantine's disk. Raises as ``quarantine.quarantine`` does."""
        if row.size is not None and row.size > self.limits.max_item_bytes:
            quarantine.lock_in_place(row, path)
            quarantine.hide_in_place(row, path)
            row.problem = f"{LOCKED_IN_PLACE}{quarantine.LOCKED}"
            with suppress(OSError, ValueError):  # as locked: not judged again for it
                _record_status(row, moving.stat_beneath(real_path(row.path), Path(row.folder)))
            row.save(update_fields=["problem", "size", "mtime_ns", "ctime_ns", "inode"])
            log.info("locked in place id=%s action=%s", row.id, action)
        else:
            quarantine.quarantine(row, path, self.quarantine_dir)
            log.info("quarantined id=%s action=%s", row.id, action)
        details: dict[str, object] = {"document": row.id, "rules": list(row.rules)}
        if row.problem.startswith(LOCKED_IN_PLACE):
            details["in_place"] = True
        audit.append([audit.Event(kind="document-held", actor="confide", details=details)])

    def retry_holds(self, folders: Sequence[Folder]) -> dict[Path, int]:
        """Carry out again, in the enforce ``folders``, each hold (or a redaction's hold of
        its original) that could not be carried out and is due (``hold_retry_wait`` since
        its last failure): the document is in view meanwhile. A document gone since is
        marked gone. The documents still in view for it, by watched folder."""
        enforced = {str(folder.path): folder for folder in folders if folder.enforce}
        rows = WatchedFile.objects.filter(
            held_in_place(), is_folder=False, folder__in=enforced, problem__startswith=NOT_MOVED
        )
        failing: dict[Path, int] = {}
        now = datetime.now(UTC)
        for row in rows:
            folder = enforced[row.folder]
            if now - row.updated_at >= hold_retry_wait(row.attempts):
                path = real_path(row.path)
                try:
                    moving.stat_beneath(path, folder.path)
                except FileNotFoundError:
                    self._gone(row.path)
                    continue
                except (OSError, ValueError):
                    pass  # quarantining it says why
                failed = row.problem
                try:
                    self._hold(row, path, row.action)
                    WatchedFile.objects.filter(id=row.id, problem=failed).update(
                        problem="", attempts=0
                    )  # one locked where it lies (``LOCKED_IN_PLACE``) keeps saying so
                    continue
                except (moving.MoveError, OSError) as exc:
                    _not_moved(row, exc, row.action)
            failing[folder.path] = failing.get(folder.path, 0) + 1
        return failing

    def _write_copy(
        self, row: WatchedFile, path: Path, folder: Folder, content: bytes, origin: Origin
    ) -> None:
        """A copy of ``row``'s file beside ``path`` under a free name, recorded as the
        watcher's copy of it (with the action it was written for, until it is judged
        itself): enforced only when it is held as it stands, never redacted or marked
        again. Until the copy is written, ``row`` is recorded as not judged, so that a kill
        meanwhile has the file judged again by the next pass, and its copy written then
        (the partial file the kill left removed first: ``quarantine.write_copy``)."""
        WatchedFile.objects.filter(id=row.id).update(judged_with="", action="")
        label = "redacted" if origin == Origin.REDACTED_COPY else "CONFIDENTIAL"
        for attempt in range(MAX_WAITS):
            target = moving.free_name(path.parent, f"{path.stem} ({label})", path.suffix)
            try:
                quarantine.write_copy(row, target, content)
                break
            except FileExistsError:
                if attempt == MAX_WAITS - 1:
                    raise
        text = stored_path(str(target))
        copy = WatchedFile.objects.create(
            path=text,
            path_key=path_key(text),
            folder=str(folder.path),
            audience=folder.audience,
            origin=origin,
            content_hash=hashlib.sha256(content).hexdigest(),
            action=Action.REDACT if origin == Origin.REDACTED_COPY else Action.BANNER,
            copy_of=row,
        )
        WatchedFile.objects.filter(id=row.id).update(judged_with=row.judged_with, action=row.action)
        log.info("wrote a copy id=%s origin=%s", copy.id, origin)

    def _moved_here(self, content_hash: str, claimed: set[int]) -> WatchedFile | None:
        """The row of a file with this content that has vanished from where it was, unless
        another file sent to be scanned has ``claimed`` it."""
        return (
            WatchedFile.objects.filter(
                content_hash=content_hash,
                present=False,
                placement__in=(Placement.IN_PLACE, Placement.RELEASED),
            )
            .exclude(id__in=claimed)
            .order_by("-updated_at")
            .first()
        )

    def _gone(self, text: str) -> None:
        gone = WatchedFile.objects.filter(
            path_key=path_key(text),
            present=True,
            placement__in=(Placement.IN_PLACE, Placement.RELEASED),
        )
        for row_id in gone.values_list("id", flat=True):
            log.info("gone id=%s", row_id)
        gone.update(present=False)

    def _mark_gone(self, paths: Sequence[Path]) -> None:
        """Rows of files in the watched folders that the walk no longer found."""
        seen = {path_key(stored_path(str(p))) for p in paths}
        watched = [str(f.path) for f in self.folders]
        rows = WatchedFile.objects.filter(
            folder__in=watched,
            is_folder=False,  # sub-folders are looked after by ``held_folders``
            present=True,
            placement__in=(Placement.IN_PLACE, Placement.RELEASED),
        ).values_list("id", "path_key")
        gone = [row_id for row_id, key in rows if key not in seen]
        WatchedFile.objects.filter(id__in=gone).update(present=False)

    def _problem(self, path: Path, reason: str) -> Outcome:
        """Record why ``path`` was not judged; it is tried again on the next pass."""
        text = stored_path(str(path))
        folder = self.folder_of(path)
        row = WatchedFile.objects.filter(
            path_key=path_key(text), present=True, is_folder=False
        ).first()
        if row is None:
            row = WatchedFile(path=text, path_key=path_key(text), origin=Origin.USER)
        if folder is not None:
            row.folder, row.audience = str(folder.path), folder.audience
        row.problem, row.attempts = reason, row.attempts + 1
        row.save()
        # The reason is confide's own words (and an errno name), never the file's name.
        log.warning("not judged id=%s attempts=%d reason=%s", row.id, row.attempts, reason)
        return Outcome.PROBLEM

    def _shortest_wait(self, paths: Sequence[Path]) -> float:
        """How long until one of ``paths`` may be ready: standing still long enough, and
        past the wait of a scan no worker took (``lost_scans.wait``)."""
        keys = {path: path_key(stored_path(str(path))) for path in paths}
        rows = {
            row.path_key: row
            for row in WatchedFile.objects.filter(
                path_key__in=keys.values(), present=True, is_folder=False
            )
        }
        waits = []
        for path in paths:
            folder = self.folder_of(path)
            try:
                age = _changed_ago(os.lstat(path))
            except OSError:
                age = 0.0
            stable = folder.stable_seconds if folder else 0.0
            waits.append(max(stable - age, lost_scans.wait(rows.get(keys[path])), 0.0))
        return min(max(min(waits, default=0.0), 0.1), 5.0)


def hold_retry_wait(attempts: int) -> timedelta:
    """How long after its last failure a hold that failed ``attempts`` times in a row is
    tried again (``retry_holds``)."""
    seconds = HOLD_RETRY_SECONDS * 2 ** min(max(attempts - 1, 0), 16)
    return timedelta(seconds=min(seconds, HOLD_RETRY_MAX_SECONDS))


def _not_moved(row: WatchedFile, exc: moving.MoveError | OSError, action: str) -> None:
    """Record that the verdict on ``row`` could not be carried out (``NOT_MOVED``: it is in
    view, tried again by ``retry_holds``), logged by id with the error's kind only: an
    errno name (EPERM for a quarantine made immutable, ENOSPC for a full one)."""
    reason = str(exc) if isinstance(exc, moving.MoveError) else errno_name(exc)
    row.problem, row.attempts = f"{NOT_MOVED}{reason}", row.attempts + 1
    row.save(update_fields=["problem", "attempts", "updated_at"])
    log.warning(
        "could not enforce id=%s action=%s error=%s attempts=%d",
        row.id,
        action,
        _error_kind(exc),
        row.attempts,
    )


def _unlocked(row: WatchedFile) -> None:
    """Give a file locked where it lies (``quarantine.lock_in_place``), now judged where it
    is not held (moved out of its public folder), its mode back, then its name where it
    lies now, if that is free: else, locked, no one could open it, nor see it listed as
    held. A failure is logged by id, the file left as it is."""
    try:
        quarantine.unlock_in_place(row)
        quarantine.unhide_in_place(row)
    except moving.MoveError as exc:
        log.warning("could not unlock id=%s error=%s", row.id, _error_kind(exc))
    else:
        log.info("unlocked id=%s: no longer held", row.id)


def _error_kind(exc: moving.MoveError | OSError) -> str:
    """The kind of a failed move, never its words: an errno name, or the exception's type."""
    if isinstance(exc, OSError):
        return errno_name(exc)
    named = _ERRNO_IN_WORDS.search(str(exc))
    return named[1] if named else type(exc).__name__


def _unchanged(row: WatchedFile, found: os.stat_result, fingerprint: str) -> bool:
    """Whether the file is as it was judged: its size and times, and its inode (a
    replacement keeping size and mtime, as rsync -a, cp -p and touch -r make, is a new
    inode or a new ctime), with the same fingerprint, and carried out (or locked where it
    lies, as it was once locked: its mode given back by someone moves its ctime)."""
    return (
        (row.size, row.mtime_ns, row.ctime_ns, row.inode)
        == (found.st_size, found.st_mtime_ns, found.st_ctime_ns, _inode(found))
        and row.judged_with == fingerprint
        and (not row.problem or row.problem.startswith(LOCKED_IN_PLACE))
        and row.locked_from != row.path  # locked, its rename cut short: renamed now
    )


def _transient(path: Path) -> bool:
    """Whether the file at ``path``, under a name its folder excludes, may be what such names
    are while an application works (``TRANSIENT_SECONDS``): a lock file of a document open
    now, or a file written within the hour. A file left over (a temporary file a crash left,
    holding a whole document; a thumbnail cache; a "lock file" too large to be one), or
    with a modification time more than that far in the future (``touch -d 2099``: it would
    never age; a client's clock a little ahead is not), is not: in an outside audience's
    folder it is read and judged. False when it cannot be looked at (reading it says why)."""
    try:
        found = os.lstat(path)
    except OSError:
        return False
    lowered = path.name.lower()
    if (
        found.st_size <= LOCK_FILE_BYTES
        and any(fnmatch.fnmatchcase(lowered, pattern) for pattern in LOCK_FILE_NAMES)
        and _locks_a_document(path)
    ):
        return True
    return -CLOCK_AHEAD_SECONDS < time.time() - found.st_mtime < TRANSIENT_SECONDS


def _locks_a_document(path: Path) -> bool:
    """Whether the lock file at ``path`` has the document it locks beside it: LibreOffice's
    ``.~lock.NAME#`` locks ``NAME``; Word's ``~$`` takes the place of the first characters
    of the document's name (none of "notes.docx", one or two of a longer one: "~$port.docx"
    locks "report.docx"). A small file named so with no document beside it (a note of 128
    bytes called ``~$x.txt``) is no lock file, and is read."""
    name = path.name
    try:
        beside = {entry.name for entry in os.scandir(path.parent)} - {name}
    except OSError:
        return False
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock.") : -1] in beside
    tail = name[2:]
    return bool(tail) and any(
        other.endswith(tail) and len(other) - len(tail) <= 2 and not other.startswith("~$")
        for other in beside
    )


def _unread_hash(found: os.stat_result) -> str:
    """What stands for the content hash of a file over the size limit, which is never read:
    its size, inode and modification time (a rename or a move within the filesystem keeps
    them, so it is recognised as moved; a new file, or one written since, is not)."""
    seen = f"unread {found.st_size} {found.st_ino} {found.st_mtime_ns}"
    return hashlib.sha256(seen.encode()).hexdigest()


def _signature(found: os.stat_result) -> tuple[int, int, int, int]:
    return found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _record_status(row: WatchedFile, found: os.stat_result) -> None:
    row.size, row.mtime_ns = found.st_size, found.st_mtime_ns
    row.ctime_ns, row.inode = found.st_ctime_ns, _inode(found)


def _inode(found: os.stat_result) -> int:
    """The inode number as a signed 64-bit column holds it (some filesystems use all 64 bits)."""
    return found.st_ino % (1 << 63)


def _changed_ago(found: os.stat_result) -> float:
    """Seconds since the file last changed: since the later of its mtime and its change time
    (ctime, which every write and every setting of the mtime moves to now, and which no user
    can set: a copy that keeps the original's mtime, or a rewrite that puts it back, has
    only just changed). A time in the future (a client's clock ahead, ``touch -d``) would
    never stand still: it is left out, and when both are ahead, the file counts as standing
    still (a write while it is read changes its size or times, and it is read again)."""
    now = time.time()
    past = [when for when in (found.st_mtime, found.st_ctime) if when <= now]
    return now - max(past) if past else float("inf")


def _named(path: Path, folder: Path) -> str:
    """The name a file is scanned under: its path within its watched folder, since a
    sub-folder's name can hold personal data as well as the file's own."""
    try:
        return str(path.relative_to(folder))
    except ValueError:  # it was in another folder
        return str(path)


def _in_flight() -> set[str]:
    """The paths that moves of the watcher's own, under way (or cut short, until they are
    settled), lead to or from, and the partial file a release writes first beside its place:
    a fragment of a held document, never to be judged as a user's file."""
    moves = WatchedFile.objects.filter(
        placement__in=(Placement.QUARANTINING, Placement.RELEASING)
    ).values_list("id", "placement", "moving_from", "moving_to")
    paths = {path for _id, _placement, *move in moves for path in move}
    for row_id, placement, _from, to in moves:
        if placement == Placement.RELEASING and to:
            paths.add(str(Path(to).with_name(quarantine.release_partial_name(row_id))))
    return paths


def _copy_beside(row: WatchedFile, path: Path, content: bytes) -> bool:
    """Whether a redacted copy the watcher wrote of ``row``'s file, with this content, is
    still beside ``path`` (an earlier pass wrote it, then could not move the original; the
    file may have been renamed since). Another file's copy with the same content, beside a
    duplicate, is not this file's: each gets its own."""
    digest = hashlib.sha256(content).hexdigest()
    return any(
        real_path(copy).parent == path.parent and real_path(copy).is_file()
        for copy in WatchedFile.objects.filter(
            copy_of=row, origin=Origin.REDACTED_COPY, content_hash=digest
        ).values_list("path", flat=True)
    )


def _remove_stale_copies(row: WatchedFile, path: Path, folder: Folder, keep: bytes | None) -> None:
    """Remove the copies the watcher wrote of ``row``'s file beside ``path`` for content it
    no longer holds (a redacted copy of a file judged half-written, a marked copy of an
    older version), but one like ``keep``, the copy the verdict on its content now asks
    for: so that its copy is replaced, not joined by another. Each only while it is as the
    watcher wrote it (a regular file, not a link, of the hash recorded, not open for
    writing): one a user has changed is theirs and stays."""
    kept = hashlib.sha256(keep).hexdigest() if keep is not None else None
    copies = WatchedFile.objects.filter(
        copy_of=row,
        origin__in=(Origin.REDACTED_COPY, Origin.MARKED_COPY),
        present=True,
        placement=Placement.IN_PLACE,
        is_folder=False,
    )
    for copy in copies:
        where = real_path(copy.path)
        if copy.content_hash == kept or where.parent != path.parent:
            continue
        try:
            removed = moving.remove_original(where, copy.content_hash, folder.path)
        except (moving.MoveError, OSError) as exc:
            why = str(exc) if isinstance(exc, moving.MoveError) else errno_name(exc)
            log.warning("stale copy not removed id=%s of id=%s reason=%s", copy.id, row.id, why)
            continue
        if removed:
            WatchedFile.objects.filter(id=copy.id).update(present=False)
            log.info("removed a stale copy id=%s of id=%s", copy.id, row.id)
        else:  # changed since it was written (a user's now) or gone: left as it is
            log.info("stale copy left id=%s of id=%s: not as it was written", copy.id, row.id)


def _held_without_copy(row: WatchedFile, exc: moving.MoveError | OSError) -> Action:
    """Record ``row``'s file as held, as a document whose copy cannot be made is
    (``CANNOT_TRANSFORM``): its redacted copy could not be written beside it (a name too
    long with " (redacted)", a full disk). The reason is confide's words and an errno name."""
    why = str(exc) if isinstance(exc, moving.MoveError) else errno_name(exc)
    row.action = Action.HOLD
    row.rules = [*row.rules, CANNOT_TRANSFORM]
    row.reasons = [*row.reasons, f"its redacted copy could not be written beside it ({why})"]
    row.save(update_fields=["action", "rules", "reasons", "updated_at"])
    log.warning("redacted copy not written id=%s error=%s: held", row.id, why)
    return Action.HOLD


def errno_name(exc: OSError) -> str:
    """An OS error's errno name ("EACCES"), never its message, which names the file."""
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)


def _next_done(sent: deque[_Scan]) -> _Scan:
    """Take from ``sent`` the scan to judge next: the first sent of those finished, or,
    when none is, the first to finish (waited for), so that a slow document's verdict
    waits for its own scan only and every other is judged (and carried out) meanwhile."""
    if not any(scan.result.done() for scan in sent):
        wait([scan.result for scan in sent], return_when=FIRST_COMPLETED)
    scan = next(scan for scan in sent if scan.result.done())
    sent.remove(scan)
    return scan


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), max(size, 1)):
        yield items[start : start + size]
