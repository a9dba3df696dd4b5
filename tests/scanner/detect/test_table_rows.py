"""Table rows in pasted text: CSV rows read as CSV is read, prose and bullets never rows."""

import csv

import pytest
import regex

from scanner.detect import _structure
from scanner.detect._context import (
    ALIGNED,
    _header_cell,
    aligned_cells,
    row_cells,
    same_cell,
    table_lines,
)

_NAME_HEADER = regex.compile(r"Name|Surname|Payee", regex.IGNORECASE)


@pytest.mark.parametrize(
    "line",
    [
        'Jan Kowalski,"Flat 2, 14 Harehills Lane, Leeds",03/04/1952',
        '"SMITH, JOHN",20-00-00,45.00',
        '"He said ""no, not today""",next',
        'Ada,,"",end',
        "plain,cells,only",
        'a "quote" inside,a cell',
        '5\'2" tall, blue coat,"Flat 1, 3 Elm Road"',
    ],
)
def test_row_cells_read_a_row_as_the_csv_module_does(line):
    """Each cell's offsets hold the text the csv module reads there, quotes and all."""
    cells = [line[a:b] for a, b in row_cells(line, ",")]
    (expected,) = csv.reader([line])
    assert [c[1:-1].replace('""', '"') if c.startswith('"') else c for c in cells] == expected


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ('a,"never closed, b,c', ["a", '"never closed', " b", "c"]),
        ('x,"ok, fine",y\t"z', ["x", '"ok, fine"', 'y\t"z']),
        ('Ada\t"Flat 2\t14 Mill Lane"\tLeeds', None),
    ],
)
def test_row_cells_read_an_unclosed_quote_as_a_character(line, cells):
    """A quote not closed on its line splits nothing: the rest of the line splits plainly;
    a tab-separated row is read the same way as a comma-separated one."""
    separator = "\t" if cells is None else ","
    found = [line[a:b] for a, b in row_cells(line, separator)]
    assert found == (cells or ["Ada", '"Flat 2\t14 Mill Lane"', "Leeds"])


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Name,Carer address,DOB\nAda Obi,12 Mill Lane,14/02/1950\n"
            'Jan Kowalski,"Flat 2, 14 Harehills Lane, Leeds",03/04/1952\n',
            ["Ada Obi", "Jan Kowalski"],
        ),
        (
            'Name,Carer address,DOB\nJan Kowalski,"Flat 2, 14 Harehills Lane, Leeds",03/04/1952\n',
            ["Jan Kowalski"],
        ),
        ('Payee,Sort code,Amount\n"SMITH, JOHN",20-00-00,45.00\n', ["SMITH, JOHN"]),
        ('"Payee","Amount"\n"SMITH, JOHN","45.00"\n', ["SMITH, JOHN"]),
        (
            'Surname,Forename,Address\nWALSH,Bridget,"3 Canal St, Wakefield"\nOBI,Ada,9 Elm Rd\n',
            ["WALSH", "OBI"],
        ),
        ("Name,Role\n- visited Mrs Okafor, her son\n", []),
        ("Name,Role,Notes\n1. phoned Ada Obi, left a message, will try again\n", []),
    ],
)
def test_column_cells_follow_quoted_rows_and_skip_prose(text, names):
    """A quoted cell holding commas keeps its row in the table; a bullet or a sentence with
    commas under a header is no row of it."""
    found = [text[a:b] for a, b in _structure.column_cells(text, _NAME_HEADER)]
    assert found == names


