"""Context words near a match: before it, after it on the same line, or in its table header.

Presidio's own context enhancer works on lemmas within a few tokens. UK case notes and
sign-up sheets put the label in a column header ("NHS no", "DOB") several lines above the
value, so confide looks there too. Words that argue against a match ("invoice", "order no")
are handled the same way.
"""

from __future__ import annotations

import regex

_TABLE_SEPARATORS = ("|", "\t", ",")
_SENTENCE_END = regex.compile(r"[.?!;](?:\s|$)|\n\s*\n")


def compile_words(words: list[str]) -> regex.Pattern[str] | None:
    """One case-insensitive pattern matching any of ``words`` as whole words or phrases."""
    if not words:
        return None
    alternatives = sorted((regex.escape(w).replace(r"\ ", r"\s+") for w in words), key=len)
    body = "|".join(reversed(alternatives))
    return regex.compile(rf"(?<![0-9A-Za-z])(?:{body})(?![0-9A-Za-z])", regex.IGNORECASE)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def _header_cell(text: str, start: int) -> str:
    """The header cell above ``start`` when it sits in a table, else an empty string."""
    line_start, line_end = _line_bounds(text, start)
    line = text[line_start:line_end]
    separator = next((s for s in _TABLE_SEPARATORS if line.count(s) >= 2), None)
    if separator is None:
        return ""
    column = line.count(separator, 0, start - line_start)
    header_start = line_start
    while header_start > 0:
        prev_start, prev_end = _line_bounds(text, header_start - 1)
        previous = text[prev_start:prev_end]
        if previous.count(separator) < 2:
            break
        header_start = prev_start
    if header_start == line_start:
        return ""
    header_end = _line_bounds(text, header_start)[1]
    cells = text[header_start:header_end].split(separator)
    return cells[column] if column < len(cells) else ""


def near(
    pattern: regex.Pattern[str] | None,
    text: str,
    start: int,
    end: int,
    *,
    before: int,
    after: int,
    not_before: int = 0,
) -> bool:
    """Whether ``pattern`` occurs within ``before`` characters before the span (not reaching
    back past ``not_before`` or the previous sentence), within ``after`` characters after it
    on the same line, or in the header cell of its column."""
    if pattern is None:
        return False
    window_start = max(0, start - before, not_before)
    for boundary in _SENTENCE_END.finditer(text, window_start, start):
        window_start = boundary.end()
    if pattern.search(text, window_start, start):
        return True
    line_end = _line_bounds(text, end)[1]
    if after and pattern.search(text, end, min(line_end, end + after)):
        return True
    header = _header_cell(text, start)
    return bool(header) and pattern.search(header) is not None
