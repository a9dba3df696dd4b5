"""Term-list recognizers: special-category data, safeguarding signals, organisational secrets."""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, Protocol

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.detect._name_shapes import CAPITALISED, WORD
from scanner.detect.recognizers_file import TermList, TermReading, unaccented
from scanner.sentences import sentence_around

type _Trie = dict[str, _Trie]


_END = ""  # the key that marks, in a trie node, that a term ends there
# The trie patterns kept once written: the rules write about twenty-five, the same for every
# detector a process builds; rules read again with other words write more.
_PATTERNS_KEPT = 256
_APOSTROPHES = ("'", "’")
# Someone's initials, as minutes and rotas write them: "(TB)", "TB: will ring", "Action: TB",
# "Attendees: JK, TB and MS". Two or three capitals standing so are a person, not an acronym.
_INITIALS = regex.compile(r"[A-Z]{2,3}")
_INITIALS_LABEL = (
    r"(?i:attendees|attending|present|apologies|in attendance|initials|staff|action|actions"
    r"|owner|who|by|lead|cc)\s*[:=-]\s*"
)
# What may come before initials on their line: a label and other initials in a list. It is
# looked for this far back at most, so that a line of 100,000 characters with a term every few
# words is not read back to its start for each of them.
_BEFORE_INITIALS = regex.compile(
    rf"(?m:^[ \t>*•-]*|{_INITIALS_LABEL}(?:[A-Z]{{2,3}}\s*(?:,|/|&|and)\s*)*)\Z"
)
_INITIALS_REACH = 200
_CAPITAL_WORD = regex.compile(r"\p{Lu}{2,}")
# An empty tick box and the option's text before a term, in its cell: "[ ] Domestic abuse",
# "☐ Sickness / ill health". A ticked one ("[x]", "☒", "✓") is someone's answer.
_UNTICKED_OPTION = regex.compile(r"(?:\[ ?\]|\( ?\)|☐|□)[ \t]*[^\t\n\[\]()☐□☒✓✔|]{0,30}\Z")
_OPTION_REACH = 40


def _as_initials(text: str, start: int, end: int) -> bool:
    """Whether a term in two or three capitals stands where initials do."""
    if not _INITIALS.fullmatch(text, start, end):
        return False
    if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
        return True
    line_start = text.rfind("\n", max(0, start - _INITIALS_REACH), start) + 1
    before = _BEFORE_INITIALS.search(text, max(line_start, start - _INITIALS_REACH), start)
    if before is None:
        return False
    return before.group().strip(" \t>*•-") != "" or text[end : end + 1] == ":"


def _in_capitals(text: str, start: int, end: int) -> bool:
    """Whether a term stands in a line written in capitals with other words ("SANTA DASH
    2025", "SAUSAGE AND MASH"): a heading's word, not an acronym."""
    line_start = text.rfind("\n", max(0, start - _INITIALS_REACH), start) + 1
    line_end = text.find("\n", end, end + _INITIALS_REACH)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return not any(c.islower() for c in line) and len(_CAPITAL_WORD.findall(line)) > 1


def _case_classes(chars: Iterable[str]) -> dict[str, str]:
    """Each character mapped to the first, in code point order, of those that match it
    regardless of case, as the regex engine decides ("K", "k" and the Kelvin sign are one)."""
    firsts: list[str] = []
    first_of: dict[str, str] = {}
    for char in sorted(set(chars)):
        if char.isascii():
            # Only its other case matches an ASCII character among those before it, which
            # are ASCII too: a lower-case letter's capital, if there is one.
            upper = char.upper()
            first_of[char] = upper if upper != char and upper in first_of else char
        else:
            same = (f for f in firsts if regex.fullmatch(f"(?i:{regex.escape(f)})", char))
            first_of[char] = next(same, char)
        if first_of[char] == char:
            firsts.append(char)
    return first_of


def _alternation(terms: Iterable[str], *, ignore_case: bool, apostrophes: bool = True) -> str:
    """A regex for any of ``terms``, the longest first where several match at one place; a
    space matches any run of white space, and a straight apostrophe a curly one too (Word and
    Outlook write "Alzheimer’s") unless ``apostrophes`` is false.

    The terms are written as a trie, ``(?:a(?:buse(?:d|r)?|...)|...)``, not as a flat
    alternation, which the engine would try term by term at every position of the text. The
    trie keeps the flat alternation's longest-first order because siblings never match the
    same character (a straight apostrophe becomes both apostrophes; with ``ignore_case`` the
    characters equal regardless of case are one key; terms hold no white space but spaces,
    which rules.py checks): a text can follow one path only, and on it a longer branch is
    tried before the term that ends sooner.
    """
    return _trie_alternation(frozenset(terms), ignore_case, apostrophes)


@functools.lru_cache(maxsize=_PATTERNS_KEPT)
def _trie_alternation(terms: frozenset[str], ignore_case: bool, apostrophes: bool) -> str:
    """``_alternation``, written once per process for each set of terms: the term lists that
    read their findings with the same evidence words (about_someone.yaml) share them."""
    key = _case_classes(c for t in (*terms, *_APOSTROPHES) for c in t) if ignore_case else {}
    root: _Trie = {}
    for term in terms:
        nodes = [root]
        for char in term:
            options = _APOSTROPHES if char == "'" and apostrophes else (char,)
            nodes = [node.setdefault(key.get(o, o), {}) for node in nodes for o in options]
        for node in nodes:
            node[_END] = {}
    return _trie_pattern(root)


