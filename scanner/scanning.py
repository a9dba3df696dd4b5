"""Extraction and detection together: bytes or a file in, findings with locations out."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from scanner.filetype import FileType
from scanner.sandbox import ExtractionPool, ScanResult

__all__ = ["ScanResult", "Scanner"]


class Scanner:
    """Scans items in the pool's sandboxed worker processes: extraction and detection both
    run there, under the per-item time and memory limits, and each worker loads the model
    once."""

    def __init__(self, pool: ExtractionPool) -> None:
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
        """Scan one file; raises ``UnsupportedType`` or ``OSError`` for what is not a file
        confide reads."""
        return self.pool.scan_file(path)

    def scan_bytes(self, data: bytes, location: str = "") -> ScanResult:
        """Scan one item given as bytes (a message, an attachment)."""
        return self.pool.scan(data, location)

    def scan_message(self, data: bytes) -> ScanResult:
        """Scan a message as it arrived by SMTP: read as a message whatever its first line."""
        return self.pool.scan(data, kind=FileType.EMAIL)
