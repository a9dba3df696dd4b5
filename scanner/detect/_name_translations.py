"""Bilingual lines that give the same words in two languages, halves parted by " / "
("Annwyl Gydweithwyr / Dear Colleagues", "Tîm TG / IT Team", "Y Person Dynodedig / The
Designated Safeguarding Person"): a name is the same in both languages, so a capitalised
phrase in a half that the other halves do not repeat, where they are ordinary words, is the
other half's words translated, no one's name (mixed into ``_names.PersonRecognizer``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex
from spacy.vocab import Vocab

from scanner.detect.recognizers_file import PersonSettings, unaccented

# What parts a line's languages: a slash with a space either side.
_HALVES = regex.compile(r" / ")
_WORD = regex.compile(r"[\p{L}\p{M}'’-]+")


class TranslationChecks:
    """Whether a span the model took for a person is one language's half of a bilingual
    line."""

    _settings: PersonSettings

    if TYPE_CHECKING:

        def _ordinary(self, word: str, vocab: Vocab | None) -> bool: ...  # WordNameChecks'

    def _a_translated_half(self, text: str, start: int, end: int, vocab: Vocab | None) -> bool:
        """Whether the span lies in a half of a line parted by " / " that another half
        follows, no word of the line is a first name or a title, the other halves repeat
        none of its words and their capitalised words are ordinary words by the model's
        vectors: "Gydweithwyr" in "Annwyl Gydweithwyr / Dear Colleagues", but not "Siân
        Jones / Sarah Smith" (two people), "Okafor / Wiśniewska" (two surnames) nor "Enw /
        Name: Siân Jones" (the name is in the last half)."""
        if vocab is None:
            return False
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        cuts = [m.start() for m in _HALVES.finditer(text, line_start, line_end)]
        if not any(c >= end for c in cuts) or any(start < c + 3 and c < end for c in cuts):
            return False  # no half after it ("Enw / Name: Siân Jones"), or it spans a cut
        half_start = max([line_start, *(c + 3 for c in cuts if c + 3 <= start)])
        half_end = min(c for c in cuts if c >= end)
        settings = self._settings
        for word in _WORD.findall(text, line_start, line_end):
            lower = word.lower()
            if lower in settings.titles or (
                unaccented(lower) in settings.first_names and lower not in settings.listed_accented
            ):
                return False
        others = _WORD.findall(text[line_start:half_start] + " " + text[half_end:line_end])
        own = {w.lower() for w in _WORD.findall(text, start, end)}
        return not any(w.lower() in own for w in others) and all(
            self._ordinary(w, vocab) for w in others if w[:1].isupper()
        )
