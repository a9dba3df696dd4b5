"""UK phone numbers in the forms people write them."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    "value",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "+44 7700 900123",
        "+44 (0)20 7946 0018",
        "+447700900123",
        "0044 7700 900123",
        "020 7946 0018",
        "0161-496-0123",
        "(01632) 960 001",
        "0113 496 0777",
        "01632 960961",
        "07912 345678",
    ],
)
def test_uk_phone_numbers_are_found(found, value):
    """Mobiles, landlines and international forms, with spaces, dashes or brackets."""
    assert ("PHONE_NUMBER", value) in found(f"Please ring {value} after lunch.")


@pytest.mark.parametrize(
    "text",
    ["Invoice 4012345678 paid", "Charity no. 1123456", "Total 1,234,567", "Order 0000000000"],
)
def test_other_numbers_are_not_phone_numbers(found, text):
    """Invoice, charity-registration and other numbers are not phone numbers."""
    assert "PHONE_NUMBER" not in types_of(found(text))


def test_published_contact_numbers_are_allowed(found):
    """The organisation's own published helpline is on the allow-list in any written form."""
    assert "PHONE_NUMBER" not in types_of(found("Call our helpline on 0300 123 4567."))
    assert "PHONE_NUMBER" not in types_of(found("Call our helpline on +44 300 123 4567."))
