"""Long texts are scanned whole, in overlapping chunks."""

import dataclasses

import pytest

from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers


def _with_chunks(chunk_chars: int, overlap_chars: int) -> Detector:
    """A detector with the default rules but chunks of the given size (the model is cached)."""
    rules = load_recognizers()
    return Detector(
        dataclasses.replace(
            rules,
            nlp=dataclasses.replace(
                rules.nlp, chunk_chars=chunk_chars, chunk_overlap_chars=overlap_chars
            ),
        )
    )


def test_entities_on_chunk_boundaries_are_found_once():
    """An entity straddling a chunk boundary is found whole, and only once."""
    detector = _with_chunks(200, 60)
    filler = "The weather was mild and the hall was warm. " * 4  # 176 characters
    text = filler + "Contact: amina.okafor@example.org.uk or NHS 943 476 5919. " + filler * 30
    spans = [(s.type, text[s.start : s.end]) for s in detector.find(text)]
    assert spans.count(("EMAIL_ADDRESS", "amina.okafor@example.org.uk")) == 1
    assert spans.count(("UK_NHS", "943 476 5919")) == 1


def test_text_longer_than_spacy_max_length_is_scanned(monkeypatch: pytest.MonkeyPatch):
    """Text beyond spaCy's max_length is scanned to its end, not truncated or refused.

    spaCy refuses a text longer than its ``max_length`` (a million characters by default).
    Here that limit is lowered to 5,000 and the chunks to 2,000 characters, so a text of
    some 8,400 shows the same as a text of over a million would, in a fraction of the time.
    """
    detector = _with_chunks(2_000, 200)
    monkeypatch.setattr(detector._model, "max_length", 5_000)
    text = "Nothing to see here. " * 400 + "NHS number 943 476 5919."
    assert len(text) > detector._model.max_length
    with pytest.raises(ValueError, match="max_length"):  # unchunked, spaCy would refuse it
        detector._model(text)
    found = [(s.type, text[s.start : s.end]) for s in detector.find(text)]
    assert ("UK_NHS", "943 476 5919") in found
