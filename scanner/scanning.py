"""Extraction and detection together: bytes or a file in, findings with locations out."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from scanner.extract import read_item
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.sandbox import ScanResult
from scanner.segments import Extraction

__all__ = ["ScanResult", "Scanner", "ScanningWorkers"]


class ScanningWorkers(Protocol):
    """The sandboxed workers a ``Scanner`` sends its items to: an ``ExtractionPool`` of this
    process's own, or workers another part of the process lends it (``confide run``'s relay
    lends its scanning processes to the watcher and the review app). Either way each item is
    scanned under ``limits``, and a scan cut short is a result with an unscannable reason."""

    limits: ScanLimits

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def close(self) -> None:
        """Stop after the items already submitted are done (lent workers: nothing to do)."""

    def stop(self) -> None:
        """Stop now, giving up the items under way (lent workers: nothing to do)."""

    def submit(
        self, data: bytes, location: str = "", kind: FileType | None = None, *, name: str = ""
    ) -> Future[ScanResult]:
        """Start scanning one item, as ``ExtractionPool.submit``: the future fails only with
        ``UnsupportedType``."""
        ...

    def run_in_worker[T](
        self, function: Callable[..., T], args: tuple[object, ...], timeout: float
    ) -> Future[T]:
        """Start ``function(extractor, limits, *args)`` in a worker, as
        ``ExtractionPool.run_in_worker``: the future fails with whatever went wrong, in a
        way ``lost_with_worker`` knows when its worker was lost."""
        ...


class Scanner:
    """Scans items in sandboxed worker processes: extraction and detection both run there,
    under the per-item time and memory limits, and each worker loads the model once."""

    def __init__(self, pool: ScanningWorkers) -> None:
        self.pool = pool

    def __enter__(self) -> Scanner:
        self.pool.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.pool.__exit__(exc_type, exc, traceback)

    def scan_file(self, path: Path) -> ScanResult:
        """Scan one file; its size is checked before it is read. Raises ``UnsupportedType``
        or ``OSError`` for what is not a file confide reads."""
        data = read_item(path, self.pool.limits)
        return ScanResult(data, ()) if isinstance(data, Extraction) else self.scan_bytes(data)

    def scan_bytes(self, data: bytes, location: str = "") -> ScanResult:
        """Scan one item given as bytes (a message, an attachment)."""
        return self.pool.submit(data, location).result()

    def scan_message(self, data: bytes) -> ScanResult:
        """Scan a message as it arrived by SMTP: read as a message whatever its first line."""
        return self.pool.submit(data, kind=FileType.EMAIL).result()
