"""Headings and codes in capitals that look like people's names ("ANNUAL REPORT", "ERROR"):
the span's shape and the first names it holds say what it is (mixed into
``_names.PersonRecognizer``)."""

from __future__ import annotations

from scanner.detect._name_shapes import CAPITAL_INITIALS_AND_SURNAME
from scanner.detect.recognizers_file import PersonSettings, unaccented


class HeadingChecks:
    """Whether a span in capitals is a heading or a code."""

    _settings: PersonSettings

    def _heading_or_code(self, span: str, words: list[str], meaningful: list[str]) -> bool:
        """All-capital short single words are log levels and codes ("ERROR", "NHS"); words
        in capitals with no known first name among them are a heading ("ANNUAL REPORT")."""
        if not span.isupper() or CAPITAL_INITIALS_AND_SURNAME.fullmatch(span):
            return False
        names = self._settings.first_names
        return (len(meaningful) == 1 and len(span) <= 5) or not any(
            unaccented(w) in names for w in words
        )
