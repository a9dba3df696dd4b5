"""Rewrites made for speed find exactly what the code they replaced found.

- the label patterns (``_structure.label_pattern``) are built on a trie of the labels rather
  than a flat alternation, longest first;
- the pattern rules match through ``ConfiguredPatternRecognizer._matches`` rather than
  Presidio's ``PatternRecognizer.analyze``, which built an explanation for every match.

Each is compared with the code it replaced, kept here as the reference, on the dev corpus and
on texts made to hit the edges.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import regex
from presidio_analyzer import PatternRecognizer

from scanner.detect import _structure
from scanner.detect._address import StreetAddressRecognizer
from scanner.detect._patterns import ConfiguredPatternRecognizer
from scanner.detect.recognizers_file import RecognizerSettings, load_recognizers

DEV_CORPUS = Path(__file__).resolve().parents[3] / "bench" / "corpus" / "dev"


@functools.cache
def _rules() -> RecognizerSettings:
    return load_recognizers()


@functools.cache
def _dev_texts() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted(DEV_CORPUS.rglob("*.txt")))


def _flat_label_pattern(labels: frozenset[str], not_labels: frozenset[str]) -> regex.Pattern[str]:
    """``label_pattern`` as it was, with flat alternations of the labels, longest first (and
    a labelled value ending at a tab or a pipe, as it has since)."""
    flat = _structure._alternatives
    extra = rf"(?!(?:{flat(not_labels)})\b)[\p{{L}}'’]+"
    alone = rf"(?:^|(?<=[\t|]))[ \t>*•-]*(?:{flat(labels)}){_structure._CELL_END}(?P<value>[^\n]+)"
    return regex.compile(
        rf"{alone}|(?:^|(?<=[\t|]| {{2}}))[ \t>*•-]*(?:{extra} ){{0,2}}(?:{flat(labels)})"
        rf"(?:\s*\([^)\n]{{0,20}}\))?(?: {extra}){{0,2}}{_structure._LABEL_END}"
        rf"(?P<value>[^\n\t|]+)",  # (namerecall) a value ends at the next cell
        regex.IGNORECASE | regex.MULTILINE,
    )


def _shipped_label_lists() -> list[tuple[frozenset[str], frozenset[str]]]:
    rules = _rules()
    return [
        (rules.person.name_labels, rules.person.not_name_labels),
        (rules.address_labels, frozenset({"email", "web", "history"})),
        (rules.address_part_labels, frozenset()),
    ]


def _label_variants(label: str) -> list[str]:
    return [
        f"{label}: Amina Yusuf",
        f"{label.upper()}: K ASANTE-BOATENG",
        f"{label.title()}\tTomasz Wójcik",
        f"  * {label} (main) : Ana-Maria",
        f"Previous {label} = Esi",
        f"Organisation {label}: Brunel House",
        f"{label.replace(' ', '   ')}: Kerry-Ann",
        f"{label.replace(chr(39), '’')}: Ellie-Mae",  # a curly apostrophe is not the label's
        f"x{label}: no label",
        f"a | {label} | Hodan",
        f"{label}s of child: Ruby",
    ]


def _matches(pattern: regex.Pattern[str], text: str) -> list[tuple[tuple[int, int], ...]]:
    return [(m.span(), m.span("value")) for m in pattern.finditer(text)]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_label_patterns_match_as_the_flat_alternation(index):
    labels, not_labels = _shipped_label_lists()[index]
    trie = _structure.label_pattern(labels, not_labels)
    flat = _flat_label_pattern(labels, not_labels)
    texts = ["\n".join(_label_variants(label)) for label in sorted(labels)]
    texts += list(_dev_texts())
    found = 0
    for text in texts:
        expected = _matches(flat, text)
        assert _matches(trie, text) == expected, text[:200]
        found += len(expected)
    assert found > len(labels)


def test_a_straight_apostrophe_in_a_label_does_not_match_a_curly_one():
    """The term lists' trie reads ' as either apostrophe; a label matches only as written."""
    pattern = _structure.label_pattern(frozenset({"child's name"}), frozenset())
    assert pattern.search("Child's name: Ruby")
    assert pattern.search("Child’s name: Ruby") is None


def _pattern_recognizers() -> list[ConfiguredPatternRecognizer]:
    rules = _rules()
    return [
        StreetAddressRecognizer(rule, rules)
        if rule.entity == "STREET_ADDRESS"
        else ConfiguredPatternRecognizer(rule)
        for rule in rules.patterns
    ]


def _as_tuples(results) -> list[tuple[object, ...]]:
    return [
        (r.entity_type, r.start, r.end, r.score, sorted(r.recognition_metadata.items()))
        for r in results
    ]


def test_pattern_rules_match_as_presidio_matched_them():
    """Same results in the same order as ``PatternRecognizer.analyze`` with the rule's flags,
    for every shipped pattern rule on every dev document."""
    recognizers = _pattern_recognizers()
    assert recognizers
    found = 0
    for text in _dev_texts():
        for recognizer in recognizers:
            expected = PatternRecognizer.analyze(recognizer, text, [], None, recognizer._flags)
            assert _as_tuples(recognizer._matches(text)) == _as_tuples(expected), recognizer.name
            found += len(expected)
    assert found > 100


# The place checks' searches for one name in the whole text (``_name_places``): a pattern
# compiled for each name before, a plain search and a check of either side now.


def _old_building_ends(text: str, span: str) -> list[int]:
    pattern = rf"(?<![\p{{L}}\p{{M}}]){regex.escape(span)}(?![\p{{L}}\p{{M}}])"
    return [m.end() for m in regex.finditer(pattern, text)]


def _old_titled(text: str, titles: str, word: str) -> bool:
    titled = rf"(?<![\p{{L}}])(?i:{titles})\.? "
    return regex.search(rf"{titled}{regex.escape(word)}(?![\p{{L}}])", text) is not None


_NAME_TEXTS = [
    "Stanley Grange Conference Centre. Stanley Grange is ten minutes away.",
    "AnaAna Ana, Ana\u0301 Ana-Maria Ana",
    "A B A B A B A",
    "Mrs Hunt met Ms. Hunt and xMr Hunt; DR HUNT, mr  Hunt, Mr Hunter, Mrs. Hunts",
    "Hunt\nMr Hunt",
    "Ms Nguyễn Thị Lan and Nguyễn",
    "",
]


@pytest.mark.parametrize("text", _NAME_TEXTS)
def test_place_name_ends_are_found_as_the_compiled_pattern_found_them(text):
    from scanner.detect._name_places import _ends_as_a_word

    for span in {*text.split(), "Stanley Grange", "A B A", "Ana", "Hunt", "Nguyễn"}:
        assert list(_ends_as_a_word(text, span)) == _old_building_ends(text, span), span


def test_titled_words_are_found_as_the_compiled_pattern_found_them():
    from scanner.detect._names import PersonRecognizer

    recognizer = PersonRecognizer(_rules().person)
    titles = recognizer._title_alternatives
    texts = [*_NAME_TEXTS, *_dev_texts()[::10]]
    checked = 0
    for text in texts:
        for word in {*regex.findall(r"[\p{L}'’-]+", text)[:30], "Hunt", "Hunter", "Lan"}:
            expected = _old_titled(text, titles, word)
            assert recognizer._titled_elsewhere(text, [word]) == expected, (word, text[:100])
            checked += expected
    assert checked > 5


def test_rules_reading_a_text_the_same_way_share_one_reading():
    """The date-of-birth rules read wrapped lines joined, and the number rules breaks read
    as spaces: each reading is made once per text, however many rules use it."""
    from scanner.detect import _patterns

    text = "DOB 03/03/2015 and NHS 943 476\n5919, " + "a long wrapped line of words " * 4 + "\nend"
    recognizers = _pattern_recognizers()
    assert sum(r._rule.across_wrapped_lines for r in recognizers) >= 2
    assert sum(r._rule.across_line_breaks for r in recognizers) >= 2
    _patterns._unwrapped.cache_clear()
    _patterns._joined.cache_clear()
    for recognizer in recognizers:
        recognizer.analyze(text, [])
    assert _patterns._unwrapped.cache_info().misses == 1
    assert _patterns._joined.cache_info().misses <= 2  # the text, and its unwrapped reading
