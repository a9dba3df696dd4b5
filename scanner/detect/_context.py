"""Context words near a match: before it, after it on the same line, or in its table header.

Presidio's own context enhancer works on lemmas within a few tokens. UK case notes and
sign-up sheets put the label in a column header ("NHS no", "DOB") several lines above the
value, so confide looks there too. Words that argue against a match ("invoice", "order no")
are handled the same way.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

import regex

_NEWLINE = regex.compile(r"\n")
# Columns of a table laid out with spaces (a pasted report, a fixed-width export): cells are
# separated by two spaces or more, and a line of three cells or more is a row.
ALIGNED = "  "
_ALIGNED_CELL = regex.compile(r"\S+(?: \S+)*")
_QUOTED_ROW = regex.compile(r'\s*"[^"\n]*"(?:\s*,\s*"[^"\n]*")+\s*')
# A capital that starts a word run on to the last ("DateOfBirth"), not a capital alone at
# the end of an abbreviation ("DoB").
_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu}\p{Ll})")
_ALIGNED_GAPS = regex.compile(r"(?<=\S) {2,}(?=\S)")
# A sentence ends at . ? ! or ; before a capital letter ("no. 1234" and "b. 1952" go on) or
# at the end of a line (a log's next entry may start with its date: "... born in 1952.\n
# 10/11/2025 - Letter"), or at a blank line; a reply's quote marks ("> ") may stand between.
# The full stop of an abbreviation written with stops does not end one ("D.O.B.
# Tuesday 3rd March", "e.g. The"), nor a form's leader dots ("DOB ........ Tuesday").
_SENTENCE_END = regex.compile(
    r"(?:(?<![.]|\.\p{L})\.|[?!;])(?:[ \t]*\n[ \t>]*|\s+(?:>[ \t>]*)?(?=\p{Lu}))"
    r"|\n[ \t>]*\n"
)


def compile_words(words: list[str]) -> regex.Pattern[str] | None:
    """One case-insensitive pattern matching any of ``words`` as whole words or phrases; the
    words of a phrase may be joined as a system's field names join them ("date_of_birth",
    "DateOfBirth", "sort-code")."""
    if not words:
        return None
    alternatives = sorted((regex.escape(w).replace(r"\ ", r"[\s_-]*") for w in words), key=len)
    body = "|".join(reversed(alternatives))
    # A word that ends in a full stop ends there, whatever follows: "b.1985", "D.O.B.03/03/87".
    return regex.compile(
        rf"(?<![0-9A-Za-z])(?:{body})(?:(?<=\.)|(?![0-9A-Za-z]))", regex.IGNORECASE
    )


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def _table_separator(text: str, line_start: int, line_end: int) -> str | None:
    """The column separator when the line is a table row, else ``None``.

    Two pipes or tabs make a row on their own; one tab or pipe (a table of two columns), or
    commas, or semicolons (a CSV saved where the comma is the decimal mark), only when a
    neighbouring line has as many (a CSV block), since prose is full of commas.
    A bullet point is no row, whatever separates its words.
    """
    line = text[line_start:line_end]
    if line.count("|") >= 2:
        return "|"
    if _BULLET_SYMBOL.match(line):  # "•\tVisited Ada, her son": a list's item, not a row
        return None
    if line.count("\t") >= 2:
        return "\t"
    return _few_cells_separator(text, line_start, line_end, line)


def _few_cells_separator(text: str, line_start: int, line_end: int, line: str) -> str | None:
    """The separator of a row with one tab or pipe (two columns), or with commas, or laid out
    with spaces: only when a neighbour is split the same way."""
    if _QUOTED_ROW.fullmatch(line):  # "Name","DOB": a CSV row, however few its cells
        return ","
    for separator, fewest in (("\t", 1), ("|", 1), (",", 2), (";", 2)):
        if separator in ",;" and prose_commas(line, separator):
            continue
        count = _count(line, separator)
        if count >= fewest and _neighbour_has(text, line_start, line_end, separator, count):
            return separator
    # Two columns of CSV ("Name,DOB"): one comma with no space after it, as on a neighbour;
    # prose puts a space after its commas.
    if _TWO_CSV_CELLS.fullmatch(line) and _neighbour_two_cells(text, line_start, line_end):
        return ","
    if aligned_row(line) and _neighbour_aligned(text, line_start, line_end):
        return ALIGNED
    return None


# A list's bullet or number, or a comma followed by words in lower case ("Mrs Okafor, her
# son, and the GP"): commas of prose, not of a CSV row.
_BULLET = regex.compile(r"[ \t>]*(?:[-*•–·]|\d{1,2}[.)])[ \t]")
# A bullet's symbol (not a number: a table's first column may number its rows "1.").
_BULLET_SYMBOL = regex.compile(r"[ \t>]*[-*•–·◦▪‣o§][ \t]")
_PROSE_CELL = regex.compile(r"[ \t]+\p{Ll}[\p{Ll}'’-]*[ \t]+\S")


def prose_commas(line: str, separator: str = ",") -> bool:
    """Whether a line's commas (or semicolons) are those of prose or of a list's item, not
    a CSV row's: the line is a bullet point, or a cell between two others goes on in words
    in lower case after a space, as a sentence does ("Saw mum, her son, and the GP"). The
    last cell may: a CSV row's notes come last ("Ada Obi, 14/02/1950, lives alone")."""
    if _BULLET.match(line):
        return True
    return any(_PROSE_CELL.match(line, a, b) for a, b in row_cells(line, separator)[1:-1])


