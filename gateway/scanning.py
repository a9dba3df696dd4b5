"""Builds the scanner from the settings in force: one place for the relay, watcher and CLI."""

from __future__ import annotations

import functools

from gateway.config import load_settings
from scanner.detect.engine import Detector
from scanner.detect.rules import load_rules
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner


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
        load_rules(settings.detection.rules),
        allow_list=tuple(settings.organisation.published_contacts),
    )
    pool = ExtractionPool(settings.limits, detector=make_detector, max_workers=extraction_workers)
    return Scanner(pool)