def _trie_pattern(node: _Trie) -> str:
    branches = [
        (r"\s+" if char == " " else regex.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char != _END
    ]
    if not branches:
        return ""
    body = "|".join(branches)
    if _END in node:
        return f"(?:{body})?"  # greedy: the longer terms are tried first
    return body if len(branches) == 1 else f"(?:{body})"


def literal_alternation(words: Iterable[str], *, ignore_case: bool) -> str:
    """A regex for any of ``words`` as written (a space matching any run of white space),
    matching as the flat alternation of them, longest first, does: the same match at each
    place, tried in the same order. Written as a trie (see ``_alternation``), which the engine
    searches several times faster than a flat alternation of a hundred labels. The case is
    left to the flags of the pattern it goes in; ``ignore_case`` says which they are, so that
    letters equal regardless of case share a branch. Empty when there are no words."""
    return _alternation(words, ignore_case=ignore_case, apostrophes=False)


def _has_acronym(term: str) -> bool:
    """Whether a term holds a word in capitals ("HIV", "has MS"): such terms match only as
    written, so that "me", "Ms Jones" and "with ms" stay ordinary words."""
    return any(len(w) > 1 and w.isupper() for w in regex.findall(r"[\w']+", term))


# A term's pieces, as the index compares them with a text's: a run of word characters, or any
# one other character (a term holds no white space but single spaces: recognizers_file.py
# checks).
_TERM_PIECES = regex.compile(r"\w+|.", regex.DOTALL)
# Where a term may start in a text, as the pattern ``(?<![\w-])term`` would: a run of word
# characters after none or a hyphen, or, for terms that start with punctuation ("(draft)
# budget"), a character neither a word character nor white space.
_WORD_STARTS = regex.compile(r"(?<![\w-])\w+")
_ANY_STARTS = regex.compile(r"(?<![\w-])(?:\w+|[^\w\s])")
_WORD_RUN = regex.compile(r"\w+")
_SPACE_RUN = regex.compile(r"\s+")
_WORD_OR_HYPHEN = regex.compile(r"[\w-]")  # what may not follow a term
_SPACE = " "  # a term's space, and the key of any run of white space in a text
# The characters of texts whose key ``_CaseKeys`` remembers: enough for any language's letters;
# a text of every code point in Unicode is looked up character by character, not remembered.
_KNOWN_CHARS = 4096


class _CaseKeys:
    """The key under which a character is looked up among the terms' regardless of case: the
    first, in code point order, of the terms' characters that the regex engine ignoring case
    matches it with (as ``_case_classes`` groups them), an ASCII letter written in capitals;
    a character that matches none is its own key. The regex engine decides, so "K", "k" and
    the Kelvin sign share a key, and "ß" and "ss" do not."""

    def __init__(self, term_chars: Iterable[str]) -> None:
        firsts = sorted(set(_case_classes(term_chars).values()) - {_SPACE})
        self._labels = [f.upper() if f.isascii() else f for f in firsts]
        alternatives = "|".join(f"({regex.escape(f)})" for f in firsts)
        self._any = regex.compile(f"(?i:{alternatives})") if firsts else None
        self._known: dict[str, str] = {}
        ascii_chars = [chr(i) for i in range(128)]
        labels = set(self._labels)
        # An ASCII word's key is then its capitals, as ``str.upper`` writes them: unless an
        # ASCII letter matches only a term's other character (a Kelvin sign, no "k").
        self.upper_is_key = all(
            self.char(c) == c.upper() or (self.char(c) == c and c.upper() not in labels)
            for c in ascii_chars
        )

    def char(self, char: str) -> str:
        known = self._known.get(char)
        if known is None:
            first = self._any.fullmatch(char) if self._any is not None else None
            group = None if first is None else first.lastindex  # each alternative's group
            known = char if group is None else self._labels[group - 1]
            if len(self._known) < _KNOWN_CHARS:
                self._known[char] = known
        return known

    def word(self, word: str) -> str:
        if self.upper_is_key and word.isascii():
            return word.upper()
        return "".join(map(self.char, word))


class _TermIndex:
    r"""Where a list's terms stand in a text, found as the pattern
    ``(?<![\w-])(?:(?i:folded)|(?-i:exact))(?![\w-])`` finds them, each alternation longest
    first, without compiling one: a pattern of two thousand terms took a third of a second to
    build, in every process, for every list.

    The terms are a trie of their pieces (a run of word characters, a space, another
    character), ``folded`` ones keyed regardless of case (``_CaseKeys``), ``exact`` ones as
    written; a straight apostrophe is a curly one too. A text is read where a term may start
    (``_WORD_STARTS``): its first word is looked up, and the trie walked from there over the
    text's next pieces (a space in a term matching any run of white space), as long as a
    term goes on; the longest term that no word character or hyphen follows is found, a
    folded one before an exact one (as the alternation tries them), and the text is read on
    after it. The cost is bounded by the text's length times the pieces of the longest term.
    """

    def __init__(self, folded: Iterable[str], exact: Iterable[str]) -> None:
        folded, exact = list(folded), list(exact)
        self._case = _CaseKeys(c for t in (*folded, *_APOSTROPHES) for c in t)
        # The tries' first pieces by their key regardless of case: a folded term's node, and
        # the exact terms' nodes by their first piece as written.
        self._firsts: dict[str, tuple[_Trie | None, dict[str, _Trie]]] = {
            key: (node, {}) for key, node in self._trie(folded, self._case.word).items()
        }
        for first, node in self._trie(exact, str).items():
            self._firsts.setdefault(self._case.word(first), (None, {}))[1][first] = node
        punctuation_first = any(not _WORD_RUN.match(t) for t in (*folded, *exact))
        self._starts = _ANY_STARTS if punctuation_first else _WORD_STARTS

    @staticmethod
    def _trie(terms: list[str], key: Callable[[str], str]) -> _Trie:
        root: _Trie = {}
        for term in terms:
            nodes = [root]
            for piece in _TERM_PIECES.findall(term):
                keys = (
                    (_SPACE,)
                    if piece == _SPACE
                    else tuple(map(key, _APOSTROPHES))
                    if piece == "'"
                    else (key(piece),)
                )
                nodes = [node.setdefault(k, {}) for node in nodes for k in keys]
            for node in nodes:
                node[_END] = {}
        return root

    def find(self, text: str) -> list[tuple[int, int]]:
        """The spans of the terms in ``text``, in order, none overlapping."""
        found: list[tuple[int, int]] = []
        reached = 0
        firsts, word, upper = self._firsts, self._case.word, self._case.upper_is_key
        for start in self._starts.finditer(text):
            first = start.group()
            nodes = firsts.get(first.upper() if upper and first.isascii() else word(first))
            if nodes is None or start.start() < reached:
                continue  # (most words: no term starts with them)
            folded, exact = nodes
            end = -1 if folded is None else self._longest(folded, text, start.end(), True)
            if end < 0 and first in exact:
                end = self._longest(exact[first], text, start.end(), False)
            if end >= 0:
                found.append((start.start(), end))
                reached = end
        return found

    def _longest(self, node: _Trie | None, text: str, at: int, folded: bool) -> int:
        """Where the longest term through ``node`` (its first piece read up to ``at``) ends
        with no word character or hyphen after it; -1 where none does."""
        end = -1
        while node is not None:
            if _END in node and _WORD_OR_HYPHEN.match(text, at) is None:
                end = at
            if len(node) == (_END in node) or at >= len(text):
                break  # no term goes on
            if (run := _SPACE_RUN.match(text, at)) is not None:
                key = _SPACE
            else:
                run = _WORD_RUN.match(text, at)
                piece = text[at] if run is None else run.group()
                key = self._case.word(piece) if folded else piece
            node = node.get(key)
            at = at + 1 if run is None else run.end()
        return end


def _words(words: Iterable[str], *, ignore_case: bool = True) -> str:
    """A pattern for any of ``words`` (a space matching any white space), written as a trie
    like the term lists' own (see ``_alternation``); empty when there are none."""
    words = list(words)
    if not words:
        return ""
    body = _alternation(words, ignore_case=ignore_case)
    return f"(?i:{body})" if ignore_case else f"(?-i:{body})"


def _compiled(pattern: str, words: str) -> regex.Pattern[str] | None:
    return regex.compile(pattern.format(words)) if words else None


# How far around an ambiguous acronym its health words are looked for.
_CONTEXT_BEFORE, _CONTEXT_AFTER = 60, 40
_SENTENCE_REACH = 200
# How far before a finding the words stating it of someone (``stated_by``) are looked for, and
# what may stand between them and it: white space, a line break among it (wrapped text).
_STATED_REACH = 60
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t>]*)"
_SPACES = regex.compile(r"[ \t]+")  # between two findings that are one ("Lewy body dementia")
# How far before a term its "member of the" (``member_before``) is looked for.
_MEMBER_REACH = 40
_TITLE_AND_NAME = regex.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]+\p{Lu}")
# What ends a line's first name in a list, a signature or a row: the line's end, or a cell's.
_ROW_END = regex.compile(r"[ \t]*(?:[.,;:!)]*[ \t]*(?:\n|\Z)|[\t|,;])")


