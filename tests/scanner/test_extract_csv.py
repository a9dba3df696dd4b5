"""CSV and other delimited text: what is read as a table, and how its cells are placed."""

from __future__ import annotations

import pytest

from scanner.extract import extract
from scanner.extract._table import SEGMENT_CHARS
from scanner.limits import ScanLimits
from tests.scanner.made_sheets import csv_bytes

LIMITS = ScanLimits()
EXPORT = [
    ["Client ID", "Surname", "First name", "DOB", "NHS number", "Notes"],
    [1021, "O'Neill", "Siobhan", "12/03/1984", "9434765919", "Prefers calls, not texts"],
    [1022, "Nowak", "Wiktor", "02/01/1990", "6426212997", ""],
    [1023, "Begum", "Rukhsana", "05/06/1960", "4010232137", "Line one\nline two"],
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimited_text_is_read_as_a_table(delimiter: str):
    """An export with any usual delimiter and quoted fields is read cell by cell: a quoted
    delimiter stays in its cell, a line break in a cell becomes a space."""
    extraction = extract(csv_bytes(EXPORT, delimiter), LIMITS)
    assert extraction.kind == "csv"
    [segment] = extraction.segments
    lines = segment.text.splitlines()
    assert lines[0] == "Client ID\tSurname\tFirst name\tDOB\tNHS number\tNotes"
    assert lines[1].split("\t")[5] == "Prefers calls, not texts"
    assert lines[3].split("\t")[5] == "Line one line two"


@pytest.mark.parametrize(
    ("text", "offset", "place"),
    [
        ("a,b,c\n1,2,3\n3,4,5\n", 6, "line 2, column 1"),
        ("a,b,c\n1,2,3\n3,4,5\n", 8, "line 2, column 2"),
        ('a,b,c\n"x\ny",2,3\n3,4,5\n', 14, "line 4, column 1"),
    ],
)
def test_cells_are_placed_by_line_and_column(text: str, offset: int, place: str):
    """A cell's place is the line its record starts on and its column's number."""
    [segment] = extract(text.encode(), LIMITS).segments
    assert segment.location == "CSV"
    assert segment.location_at(offset) == place


def test_an_attached_csv_is_placed_within_its_attachment():
    """Within an item, a cell's place follows the attachment's."""
    [segment] = extract(b"a,b,c\n1,2,3\n4,5,6\n", LIMITS, location="attachment 1 'x.csv'").segments
    assert segment.location_at(0) == "attachment 1 'x.csv' / line 1, column 1"


@pytest.mark.parametrize(
    "text",
    [
        "Dear Ann,\nThanks for coming, it was lovely.\nSee you soon, Bob",
        "Name,Phone\nAnn Lee,07700 900461\n",  # two rows: too few to tell
        "Hi Ann,\nThanks, lovely.\nSee you, Bob\nBye, then\n",  # two fields need five rows
        "One line, with commas, three of them, really\n",
        "Just\nsome\nlines\n",
    ],
)
def test_prose_is_not_a_table(text: str):
    """Text whose lines do not split the same way, or too few of them, is read as text."""
    assert extract(text.encode(), LIMITS).kind == "text"


def test_a_long_table_repeats_its_header_in_each_segment():
    """Every segment of a long table starts with the header row, at the header's place, so
    no cell is read far from its header."""
    # Names with their numbers apart: "Name0" would read "Name 0" (normalise.py), a character
    # more a row than the segment was cut for.
    rows = [["Surname", "NHS number"]] + [[f"Name {i}", "9434765919"] for i in range(5000)]
    extraction = extract(csv_bytes(rows), LIMITS)
    assert len(extraction.segments) > 1
    for segment in extraction.segments:
        assert segment.text.startswith("Surname\tNHS number\n")
        assert len(segment.text) < SEGMENT_CHARS + 100
        assert segment.location_at(0) == "line 1, column 1"
    assert extraction.segments[-1].location_at(len(extraction.segments[-1].text) - 2) == (
        "line 5001, column 2"
    )


def test_the_cell_bound_applies_to_csv():
    """A CSV file past ``max_spreadsheet_cells`` is unscannable."""
    extraction = extract(csv_bytes(EXPORT), ScanLimits(max_spreadsheet_cells=10))
    assert extraction.unscannable == (
        "the CSV file has more than 10 cells; the rest were not read",
    )


def test_a_header_wider_than_its_rows_pads_them():
    """Rows shorter than the header are padded with empty cells, so that every line has the
    same number of tabs and each cell stays under its header."""
    full = b"Cy,2,3\n" * 20
    [segment] = extract(b"Name,Phone,Postcode\nAnn\nBob,1\n" + full, LIMITS).segments
    assert segment.text == "Name\tPhone\tPostcode\nAnn\t\t\nBob\t1\t\n" + "Cy\t2\t3\n" * 20
