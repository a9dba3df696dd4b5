"""Term-list recognizers: special-category data, safeguarding signals, organisational secrets."""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.detect.rules import TermList


def _alternation(terms: list[str]) -> str:
    escaped = (regex.escape(t).replace(r"\ ", r"\s+") for t in sorted(set(terms), key=len))
    return "|".join(reversed(list(escaped)))


class TermListRecognizer(EntityRecognizer):  # type: ignore[misc]
    """Finds any term of a list as a whole word or phrase.

    Terms match regardless of case, except acronyms written in capitals in the list ("MS",
    "ME", "HIV"), which match only in capitals so that "me" and "Ms" stay ordinary words. The
    recognizer name carries the term's group ("special_category:health"), which consent scope
    and the reasons a verdict gives are built on.
    """

    def __init__(self, terms: TermList) -> None:
        self._group_of: dict[str, str] = {}
        folded: list[str] = []
        exact: list[str] = []
        for group, words in terms.groups:
            for word in words:
                is_acronym = word.isupper() and any(c.isalpha() for c in word)
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
        normal = " ".join(matched.split())
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
                        RecognizerResult.RECOGNIZER_NAME_KEY: f"{self.name}:{group}",
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results
