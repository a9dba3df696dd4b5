"""Extraction and detection together: bytes or a file in, findings with locations out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from scanner.detect.engine import Detector
from scanner.filetype import FileType
from scanner.findings import Finding
from scanner.sandbox import ExtractionPool
from scanner.segments import Extraction


@dataclass(frozen=True)
class ScanResult:
    extraction: Extraction
    findings: tuple[Finding, ...]


class Scanner:
    """Extracts in sandboxed worker processes, detects in this one (the model is loaded once
    per process)."""

    def __init__(self, detector: Detector, pool: ExtractionPool) -> None:
        self.detector = detector
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
        return self._detect(self.pool.extract_file(path))

    def scan_bytes(self, data: bytes, location: str = "") -> ScanResult:
        """Scan one item given as bytes (a message, an attachment)."""
        return self._detect(self.pool.extract(data, location))

    def scan_message(self, data: bytes) -> ScanResult:
        """Scan a message as it arrived by SMTP: read as a message whatever its first line."""
        return self._detect(self.pool.extract(data, kind=FileType.EMAIL))

    def _detect(self, extraction: Extraction) -> ScanResult:
        return ScanResult(extraction, tuple(self.detector.scan(extraction)))
