"""The safety net's search of a redacted copy for the values removed from it
(``LeftValues``): a table of values and texts, each found or not, matched more loosely than
the transform writes them."""

from __future__ import annotations

import pytest

from scanner.detect._copy_reading import LeftValues, placeholder_runs, placeholders
from scanner.findings import Finding
from scanner.operators import Mask
from scanner.removals import Removal

FOUND_AS = Finding(0, 0, 0, "PERSON", 1.0, "test")


def _left(value: str, text: str) -> list[str]:
    """What of ``value`` the search finds in ``text``, outside its placeholders (a name's,
    or a mask keeping four digits)."""
    made = placeholders((Removal(value, "name"), Removal(value, "NHS number", Mask())))
    runs = placeholder_runs(text, made)
    return [text[s:e] for s, e, _ in LeftValues([(value, FOUND_AS)]).spans(text, runs)]


@pytest.mark.parametrize(
    ("value", "text", "left"),
    [
        ("Chidi Eze", "Thanks, chidi eze.", "chidi eze"),
        ("Chidi Eze", "Ring CHIDI-EZE back", "CHIDI-EZE"),
        ("Chidi Eze", "mail chidi.eze@mailbox.example", "chidi.eze"),
        ("Chidi Eze", "Chidi\nEze called", "Chidi\nEze"),
        ("Eze", "Mr Eze's file", "Eze"),
        ("Chidi Eze", "File ref: EZE, Chidi", "EZE, Chidi"),
        ("Chidi Eze", "notes Eze_Chidi_0412.txt", "Eze_Chidi"),
        ("Chidi Ngozi Eze", "Eze, Chidi Ngozi (carer)", "Eze, Chidi Ngozi"),
        ("642 621 2997", "ref 6426212997", "6426212997"),
        ("642 621 2997", "nhs6426212997x", "6426212997"),
        ("642 621 2997", "642-621-2997", "642-621-2997"),
        ("642 621 2997", "642 / 621 / 2997", "642 / 621 / 2997"),
        ("07700 900461", "+44 7700 900461", "7700 900461"),
        ("07700 900461", "(0)7700-900-461", "7700-900-461"),
        ("QQ 12 34 56 C", "NI qq123456c", "qq123456c"),
        ("Chidi Eze", "Chidi E[name removed] called", "Chidi E"),
        ("642 621 2997", "NHS [name removed]2997", "2997"),
        ("642 621 2997", "NHS [name removed] 2997 6426212997", "6426212997"),
    ],
)
def test_a_removed_value_still_in_the_copy_is_found(value: str, text: str, left: str):
    """A value left whole, in any case or punctuation, its last word first, or in part glued
    to a placeholder, is found where it stands."""
    assert _left(value, text) == [left]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Ann", "the Annual report"),
        ("Eze", "do not freeze it"),
        ("Chidi Eze", "Thanks, [name removed]."),
        ("Chidi Eze", "Chidi came, Eze did not"),
        ("Chidi Eze", "Eze did not come; Chidi did"),
        ("Chidi Ngozi Eze", "Eze, Ngozi Chidi"),
        ("642 621 2997", "642 621 299"),
        ("642 621 2997", "642    621    2997"),
        ("642 621 2997", "NHS number ********2997"),
        ("Chidi Eze", "Dear Mrs [name removed], thanks"),
        ("Chidi Eze", "Chidi [name removed]"),
    ],
)
def test_what_is_not_a_removed_value_is_not_found(value: str, text: str):
    """A word that only holds the value, a value cut short, a number split by more than
    three separators, a mask's kept digits, and a word apart from a placeholder are not the
    value (the last is odd to the check of the copy's parts instead)."""
    assert _left(value, text) == []
