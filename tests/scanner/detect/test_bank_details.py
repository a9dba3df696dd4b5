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
        ("Your sort code:   20 - 45 - 77", "20 - 45 - 77"),
        ("Your account number:    4123 4568", "4123 4568"),
        ("sort code 40-41-62, acct 81234579", "81234579"),
        (
            "Sort Code,Account Number,Name,Amount,Reference\n"
            "20-45-77,41234567,K ASANTE-BOATENG,23.40,EXPENSES OCT\n"
            "309634,06652871,H DOGAN,41.00,EXPENSES OCT\n",
            "06652871",
        ),
        (
            "SORTCODE ACCOUNT\tPAYEE\tAMOUNT\n200045\t41234569 K ASANTE\t150.00\n"
            "404162\t81234560 A NGUYEN\t75.00\n",
            "41234569",
        ),
        ("Please pay s/c 30-96-34 a/c 02231456 monthly.", "02231456"),
        ("Bank: 20-45-77", "20-45-77"),
        ("Pay by BACS to 20-45-77 41234567, ref EXP10", "20-45-77 41234567"),
        ("Bank details for expenses\n\n23-14-70 / 10948822\n", "10948822"),
        ("Sort code: 2 0 - 4 5 - 7 7   Account number: 4 1 2 3 4 5 6 7", "2 0 - 4 5 - 7 7"),
        ("Sort code: 2 0 - 4 5 - 7 7   Account number: 4 1 2 3 4 5 6 7", "4 1 2 3 4 5 6 7"),
        ("sort_code: 204577, account_number: 41234567", "41234567"),
        ("204577 41234567 K ASANTE-BOATENG     000002340 EXPENSES", "204577 41234567"),
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
        "Council tax (Leeds City Council)   account no. 60123479   arrears £412.10",
        "Gas and electricity (Octopus)   account number A-4F21C9 / 12309876",
        "Water (Yorkshire Water), customer account 90817263",
        "Closed for the bank holiday 26-08-24.",
        "Registered charity 1123456, company no. 08123456, bank: Lloyds.",
        "Cheque no. 100234 for £45.00, paid into the bank on 03-10-24.",
        "Invoice 30455671 paid by BACS on 14-10-24.",
        "Paying-in slip 004417 banked 11/10/2024; bank statement page 12.",
        "Service user no. 428391 (direct debit)",
        "Council tax a/c 41234567, please pay by the 1st.",
        "Leeds City Council account 41234567",
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
