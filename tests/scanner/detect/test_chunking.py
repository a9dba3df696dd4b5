"""Long texts are scanned whole, in overlapping chunks."""

import dataclasses

from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers


def test_entities_on_chunk_boundaries_are_found_once():
    """An entity straddling a chunk boundary is found whole, and only once."""
    rules = load_recognizers()
    small = dataclasses.replace(
        rules, nlp=dataclasses.replace(rules.nlp, chunk_chars=200, chunk_overlap_chars=60)
    )
    detector = Detector(small)
    filler = "The weather was mild and the hall was warm. " * 4  # 176 characters
    text = filler + "Contact: amina.okafor@example.org.uk or NHS 943 476 5919. " + filler * 30
    spans = [(s.type, text[s.start : s.end]) for s in detector.find(text)]
    assert spans.count(("EMAIL_ADDRESS", "amina.okafor@example.org.uk")) == 1
    assert spans.count(("UK_NHS", "943 476 5919")) == 1


def test_text_longer_than_spacy_max_length_is_scanned(detector):
    """Text beyond spaCy's max_length is scanned to its end, not truncated or refused."""
    text = "Nothing to see here. " * 60_000 + "NHS number 943 476 5919."
    assert len(text) > 1_000_000
    found = [(s.type, text[s.start : s.end]) for s in detector.find(text)]
    assert ("UK_NHS", "943 476 5919") in found
