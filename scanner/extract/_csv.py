"""CSV and other delimited text (.csv, .tsv, a case-management system's export).

Text is a table when its first ``_SAMPLE_CHARS`` characters split by a delimiter (the one
Python's ``csv.Sniffer`` finds, else a comma, semicolon, tab or pipe) into rows that nearly
all have the same number of fields, two or more (at least three rows of them, five for two
fields). Such text is read as a table (see
``_table``): quoted fields are taken whole, a column's header is context for its cells, and
each cell keeps its place ("line 7, column 3": the line the record starts on). The text is
decoded as every text is (``scanner.charsets``). At most ``max_spreadsheet_cells`` cells are
read.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections import Counter

from scanner.charsets import decode_text
from scanner.extract._context import ExtractionContext
from scanner.extract._table import CellBudget, TableWriter, cell_places

# The sample the dialect is judged from: a few hundred rows of an export, and the Sniffer's
# cost stays a few milliseconds.
_SAMPLE_CHARS = 32 * 1024
_DELIMITERS = ",;\t|"
# A table of two columns needs more rows than a wider one: three lines of prose with a comma
# each split the same way.
_MIN_ROWS = {2: 5}
_MIN_ROWS_WIDER = 3
_MIN_FIELDS = 2
# Share of the sample's rows that must have the commonest number of fields (a last row cut
# short by the sample, a stray note, are allowed).
_SAME_WIDTH_SHARE = 0.9


def table_dialect(data: bytes) -> type[csv.Dialect] | csv.Dialect | None:
    """The CSV dialect of ``data`` when it is a delimited table, else ``None``; never raises.

    The Sniffer's guess is tried first (it also finds the quote character); when it has none,
    or its guess is not a table, each usual delimiter with double quotes.
    """
    text = decode_text(data[: _SAMPLE_CHARS * 4])[:_SAMPLE_CHARS]
    if len(data) > _SAMPLE_CHARS:  # the last line may be cut short
        text = text[: text.rfind("\n") + 1]
    candidates: list[type[csv.Dialect] | csv.Dialect] = []
    with contextlib.suppress(csv.Error):
        candidates.append(csv.Sniffer().sniff(text, delimiters=_DELIMITERS))
    candidates += [_Quoted(delimiter) for delimiter in _DELIMITERS]
    return next((d for d in candidates if _is_table(text, d)), None)


class _Quoted(csv.Dialect):
    """Fields split by ``delimiter``, double quotes around a field that holds one."""

    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter
        super().__init__()


def _is_table(text: str, dialect: type[csv.Dialect] | csv.Dialect) -> bool:
    """Whether nearly every row of ``text`` read with ``dialect`` has the same number of
    fields, two or more, over enough rows."""
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), dialect) if any(row)]
    except csv.Error:
        return False
    if not rows:
        return False
    width, count = Counter(len(row) for row in rows).most_common(1)[0]
    return (
        width >= _MIN_FIELDS
        and count >= _SAME_WIDTH_SHARE * len(rows)
        and len(rows) >= _MIN_ROWS.get(width, _MIN_ROWS_WIDER)
    )


def read_csv(data: bytes, context: ExtractionContext) -> None:
    """A delimited table: each record a row, each field a cell."""
    dialect = table_dialect(data)
    if dialect is None:  # read as a table only when it is one; the dispatcher checked
        context.unscannable(f"{context.here('the file')} is not a readable CSV table")
        return
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), dialect, strict=False)
    table = TableWriter(context, *(() if context.location else ("CSV",)))
    budget = CellBudget(context, "the CSV file")
    first_line = 1
    try:
        for row in reader:
            if not budget.spend(max(1, len(row))):
                break
            table.add_row(row, cell_places(context, f"line {first_line}, column "))
            first_line = reader.line_num + 1
            if context.text_full:
                break
    finally:  # a field too long for the csv module: what was read is still scanned
        table.flush()
