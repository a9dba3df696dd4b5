"""UK passport and driving licence numbers."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Passport number 123456780, expires 2031.", "UK_PASSPORT", "123456780"),
        ("ID seen: passport 502135326", "UK_PASSPORT", "502135326"),
        ("Driving licence MORGA753116SM9IJ", "UK_DRIVING_LICENCE", "MORGA753116SM9IJ"),
        ("licence no. OKAFO861220AO9KL", "UK_DRIVING_LICENCE", "OKAFO861220AO9KL"),
        ("DVLA: PATEL807304RK9AB", "UK_DRIVING_LICENCE", "PATEL807304RK9AB"),
    ],
)
def test_travel_documents_are_found(found, text, entity, value):
    """Passport numbers beside passport context and structured licence numbers are found."""
    assert (entity, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ticket 123456780 was closed.",
        "Please call me today about the licence fee.",
        "The quick brown fox, abcdefghijklmnop, jumped.",
        "Licence MORGA713116SM9IJ",  # month 13 does not exist
    ],
)
def test_ordinary_numbers_and_words_are_not_travel_documents(found, text):
    """Nine-digit tickets and ordinary words are not passports or licences (Presidio's US
    licence recognizer takes words like these)."""
    assert not {"UK_PASSPORT", "UK_DRIVING_LICENCE", "US_DRIVER_LICENSE"} & types_of(found(text))
