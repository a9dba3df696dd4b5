"""The names ``scanner`` offers its callers, and what importing it costs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import scanner

# Libraries ``import scanner`` must not load: the NER stack, the document readers, the worker
# pool, and Django (which the scanner never imports at all).
_HEAVY = ("spacy", "presidio_analyzer", "pypdf", "lxml", "bs4", "PIL", "pebble", "django")


def test_import_scanner_loads_no_heavy_library() -> None:
    """``import scanner`` alone loads neither spaCy, Presidio, the readers nor Django."""
    probe = f"import sys, scanner; print(*[m for m in {_HEAVY!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(scanner.__file__).parents[1],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == []


@pytest.mark.parametrize("name", scanner.__all__)
def test_each_public_name_is_the_object_it_names(name: str) -> None:
    """Every name in ``__all__`` resolves to the class or function of that name in the scanner."""
    value = getattr(scanner, name)
    assert value.__name__ == name
    assert value.__module__.startswith("scanner.")


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name the scanner does not offer raises AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="no attribute 'jugde'"):
        scanner.jugde  # noqa: B018 - the look-up is the test
