"""The check of a redacted copy's changed text against the text it was made from
(``aligned``): a table of copies, each passing with the kept findings where they now stand,
or odd."""

from __future__ import annotations

import pytest

from scanner.detect._copy_reading import aligned, placeholder_runs, placeholders
from scanner.findings import Finding
from scanner.removals import Removal

ORIGINAL = "Referral for Chidi Eze (Leeds), NHS number 642 621 2997, tel +44 7700 900461."
REMOVED = ("Chidi Eze", "642 621 2997", "44 7700 900461")
KEPT = "Leeds"
PLACES = placeholders(tuple(Removal(value, "removed value") for value in REMOVED))


def _finding(kind: str) -> Finding:
    return Finding(0, 0, 0, kind, 1.0, "test")


def _spans() -> list[tuple[int, int, Finding]]:
    """The original's findings: the three removed values and a place kept."""
    found = [(ORIGINAL.index(v), ORIGINAL.index(v) + len(v), _finding("GONE")) for v in REMOVED]
    at = ORIGINAL.index(KEPT)
    return [*found, (at, at + len(KEPT), _finding("KEPT"))]


def _checked(copy: str) -> list[str] | None:
    """The kept findings' texts in ``copy``, or ``None`` when the check finds it odd."""
    runs = placeholder_runs(copy, PLACES)
    checked = aligned(ORIGINAL, _spans(), frozenset(REMOVED), copy, runs)
    return None if checked is None else [copy[s:e] for s, e, _ in checked.spans]


def _redacted(*values: str) -> str:
    copy = ORIGINAL
    for value in values:
        copy = copy.replace(value, "[removed value removed]")
    return copy


WIDER = _redacted(*REMOVED).replace("tel +[removed value removed]", "[removed value removed]")
SIDE_BY_SIDE = _redacted(*REMOVED).replace(
    "[removed value removed] (", "[removed value removed] [removed value removed]("
)


@pytest.mark.parametrize(
    ("copy", "kept"),
    [
        (_redacted(*REMOVED), [KEPT]),  # the "+" before the number stays, no digit of it
        (WIDER, [KEPT]),  # a stretch wider than the value
        (SIDE_BY_SIDE, [KEPT]),
        ("[removed value removed]", []),  # all of it replaced: nothing of it left
    ],
)
def test_a_copy_that_is_its_original_less_the_values_passes(copy: str, kept: list[str]):
    """The original with every removed value in a replaced stretch passes, its kept finding
    moved to where it now stands (or gone, when a stretch took it)."""
    assert _checked(copy) == kept


@pytest.mark.parametrize(
    "copy",
    [
        _redacted(*REMOVED).replace("for [removed", "for Chidi E[removed"),  # cut short
        _redacted(*REMOVED).replace("for [removed", "for Chidi [removed"),
        _redacted("Chidi Eze", "642 621 2997"),  # a value left whole
        _redacted(*REMOVED).replace("NHS number", "NHS no."),  # a word changed
        _redacted(*REMOVED) + " Thanks",  # a word added
        _redacted(*REMOVED).replace("(Leeds)", "(Lee[removed value removed])"),  # a kept one cut
        _redacted(*REMOVED).replace(", NHS number", ""),  # a piece lost
    ],
)
def test_a_copy_that_is_anything_else_is_odd(copy: str):
    """A copy that keeps any part of a removed value, or differs from its original in any
    way but placeholders over the values, is odd."""
    assert _checked(copy) is None


def test_a_text_with_no_placeholder_passes_only_unchanged():
    """A changed segment with no placeholder in it passes only when its text is the
    original's and no value had to go from it."""
    runs: list[tuple[int, int]] = []
    kept = [(0, 5, _finding("KEPT"))]
    assert aligned("Leeds is busy", kept, frozenset(), "Leeds is busy", runs) is not None
    assert aligned("Leeds is busy", kept, frozenset({"Leeds"}), "Leeds is busy", runs) is None
    assert aligned("Leeds is busy", kept, frozenset(), "Leeds is quiet", runs) is None
