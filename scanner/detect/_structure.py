"""Where a text's structure says a value is a name: after a label, or in a column of names.

Forms, minutes and pasted spreadsheets put names where a label says what they are
("Payee: K ASANTE-BOATENG", "Attendees: Tomasz Wójcik, Aoibheann Nic Giolla Phádraig") or
under a column header ("Surname", "Carer"), often with nothing else that marks them as names:
a surname column alone, or names in capitals. Which labels and headers count is data
(rules/recognizers.yaml, ``person.name_labels``, ``person.name_headers``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

import regex

from scanner.detect._context import (
    ALIGNED,
    aligned_cells,
    aligned_column,
    header_rows,
    row_cells,
    table_lines,
)
from scanner.detect._terms import literal_alternation

# Pieces of one labelled value: names in a list are separated by these.
# An "&" between letters joins one word ("B&Q", "HoF&C"), and what is inside brackets is a
# note ("(Fundraising & Comms)"): neither separates names.
_LIST_SEPARATOR = regex.compile(
    r"\s*(?:[,;/+]|&(?<!\w&(?=\w))|\band\b|\s-\s|\s–\s)\s*", regex.IGNORECASE
)
# A note in brackets after a name: "(chair)", "(daughter)", "[carer]".
_BRACKETED = regex.compile(r"\s*[(\[][^)\]\n]*[)\]]?")
_CLOSED_NOTE = regex.compile(r"[(\[][^()\[\]\n]*[)\]]")
# Where a labelled value stops: a tab, a run of spaces, a pipe, or the next "Label:" on the line.
_VALUE_END = regex.compile(r"\t| {2,}|\||\s(?=[\p{L}][\p{L} ]{0,20}:\s)")
_LINE = regex.compile(r"[^\n]+")
# What ends a label: a colon, equals sign or dash. In a form laid out as a table the edge of
# the label's cell does too (a tab, a pipe, a run of spaces: "Name\tAmina Yusuf"), but only
# when the label is the whole cell: a header such as "Volunteers needed\tFilled" is no label.
_LABEL_END = r"(?:[ \t]*[:=–][ \t]*)"
# A label's value and one space before the next label on its line: "First name: Eirlys " before
# "Surname: Pritchard", as a form typed with runs of spaces between its fields reads once
# normalising has made each run one space. The colon must have a value after it: the value
# has no colon, so "Eirlys" (after "name: ") never opens a label itself.
_AFTER_A_VALUE = r":[ \t]*[^\s:][^\n:]{0,60} "
_CELL_END = r"(?:[ \t]*\|[ \t]*|\t[ \t]*| {2,})"


def _alternatives(words: frozenset[str]) -> str:
    escaped = (regex.escape(w).replace(r"\ ", r"\s+") for w in words)
    return "|".join(sorted(escaped, key=len, reverse=True)) or "(?!)"


def _label_alternatives(words: frozenset[str]) -> str:
    """``_alternatives`` (case ignored) as a trie: the same matches, found about twice as
    fast among the label lists' hundred-odd labels, which every text is searched for."""
    return literal_alternation(words, ignore_case=True) or "(?!)"


def label_pattern(
    labels: frozenset[str], not_labels: frozenset[str], *, numbered: bool = False
) -> regex.Pattern[str]:
    """A line's label and the value after it: "Name: ...", "Previous surname(s): ...",
    "Name on card: ...". A label may have a word or two around it, but none of
    ``not_labels`` ("Organisation name", "Street name"). A value ends at a tab or a pipe,
    where the next cell's label may start ("First name: Gwilym\tSurname: Pritchard", a form
    typed with its fields in a row, which normalising makes a table's). ``numbered``: a
    label may have a number after it, as a form numbers the people it asks for ("Child 1:
    Mason Price", "Carer 2: ..."; not for addresses, whose "Address 2" is a line's part)."""
    extra = rf"(?!(?:{_label_alternatives(not_labels)})\b)[\p{{L}}'’]+"
    listed = _label_alternatives(labels)
    if numbered:
        listed = rf"(?:{listed})(?:[ \t]?\d{{1,2}})?"
    alone = rf"(?:^|(?<=[\t|]))[ \t>*•-]*(?:{listed}){_CELL_END}(?P<value>[^\n]+)"
    return regex.compile(
        rf"{alone}|(?:^|(?<=[\t|]| {{2}}))[ \t>*•-]*(?:{extra} ){{0,2}}(?:{listed})"
        rf"(?:\s*\([^)\n]{{0,20}}\))?(?: {extra}){{0,2}}{_LABEL_END}(?P<value>[^\n\t|]+)",
        regex.IGNORECASE | regex.MULTILINE,
    )


