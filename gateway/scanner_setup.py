"""Builds the scanner from the settings in force: one place for the relay, watcher and CLI."""

from __future__ import annotations

import functools
from pathlib import Path

from gateway.config import load_settings
from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers
from scanner.extract import UnsupportedType, named_unscannable
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner, ScanResult


def build_scanner(extraction_workers: int = 1) -> Scanner:
    """The scanner; ``extraction_workers`` sandboxed processes, each of which extracts, loads
    the model once (about 0.5 GB) and detects.

    One is the default: ``Scanner`` scans one item at a time, and the relay runs a scanner
    in each of its scanning processes. The rules are read here, so a mistake in them stops
    the caller at once; the model is loaded only in the workers.
    """
    settings = load_settings()
    make_detector = functools.partial(
        Detector,
        load_recognizers(settings.detection.rules),
        allow_list=tuple(settings.organisation.published_contacts),
    )
    pool = ExtractionPool(settings.limits, detector=make_detector, max_workers=extraction_workers)
    return Scanner(pool)


def scan_named_file(scanner: Scanner, path: Path) -> ScanResult:
    """Scan one file as ``confide scan`` and ``confide verdict`` read it: a file whose name
    promises a document it cannot be (an empty ``.pdf``, a ``.docx`` that is a broken zip)
    is unscannable, not unsupported or clean. Raises ``UnsupportedType`` or ``OSError``
    otherwise, as ``Scanner.scan_file`` does."""
    size = path.stat().st_size
    try:
        result = scanner.scan_file(path)
    except UnsupportedType as exc:
        instead = named_unscannable(path.name, size, exc)
        if instead is None:
            raise
        return ScanResult(instead, ())
    instead = named_unscannable(path.name, size, result.extraction)
    return result if instead is None else ScanResult(instead, ())
