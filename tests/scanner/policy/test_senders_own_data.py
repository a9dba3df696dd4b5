"""A subject writing about themselves: a member of staff's own details are hers to send."""

from __future__ import annotations

import pytest

from scanner.consent import KnownSubject, MemoryConsentBook
from tests.scanner.policy.conftest import CONSENTS, INTERNAL, SUBJECTS, Check

HOME = "grace.mwangi.home@example.net"
PARTNER = "sam.okoro@example.org"  # not in the register
GRACE = KnownSubject(
    "S-0007",
    "staff",
    ("Grace Mwangi",),
    emails=(INTERNAL, HOME),
    phones=("0113 496 0101",),
    ni_number="JT 55 66 77 A",
    postcode="LS2 7EW",
    address="7 Harbour View, Leeds",
)
REGISTER = MemoryConsentBook([*(s for s in SUBJECTS if s.ref != "S-0007"), GRACE], list(CONSENTS))
OWN_DETAILS = (
    "For the mortgage form: my National Insurance number is JT 55 66 77 A and my address is"
    " 7 Harbour View, Leeds LS2 7EW.\n\nThanks,\nGrace Mwangi\n"
)


@pytest.mark.parametrize(
    ("recipient", "detail"),
    [
        (HOME, "the sender's own data, sent to an address recorded for them"),
        (PARTNER, "the sender's own data, theirs to share"),
    ],
)
def test_a_staff_member_may_send_her_own_details_where_she_chooses(check: Check, recipient, detail):
    """Her NI number and home address, sent from her recorded work address, are attributed
    to her and released unchanged, with a reason saying they are her own."""
    verdict = check(OWN_DETAILS, recipient, consents=REGISTER)[recipient]
    assert verdict.action == "release", verdict.reasons
    # To her own recorded address the rule for a subject's own data fires first.
    assert verdict.rules[-1] == "senders-own-data"
    assert set(verdict.rules) <= {"own-data-to-subject", "senders-own-data"}
    (reason,) = [r for r in verdict.reasons if not r.startswith("Their own data, sent to them")]
    assert reason.startswith("National Insurance number, address and postcode of a known member")
    assert "(ref S-0007)" in reason
    assert reason.endswith(detail)
    assert not verdict.redactions


def test_her_own_details_with_someone_elses_are_judged_for_the_other_person(check: Check):
    """The same message also carrying a carer's NHS number is held for the carer's consent."""
    text = "PS Amina Okafor (NHS 945 807 3022) rang for you.\n" + OWN_DETAILS
    verdict = check(text, PARTNER, consents=REGISTER)[PARTNER]
    assert verdict.action == "hold"
    assert any("ref C-1042" in r and "no consent" in r for r in verdict.reasons)
    assert any("ref S-0007" in r and "sender's own data" in r for r in verdict.reasons)


def test_someone_else_writing_her_details_needs_her_consent(check: Check):
    """Only the sender's own data is theirs to share: a colleague sending Grace's NI number
    to her partner is held."""
    colleague = "priya.sharma@carers.example"
    verdict = check(OWN_DETAILS, PARTNER, sender=colleague, consents=REGISTER)[PARTNER]
    assert verdict.action == "hold"
    assert "ref S-0007" in verdict.reasons[0]


def test_a_diagnosis_is_never_tied_to_the_sender_for_standing_near_her_details(check: Check):
    """Dementia beside the sender's phone number is the carer's, named a sentence before."""
    text = "Amina Okafor rang. Call me on 0113 496 0101: she has been diagnosed with dementia."
    verdict = check(text, PARTNER, consents=REGISTER)[PARTNER]
    assert verdict.action == "hold"
    (hers,) = [r for r in verdict.reasons if "ref C-1042" in r]
    assert hers.startswith("Name and health information of a known carer")
    assert all("health" not in r for r in verdict.reasons if "ref S-0007" in r)
