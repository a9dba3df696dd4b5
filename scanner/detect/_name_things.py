"""Things named with a first name that is a word too ("the Hope Van", "our Grace Room",
"Hope for Rochdale"): the words around the span say it names a thing (mixed into
``_names.PersonRecognizer``)."""

from __future__ import annotations

from scanner.detect._name_words import TITLE_AFTER
from scanner.detect.recognizers_file import PersonSettings

# Words before a name that show it names a thing, when the name is a word too: "the Hope
# Van", "our Grace Room", "the Joy of Singing".
DETERMINERS = frozenset({"the", "a", "an", "our", "your", "their", "this"})


class ThingChecks:
    """Whether a span that opens with a word-name names a thing."""

    _settings: PersonSettings

    def _a_thing_named_with_a_word_name(
        self, text: str, end: int, meaningful: list[str], before: str
    ) -> bool:
        """Whether a word-name opens a title ("Hope for Rochdale", one word before "for" or
        "of" and a capital) or follows a determiner, ``before`` being the word before the
        span ("the Hope Van", "our Grace Room")."""
        word_names = self._settings.word_names
        if meaningful[0] not in word_names:
            return False
        return (
            len(meaningful) == 1 and TITLE_AFTER.match(text, end) is not None
        ) or before in DETERMINERS