@pytest.mark.parametrize(
    ("text", "first", "second", "together"),
    [
        (
            "Children in the household:\n- Precious Mensah, age 7, 03/04/2017\n"
            "- Kwame Mensah, 12.09.2019 (dob), attends Little Acorns nursery\n",
            "Kwame",
            "attends",
            True,
        ),
        (
            "- visited Mrs Okafor, her son, and the GP\n"
            "- phoned Ada Obi, left a message, will try again\n",
            "Okafor",
            "GP",
            True,
        ),
        (
            "Notes\nSaw mum at home, her son there too, and the GP rang\n"
            "Next visit booked, with the school, for Friday\n",
            "mum",
            "GP",
            True,
        ),
        (
            'Name,Address,DOB\nAda Obi,"Flat 2, 14 Mill Lane, Leeds",14/02/1950\n'
            'Bo Lee,"3 Elm Road, Leeds",04/05/1961\n',
            "Flat",
            "Leeds",
            True,
        ),
        (
            'Name,Address,DOB\nAda Obi,"Flat 2, 14 Mill Lane, Leeds",14/02/1950\n'
            'Bo Lee,"3 Elm Road, Leeds",04/05/1961\n',
            "Ada",
            "Flat",
            False,
        ),
        ("Name,DOB,Town\nAda Obi,14/02/1950,Leeds\nBo Lee,04/05/1961,York\n", "Bo", "04", False),
        (
            "Name, DOB, Notes\nAda Obi, 14/02/1950, lives alone\n"
            "Bo Lee, 04/05/1961, needs a call\n",
            "04",
            "needs",
            False,
        ),
    ],
)
def test_cells_of_rows_and_lines_of_prose(text, first, second, together):
    """Words of one quoted cell, or of one line of prose or bullet point, share a cell;
    words of two cells of a CSV row do not."""
    first_at = text.index(first)
    second_at = text.index(second, first_at)
    assert same_cell(text, first_at, second_at) is together


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Name,Carer address,DOB\nAda Obi,12 Mill Lane,14/02/1950\n"
            'Jan Kowalski,"Flat 2, 14 Harehills Lane, Leeds",03/04/1952\n',
            "Jan Kowalski",
        ),
        ('Payee,Sort code,Amount\n"SMITH, JOHN",20-00-00,45.00\n', "SMITH, JOHN"),
        ('"Payee name","Sort code"\n"SMITH, JOHN","20-00-00"\n', "SMITH, JOHN"),
        (
            'Surname,Forename,Address,DOB\nWALSH,Bridget,"3 Canal Street, Wakefield",12/01/1949\n',
            "WALSH",
        ),
    ],
)
def test_names_in_quoted_csv_rows_are_found(found, text, value):
    """A name stays in its column when another cell of its row is quoted and holds commas."""
    assert ("PERSON", value) in found(text)


_NAME_ONLY = regex.compile(r"Name", regex.IGNORECASE)


@pytest.mark.parametrize(
    "text",
    [
        "Name | DOB\nAda Obi | 14/02/1950\nBo Lee | 04/05/1961\n",
        "Name\tDOB\nAda Obi\t14/02/1950\nBo Lee\t04/05/1961\n",
        "Name,DOB,Town\nAda Obi,14/02/1950,Leeds\nBo Lee,04/05/1961,York\n",
        "Name, DOB, Town\nAda Obi, 14/02/1950, Leeds\nBo Lee, 04/05/1961, York\n",
        'Name,Address\nAda Obi,"Flat 2, 14 Mill Lane, Leeds"\nBo Lee,"3 Elm Road, York"\n',
        "Name          DOB         Town\nAda Obi       14/02/1950  Leeds\n"
        "Bo Lee        04/05/1961  York\n",
        "Carers list\t\t\n\t\t\nName\tDOB\tTown\nAda Obi\t14/02/1950\tLeeds\n",
        "Group\t\tContact\nName\tDOB\tPhone\nAda Obi\t14/02/1950\t07700 900461\n",
        "Name,Role\n- visited Mrs Okafor, her son\n",
        "Name\tNotes\n•\tphoned Ada Obi, left a message\n•\tBo Lee, no answer\n",
        "Name,DOB\nAda Obi,14/02/1950\n\nTown,Name\nLeeds,Bo Lee\nYork,Cy Ng\n",
        "+---------+------------+\n| Name    | DOB        |\n+=========+============+\n"
        "| Ada Obi | 14/02/1950 |\n| Bo Lee  | 04/05/1961 |\n+---------+------------+\n",
        "Name,DOB\n--------,--------\nAda Obi,14/02/1950\nBo Lee,04/05/1961\n",
        "Name, Town\nAda Obi, Leeds\nBo Lee, York\n",
        "Name,Phone,Household,Notes\nAda Obi,07700 900461,3,nappies, size 4\n"
        "Bo Lee,07700 900462,1,halal\nCy Ng,07700 900463,2,delivered, nobody home, left\n",
        "Name | Town\nAda Obi | Leeds\nBo Lee | York\n",
    ],
)
def test_a_columns_cells_and_a_values_header_are_one_reading(text):
    """The cells of a name column (``column_cells``) are exactly the cells whose column
    header (``_header_cell``, a value's context) says "Name": both read which lines are
    rows, and which rows are their header, from ``table_lines``."""
    yielded = set(_structure.column_cells(text, _NAME_ONLY))
    under_name = set()
    lines = table_lines(text)
    for index, separator in enumerate(lines.separators):
        start = lines.starts[index]
        end = text.find("\n", start)
        line = text[start : len(text) if end == -1 else end]
        if separator is None or lines.first_rows[index] == index:
            continue
        cells = aligned_cells(line) if separator == ALIGNED else row_cells(line, separator)
        for a, b in cells:
            has_words = any(c.isalnum() for c in line[a:b])  # not a rule under the header
            if "Name" in _header_cell(text, start + a).split() and has_words:
                value = line[a:b].strip().strip('"')
                at = text.index(value, start + a)
                under_name.add((at, at + len(value)))
    assert yielded == under_name


