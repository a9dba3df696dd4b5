"""NHS numbers: mod-11 checksum, and context for ungrouped ten-digit numbers."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NHS number 943 476 5919 on file.", "943 476 5919"),
        ("NHS no: 9434765919", "9434765919"),
        ("nhs 943-476-5919", "943-476-5919"),
        ("Her number is 291 417 7763.", "291 417 7763"),
        ("Name | DOB | NHS no\nAda | 1 May | 3740681241\n", "3740681241"),
        ("NHS: 943 4765919", "943 4765919"),
        ("NHS 94 34 76 59 19", "94 34 76 59 19"),
        ("NHS number 943 476 59 19", "943 476 59 19"),
        ("nhs 943  476  5919", "943  476  5919"),
        ("NHS No: 943.476.5919", "943.476.5919"),
        ("NHS 943/476/5919", "943/476/5919"),
        ("NHS No: 94/34/76/59/19", "94/34/76/59/19"),
        ("Client    DOB          NHS no\nAda Obi   01/05/1950   943 4765 919\n", "943 4765 919"),
        ("NHS numbers: 9434765919, 4010232137 and 3740681241.", "4010232137"),
        ("NHS numbers: 9434765919, 4010232137 and 3740681241.", "3740681241"),
        ("NHS 94 34 76 59 19 / 40 10 23 21 37", "40 10 23 21 37"),
    ],
)
def test_nhs_numbers_are_found(found, text, value):
    """A checksum-valid NHS number is found when grouped 3-3-4 or beside NHS context."""
    assert ("UK_NHS", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Invoice 9434765919 is overdue.",
        "Order number 6907366258 was dispatched today.",
        "Please quote reference 8836075983.",
        "The figure was 9434765919 in total.",
        "NHS number 943 476 5918",  # checksum fails
        "NHS number 111 111 1111",  # passes mod 11 but is a placeholder
        "Our UTR is 9434765919.",
        "Company no. 9434765919, VAT 123 4567 89.",
        "Case REF-9434765919 closed.",
        "Timestamp 1733130845 in the log.",
        "Parcel 9434765919 delivered.",
        "Product code\tDescription\n4010232137\tA4 paper\n6426212997\tPens\n",
        "Phone\tNotes\n9434765919\tno answer\n",
        "Call back on 4010232137 tomorrow.",
    ],
)
def test_other_ten_digit_numbers_are_not_nhs_numbers(found, text):
    """Order numbers, invoices and bad checksums are never NHS numbers."""
    assert "UK_NHS" not in types_of(found(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Client 9434765919 attended the group.", "9434765919"),
        ("9434765919", "9434765919"),
        ("Patient: Ada Obi 4010232137", "4010232137"),
        ("Name\tNumber\nAda Obi\t3740681241\n", "3740681241"),
    ],
)
def test_a_checksum_valid_ten_digit_number_without_context_is_an_nhs_number(found, text, value):
    """Failing closed: ten digits passing mod 11, with no word saying what else they are
    (invoice, order, UTR, phone...), are taken for an NHS number, as Presidio takes them."""
    assert ("UK_NHS", value) in found(text)
