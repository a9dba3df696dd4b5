"""Personal data in spreadsheets and CSV exports, found with a column's header as context for
its cells and located at the cell (one shared detector: see conftest)."""

from __future__ import annotations

import datetime
import io

import docx
import pytest

from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.limits import ScanLimits
from tests.scanner.made_sheets import Rows, csv_bytes, workbook_bytes

LIMITS = ScanLimits()
type Found = set[tuple[str, str, str]]


def _found(detector: Detector, data: bytes) -> Found:
    """``(type, matched text, place)`` for every finding in an item."""
    extraction = extract(data, LIMITS)
    assert extraction.unscannable == ()
    found = set()
    for finding in detector.scan(extraction):
        segment = extraction.segments[finding.segment]
        start, end = segment.from_source(finding.start, finding.end)
        found.add((finding.type, segment.text[start:end], segment.location_at(finding.start)))
    return found


@pytest.mark.parametrize(
    ("header", "value", "kind"),
    [
        ("NHS No", 9434765919, "UK_NHS"),
        ("NHS number", "6426212997", "UK_NHS"),
        ("Surname", "Okonkwo", "PERSON"),
        ("Last name", "WÓJCIK", "PERSON"),
        ("Carer name", "Adebayo", "PERSON"),
        ("Forename", "Siobhan", "PERSON"),
        ("Carer's name", "Adebayo", "PERSON"),
        ("Preferred name", "Kofi", "PERSON"),
        ("Name", "Precious Moyo", "PERSON"),
        ("DOB", datetime.date(1984, 3, 12), "DATE_OF_BIRTH"),
        ("Date of birth", "02/01/1990", "DATE_OF_BIRTH"),
        ("Mobile", "07700 900461", "PHONE_NUMBER"),
        ("Mobile", 7700900461, "PHONE_NUMBER"),
        ("Phone", "0113 496 0000", "PHONE_NUMBER"),
        ("Postcode", "LS6 2AB", "UK_POSTCODE"),
        ("Address", "14 Mill Lane, Leeds", "STREET_ADDRESS"),
        ("NI number", "JH 12 34 56 C", "UK_NINO"),
        ("Email", "s.oneill@example.org", "EMAIL_ADDRESS"),
    ],
)
def test_a_column_header_is_context_for_its_cells(
    detector: Detector, header: str, value: object, kind: str
):
    """A value under its column's header is found, at its cell, in a workbook and in a CSV
    export alike: a bare ten-digit number under "NHS No", a lone surname under "Surname"."""
    text = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else str(value)
    rows: Rows = [["Ref", header, "Team"], [1021, value, "North"], [1022, value, "South"]]
    assert (kind, text, "Clients!B3") in _found(detector, workbook_bytes({"Clients": rows}))
    exported: Rows = [["Ref", header, "Team"], *([1021, text, "North"] for _ in range(5))]
    for delimiter in (",", ";"):
        assert (kind, text, "line 2, column 2") in _found(detector, csv_bytes(exported, delimiter))


def test_a_bare_number_needs_its_checksum_and_its_header(detector: Detector):
    """Under "NHS No" a number that fails the NHS checksum is not an NHS number, and under
    "Invoice" a valid one is not either."""
    rows: Rows = [["NHS No", "Invoice", "Team"], [9434765918, 9434765919, "North"]]
    found = _found(detector, workbook_bytes({"Clients": rows}))
    assert not any(t == "UK_NHS" for t, _, _ in found)


def test_a_two_column_sheet_reads_its_header(detector: Detector):
    """A sheet of two columns is a table too: its numbers are under "NHS No"."""
    rows: Rows = [["Name", "NHS No"], ["Ann Lee", 9434765919], ["Bo Chan", 6426212997]]
    found = _found(detector, workbook_bytes({"Clients": rows}))
    assert ("UK_NHS", "6426212997", "Clients!B3") in found
    assert ("PERSON", "Bo Chan", "Clients!A3") in found