@pytest.mark.parametrize(
    "text",
    [
        "•\tVisited Ada Obi, her son\n•\tPhoned Bo Lee, left a message\n",
        "- Ada Obi    14/02/2015    Leeds\n- Bo Lee    04/05/2016    York\n",
        "* Ada Obi, 14/02/2015, Leeds\n* Bo Lee, 04/05/2016, York\n",
        "o\tAda Obi\t14/02/2015\to\tBo Lee\t04/05/2016\n",
        "Hi Ada, thanks for this\nSee you Monday, Bo\nKind regards, Cy\n",
        "Flat 2, Brunel House\n80 Cable Street, London\nTower Hamlets, E1 8JB\n",
        "Name, please\nAda Obi, the carer\nBo Lee, the son\n",
    ],
)
def test_bullet_points_and_prose_are_no_table_rows(text):
    """A list's items are no rows, whether commas, tabs or runs of spaces part their words:
    a bullet's words are one cell, and the first bullet is no header over the rest. Nor are
    a letter's lines of one comma each: a greeting and sign-off, an address block."""
    assert set(table_lines(text).separators) == {None}


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "Name, Phone, Address\nAda Obi, 07700 900461, 12 Mill Lane\n"
            "Bo Lee, 07700 900462, 3 Elm Road\n",
            "12 Mill Lane",
        ),
        ("Name\tAddress\nAda Obi\t12 Mill Lane\nBo Lee\t3 Elm Road\n", "12 Mill Lane"),
        ("Name, Address\nAda Obi, 12 Mill Lane\nBo Lee, 3 Elm Road\n", "12 Mill Lane"),
        (
            "Name,Phone,Address\nAda Obi,07700 900461,12 Mill Lane\n"
            "Bo Lee,07700 900462,3 Elm Road\n",
            "12 Mill Lane",
        ),
        ("Name | Address\nAda Obi | 12 Mill Lane\nBo Lee | 3 Elm Road\n", "12 Mill Lane"),
    ],
)
def test_an_address_in_a_rows_last_cell_stops_at_its_line(found, text, address):
    """The next row's first cell (a name) is no town after the address in the last cell."""
    findings = found(text)
    assert ("STREET_ADDRESS", address) in findings
    assert not any(t == "STREET_ADDRESS" and "\n" in v for t, v in findings)


def test_an_address_block_in_a_letter_still_runs_over_its_lines(found):
    """Outside tables an address goes on over its lines as a letter sets it out."""
    assert ("STREET_ADDRESS", "14 Mill Lane,\nRoundhay") in found("14 Mill Lane,\nRoundhay\n")
