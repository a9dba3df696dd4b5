"""Consent as the engine reads it: scope, expiry, withdrawal, family, own address, names."""

from __future__ import annotations

import pytest

from tests.scanner.policy.conftest import COUNCIL, DAUGHTER, STRANGER, Check, actions

BEGUM = "Rukhsana Begum, NHS 036 426 2125, asked for a copy of her carer's assessment."


@pytest.mark.parametrize(
    ("recipient", "action", "why"),
    [
        ("gp@gp.example", "hold", "no consent recorded"),  # consent expired in 2025
        ("officer@housing.example", "hold", "no consent recorded"),  # withdrawn in January
        ("nurse@hospice.example", "banner", "consent recorded"),  # in force, scope all
    ],
)
def test_expired_and_withdrawn_consents_never_count(check: Check, recipient, action, why):
    """Only a consent in force at the time of sending counts."""
    verdict = check(BEGUM, recipient)[recipient]
    assert verdict.action == action
    assert why in verdict.reasons[0]


def test_a_family_member_is_a_recipient_like_any_other(check: Check):
    """Hodan's daughter has consent for Hodan, not for Amina."""
    about_hodan = "Hodan Warsame (NHS 157 368 1938) is home from hospital."
    about_amina = "Amina Okafor (NHS 945 807 3022) is home from hospital."
    assert actions(check(about_hodan, DAUGHTER)) == {DAUGHTER: "banner"}
    assert actions(check(about_amina, DAUGHTER)) == {DAUGHTER: "hold"}


def test_a_subject_named_only_by_title_and_surname_is_found(check: Check):
    """'Mrs Begum' is the register's only Begum: her data is hers, so her consents apply."""
    text = "Mrs Begum has asked us to pass on that she is struggling with depression."
    assert actions(check(text, "nurse@hospice.example", STRANGER)) == {
        "nurse@hospice.example": "banner",
        STRANGER: "hold",
    }
    assert "ref C-1043" in check(text, STRANGER)[STRANGER].reasons[0]


def test_a_subjects_own_address_receives_their_own_data(check: Check):
    """Sending Amina her own details needs no consent record."""
    text = "Amina Okafor, your NHS number is 945 807 3022."
    assert actions(check(text, "amina.okafor@example.com")) == {
        "amina.okafor@example.com": "banner"
    }


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("Amina Okafor's email is amina.okafor@example.com.", "banner"),  # contact
        ("Amina Okafor takes donepezil every morning.", "banner"),  # medication: health
        ("Amina Okafor's NI number is QQ 12 34 56 C.", "hold"),  # financial: not given
        ("Amina Okafor is a practising Muslim.", "hold"),  # religion: needs 'all'
    ],
)
def test_the_consent_scope_must_cover_what_was_found(check: Check, text, action):
    """The council's consent covers contact and health, nothing else."""
    assert actions(check(text, COUNCIL)) == {COUNCIL: action}


def test_a_date_of_birth_counts_only_next_to_the_name(check: Check):
    """Hodan's date of birth far from her name, in a text about nobody, is just a date."""
    assert actions(check("The hall was booked on 03/02/1941, they say.", STRANGER)) == {
        STRANGER: "release"
    }
    verdict = check("Hodan Warsame, born 03/02/1941.", STRANGER)[STRANGER]
    assert verdict.action == "hold"
    assert "date of birth" in verdict.reasons[0]
