"""A diagnosis in a sentence naming two registered people: tied to the one the sentence says
it is about, and the reason says which it was tied to."""

from __future__ import annotations

from datetime import date

import pytest

from scanner.consent import KnownSubject, MemoryConsentBook, RecordedConsent
from tests.scanner.policy.conftest import Check

GARETH = KnownSubject("C-4001", "carer", ("Gareth Hughes",))
MARGARET = KnownSubject("P-4002", "cared_for", ("Margaret Hughes",))
AGENCY = "duty@agency.example"
# Gareth consented to his health information going to the agency; his mother did not.
REGISTER = MemoryConsentBook(
    [GARETH, MARGARET],
    [
        RecordedConsent("C-4001", "@agency.example", frozenset({"all"})),
        RecordedConsent("P-4002", "@agency.example", frozenset({"contact"})),
    ],
)


def test_the_grammatical_owner_wins_over_the_nearest_name(check: Check):
    """Gareth is named nearer 'dementia', but the sentence says it is his mother's."""
    text = "Margaret Hughes, Gareth Hughes's mother, has dementia."
    verdict = check(text, AGENCY, consents=REGISTER)[AGENCY]
    assert verdict.action == "hold"
    (hers,) = [r for r in verdict.reasons if "(ref P-4002);" in r]
    assert hers == (
        "Name and health information of a known cared-for person (ref P-4002); the consent for"
        " everyone at agency.example covers contact only, not health information; the health"
        " information is tied to them, whom the sentence says it is about, not to ref C-4001"
        " named in the same sentence"
    )
    (his,) = [r for r in verdict.reasons if "(ref C-4001);" in r]
    assert "health" not in his


def test_a_diagnosis_tied_to_the_nearest_of_two_names_says_so(check: Check):
    """Where the grammar names no owner (the diagnosis is the sentence's subject), the
    nearest person named has it, and the reason names the other person the sentence names."""
    text = "Dementia has been hard for Gareth Hughes and Margaret Hughes."
    verdict = check(text, AGENCY, consents=REGISTER)[AGENCY]
    (his,) = [r for r in verdict.reasons if "(ref C-4001);" in r]
    assert his.endswith(
        "the health information is tied to them, named nearest to it, not to ref P-4002 named"
        " in the same sentence"
    )


def test_the_possessor_of_a_diagnosis_owns_it(check: Check):
    """'Gareth Hughes's depression', with his mother named after it, is his."""
    text = "Gareth Hughes's depression is worse since Margaret Hughes moved in with him."
    verdict = check(text, AGENCY, consents=REGISTER)[AGENCY]
    assert verdict.action == "banner", verdict.reasons
    (his,) = [r for r in verdict.reasons if "(ref C-4001);" in r]
    assert "whom the sentence says it is about, not to ref P-4002" in his


MARGARET_T = KnownSubject("P-4101", "cared_for", ("Margaret Thompson",))
JOHN = KnownSubject("P-4102", "cared_for", ("John Baker",), dob=date(1990, 1, 1))
# John consented to everything going to the agency; Margaret to her contact details only.
TWO_CLIENTS = MemoryConsentBook(
    [MARGARET_T, JOHN],
    [
        RecordedConsent("P-4101", "@agency.example", frozenset({"contact"})),
        RecordedConsent("P-4102", "@agency.example", frozenset({"all"})),
    ],
)


def test_a_pronoun_refers_back_to_the_person_named_before(check: Check):
    """'She has depression' is Margaret's, named before it, not John's, named nearer after
    it in the next sentence: John's consent does not release it."""
    text = "Margaret Thompson came in today. She has depression. Also John Baker, born 01/01/1990."
    verdict = check(text, AGENCY, consents=TWO_CLIENTS)[AGENCY]
    assert verdict.action == "hold", verdict.reasons
    (hers,) = [r for r in verdict.reasons if "(ref P-4101);" in r]
    assert "health information" in hers, verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        # the sentence refers to nobody: it may be about either
        "Margaret Thompson came in today. Depression noted. Also John Baker, born 01/01/1990.",
        # it refers back and names someone after it
        "Margaret Thompson came in today. She has depression and John Baker, born 01/01/1990,"
        " helps her.",
    ],
)
def test_content_that_may_be_either_persons_is_tied_to_both(check: Check, text: str):
    """Where it is not clear whose the diagnosis is, it counts for both: it is held for
    Margaret, whose consent does not cover health information, whatever John's says."""
    verdict = check(text, AGENCY, consents=TWO_CLIENTS)[AGENCY]
    assert verdict.action == "hold", verdict.reasons
    (hers,) = [r for r in verdict.reasons if "(ref P-4101);" in r]
    assert "health information" in hers, verdict.reasons


def test_a_pronoun_after_a_sentence_naming_two_people_ties_to_both(check: Check):
    """'She' after 'Margaret Thompson and John Baker came in' may be either: the depression is
    tied to both, so John's consent (everything) does not release what may be Margaret's."""
    text = "Margaret Thompson and John Baker came in today. She has depression."
    verdict = check(text, AGENCY, consents=TWO_CLIENTS)[AGENCY]
    assert verdict.action == "hold", verdict.reasons
    (hers,) = [r for r in verdict.reasons if "(ref P-4101);" in r]
    assert "health" in hers
