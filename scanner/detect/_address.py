"""A street address as one span: flat, building, number and street, locality and town.

The address pattern (rules/recognizers.yaml, ``uk_street_address``) finds the number and
street. Redaction must leave nothing that locates the person, so each match is widened over
what is written around it as parts of the same address: a flat or unit and a building name
before it ("Flat 22, Brunel House, 80 Cable Street"), and up to three localities or a town
after it, on the same line or on the lines below as letters and quoted replies set them out
("Roundhay, Leeds"). A tab is the edge of a table's cell: a part is never taken across it.
The postcode stays a finding of its own.
"""

from __future__ import annotations

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.detect._patterns import ConfiguredPatternRecognizer
from scanner.detect.recognizers_file import PatternRule

# A part before the street: "Flat 22", "Unit 3", "Brunel House", "Apartment 14".
_PART_BEFORE = regex.compile(
    r"(?:(?i:flat|apartment|apt|unit|room|suite|studio|block|croft)\.?\s*[\dA-Z]{1,4}[A-Za-z]?,?"
    r"|(?:\p{Lu}[\p{L}'’-]+\s){0,3}\p{Lu}[\p{L}'’-]+,)"
    r" +$"
)
# A part after the street: a locality or town of one to three words, up to the next comma or
# line break ("Roundhay", "Newcastle upon Tyne", "Llanrug").
_PART_AFTER = regex.compile(
    r"(?:,[ \t]*(?:\n[ \t>]*)?|[ \t]*\n[ \t>]*)"
    r"(\p{Lu}[\p{L}'’.-]+(?: (?:upon|on|le|under|in|y|yr|by|the|de|\p{Lu}[\p{L}'’.-]+)){0,3})"
    r"(?=[ \t]*(?:,|\n|$|[A-Z]{1,2}\d)| *\t)"
)
_YEAR = regex.compile(r"(?:19|20)\d\d,")


class StreetAddressRecognizer(ConfiguredPatternRecognizer):
    """``uk_street_address`` with every match widened to the whole address around it."""

    def __init__(self, rule: PatternRule, not_places: frozenset[str]) -> None:
        super().__init__(rule)
        self._not_places = not_places

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        kept = []
        for result in results:
            if _YEAR.match(text, result.start):  # "2025, Rose Hill" is a year, not a house
                continue
            result.start = self._widen_back(text, result.start)
            result.end = self._widen_forward(text, result.end)
            kept.append(result)
        return kept

    def _widen_back(self, text: str, start: int) -> int:
        line_start = text.rfind("\n", 0, start) + 1
        for _ in range(2):
            part = _PART_BEFORE.search(text, line_start, start)
            if part is None or self._not_place(part.group()):
                break
            start = part.start()
        return start

    def _widen_forward(self, text: str, end: int) -> int:
        for _ in range(3):
            part = _PART_AFTER.match(text, end)
            if part is None or self._not_place(part.group(1)):
                break
            end = part.end(1)
        return end

    def _not_place(self, part: str) -> bool:
        words = regex.findall(r"[\p{L}'’]+", part.lower())
        return any(w in self._not_places for w in words)
