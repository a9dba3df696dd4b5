"""More evidence that an item is about someone, read beside ``_terms.AboutSomeone``'s.

``AboutSomeone`` drops a lone capitalised word found as a name, and every diagnosis or
safeguarding word outside a statement that names someone, in an item that refers to no one as
case text does (no pronoun, title and name, name in full or in a record's place, identifier).
A name in full counts there only when it holds a known first name, a hyphen or letters English
does not write. Short businesslike mail and texts about clients hold none of that and still
name someone (issue 17, ``bench/corpus/dev/plain_mentions/``):

- a name in full whose first word the language model has no vector for: a given name outside
  the first-name list ("Ciprian Dumitrescu", "Oreoluwa Adebanjo"); every ordinary English
  word, and most places, firms and teams the model reads as names ("Whitley Bay", "Cammell
  Laird"), have one;
- a lone name before a noun of case work (``person.case_nouns``: "the Ferreira referral",
  "Mensah file to be closed"), as things are no one's referral or file;
- a lone name right before a street address ("Baptiste at 14 Linden Grove"): someone at home.

Any one of them makes the item case text, so that it keeps what ``AboutSomeone`` would keep
in a case record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import regex
from spacy.vocab import Vocab

from scanner.detect._name_shapes import CAPITALISED, WORD
from scanner.detect.recognizers_file import PersonSettings, unaccented

# What may stand between a name and the address that follows it: "Baptiste at 14 Linden
# Grove", "Haddad, 3 Elm Road", "Haddad (3 Elm Road)", "the Nowaks of 3 Elm Road".
_BEFORE_AN_ADDRESS = regex.compile(r"(?:['’]s)?(?: at | of | from |, | - | – | \(| @ )")
# A possessive and a space, or a space, between a name and a noun after it.
_BEFORE_A_NOUN = regex.compile(r"(?:['’]s)? ")


class _Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def type(self) -> str: ...


class CaseEvidence:
    """Whether an item's texts and their findings name someone as case work does, by the
    evidence listed in this module's docstring."""

    def __init__(self, settings: PersonSettings, vocab: Vocab) -> None:
        self._settings = settings
        self._vocab = vocab

    def names_someone(self, texts: Sequence[str], spans_in_each: Sequence[Sequence[_Span]]) -> bool:
        for text, spans in zip(texts, spans_in_each, strict=True):
            addresses = {s.start for s in spans if s.type == "STREET_ADDRESS"}
            for span in spans:
                if span.type != "PERSON":
                    continue
                words = WORD.findall(text, span.start, span.end)
                if len(words) > 1 and self._unknown_given_name(words[0]):
                    return True
                if len(words) == 1 and (
                    self._case_noun_after(text, span.end)
                    or self._address_after(text, span.end, addresses)
                ):
                    return True
        return False

    def _unknown_given_name(self, word: str) -> bool:
        """Whether the first word of a name in full is capitalised, no listed word, and one
        the model has no vector for (a rare word: a given name, mostly)."""
        lower = unaccented(word.lower())
        settings = self._settings
        return (
            CAPITALISED.match(word) is not None
            and not word.isupper()
            and lower not in settings.titles
            and lower not in settings.not_names
            and lower not in settings.listed_not_names
            and lower not in settings.place_heads
            and not self._vocab.has_vector(word)
        )

    def _case_noun_after(self, text: str, end: int) -> bool:
        gap = _BEFORE_A_NOUN.match(text, end)
        if gap is None:
            return False
        noun = WORD.match(text, gap.end())
        return noun is not None and noun.group() in self._settings.case_nouns

    @staticmethod
    def _address_after(text: str, end: int, addresses: set[int]) -> bool:
        gap = _BEFORE_AN_ADDRESS.match(text, end)
        return gap is not None and gap.end() in addresses
