"""Builds the scanner from the settings in force: one place for the relay, watcher and CLI."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.config import load_settings
from scanner.detect.recognizers_file import RecognizerSettings, load_recognizers
from scanner.extract import UnsupportedType, named_unscannable, read_item
from scanner.filetype import FileType, sniff
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner, ScanResult
from scanner.segments import Extraction

if TYPE_CHECKING:
    from scanner.detect.detector import Detector

# Every line ending a mail program may save a message with; SMTP carries each as CRLF.
_LINE_END = re.compile(rb"\r\n|\r|\n")


def build_scanner(
    extraction_workers: int = 1, on_up: Callable[[bool], None] | None = None
) -> Scanner:
    """The scanner; ``extraction_workers`` sandboxed processes, each of which extracts, loads
    the model once (about 0.5 GB) and detects; ``on_up`` is told whether they are up, as
    ``ExtractionPool`` says.

    One is the default: ``Scanner`` scans one item at a time, and the relay runs a scanner
    in each of its scanning processes. The rules are read here, so a mistake in them stops
    the caller at once; the model is loaded only in the workers.
    """
    settings = load_settings()
    make_detector = functools.partial(
        _detector,
        load_recognizers(settings.detection.rules),
        tuple(settings.organisation.published_contacts),
    )
    pool = ExtractionPool(
        settings.limits, detector=make_detector, max_workers=extraction_workers, on_up=on_up
    )
    return Scanner(pool)


def _detector(recognizers: RecognizerSettings, allow_list: tuple[str, ...]) -> Detector:
    """The detector, built in a sandboxed worker. Imported there, not here: a process that
    only hands items to its workers (the relay's, the watcher's) need not load presidio and
    spaCy (about 40 MB in each)."""
    from scanner.detect.detector import Detector

    return Detector(recognizers, allow_list=allow_list)


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


def scan_as_sent(scanner: Scanner, path: Path) -> ScanResult:
    """Scan one file as ``confide verdict`` reads it, to say what the relay would do with it:
    a message (a file named .eml, or one that reads as a message) as the relay reads what
    arrives by SMTP, as a message alone and with the CRLF line endings SMTP gives every line;
    anything else as ``scan_named_file`` (as an attachment would be read). Read as a file
    of any type, a message is also read as plain text, header block and all, and its
    addresses and ids would be findings the relay never makes. Raises as
    ``scan_named_file`` does."""
    data = read_item(path, scanner.pool.limits)
    if isinstance(data, Extraction):  # too large to read
        return ScanResult(data, ())
    if path.suffix.lower() != ".eml" and sniff(data) is not FileType.EMAIL:
        return scan_named_file(scanner, path)
    return scanner.scan_message(_LINE_END.sub(b"\r\n", data))
