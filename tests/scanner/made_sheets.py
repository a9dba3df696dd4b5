"""Workbooks and CSV files the spreadsheet tests build for themselves with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.comments import Comment

type Rows = Sequence[Sequence[object]]


def workbook_bytes(
    sheets: dict[str, Rows],
    *,
    states: dict[str, str] | None = None,
    comments: dict[str, tuple[str, str]] | None = None,
    hidden_rows: Sequence[int] = (),
    hidden_columns: Sequence[str] = (),
) -> bytes:
    """An .xlsx with ``sheets`` (name to rows, the first sheet first); ``states`` makes sheets
    "hidden" or "veryHidden"; ``comments`` puts ``(text, author)`` on cells ("Clients!C7");
    ``hidden_rows`` and ``hidden_columns`` are hidden on the first sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        sheet.sheet_state = (states or {}).get(name, "visible")
    first = book.worksheets[0]
    for number in hidden_rows:
        first.row_dimensions[number].hidden = True
    for letter in hidden_columns:
        first.column_dimensions[letter].hidden = True
    for place, (text, author) in (comments or {}).items():
        name, cell = place.split("!")
        book[name][cell].comment = Comment(text, author)
    if book.worksheets[0].sheet_state != "visible":  # Excel needs one visible sheet
        book.active = next(i for i, s in enumerate(book.worksheets) if s.sheet_state == "visible")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Rows, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """Rows written as a case-management system exports them: every text field quoted."""
    import csv

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)
