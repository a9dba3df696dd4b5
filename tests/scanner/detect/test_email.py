"""Email addresses, validated against the bundled public-suffix list (no network)."""

import pytest

from scanner.detect._contact import is_role_mailbox
from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    "value",
    [
        "amina.o@example.org.uk",
        "j.smith@nhs.net",
        "referrals+urgent@carers.co.uk",
        "amina.okafor@mailbox.example",
        "jo@records.test",
        "duty@case-system.internal",
    ],
)
def test_email_addresses_are_found(found, value):
    """Personal and organisational addresses are found, at reserved and private top-level
    domains (rules/recognizers.yaml's ``top_levels``) too."""
    assert ("EMAIL_ADDRESS", value) in found(f"Write to {value} please.")


@pytest.mark.parametrize(
    "text",
    ["user@localhost", "see file@v2.notatld", "an @ sign", "cid:image001.png@01DA2B3C.4D5E6F70"],
)
def test_non_addresses_are_not_emails(found, text):
    """Strings without a real public suffix are not email addresses."""
    assert "EMAIL_ADDRESS" not in types_of(found(text))


def test_published_address_is_allowed(found):
    """The organisation's published address is on the allow-list, case-insensitively."""
    assert "EMAIL_ADDRESS" not in types_of(found("Email INFO@carers-example.org.uk today."))


@pytest.mark.parametrize(
    "value",
    [
        "info@hopecharity.org.uk",
        "referrals@hopecharity.org.uk",
        "jobs@hopecharity.org.uk",
        "data.protection@council.gov.uk",
        "no-reply@bookings.example",
        "Enquiries@carers.co.uk",
        "dataprotection@hospice.org.uk",
        "supportercare@children.org.uk",
        "chair@dementia.org.uk",
        "legacies@hospice.org.uk",
        "swyddi@canolfan.cymru",
        "bids@youthzone.example.org",
        "tenders@carers.co.uk",
    ],
)
def test_role_mailboxes_are_not_personal(found, value):
    """A mailbox made only of role words (rules: email.role_mailboxes) is a team's."""
    assert "EMAIL_ADDRESS" not in types_of(found(f"Write to {value} please."))


@pytest.mark.parametrize(
    "value",
    ["jo.info@carers.co.uk", "amina.referrals@carers.co.uk", "jsmith@carers.co.uk", "hope@x.org"],
)
def test_a_person_in_a_role_mailbox_is_found(found, value):
    """One word that is not a role word makes the mailbox someone's."""
    assert ("EMAIL_ADDRESS", value) in found(f"Write to {value} please.")


def test_no_first_name_is_role_words_run_together(detector):
    """Role words run together make a role mailbox ("dataprotection@"): none of the first
    names confide knows is made that way, so no one's first name alone reads as a team's."""
    rules = detector.rules
    assert not [
        name
        for name in rules.person.first_names
        if is_role_mailbox(f"{name}@example.org", rules.role_mailboxes)
    ]
