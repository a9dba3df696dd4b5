"""Brands, products, bodies and languages that look like people's names: listed words and
phrases, a list of brands around the span, and capitals inside a word ("InForm") (mixed into
``_names.PersonRecognizer``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import regex

from scanner.detect.recognizers_file import PersonSettings, unaccented

# The items of a list beside a span, a comma between: "Primark, George, F&F, Matalan".
_ITEM_BEFORE = regex.compile(
    r"(?:^|(?<=[(:;,]) ?)([^\s,;:()][^,;:()\n]{0,40}), \Z", regex.MULTILINE
)
_ITEM_AFTER = regex.compile(
    r", ([^\s,;:()][^,;:()\n]{0,40}?)(?=[,;:)]|[ \t]*$| (?:and|or|&) )", regex.MULTILINE
)
# A character no name holds, which marks a list's item as a brand or a code: "M&S", "LV=".
_NO_NAME_CHARACTER = regex.compile(r"[^\p{L}\p{M} '’.-]")
_LETTER = regex.compile(r"\p{L}")
# A capital after a lower-case letter inside a word: "InForm", "McDonald".
_INNER_CAPITAL = regex.compile(r"(?<=\p{Ll})\p{Lu}")
# A word of a listed phrase, or of the text around a span: letters, marks and digits, with the
# apostrophes, full stops, hyphens and underscores inside it ("E.ON", "Co-op", "Jacob's").
_PHRASE_WORD = regex.compile(r"[\p{L}\p{M}\d]+(?:['’.\-_][\p{L}\p{M}\d]+)*")
# What a phrase's key leaves out, inside a word and between two: "Dr. Martens" is "Dr
# Martens", "Co-op" is "Coop"; a comma or an "&" between words stays ("Wallace & Gromit").
_NOT_IN_A_KEY = regex.compile(r"[\s'’.\-_]+")
# A possessive ending a phrase's last word in the text: "Victoria's", "Spencer’s".
_POSSESSIVE_END = regex.compile(r"['’]s\Z")
# How far around a span its phrase is looked for, in characters.
_PHRASE_REACH = 100


class ListedPhrases:
    """The listed names of several words ("Marks and Spencer", "Walker Morris"), looked up
    by key where a span stands, not compiled into one pattern: the pattern of hundreds of
    phrases took a tenth of a second to build at every start."""

    def __init__(self, phrases: Iterable[str]) -> None:
        keys = set()
        self._words: set[str] = set()  # every word of every phrase, keyed
        self._longest = 1
        for phrase in phrases:
            words = _PHRASE_WORD.findall(phrase)
            if len(words) > 1:
                keys.add(_key(phrase))
                self._words.update(_key(w) for w in words)
                self._longest = max(self._longest, len(words))
        self._keys = frozenset(keys)

    def hides(self, text: str, start: int, end: int) -> bool:
        """Whether a listed phrase covers ``text[start:end]``, or ends where it ends after a
        word of it ("Ashton" before "Salvation Army": "the Ashton Salvation Army band")."""
        if not self._keys:
            return False
        low, high = max(0, start - _PHRASE_REACH), min(len(text), end + _PHRASE_REACH)
        words = [
            w
            for w in _PHRASE_WORD.finditer(text, low, high)
            if not (w.start() == low and low and text[low - 1].isalnum())
            and not (w.end() == high and high < len(text) and text[high].isalnum())
        ]
        for i, first in enumerate(words):
            if first.start() > end:
                break
            opening = _key(first.group())
            if opening not in self._words and opening not in self._keys:
                continue
            key = ""
            for j in range(i, min(i + self._longest, len(words))):
                last = words[j]
                if first.start() > start and last.end() > end:
                    break  # no window starting here ends at the span's end or covers it
                if j > i:
                    key += _key(text[words[j - 1].end() : last.start()])
                key += _key(last.group())  # one word may hold a phrase: "Vice-Chair"
                if (
                    (
                        key in self._keys
                        # a possessive after the phrase's last word: "Queen Victoria's Jubilee"
                        or (
                            _POSSESSIVE_END.search(last.group()) is not None
                            and key[:-1] in self._keys
                        )
                    )
                    and (
                        (first.start() <= start and end <= last.end())
                        or (start < first.start() and last.end() == end)
                    )
                ):
                    return True
        return False


def _key(words: str) -> str:
    """A phrase or a word as looked up: in lower case, without diacritics, less white space,
    apostrophes, full stops, hyphens and underscores."""
    return _NOT_IN_A_KEY.sub("", unaccented(words))


class BrandChecks:
    """Whether a span is a listed non-name or a brand, by the lists and the span's shape."""

    _settings: PersonSettings
    # Listed names of several words ("Marks and Spencer", "Walker Morris").
    _listed_phrases: ListedPhrases

    def _listed(self, words: list[str]) -> bool:
        """Whether the words are a language, a place or a job ("Dari", "Headteacher")."""
        listed = self._settings.listed_not_names
        accented = self._settings.listed_accented
        plain = [unaccented(w) for w in words]
        return " ".join(plain) in listed or all(
            p in listed or unicodedata.normalize("NFC", w) in accented
            for w, p in zip(words, plain, strict=True)
        )

    def _opens_with_an_organisation(self, words: list[str]) -> bool:
        """Whether a span of two words or more opens with a listed organisation that is no
        first name or word-name: the organisation's branch or shop ("Asda Boldon", "Tesco
        Extra Washington")."""
        settings = self._settings
        first = unaccented(words[0])
        return (
            len(words) > 1
            and first in settings.organisation_names
            and first not in settings.first_names
            and first not in settings.word_names
        )

    def _among_things(self, text: str, start: int, end: int, *, both: bool = False) -> bool:
        """Whether the span is an item of a list whose items beside it, a comma between,
        are no one's name: listed brands, bodies or places, or codes ("Primark, George,
        F&F, Matalan", "Next, M&S, Zara, H&M"); one at least must be listed, or both be
        codes with letters. "Attendees: Sarah, Tom, Age UK" keeps "Tom", whose neighbour
        "Sarah" is no listed word, and "Daughters (Luwam, 15, Selam, 12)" keeps "Selam":
        an age is no brand. With ``both`` (a span of several words, "Hugo Boss, Paul Smith,
        Tommy Hilfiger"), it needs listed items on both sides."""
        neighbours = [
            match.group(1).strip()
            for match in (
                _ITEM_BEFORE.search(text, max(0, start - 44), start),
                _ITEM_AFTER.match(text, end),
            )
            if match is not None
        ]
        listed = [self._listed(unaccented(n.lower()).split()) for n in neighbours]
        if both:
            return len(neighbours) == 2 and all(listed)
        return (any(listed) or len(neighbours) == 2) and all(
            is_listed
            or (_NO_NAME_CHARACTER.search(n) is not None and _LETTER.search(n) is not None)
            for n, is_listed in zip(neighbours, listed, strict=True)
        )

    def _branded(self, span: str) -> bool:
        """Whether a word of the span has a capital inside it after letters that are no
        name's prefix and no first name: a product or a brand ("InForm", "AdviceProMax"),
        where "McDonald", "NicLeòid", "DeShawn" and "JoAnne" are names."""
        settings = self._settings
        for word in span.split():
            for part in word.split("-"):
                inner = _INNER_CAPITAL.search(part)
                if inner is None:
                    continue
                prefix = unaccented(part[: inner.start()].lower())
                if (
                    prefix not in settings.inner_capital_prefixes
                    and prefix not in settings.first_names
                ):
                    return True
        return False

    def _outside_listed_phrases(
        self, text: str, spans: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """The spans less those inside a listed name of several words ("Spencer" in "Marks
        and Spencer", "John Lewis" in "John Lewis Partnership") or ending in one, a place
        before it: "the Ashton Salvation Army band"."""
        return [
            (start, end) for start, end in spans if not self._listed_phrases.hides(text, start, end)
        ]
