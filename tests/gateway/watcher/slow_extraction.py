"""A stand-in for ``extract`` in a scanning worker that takes its time; in a module of its own
so that a worker can import it without Django."""

from __future__ import annotations

import time

from scanner.extract import extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.segments import Extraction

SCAN_SECONDS = 1.5


def slow_extract(
    data: bytes, limits: ScanLimits, location: str, kind: FileType | None
) -> Extraction:
    """``extract``, taking ``SCAN_SECONDS`` first: time to replace the file meanwhile."""
    time.sleep(SCAN_SECONDS)
    return extract(data, limits, location, kind)


# What starts a document ``slow_when_marked`` takes its time over.
SLOW_MARK = b"SLOW"


def slow_when_marked(
    data: bytes, limits: ScanLimits, location: str, kind: FileType | None
) -> Extraction:
    """``extract``, taking ``SCAN_SECONDS`` first for a document starting ``SLOW_MARK`` only:
    a large or slow-to-scan document among quick ones."""
    if data.startswith(SLOW_MARK):
        time.sleep(SCAN_SECONDS)
    return extract(data, limits, location, kind)
