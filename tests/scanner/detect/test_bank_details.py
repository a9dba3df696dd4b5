"""Sort codes with account numbers, IBANs and payment cards."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Bank: 20-45-77 41234567", "20-45-77 41234567"),
        ("sort code 20-45-77, account no. 41234567", "20-45-77"),
        ("sort code 20-45-77, account no. 41234567", "41234567"),
        ("s/c 40 11 62 a/c 71234568", "40 11 62"),
        ("Name,Sort code,Account\nAda,20-45-77,41234567\n", "41234567"),
        ("Council tax account no. 41234567, bank account 55667788", "55667788"),
    ],
)
def test_sort_codes_and_accounts_are_found(found, text, value):
    """A sort code and account together, or each beside banking context, is found."""
    assert any(t == "UK_BANK_ACCOUNT" and value in v for t, v in found(text))


@pytest.mark.parametrize(
    "text",
    [
        "We met on 12-03-19 at the hub.",
        "Invoice 41234567 is attached.",
        "Order ref 20-45-77 dispatched.",
        "Account 00000000 closed",
        "Council Tax account number: 41234567",
        "Rent account 41234567, gas account 55667788",
    ],
)
def test_dates_and_references_are_not_bank_details(found, text):
    """A date shaped like a sort code, or an eight-digit reference, is not bank data."""
    assert "UK_BANK_ACCOUNT" not in types_of(found(text))


@pytest.mark.parametrize(
    ("entity", "value"),
    [
        ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32"),
        ("IBAN_CODE", "GB82WEST12345698765432"),
        ("CREDIT_CARD", "4111 1111 1111 1111"),
        ("CREDIT_CARD", "4111-1111-1111-1111"),
        ("CREDIT_CARD", "5555555555554444"),
    ],
)
def test_ibans_and_cards_are_found(found, entity, value):
    """IBANs (mod 97) and payment cards (Luhn) are found in any grouping."""
    assert (entity, value) in found(f"Please pay using {value} today.")


@pytest.mark.parametrize("text", ["Card 4111 1111 1111 1112", "IBAN GB83 WEST 1234 5698 7654 32"])
def test_numbers_failing_checksums_are_not_cards_or_ibans(found, text):
    """A card failing Luhn or an IBAN failing mod 97 is not reported."""
    assert not {"CREDIT_CARD", "IBAN_CODE"} & types_of(found(text))
