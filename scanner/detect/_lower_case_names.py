"""Names in lower case in text-message style that no list holds: "frank says his appt moved",
"visited ola at her mums", "morning, dean here", "the cousin mason d.o.b 12th june",
"jaydens dob is 03/03/15".

A lower-case word is a name here when it reads as one and stands where a person does. It
reads as one when it is a known first name, a word the model's vocabulary has no vector for
(a rare word: a name far more often than not), or a word whose vector is close to first names'
(``person.lower_case_likeness``, higher than the floor that keeps capitalised spans: "ola",
"mason", "dean" and "frank" sit near 0.5-0.6, "mum", "nan", "carer", "landlord" and "school"
below 0.4). It stands where a person does before a verb of speaking ("frank says"), after a
word of calling ("visited ola"), as a text's signature ("morning, dean here,"), before a date
of birth's cue ("mason d.o.b"), owning one without its apostrophe ("jaydens dob"), or alone
on the text's last line after a blank line, signing it ("...phones quiet after 4.\n\nkat"). A
determiner or a possessive before it ("the dean said", "my nan says") makes it a noun.

Once a text names someone so, the same word elsewhere in it in lower case is that person
("can ola come", "yes ola is on the list"), unless it is a word-name that is also a common
word ("will", "hope") or a word after it shows the ordinary word ("frank about").
"""

from __future__ import annotations

import regex
from spacy.vocab import Vocab

from scanner.detect._name_likeness import NameLikeness
from scanner.detect._name_shapes import WORD
from scanner.detect.recognizers_file import PersonSettings, unaccented

# Words before a lower-case word that make it a noun: "the dean said", "my nan says".
_NOUN_BEFORE = frozenset(
    {
        "the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "our",
        "their", "its", "be", "no", "any", "every", "each", "some", "of",
    }
)  # fmt: skip
# Cues of a date of birth after a name: "mason d.o.b 12th june 2012", "jade, born 5.6.2013".
_BIRTH_CUE = regex.compile(r",? (?:dob|d\.o\.b\.?|born|bday|birthday|b\.)(?![\p{L}])")
# Words after a carried word that show it is the ordinary word: "frank about", "will be".
_NOT_AFTER_A_NAME = frozenset(
    {"be", "have", "not", "to", "you", "need", "about", "with", "of", "and", "as", "up"}
)
# Nouns a name owns without its apostrophe in a text: "jaydens dob", "kaylas is 12/9/17".
_OWNED = frozenset({"dob", "d.o.b", "birthday", "bday", "is", "was", "appt", "school"})
# A lower-case word alone on the text's last line, after a blank line: a note's signature.
_LAST_LINE_WORD = regex.compile(r"\n[ \t]*\n[ \t>]*(\p{Ll}[\p{Ll}\p{M}'’-]+)[ \t.!x]*\s*\Z")
# What may open a message before a name and "here": "morning, ", "hiya its ".
_INTRODUCING = ("its", "it's", "it’s", "this is")


