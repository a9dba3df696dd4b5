"""The decision table of PRODUCT.md, row by row, for each kind of recipient."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scanner.policy.policy_file import Policy
from scanner.segments import Extraction, Segment
from tests.scanner.policy.conftest import (
    ADVICE,
    COUNCIL,
    DAUGHTER,
    INTERNAL,
    STRANGER,
    Check,
    actions,
)
from tests.scanner.transform.made_files import message, pdf_bytes, raw

# Columns: internal, consent recorded for every subject found, consent missing.
ROWS = [
    # nothing personal or confidential
    ("The coffee morning has moved to Thursday at 10am.", "release", "release", "release"),
    # personal data of known subjects
    ("Amina Okafor's mobile is 07700 900123.", "release", "banner", "hold"),
    ("Please ring amina okafor about the carers' break.", "release", "banner", "hold"),
    # personal data not linked to a known subject: the default rules redact identifiers
    ("Please contact John Doe on 07700 900999 about the boiler.", "release", "redact", "redact"),
    ("NHS number 997 220 0337 was given at the front desk.", "release", "redact", "redact"),
    # special-category data: banner where consent covers it, hold where it is missing
    ("Amina Okafor has been diagnosed with dementia.", "release", "banner", "hold"),
    ("John Doe, 07700 900999, was diagnosed with dementia.", "release", "hold", "hold"),
    # safeguarding words about someone: consent for 'all' would cover them; this consent
    # covers contact and health only, so they hold
    ("Amina Okafor disclosed domestic abuse at home.", "release", "hold", "hold"),
    # the organisation's own confidential business
    (
        "The board will discuss the redundancy proposals and the draft budget.",
        "release",
        "hold",
        "hold",
    ),
]


@pytest.mark.parametrize(("text", "internal", "consented", "missing"), ROWS)
def test_each_row_of_the_decision_table(check: Check, text, internal, consented, missing):
    """Each row of the table gives its action for an internal, a consented and an
    unconsented recipient."""
    verdicts = check(text, INTERNAL, COUNCIL, STRANGER)
    assert actions(verdicts) == {INTERNAL: internal, COUNCIL: consented, STRANGER: missing}


def test_an_item_that_could_not_be_scanned_goes_inside_and_is_held_outside(check: Check):
    """Unscannable content is released to internal recipients (the policy allows sharing
    inside) and held for every external one, consented or not; no reason names the file."""
    extraction = Extraction(
        "email",
        (Segment("Please see the attached.", "body (text/plain)"),),
        unscannable=("attachment 1 'Amina Okafor referral.pdf': the PDF is encrypted",),
    )
    verdicts = check(extraction, INTERNAL, COUNCIL, STRANGER)
    assert actions(verdicts) == {INTERNAL: "release", COUNCIL: "hold", STRANGER: "hold"}
    assert verdicts[INTERNAL].rules[0] == "unscannable-internal"
    assert "could not be scanned" in verdicts[INTERNAL].reasons[0]
    for verdict in (verdicts[COUNCIL], verdicts[STRANGER]):
        assert verdict.rules[0] == "unscannable"
    for verdict in verdicts.values():
        assert "the PDF is encrypted" in verdict.reasons[0]
        assert "Okafor" not in " ".join(verdict.reasons)


def test_an_encrypted_pdf_attachment_is_released_inside_and_held_outside(check: Check):
    """A real message with a password-protected PDF named after a carer: released to a
    colleague, held for the consented agency, and no reason carries the file's name."""
    locked = pdf_bytes("Amina Okafor, NHS 945 807 3022, memory clinic.", password="s3cret")
    attachment = (locked, "application", "pdf", "Amina Okafor referral.pdf")
    built = message("Please see the attached referral.", attachments=(attachment,))
    verdicts = check(raw(built), INTERNAL, COUNCIL)
    assert actions(verdicts) == {INTERNAL: "release", COUNCIL: "hold"}
    assert verdicts[INTERNAL].rules[0] == "unscannable-internal"
    assert verdicts[COUNCIL].rules[0] == "unscannable"
    for verdict in verdicts.values():
        assert "encrypted PDF: attachment 1 needs a password to open" in verdict.reasons[0]
        assert "Okafor" not in " ".join(verdict.reasons)


def test_a_policy_can_still_hold_unscannable_items_for_internal_recipients(
    check: Check, policy: Policy
):
    """ "Unless the rules say otherwise": with the internal rule's action set to hold, a
    colleague's copy is held as well."""
    strict = replace(
        policy,
        rules=tuple(
            replace(rule, action="hold") if rule.id == "unscannable-internal" else rule
            for rule in policy.rules
        ),
    )
    extraction = Extraction("email", unscannable=("scanning took longer than 30 s",))
    assert actions(check(extraction, INTERNAL, rules=strict)) == {INTERNAL: "hold"}


def test_consent_given_by_every_subject_gives_a_banner(check: Check):
    """Two known people, both consented to the recipient: released with a banner."""
    text = "Hodan Warsame's daughter asked; Hodan Warsame was admitted with a fall."
    assert actions(check(text, DAUGHTER)) == {DAUGHTER: "banner"}


def test_one_subject_without_consent_holds_the_whole_item(check: Check):
    """A message about one consented and one unconsented person is held for that agency."""
    text = "Amina Okafor (07700 900123) cares for Hodan Warsame, NHS 157 368 1938."
    verdict = check(text, COUNCIL)[COUNCIL]
    assert verdict.action == "hold"
    assert "consent-recorded" in verdict.rules
    assert "no-consent" in verdict.rules
    assert any("ref P-2001" in r and "no consent recorded" in r for r in verdict.reasons)


def test_mixed_recipients_in_one_message_each_get_their_own_verdict(check: Check):
    """Internal, consented agency, contact-only agency and stranger differ on one message."""
    text = "Amina Okafor, NHS 945 807 3022, is waiting for a memory clinic appointment."
    verdicts = check(text, INTERNAL, COUNCIL, ADVICE, STRANGER)
    assert actions(verdicts) == {
        INTERNAL: "release",
        COUNCIL: "banner",
        ADVICE: "hold",
        STRANGER: "hold",
    }
    assert "covers contact only, not NHS number" in verdicts[ADVICE].reasons[0]


def test_redaction_removes_only_the_unlinked_data(check: Check):
    """A redact verdict lists the unlinked findings to remove and keeps the consented ones."""
    text = "Amina Okafor's mobile is 07700 900123. Her neighbour Jo Bloggs is on 07700 900555."
    verdict = check(text, COUNCIL)[COUNCIL]
    assert verdict.action == "redact"
    assert verdict.banner  # what remains is Amina's, released marked CONFIDENTIAL
    removed = {text[f.start : f.end] for f in verdict.redactions}
    assert removed == {"Jo Bloggs", "07700 900555"}
