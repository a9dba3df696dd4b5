"""An identifier a household shares (address, postcode, landline) belongs to those of its
members the item refers to, and to all of them only when it refers to none."""

from __future__ import annotations

from datetime import date

from scanner.consent import KnownSubject, MemoryConsentBook, RecordedConsent
from tests.scanner.policy.conftest import Check

HOME = {"phones": ("0113 496 0555",), "postcode": "LS9 6AB", "address": "12 Example Street, Leeds"}
MARGARET = KnownSubject("C-3001", "carer", ("Margaret Hughes",), dob=date(1958, 5, 1), **HOME)
ARTHUR = KnownSubject("P-3002", "cared_for", ("Arthur Hughes",), dob=date(1931, 9, 9), **HOME)
AGENCY = "duty@agency.example"
HOUSEHOLD = MemoryConsentBook(
    [MARGARET, ARTHUR],
    [RecordedConsent("C-3001", "@agency.example", frozenset({"contact"}))],
)
ABOUT_MARGARET = (
    "Margaret Hughes has asked for a carer's assessment visit. She lives at 12 Example Street,"
    " Leeds LS9 6AB; the landline there is 0113 496 0555."
)
ALSO_ARTHUR = ABOUT_MARGARET + " Arthur Hughes will be at the day centre that morning."


def test_a_message_about_the_carer_alone_goes_to_her_agency_with_a_banner(check: Check):
    """The address, postcode and landline she shares with the man she cares for are hers
    here: he is not mentioned, so his missing consent does not hold it."""
    verdict = check(ABOUT_MARGARET, AGENCY, consents=HOUSEHOLD)[AGENCY]
    assert verdict.action == "banner", verdict.reasons
    assert "ref P-3002" not in " ".join(verdict.reasons)


def test_the_same_message_naming_the_cared_for_person_too_is_held(check: Check):
    """Once he is named, the shared address is his as much as hers, and he has not consented."""
    verdict = check(ALSO_ARTHUR, AGENCY, consents=HOUSEHOLD)[AGENCY]
    assert verdict.action == "hold"
    (his,) = [r for r in verdict.reasons if "ref P-3002" in r]
    assert his.startswith("Address, postcode, phone number and name of a known cared-for")


def test_a_shared_address_alone_belongs_to_everyone_who_lives_there(check: Check):
    """An item that refers to nobody in the household: the address is all of theirs."""
    text = "Please send the forms to 12 Example Street, Leeds LS9 6AB, or ring 0113 496 0555."
    verdict = check(text, AGENCY, consents=HOUSEHOLD)[AGENCY]
    assert verdict.action == "hold"
    assert any("ref P-3002" in r for r in verdict.reasons)
    assert any("ref C-3001" in r for r in verdict.reasons)


def test_a_title_and_surname_the_household_shares_refers_to_both(check: Check):
    """'Mr Hughes' could be either of them: both are referred to, so both must consent."""
    text = ABOUT_MARGARET + " Mr Hughes has been unwell."
    verdict = check(text, AGENCY, consents=HOUSEHOLD)[AGENCY]
    assert verdict.action == "hold"
    assert any("ref P-3002" in r for r in verdict.reasons)
