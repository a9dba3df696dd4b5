"""Builds the scanner from the settings in force: one place for the relay, watcher and CLI."""

from __future__ import annotations

from gateway.config import load_settings
from scanner.detect.engine import Detector
from scanner.detect.rules import load_rules
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner


def build_scanner(extraction_workers: int | None = None) -> Scanner:
    """The scanner; ``extraction_workers`` sandboxed processes (default: one per CPU)."""
    settings = load_settings()
    detector = Detector(
        load_rules(settings.detection.rules),
        allow_list=settings.organisation.published_contacts,
    )
    return Scanner(detector, ExtractionPool(settings.limits, max_workers=extraction_workers))
