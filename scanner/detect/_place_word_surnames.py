"""Names whose surname is a street's or a place's word: "Sam Green", "Priya Hill", "Tom Lane",
"Ruth Street".

Elsewhere a place word ends a place ("Hope Street", "Grace Lane", "Victoria Park"), and many
places are named with a first name, so a first name before one settles nothing on its own.
Here such a pair is a person's name when three things hold:

- the first word is a known first name that is no ordinary word ("Sam", "Priya"; not "Grace",
  "Rose" or "Hope", which name streets and hills as often: ``person.word_names``);
- nothing around it makes it a place: no house number, word of where or way ("at", "along",
  "into"), determiner ("the", "our") or saint's word before it, and no capitalised word after
  it ("Victoria Park Road", "Kate Hill Farm");
- something around it makes it a person: a word of calling or speaking to someone before it
  ("spoke to", "ring"), a greeting or a closing ("Thanks, Nadia Grove"), a noun said of a
  person ("our volunteer Amy Park", ``person.person_nouns``); or after it a verb of speaking
  ("Ben Marsh said"), a possessive and a person's noun ("Ruth Street's daughter"), a
  person's noun or an age in brackets ("Priya Hill (volunteer)"), a mail address in angle
  brackets ("Tom Lane <tom.lane@...>"), "from the" and a workplace ("Kate Dale from the
  housing team"), or a personal pronoun later in its sentence ("Amy Park missed her
  appointment").

Once the text names someone so, the same two words elsewhere in it are that person too, where
nothing makes them a place ("> Harry Court" signing a quoted message).
"""

from __future__ import annotations

import regex

from scanner.detect._name_shapes import WORD_AT_END
from scanner.detect._names_the_model_misses import works_at
from scanner.detect.recognizers_file import PersonSettings, unaccented

# Words before a place, not before a person: where, which way, a determiner. "to" is here
# ("go to Stanley Park"), so "spoke to" and the other calling phrases are looked for first.
_PLACE_BEFORE = frozenset(
    {
        "in", "at", "on", "into", "onto", "to", "from", "near", "by", "via", "round",
        "around", "past", "along", "up", "down", "across", "off", "through", "towards",
        "toward", "behind", "opposite", "outside", "inside", "beside", "of", "the", "our",
        "a", "an", "this", "that", "corner", "top", "bottom", "end", "far", "then", "left",
        "right", "under", "over", "between", "beyond", "nr", "opp",
    }
)  # fmt: skip
# Calling words that go to places as often as to people: "visit Victoria Park", "see Park
# Hill on the map", "sent to Albert Court".
_NOT_CALLING_HERE = frozenset({"see", "saw", "visit", "visited", "sent to", "heard from", "meet"})
# A personal pronoun: later in the sentence, it says the sentence is about someone.
_PRONOUN = regex.compile(
    r"(?<![\p{L}\p{M}'’])(?i:he|she|him|his|her|hers|himself|herself)(?![\p{L}\p{M}'’])"
)
# Verbs said of places as much as of people, right after the pair: a pronoun later in the
# sentence then says nothing ("Victoria Park was packed and he loved it").
_PLACE_VERBS = frozenset(
    {
        "is", "was", "are", "were", "has", "had", "will", "would", "can", "could", "looks",
        "looked", "opens", "opened", "closes", "closed", "hosts", "hosted", "gets", "got",
        "became", "becomes", "needs", "needed", "stays", "stayed",
    }
)  # fmt: skip
# Where a sentence ends: the pronoun is looked for before it.
_SENTENCE_END = regex.compile(r"[.!?\n]")
_PRONOUN_REACH = 80
# A mail address in angle brackets after a display name: "Tom Lane <tom.lane@example.net>".
_ADDRESS_AFTER = regex.compile(r" ?<[^<>\s@]+@")
# An age after the name: "Amy Park, 14,", "Amy Park (14)", "Amy Park, aged 14".
_AGE_AFTER = regex.compile(
    r"(?:,? \((?:aged? )?\d{1,3}\)|, (?:aged? )?\d{1,3}(?=[,;)]| (?:years?|yrs?|yo)\b|[ \t]*$))",
    regex.MULTILINE,
)
# A person's noun in brackets after the name: "(volunteer)", "(her son)", "(Chair)".
_BRACKETED_AFTER = regex.compile(r" \((?:(?:his|her|their|my|our|the) )?([\p{L}'’-]+)")
# A possessive and the noun after it: "Ruth Street's daughter".
_OWNED_AFTER = regex.compile(r"['’]s ([\p{Ll}]+)")
# A comma and a verb of speaking after the name, or the verb at once: "Ben Marsh said".
_WORD_AFTER = regex.compile(r",? ([\p{L}'’]+)")
# A capitalised word after the name, a longer place's or firm's name: "Victoria Park Road".
_CAPITALISED_AFTER = regex.compile(r"(?:['’]s)? \p{Lu}")
# A number just before the name, a house's number: "3 Tom Lane", "Flat 2, 14 Green Lane";
# not a time or a date ("at 16:12, Tom Lane <...> wrote").
_NUMBER_BEFORE = regex.compile(r"(?<![\d:./-])\d{1,4}[\p{L}]?,? \Z")
# A greeting or a closing and a comma before the name on its line: "Thanks, Nadia Grove".
_SIGNED_BEFORE = regex.compile(r"(?:^|[\n>])[ \t>]*([\p{L} ]+?)[,!]? \Z")