class _Spans:
    """Spans that do not overlap, in order, asked where they lie without walking them all:
    a text may hold thousands of terms, and each asks about its neighbours."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.ends = [e for _, e in ordered]

    def any_overlapping(self, start: int, end: int) -> bool:
        """Whether a span overlaps ``start``-``end`` (their ends rise with their starts)."""
        first = bisect_right(self.ends, start)  # the first span ending after ``start``
        return first < len(self.starts) and self.starts[first] < end

    def any_within(self, low: int, high: int, but: tuple[int, int]) -> bool:
        """Whether a span other than ``but`` lies within ``low``-``high``."""
        for i in range(bisect_left(self.starts, low), len(self.starts)):
            if self.starts[i] >= high:
                return False
            if self.ends[i] <= high and (self.starts[i], self.ends[i]) != but:
                return True
        return False


class _Words:
    """Where the words of one pattern stand in a text, found in one pass when first asked
    for: each term asks about its own sentence, and in a long text thousands of terms would
    each search theirs again."""

    def __init__(
        self,
        pattern: regex.Pattern[str] | None,
        text: str,
        *,
        but: str | None = None,
        unless: Callable[[str, int, int], bool] | None = None,
    ) -> None:
        self._pattern = pattern
        self._text = text
        self._but = but  # a group of the pattern whose matches are not the words
        self._unless = unless  # and what else makes a match no word: (text, start, end)
        self._spans: _Spans | None = None

    def _found(self) -> _Spans:
        if self._spans is None:
            found = () if self._pattern is None else self._pattern.finditer(self._text, timeout=5)
            self._spans = _Spans(
                m.span()
                for m in found
                if (self._but is None or m.group(self._but) is None)
                and (self._unless is None or not self._unless(self._text, *m.span()))
            )
        return self._spans

    def anywhere(self) -> bool:
        return self._pattern is not None and bool(self._found().starts)

    def within(self, low: int, high: int) -> bool:
        """Whether one of the words lies wholly within ``low``-``high``."""
        return self._pattern is not None and self._found().any_within(low, high, (-1, -1))

    def overlapping(self, low: int, high: int) -> bool:
        return self._pattern is not None and self._found().any_overlapping(low, high)


class _TextWords(NamedTuple):
    """The evidence words of a reading, and the people the model found, in one text."""

    general: _Words
    person: _Words
    titled: _Words
    context: _Words
    people: _Spans


class _Reading:
    """A term list's ``TermReading`` compiled: how far a finding reaches, and whether the
    term it holds is about someone."""

    def __init__(self, reading: TermReading) -> None:
        self._before = _compiled(r"(?<![\w-])(?:{}[ \t]+)+\Z", _words(reading.words_before))
        self._after = _compiled(r"\G(?:[ \t]+{})+(?![\w-])", _words(reading.words_after))
        # "has", "is on", "was diagnosed with", "Declared" and an article or not, or a field's
        # label ("Religion:"), right before a finding: what states it of its person.
        self._stated = _compiled(
            rf"(?<![\w-]){{}}(?:{_GAP}(?i:a|an))?{_GAP}\Z", _words(reading.stated_by)
        )
        self._field = _compiled(r"(?<![\w-]){}[ \t]*:[ \t]*\Z", _words(reading.field_labels))
        names = [*reading.service_names, *(n.upper() for n in reading.service_names)]
        self._name = _compiled(
            r"\G(?:[ \t]+\p{{Lu}}[\p{{L}}'’]*){{0,2}}[ \t]+{}(?![\w-])",
            _words(names, ignore_case=False),
        )
        # a term that is itself a name's head ("Gurdwara"), after a capitalised word on its
        # line: "Guru Nanak Gurdwara, Wellington Road" is a place of worship's name
        self._heads = frozenset(names)
        self._service = _compiled(r"\G[ \t]+{}(?![\w-])", _words(reading.service_words))
        # "disabled people", "Black African and Black Caribbean communities"
        self._population = _compiled(
            r"\G(?:[ \t]+(?:and|or|&)(?:[ \t]+\p{{Lu}}[\p{{L}}'’-]*){{1,2}})?[ \t]+{}(?![\w-])",
            _words(reading.population_after),
        )
        self._member = _compiled(r"(?<![\w-]){}[ \t]+\Z", _words(reading.member_before))
        self._definition = _compiled(r"\G[ \t]+{}(?![\w-])", _words(reading.general_after))
        # Searched for in a sentence: a match starts at a word boundary, which lets the
        # engine skip ahead (the words all start with a letter).
        self._general = _compiled(r"\b(?<![\w-]){}(?![\w-])", _words(reading.general_before))
        self._person = _compiled(r"\b(?<![\w-]){}(?![\w-])", _words(reading.person_words))
        self._context = _compiled(r"\b(?<![\w-]){}(?![\w-])", _words(reading.context_words))
        # (a line break among the space: "who has\n>> MS" in a quoted reply)
        self._owner = _compiled(rf"(?<![\w-]){{}}{_GAP}\Z", _words(reading.owner_before))
        # a relative and a dash before an acronym, as a form's answer writes whose it is:
        # "Who does the young person care for?  mum – MS"
        self._relative = _compiled(
            r"(?<![\w-]){}[ \t]*[-–—][ \t]*\Z", _words(reading.relatives_before)
        )
        self._other_thing = _compiled(r"\G[ \t]+{}(?![\w-])", _words(reading.not_followed_by))
        self.needs_context = frozenset(reading.needs_context)
        self.also_words = frozenset(reading.also_words)

    def words_in(self, text: str, people: _Spans) -> _TextWords:
        return _TextWords(
            _Words(self._general, text),
            _Words(self._person, text),
            _Words(_TITLE_AND_NAME, text),
            _Words(self._context, text),
            people,
        )

    def extent(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The finding's span grown over the words that belong to it either side."""
        if self._before is not None:
            window = max(0, start - 60)
            before = self._before.search(text[window:start])
            if before is not None:
                start = window + before.start()
        if self._after is not None:
            after = self._after.match(text, end)
            if after is not None:
                end = after.end()
        return start, end

    def stated(self, text: str, start: int) -> int:
        """Where a finding starts that covers the words before it stating it of its person
        ("has COPD", "is on methadone", "Declared a spent conviction", "Religion: Sikh"), as
        the labelling convention writes a finding: redaction then leaves no "has [...]"."""
        window = max(0, start - _STATED_REACH)
        for pattern in (self._field, self._stated):
            if pattern is not None:
                stated = pattern.search(text, window, start)
                if stated is not None:
                    return stated.start()
        return start

    def has_context(
        self, text: str, start: int, end: int, others: _Spans, words: _TextWords
    ) -> bool:
        """Whether health words, or another term of the list, stand near an ambiguous term,
        or someone's it is ("her MS"), and no product name follows it ("MS Teams")."""
        if self._other_thing is not None and self._other_thing.match(text, end):
            return False
        if self._owner is not None and self._owner.search(text, max(0, start - 30), start):
            return True
        if self._relative is not None and self._relative.search(text, max(0, start - 30), start):
            return True
        first, last = sentence_around(text, start, end, _SENTENCE_REACH)
        low, high = max(first, start - _CONTEXT_BEFORE), min(last, end + _CONTEXT_AFTER)
        if others.any_within(low, high, (start, end)):
            return True
        return words.context.within(low, start) or words.context.within(end, high)

    def about_no_one(self, text: str, start: int, end: int, words: _TextWords) -> bool:
        """Whether the term at ``text[start:end]`` names an organisation or event, or, in a
        sentence that refers to no one, a service, a policy or people in general."""
        if self._name is not None and text[start].isupper() and self._name.match(text, end):
            return True
        if text[start:end] in self._heads and _CAPITALISED_WORD_BEFORE.search(
            text, max(0, start - _TITLE_REACH), start
        ):
            return True
        general = bool(
            (self._service is not None and self._service.match(text, end))
            or (
                self._population is not None
                and self._population.match(text, end) is not None
                and not (
                    self._member is not None
                    and self._member.search(text[max(0, start - _MEMBER_REACH) : start])
                )
            )
            or (self._definition is not None and self._definition.match(text, end))
        )
        if not general and not words.general.within(max(0, start - _SENTENCE_REACH), start):
            return False  # (most terms: their sentence need not be found)
        first, last = sentence_around(text, start, end, _SENTENCE_REACH)
        if not general and not words.general.within(first, start):
            return False
        return not (
            words.people.any_overlapping(first, last)
            or words.titled.overlapping(first, last)
            or words.person.overlapping(first, last)
        )


