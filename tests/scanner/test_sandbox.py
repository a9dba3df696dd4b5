"""Scanning in killable worker processes: timeouts, crashes and memory exhaustion (here with
extraction only; tests/scanner/test_scan_bounds.py runs the detector in the workers too)."""

from __future__ import annotations

import io
import os
import signal
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.extract import UnsupportedType, extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.segments import Extraction

pytestmark = pytest.mark.slow

TIMEOUT = 2.0
LIMITS = ScanLimits(item_timeout_seconds=TIMEOUT, worker_memory_bytes=512 * 1024 * 1024)


def misbehaving_extract(
    data: bytes, limits: ScanLimits, location: str, kind: FileType | None
) -> Extraction:
    """The test seam: a stand-in for ``extract`` that misbehaves on command words."""
    if data == b"sleep":
        time.sleep(60)
    elif data == b"exit":
        os._exit(3)
    elif data == b"segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif data == b"memory":
        bytearray(2 * limits.worker_memory_bytes)
    return extract(data, limits, location, kind)


@pytest.fixture(scope="module")
def pool() -> Iterator[ExtractionPool]:
    with ExtractionPool(LIMITS, max_workers=1, extractor=misbehaving_extract) as running:
        yield running


def _reads_normally(pool: ExtractionPool) -> None:
    extraction = pool.extract(b"Jane Smith 07700 900123", "after")
    assert extraction.segments[0].text == "Jane Smith 07700 900123"
    assert extraction.segments[0].location == "after"


@pytest.mark.parametrize(
    ("command", "reason", "lost"),
    [
        pytest.param(b"sleep", "scanning took longer than 2 s", False, id="timeout"),
        pytest.param(
            b"exit", "the scanning worker ran out of memory or died (exit code 3)", True, id="exit"
        ),
        pytest.param(
            b"segfault",
            "the scanning worker ran out of memory or died (killed by SIGSEGV)",
            True,
            id="segfault",
        ),
        pytest.param(b"memory", "scanning needed more than 512 MiB of memory", False, id="memory"),
    ],
)
def test_misbehaving_worker(pool: ExtractionPool, command: bytes, reason: str, lost: bool) -> None:
    """A worker that hangs, dies or runs out of memory costs the item a reason, and the next
    item is extracted by a replacement worker. Only a worker that died is ``lost`` (perhaps
    an outage of ours, to try again); the time and memory limits are the item's own."""
    started = time.monotonic()
    result = pool.scan(command)
    assert result.extraction == Extraction(kind="unknown", unscannable=(reason,))
    assert result.lost is lost
    assert result.reached_worker  # a worker took it: a loss may be the item's doing
    assert time.monotonic() - started < TIMEOUT + 10
    _reads_normally(pool)


def test_submit_returns_a_future(pool: ExtractionPool) -> None:
    """submit gives a future that resolves to the item's scan result."""
    futures = [pool.submit(f"item {n}".encode()) for n in range(3)]
    texts = [f.result().extraction.segments[0].text for f in futures]
    assert texts == ["item 0", "item 1", "item 2"]


def test_unsupported_type_crosses_the_pool(pool: ExtractionPool) -> None:
    """UnsupportedType raised in a worker reaches the caller as itself."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(UnsupportedType, match="zip archive"):
        pool.extract(buffer.getvalue())


def test_size_is_checked_before_sending(pool: ExtractionPool) -> None:
    """An item over max_item_bytes never reaches a worker (this one would kill it)."""
    small = ExtractionPool(ScanLimits(max_item_bytes=3), extractor=misbehaving_extract)
    extraction = small.extract(b"exit")
    assert extraction.unscannable == (
        "the item is 4 bytes, over the 3-byte limit; it was not read",
    )
    small.close()


def test_extract_file(pool: ExtractionPool, tmp_path: Path) -> None:
    """A file is read and extracted in a worker."""
    path = tmp_path / "notes.txt"
    path.write_bytes(b"Visit notes")
    assert pool.extract_file(path).segments[0].text == "Visit notes"


def test_real_extract_in_a_worker() -> None:
    """The default pool runs the real extract with the memory limit applied, and passes on
    what the caller knows the item is (a message whose first line is folded white space)."""
    with ExtractionPool(ScanLimits(), max_workers=1) as default:
        message = b" \r\nFrom: a@example.org\r\nSubject: Referral\r\n\r\nBody text"
        extraction = default.extract(message, kind=FileType.EMAIL)
    assert [s.location for s in extraction.segments] == ["subject", "body (text/plain)"]
