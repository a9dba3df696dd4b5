"""A name found once in a text marks the same name where the text uses it again.

Case notes and minutes give a name in full once ("Precious Okonkwo", a heading's "Trần Văn
Hùng", a register's "OKONKWO") and then use a part of it alone, often where nothing else
says it is a name: at the start of a line ("Hùng is 74"), before a verb the model does not
link to people ("Patience saw a bruise"), after a date ("14/11 Okonkwo rang"). Such a part is
a name there too, as a reader takes it. Only parts that are names beyond doubt are carried
over: the words of a name of two words or more holding a known first name or a word the
model's vocabulary has no vector for (a rare word: a name far more often than not), and a
name of one rare word written with letters English does not use ("Hùng", "Wiśniewska").
A word that is also an ordinary word ("Grace", "Will", "Hope") is carried over only where it
is capitalised, and at the start of a sentence only when no word follows that shows it is the
ordinary word ("Hope you are well" stays a greeting in a letter to Hope Mensah).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import regex
from spacy.vocab import Vocab

from scanner.detect.recognizers_file import PersonSettings, unaccented

_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]*")
_POSSESSIVE = regex.compile(r"['’]s$")
_WELSH_ONLY = regex.compile(r"[ŵŷŴŶ]")
# A character that, before a word (spaces aside), puts it at the start of a sentence or line.
_SENTENCE_BREAKS = frozenset('\n.?!:;"“([•*')
# Words after an ordinary word at the start of a sentence that show it is no name there.
_NOT_AFTER_A_NAME = frozenset(
    [
        "you",
        "to",
        "that",
        "this",
        "all",
        "everyone",
        "so",
        "for",
        "the",
        "we",
        "i",
        "your",
        "it",
        "do",
        "be",
        "and",
        "of",
        "in",
        "is",
        "are",
    ]
)


def _rare(word: str, vocab: Vocab | None) -> bool:
    """A word the model's vocabulary has no vector for, in any case: a rare word."""
    return vocab is not None and not vocab.has_vector(word) and not vocab.has_vector(word.lower())


def carried_words(
    text: str, spans: Iterable[tuple[int, int]], settings: PersonSettings, vocab: Vocab | None
) -> frozenset[str]:
    """The words of found names (in lower case) that mark the same name elsewhere."""
    carried: set[str] = set()
    seen: set[str] = set()  # a table names the same people on many rows
    for start, end in spans:
        if text[start:end] in seen:
            continue
        seen.add(text[start:end])
        words = [
            _POSSESSIVE.sub("", w.group())
            for w in _WORD.finditer(text, start, end)
            if len(w.group().strip(".'’-")) >= 2
        ]
        words = [
            w
            for w in words
            if (lower := w.lower()) not in settings.titles
            and lower not in settings.particles
            and lower not in settings.not_names
            and lower not in settings.not_surnames
        ]
        if any(_WELSH_ONLY.search(w) for w in words):
            continue  # "Tŷ Gofal": a Welsh building's name, not a person's
        sure = [
            len(w) >= 3
            and (
                unaccented(w) in settings.first_names
                or unaccented(w) in settings.word_names
                or _rare(w, vocab)
            )
            for w in words
        ]
        alone_and_rare = len(words) == 1 and not words[0].isascii() and sure[0]
        if (len(words) > 1 and any(sure)) or alone_and_rare:
            carried.update(w.lower() for w in words if len(w) >= 3)
    return frozenset(carried)


def repeated(
    text: str,
    carried: frozenset[str],
    settings: PersonSettings,
    is_name: Callable[[str, int, int], bool],
) -> list[tuple[int, int]]:
    """Where a carried word stands again as a name: capitalised or in capitals, kept by
    ``is_name`` (not part of a street, a saint's or a listed word), and, for a word that is
    also an ordinary one, not at the start of a sentence unless something a person does follows
    ("Patience saw", not "Hope you are well")."""
    if not carried:
        return []
    found = []
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", match.group())
        lower = word.lower()
        if lower not in carried or not word[:1].isupper():
            continue
        start, end = match.start(), match.start() + len(word)
        if _ordinary(lower, settings) and _opens_sentence(text, start) and _no_verb(text, end):
            continue
        if is_name(text, start, end):
            found.append((start, end))
    return found


def _ordinary(lower: str, settings: PersonSettings) -> bool:
    return (
        lower in settings.word_names
        or lower in settings.lower_case_word_names
        or lower in settings.listed_not_names
    )


def _no_verb(text: str, end: int) -> bool:
    """Whether the word after ``end`` shows the word before it is no one's name: "Hope
    you are well", "Will do", "Grace to you"."""
    following = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    return following is None or following.group().lower() in _NOT_AFTER_A_NAME


def _opens_sentence(text: str, start: int) -> bool:
    before = start - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    return before < 0 or text[before] in _SENTENCE_BREAKS
