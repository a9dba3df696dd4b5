"""Roles and offices written capitalised after "the" ("Contact the Verger", "ask the
Almoner"): one word that ends its phrase is a role, not a person (mixed into
``_names.PersonRecognizer``)."""

from __future__ import annotations

import regex

from scanner.detect.recognizers_file import PersonSettings, unaccented

# "the" just before a span: "Contact the Verger".
_THE_BEFORE = regex.compile(r"(?<![\p{L}\p{M}])[Tt]he \Z")
# What follows a role named with "the", as a family's name is not followed ("the Okafor
# family"): a stop, the line's end, or a word that is no noun ("the Verger if you need").
_ROLE_ENDS = regex.compile(
    r"[ \t]*(?:[.,;:!?)]|$)| (?:if|and|or|to|on|at|in|for|with|will|who|is|has|was|can|"
    r"should|must|may|would|could|of|about|by|when|before|after|during|every)(?![\p{L}\p{M}])",
    regex.MULTILINE,
)


class RoleChecks:
    """Whether a span is a role named with "the"."""

    _settings: PersonSettings

    def _a_role_after_the(self, text: str, start: int, end: int, meaningful: list[str]) -> bool:
        """Whether one word that is no first name, word-name or plural follows "the" and
        ends its phrase: a role or an office, not a person ("Contact the Verger if you
        have any questions", "ask the Almoner"). "the Okafor family", "the Okafors" and
        "the Begum's" stay names."""
        if len(meaningful) != 1:
            return False
        word = unaccented(meaningful[0])
        settings = self._settings
        return (
            not word.endswith("s")
            and word not in settings.first_names
            and word not in settings.word_names
            and _THE_BEFORE.search(text, max(0, start - 4), start) is not None
            and _ROLE_ENDS.match(text, end) is not None
        )
