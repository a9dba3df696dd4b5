"""How the safety net reads a redacted copy's changed segments: each is checked against the
segment of the item the copy was made from, and read by the model only where that check
finds something odd.

A redacted copy is its item with values replaced. The net extracts the copy afresh from its
bytes (its own parse, sharing nothing with the transform that wrote it), and for each
segment whose text changed it checks, on the finished text alone, that it is the original
segment's text with stretches replaced by placeholders, every value that had to go inside a
replaced stretch (``aligned``):

- the copy's text is cut at each placeholder ("[NHS number removed]", a mask's "********5919",
  a pseudonym; several with only spaces and punctuation between them make one run), and what
  is left between them (the pieces) must be the original's text, in order, the first piece
  where the original starts and the last where it ends; no piece may hold a letter or digit
  of a removed value, or anything between its first and last (a "+" before a number's
  placeholder may stay). So a cut at the wrong offsets ("Chidi E[name removed]"), a placeholder
  written over the wrong words, or a word added anywhere is odd.
- every finding of the original that was kept must lie wholly inside one piece (it is then
  the copy's finding, where that piece put it) or wholly inside a replaced stretch; one cut
  in two by a placeholder is odd.

A segment that passes has the original's kept findings, as reading its text again would
give (what is found depends on the text, and its text is the original's but for the
placeholders), and is then read afresh by the patterns and checksums alone
(``Detector.identifiers``: every identifier that a pattern recognises without the model);
an identifier they find there that no kept finding covers is odd. A segment that is odd in
any way is read whole by the model, as a new item would be.

Apart from that check, every segment of the copy (changed, odd or not) is searched for each
removed value (``LeftValues``), matched more loosely than detection wrote it: case, any
run of spaces and punctuation between its words ("Chidi-Eze", "chidi.eze@"), its last word
first ("EZE, Chidi", "eze_chidi.docx"), and a number's
digits with up to three separators between any two of them, a UK number with or without its
leading 0 (so "+44 7700 900461" for "07700 900461"), and any line break with the spaces and
quote markers around it between two characters ("07700\n> > 900461"). A value found there
is a finding of the copy, of the type it was found as in the item, wherever it is: a part of
the copy the
transform left as it was, an occurrence the first pass did not find but the transform should
have taken, a form the transform does not know. The copy's own From, To and Cc are not
searched: they are its envelope (``scanner.header_fields``), read as any scan reads them.

And every segment of the copy (its envelope aside) is read by the patterns with its lines
joined, every line break between two lines that say something a space (``across_lines``),
not only those that normalisation takes for a paragraph's wraps: an identifier found there
across a line break ("07700\n900461 Tuesdays") is one the first pass did not find whole, a
finding of the copy ``LEFT_IN_COPY`` of the type it was found as.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scanner.findings import LEFT_IN_COPY, Finding
from scanner.header_fields import ENVELOPE
from scanner.operators import Hash, Mask, Operator
from scanner.removals import Removal
from scanner.segments import Extraction, Segment

if TYPE_CHECKING:
    from scanner.detect.detector import Span

# A value with at least this many digits is a number, matched by its digits (as the
# transform counts them, ``scanner.transform._matching``).
_NUMBER_DIGITS = 6
# A UK number written nationally: its leading 0 is left out of what is looked for, so the
# international form ("+44 7700 900461") is found too.
_UK_NATIONAL = re.compile(r"0[1-9]\d{8,9}")
# Pseudonyms are letters in groups of four (``scanner._pseudonym``).
_PSEUDONYM = r"[a-z]+(?:-[a-z]+)*"
_ALNUM = re.compile(r"[^\W_]")
_WORD = re.compile(r"[^\W_]+")
# Letters and digits with up to three separators between any two, or a line break with the
# spaces and quote markers around it: where a number may be, written "642 621 2997",
# "642-621-2997", "(0)7700 900 461", "642 / 621 / 2997" or wrapped ("07700\n> > 900461").
_NUMBER_RUN = re.compile(r"[^\W_](?:(?:[\W_]{0,3}|[ \t]*+\n[ \t>]*+)[^\W_])*")
# A line break between two lines that say something, with the spaces and quote markers
# around it, and a line that is a number alone (two such are a column of values).
_LINE_BREAK = re.compile(r"(?<=\S)[ \t]*\n(?:[ \t]*>)*[ \t]*(?=[^\s>])")
_NUMBER_ALONE = re.compile(r"[\d\s().,+-]+")

# A span in one text: start, end, and the finding whose type and score it has.
type TextSpan = tuple[int, int, Finding]


# ``Detector.identifiers``: the identifiers that the patterns find in each text.
type Identifiers = Callable[[Sequence[str]], list[list[Span]]]


def placeholders(removed: Iterable[Removal]) -> re.Pattern[str]:
    """What may stand where values were, for these removals: each label's "[label removed]"
    and pseudonym, and a mask's characters with at most the digits it keeps."""
    return _placeholders(frozenset((removal.label, removal.operator) for removal in removed))


