"""Special-category data, safeguarding signals and organisational confidential business."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Her husband has dementia and type 2 diabetes.", "SPECIAL_CATEGORY"),
        ("He is a wheelchair user.", "SPECIAL_CATEGORY"),
        ("She was recently diagnosed with HIV.", "SPECIAL_CATEGORY"),
        ("He has a criminal conviction from 2015.", "SPECIAL_CATEGORY"),
        ("The family are practising Muslims.", "SPECIAL_CATEGORY"),
        ("There is a history of self-harm.", "SAFEGUARDING"),
        ("Concerns about domestic abuse at home.", "SAFEGUARDING"),
        ("We raised a safeguarding concern today.", "SAFEGUARDING"),
        ("Please find the draft budget attached.", "ORG_CONFIDENTIAL"),
        ("These board papers are strictly confidential.", "ORG_CONFIDENTIAL"),
    ],
)
def test_terms_are_found(found, text, entity):
    """Terms from the lists in rules/terms/ are found, whatever their case."""
    assert entity in types_of(found(text))


@pytest.mark.parametrize(
    "text",
    [
        "Can you send it to me please?",
        "Ms Jones will chair.",
        "We had a cold snap and the heating broke.",
        "The room is booked for Tuesday.",
    ],
)
def test_ordinary_words_are_not_special_category(found, text):
    """Acronyms match only in capitals, so 'me' and 'Ms' stay ordinary words."""
    assert not {"SPECIAL_CATEGORY", "SAFEGUARDING"} & types_of(found(text))


def test_term_findings_name_their_group(detector):
    """A term's recognizer name carries its group, for consent scope and reasons."""
    spans = detector.find("He has epilepsy.")
    assert [s.recognizer for s in spans if s.type == "SPECIAL_CATEGORY"] == [
        "special_category:health"
    ]
