"""Mentions of the register's known subjects in text, found by exact lookup.

Built once from a ``ConsentBook``'s subjects into dictionaries keyed by normalised values,
so the cost of reading a text grows with the text, not with the register: a 50,000-person
register costs the same per word as a 50-person one (see bench/bench_subjects.py).

A *strong* mention identifies a subject by itself: a full name or alias of two or more words,
an email address, a phone number, an NHS or National Insurance number, the first line of an
address. A *partial* mention only narrows the field: a title and surname ("Mrs Begum"), a
first name alone, a postcode, a date of birth. ``scanner.attribution`` decides which partial
mentions belong to whom, using the strong mentions in the same item.
"""

from __future__ import annotations

import functools
import sys
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import regex

from scanner import identifiers
from scanner.consent import KnownSubject

# The longest name or address line looked up, in words.
_MAX_PHRASE_WORDS = 6
_WORD = regex.compile(r"[\p{L}\p{M}\d][\p{L}\p{M}\d’'.\-]*")
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Rev", "Revd", "Cllr", "Sister", "Nurse")
_TITLE_WORDS = frozenset(title.lower() for title in _TITLES)
_TITLE_AND_SURNAME = regex.compile(
    rf"\b(?:{'|'.join(_TITLES)})\.?\s+(\p{{Lu}}['’]?\p{{L}}[\p{{L}}\p{{M}}'’\-]*)"
)
# Starting only where a run of address characters starts: without the look-behind a long
# word with no "@" costs time in the square of its length (a match is tried from each of its
# characters to its end).
_EMAIL = regex.compile(r"(?<![\w.+'\-])[\w.+'\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Seven to fifteen digits, with at most two separators between any two of them.
_DIGITS = regex.compile(r"(?<![\w+])\+?\d(?:[ \-./()]{0,2}\d){6,14}(?!\w)")
# Grouped any way, with spaces, hyphens or dots ("QQ-12-34-56-C", "QQ 123 456 C").
_NINO = regex.compile(r"\b[A-Za-z][ .\-]?[A-Za-z](?:[ .\-]?\d){6}(?:[ .\-]?[A-Da-d])?\b")
_NINO_SEPARATORS = regex.compile(r"[\s.\-]")
_POSTCODE = regex.compile(r"\b[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_NUMERIC_DATE = regex.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
_ISO_DATE = regex.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WRITTEN_DATE = regex.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?(?:\s+|-)("
    + "|".join(_MONTHS)
    + r")\.?(?:,?\s+|-)(\d{4}|['’]?\d{2})\b(?![:.]\d)",
    regex.IGNORECASE,
)
# The month first, as American forms and mail write it: "April 3, 2011", "Sept 12th 2013".
_MONTH_FIRST_DATE = regex.compile(
    r"\b(" + "|".join(_MONTHS) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b",
    regex.IGNORECASE,
)

STRONG = "strong"
PARTIAL = "partial"
# A title and surname: partial, but enough when only one subject has that surname.
TITLED = "titled"


@dataclass(frozen=True)
class Mention:
    """Where a text names or identifies registered subjects; ``refs`` may hold several
    (two people called "John Smith", or every "Mrs Begum")."""

    start: int
    end: int
    type: str
    refs: frozenset[str]
    strength: str


@functools.lru_cache(maxsize=200_000)
def _word_key(word: str) -> str:
    """One word as ``identifiers.name_words`` writes it: "O'Neill's" -> "oneill"."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    words = identifiers.name_words(word.rstrip(".'’-"))
    return "".join(words)


class _Index:
    """Values of one kind of identifier to the subjects that hold them."""

    def __init__(self) -> None:
        self.refs: defaultdict[object, set[str]] = defaultdict(set)

    def add(self, key: object, ref: str) -> None:
        if key:
            self.refs[key].add(ref)

    def get(self, key: object) -> frozenset[str]:
        found = self.refs.get(key)
        return frozenset(found) if found else frozenset()


class SubjectMatcher:
    """Finds mentions of known subjects in text. Build it with ``from_subjects``."""

    def __init__(self) -> None:
        self.names = _Index()
        self.addresses = _Index()
        self.surnames = _Index()
        self.first_names = _Index()
        self.emails = _Index()
        self.phones = _Index()
        self.nhs_numbers = _Index()
        self.ni_numbers = _Index()
        self.postcodes = _Index()
        self.dates_of_birth = _Index()
        self.phrase_starts: set[str] = set()
        self.subjects: dict[str, KnownSubject] = {}

    @classmethod
    def from_subjects(cls, subjects: Iterable[KnownSubject]) -> SubjectMatcher:
        matcher = cls()
        for subject in subjects:
            matcher._add(subject)
        return matcher

    def _add(self, subject: KnownSubject) -> None:
        ref = subject.ref
        self.subjects[ref] = subject
        for name in subject.names:
            words = identifiers.name_words(name)
            while words and words[0] in _TITLE_WORDS:
                words = words[1:]
            if len(words) >= 2:
                for variant in {words, (words[0], words[-1])}:
                    self._add_phrase(self.names, variant, ref)
                self.surnames.add(words[-1], ref)
            if words:
                self.first_names.add(words[0], ref)
        first_line = subject.address.split(",")[0]
        address = identifiers.name_words(first_line)
        if len(address) >= 2:
            self._add_phrase(self.addresses, address, ref)
        for value in subject.emails:
            self.emails.add(identifiers.email(value), ref)
        for value in subject.phones:
            self.phones.add(identifiers.phone(value), ref)
        self.nhs_numbers.add(identifiers.nhs_number(subject.nhs_number), ref)
        self.ni_numbers.add(identifiers.ni_number(subject.ni_number)[:8], ref)
        self.postcodes.add(identifiers.postcode(subject.postcode), ref)
        self.dates_of_birth.add(subject.dob, ref)

    def _add_phrase(self, index: _Index, words: tuple[str, ...], ref: str) -> None:
        if len(words) <= _MAX_PHRASE_WORDS:
            index.add(words, ref)
            self.phrase_starts.add(words[0])

    def find(self, text: str) -> list[Mention]:
        """Every mention of a known subject in ``text``, in order."""
        mentions = self._phrases(text)
        taken = [(m.start, m.end) for m in mentions]
        mentions += self._identifiers(text)
        for match in _TITLE_AND_SURNAME.finditer(text):
            refs = self.surnames.get(_word_key(match.group(1)))
            if refs and not _inside(match.start(1), match.end(1), taken):
                end = match.end() - 2 if match.group(1).endswith(("'s", "’s")) else match.end()
                mentions.append(Mention(match.start(), end, "PERSON", refs, TITLED))
        return sorted(mentions, key=lambda m: (m.start, -m.end))

    def _phrases(self, text: str) -> list[Mention]:
        """Full names, aliases and address lines (longest first), and lone first names."""
        words = [(m.start(), m.end(), _word_key(m.group())) for m in _WORD.finditer(text)]
        mentions = []
        i = 0
        while i < len(words):
            start, _end, key = words[i]
            found = None
            if key in self.phrase_starts:
                for n in range(min(_MAX_PHRASE_WORDS, len(words) - i), 1, -1):
                    phrase = tuple(w[2] for w in words[i : i + n])
                    for kind, index in (("PERSON", self.names), ("STREET_ADDRESS", self.addresses)):
                        refs = index.get(phrase)
                        if refs:
                            found = Mention(start, words[i + n - 1][1], kind, refs, STRONG)
                            break
                    if found:
                        break
            if found:
                if text[found.start : found.end].endswith(("'s", "’s")):
                    found = Mention(found.start, found.end - 2, found.type, found.refs, STRONG)
                mentions.append(found)
                i += 1
                while i < len(words) and words[i][0] < found.end:
                    i += 1
                continue
            if text[start].isupper() and key not in _TITLE_WORDS:
                refs = self.first_names.get(key)
                if refs:
                    stop = _end - 2 if text[start:_end].endswith(("'s", "’s")) else _end
                    mentions.append(Mention(start, stop, "PERSON", refs, PARTIAL))
            i += 1
        return mentions

    def _identifiers(self, text: str) -> list[Mention]:
        mentions = []
        for match in _EMAIL.finditer(text):
            refs = self.emails.get(match.group().lower())
            mentions += _mention(match, "EMAIL_ADDRESS", refs, STRONG)
        for match in _DIGITS.finditer(text):
            digits = regex.sub(r"\D", "", match.group())
            if len(digits) == 10:
                mentions += _mention(match, "UK_NHS", self.nhs_numbers.get(digits), STRONG)
            refs = (
                self.phones.get(identifiers.phone(match.group()))
                if self.phones.refs
                else frozenset()
            )
            mentions += _mention(match, "PHONE_NUMBER", refs, STRONG)
        for match in _NINO.finditer(text):
            key = _NINO_SEPARATORS.sub("", match.group()).upper()[:8]
            mentions += _mention(match, "UK_NINO", self.ni_numbers.get(key), STRONG)
        for match in _POSTCODE.finditer(text):
            refs = self.postcodes.get(identifiers.postcode(match.group()))
            mentions += _mention(match, "UK_POSTCODE", refs, PARTIAL)
        if self.dates_of_birth.refs:
            for match, day in dates(text):
                mentions += _mention(match, "DATE_OF_BIRTH", self.dates_of_birth.get(day), PARTIAL)
        return mentions


def _mention(
    match: regex.Match[str], kind: str, refs: frozenset[str] | None, strength: str
) -> list[Mention]:
    return [Mention(match.start(), match.end(), kind, refs, strength)] if refs else []


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``start:end`` lies inside one of ``spans``, which are in order and do not
    overlap (as ``_phrases`` finds them): only the last span starting at or before ``start``
    can hold it, so a text with thousands of names costs a lookup each, not a pass each."""
    i = bisect_right(spans, (start, sys.maxsize)) - 1
    return i >= 0 and end <= spans[i][1]


def dates(text: str) -> Iterable[tuple[regex.Match[str], date]]:
    """Dates written as UK people write them (03/02/1950, 3.2.50, 1950-02-03, 3rd Feb 1950,
    3-Feb-50), and as American ones do where only that order reads (02/25/1950, February
    3, 1950)."""
    for match in _NUMERIC_DATE.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if month > 12 >= day:  # only the American order reads: 04/25/1950
            day, month = month, day
        yield from _valid(match, _full_year(match.group(3)), month, day)
    for match in _ISO_DATE.finditer(text):
        yield from _valid(match, int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for match in _WRITTEN_DATE.finditer(text):
        month = _MONTHS[match.group(2).lower()]
        yield from _valid(match, _full_year(match.group(3)), month, int(match.group(1)))
    for match in _MONTH_FIRST_DATE.finditer(text):
        month = _MONTHS[match.group(1).lower()]
        yield from _valid(match, int(match.group(3)), month, int(match.group(2)))


def _full_year(written: str) -> int:
    """A year as written ("1950", "50", "'50"): a two-digit year of birth is in the last
    century or this one."""
    year = int(written.lstrip("'’"))
    if year < 100:
        year += 1900 if year > date.today().year % 100 else 2000
    return year


def _valid(
    match: regex.Match[str], year: int, month: int, day: int
) -> Iterable[tuple[regex.Match[str], date]]:
    try:
        yield match, date(year, month, day)
    except ValueError:
        return
