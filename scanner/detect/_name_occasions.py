"""Festivals, occasions and dishes that look like people's names ("Raksha Bandhan",
"Navratri and Dussehra", "Main: Jollof"): the words around the span say what it is (mixed
into ``_names.PersonRecognizer``)."""

from __future__ import annotations

import regex

from scanner.detect.recognizers_file import PersonSettings, unaccented

# A festival's name of one to three capitalised words joined to the span by "and", "&", a
# comma or a semicolon, before it or after it: "Navratri and Dussehra".
_OCCASION_WORDS = r"(\p{Lu}[\p{L}\p{M}'’-]*(?: (?:al-)?\p{Lu}[\p{L}\p{M}'’-]*){0,2})"
_OCCASION_BEFORE = regex.compile(rf"(?<![\p{{L}}\p{{M}}]){_OCCASION_WORDS}(?: and| &|;|,) \Z")
_OCCASION_AFTER = regex.compile(rf"(?: and| &|;|,) {_OCCASION_WORDS}(?![\p{{L}}\p{{M}}])")


def _phrases(words: frozenset[str]) -> str:
    return (
        "|".join(
            sorted((regex.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
        )
        or "(?!)"
    )


class OccasionChecks:
    """Whether a span is a festival or a dish by the words around it."""

    _settings: PersonSettings
    _dish_label: regex.Pattern[str]
    _occasion_verb: regex.Pattern[str]

    def _compile_occasions(self, settings: PersonSettings) -> None:
        """The patterns of a menu's label and a verb of celebrating before a span."""
        # A menu line's label just before a span, a day or a word before it or not:
        # "Main: Jollof", "Thursday lunch: Egusi".
        self._dish_label = regex.compile(
            rf"(?:^|(?<=[\t|]))[ \t>*•-]*(?:\p{{L}}+[ \t]+)?(?i:{_phrases(settings.dish_labels)})"
            r"[ \t]*:[ \t]*\Z",
            regex.MULTILINE,
        )
        verbs = "|".join(regex.escape(v) for v in sorted(settings.occasion_verbs)) or "(?!)"
        self._occasion_verb = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{verbs}) \Z")

    def _an_occasion(self, text: str, start: int, end: int) -> bool:
        """Whether the span is a festival or an occasion by the words around it: right after a
        verb of celebrating ("how they celebrate Raksha Bandhan"), or joined by "and", "&",
        a comma or a semicolon to a listed one ("Navratri and Dussehra", "Diwali and Bandi
        Chhor Divas"). Not before a possessive: "celebrating Amina's birthday"."""
        if text[end : end + 2] in ("'s", "’s"):
            return False
        if self._occasion_verb.search(text, max(0, start - 20), start) is not None:
            return True
        listed = self._settings.occasion_names
        before = _OCCASION_BEFORE.search(text, max(0, start - 60), start)
        if before is not None and unaccented(before.group(1)) in listed:
            return True
        after = _OCCASION_AFTER.match(text, end)
        return after is not None and unaccented(after.group(1)) in listed

    def _a_dish(self, text: str, start: int, meaningful: list[str]) -> bool:
        """Whether the span follows a menu line's label and holds no first name or
        word-name: "Main: Jollof, moi moi and chicken", "Sweet: Rasmalai"."""
        settings = self._settings
        return self._dish_label.search(text, max(0, start - 40), start) is not None and not any(
            unaccented(w) in settings.first_names or w in settings.word_names for w in meaningful
        )
