"""National Insurance numbers, grouped any way (spaces, hyphens, dots), any case, valid
prefixes only."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NI number AB 12 34 56 C", "AB 12 34 56 C"),
        ("nino: JK123456D", "JK123456D"),
        ("his ni is ce 45 67 89 a", "ce 45 67 89 a"),
        ("Claimant JK 123456 D applied", "JK 123456 D"),
        ("NI number AB-12-34-56-C", "AB-12-34-56-C"),
        ("NI number AB 123 456 C", "AB 123 456 C"),
        ("NI number AB.12.34.56.C", "AB.12.34.56.C"),
        ("NI number A B 1 2 3 4 5 6 C", "A B 1 2 3 4 5 6 C"),
    ],
)
def test_national_insurance_numbers_are_found(found, text, value):
    """Spaced, unspaced, hyphenated, dotted and lower-case NI numbers are found."""
    assert ("UK_NINO", value) in found(text)


@pytest.mark.parametrize(
    "text",
    ["NI QQ 12 34 56 C", "ref GB123456A", "code AB123456E", "DV 12 34 56 A"],
)
def test_invalid_prefixes_and_suffixes_are_not_national_insurance(found, text):
    """Prefixes HMRC never issues and suffixes other than A-D are not NI numbers."""
    assert "UK_NINO" not in types_of(found(text))
