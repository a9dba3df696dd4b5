"""Copies made and read for the safety net in a scanning worker, as the item itself was read.

``PoolCopier`` is the watcher's ``Copier`` and the relay's: one task in the pool makes a copy
with the door's ``Transforms`` and, when anything was removed, reads the finished copy from
its bytes as an item of the door's kind (a message, for the relay; whatever it is, for the
watcher) and its header's fields as content, as ``LocalCopier`` does with two more trips
through the pool. The door's process only judges what was read (``plan``'s safety net), so
the copy's making and reading cost the workers' time, not the time of the process that
records and moves. The read is the net's own (``net_readings``): the copy is extracted
afresh, a segment whose text and offsets are those of a segment of the item it was made from
takes that segment's findings, a changed one is checked against the one it was made from and
read by the model only where something is odd, and every one is searched for the removed
values (``Detector.scan``).

Each task is given the time of three items (``ScanLimits.item_timeout_seconds``): the copy
is made, then read twice. A task that fails (time, memory, what the item does to the
transform) raises ``TransformError``, so ``plan`` holds that copy's recipients; one lost with
its worker (``lost_with_worker``: killed from outside, the pool broken or replaced) raises
``WorkerLost`` instead, saying whether a worker took it, which ``plan`` does not catch: an
outage of ours, or the item killing its worker, not a verdict on the item, so a caller that
can try again may (the watcher does, as for a lost scan: ``gateway.watcher.lost_scans``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scanner.actions import Action
from scanner.extract import UNKNOWN_KIND, UnsupportedType
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.outcome import CheckedCopy, Transforms, made_copy, net_readings
from scanner.removals import Removal, prepare
from scanner.sandbox import ExtractFunction, ScanResult, WorkerLost, lost_with_worker, scan_here
from scanner.scanning import ScanningWorkers
from scanner.segments import Extraction
from scanner.transform import TransformError

# Making the copy and reading it twice, each given an item's time.
_ITEM_TIMES = 3


@dataclass(frozen=True)
class PoolCopier:
    """Copies made with ``transforms`` and read for the net in ``pool``'s workers (its own or
    lent ones); a task lost with its worker raises ``WorkerLost``: nothing was made, nothing
    is known of the item from it."""

    pool: ScanningWorkers
    transforms: Transforms
    # What the item and its copies are read as (``FileType.EMAIL``: a message, whatever its
    # first line, as the relay reads mail); ``None``: whatever each turns out to be.
    kind: FileType | None = None

    def checked_copy(
        self,
        raw: bytes,
        result: ScanResult,
        action: Action,
        removed: Sequence[Removal],
        banner: bool,
    ) -> CheckedCopy:
        if action == Action.RELEASE and not banner:
            return CheckedCopy(raw)  # nothing to make or read: no trip to the worker
        timeout = _ITEM_TIMES * self.pool.limits.item_timeout_seconds
        made = _Copy(self.transforms, raw, result, action, tuple(removed), banner, self.kind)
        task = self.pool.run_in_worker(_checked_copy, (made,), timeout)
        try:
            return task.result()
        except TransformError:
            raise
        except TimeoutError:
            raise TransformError(f"the copy was not made and checked in {timeout:g} s") from None
        except Exception as error:  # noqa: BLE001 - any other failure: held
            if lost_with_worker(error):
                lost = f"the copy's scanning worker was lost ({type(error).__name__})"
                reached = not isinstance(error, WorkerLost) or error.reached_worker
                raise WorkerLost(lost, reached_worker=reached) from None
            raise TransformError(
                f"the copy could not be made and checked ({type(error).__name__})"
            ) from None


@dataclass(frozen=True)
class _Copy:
    """One copy to make: of ``raw``, scanned as ``result``, as ``made_copy`` says."""

    transforms: Transforms
    raw: bytes
    result: ScanResult
    action: Action
    removed: tuple[Removal, ...]
    banner: bool
    kind: FileType | None


def _checked_copy(extractor: ExtractFunction, limits: ScanLimits, copy: _Copy) -> CheckedCopy:
    """In a worker: the copy, and when anything was removed, how it reads for the net."""
    content = made_copy(copy.transforms, copy.raw, copy.action, copy.removed, copy.banner)
    if not copy.removed:
        return CheckedCopy(content)
    read = _Reader(extractor, limits, copy.kind)
    return CheckedCopy(content, net_readings(read, content, copy.result, copy.removed))


@dataclass(frozen=True)
class _Reader:
    """Reads for the net in this worker, items of ``kind``."""

    extractor: ExtractFunction
    limits: ScanLimits
    kind: FileType | None

    def __call__(
        self, data: bytes, earlier: ScanResult | None, removed: Sequence[Removal]
    ) -> ScanResult:
        """``data`` scanned here; what cannot be read at all is unscannable, so it is held."""
        try:
            return scan_here(
                self.extractor, data, self.limits, kind=self.kind, earlier=earlier, removed=removed
            )
        except UnsupportedType as exc:
            unread = (f"the copy is {exc}",)
            return ScanResult(Extraction(UNKNOWN_KIND, unscannable=unread), ())


def prepare_in_worker(extractor: ExtractFunction, limits: ScanLimits) -> None:
    """For ``run_in_worker``: make presidio's redaction engine (seconds to import) in a worker
    that makes copies, so that its first copy does not wait for it."""
    prepare()