class PlaceWordSurnames:
    """Finds first names with a place word for a surname where the text means a person."""

    def __init__(self, settings: PersonSettings) -> None:
        self._settings = settings
        surnames = settings.surname_place_words | settings.street_surnames
        alternatives = "|".join(
            sorted((regex.escape(w.capitalize()) for w in surnames), key=len, reverse=True)
        )
        self._pair = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}'’.\-/_@])(\p{{Lu}}[\p{{Ll}}\p{{M}}]+) "
            rf"({alternatives or '(?!)'})(?![\p{{L}}\p{{M}}\-])"
        )
        self._calling = settings.calling_words - _NOT_CALLING_HERE
        self._signing = settings.greetings | settings.closings
        self._person_nouns = settings.person_nouns | settings.name_labels

    def find(self, text: str) -> list[tuple[int, int]]:
        """The spans of such names in ``text``: each pair where something says a person is
        meant, then every other place the text uses a pair it found so, if nothing there
        says a place."""
        settings = self._settings
        candidates = []
        for match in self._pair.finditer(text, overlapped=True):
            first = unaccented(match.group(1).lower())
            if (
                first in settings.first_names
                and first not in settings.word_names
                and first not in settings.lower_case_word_names
                and not self._placed(text, match.start(), match.end())
            ):
                candidates.append(match)
        people = {
            m.group()
            for m in candidates
            if self._person_before(text, m.start()) or self._person_after(text, m.end())
        }
        return [m.span() for m in candidates if m.group() in people]

    def _placed(self, text: str, start: int, end: int) -> bool:
        """Whether a house number, a word of where, a determiner or a saint's word stands
        before the pair, or a capitalised word after it: a place's name, or part of one."""
        if _NUMBER_BEFORE.search(text, max(0, start - 10), start) or _CAPITALISED_AFTER.match(
            text, end
        ):
            return True
        before = _word_before(text, start)
        if not before or self._calling_before(text, start):
            return False
        settings = self._settings
        return (
            before in _PLACE_BEFORE
            or before in settings.saints
            or before in settings.place_heads
            or before in settings.titles  # a titled name is found anyway
        )

    def _calling_before(self, text: str, start: int) -> bool:
        """Whether one of ``person.calling_words`` (one or two words) ends just before."""
        window = text[max(0, start - 30) : start].lower()
        if not window.endswith(" "):
            return False
        words = window.split()
        return bool(words) and (
            words[-1] in self._calling
            or (len(words) > 1 and f"{words[-2]} {words[-1]}" in self._calling)
        )

    def _person_before(self, text: str, start: int) -> bool:
        """Whether the words before the pair say it is a person: a word of calling, a
        person's noun ("our volunteer"), or a greeting or closing opening its line."""
        if self._calling_before(text, start):
            return True
        if _word_before(text, start) in self._person_nouns:
            return True
        signed = _SIGNED_BEFORE.search(text, max(0, start - 30), start)
        return signed is not None and signed.group(1).strip().lower() in self._signing

    def _person_after(self, text: str, end: int) -> bool:
        """Whether the words after the pair say it is a person: a verb of speaking, a
        possessive and a person's noun, a person's noun or an age in brackets, a mail
        address in angle brackets, or a personal pronoun later in its sentence."""
        settings = self._settings
        word = _WORD_AFTER.match(text, end)
        if word is not None and word.group(1).lower() in settings.speaking_verbs:
            return True
        owned = _OWNED_AFTER.match(text, end)
        if owned is not None and owned.group(1) in self._person_nouns:
            return True
        bracketed = _BRACKETED_AFTER.match(text, end)
        if bracketed is not None and bracketed.group(1).lower() in self._person_nouns:
            return True
        if _ADDRESS_AFTER.match(text, end) or _AGE_AFTER.match(text, end) or works_at(text, end):
            return True  # "Tom Lane <tom.lane@...>", "Amy Park, 14,", "Kate Dale from the team"
        if word is not None and word.group(1).lower() in _PLACE_VERBS:
            return False  # "Victoria Park was packed and he loved it": a place's verb
        stop = _SENTENCE_END.search(text, end, end + _PRONOUN_REACH)
        return (
            _PRONOUN.search(text, end, stop.start() if stop else end + _PRONOUN_REACH) is not None
        )


def _word_before(text: str, start: int) -> str:
    """The word just before ``start`` (spaces and one comma between), in lower case."""
    before = text[max(0, start - 30) : start].rstrip(" ,")
    match = WORD_AT_END.search(before)
    return match.group().lower() if match else ""
