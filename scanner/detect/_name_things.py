"""Things named with a first name that is a word too ("the Hope Van", "our Grace Room",
"Hope for Rochdale"): the words around the span say it names a thing (mixed into
``_names.PersonRecognizer``)."""

from __future__ import annotations

import regex

from scanner.detect._name_shapes import WORD
from scanner.detect._name_words import TITLE_AFTER
from scanner.detect.recognizers_file import PersonSettings

# Words before a name that show it names a thing, when the name is a word too: "the Hope
# Van", "our Grace Room", "the Joy of Singing".
DETERMINERS = frozenset({"the", "a", "an", "our", "your", "their", "this"})


# A possessive after a name: "Kolb's", "Gibbs'", "Gibbs’".
_POSSESSIVE_AFTER = regex.compile(r"['’]s?(?![\p{L}\p{M}])")


class ThingChecks:
    """Whether a span that opens with a word-name names a thing, or an author's name names
    a model or a theory."""

    _settings: PersonSettings

    def _an_eponymous_thing(self, text: str, end: int) -> bool:
        """Whether a model, a theory or guidance named after its author follows the span
        (``person.eponym_things``): "Kolb's learning cycle", "Gibbs' reflective cycle",
        "the Fraser guidelines", "Egan's Skilled Helper model". Up to two words may stand
        between after a possessive, one without, none of them a function word ("Kofi is a
        model student" names Kofi)."""
        settings = self._settings
        owned = _POSSESSIVE_AFTER.match(text, end)
        at = owned.end() if owned is not None else end
        for _ in range(3 if owned is not None else 2):
            if text[at : at + 1] != " ":
                return False
            word = WORD.match(text, at + 1)
            if word is None:
                return False
            lower = word.group().lower()
            if lower in settings.eponym_things:
                return True
            if lower in settings.not_surnames or lower in DETERMINERS:
                return False
            at = word.end()
        return False

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