_TWO_CSV_CELLS = regex.compile(r"(?![^\n]*\d,\d)[^,\n]*\S,\S[^,\n]*")  # not "£1,250"


def _neighbour_two_cells(text: str, line_start: int, line_end: int) -> bool:
    neighbours = []
    if line_start > 0:
        neighbours.append(_line_bounds(text, line_start - 1))
    if line_end < len(text):
        neighbours.append(_line_bounds(text, line_end + 1))
    return any(_TWO_CSV_CELLS.fullmatch(text, a, b) for a, b in neighbours)


def aligned_row(line: str) -> bool:
    """Whether a line is a row of a table laid out with spaces: three cells or more."""
    return len(_ALIGNED_GAPS.findall(line)) >= 2


def aligned_cells(line: str) -> list[tuple[int, int]]:
    """Offsets of each cell of a row laid out with spaces."""
    return [m.span() for m in _ALIGNED_CELL.finditer(line)]


def aligned_column(header: str, column: int) -> int:
    """Which of the header's cells stands over the character at ``column`` of a row: the
    last that starts at or before it (columns are left-aligned)."""
    index = 0
    for i, (start, _) in enumerate(aligned_cells(header)):
        if start <= column:
            index = i
    return index


def _neighbour_aligned(text: str, line_start: int, line_end: int) -> bool:
    neighbours = []
    if line_start > 0:
        neighbours.append(_line_bounds(text, line_start - 1))
    if line_end < len(text):
        neighbours.append(_line_bounds(text, line_end + 1))
    return any(aligned_row(text[a:b]) for a, b in neighbours)


def _neighbour_has(text: str, line_start: int, line_end: int, separator: str, count: int) -> bool:
    """Whether the line before or after has ``count`` of ``separator``, as this one has."""
    neighbours = []
    if line_start > 0:
        neighbours.append(_line_bounds(text, line_start - 1))
    if line_end < len(text):
        neighbours.append(_line_bounds(text, line_end + 1))
    return any(_count(text[a:b], separator) == count for a, b in neighbours)


def _count(line: str, separator: str) -> int:
    """How many times ``separator`` splits a row: a comma inside double quotes does not (a
    CSV cell "Flat 2, 14 Mill Lane")."""
    if '"' not in line:
        return line.count(separator)
    return len(row_cells(line, separator)) - 1


