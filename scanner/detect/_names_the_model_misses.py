"""Capitalised names the model does not tag, found by how they read and the words around them:

- two capitalised words together that the model's vocabulary has no vector for, neither a
  listed word or a place's: a given name and a surname from outside the model's data ("the
  sign-up for Adaobi Nwankwo is booked");
- a capitalised word the model has no vector for right after a word of calling ("spoke to
  Gebremedhin at the council"), as ``_speaker`` reads one before a verb of speaking;
- one to three capitalised words, one of them a known first name, a word-name, a rare word or
  one whose vector is like first names' (``person.name_likeness``), before "from the" and a
  team, a service or a body within five words ("Okafor from the OT team rang", "Kate Dale
  from the housing team will ring", "Grace from the school"): a person's place of work.
  Ordinary words there ("Leaflets from the council") read as no name.
- two capitalised rare words must stand alone: not after a capitalised word, a number or a
  determiner, which make them part of a title, a street or a thing ("Prosiect Cymunedau
  Cryf", "17 Ladywood Middleway", "the Comann Eachdraidh").

Each span is then checked as every other candidate is (``PersonRecognizer.is_name``): places,
listed words and organisations stay out.
"""

from __future__ import annotations

import regex
from spacy.vocab import Vocab

from scanner.detect._name_likeness import NameLikeness
from scanner.detect.recognizers_file import PersonSettings, unaccented

# Two capitalised words, one space between, neither in capitals: "Adaobi Nwankwo".
_PAIR = regex.compile(
    r"(?<![\p{L}\p{M}'’.\-/_@])(\p{Lu}\p{Ll}[\p{Ll}\p{M}]+) (\p{Lu}\p{Ll}[\p{Ll}\p{M}]+)"
    r"(?![\p{L}\p{M}\-@])"
)
# Before a pair: no capitalised word, number or determiner, which make it part of a longer
# name, a street's or a thing's ("Prosiect Cymunedau Cryf", "17 Ladywood Middleway", "the
# Comann Eachdraidh": Welsh, Gaelic and places the model has no vectors for).
_ALONE_BEFORE = regex.compile(
    r"(?:^|(?<![\p{L}\p{M}'’-])(?!(?i:the|our|a|an|this|that|their|y|yr)\b)\p{Ll}[\p{L}\p{M}'’-]*"
    r"[ \t]|[^\p{L}\p{M}\s\d][ \t]*|\n[ \t]*)\Z"
)
_CAPITALISED_AFTER = regex.compile(r" \p{Lu}")
# Calling words that go to places as often as to people: "visited Ynyslas", "see Borth".
_TO_PLACES_TOO = frozenset({"visit", "visited", "see", "saw", "meet", "met", "sent to"})
# One capitalised word: "Gebremedhin".
_CAPITALISED_WORD = regex.compile(r"\p{Lu}\p{Ll}[\p{Ll}\p{M}'’-]+(?![\p{L}\p{M}])")
# One to three capitalised words (a particle between may be lower case) before "from the":
# "Okafor from the", "Kate Dale from the".
_FROM_THE = regex.compile(
    r"(?<![\p{L}\p{M}'’.\-/_@])((?:\p{Lu}[\p{Ll}\p{M}'’-]+ ){1,3})from the ((?:[\p{L}'’-]+ ){0,4}"
    r"[\p{L}'’-]+)"
)
# The nouns of where people work, after "from the": "the OT team", "the sitting service".
_WORKPLACES = frozenset(
    {
        "team", "service", "services", "school", "council", "surgery", "practice", "hospital",
        "office", "trust", "charity", "agency", "centre", "center", "project", "department",
        "nursery", "college", "university", "unit", "clinic", "gp", "hub", "board", "panel",
        "ward", "pharmacy", "police", "fire", "authority", "partnership", "association",
        "foodbank", "bank", "academy", "hospice", "home", "desk", "line", "helpline",
    }
)  # fmt: skip
# Letters of Welsh, which writes places and buildings with them: a word with them is no
# rare name here ("Tŷ Newydd").
_WELSH_LETTERS = regex.compile(r"[ŵŷŴŶâêîôûÂÊÎÔÛ]")


def works_at(text: str, end: int) -> bool:
    """Whether "from the" and a workplace's noun within five words follow ``end``: "Kate
    Dale from the housing team"."""
    match = _WORKPLACE_AFTER.match(text, end)
    return match is not None and any(w.lower() in _WORKPLACES for w in match.group(1).split())


_WORKPLACE_AFTER = regex.compile(r" from the ((?:[\p{L}'’-]+ ){0,4}[\p{L}'’-]+)")


