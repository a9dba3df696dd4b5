"""Term-list recognizers: special-category data, safeguarding signals, organisational secrets."""

from __future__ import annotations

from collections.abc import Iterable

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.detect.recognizers_file import TermList

type _Trie = dict[str, _Trie]


_END = ""  # the key that marks, in a trie node, that a term ends there
_APOSTROPHES = ("'", "’")
_WORD_START = regex.compile(r"\w")
# Someone's initials, as minutes and rotas write them: "(TB)", "TB: will ring", "Action: TB",
# "Attendees: JK, TB and MS". Two or three capitals standing so are a person, not an acronym.
_INITIALS = regex.compile(r"[A-Z]{2,3}")
_INITIALS_LABEL = (
    r"(?i:attendees|attending|present|apologies|in attendance|initials|staff|action|actions"
    r"|owner|who|by|lead|cc)\s*[:=-]\s*"
)
# What may come before initials on their line: a label and other initials in a list.
_BEFORE_INITIALS = regex.compile(
    rf"(?:^[ \t>*•-]*|{_INITIALS_LABEL}(?:[A-Z]{{2,3}}\s*(?:,|/|&|and)\s*)*)$"
)


def _as_initials(text: str, start: int, end: int) -> bool:
    """Whether a term in two or three capitals stands where initials do."""
    if not _INITIALS.fullmatch(text, start, end):
        return False
    if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
        return True
    line_start = text.rfind("\n", 0, start) + 1
    before = _BEFORE_INITIALS.search(text[line_start:start])
    if before is None:
        return False
    return before.group().strip(" \t>*•-") != "" or text[end : end + 1] == ":"


def _case_classes(chars: Iterable[str]) -> dict[str, str]:
    """Each character mapped to the first, in code point order, of those that match it
    regardless of case, as the regex engine decides ("K", "k" and the Kelvin sign are one)."""
    firsts: list[str] = []
    first_of: dict[str, str] = {}
    for char in sorted(set(chars)):
        same = (f for f in firsts if regex.fullmatch(f"(?i:{regex.escape(f)})", char))
        first_of[char] = next(same, char)
        if first_of[char] == char:
            firsts.append(char)
    return first_of


def _alternation(terms: Iterable[str], *, ignore_case: bool) -> str:
    """A regex for any of ``terms``, the longest first where several match at one place; a
    space matches any run of white space, and a straight apostrophe a curly one too (Word and
    Outlook write "Alzheimer’s").

    The terms are written as a trie, ``(?:a(?:buse(?:d|r)?|...)|...)``, not as a flat
    alternation, which the engine would try term by term at every position of the text. The
    trie keeps the flat alternation's longest-first order because siblings never match the
    same character (a straight apostrophe becomes both apostrophes; with ``ignore_case`` the
    characters equal regardless of case are one key; terms hold no white space but spaces,
    which rules.py checks): a text can follow one path only, and on it a longer branch is
    tried before the term that ends sooner.
    """
    terms = list(terms)
    key = _case_classes(c for t in (*terms, *_APOSTROPHES) for c in t) if ignore_case else {}
    root: _Trie = {}
    for term in terms:
        nodes = [root]
        for char in term:
            options = _APOSTROPHES if char == "'" else (char,)
            nodes = [node.setdefault(key.get(o, o), {}) for node in nodes for o in options]
        for node in nodes:
            node[_END] = {}
    return _trie_pattern(root)


def _trie_pattern(node: _Trie) -> str:
    branches = [
        (r"\s+" if char == " " else regex.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char != _END
    ]
    if not branches:
        return ""
    body = "|".join(branches)
    if _END in node:
        return f"(?:{body})?"  # greedy: the longer terms are tried first
    return body if len(branches) == 1 else f"(?:{body})"


def _has_acronym(term: str) -> bool:
    """Whether a term holds a word in capitals ("HIV", "has MS"): such terms match only as
    written, so that "me", "Ms Jones" and "with ms" stay ordinary words."""
    return any(len(w) > 1 and w.isupper() for w in regex.findall(r"[\w']+", term))


class TermListRecognizer(EntityRecognizer):
    """Finds any term of a list as a whole word or phrase.

    Terms match regardless of case, except terms holding an acronym in capitals ("HIV",
    "has MS"), which match only as written. The
    recognizer name carries the term's group ("special_category:health"), which consent scope
    and the reasons a verdict gives are built on.
    """

    def __init__(self, terms: TermList) -> None:
        self._group_of: dict[str, str] = {}
        folded: list[str] = []
        exact: list[str] = []
        for group, words in terms.groups:
            for word in words:
                is_acronym = _has_acronym(word)
                (exact if is_acronym else folded).append(word)
                self._group_of[word if is_acronym else word.casefold()] = group
        parts = []
        if folded:
            parts.append(f"(?i:{_alternation(folded, ignore_case=True)})")
        if exact:
            parts.append(f"(?-i:{_alternation(exact, ignore_case=False)})")
        # When every term starts with a letter or digit, a match starts at a word boundary;
        # saying so lets the engine skip to the next one (the search takes 2.5 times less).
        start = (
            r"\b(?<![\w-])" if all(_WORD_START.match(w) for w in folded + exact) else r"(?<![\w-])"
        )
        self._pattern = regex.compile(
            rf"{start}(?:{'|'.join(parts)})(?![\w-])" if parts else r"(?!)"
        )
        self._entity = terms.entity
        self._label = terms.entity.lower()
        self._score = terms.score
        super().__init__(
            supported_entities=[terms.entity],
            name=terms.entity.lower(),
            supported_language="en",
        )

    def load(self) -> None:
        """Nothing to load: the pattern is built from the list in the constructor."""

    def group_of(self, matched: str) -> str:
        """The list group a matched text belongs to ("health", "abuse" ...)."""
        normal = " ".join(matched.replace("’", "'").split())
        return self._group_of.get(normal) or self._group_of.get(normal.casefold(), "other")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for match in self._pattern.finditer(text, timeout=5):
            if _as_initials(text, match.start(), match.end()):
                continue
            group = self.group_of(match.group())
            results.append(
                RecognizerResult(
                    self._entity,
                    match.start(),
                    match.end(),
                    self._score,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: f"{self._label}:{group}",
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results
