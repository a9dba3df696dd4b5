"""Months and books of the Bible that look like people's names ("June 2024", "May 5th",
"Luke 3.1-6"): a day, a year or a chapter and verse beside the span says what it is (mixed
into ``_names.PersonRecognizer``)."""

from __future__ import annotations

import regex

from scanner.detect.recognizers_file import PersonSettings

# A day or a year beside a month: "June 2024", "12 June", "May 5th".
_NUMBER_AFTER = regex.compile(r" \d{1,4}(?:st|nd|rd|th)?\b")
_NUMBER_BEFORE = regex.compile(r"\b\d{1,2}(?:st|nd|rd|th)?(?: of)? \Z")
# A chapter and a verse after a book of the Bible: "Luke 3.1-6", "John 3:16"; or a chapter
# before a semicolon, as readings are listed ("Isaiah 61; John 1.6-8"). A number before a
# comma or a line's end is as often a child's age ("Luke 7, Amy 5").
_CHAPTER_AND_VERSE = regex.compile(r" \d{1,3}(?:[.:]\d{1,3}\b|;)")


class DateChecks:
    """Whether a span is a month in a date or a book of the Bible in a reference."""

    _settings: PersonSettings

    def _dated_or_cited(self, text: str, start: int, end: int, meaningful: list[str]) -> bool:
        """Whether the span is a month beside a day or a year (``_dated``) or a book of the
        Bible before a chapter and verse ("Readings: Luke 3.1-6", ``person.scripture_books``)."""
        return self._dated(text, start, end) or (
            len(meaningful) == 1
            and meaningful[0] in self._settings.scripture_books
            and _CHAPTER_AND_VERSE.match(text, end) is not None
        )

    def _dated(self, text: str, start: int, end: int) -> bool:
        """Whether the span is a month beside a day or a year, a date not a name: "June
        2024", "12 April", "May 5th" (``person.months``)."""
        if text[start:end].lower() not in self._settings.months:
            return False
        return bool(_NUMBER_AFTER.match(text, end) or _NUMBER_BEFORE.search(text, 0, start))
