"""One detector per test session: loading the spaCy model takes a second or two."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers

Found = set[tuple[str, str]]


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector(load_recognizers(), allow_list=["0300 123 4567", "info@carers-example.org.uk"])


@pytest.fixture(scope="session")
def found(detector: Detector) -> Callable[[str], Found]:
    """``(type, matched text)`` for every finding in a text."""

    def run(text: str) -> Found:
        return {(s.type, text[s.start : s.end]) for s in detector.find(text)}

    return run


def types_of(found: Found) -> set[str]:
    return {t for t, _ in found}


def person_names(found: Found) -> set[str]:
    """The matched text of every PERSON finding."""
    return {value for entity, value in found if entity == "PERSON"}
