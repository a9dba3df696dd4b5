"""Scanning workers for tests that kill them: a stand-in for ``extract`` that notes its worker's
pid where the item asks (so that a test can kill the workers under way with real signals)
and takes a while, or kills its own worker with SIGKILL when the item asks it to; and the
initializer of a relay scanning worker that lends such a scanner to the watcher without
Django or the model. In a module of its own, without Django, for the workers to import."""

from __future__ import annotations

import multiprocessing.util
import os
import re
import signal
import time
from types import SimpleNamespace

from gateway.relay import worker
from scanner.extract import extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner
from scanner.segments import Extraction
from tests.gateway.watcher.nhs_detector import NhsNumbers

# An item's first line "pids: PATH" has its worker append its pid to PATH as it starts.
PIDS = b"pids: "
# An item holding this kills its worker, every time it is scanned.
POISON = b"kill my worker"
# An item holding this kills the relay worker that lent its sandboxed worker (breaking the
# relay's whole pool), every time it is scanned.
POOL_POISON = b"kill my relay worker"
SCAN_SECONDS = 0.2


def killable_extract(
    data: bytes, limits: ScanLimits, location: str, kind: FileType | None
) -> Extraction:
    """``extract``, after noting this worker's pid and waiting ``SCAN_SECONDS``; a poisoned
    item kills the worker instead."""
    first = data.partition(b"\n")[0]
    if first.startswith(PIDS):
        with open(first[len(PIDS) :], "a", encoding="ascii") as pids:
            pids.write(f"{os.getpid()}\n")
    if POOL_POISON in data:
        os.kill(_grandparent(), signal.SIGKILL)
    elif POISON in data:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(SCAN_SECONDS)
    return extract(data, limits, location, kind)


def _grandparent() -> int:
    """The process that started this worker's fork server: in a relay worker lending its
    sandboxed worker, the relay worker."""
    with open(f"/proc/{os.getppid()}/stat", encoding="ascii") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def start_lending_worker() -> None:
    """Initialise a relay scanning worker as ``worker.start_worker`` does, cut down to what
    lent items use: a scanner whose one sandboxed worker extracts with ``killable_extract``,
    stopped as the worker process ends."""
    scanner = Scanner(ExtractionPool(ScanLimits(), max_workers=1, extractor=killable_extract))
    scanner.__enter__()
    multiprocessing.util.Finalize(None, scanner.pool.stop, exitpriority=10)
    worker._pipeline = SimpleNamespace(scanner=scanner)  # type: ignore[assignment]


# An item whose first line is "kill its copy: PATH" has the redacted copy of it (the NHS
# number gone) kill its worker as the copy is read for the safety net, while PATH exists
# (removed first: once); "kill every copy" instead kills it each time; "kill its relay
# worker: PATH" kills, once, the relay worker that lent it (breaking the relay's pool), then
# itself.
KILL_ITS_COPY = b"kill its copy: "
KILL_EVERY_COPY = b"kill every copy"
KILL_ITS_RELAY_WORKER = b"kill its relay worker: "
_NHS_NUMBER = re.compile(rb"\b\d{3} \d{3} \d{4}\b")


def copy_killing_extract(
    data: bytes, limits: ScanLimits, location: str, kind: FileType | None
) -> Extraction:
    """``extract``; a redacted copy of an item so marked kills its worker instead."""
    first = data.partition(b"\n")[0]
    if _NHS_NUMBER.search(data) is None:  # a redacted copy (or a name): the original has one
        if first == KILL_EVERY_COPY:
            os.kill(os.getpid(), signal.SIGKILL)
        for marker in (KILL_ITS_COPY, KILL_ITS_RELAY_WORKER):
            if first.startswith(marker) and _removed(first[len(marker) :]):
                if marker == KILL_ITS_RELAY_WORKER:
                    os.kill(_grandparent(), signal.SIGKILL)
                os.kill(os.getpid(), signal.SIGKILL)
    return extract(data, limits, location, kind)


def _removed(path: bytes) -> bool:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    return True


def start_copy_killing_lending_worker() -> None:
    """``start_lending_worker`` with a sandboxed worker that finds NHS numbers and extracts
    with ``copy_killing_extract``."""
    pool = ExtractionPool(
        ScanLimits(), max_workers=1, detector=NhsNumbers, extractor=copy_killing_extract
    )
    scanner = Scanner(pool)
    scanner.__enter__()
    multiprocessing.util.Finalize(None, scanner.pool.stop, exitpriority=10)
    worker._pipeline = SimpleNamespace(scanner=scanner)  # type: ignore[assignment]


def name_killing_extract(
    flags: str, data: bytes, limits: ScanLimits, location: str, kind: FileType | None
) -> Extraction:
    """``extract``; an item with no content (a sub-folder's name, scanned alone) kills its
    worker instead while a flag file is left in the folder ``flags`` (one removed per kill)."""
    if not data:
        for flag in sorted(os.listdir(flags)):
            if _removed(os.path.join(flags, flag).encode()):
                os.kill(os.getpid(), signal.SIGKILL)
    return extract(data, limits, location, kind)
