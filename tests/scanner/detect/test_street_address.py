"""Street address lines."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Lives at 14 Acacia Avenue, Leeds", "14 Acacia Avenue, Leeds"),
        ("Flat 2, 14 Acacia Avenue, Leeds", "Flat 2, 14 Acacia Avenue, Leeds"),
        ("Address: 27b Mill Lane", "27b Mill Lane"),
        ("Rose Cottage, Church Street, Ely", "Rose Cottage, Church Street, Ely"),
        ("she's at 14 mill lane now", "14 mill lane"),
        ("Visit 3 Lower Hillside Road tomorrow", "3 Lower Hillside Road"),
    ],
)
def test_street_lines_are_found(found, text, value):
    """A house number or name with a street, capitalised or typed in lower case, and the
    town after it (issue 17: an address is one span up to the town)."""
    assert ("STREET_ADDRESS", value) in found(text)


@pytest.mark.parametrize(
    "text",
    ["It is a 10 minute walk from the station.", "the shop on Mill Lane", "5 miles drive away"],
)
def test_street_names_without_a_house_are_not_addresses(found, text):
    """A street mentioned without a house, and distances, are not an address."""
    assert "STREET_ADDRESS" not in types_of(found(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Flat 22, Brunel House, 80 Cable Street, London E1 8JA",
            "Flat 22, Brunel House, 80 Cable Street, London",
        ),
        (
            "Flat 22 Orchard House, 3 Mersey Way, Bootle",
            "Flat 22 Orchard House, 3 Mersey Way, Bootle",
        ),
        (
            "> She lives at 14 Acacia Avenue,\n> Roundhay, Leeds",
            "14 Acacia Avenue,\n> Roundhay, Leeds",
        ),
        ("14 Acacia Avenue\nRoundhay\nLeeds\nLS8 4HQ", "14 Acacia Avenue\nRoundhay\nLeeds"),
        ("Moved to 3 Mill Lane, Newcastle upon Tyne, last May", "3 Mill Lane, Newcastle upon Tyne"),
    ],
)
def test_an_address_is_one_span_from_flat_to_town(found, text, value):
    """Flat, building, number, street, locality and town are one finding; the postcode and
    what follows the address (a phone label, a date) are not part of it."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


def test_a_year_before_a_place_is_not_a_house_number(found):
    """'2025, Rose Hill' is a year and a place, not an address."""
    assert "STREET_ADDRESS" not in types_of(found("Established 2025, Rose Hill garden opened."))