class NamesTheModelMisses:
    """Finds capitalised names that the model does not tag (see the module)."""

    def __init__(self, settings: PersonSettings, likeness: NameLikeness) -> None:
        self._settings = settings
        self._likeness = likeness
        self._not_a_name = (
            settings.titles
            | settings.not_names
            | settings.listed_not_names
            | settings.place_words
            | settings.place_names
            | settings.place_heads
            | settings.saints
            | settings.months
            | settings.name_labels
        )

    def find(self, text: str, vocab: Vocab | None) -> list[tuple[int, int]]:
        """The spans of such names in ``text``, before ``is_name`` checks them."""
        if vocab is None:
            return []
        found = [
            match.span()
            for match in _PAIR.finditer(text, overlapped=True)
            if self._rare(match.group(1), vocab)
            and self._rare(match.group(2), vocab)
            and _ALONE_BEFORE.search(text, max(0, match.start() - 20), match.start()) is not None
            and _CAPITALISED_AFTER.match(text, match.end()) is None
        ]
        found += self._called(text, vocab)
        found += self._from_a_workplace(text, vocab)
        return found

    def _rare(self, word: str, vocab: Vocab) -> bool:
        """A word of three letters or more that the model has no vector for (in any case)
        and that no list holds as a word, a place or a title."""
        plain = unaccented(word.lower())
        return (
            len(word) >= 3
            and plain not in self._not_a_name
            and _WELSH_LETTERS.search(word) is None
            and not vocab.has_vector(word)
            and not vocab.has_vector(word.lower())
        )

    def _reads_as_a_name(self, word: str, vocab: Vocab) -> bool:
        """A known first name, a word-name, a rare word, or one like first names'."""
        settings = self._settings
        return (
            unaccented(word.lower()) in settings.first_names
            or word.lower() in settings.word_names
            or self._rare(word, vocab)
            or self._like_names(word, vocab)
        )

    def _ordinary_plural(self, word: str, vocab: Vocab) -> bool:
        """An ordinary noun's plural ("Bears", "Panthers"), unlike names by its vector: a
        team's or a troupe's last word; "Williams" reads as a name."""
        lower = word.lower()
        return (
            lower.endswith("s")
            and len(lower) > 3
            and vocab.has_vector(lower[:-1])
            and not self._like_names(word, vocab)
        )

    def _like_names(self, word: str, vocab: Vocab) -> bool:
        """A word whose vector is like first names' (``person.name_likeness``, the floor that
        keeps capitalised spans): a surname the model knows ("Okafor"), not an ordinary word
        ("Leaflets")."""
        floor = self._settings.name_likeness
        likeness = self._likeness(word, vocab)
        return floor > 0 and likeness is not None and likeness >= floor

    def _called(self, text: str, vocab: Vocab) -> list[tuple[int, int]]:
        """A rare capitalised word right after a word of calling: "spoke to Gebremedhin".
        Not after a word that goes to places as often ("visited Ynyslas"), nor before an
        ordinary capitalised word, which makes it a place's or a thing's ("Ynyslas Dunes")."""
        found = []
        calling = self._settings.calling_words - _TO_PLACES_TOO
        for match in _CAPITALISED_WORD.finditer(text):
            start = match.start()
            if start < 2 or text[start - 1] != " " or not self._rare(match.group(), vocab):
                continue
            following = _CAPITALISED_WORD.match(text, match.end() + 1)
            if (
                following is not None
                and text[match.end()] == " "
                and not self._reads_as_a_name(following.group(), vocab)
            ):
                continue
            before = text[max(0, start - 20) : start - 1].lower().split()
            if before and (
                before[-1] in calling or (len(before) > 1 and " ".join(before[-2:]) in calling)
            ):
                found.append(match.span())
        return found

    def _from_a_workplace(self, text: str, vocab: Vocab) -> list[tuple[int, int]]:
        """One to three capitalised words before "from the" and a workplace's noun, one of
        them a first name, a word-name or a rare word: "Okafor from the OT team"."""
        found = []
        for match in _FROM_THE.finditer(text):
            place = [w.lower() for w in match.group(2).split()]
            if not any(w in _WORKPLACES for w in place):
                continue
            words = match.group(1).split()
            if self._ordinary_plural(words[-1], vocab):
                continue  # "Quizzly Bears from the Red Lion team": a team's name
            named = [self._reads_as_a_name(w, vocab) for w in words]
            if not any(named):
                continue
            first = named.index(True)  # "Then Kate Dale": the name from its first name on
            if any(unaccented(w.lower()) in self._not_a_name for w in words[first:]):
                continue
            start = match.start(1) + len(" ".join(words[:first])) + (1 if first else 0)
            found.append((start, match.end(1) - 1))
        return found