def label_after_a_value_pattern(labels: frozenset[str]) -> regex.Pattern[str]:
    """A label (a colon after it) one space after another label's value on its line:
    "Surname: Pritchard" after "First name: Eirlys ", as a form typed with runs of spaces
    between its fields reads once normalising has made each run one space. ``label_pattern``
    takes the first label's value to the line's end, where ``labelled_values`` cuts it at
    the next label; this finds that next label's value (each value here stops before the
    next label, so that every label of the line is found)."""
    listed = _label_alternatives(labels)
    return regex.compile(  # the label first: the look behind is tried only where one stands
        rf"(?=(?:{listed})[ \t]*:)(?<={_AFTER_A_VALUE})(?:{listed})[ \t]*:[ \t]*"
        r"(?P<value>(?:(?![ \t][\p{L}][\p{L} ]{0,20}:)[^\n])+)",
        regex.IGNORECASE,
    )


def label_above_pattern(labels: frozenset[str]) -> regex.Pattern[str]:
    """A label alone on its line and the value on the next line (one blank line between or
    not), as online forms and scanned paper forms are pasted: "Surname" then "Pickard"."""
    return regex.compile(
        rf"^[ \t>*•-]*(?:{_label_alternatives(labels)})[ \t]*:?[ \t]*\n(?:[ \t>]*\n)?"
        r"[ \t>]*(?P<value>[^\n]+)",
        regex.IGNORECASE | regex.MULTILINE,
    )


def salutation_pattern(greetings: frozenset[str], closings: frozenset[str]) -> regex.Pattern[str]:
    """The name after a greeting ("Dear Ana-Maria,") or on the line after a closing
    ("Kind regards,\nBlessing")."""
    return regex.compile(
        rf"^[ \t>]*(?:(?:{_alternatives(greetings)})[ \t]+(?P<value>[^,\n!]+)"
        rf"|(?:{_alternatives(closings)})[ \t]*[,.!]?[ \t]*\n[ \t>]*(?P<value>[^\n,(]+))",
        regex.IGNORECASE | regex.MULTILINE,
    )


def list_pattern(labels: frozenset[str]) -> regex.Pattern[str]:
    """A label alone on its line ("Present", "Apologies:") and the lines under it up to a
    blank line, at most 40."""
    return regex.compile(
        rf"^[ \t>*•-]*(?:{_alternatives(labels)})[ \t]*:?[ \t]*\n"
        r"(?P<value>(?:[ \t>]*[^\s>][^\n]*(?:\n|$)){1,40})",
        regex.IGNORECASE | regex.MULTILINE,
    )


