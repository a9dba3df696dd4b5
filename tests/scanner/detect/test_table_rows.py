"""Table rows in pasted text: CSV rows read as CSV is read, prose and bullets never rows."""

import csv

import pytest
import regex

from scanner.detect import _structure
from scanner.detect._context import row_cells, same_cell

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
