"""First names that are words ("Grace", "will"), names in lower case and names the model does
not know: where such a word stands as a person's name (mixed into ``_names.PersonRecognizer``)."""

from __future__ import annotations

import regex
from spacy.tokens import Span
from spacy.vocab import Vocab

from scanner.detect._name_likeness import NameLikeness
from scanner.detect._name_shapes import CAPITALISED, WORD
from scanner.detect.recognizers_file import PersonSettings, unaccented

# Titles as quick notes write them, in lower case: "rang mrs okonkwo" ("miss" and "dr" are
# left out: "I miss you", "14 oak dr").
_LOWER_CASE_TITLES = frozenset({"mr", "mrs", "ms", "mx"})
# Words after a lower-case word-name that show it is a verb or a noun: "will be", "hope to",
# "no worries will do".
_NOT_AFTER_A_NAME = frozenset(
    [
        "be",
        "have",
        "not",
        "to",
        "you",
        "need",
        "get",
        "also",
        "is",
        "do",
        "ring",
        "call",
        "text",
        "see",
        "try",
        "let",
        "send",
        "check",
        "sort",
        "pop",
        "come",
        "go",
        "bring",
        "you're",
    ]
)
# Letters of Welsh, which writes places and buildings with them ("Tŷ Newydd", "Ffôn"): a
# word whose only letters beyond ASCII are these is not foreign-shaped.
_WELSH_LETTERS = regex.compile(r"[ŵŷŴŶâêîôûÂÊÎÔÛ]")
# A character that, before a word (spaces aside), puts it at the start of a sentence or line.
_SENTENCE_BREAKS = frozenset('\n.?!:;"“([-•*')
# What follows a word-name that opens a name in title case, as a person's name is not
# followed: "Hope for Every Family", "Joy of Singing".
TITLE_AFTER = regex.compile(r" (?:for|of) \p{Lu}\p{Ll}")


# An advert's heading, not someone's wish: "Stallholders wanted – book a table", "Drivers
# wanted!", "Volunteers wanted for the fete".
_WANTED_AD = regex.compile(r"(?i:wanted)(?:[ \t]*(?:[–—:!-]|\n|\Z)|[ \t]+for\b)")