class LowerCaseNames:
    """Finds lower-case names by how they read and where they stand (see the module)."""

    def __init__(self, settings: PersonSettings, likeness: NameLikeness) -> None:
        self._settings = settings
        self._likeness = likeness
        self._not_a_name = (
            settings.titles
            | settings.not_names
            | settings.not_surnames
            | settings.speaking_verbs
            | settings.calling_words
            | settings.listed_not_names
            | settings.place_words
            | settings.person_nouns
        )
        self._owned = _OWNED | settings.person_nouns
        openers = "|".join(
            regex.escape(w)
            for w in sorted(settings.greetings | set(_INTRODUCING), key=len, reverse=True)
        )
        # A line's or a message's start, a greeting and "its" or neither, then the name.
        self._opening = regex.compile(
            rf"(?:^|[\n:])[ \t]*(?:(?:{openers})[,!]?[ \t]+)?(?:(?:{'|'.join(_INTRODUCING)}) )?\Z",
            regex.IGNORECASE,
        )

    def find(self, text: str, vocab: Vocab | None) -> list[tuple[int, int]]:
        """The spans of lower-case names in ``text``."""
        if vocab is None or self._settings.lower_case_likeness <= 0:
            return []
        words = list(WORD.finditer(text))
        found: list[tuple[int, int]] = []
        named: set[str] = set()
        for i, word in enumerate(words):
            lower = word.group()
            if (
                not lower.islower()
                or len(lower) < 2
                or (word.start() > 0 and text[word.start() - 1] in "@./_-")  # a path, an address
                or text[word.end() : word.end() + 1] in ("@", "_", "/")
            ):
                continue
            if self._owner(text, words, i, vocab):
                found.append((word.start(), word.end()))
                continue
            if (  # where it stands first: the vectors are looked up only there
                self._speaks(text, words, i)
                or self._called(text, words, i)
                or self._signs(text, words, i)
                or _BIRTH_CUE.match(text, word.end()) is not None
            ) and not (
                self._after_a_determiner(words, i, text) or not self._reads_as_a_name(lower, vocab)
            ):
                found.append((word.start(), word.end()))
                if lower not in self._settings.lower_case_word_names:
                    named.add(lower)
        signature = _LAST_LINE_WORD.search(text)
        if signature is not None and self._reads_as_a_name(signature.group(1), vocab):
            found.append(signature.span(1))  # "...phones quiet after 4.\n\nkat"
            named.add(signature.group(1))
        if named:
            found += self._again(text, words, named, found)
        return found

    def _reads_as_a_name(self, lower: str, vocab: Vocab) -> bool:
        """Whether a lower-case word reads as a name: a known first name, a word the model
        has no vector for, or one whose vector is like first names'."""
        plain = unaccented(lower)
        if plain in self._not_a_name or not lower.isalpha():
            return False
        if plain in self._settings.first_names:
            return True
        if len(lower) >= 3 and not vocab.has_vector(lower):
            return True
        likeness = self._likeness(lower, vocab)
        return likeness is not None and likeness >= self._settings.lower_case_likeness

    def _owner(self, text: str, words: list[regex.Match[str]], i: int, vocab: Vocab) -> bool:
        """Whether a lower-case word is a known first name and an "s", no apostrophe, before
        what it owns: "jaydens dob", "kaylas is 12/9/17" (the word itself no ordinary one)."""
        word = words[i].group()
        if (
            len(word) < 4
            or not word.islower()
            or not word.endswith("s")
            or unaccented(word[:-1]) not in self._settings.first_names
            or vocab.has_vector(word)
            or i + 1 >= len(words)
            or text[words[i].end() : words[i + 1].start()] != " "
        ):
            return False
        return words[i + 1].group().lower().rstrip(".") in self._owned

    def _after_a_determiner(self, words: list[regex.Match[str]], i: int, text: str) -> bool:
        return (
            i > 0
            and text[words[i - 1].end() : words[i].start()] == " "
            and words[i - 1].group().lower() in _NOUN_BEFORE
        )

    def _speaks(self, text: str, words: list[regex.Match[str]], i: int) -> bool:
        """A verb of speaking after the word, a comma between or not: "frank says"."""
        if i + 1 >= len(words):
            return False
        gap = text[words[i].end() : words[i + 1].start()]
        return gap in (" ", ", ") and words[i + 1].group().lower() in self._settings.speaking_verbs

    def _called(self, text: str, words: list[regex.Match[str]], i: int) -> bool:
        """A word of calling (one word or two) just before: "visited ola", "spoke to kemi"."""
        if i == 0 or text[words[i - 1].end() : words[i].start()] != " ":
            return False
        calling = self._settings.calling_words
        before = words[i - 1].group().lower()
        if before in calling:
            return True
        return (
            i > 1
            and text[words[i - 2].end() : words[i - 1].start()] == " "
            and f"{words[i - 2].group().lower()} {before}" in calling
        )

    def _signs(self, text: str, words: list[regex.Match[str]], i: int) -> bool:
        """The word and "here" opening a message, after a greeting or nothing: "morning,
        dean here,", "hiya its tasha here"."""
        if i + 1 >= len(words) or words[i + 1].group().lower() != "here":
            return False
        after = words[i + 1].end()
        if text[words[i].end() : words[i + 1].start()] != " " or text[after : after + 1] not in (
            ",",
            ".",
            "!",
            "\n",
            "",
        ):
            return False
        return (
            self._opening.search(text, max(0, words[i].start() - 25), words[i].start()) is not None
        )

    def _again(
        self,
        text: str,
        words: list[regex.Match[str]],
        named: set[str],
        found: list[tuple[int, int]],
    ) -> list[tuple[int, int]]:
        """The other places the text uses a lower-case word it named someone with."""
        taken = {start for start, _ in found}
        again = []
        for i, word in enumerate(words):
            if word.group() not in named or word.start() in taken:
                continue
            following = words[i + 1].group().lower() if i + 1 < len(words) else ""
            if self._after_a_determiner(words, i, text) or following in _NOT_AFTER_A_NAME:
                continue
            again.append((word.start(), word.end()))
        return again