@functools.lru_cache(maxsize=256)
def _placeholders(kinds: frozenset[tuple[str, Operator]]) -> re.Pattern[str]:
    """``placeholders`` for each label and way (made from them alone, no value: what is
    kept for the next copy holds no one's data)."""
    alternatives: set[str] = set()
    for label, operator in kinds:
        # A merged span that was to go two ways is replaced whatever its way
        # (``scanner.removals.merged``), so every label's replacement may stand.
        alternatives.add(rf"\[{re.escape(label)} removed\]")
        if isinstance(operator, Hash):
            alternatives.add(rf"\[{re.escape(label)} pseudonym {_PSEUDONYM}\]")
        elif isinstance(operator, Mask):
            character = re.escape(operator.character)
            alternatives.add(rf"{character}+\d{{0,{operator.keep_last_digits}}}")
    return re.compile("|".join(sorted(alternatives)) or r"(?!)")


def placeholder_runs(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """The runs of placeholders in ``text``: one or more, with nothing between two of them
    but spaces and punctuation."""
    runs: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if runs and not _ALNUM.search(text, runs[-1][1], match.start()):
            runs[-1] = (runs[-1][0], match.end())
        else:
            runs.append((match.start(), match.end()))
    return [(start, end) for start, end in runs if end > start]


class Intervals:
    """Spans of one text, asked whether any overlaps or covers a given one in a time that
    grows with the logarithm of their number (a table has thousands)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._furthest: list[int] = []  # the furthest end of the spans up to each one
        for _, end in ordered:
            self._furthest.append(max(end, self._furthest[-1] if self._furthest else end))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span shares a character with ``start:end``."""
        before = bisect_left(self._starts, end)  # the spans that start before its end
        return before > 0 and self._furthest[before - 1] > start

    def covers(self, start: int, end: int) -> bool:
        """Whether a span holds all of ``start:end``."""
        before = bisect_right(self._starts, start)
        return before > 0 and self._furthest[before - 1] >= end


@dataclass(frozen=True)
class Checked:
    """A changed segment of a copy that passed the check: the kept findings, at their places
    in its text, and the pieces of its text that are the original's (start and end in the
    copy's text)."""

    spans: list[TextSpan]
    pieces: list[tuple[int, int]]

    def covers(self, start: int, end: int) -> bool:
        """Whether a kept finding holds all of ``start:end``, or it lies wholly in the
        copy's placeholders."""
        return self._kept.covers(start, end) or not self._pieces.overlaps(start, end)

    @functools.cached_property
    def _kept(self) -> Intervals:
        return Intervals((start, end) for start, end, _ in self.spans)

    @functools.cached_property
    def _pieces(self) -> Intervals:
        return Intervals(self.pieces)


def aligned(
    original: str,
    spans: Sequence[TextSpan],
    removed: frozenset[str],
    copy: str,
    runs: Sequence[tuple[int, int]],
) -> Checked | None:
    """``copy`` checked against ``original`` (see the module's doc); ``spans`` are the
    original's findings, those whose value is in ``removed`` the ones that had to go.
    ``None`` when anything is odd."""
    gone = Intervals(
        _letters_and_digits(original, s, e) for s, e, _ in spans if original[s:e].strip() in removed
    )
    pieces = pieces_between(runs, len(copy))
    placed = _placed_pieces(original, copy, pieces, gone)
    if placed is None:
        return None
    kept = []
    starts = [where for _, where, _ in placed]
    in_copy = Intervals((where, where + length) for _, where, length in placed)
    for s, e, finding in spans:
        if original[s:e].strip() in removed:
            continue
        index = bisect_right(starts, s) - 1
        if index >= 0:
            copy_start, where, length = placed[index]
            if e <= where + length:
                kept.append((copy_start + s - where, copy_start + e - where, finding))
                continue
        if in_copy.overlaps(s, e):
            return None  # cut by a placeholder: part of it is in the copy, part is not
    return Checked(kept, pieces)


def _placed_pieces(
    original: str, copy: str, pieces: Sequence[tuple[int, int]], gone: Intervals
) -> list[tuple[int, int, int]] | None:
    """Where each piece of ``copy`` stands in ``original`` (its start in the copy, its start
    in the original, its length): in order, the first where the original starts, the last
    where it ends, none over a removed value (``gone``). ``None`` if they cannot be placed."""
    if len(pieces) == 1:
        return [(0, 0, len(copy))] if copy == original and not gone.overlaps(0, len(copy)) else None
    placed = []
    at = 0
    for number, (start, end) in enumerate(pieces):
        text = copy[start:end]
        if number == 0:
            found = 0 if original.startswith(text) else -1
        elif number == len(pieces) - 1:
            found = len(original) - len(text)
            if found < at or not original.endswith(text):
                found = -1
        else:
            found = _earliest(original, text, at, gone)
        if found < 0 or gone.overlaps(found, found + len(text)):
            return None
        placed.append((start, found, len(text)))
        at = found + len(text)
    return placed


def _letters_and_digits(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` less the spaces and punctuation at either end: a "+" or "(" left before
    a number's placeholder tells nothing of it."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _earliest(original: str, text: str, at: int, gone: Intervals) -> int:
    """Where ``text`` first stands in ``original`` from ``at`` on, touching no removed
    value; -1 if nowhere. The earliest such place leaves the most room for the pieces after
    it, so if the copy can be placed at all, it is placed so."""
    found = original.find(text, at)
    while found >= 0 and gone.overlaps(found, found + len(text)):
        found = original.find(text, found + 1)
    return found


def _number_key(value: str) -> str | None:
    """A number's letters and digits, lower case (a UK number without its leading 0), or
    ``None`` for a value with fewer than ``_NUMBER_DIGITS`` digits."""
    characters = "".join(_ALNUM.findall(value)).lower()
    if sum(c.isdigit() for c in characters) < _NUMBER_DIGITS:
        return None
    return characters[1:] if _UK_NATIONAL.fullmatch(characters) else characters


@functools.lru_cache(maxsize=4096)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """What finds ``words`` from where the first of them starts, whatever stands between
    them (see the module's doc)."""
    return re.compile(r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])", re.IGNORECASE)


def _word_orders(value: str) -> list[tuple[str, ...]]:
    """The orders in which the words of ``value`` are looked for: as written, and, for a
    value of two words or more, its last word first ("Okonkwo, Margaret",
    "okonkwo_margaret.txt"), as registers, file names and sorted lists write a name."""
    words = tuple(_WORD.findall(value))
    if len(words) < 2:
        return [words] if words else []
    return [words, (words[-1], *words[:-1])]


class LeftValues:
    """Finds the removed values still in a copy's segments (see the module's doc), in a
    time that grows with the text, not with the text times the values: a table's copy may
    have thousands of values to look for. A value of words is tried only where a word of
    the text is its first word; a number only where the text's letters and digits, with
    up to three separators between two of them, hold its first ``_NUMBER_DIGITS``."""

    def __init__(self, removed: Iterable[tuple[str, Finding]]) -> None:
        self._removed = list(removed)
        self._words: dict[str, list[tuple[re.Pattern[str], Finding]]] = {}
        self._numbers: dict[str, list[tuple[str, Finding]]] = {}
        for value, finding in self._removed:
            key = _number_key(value)
            if key is not None:
                self._numbers.setdefault(key[:_NUMBER_DIGITS], []).append((key, finding))
            else:
                for words in _word_orders(value):
                    pattern = _words_pattern(words)
                    self._words.setdefault(words[0].lower(), []).append((pattern, finding))

    def spans(self, text: str, runs: Sequence[tuple[int, int]]) -> list[TextSpan]:
        """Each value found in ``text`` outside its placeholder ``runs``, and each part of a
        value glued to a placeholder (start and end in ``text``)."""
        found: list[TextSpan] = []
        for start, end in pieces_between(runs, len(text)):
            if self._words:
                found += self._words_in(text, start, end)
            if self._numbers:
                found += self._numbers_in(text, start, end)
        for start, end in runs:
            found += self._glued(text, start, end)
        return found

    def _words_in(self, text: str, start: int, end: int) -> list[TextSpan]:
        found = []
        for word in _WORD.finditer(text, start, end):
            for pattern, finding in self._words.get(word.group().lower(), ()):
                match = pattern.match(text, word.start(), end)
                if match:
                    found.append((match.start(), match.end(), finding))
        return found

    def _numbers_in(self, text: str, start: int, end: int) -> list[TextSpan]:
        found = []
        for run in _NUMBER_RUN.finditer(text, start, end):
            places = [m.start() for m in _ALNUM.finditer(text, run.start(), run.end())]
            characters = "".join(text[place] for place in places).lower()
            if len(characters) != len(places):  # a letter that lowers to two: read it all
                characters = "".join(text[place] for place in places)
            for at in range(len(characters) - _NUMBER_DIGITS + 1):
                for key, finding in self._numbers.get(characters[at : at + _NUMBER_DIGITS], ()):
                    if characters.startswith(key, at):
                        found.append((places[at], places[at + len(key) - 1] + 1, finding))
        return found

    def _glued(self, text: str, start: int, end: int) -> list[TextSpan]:
        """The part of a removed value glued to the placeholder run ``start:end``: the
        start of a value just before it ("Chidi E[name removed]"), the end of one just after
        it ("[NHS number removed]2997"), as a cut at the wrong offsets leaves them. A
        placeholder never touches a letter or digit where the transform did its work."""
        found = []
        before = start > 0 and text[start - 1].isalnum()
        after = end < len(text) and text[end].isalnum()
        for value, finding in self._removed if before or after else ():
            if before and (length := _glued_length(text, start, value, forward=False)):
                found.append((start - length, start, finding))
            if after and (length := _glued_length(text, end, value, forward=True)):
                found.append((end, end + length, finding))
        return found


def _glued_length(text: str, at: int, value: str, *, forward: bool) -> int:
    """The length of the longest start of ``value`` that ``text`` ends with at ``at`` (or of
    the longest end of it that ``text`` starts with there, ``forward``), standing as a word
    of its own on its far side; 0 if none."""
    wanted = value.lower()
    for length in range(min(len(value), len(text)), 0, -1):
        if forward:
            part, far = text[at : at + length], at + length
            fits = part.lower() == wanted[-length:]
        else:
            part, far = text[max(0, at - length) : at], at - length - 1
            fits = part.lower() == wanted[:length]
        fits = fits and not (0 <= far < len(text) and text[far].isalnum())
        if fits:
            return length
    return 0


def removed_findings(
    extraction: Extraction, findings: Sequence[Finding], removed: Sequence[Removal]
) -> list[tuple[str, Finding]]:
    """Each removed value with one finding of the item that has it (for its type and score)."""
    values = {removal.value for removal in removed}
    found: dict[str, Finding] = {}
    for finding in findings:
        value = text_of(extraction.segments[finding.segment], finding).strip()
        if value in values:
            found.setdefault(value, finding)
    return sorted(found.items(), key=lambda item: item[0])


def text_of(segment: Segment, finding: Finding) -> str:
    start, end = segment.from_source(finding.start, finding.end)
    return segment.text[start:end]


def text_spans(segment: Segment, findings: Iterable[Finding]) -> list[TextSpan]:
    """``findings`` of ``segment``, at their places in its text."""
    return [(*segment.from_source(f.start, f.end), f) for f in findings]


def pieces_between(runs: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The stretches of a text of ``length`` characters outside ``runs``."""
    bounds = [0, *(x for run in runs for x in run), length]
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


class CopyCheck:
    """The check of a copy's segments against the item it was made from (``original``, read
    with ``findings``), with ``removed`` taken out of it."""

    def __init__(
        self, original: Extraction, findings: Sequence[Finding], removed: Sequence[Removal]
    ) -> None:
        self._original = original
        self._findings: dict[int, list[Finding]] = {}
        for finding in findings:
            self._findings.setdefault(finding.segment, []).append(finding)
        self._by_location: dict[str, list[int]] = {}
        for index, segment in enumerate(original.segments):
            self._by_location.setdefault(segment.location, []).append(index)
        self._removed = frozenset(removal.value for removal in removed)
        self._placeholders = placeholders(removed)
        self._left = LeftValues(removed_findings(original, findings, removed))

    def counterparts(self, copy: Extraction) -> dict[int, int]:
        """The segment of the original that each segment of ``copy`` was made from: the one
        at the same place (the n-th segment of a location is the n-th there)."""
        seen: dict[str, int] = {}
        found = {}
        for index, segment in enumerate(copy.segments):
            nth = seen.get(segment.location, 0)
            seen[segment.location] = nth + 1
            same = self._by_location.get(segment.location, [])
            if nth < len(same):
                found[index] = same[nth]
        return found

    def checked(self, segment: Segment, original_index: int) -> Checked | None:
        """``segment`` of the copy checked against the original's ``original_index``."""
        original = self._original.segments[original_index]
        spans = text_spans(original, self._findings.get(original_index, []))
        runs = placeholder_runs(segment.text, self._placeholders)
        return aligned(original.text, spans, self._removed, segment.text, runs)

    def left(self, segment: Segment) -> list[TextSpan]:
        """The removed values still in ``segment`` of the copy, whole outside its
        placeholders or in part glued to one, each a finding ``LEFT_IN_COPY`` of the type it
        was found as; none in its envelope."""
        if segment.location in ENVELOPE:
            return []
        runs = placeholder_runs(segment.text, self._placeholders)
        found = self._left.spans(segment.text, runs)
        return [(start, end, replace(f, recognizer=LEFT_IN_COPY)) for start, end, f in found]


def lines_joined(text: str) -> tuple[str, list[int]] | None:
    """``text`` with every line break between two lines that say something read as one
    space (the quote markers and indentation after it too), unless both are a number alone;
    and where each of its characters is in ``text`` (with one entry more, for the end).
    ``None`` when there is no such break. Every break, not only those normalisation reads as
    a paragraph's wraps (``scanner.normalise``): the net's own reading of a wrapped value."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for found in _LINE_BREAK.finditer(text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        line_end = text.find("\n", found.end())
        before = text[line_start : found.start()].lstrip(" \t>")
        after = text[found.end() : len(text) if line_end < 0 else line_end]
        if _NUMBER_ALONE.fullmatch(before) and _NUMBER_ALONE.fullmatch(after):
            continue
        pieces += [text[position : found.start()], " "]
        offsets += [*range(position, found.start()), found.start()]
        position = found.end()
    if not pieces:
        return None
    pieces.append(text[position:])
    offsets += range(position, len(text) + 1)
    return "".join(pieces), offsets


def across_lines(
    segments: Sequence[Segment], identifiers: Identifiers
) -> dict[int, list[TextSpan]]:
    """The identifiers that the patterns find across a line break of each segment of a copy
    (its envelope aside), read with its lines joined (``lines_joined``): a value wrapped
    over two lines that the first pass did not find whole, each a finding of the copy, of
    the type and recognizer that found it, by segment."""
    joined = {
        index: view
        for index, segment in enumerate(segments)
        if segment.location not in ENVELOPE and (view := lines_joined(segment.text)) is not None
    }
    found: dict[int, list[TextSpan]] = {}
    read = identifiers([text for text, _ in joined.values()])
    for (index, (_, offsets)), spans in zip(joined.items(), read, strict=True):
        text = segments[index].text
        for span in spans:
            start, end = offsets[span.start], offsets[span.end]
            if "\n" in text[start:end]:
                finding = Finding(index, start, end, span.type, span.score, LEFT_IN_COPY)
                found.setdefault(index, []).append((start, end, finding))
    return found