def row_cells(line: str, separator: str) -> list[tuple[int, int]]:
    """Offsets of each cell of a table row, read as Python's ``csv`` module reads a row: a
    cell that opens with a double quote (spaces before it allowed) runs to its closing quote,
    separators and doubled quotes ("") inside it included, and on to the next separator;
    a quote anywhere else is a character like any other (a height in inches). A quote never
    closed on the line is read as a plain character, and so is every quote after it, so that
    a long line is read once, in linear time."""
    if '"' not in line:
        cells, start = [], 0
        for piece in line.split(separator):
            cells.append((start, start + len(piece)))
            start += len(piece) + 1
        return cells
    cells, start, position, quoting = [], 0, 0, True
    length = len(line)
    while True:
        if quoting:
            opening = position
            while opening < length and line[opening] in " \t" and line[opening] != separator:
                opening += 1
            if opening < length and line[opening] == '"':
                closing = opening + 1
                while True:
                    closing = line.find('"', closing)
                    if closing == -1 or line[closing + 1 : closing + 2] != '"':
                        break
                    closing += 2
                if closing == -1:
                    quoting = False  # never closed: the rest of the line is read plainly
                else:
                    position = closing + 1
        stop = line.find(separator, position)
        if stop == -1:
            cells.append((start, length))
            return cells
        cells.append((start, stop))
        start = position = stop + 1


def _header_words(header: str) -> str:
    """A header cell as words: "date_of_birth" and "DateOfBirth" read "date of birth"."""
    return _CAMEL.sub(" ", header.replace("_", " "))


def _cell_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the table cell holding the span, or of its whole line outside tables."""
    line_start, line_end = _line_bounds(text, start)
    lines = table_lines(text)  # worked out once per text: a long row is not re-split per span
    separator = lines.separators[bisect_right(lines.starts, start) - 1]
    if separator is None:
        return line_start, line_end
    if separator != ALIGNED and text.find('"', line_start, line_end) != -1:
        _, cell_start, cell_end = _cell_at(text, line_start, line_end, separator, start)
        return cell_start, max(cell_end, min(end, line_end))  # a quoted cell holds separators
    cell_start = text.rfind(separator, line_start, start) + 1 or line_start
    cell_end = text.find(separator, end, line_end)
    return max(cell_start, line_start), line_end if cell_end == -1 else cell_end


@lru_cache(maxsize=16)
def _row_starts(text: str, line_start: int, line_end: int, separator: str) -> list[int]:
    """Where each cell of a row starts, worked out once per row: every span in a long table
    asks for its cell and its header's."""
    return [line_start + a for a, _ in row_cells(text[line_start:line_end], separator)]


def _cell_at(
    text: str, line_start: int, line_end: int, separator: str, position: int
) -> tuple[int, int, int]:
    """The index, start and end of the cell of a table row that holds ``position``."""
    if text.find('"', line_start, line_end) == -1:
        index = text.count(separator, line_start, position)
        cell_start = text.rfind(separator, line_start, position) + 1 or line_start
        cell_end = text.find(separator, position, line_end)
        return index, max(cell_start, line_start), line_end if cell_end == -1 else cell_end
    starts = _row_starts(text, line_start, line_end, separator)
    index = max(bisect_right(starts, position) - 1, 0)
    cell_end = starts[index + 1] - 1 if index + 1 < len(starts) else line_end
    return index, starts[index], cell_end


def same_cell(text: str, first: int, second: int) -> bool:
    """Whether offsets ``first`` and ``second`` (after it) lie in one table cell, or on one
    line outside tables."""
    cell_start, cell_end = _cell_bounds(text, second, second)
    return cell_start <= first <= cell_end


def _header_cell(text: str, start: int) -> str:
    """The header cell above ``start`` when it sits in a table (the words of each of its
    header rows over it), else an empty string."""
    lines = table_lines(text)
    index = bisect_right(lines.starts, start) - 1
    separator = lines.separators[index]
    header = lines.first_rows[index]
    if separator is None or header == index:
        return ""
    line_start, line_end = _line_bounds(text, start)
    column = (
        start - line_start
        if separator == ALIGNED
        else _cell_at(text, line_start, line_end, separator, start)[0]
    )
    words = []
    for row in header_rows(text, header):
        if row >= index:
            break
        row_start = lines.starts[row]
        row_end = _line_bounds(text, row_start)[1]
        words.append(_cell_words(text, row_start, row_end, separator, column))
    return " ".join(w for w in words if w)


_HEADER_ROWS = 3
_DIGIT = regex.compile(r"\d")
_EMPTY_ROW = regex.compile(r"[\s|,\"+=:_–—-]*")  # nothing in its cells, or a rule
_RULE = regex.compile(r"[ \t]*[+|:]?[=_–—-]{3,}[\s|+:=_–—-]*")


