"""The redaction matcher makes the patterns it searches with only when it needs them: those
for HTML source, where tags may stand between a number's pieces, the first time HTML is
searched (most mail has none, and making a number's pattern costs more than the search)."""

from __future__ import annotations

import pytest

from scanner.removals import Removal
from scanner.transform import _matching
from scanner.transform._matching import Matcher

NUMBER = Removal("0161 496 0000", "phone number")
NAME = Removal("Amina Okafor", "name")


def test_the_html_patterns_are_made_only_when_html_is_searched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []
    pattern = _matching._pattern

    def counted(
        value: str,
        separators: str = _matching._NUMBER_SEPARATORS,
        spaces: str = _matching._SPACES,
    ) -> object:
        made.append(separators)
        return pattern(value, separators, spaces)

    monkeypatch.setattr(_matching, "_pattern", counted)
    matcher = Matcher([NUMBER, NAME])
    assert matcher.redact("Amina Okafor on 0161 496 0000") == (
        "[name removed] on [phone number removed]"
    )
    assert _matching._MARKUP_SEPARATORS not in made
    html = "<p>Amina Okafor on 0161 <b>496</b> 0000</p>"
    assert matcher.redact(html, html=True) == ("<p>[name removed] on [phone number removed]</p>")
    assert matcher.redact(html + " ", html=True).startswith("<p>[name removed]")
    assert made.count(_matching._MARKUP_SEPARATORS) == 2  # the number's and the name's, once
