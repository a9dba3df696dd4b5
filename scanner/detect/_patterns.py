"""Pattern recognizers configured from rules/: a regex, an optional validator, and context."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.checksums import VALIDATORS
from scanner.detect import _context
from scanner.detect.recognizers_file import PatternRule


class ConfiguredPatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer whose score depends on confide's context rules.

    A match passes its validator (a checksum or a structural check) or is dropped. Then the
    nearest of its context and negative-context words decides: a context word raises the score
    to ``context_score``, a negative one ("invoice", "order no") drops the match. With
    neither, it keeps the pattern's score, which rules set below the threshold where a bare
    match is not enough (a ten-digit number is an NHS number only with context).
    """

    def __init__(self, rule: PatternRule) -> None:
        flags = regex.MULTILINE if rule.case_sensitive else regex.MULTILINE | regex.IGNORECASE
        self._rule = rule
        self._flags = flags
        self._validate = VALIDATORS[rule.validator] if rule.validator else None
        self._context = _context.compile_words(list(rule.context))
        self._negative = _context.compile_words(list(rule.negative_context))
        super().__init__(
            supported_entity=rule.entity,
            name=rule.name,
            patterns=[
                Pattern(f"{rule.name} {i}", expr, score)
                for i, (expr, score) in enumerate(rule.patterns)
            ],
            global_regex_flags=flags,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        # Validation happens in analyze(): Presidio would lift every valid match to score 1.0,
        # and a checksum alone must not make a bare ten-digit number an NHS number.
        return None

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        # The engine passes its own default flags; each rule keeps the ones it was written for.
        results: list[RecognizerResult] = super().analyze(
            text, entities, nlp_artifacts, self._flags
        )
        kept = []
        rule = self._rule
        previous_end = 0
        for result in sorted(results, key=lambda r: r.start):
            if self._validate and not self._validate(text[result.start : result.end]):
                continue
            # Context applies to the nearest match: a window never reaches back past the
            # previous match of this rule or the end of the previous sentence.
            window = {
                "before": rule.context_before,
                "after": rule.context_after,
                "not_before": previous_end,
            }
            previous_end = result.end
            positive = _context.distance(self._context, text, result.start, result.end, **window)
            negative = _context.distance(self._negative, text, result.start, result.end, **window)
            # At the same distance the negative word wins: it is the longer phrase that ends
            # where the context word does ("council tax account number").
            if positive is not None and (negative is None or positive < negative):
                result.score = max(result.score, rule.context_score)
            elif negative is not None:
                continue
            kept.append(result)
        return kept