def listed_values(text: str, pattern: regex.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Each piece of each line under a list's label, its bullet left out ("- Yılmaz Demir")."""
    for match in pattern.finditer(text):
        for line in _LINE.finditer(text, *match.span("value")):
            start = line.start()
            while start < line.end() and text[start] in " \t>*•-":
                start += 1
            stop = _VALUE_END.search(text, start, line.end())
            yield from _pieces(text, start, stop.start() if stop else line.end())


def labelled_values(text: str, pattern: regex.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Each piece of the value after a name label, trimmed of notes in brackets."""
    for match in pattern.finditer(text):
        start, end = match.span("value")
        stop = _VALUE_END.search(text, start, end)
        yield from _pieces(text, start, stop.start() if stop else end)


def labelled_lines(text: str, pattern: regex.Pattern[str]) -> Iterator[tuple[int, int]]:
    """The whole value after a label, up to the end of its cell or line ("Address: ...")."""
    for match in pattern.finditer(text):
        start, end = match.span("value")
        stop = _VALUE_END.search(text, start, end)
        yield from _trimmed(text, start, stop.start() if stop else end)


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    position = start
    notes = [m.span() for m in _CLOSED_NOTE.finditer(text, start, end)]
    separators = [
        s
        for s in _LIST_SEPARATOR.finditer(text, start, end)
        if not any(a < s.start() < b for a, b in notes)
    ]
    for separator in [*separators, None]:
        piece_end = separator.start() if separator else end
        bracket = _BRACKETED.search(text, position, piece_end)
        stop = bracket.start() if bracket else piece_end
        yield from _trimmed(text, position, stop)
        if separator is None:
            return
        position = separator.end()


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start] in " \t\"'.:*":
        start += 1
    while end > start and text[end - 1] in " \t\"'.:*\r":
        end -= 1
    if end > start:
        yield start, end


def column_cells(text: str, is_name_header: regex.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Cells of table rows under a header that names people ("Name", "Surname", "Carer").

    Which lines are a table's rows, and which is its header, is ``_context.table_lines``'s
    reading, the one a value's column context comes from: a run of lines split the same way
    (pipes, tabs or commas as on their neighbours, columns laid out with spaces), its first
    line the header. A spreadsheet may put a title or a group's name over the header: when
    the first row names no such column, the next of the first rows that holds no digit and
    names one is the header (``_context.header_rows``).
    """
    lines = table_lines(text)
    columns: list[int] = []
    header = ""
    for index, separator in enumerate(lines.separators):
        if separator is None:
            continue
        start = lines.starts[index]
        end = text.find("\n", start)
        line = text[start : len(text) if end == -1 else end]
        first = lines.first_rows[index]
        if index == first or (not columns and index in header_rows(text, first)):
            named = _name_columns(line, separator, is_name_header)
            if index == first or named:
                columns, header = named, line
                continue
        if not columns or not _CELL_TEXT.search(line):  # a rule under the header
            continue
        if separator == ALIGNED:
            cells = [c for c in aligned_cells(line) if aligned_column(header, c[0]) in columns]
        else:
            cells = row_cells(line, separator)
            cells = [cells[i] for i in columns if i < len(cells)]
        for a, b in cells:
            yield from _trimmed(text, start + a, start + b)


_CELL_TEXT = regex.compile(r"\w")


def _name_columns(line: str, separator: str, is_name_header: regex.Pattern[str]) -> list[int]:
    """The indexes of a header row's cells that name people. A cell ending in a colon is a
    form's label, not a column's header: the cells under it are other labels ("Name:", then
    "IBAN:", "Address:")."""
    cells = aligned_cells(line) if separator == ALIGNED else row_cells(line, separator)
    return [
        i
        for i, (a, b) in enumerate(cells)
        if is_name_header.fullmatch(line[a:b].strip().strip('"').replace("_", " "))
        and not line[a:b].strip().endswith(":")
    ]


# A mail header's line of addresses: "From: Okafor, Chidi (NHS TRUST) <c.okafor@nhs.net>".
_ADDRESS_HEADER = regex.compile(
    r"^[ \t>]*(?:From|To|Cc|Bcc|Reply-To|Sent by)[ \t]*:[ \t]*(?P<value>[^\n]+)",
    regex.IGNORECASE | regex.MULTILINE,
)
_ANGLE_ADDRESS = regex.compile(r"<[^<>\n]*@[^<>\n]*>")


def display_names(text: str) -> Iterator[tuple[int, int]]:
    """The display name before each address in a mail header's From, To or Cc line, quotes
    and notes in brackets left out; one name may hold a comma, as Outlook writes "Surname,
    First name" ("Gebremedhin, Tesfay <t.gebremedhin@...>")."""
    for match in _ADDRESS_HEADER.finditer(text):
        position, end = match.span("value")
        for address in _ANGLE_ADDRESS.finditer(text, position, end):
            separator = max(text.rfind(c, position, address.start()) for c in ";>")
            start = position if separator < 0 else separator + 1
            bracket = _BRACKETED.search(text, start, address.start())
            stop = bracket.start() if bracket else address.start()
            yield from _trimmed(text, start, stop)
            position = address.end()
            while position < end and text[position] in " \t,;":
                position += 1


# A table's header cell: one to three capitalised words, no digits ("Ref", "Likelihood",
# "Owner", "Date raised").
_HEADER_CELL = regex.compile(r"[ \t]*\p{Lu}[\p{L}'’/&()-]*(?: [\p{L}'’/&()-]+){0,2}[ \t]*")
# The fewest cells of a row taken for a table's header: a form laid out as a table has two.
_LEAST_HEADER_CELLS = 4


def a_cell_beside_a_cell(text: str, value_start: int) -> bool:
    """Whether a label's value at ``value_start`` follows its label across a cell's edge (a
    tab or a pipe, no colon) in a row under a table's header row: the label is a cell of
    its column, not a form's label, and the value another column's ("Seen by | Outcome"
    over "Chair | Clear")."""
    edge = len(text[:value_start].rstrip(" "))
    if edge == 0 or text[edge - 1] not in "\t|":
        return False
    lines = table_lines(text)
    index = bisect_right(lines.starts, value_start) - 1
    first = lines.first_rows[index]
    return (
        lines.separators[index] is not None
        and first != index
        and in_a_header_row(text, lines.starts[first])
    )


def in_a_header_row(text: str, position: int) -> bool:
    """Whether ``position`` lies on a table's header row: four cells or more, split by tabs
    or pipes, each a capitalised heading of one to three words, and the next line a row of
    the same table ("Ref\tRisk\tScore\tOwner\tTrend" over its rows). Its cells are the
    columns' names, not a label and its value ("Owner" beside "Trend")."""
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    if line_end < 0:
        return False
    # Pipes first: normalising turns a pipe table's runs of spaces into tabs beside them.
    separator = "|" if "|" in text[line_start:line_end] else "\t"
    cells = text[line_start:line_end].strip(" |").split(separator)
    if len(cells) < _LEAST_HEADER_CELLS or not all(_HEADER_CELL.fullmatch(c) for c in cells):
        return False
    next_end = text.find("\n", line_end + 1)
    following = text[line_end + 1 : len(text) if next_end < 0 else next_end].strip(" |")
    return len(following.split(separator)) == len(cells)