class TermListRecognizer(EntityRecognizer):
    """Finds any term of a list as a whole word or phrase.

    Terms match regardless of case, except terms holding an acronym in capitals ("HIV",
    "has MS"), which match only as written. The
    recognizer name carries the term's group ("special_category:health"), which consent scope
    and the reasons a verdict gives are built on.
    """

    def __init__(self, terms: TermList) -> None:
        self._group_of: dict[str, str] = {}
        folded: list[str] = []
        exact: list[str] = []
        for group, words in terms.groups:
            for word in words:
                is_acronym = _has_acronym(word)
                (exact if is_acronym else folded).append(word)
                self._group_of[word if is_acronym else word.casefold()] = group
        self._index = _TermIndex(folded, exact)
        self._reading = _Reading(terms.reading)
        self._entity = terms.entity
        self._label = terms.entity.lower()
        self._score = terms.score
        super().__init__(
            supported_entities=[terms.entity],
            name=terms.entity.lower(),
            supported_language="en",
        )

    def load(self) -> None:
        """Nothing to load: the index is built from the list in the constructor."""

    def group_of(self, matched: str) -> str:
        """The list group a matched text belongs to ("health", "abuse" ...)."""
        normal = _normal(matched)
        return self._group_of.get(normal) or self._group_of.get(normal.casefold(), "other")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        matches = self._index.find(text)
        reading = self._reading
        terms = _Spans(matches)
        # The terms that are health context for an ambiguous one: not another ambiguous one.
        unambiguous = _Spans(
            (s, e) for s, e in matches if _normal(text[s:e]) not in reading.needs_context
        )
        # A name the model reads in a term ("Lewy", "Parkinson") is no one.
        people = _Spans(
            (s, e) for s, e in _people(nlp_artifacts) if not terms.any_overlapping(s, e)
        )
        words = reading.words_in(text, people)
        for found_start, found_end in matches:
            matched = text[found_start:found_end]
            if _as_initials(text, found_start, found_end):
                continue
            if _UNTICKED_OPTION.search(text, max(0, found_start - _OPTION_REACH), found_start):
                continue  # "[ ] Domestic abuse": a blank form's option, ticked by no one
            if _normal(matched) in reading.also_words and _in_capitals(
                text, found_start, found_end
            ):
                continue
            if _normal(matched) in reading.needs_context and not reading.has_context(
                text, found_start, found_end, unambiguous, words
            ):
                continue
            start, end = reading.extent(text, found_start, found_end)
            if reading.about_no_one(text, start, end, words):
                continue
            start = reading.stated(text, start)
            while results and (
                results[-1].end > start or _SPACES.fullmatch(text, results[-1].end, start)
            ):
                # "was diagnosed" (a term of its own) "with dementia", "Lewy body" "dementia":
                # one statement, one finding
                joined = results.pop()
                start, end = min(start, joined.start), max(end, joined.end)
            group = self.group_of(matched)
            results.append(
                RecognizerResult(
                    self._entity,
                    start,
                    end,
                    self._score,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: f"{self._label}:{group}",
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results


def _normal(matched: str) -> str:
    """A matched term as the list writes it: straight apostrophes, single spaces."""
    return " ".join(matched.replace("’", "'").split())


def _people(nlp_artifacts: NlpArtifacts | None) -> list[tuple[int, int]]:
    """Where the model found people's names in the text."""
    if nlp_artifacts is None:
        return []
    return [
        (entity.start_char, entity.end_char)
        for entity in nlp_artifacts.entities
        if entity.label_ in ("PERSON", "PER")
    ]


class _Span(Protocol):
    """A finding as the detector holds it: where it lies, and its type."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def type(self) -> str: ...


class AboutSomeone:
    """Which diagnoses and safeguarding words found in an item are about someone (issue 17).

    Newsletters, policies, menus, job adverts and training flyers name dementia, abuse,
    Ramadan and LGBTQ+ networks about no one, beside their venue's address, their office's
    number and words the model reads as names ("food from Mumtaz"). A term found in such an
    item is someone's only where its own statement (``_statement``) refers to someone: a
    name found there, a person word ("she", "my husband"; a role word, "client", only in a
    statement that is not general), a title and name, or personal ``details`` (a phone
    number, an address). Where the item refers to someone as case text does, anywhere,
    every term is (fail closed: "Diagnosis: dementia" in a case record): a person word that
    is no role ("she", not "partner" or "patient"), a title and name, a name in full or in
    the structure of a record (``_names_someone``), or one of ``identifiers``.

    Short businesslike mail and texts about clients hold no pronoun or title and still name
    someone (``bench/corpus/dev/plain_mentions/``); a name found there is case text's too
    (``_names_someone``) when it is a name in full whose given name is a ``rare_word`` (one
    the model has no vector for and no list calls a title, a place or no name: "Oreoluwa
    Adebanjo"; ordinary words, and most places, firms and teams the model reads as names,
    have one), or a lone name before one of ``case_nouns`` ("the Ferreira referral") or
    right before a street address found ("Baptiste at 14 Linden Grove").
    """

    def __init__(
        self,
        readings: Iterable[TermReading],
        greetings: Iterable[str],
        *,
        details: frozenset[str],
        identifiers: frozenset[str],
        first_names: frozenset[str] = frozenset(),
        word_names: frozenset[str] = frozenset(),
        speaking_verbs: frozenset[str] = frozenset(),
        case_nouns: frozenset[str] = frozenset(),
        not_given_names: frozenset[str] = frozenset(),
        rare_word: Callable[[str], bool] | None = None,
        not_name_words: frozenset[str] = frozenset(),
    ) -> None:
        readings = list(readings)
        self._first_names = first_names
        self._case_nouns = case_nouns
        self._not_given_names = not_given_names
        self._rare_word = rare_word
        self._not_name_words = not_name_words
        self._word_names = word_names
        self._speaking = (
            regex.compile(rf"[ \t]*,?[ \t]+{_words(speaking_verbs)}(?![\w-])")
            if speaking_verbs
            else None
        )
        person = {w for r in readings for w in r.person_words}
        roles = {w for r in readings for w in r.role_words}
        # "his or her", "s/he": no one in particular, matched first where they stand; and a
        # question a leaflet or a policy heads a section with, on its own line, in the first
        # person and naming no one else ("What can I raise?", "How do I refer?"): whoever
        # reads it. "Can I refer my mum?" names her, so it is no such question. And a role
        # word after a determiner of anyone ("abuse or neglect of a tenant", "any client").
        first_person = {w for r in readings for w in r.first_person}
        generic = "|".join(
            filter(
                None,
                [
                    _words({w for r in readings for w in r.generic_pronouns}),
                    _question(
                        {w for r in readings for w in r.question_openers}, person - first_person
                    ),
                    _anyone({w for r in readings for w in r.anyone_before}, roles),
                    _anyone_in_general(
                        {w for r in readings for w in r.generic_subjects},
                        {w for r in readings for w in r.generic_verbs},
                        {w for r in readings for w in r.generic_openers},
                    ),
                ],
            )
        )
        # (braces doubled: the pattern is a template that ``_compiled`` fills with the words)
        generic = f"(?P<generic>{generic})|" if generic else ""
        generic = generic.replace("{", "{{").replace("}", "}}")
        self._person = _compiled(rf"\b(?<![\w-])(?:{generic}{{}})(?![\w-])", _words(person))
        self._case_person = _compiled(
            rf"\b(?<![\w-])(?:{generic}{{}})(?![\w-])", _words(person - roles)
        )
        self._generic = "generic" if generic else None
        self._general = _compiled(
            r"\b(?<![\w-]){}(?![\w-])", _words({w for r in readings for w in r.general_before})
        )
        title = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]+)?"
        # Before a name on its line: nothing (a title at most), or a field label ("Re:",
        # "Cared-for person:") or a greeting ("Dear", "Hi").
        self._line_head = regex.compile(rf"[ \t>*•-]*{title}")
        self._label = regex.compile(
            rf"[ \t>*•-]*(?:(?:[\p{{L}}'’()/-]+[ \t]*){{1,4}}:[ \t]*|{_words(greetings)}[ \t,]+)"
            + title
        )
        self._details = details
        self._identifiers = identifiers

    def findings[S: _Span](
        self, texts: Sequence[str], spans_in_each: list[list[S]], terms: frozenset[str]
    ) -> list[list[S]]:
        """Each text's spans, less the terms (of types ``terms``) that are about no one.

        A name found inside a term, or around one with words either side of it, is no one's
        here: "Herbert Protocol" (a missing-person form), "Wesley Methodist Circuit", "Lewy"
        in "Lewy body" are the term's own words or an organisation's name holding it, and
        make neither the item nor the term's statement about someone."""
        evidence = [_without_names_of_terms(spans, terms) for spans in spans_in_each]
        if self._refers_to_someone(texts, evidence):
            return spans_in_each
        return [
            self._someones(text, spans, terms, others)
            for text, spans, others in zip(texts, spans_in_each, evidence, strict=True)
        ]

    def without_lone_words[S: _Span](
        self, texts: Sequence[str], spans_in_each: list[list[S]]
    ) -> list[list[S]]:
        """Each text's spans, less the lone capitalised words found as names (no first name,
        no word-name, no verb of speaking after them, not in a row of a table) when the item
        refers to no one as case text does: in a newsletter, a policy or an advert such a
        word is a place, a firm, a product or a heading ("Benton", "Stannah", "Endrick").
        A name in a text that refers to someone (a pronoun, a title, a name in full or in a
        record's place, an identifier) stays, whatever its shape."""
        if self._refers_to_someone(texts, spans_in_each):
            return spans_in_each
        return [
            [s for s in spans if not self._lone_word(text, s)]
            for text, spans in zip(texts, spans_in_each, strict=True)
        ]

    def _lone_word(self, text: str, span: _Span) -> bool:
        value = text[span.start : span.end]
        if span.type != "PERSON" or " " in value or value.islower():
            return False
        plain = unaccented(value.strip(".'’").lower())
        if plain in self._first_names or plain in self._word_names:
            return False
        if self._speaking is not None and self._speaking.match(text, span.end):
            return False  # "Okonkwo rang", "Price, said"
        line_start = text.rfind("\n", 0, span.start) + 1
        line_end = text.find("\n", span.end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if _LINE_END.match(text, span.end) and len(line) < _WRAPPED_LINE:
            # a list's or a rota's short item: "Tue - Patel", "Driver: Okafor"; a longer line
            # is prose wrapped at a width, or an item that ends with a place ("Saturdays at
            # St Michael's, Cowgate, Accrington")
            return False
        return not _table_row(line)

    def _refers_to_someone(
        self, texts: Sequence[str], spans_in_each: Sequence[Sequence[_Span]]
    ) -> bool:
        mentions = _Mentions(texts)
        for text, spans in zip(texts, spans_in_each, strict=True):
            if any(s.type in self._identifiers for s in spans):
                return True
            if _TITLE_AND_NAME.search(text) is not None:
                return True
            if self._case_person_word(text):
                return True
            addresses = {s.start for s in spans if s.type == "STREET_ADDRESS"}
            if any(
                s.type == "PERSON" and self._names_someone(mentions, text, s, addresses)
                for s in spans
            ):
                return True
        return False

    def _case_person_word(self, text: str) -> bool:
        """Whether a person word that is no role stands in the text ("she", "my husband"),
        but for one that is part of a name in Title Case ("Mother's Day", "Father Christmas",
        "Sister Act", "Abide With Me", "Be My Eyes", the Tenant Portal's "My Tenancy") or of
        a firm's ("A F Blakemore & Son"): no one's."""
        if self._case_person is None:
            return False
        for match in self._case_person.finditer(text, timeout=5):
            if self._generic is not None and match.group(self._generic) is not None:
                continue
            if not self._in_a_title(text, match.start(), match.end()):
                return True
        return False

    def _in_a_title(self, text: str, start: int, end: int) -> bool:
        """Whether a person word is capitalised (not "I") beside another capitalised word
        that is no first name ("Sister Mary" is someone), or beside an ampersand."""
        word = text[start:end]
        if word == "I" or not word[:1].isupper():
            return False
        if _AMPERSAND_AFTER.match(text, end) or _AMPERSAND_BEFORE.search(text, 0, start):
            return True
        after = _CAPITALISED_AFTER.match(text, end)
        if after is not None:
            return unaccented(after.group(1).lower()) not in self._first_names
        before = _CAPITALISED_BEFORE.search(text, max(0, start - _TITLE_REACH), start)
        return before is not None and before.group(1) is None

    def _names_someone(
        self, mentions: _Mentions, text: str, name: _Span, addresses: set[int]
    ) -> bool:
        """Whether a name found in ``text``, one of an item's texts (whose words
        ``mentions`` counts), is someone's as a record names them: in full (``_in_full``;
        one capitalised word the model reads as a name is as often a shop, a dish or a
        place, "food from Mumtaz", "Beef Wellington"), or where a record puts a name: in a
        text of one line (a subject), after a field label or a greeting, or heading its line
        with nothing after it or a cell's end (a signature, a list, a row); or as
        businesslike case text names someone (``_named_in_passing``)."""
        if self._in_full(mentions, text, name) or "\n" not in text.strip():
            return True
        if self._named_in_passing(text, name, addresses):
            return True
        line_start = text.rfind("\n", 0, name.start) + 1
        if self._label.fullmatch(text, line_start, name.start):
            return True
        return bool(
            self._line_head.fullmatch(text, line_start, name.start)
            and _ROW_END.match(text, name.end)
        )

    def _named_in_passing(self, text: str, name: _Span, addresses: set[int]) -> bool:
        """Whether a name found is someone's as short businesslike case text names them: in
        full with a ``rare_word`` for a given name, or alone before a noun of case work or a
        street address (``addresses``: where those found start)."""
        words = WORD.findall(text, name.start, name.end)
        if len(words) > 1:
            return self._rare_given_name(words[0])
        if len(words) != 1:
            return False
        noun = _BEFORE_A_NOUN.match(text, name.end)
        if noun is not None:
            word = WORD.match(text, noun.end())
            if word is not None and word.group() in self._case_nouns:
                return True
        gap = _BEFORE_AN_ADDRESS.match(text, name.end)
        return gap is not None and gap.end() in addresses

    def _rare_given_name(self, word: str) -> bool:
        """Whether the first word of a name in full is capitalised, not in capitals, in no
        list of words that are no given name, and one the model has no vector for."""
        return (
            self._rare_word is not None
            and CAPITALISED.match(word) is not None
            and not word.isupper()
            and unaccented(word.lower()) not in self._not_given_names
            and self._rare_word(word)
        )

    def _in_full(self, mentions: _Mentions, text: str, name: _Span) -> bool:
        """Whether a name found is someone's name in full: a word shaped as only names are
        in English text, or a known first name and a surname that the item mentions again
        (``mentions``: "Amina Yusuf ... Yusuf will need a fob"), as case text goes on about
        the person it names. A newsletter or a flyer names a singer, a brand or a product
        once ("a playlist of Vera Lynn", "Travis Perkins", "Marks & Spencer Voucher"): that
        alone does not make it case text (its structure, a pronoun or a title still do)."""
        words = text[name.start : name.end].split()
        if len(words) < 2 or not self._holds_a_first_name(words):
            return False
        if not self._first_names or any("-" in w or not w.isascii() for w in words):
            return True
        if not _in_a_list(text, name.start, name.end) and not self._a_contact(text, name.start):
            return True
        return any(mentions.again(word) for word in WORD.findall(text, name.start, name.end))

    def _a_contact(self, text: str, start: int) -> bool:
        """Whether a name follows a role or a job's title that it holds, as a leaflet or a
        policy names whom to contact: "our duty worker, Kirsty Holroyd", "Our Designated
        Safeguarding Lead is Farah Qureshi" (the word before is one of ``not_name_words``,
        the lists of words that are no name, whose roles and job titles are the ones met
        here)."""
        before = _ROLE_BEFORE.search(text, max(0, start - _LIST_REACH), start)
        return before is not None and before.group(1).lower() in self._not_name_words

    def _holds_a_first_name(self, words: list[str]) -> bool:
        """Whether a name of several words holds a known first name, as a name in full does
        ("Amina Yusuf"), or a word shaped as only names are in English text: hyphenated
        ("Adaeze-Okonkwo") or with letters English does not write ("Trần Văn Hùng",
        "Wiśniewska"); without the list of first names, every such name does. Places, teams
        and firms the model reads as names ("Whitley Bay", "Cammell Laird") hold none, and
        one in a newsletter does not make it case text (the record's structure still does)."""
        if not self._first_names:
            return True
        return any(
            unaccented(w.strip(".,'’()").lower()) in self._first_names
            or "-" in w
            or not w.isascii()
            for w in words
        )

    def _someones[S: _Span](
        self, text: str, spans: list[S], terms: frozenset[str], others: Sequence[_Span]
    ) -> list[S]:
        """The spans of one text, less its terms whose statement refers to no one (``others``:
        the text's spans that may be evidence of someone)."""
        evidence = _Spans(
            (s.start, s.end) for s in others if s.type == "PERSON" or s.type in self._details
        )
        # a person word capitalised in a name in Title Case is no one: "Baby Loss Awareness
        # Week", "Mother's Day" (as anywhere in the item: ``_case_person_word``)
        person = _Words(self._case_person, text, but=self._generic, unless=self._in_a_title)
        role = _Words(self._person, text, but=self._generic, unless=self._in_a_title)
        general = _Words(self._general, text)
        titled = _Words(_TITLE_AND_NAME, text)
        kept = []
        for span in spans:
            if span.type in terms:
                first, last = _statement(text, span.start, span.end)
                if not (
                    evidence.any_overlapping(first, last)
                    or person.overlapping(first, last)
                    or titled.overlapping(first, last)
                    or (role.overlapping(first, last) and not general.overlapping(first, last))
                ):
                    continue
            kept.append(span)
        return kept


# A capitalised word after a person word, its possessive between ("Mother's Day", "Sister
# Act"), and a capitalised word before one that does not start its sentence or line ("Abide
# With Me": group 1 holds what would start it); an ampersand beside one ("Blakemore & Son").
_CAPITALISED_AFTER = regex.compile(r"(?:['’]s)?[ \t]+(\p{Lu}[\p{L}'’-]*)")
_CAPITALISED_BEFORE = regex.compile(
    r"(?:(^|[.!?:;•*–-][ \t]*|\n[ \t>]*)|[\p{L}\d,'’)][ \t]+)\p{Lu}[\p{L}'’-]*[ \t]+\Z"
)
_AMPERSAND_AFTER = regex.compile(r"[ \t]*&")
_CAPITALISED_WORD_BEFORE = regex.compile(r"\p{Lu}[\p{L}'’-]*[ \t]+\Z")
_AMPERSAND_BEFORE = regex.compile(r"&[ \t]*\Z")
_TITLE_REACH = 60
# A possessive's ending, and the shortest word of a name looked for again in its item.
_POSSESSIVE = regex.compile(r"['’]s\Z")
_SHORTEST_MENTION = 3


# A capitalised word and a comma, "and" or "&" before a span, or one of those and a capitalised
# word after it: the span is an item of a list of names ("Screwfix, Toolstation, Travis
# Perkins", "Gruffalos, Matildas and Harry Potters", "Marks & Spencer Voucher").
_LISTED_BEFORE = regex.compile(r"\p{Lu}[\p{L}\p{M}'’.&-]*[)]?(?:,|[ \t]+(?:and|&))[ \t]+\Z")
_LISTED_AFTER = regex.compile(r"(?:['’]s)?(?:,|[ \t]+(?:and|&))[ \t]+\p{Lu}")
_LIST_REACH = 40


# The last word of a role or a job's title before a name, "is" or a comma between or not.
_ROLE_BEFORE = regex.compile(r"(?<![\p{L}\p{M}])(\p{L}+)(?:[ \t]+is|,)?[ \t]+\Z")


def _in_a_list(text: str, start: int, end: int) -> bool:
    """Whether a span is an item of a list of names: a comma, "and" or "&" between it and a
    capitalised word before it or after it."""
    return (
        _LISTED_BEFORE.search(text, max(0, start - _LIST_REACH), start) is not None
        or _LISTED_AFTER.match(text, end) is not None
    )


def _without_names_of_terms[S: _Span](spans: Sequence[S], terms: frozenset[str]) -> list[S]:
    """``spans`` less the names found inside a term (of types ``terms``) or around one with
    words either side: the term's own words ("Herbert Protocol") or an organisation's name
    that holds it ("Wesley Methodist Circuit"), no one's name."""
    found = [(s.start, s.end) for s in spans if s.type in terms]
    return [
        s
        for s in spans
        if s.type != "PERSON"
        or not any(
            (start <= s.start and s.end <= end) or (s.start < start and end < s.end)
            for start, end in found
        )
    ]


class _Mentions:
    """How often each word stands in an item's texts (a possessive's ending aside), counted
    when first asked for."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts
        self._counts: Counter[str] | None = None

    def again(self, word: str) -> bool:
        """Whether ``word``, found once in a name, stands in the texts at least twice."""
        if self._counts is None:
            self._counts = Counter(
                _POSSESSIVE.sub("", w) for text in self._texts for w in WORD.findall(text)
            )
        word = _POSSESSIVE.sub("", word)
        return len(word) >= _SHORTEST_MENTION and self._counts[word] > 1


# What may stand between a name and the street address after it: "Baptiste at 14 Linden Grove",
# "Haddad, 3 Elm Road", "Haddad (3 Elm Road)", "the Nowaks of 3 Elm Road".
_BEFORE_AN_ADDRESS = regex.compile(r"(?:['’]s)?(?: at | of | from |, | - | – | \(| @ )")
# A possessive and a space, or a space, between a name and a noun after it.
_BEFORE_A_NOUN = regex.compile(r"(?:['’]s)? ")
# A line of a table or a pasted spreadsheet, where a surname alone is a column's value
# ("Oldroyd", "WÓJCIK"): cells split by tabs, pipes or runs of spaces (columns lined up), or
# by commas (see ``_table_row``).
_TABLE_ROW = regex.compile(r"[\t|]|\S {2,}\S")
# A comma with no space after it, but for a number's thousands ("1,250"): a CSV file's.
_CSV_COMMA = regex.compile(r",(?=\S)(?!\d{3}\b)")
# The most words a cell of a pasted row holds when its commas are followed by spaces.
_CELL_WORDS = 4


def _table_row(line: str) -> bool:
    """Whether a line is a row of a table or a pasted spreadsheet: cells split by tabs, pipes
    or runs of spaces (columns lined up), or three cells or more split by commas, as a CSV
    file writes them (no space after a comma) or as short cells; a sentence that lists
    places or firms ("starts in Motherwell, Wishaw and Coatbridge") is no row."""
    if _TABLE_ROW.search(line):
        return True
    cells = line.split(",")
    if len(cells) < 3:
        return False
    return bool(_CSV_COMMA.search(line)) or all(len(c.split()) <= _CELL_WORDS for c in cells)


# Nothing but a full stop or a bracket to the end of a line.
_LINE_END = regex.compile(r"[ \t]*[.;:!)]*[ \t]*(?:\n|\Z)")
# The longest question a section is headed with: "What should I do if I am worried?".
_QUESTION_CHARS = 80


def _question(openers: set[str], others: set[str]) -> str:
    """A pattern for a question on its own line that opens with one of ``openers`` and holds
    none of ``others`` (person words other than the first person's); empty without openers."""
    if not openers:
        return ""
    others_pattern = _words(others) or "(?!)"
    return (
        rf"(?m:(?<=^[ \t>*•#\d.)-]{{0,8}}){_words(openers)}\b"
        rf"(?:(?!\b{others_pattern}\b)[^\n?]){{0,{_QUESTION_CHARS}}}\?[ \t]*$)"
    )


def _anyone(determiners: set[str], roles: set[str]) -> str:
    """A pattern for a role word after a determiner that makes it anyone ("a tenant", "any
    client", "every patient"); empty without determiners or roles."""
    if not determiners or not roles:
        return ""
    return rf"{_words(determiners)}[ \t]+{_words(roles)}"


def _anyone_in_general(subjects: set[str], verbs: set[str], openers: set[str]) -> str:
    """A pattern for the rest of a sentence whose subject is anyone of a kind, as advice and
    policies write it: an indefinite subject and a modal verb ("A woman may not be ready to
    leave; respect her decision"), or a condition on one ("If a child tells you they are
    being abused", "when someone discloses", "If the child is in immediate danger"). The
    person words after it, to the sentence's end, are that anyone's, no one's in particular.
    Empty without subjects."""
    if not subjects or not verbs:
        return ""
    anyone = (
        rf"(?:(?i:a|an|any|every)[ \t]+{_words(subjects)}|(?i:someone|anyone|somebody|anybody))"
    )
    rest = r"(?![\w-])[^.!?\n]*"
    modal = rf"{anyone}[ \t]+{_words(verbs)}{rest}"
    if not openers:
        return modal
    # after a condition, "the" too: a policy's "If the child is in immediate danger, call 999"
    the = rf"(?i:the)[ \t]+{_words(subjects)}"
    return rf"(?:{_words(openers)}[ \t]+(?:{anyone}|{the}){rest}|{modal})"


# A line at least this long may have been wrapped by a mail program mid-sentence; a shorter
# one ends its statement (a heading, a list's item, a menu's dish, a venue's line).
_WRAPPED_LINE = 50
# A line that goes on with the sentence of the line before, as wrapped prose does: not a
# form's field ("Venue:", "Lunch provided:"), a list's item or a line starting with a capital
# (a heading, a dish, the next item of a flyer).
_CONTINUES = regex.compile(r"[ \t>]*(?![*•-]|\p{L}[\p{L}'’ /()-]{0,30}:[ \t])[^\p{Lu}\s]")


def _statement(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``, less the lines of it that are not wrapped
    prose: a list, a form, a menu or a flyer breaks its lines where each statement ends. A
    line joins the one before when that one is long enough to have been wrapped and it goes
    on as a sentence does."""
    first, last = sentence_around(text, start, end)
    line_start = text.rfind("\n", first, start) + 1 or first
    while line_start > first and _CONTINUES.match(text, line_start):
        previous = text.rfind("\n", first, line_start - 1) + 1 or first
        if line_start - 1 - previous < _WRAPPED_LINE:
            break
        line_start = previous
    line_end = end
    while True:
        newline = text.find("\n", line_end, last)
        if newline < 0:
            return line_start, last
        line_begin = text.rfind("\n", 0, newline) + 1
        if newline - line_begin < _WRAPPED_LINE or not _CONTINUES.match(text, newline + 1):
            return line_start, newline
        line_end = newline + 1
