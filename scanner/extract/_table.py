"""Tables (spreadsheet sheets, CSV files) as text segments whose cells keep their places.

A table is written as detection reads a pasted spreadsheet: one line a row, a tab between
cells, and every row of a segment padded to the same number of cells, so that a column's
header is context for the cells under it (scanner/detect/_context.py, _structure.py: "NHS No"
above bare ten-digit numbers, "Surname" above single surnames). Its header is the first row
with two cells or more, when none of them is a number or a date; each segment of a long table
starts with a copy of it, so no cell is further from its header than one segment. Rows before
it (a title) are written without padding, so they are not taken for the header. Empty rows are
left out. A cell's line breaks and tabs become spaces.

Every cell's text remembers its place (``Segment.places``): "Clients!C7" in a workbook, "line
7, column 3" in a CSV file, so a finding can be pointed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from scanner.extract._context import ExtractionContext

# Characters of rows in one segment. Detection reads text in chunks of `nlp.chunk_chars`
# (rules/recognizers.yaml, 100,000 by default) and finds a cell's header only within its
# chunk; a segment well under that keeps every cell in the same chunk as its header.
SEGMENT_CHARS = 50_000
_BREAKS = re.compile(r"[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_NUMBER_OR_DATE = re.compile(r"[\d\s.,:/£$€%+()-]+")

type Place = Callable[[int], str]  # a cell's place from its column number (0-based)


def cell_places(
    context: ExtractionContext, before: str, after: str = "", *, letters: bool = False
) -> Place:
    """Each cell's place in a row: ``before``, the column (its letters when ``letters``, "C",
    else its number, "3"), then ``after``; within ``context``'s location."""
    if letters:
        return lambda n: context.where(f"{before}{column_letter(n)}{after}")
    return lambda n: context.where(f"{before}{n + 1}{after}")


def column_letter(index: int) -> str:
    """A spreadsheet column's letters from its 0-based index: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_text(value: str) -> str:
    """A cell's text on one line, without tabs: its line breaks and tabs become spaces."""
    return _BREAKS.sub(" ", value).strip()


class CellBudget:
    """Counts the cells of a workbook or CSV file walked through against
    ``max_spreadsheet_cells``."""

    def __init__(self, context: ExtractionContext, item: str) -> None:
        self.context = context
        self.item = item  # what the item is called at the top: "the workbook"
        self.left = context.limits.max_spreadsheet_cells
        self.full = False

    def spend(self, cells: int) -> bool:
        """Count ``cells``; ``False`` (and a reason, once) when over the bound."""
        self.left -= cells
        if self.left >= 0:
            return True
        if not self.full:
            self.full = True
            limit = self.context.limits.max_spreadsheet_cells
            self.context.unscannable(
                f"{self.context.here(self.item)} has more than {limit} cells; "
                "the rest were not read"
            )
        return False


class TableWriter:
    """Writes the rows of one table into segments at ``parts`` of ``context``."""

    def __init__(self, context: ExtractionContext, *parts: str) -> None:
        self.context = context
        self.parts = parts
        self.header: tuple[list[str], Place] | None = None
        self.started = False  # a row of two cells or more was seen: the table proper
        self.rows: list[tuple[list[str], Place, bool]] = []  # (cells, place, padded)
        self.chars = 0  # characters of the segment so far, padding included
        self.width = 0  # cells of the widest padded row so far

    def add_row(self, cells: Sequence[str], place: Place) -> None:
        """Add one row; ``cells`` hold each cell's text, ``place`` names a cell's place."""
        texts = [cell_text(c) for c in cells]
        while texts and not texts[-1]:
            texts.pop()
        filled = sum(1 for t in texts if t)
        if not filled:
            return
        if not self.started and filled >= 2:
            self.started = True
            if not any(_NUMBER_OR_DATE.fullmatch(t) for t in texts if t):
                self.header = (texts, place)
                self._append(texts, place, padded=True)
                return
        if self.chars >= SEGMENT_CHARS:
            self.flush()
            if self.header is not None:
                self._append(*self.header, padded=True)
        self._append(texts, place, padded=self.started)

    def _append(self, texts: list[str], place: Place, *, padded: bool) -> None:
        self.rows.append((texts, place, padded))
        if padded:
            self.width = max(self.width, len(texts))
        self.chars += sum(len(t) for t in texts) + (self.width if padded else 1)

    def flush(self) -> None:
        """Write the rows so far as one segment."""
        if not self.rows:
            return
        width = self.width
        pieces: list[str] = []
        places: list[tuple[int, str]] = []
        offset = 0
        for cells, place, padded in self.rows:
            if padded:
                columns = list(enumerate([*cells, *[""] * (width - len(cells))]))
            else:  # a title above the table: its one cell alone, so it is no table row
                columns = [(number, text) for number, text in enumerate(cells) if text]
            for index, (number, text) in enumerate(columns):
                if text:
                    places.append((offset, place(number)))
                pieces += [text, "\t" if index < len(columns) - 1 else "\n"]
                offset += len(text) + 1
        self.context.add_table("".join(pieces), tuple(places), *self.parts)
        self.rows = []
        self.chars = self.width = 0
