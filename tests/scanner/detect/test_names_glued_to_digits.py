"""A name glued to digits ("Peter Jones1", "sarah2", "PJones1985") is read as a name and a
number; identifiers that join letters and digits (postcodes, NI numbers, licence numbers,
emails, file names) are read whole as before."""

from __future__ import annotations

import pytest

from scanner.normalise import normalise
from tests.scanner.conftest import Found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Peter Jones1 is coming to the drop-in.", "Peter Jones"),
        ("Please ask sarah2 about the referral.", "sarah"),
        ("Login PJones1985 belongs to the client.", "P Jones"),
        ("Met Amina Okafor2024 at the hub.", "Amina Okafor"),
    ],
)
def test_a_name_glued_to_digits_is_found(found, text: str, name: str) -> None:
    """The name before the digits is found."""
    segment = normalise(text, "body")
    spans: Found = found(segment.text)
    assert ("PERSON", name) in spans


@pytest.mark.parametrize(
    "text",
    [
        "postcode ls6 2ab, LS62AB, SW1A 1AA",
        "NI qq123456c and QQ123456C",
        "licence MORGA753116SM9IJ and morga753116sm9ij",
        "email sarah2@gmail.com or jane.smith1@nhs.net",
        "see report2.pdf and https://example.org/page2?id=abc123",
        "tag #carers2024, 3Mar87, 03MAR2015",
    ],
)
def test_codes_of_letters_and_digits_stay_whole(text: str) -> None:
    """Identifiers and names of things that join letters and digits are not cut."""
    assert normalise(text, "body").text == text


def test_offsets_of_a_cut_name_lead_back_to_it() -> None:
    """The name and the digits, once cut apart, map back to where they were glued."""
    segment = normalise("Hi Jones1!", "body")
    assert segment.text == "Hi Jones 1!"
    assert segment.to_source(3, 8) == (3, 8)
    assert segment.to_source(9, 10) == (8, 9)