def test_a_hidden_sheet_of_names_and_phones_is_found(detector: Detector):
    """Names and phone numbers on a very hidden sheet are found, located on that sheet."""
    data = workbook_bytes(
        {
            "Prices": [["Item", "Price"], ["Tea", 1.5]],
            "Old list": [["Name", "Mobile"], ["Precious Moyo", "07700 900461"]],
        },
        states={"Old list": "veryHidden"},
    )
    found = _found(detector, data)
    assert ("PERSON", "Precious Moyo", "'Old list'!A2") in found
    assert ("PHONE_NUMBER", "07700 900461", "'Old list'!B2") in found


def test_a_name_in_a_cell_comment_is_found(detector: Detector):
    """A name written in a comment on an innocent cell is found at that cell's comment."""
    data = workbook_bytes(
        {"Prices": [["Item", "Price"], ["Tea", 1.5]]},
        comments={"Prices!B2": ("Ask Gareth Hughes about this", "Office")},
    )
    assert ("PERSON", "Gareth Hughes", "Prices!B2 / comment") in _found(detector, data)


def test_hidden_rows_and_columns_are_found(detector: Detector):
    """An NHS number in a hidden column and a name in a hidden row are found."""
    rows: Rows = [
        ["Surname", "Team", "NHS No"],
        ["Okonkwo", "North", 9434765919],
        ["Nowak", "South", 6426212997],
    ]
    data = workbook_bytes({"Clients": rows}, hidden_rows=[3], hidden_columns=["C"])
    found = _found(detector, data)
    assert ("UK_NHS", "9434765919", "Clients!C2") in found
    assert ("PERSON", "Nowak", "Clients!A3") in found


def test_a_case_management_export_is_found_cell_by_cell(detector: Detector):
    """A CSV export with quoted fields, a surname-only column and a DOB column: each
    surname, date of birth and NHS number is found at its line and column."""
    rows: Rows = [
        ["Client ID", "Surname", "DOB", "NHS number", "Notes"],
        [1021, "O'Neill", "12/03/1984", "9434765919", "Prefers calls, not texts"],
        [1022, "Nowak", "02/01/1990", "6426212997", ""],
        [1023, "Begum", "05/06/1960", "4010232137", "Visit on Tuesday"],
    ]
    found = _found(detector, csv_bytes(rows, ";"))
    for line, (surname, dob, nhs) in enumerate(
        [("O'Neill", "12/03/1984", "9434765919"), ("Nowak", "02/01/1990", "6426212997")], 2
    ):
        assert ("PERSON", surname, f"line {line}, column 2") in found
        assert ("DATE_OF_BIRTH", dob, f"line {line}, column 3") in found
        assert ("UK_NHS", nhs, f"line {line}, column 4") in found


def test_a_price_list_holds_nothing(detector: Detector):
    """A product price list, in a workbook or as CSV, has no personal data in it."""
    rows: Rows = [
        ["Product code", "Description", "Unit price", "VAT", "Updated"],
        [4010232137, "A4 paper, 500 sheets", 4.99, "20%", datetime.date(2026, 3, 1)],
        [6426212997, "Blue ballpoint pens (box of 50)", 7.5, "20%", datetime.date(2026, 3, 1)],
        [9434765919, "Stapler, heavy duty", 12.0, "20%", datetime.date(2026, 3, 2)],
        [1234567890, "Tea bags, 240", 3.25, "0%", datetime.date(2026, 3, 2)],
    ]
    assert _found(detector, workbook_bytes({"Prices": rows})) == set()
    assert _found(detector, csv_bytes(rows)) == set()


def test_a_word_tables_header_is_context_for_its_cells(detector: Detector):
    """A client table in a Word document is read like a sheet: bare NHS numbers under "NHS
    No" and lone surnames under "Surname" are found."""
    document = docx.Document()
    rows = [("Surname", "NHS No", "Team"), ("Okonkwo", "9434765919", "North")]
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    found = {(t, v) for t, v, _ in _found(detector, buffer.getvalue())}
    assert {("UK_NHS", "9434765919"), ("PERSON", "Okonkwo")} <= found
