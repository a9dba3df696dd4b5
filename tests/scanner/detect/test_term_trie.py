"""The term lists' index finds exactly what a flat alternation of the terms, longest first,
finds: the pattern the lists were first matched with, kept here as the reference."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.detect._terms import TermListRecognizer, _alternation, _has_acronym
from scanner.detect.recognizers_file import TermList, load_recognizers

# The dev set only: the frozen test set is read by its evaluation alone (issue 17).
DEV_CORPUS = Path(__file__).resolve().parents[3] / "bench" / "corpus" / "dev"


def _flat_alternation(terms: list[str]) -> str:
    """The reference: one alternative per term, longest first; a space matches any white
    space, a straight apostrophe a curly one too."""
    escaped = (
        regex.escape(t).replace(r"\ ", r"\s+").replace("'", "['’]").replace(r"\'", "['’]")
        for t in sorted(set(terms), key=len)
    )
    return "|".join(reversed(list(escaped)))


def _flat_pattern(terms: TermList) -> regex.Pattern[str]:
    """The whole pattern as TermListRecognizer first built it, from a flat alternation."""
    words = [w for _, group in terms.groups for w in group]
    folded = [w for w in words if not _has_acronym(w)]
    exact = [w for w in words if _has_acronym(w)]
    parts = []
    if folded:
        parts.append(f"(?i:{_flat_alternation(folded)})")
    if exact:
        parts.append(f"(?-i:{_flat_alternation(exact)})")
    return regex.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])" if parts else r"(?!)")


type _Finder = Callable[[str], list[tuple[int, int]]]


def _spans(pattern: regex.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@functools.cache
def _both_finders(terms: TermList) -> tuple[_Finder, _Finder]:
    """The recognizer's index and the flat pattern, built once per list (~0.3 s for the
    pattern)."""
    flat = _flat_pattern(terms)
    return TermListRecognizer(terms)._index.find, functools.partial(_spans, flat)


def _assert_same_matches(terms: TermList, texts: list[str]) -> int:
    """Both find the same spans in every text; returns how many spans there were."""
    index, flat = _both_finders(terms)
    found = 0
    for text in texts:
        spans = flat(text)
        assert index(text) == spans, text
        found += len(spans)
    return found


# Terms chosen so that a trie that got the order or the sibling keys wrong would differ: a
# shorter term inside a longer one; a prefix written with different case or apostrophes in a
# short and a long term ("Crohn's", "crohn's disease"; "straße", "ſtraße x", which the regex
# engine folds alike but str.lower does not); and a folded term that ends where an acronym
# term goes on (the folded half is tried first, so it wins).
_CRAFTED = TermList(
    entity="SPECIAL_CATEGORY",
    score=0.7,
    groups=(
        (
            "health",
            (
                "abuse", "abuse of trust", "sexual abuse", "child sexual abuse", "harm",
                "self-harm", "self harm", "self harming", "Crohn's", "crohn's disease",
                "Alzheimer’s", "alzheimer's disease", "o'neill's law", "pay", "payroll run",
                "HIV", "HIV positive", "has", "has MS", "MS", "ME", "me too", "cash flow",
                "cash-flow forecast", "straße", "ſtraße x", "kidney", "KIDNEY stone", "parkinson's",
                "Parkinson’s disease",
            ),
        ),
        ("other", ("abuse of trust", "trust", "trust fund", "a", "a b c d", "a b")),
    ),
    source="test",
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("child sexual abuse and abuse", ["child sexual abuse", "abuse"]),
        ("an abuse of  trust fund", ["abuse of  trust"]),
        ("CROHN’S DISEASE, crohn's, Crohn’s", ["CROHN’S DISEASE", "crohn's", "Crohn’s"]),
        ("alzheimer’s disease; Alzheimer's, Alzheimer’s", ["alzheimer’s disease", "Alzheimer’s"]),
        ("self-harming self harming self\n\tharming", ["self harming", "self\n\tharming"]),
        ("He has MS. has ms. HIV positive, hiv", ["has", "MS", "has", "HIV positive"]),
        ("cash-flow forecast, cash flow", ["cash-flow forecast", "cash flow"]),
        ("STRASSE x, STRAẞE X, \u212aidney stone", ["STRAẞE X", "\u212aidney"]),
        (
            "Parkinson’s disease, parkinson’s, Parkinson's disease",
            ["Parkinson’s disease", "parkinson’s", "Parkinson's"],
        ),
        ("a b c d a b c a b", ["a b c d", "a b", "a b"]),
        ("me too ME TOO Me", ["me too", "ME TOO"]),
        ("non-abuse, abuse-related, abused, payroll runs", []),
        # Word boundaries: a digit, an underscore or an accented letter is part of the word.
        ("abuse_2 2abuse abusé (abuse) “abuse”.", ["abuse", "abuse"]),
        # The text's ends; any white space between a phrase's words, a line's end included.
        ("abuse of\r\n\ttrust", ["abuse of\r\n\ttrust"]),
        ("child\u00a0sexual \u2003abuse", ["child\u00a0sexual \u2003abuse"]),
        ("sexual abuse-\nchild sexual\n\nabuse", ["child sexual\n\nabuse"]),  # a hyphen after
        # A phrase broken by anything but white space is its words alone.
        ("child sexual > abuse", ["abuse"]),
        ("HARM, Harm, hArM; SELF-HARM", ["HARM", "Harm", "hArM", "SELF-HARM"]),
        ("hiv, Hiv, HIV; ms, Ms", ["HIV"]),
        # A longer term that a word character follows gives way to a shorter one.
        ("abuse of trusts; sexual abuses", ["abuse"]),
    ],
)
def test_crafted_texts_match_as_the_flat_alternation(text, expected):
    """Longer terms win, spaces stretch, apostrophes and case fold, acronyms stay exact."""
    _assert_same_matches(_CRAFTED, [text])
    index, _ = _both_finders(_CRAFTED)
    assert [text[s:e] for s, e in index(text)] == expected


# A list with terms that start with other than a letter or digit, where a match need not start
# at a word boundary.
_ODD_STARTS = TermList(
    entity="ORG_CONFIDENTIAL",
    score=0.6,
    groups=(("other", ("'flu jab", "(draft) budget", "budget", "#confidential", "-x")),),
    source="test",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("his ’flu jab; the (draft) budget", ["’flu jab", "(draft) budget"]),
        ("a (DRAFT)  budget, #Confidential, x-x, x -x", ["(DRAFT)  budget", "#Confidential", "-x"]),
    ],
)
def test_terms_starting_with_punctuation_match_as_the_flat_alternation(text, expected):
    """Terms that start with punctuation are found where no word boundary precedes them."""
    _assert_same_matches(_ODD_STARTS, [text])
    index, _ = _both_finders(_ODD_STARTS)
    assert [text[s:e] for s, e in index(text)] == expected


def test_a_letter_listed_only_in_another_form_still_matches_its_ascii_case():
    """A list whose only "k" is the Kelvin sign finds "kelvin" written in ASCII letters, as
    the regex engine ignoring case would: ASCII words are not simply put in capitals."""
    kelvin = TermList(
        entity="SPECIAL_CATEGORY",
        score=0.7,
        groups=(("other", ("\u212aelvin scale", "ſcale")),),
        source="test",
    )
    text = "KELVIN SCALE, kelvin scale, \u212aelvin  scale; scale, SCALE"
    assert _assert_same_matches(kelvin, [text]) == 5


@functools.cache
def _shipped() -> tuple[TermList, ...]:
    return load_recognizers().term_lists


def _variants(term: str) -> list[str]:
    """A term as people write it: other case, stretched spaces, curly apostrophes, hyphens."""
    return [
        term,
        term.upper(),
        term.title(),
        term.replace(" ", "  "),
        term.replace(" ", "\n"),
        term.replace("'", "’"),
        term.replace(" ", "-"),
        f"{term}s",
        f"non-{term}",
    ]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_shipped_lists_match_as_the_flat_alternation(index):
    """Every shipped term, written in many ways and next to the others, and a third of the
    dev documents (each list a different third: the flat alternation takes seconds over all
    of them, and the whole suite has a 15-minute budget), give the same spans from the index
    as from the flat alternation."""
    terms = _shipped()[index]
    words = sorted({w for _, group in terms.groups for w in group})
    texts = [" ".join(_variants(w)) + "." for w in words]
    texts += [" ".join(words[i : i + 3]) for i in range(len(words))]  # runs of neighbours
    dev = sorted(DEV_CORPUS.rglob("*.txt"))[index::3]
    texts += [p.read_text(encoding="utf-8") for p in dev]
    assert _assert_same_matches(terms, texts) > len(words)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_random_runs_of_terms_match_as_the_flat_alternation(data):
    """Texts made of pieces of shipped terms and separators give the same spans."""
    terms = data.draw(st.sampled_from(_shipped()))
    words = sorted({w for _, group in terms.groups for w in group})
    piece = st.sampled_from(words).flatmap(
        lambda w: st.integers(0, len(w)).map(lambda cut: w[:cut] if cut else w)
    )
    separator = st.sampled_from([" ", "  ", "\n", "-", "’", "'", ", ", "", "X"])
    parts = data.draw(st.lists(st.tuples(piece, separator), max_size=12))
    cases = data.draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    text = cases("".join(p + s for p, s in parts))
    _assert_same_matches(terms, [text])


def _trie_pattern(terms: TermList) -> regex.Pattern[str]:
    """The pattern the index replaced: each half of the list written as a trie, its letters
    keyed by the first of the characters equal to them regardless of case."""
    words = [w for _, group in terms.groups for w in group]
    folded = [w for w in words if not _has_acronym(w)]
    exact = [w for w in words if _has_acronym(w)]
    parts = [f"(?i:{_alternation(folded, ignore_case=True)})"]
    parts.append(f"(?-i:{_alternation(exact, ignore_case=False)})")
    return regex.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])")


@functools.cache
def _index_and_trie(index: int) -> tuple[_Finder, _Finder]:
    terms = _shipped()[index]
    return TermListRecognizer(terms)._index.find, functools.partial(_spans, _trie_pattern(terms))


# Letters whose case the regex engine matches oddly: a dotless or dotted i, a long s, the
# Kelvin and Angstrom signs, and white space other than spaces and line breaks.
_ODD_CASES = {
    "i": ["ı", "İ"],
    "s": ["ſ"],
    "k": ["\u212a"],
    "a": ["\u212b", "å"],
    " ": ["\u00a0", "\u2003", "\r\n"],
    "-": ["\u2010", "–"],
}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_odd_letters_and_white_space_match_as_the_trie_pattern(data):
    """Shipped terms written with letters whose case the regex engine matches oddly ("ı",
    "ſ", the Kelvin sign) and odd white space give the same spans from the index as from
    the trie pattern it replaced, which keyed letters as the index does."""
    index = data.draw(st.integers(0, len(_shipped()) - 1))
    words = sorted({w for _, group in _shipped()[index].groups for w in group})
    odd = st.sampled_from(words).flatmap(
        lambda w: st.lists(st.integers(0, 3), min_size=len(w), max_size=len(w)).map(
            lambda picks: "".join(
                _ODD_CASES[c][(pick - 1) % len(_ODD_CASES[c])] if pick and c in _ODD_CASES else c
                for c, pick in zip(w, picks, strict=True)
            )
        )
    )
    parts = data.draw(st.lists(st.tuples(odd, st.sampled_from([" ", "", ". ", "s "])), max_size=8))
    cases = data.draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    text = cases("".join(p + s for p, s in parts))
    found, expected = _index_and_trie(index)
    assert found(text) == expected(text), text