@lru_cache(maxsize=64)
def header_rows(text: str, first: int) -> tuple[int, ...]:
    """The rows read as the header of the table whose first row is line ``first``: that
    row, and the rows after it, up to three in all, until one holds a digit. A spreadsheet
    may have two or three header rows (a title, a group's name over its columns); an empty
    row (cells with nothing in them, as a spreadsheet pasted with its gaps) is passed over.
    A title or a group's name leaves cells empty; a row with every cell filled is the
    columns' own header, and the rows under it are rows ("Post, Barred list, Workforce"
    over "Family Support Worker, Children, Child": no column of names)."""
    lines = table_lines(text)
    rows = [first]
    row = first + 1
    while (
        len(rows) < _HEADER_ROWS
        and row < len(lines.starts)
        and not _every_cell_filled(text, lines.starts[rows[-1]], lines.separators[first])
    ):
        if lines.first_rows[row] != first:
            break
        row_start = lines.starts[row]
        row_end = _line_bounds(text, row_start)[1]
        if _DIGIT.search(text, row_start, row_end):
            break
        if not _EMPTY_ROW.fullmatch(text, row_start, row_end):
            rows.append(row)
        row += 1
    return tuple(rows)


def _every_cell_filled(text: str, row_start: int, separator: str | None) -> bool:
    """Whether a row split by ``separator`` has two cells or more and text in each (a row
    laid out with spaces shows no empty cell, so it never counts as filled)."""
    if separator is None or separator == ALIGNED:
        return False
    line = text[row_start : _line_bounds(text, row_start)[1]].strip().strip("|")
    cells = row_cells(line, separator)
    return len(cells) > 1 and all(_CELL_TEXT.search(line, a, b) for a, b in cells)


_CELL_TEXT = regex.compile(r"\w")


def _cell_words(text: str, row_start: int, row_end: int, separator: str, column: int) -> str:
    """The words of a header row's cell over ``column`` (a character offset in a row laid out
    with spaces, else a cell index)."""
    header_line = text[row_start:row_end]
    if separator == ALIGNED:
        spans = aligned_cells(header_line)
        if not spans:
            return ""
        a, b = spans[aligned_column(header_line, column)]
        return _header_words(header_line[a:b])
    starts = _row_starts(text, row_start, row_end, separator)  # split once for all its rows
    if column >= len(starts):
        return ""
    cell_end = starts[column + 1] - 1 if column + 1 < len(starts) else row_end
    return _header_words(text[starts[column] : cell_end])


def _row_label(text: str, cell_start: int) -> str:
    """The nearest cell before a table cell on its row that holds words and no digits, past
    cells of values: the label of a form laid out as a table ("Date of birth | 12/03/1985"),
    or of a table laid out sideways, a label first and a value per column ("DOB,03/04/2011,
    12/11/2012")."""
    line_start = _line_bounds(text, cell_start)[0]
    before = text[line_start:cell_start].rstrip(" \t|,")
    for cell in reversed(regex.split(r"\t|\||,| {2,}", before) if before else []):
        label = cell.strip()
        if label and not regex.search(r"\d", label):
            return label
    return ""


class _TableLines(NamedTuple):
    """Each line's start, its table separator (or ``None``), and the first line of the run
    of lines split the same way that it belongs to (its table's header)."""

    starts: list[int]
    separators: list[str | None]
    first_rows: list[int]


@lru_cache(maxsize=8)
def table_lines(text: str) -> _TableLines:
    """``_TableLines`` of ``text``, worked out once: every match in a text asks for its
    header, and a table of thousands of rows would otherwise be walked back each time.

    This is the one reading of which lines are a table's rows: a value's column header
    (here), the cells of a column of names or addresses (``_structure.column_cells``) and
    where an address may run on to (``_address``) all come from it, so they cannot disagree.
    """
    starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    separators = [_table_separator(text, *_line_bounds(text, start)) for start in starts]
    _two_spaced_cells(text, starts, separators)
    _notes_rows(text, starts, separators)
    # A rule across a table ("+=====+=====+", "-------- --------") between its header and its
    # rows, as a pasted query result or a report draws it, belongs to the table.
    for index in range(1, len(starts) - 1):
        before = separators[index - 1]
        if (
            before is not None
            and separators[index] is None
            and separators[index + 1] == before
            and _RULE.fullmatch(text, *_line_bounds(text, starts[index]))
        ):
            separators[index] = before
    first_rows: list[int] = []
    for index, separator in enumerate(separators):
        same = index > 0 and separators[index - 1] == separator
        first_rows.append(first_rows[index - 1] if same else index)
    return _TableLines(starts, separators, first_rows)


