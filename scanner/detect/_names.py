"""Person names from spaCy's NER, filtered so that codes and log fields are never names."""

from __future__ import annotations

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.detect.rules import PersonSettings

# Letters (any script), apostrophes, hyphens, full stops and spaces: what names are made of.
_NAME_CHARS = regex.compile(r"^[\p{L}\p{M}][\p{L}\p{M}'’.\- ]*$")
# A character glued to the span that shows it sits inside a token: an id, a path, a log field.
_GLUE = frozenset("0123456789_=/\\@#<>[]{}|:;$%^&*+~`")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "cllr"})


class PersonRecognizer(LocalRecognizer):  # type: ignore[misc]
    """PERSON entities from the NLP engine, kept only when they look like a name.

    Presidio's default takes every spaCy PERSON span, and spaCy finds "people" inside hex ids,
    log lines and numbers. A name here is made of letters, sits between word boundaries that
    are not part of a code, and is not just a title, greeting or word from ``not_names``.
    """

    def __init__(self, settings: PersonSettings) -> None:
        self._settings = settings
        super().__init__(supported_entities=["PERSON"], name="spacy_person")

    def load(self) -> None:
        """The model is loaded by the NLP engine, once per process."""

    def is_name(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is a plausible person's name where it stands."""
        span = text[start:end]
        if not _NAME_CHARS.match(span) or "\n" in span:
            return False
        if (start > 0 and text[start - 1] in _GLUE) or (end < len(text) and text[end] in _GLUE):
            return False
        words = [w.strip(".'’-").lower() for w in span.split()]
        meaningful = [w for w in words if w and w not in _TITLES]
        if not meaningful or all(w in self._settings.not_names for w in meaningful):
            return False
        # All-capital single words are log levels and codes ("ERROR", "NHS") more often than
        # names; a capitalised surname in a form ("OKAFOR") still has another cue nearby.
        return not (len(meaningful) == 1 and span.isupper() and len(span) <= 5)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        results = []
        for entity in nlp_artifacts.entities:
            if entity.label_ != "PERSON":
                continue
            start, end = entity.start_char, entity.end_char
            # spaCy includes a trailing possessive ("Amina's"); the name stops before it.
            if text[start:end].endswith(("'s", "’s")):
                end -= 2
            if self.is_name(text, start, end):
                results.append(
                    RecognizerResult(
                        "PERSON",
                        start,
                        end,
                        self._settings.score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results
