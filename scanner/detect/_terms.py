"""Term-list recognizers: special-category data, safeguarding signals, organisational secrets."""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.detect.rules import TermList


def _alternation(terms: list[str]) -> str:
    """One alternation, longest first; any run of spaces matches any white space, and a
    straight apostrophe matches a curly one (Word and Outlook write "Alzheimer’s")."""
    escaped = (
        regex.escape(t).replace(r"\ ", r"\s+").replace("'", "['’]").replace(r"\'", "['’]")
        for t in sorted(set(terms), key=len)
    )
    return "|".join(reversed(list(escaped)))


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
            parts.append(f"(?i:{_alternation(folded)})")
        if exact:
            parts.append(f"(?-i:{_alternation(exact)})")
        self._pattern = regex.compile(
            rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])" if parts else r"(?!)"
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