# Two cells with a space after the comma, as some exports write CSV ("Ada Obi, 12 Mill Lane"):
# short, with no sentence's stops, the second not going on in lower case.
_TWO_SPACED_CELLS = regex.compile(r"[ \t]*[^\s,.!?;:][^,!?;:\n]{0,39}, (?!\p{Ll})[^,!?;:\n]{1,60}")
_SPACED_RUN = 3


def _two_spaced_cells(text: str, starts: list[int], separators: list[str | None]) -> None:
    """Mark as CSV rows the runs of lines of two cells with a space after the comma: three
    lines or more, the first holding no digit (a header: "Name, Address"). A letter's address
    block starts with a number or is shorter; prose goes on in lower case after its comma."""
    run: list[int] = []
    for index in [*range(len(starts)), len(starts)]:
        bounds = _line_bounds(text, starts[index]) if index < len(starts) else None
        if (
            bounds is not None
            and separators[index] is None
            and _TWO_SPACED_CELLS.fullmatch(text, *bounds)
        ):
            run.append(index)
            continue
        if len(run) >= _SPACED_RUN:
            first_start, first_end = _line_bounds(text, starts[run[0]])
            if not _DIGIT.search(text, first_start, first_end):
                for row in run:
                    separators[row] = ","
        run = []


def _notes_rows(text: str, starts: list[int], separators: list[str | None]) -> None:
    """Mark as CSV rows the lines under a CSV header that have more commas than it, or than
    their neighbours: a last cell of notes typed with commas of their own ("no cooker, kettle
    only"). The header holds no digit and two commas or more; each row as many or more, and
    no cell of the header's width goes on in lower case as prose does."""
    index = 0
    while index < len(starts):
        header_start, header_end = _line_bounds(text, starts[index])
        header = text[header_start:header_end]
        width = _count(header, ",")
        if separators[index] not in (None, ",") or width < 2 or _DIGIT.search(header):
            index += 1
            continue
        rows = index + 1
        while rows < len(starts) and separators[rows] in (None, ","):
            line = text[slice(*_line_bounds(text, starts[rows]))]
            cells = row_cells(line, ",")
            if len(cells) <= width or _BULLET.match(line):
                break
            if any(_PROSE_CELL.match(line, a, b) for a, b in cells[1:width]):
                break
            rows += 1
        if rows - index >= 2 and any(separators[r] is None for r in range(index, rows)):
            for row in range(index, rows):
                separators[row] = ","
        index = max(rows, index + 1)


def row_end(text: str, position: int) -> int | None:
    """Where the line holding ``position`` ends when that line is a table row, else
    ``None``: a row's last cell never runs on into the next row."""
    lines = table_lines(text)
    if lines.separators[bisect_right(lines.starts, position) - 1] is None:
        return None
    return _line_bounds(text, position)[1]


_LABEL_LINE = regex.compile(r"[^\S\n]*[\p{L}/.()'’ -]{2,40}:?[^\S\n]*")


def _after_label(text: str, boundary: regex.Match[str]) -> bool:
    """Whether a blank line follows a line that is only a label ("Date of birth", "NHS
    number:"), as forms extracted one field a paragraph lay them out: its value is below."""
    if text[boundary.start()] != "\n":
        return False
    line_start = text.rfind("\n", 0, boundary.start()) + 1
    return _LABEL_LINE.fullmatch(text, line_start, boundary.start()) is not None


# A form's leaders between a label and its value ("Date of birth ........ 14/07/2012", a row
# of underscores or a long run of spaces) take no part of the window before the value.
_LEADERS = regex.compile(r"[ \t._…·]{3,}")
_MOST_LEADERS = 400
# A form extracted a field a line may put an instruction between a label and its value
# ("Date of birth\nPlease write it as DD/MM/YYYY ...\n14/07/2012"): for a value alone at the
# start of its line, the window may reach back a rule's number of lines that hold no other
# value, none longer than this.
_LONGEST_LINE_ABOVE = 160


