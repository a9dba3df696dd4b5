"""Whom a sentence says a diagnosis is about, read from the parse: text in, owner out."""

from __future__ import annotations

import dataclasses

import pytest
import spacy

from scanner.detect._grammar import OwnerReader
from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers
from scanner.extract import extract
from scanner.limits import ScanLimits

TABLE = [
    # the subject of the clause, not the possessor inside it
    ("Margaret Hughes, Gareth Hughes's mother, has dementia.", "has dementia", "Margaret Hughes"),
    ("Gareth Hughes's mother Margaret Hughes has dementia.", "has dementia", "Margaret Hughes"),
    # the possessor of the term
    ("Amina Okafor's depression is worse since Hodan Warsame moved in.", "depression", "Amina"),
    # the subject of a reported clause, not of the sentence
    (
        "Amina Okafor told us that Hodan Warsame was diagnosed with dementia.",
        "was diagnosed with dementia",
        "Hodan",
    ),
    # "who has": the person the clause describes
    ("Amina Okafor cares for Hodan Warsame, who has dementia.", "has dementia", "Hodan Warsame"),
    ("Hodan Warsame is cared for by Amina Okafor, who has depression.", "has depression", "Amina"),
    # a clause inside the owner's phrase names someone else
    (
        "Margaret Hughes, who Gareth Hughes cares for, has a dementia diagnosis.",
        "has a dementia diagnosis",
        "Margaret",
    ),
    # the term is the subject: the grammar does not say whose it is
    ("Dementia has been hard for Amina Okafor and Hodan Warsame.", "Dementia", None),
]


@pytest.mark.parametrize(("text", "term", "owner"), TABLE)
def test_owner_of_a_diagnosis(detector: Detector, text, term, owner):
    """The owner's spans cover the expected name and none of the other person's."""
    extraction = extract(text.encode(), ScanLimits())
    findings = detector.scan(extraction)
    owners = {
        text[o.finding.start : o.finding.end]: o.spans
        for o in detector.owners(extraction, findings)
    }
    if owner is None:
        assert term not in owners
        return
    said = " ".join(text[start:end] for start, end in owners[term])
    assert owner in said
    people = [text[f.start : f.end] for f in findings if f.type == "PERSON"]
    assert [p for p in people if p in said and owner not in p] == []


def test_one_named_person_needs_no_parse(detector: Detector):
    """A sentence naming one person gives no owner: the nearest name is the only name."""
    text = "Gareth Hughes's mother has dementia."
    extraction = extract(text.encode(), ScanLimits())
    assert detector.owners(extraction, detector.scan(extraction)) == ()


def test_parsing_stops_at_the_configured_number_of_sentences(detector: Detector):
    """parsed_sentences bounds the parses per item; 0 turns the grammar off."""
    text = " ".join(
        f"Amina Okafor cares for Hodan Warsame, who has dementia{'!' * i}" for i in range(1, 4)
    )
    extraction = extract(text.encode(), ScanLimits())
    findings = detector.scan(extraction)
    assert len(detector.owners(extraction, findings)) == 3
    rules = load_recognizers()
    for limit in (2, 0):
        capped = Detector(
            dataclasses.replace(rules, nlp=dataclasses.replace(rules.nlp, parsed_sentences=limit))
        )
        assert len(capped.owners(extraction, findings)) == limit


def test_a_model_without_a_parser_gives_no_owners():
    """An NER-only model (any configured one may be) reads no grammar."""
    reader = OwnerReader(spacy.blank("en"))
    assert not reader.available
    assert reader.owners("Amina has dementia.", [(None, 11, 19)]) == [[]]


def test_a_sentence_read_twice_is_parsed_once(detector: Detector, monkeypatch):
    """A message is read as a message and as text, so its body's sentences are in two
    segments: each copy's diagnosis gets its owner, from one parse of the sentence."""
    sentence = "Margaret Hughes, Gareth Hughes's mother, has dementia."
    message = f"From: a@example.org\nTo: b@example.org\nSubject: visit\n\n{sentence}\n".encode()
    extraction = extract(message, ScanLimits())
    findings = detector.scan(extraction)
    holding = {f.segment for f in findings if f.type == "SPECIAL_CATEGORY"}
    assert len(holding) == 2  # the body, and the message read as text
    parses = []
    read = detector._grammar.read
    monkeypatch.setattr(detector._grammar, "read", lambda *a: parses.append(a) or read(*a))
    owners = detector.owners(extraction, findings)
    assert len(parses) == 1
    assert {o.finding.segment for o in owners} == holding
    for owner in owners:
        text = extraction.segments[owner.finding.segment].text
        assert "Margaret Hughes" in " ".join(text[s:e] for s, e in owner.spans)
