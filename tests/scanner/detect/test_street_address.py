"""Street address lines."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Lives at 14 Acacia Avenue, Leeds", "14 Acacia Avenue"),
        ("Flat 2, 14 Acacia Avenue, Leeds", "Flat 2, 14 Acacia Avenue"),
        ("Address: 27b Mill Lane", "27b Mill Lane"),
        ("Rose Cottage, Church Street, Ely", "Rose Cottage, Church Street"),
        ("she's at 14 mill lane now", "14 mill lane"),
        ("Visit 3 Lower Hillside Road tomorrow", "3 Lower Hillside Road"),
    ],
)
def test_street_lines_are_found(found, text, value):
    """A house number or name with a street, capitalised or typed in lower case."""
    assert ("STREET_ADDRESS", value) in found(text)


@pytest.mark.parametrize(
    "text",
    ["It is a 10 minute walk from the station.", "the shop on Mill Lane", "5 miles drive away"],
)
def test_street_names_without_a_house_are_not_addresses(found, text):
    """A street mentioned without a house, and distances, are not an address."""
    assert "STREET_ADDRESS" not in types_of(found(text))