def _past_leaders(text: str, start: int, before: int) -> int:
    """Where a window of ``before`` characters before ``start`` begins, not counting the
    leaders in it."""
    reach = start - before
    for _ in range(3):
        leaders = sum(m.end() - m.start() for m in _LEADERS.finditer(text, max(0, reach), start))
        further = start - before - min(leaders, _MOST_LEADERS)
        if further >= reach:
            break
        reach = further
    return reach


def _lines_above(text: str, start: int, lines: int) -> int:
    """Where the ``lines`` lines above a value alone at the start of its line begin (fewer
    when one holds a digit or is long), or ``start`` itself for a value anywhere else."""
    line_start = text.rfind("\n", 0, start) + 1
    if not lines or line_start == 0 or text[line_start:start].strip():
        return start
    reach = line_start
    for _ in range(lines):
        if reach == 0:
            break
        above = text.rfind("\n", 0, reach - 1) + 1
        if reach - above > _LONGEST_LINE_ABOVE or _DIGIT.search(text, above, reach):
            break
        reach = above
    return reach


_HEADER_DISTANCE = 10_000  # a column header counts, but any word in the text itself is nearer


def distance(
    pattern: regex.Pattern[str] | None,
    text: str,
    start: int,
    end: int,
    *,
    before: int,
    after: int,
    not_before: int = 0,
    lines_above: int = 0,
) -> int | None:
    """How near ``pattern`` occurs to the span ``text[start:end]``, or ``None``.

    It is looked for within ``before`` characters before the span (not reaching back past
    ``not_before`` or into the previous sentence, though a blank line after a label line
    does not end one; a form's leaders not counted, and up to ``lines_above`` lines above a
    value alone on its line), within ``after`` characters after it on the same line and in the same
    sentence, and in the header cell of its column when the span sits in a table; in a table
    the neighbouring cells belong to other columns, so the windows stop at the cell's edges.
    """
    if pattern is None:
        return None
    cell_start, cell_end = _cell_bounds(text, start, end)
    in_table = (cell_start, cell_end) != _line_bounds(text, start)
    reach = min(_past_leaders(text, start, before), _lines_above(text, start, lines_above))
    window_start = max(0, reach, not_before, cell_start if in_table else 0)
    for boundary in _SENTENCE_END.finditer(text, window_start, start):
        if not _after_label(text, boundary):
            window_start = boundary.end()
    nearest: int | None = None
    for match in pattern.finditer(text, window_start, start):
        nearest = start - match.end()
    following: regex.Match[str] | None = None
    if after:
        window_end = min(cell_end, end + after)
        sentence_end = _SENTENCE_END.search(text, end, window_end)
        following = pattern.search(text, end, sentence_end.start() if sentence_end else window_end)
    if following and (nearest is None or following.start() - end < nearest):
        nearest = following.start() - end
    if nearest is None and in_table:
        label = _row_label(text, cell_start)
        if label and pattern.search(label):
            nearest = _HEADER_DISTANCE - 1
    if nearest is None:
        header = _header_cell(text, start)
        if header and pattern.search(header):
            nearest = _HEADER_DISTANCE
    return nearest


# A line break before a word: one inside a paragraph wrapped at a fixed width, as mail
# clients send them, when the line before is long and ends mid-sentence (``wrap_breaks``).
_LINE_BREAK = regex.compile(r"[ \t]*\n[ \t]*(?=[\p{L}\d])")
_WRAPPED_LINE = 60


def wrap_breaks(text: str) -> list[regex.Match[str]]:
    """The line breaks of paragraphs wrapped at a fixed width: after a line of
    ``_WRAPPED_LINE`` characters or more, with no table's tabs or bars, that ends with no
    full stop, colon or semicolon."""
    found = []
    for match in _LINE_BREAK.finditer(text):
        line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        if (
            len(line) >= _WRAPPED_LINE
            and line[-1] not in ".:;!?"
            and "\t" not in line
            and "|" not in line
        ):
            found.append(match)
    return found