class WordNameChecks:
    """Whether a word that is a word too, or one the model has no vector for, is a name
    where it stands: by the words around it and the model's vectors."""

    _settings: PersonSettings
    _likeness: NameLikeness

    def _called(
        self, text: str, words: list[regex.Match[str]], i: int, lower: str, vocab: Vocab | None
    ) -> bool:
        """A word-name in lower case right after a word of calling or speaking to someone,
        or a lower-case title: "ring rosemary allen back", "spoke to hope", "rang mrs
        okonkwo". A word the language model does not know counts as well as a word-name
        ("spoke to tesfaye"): after such words an unknown word is a name far more often
        than not."""
        settings = self._settings
        word = words[i].group()
        following = WORD.match(text, words[i].end() + 1)
        if i > 0 and words[i - 1].group() in _LOWER_CASE_TITLES and word.islower():
            return (
                text[words[i - 1].end() : words[i].start()] in (" ", ". ")
                and lower not in settings.not_surnames
            )
        if word.islower() and self._introduced(text, words, i, lower, vocab):
            return True
        if (
            i == 0
            or not word.islower()
            or (
                lower not in settings.word_names
                and lower not in settings.lower_case_word_names
                and not self._unknown_word(lower, vocab)
            )
            or text[words[i - 1].end() : words[i].start()] != " "
            or (following and following.group().lower() in _NOT_AFTER_A_NAME)  # "will be"
        ):
            return False
        previous = words[i - 1]
        before = previous.group().lower()
        if before in settings.calling_words:
            return True
        if i > 1 and text[words[i - 2].end() : previous.start()] == " ":
            return f"{words[i - 2].group().lower()} {before}" in settings.calling_words
        return False

    def _introduced(
        self, text: str, words: list[regex.Match[str]], i: int, lower: str, vocab: Vocab | None
    ) -> bool:
        """A word-name (or a word the model does not know) opening a line or a message,
        followed by "here" and a stop, as people sign a text: "grace here, can tesfay come"."""
        following = words[i + 1] if i + 1 < len(words) else None
        if (
            following is None
            or following.group().lower() != "here"
            or text[words[i].end() : following.start()] != " "
            or text[following.end() : following.end() + 1] not in (",", ".", "!", "\n", "")
        ):
            return False
        settings = self._settings
        if not (
            lower in settings.word_names
            or lower in settings.lower_case_word_names
            or unaccented(lower) in settings.first_names
            or self._unknown_word(lower, vocab)
        ):
            return False
        before = text[max(0, words[i].start() - 12) : words[i].start()].rstrip(" ,").lower()
        return before == "" or before.endswith(("\n", ":", "hi", "hiya", "hey", "hello", "its"))

    def _after_an_ordinary_word(
        self, text: str, words: list[regex.Match[str]], i: int, vocab: Vocab | None
    ) -> bool:
        """Whether the word before word ``i``, one space away, is a capitalised ordinary word
        (one the model's vectors put far from names, see ``_name_likeness``) and no title,
        first name, greeting or name label, inside a sentence: "the Family Star"; "Yesterday
        Grace came" keeps its name."""
        if i == 0 or vocab is None or text[words[i - 1].end() : words[i].start()] != " ":
            return False
        before = words[i - 1].start() - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        if before < 0 or text[before] in _SENTENCE_BREAKS:
            return False  # "Yesterday Grace came": an adverb opening the sentence
        word = words[i - 1].group()
        lower = word.lower()
        settings = self._settings
        if (
            not CAPITALISED.match(word)
            or word.isupper()
            or lower in settings.titles
            or lower in settings.not_names
            or lower in settings.greetings
            or lower in settings.calling_words
            or lower in settings.name_labels
            or unaccented(lower) in settings.first_names
            or lower in settings.word_names
        ):
            return False
        return self._ordinary(word, vocab)

    def _ordinary(self, word: str, vocab: Vocab | None) -> bool:
        """Whether ``word`` (one word) is an ordinary word by the model's vectors: one it has
        a vector for, unlike names' vectors (``person.name_likeness``)."""
        if vocab is None or " " in word:
            return False
        likeness = self._likeness(word, vocab)
        return likeness is not None and likeness < self._settings.name_likeness

    def _word_name(
        self, text: str, words: list[regex.Match[str]], i: int, lower: str, vocab: Vocab | None
    ) -> bool:
        """A first name that is also a word ("Grace"), where it stands as a name.

        It must be capitalised (not all capitals), and either followed by a capitalised word
        or initial ("Grace Mwangi", "Grace M") or where a sentence does not start.
        """
        word = words[i].group()
        if (
            lower not in self._settings.word_names
            or not CAPITALISED.match(word)
            or word.isupper()  # "SUMMER FAIR" is a heading
        ):
            return False
        following = words[i + 1] if i + 1 < len(words) else None
        if (
            following is not None
            and text[words[i].end() : following.start()] == " "
            and CAPITALISED.match(following.group())
            and following.group().lower() not in self._settings.place_words
        ):
            return True
        if (
            following is not None
            and text[words[i].end() : following.start()] == " "
            and following.group().lower() in self._settings.speaking_verbs
        ):
            return True  # "Precious said ...", at the start of a sentence too
        if self._introduced(text, words, i, lower, None):
            return True  # "Grace here, running late"
        if self._after_an_ordinary_word(text, words, i, vocab) or TITLE_AFTER.match(
            text, words[i].end()
        ):
            return False  # "Outcome Star"; "in aid of Hope for Rochdale", "the Joy of Singing"
        before = words[i].start() - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        return before >= 0 and text[before] not in _SENTENCE_BREAKS

    def _speaker(
        self, text: str, words: list[regex.Match[str]], i: int, lower: str, vocab: Vocab | None
    ) -> bool:
        """A capitalised word the language model does not know, before a verb of speaking:
        "Okonkwo rang", "Nwachukwu said no" (at the start of a sentence too)."""
        word = words[i].group()
        following = words[i + 1] if i + 1 < len(words) else None
        return (
            following is not None
            and CAPITALISED.match(word) is not None
            and not word.isupper()
            and text[words[i].end() : following.start()] == " "
            and following.group().lower() in self._settings.speaking_verbs
            and not _WANTED_AD.match(text, following.start())  # "Stallholders wanted – book"
            and self._unknown_word(unaccented(lower), vocab)
            and unaccented(lower) not in self._settings.listed_not_names
        )

    def _foreign_shaped(self, word: str, vocab: Vocab | None) -> bool:
        """A capitalised word with letters English does not write ("Trần", "Wiśniewska",
        "Bhríde", "Yılmaz") that the model's vocabulary does not know: in English text such
        a word is a name far more often than anything else (places abroad are listed)."""
        if (
            word.isascii()
            or not CAPITALISED.match(word)
            or word.isupper()
            or _WELSH_LETTERS.sub("", word).isascii()
            or vocab is None
            or vocab.has_vector(word)
            or vocab.has_vector(word.lower())
        ):
            return False
        plain = unaccented(word)
        settings = self._settings
        return not (
            plain in settings.listed_not_names
            or plain in settings.place_words
            or plain in settings.not_names
        )

    def _unknown_word(self, lower: str, vocab: Vocab | None) -> bool:
        """A word of three letters or more that the model's vocabulary has no vector for;
        of a hyphenated word, one of its parts ("nwachukwu-obi", not "follow-up")."""
        parts = lower.split("-")
        return (
            vocab is not None
            and len(lower) >= 3
            and all(p.isalpha() for p in parts)
            and lower not in self._settings.not_surnames
            and any(len(p) >= 3 and not vocab.has_vector(p) for p in parts)
        )

    def _hyphenated_first_name(self, word: str) -> bool:
        """A hyphenated first name whose parts are first names or word-names, each
        capitalised, one of them a first name not also a word: "Ellie-Mae", "Lily-Rose"."""
        parts = word.split("-")
        if len(parts) < 2 or not all(CAPITALISED.match(p) and not p.isupper() for p in parts):
            return False
        settings = self._settings
        plain = [unaccented(p.lower()) for p in parts]
        known = [p in settings.first_names or p in settings.word_names for p in plain]
        return all(known) or (known[0] and plain[0] in settings.first_names)

    def _lower_case_guess(self, text: str, entity: Span) -> bool:
        """A span the model took for a person that is all in lower case and opens with no
        known first name ("jollof rice", "commode"): lower-case names are capitalised for the
        model before it reads them, so what it finds in lower case on its own is a guess."""
        span = text[entity.start_char : entity.end_char]
        if not span.islower():
            return False
        first = WORD.match(span)
        settings = self._settings
        return first is None or not (
            unaccented(first.group()) in settings.first_names
            or first.group() in settings.lower_case_word_names
        )
