"""Scoring in bench/eval_detection.py: overlap recall, whole-span coverage, and a test-set
score that keeps no text."""

from __future__ import annotations

import pytest

from bench.eval_detection import Score
from bench.labelled_corpus import LabelledDocument, Span

ADDRESS = "Flat 22, Brunel House,\n> 80 Cable Street, London"
TEXT = f"Lives at {ADDRESS} now."
GOLD = Span(9, 9 + len(ADDRESS), "STREET_ADDRESS")
DOC = LabelledDocument("doc.txt", TEXT, (GOLD,))


def _at(part: str) -> Span:
    start = TEXT.index(part)
    return Span(start, start + len(part), "STREET_ADDRESS")


@pytest.mark.parametrize(
    ("predicted", "found", "whole"),
    [
        ([_at("80 Cable Street")], 1, 0),
        ([_at("Flat 22, Brunel House,"), _at("80 Cable Street, London")], 1, 1),
        ([_at(ADDRESS)], 1, 1),
        ([Span(_at(ADDRESS).start, _at(ADDRESS).end, "PERSON")], 0, 0),
        ([], 0, 0),
    ],
)
def test_an_address_is_found_by_overlap_and_whole_only_when_all_of_it_is_covered(
    predicted: list[Span], found: int, whole: int
) -> None:
    """Part of an address is found but not whole; the quote mark between lines may be left."""
    score = Score()
    score.add(DOC, predicted)
    assert (score.found["STREET_ADDRESS"], score.whole["STREET_ADDRESS"]) == (found, whole)


def test_a_test_set_score_keeps_no_text_of_its_misses_or_false_positives() -> None:
    """With keep_examples off, counts are kept but no miss or false positive is recorded."""
    score = Score(keep_examples=False)
    score.add(DOC, [Span(0, 5, "PERSON")])
    assert score.gold["STREET_ADDRESS"] == 1
    assert score.found["STREET_ADDRESS"] == 0
    assert score.predicted["PERSON"] == 1
    assert score.misses == []
    assert score.false_positives == []


def test_false_positives_per_clean_document_are_counted_by_type() -> None:
    """A clean document's findings are all false positives, counted overall and by type;
    a document with labels adds to neither, and a test-set score keeps only the counts."""
    score = Score(keep_examples=False)
    clean = LabelledDocument("notice_clean.txt", "Hope House, call 0113 496 0000", ())
    score.add(clean, [Span(0, 4, "PERSON"), Span(17, 30, "PHONE_NUMBER")])
    score.add(LabelledDocument("other_clean.txt", "Nothing here.", ()), [])
    score.add(DOC, [Span(0, 5, "PERSON")])
    assert score.clean_rate() == 1.0
    assert (score.clean_rate("PERSON"), score.clean_rate("PHONE_NUMBER")) == (0.5, 0.5)
    assert score.clean_rate("UK_POSTCODE") == 0.0
    assert score.false_positives == []
