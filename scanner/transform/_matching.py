"""Finding the values to remove in text, as tolerantly as detection saw them.

Detection scans normalised text (``scanner.normalise``: entities decoded, non-breaking spaces
and full-width digits folded, zero-width characters dropped), so a value is looked for in the
normalised text and each match is mapped back to the text as written. Case is ignored, and any
run of white space in a value matches any run of white space (line breaks too). A value that
starts or ends with a letter does not match inside a longer word ("Ann" is not in "Annual").
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from scanner.normalise import normalise
from scanner.redaction import redact_text

_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"


@dataclass(frozen=True)
class Removal:
    """One value to remove, as detection saw it (normalised text), and what it is.

    ``label`` names the kind of thing: "NHS number" becomes "[NHS number removed]".
    """

    value: str
    label: str


class Matcher:
    """Finds every value of a set of removals in text."""

    def __init__(self, removals: Sequence[Removal]) -> None:
        self._patterns = [
            (pattern, removal.label)
            for removal in removals
            if (pattern := _pattern(removal.value)) is not None
        ]

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, label)`` of every match in ``text`` as written, in order."""
        segment = normalise(text, "")
        found: list[tuple[int, int, str]] = []
        for pattern, label in self._patterns:
            for match in pattern.finditer(segment.text):
                start, end = segment.to_source(match.start(), match.end())
                found.append((start, end, label))
        return sorted(found)

    def found_in(self, text: str) -> bool:
        """Whether any value is in ``text`` (already normalised, as extraction gives it)."""
        return any(pattern.search(text) for pattern, _ in self._patterns)

    def redact(self, text: str, escape: bool = False) -> str:
        """``text`` with every match replaced by ``[label removed]`` (HTML-escaped if asked)."""
        spans = self.spans(text)
        if not spans:
            return text
        if escape:
            spans = [(start, end, html.escape(label)) for start, end, label in spans]
        return redact_text(text, spans)


def merged(spans: Sequence[tuple[int, int, str]]) -> Iterator[tuple[int, int, str]]:
    """Sorted spans with overlapping ones joined under the first one's label."""
    current: tuple[int, int, str] | None = None
    for start, end, label in sorted(spans):
        if current is not None and start < current[1]:
            current = (current[0], max(current[1], end), current[2])
            continue
        if current is not None:
            yield current
        current = (start, end, label)
    if current is not None:
        yield current


def _pattern(value: str) -> re.Pattern[str] | None:
    words = normalise(value, "").text.split()
    if not words:
        return None
    body = r"\s+".join(re.escape(word) for word in words)
    before = _NOT_LETTER_BEFORE if words[0][0].isalpha() else ""
    after = _NOT_LETTER_AFTER if words[-1][-1].isalpha() else ""
    return re.compile(before + body + after, re.IGNORECASE)
