"""Pattern recognizers configured from rules/: a regex, an optional validator, and context."""

from __future__ import annotations

import functools
import logging

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS

from scanner.checksums import VALIDATORS
from scanner.detect import _context
from scanner.detect.recognizers_file import PatternRule

# What may stand between the items of a list: commas, slashes, "and", "or", "&", and whose
# the next item is, a name or two in capitals ("Dates of birth: Precious 03.03.15, Kwame
# 12/09/2019 and Esi 27-Jan-2022", "Ada: 03/03/2015, Bo: 04/04/2016"), never a day's name,
# then "on" ("born on 09/08/2016 and Kian on 04/06/2013"), or one or two words of any case
# and "is" ("jaydens dob is 03/03/15 and kaylas is 12/9/17", "her DOB is 12/06/1990 and her
# son's is 03/03/2016"); after "and" or "&", one word in lower case alone ("dob for ava is
# 2019-08-30 and jack 2021-01-05"), not a word of time or place ("and then"). Whose the
# previous item was may follow it ("DOB 21/03/2010 for Tyler and 04/05/2013 for Ruby"). A
# word for another kind of date there ("and seen on ...") is the rule's negative context,
# which still drops the item.
_LIST_GAP = regex.compile(
    r"(?:[ \t]+for[ \t]+[\p{L}'’-]{2,20}(?:[ \t]+(?-i:\p{Lu})[\p{L}'’-]+)?)?"
    r"[ \t]*\)?[ \t]*(?:"
    r"(?:[,;/&+][ \t]*|(?:and|or)[ \t]+){1,2}"
    r"(?:(?-i:(?!(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b)\p{Lu}[\p{L}'’-]*)"
    r"(?:[ \t]+|[ \t]*[:(–-][ \t]*)){0,3}"
    r"(?:[(:–-][ \t]*|(?:[\p{L}'’-]{2,20}[ \t]+){1,2}(?:is|was)[ \t]+|on[ \t]+)?"
    r"|(?:and|&)[ \t]+(?!(?:then|now|later|again|also|next|last|since|until|till|by|from|to"
    r"|at|in|on|the|a|an|is|was|not|no|after|before)\b)(?-i:\p{Ll}[\p{Ll}'’-]{1,19})[ \t]+"
    r")",
    regex.IGNORECASE,
)


# What may stand between a label's context word and its value and still belong to the
# label: a note in brackets, or words with no comma or stop up to the label's colon.
_QUALIFIER = regex.compile(r"[ \t]*(?:\([^()\n]{0,60}\)[ \t]*:?|[^\n:;.,()]{0,60}:)[ \t]*")
_LONGEST_QUALIFIER = 64

log = logging.getLogger(__name__)


# White space holding a line break or a tab (a line end, CRLF as mail writes it, <br>, a
# table's cell break) with a digit on one side of it and a letter or digit on the other:
# between two pieces of a number, a break a reader does not see as one.
_BREAK = regex.compile(
    r"(?<=\d)[ \t]*[\t\r\n][ \t\r\n]*(?=[^\W_])|(?<=[^\W_])[ \t]*[\t\r\n][ \t\r\n]*(?=\d)"
)


# Several rules read the same text the same way (three date-of-birth rules across wrapped
# lines, three number rules across breaks): each reading is made once per text.
_READINGS_KEPT = 4


@functools.lru_cache(maxsize=_READINGS_KEPT)
def _joined(text: str) -> tuple[str, list[int]] | None:
    """``text`` with each ``_BREAK`` read as one space, and the index in ``text`` of each of
    its characters (one more for the end); ``None`` when there is no such break. Shared by
    the rules that read the same text: the offsets are not to be changed."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for found in _BREAK.finditer(text):
        start, end = found.span()
        pieces += [text[position:start], " "]
        offsets += range(position, start + 1)
        position = end
    if not pieces:
        return None
    pieces.append(text[position:])
    offsets += range(position, len(text) + 1)
    return "".join(pieces), offsets


# What joins a number to the piece beside it: a digit, or a decimal point, a thousands comma,
# a date's slash or a range's dash before one.
_NUMBER_BEFORE = regex.compile(r"(?:\d|\d[.,/:-])\s*$")
_NUMBER_AFTER = regex.compile(r"\s*(?:\d|[.,/:-]\d)")
# How far either side of a split number its neighbours are looked at.
_PIECE_REACH = 8


def _whole_pieces(text: str, start: int, end: int) -> bool:
    """Whether the pieces of the number at ``text[start:end]`` are the whole of it: no digit
    stands in the cell or on the line just before it or after it, across spaces and breaks.
    A column of values one a line (a Word file's numbering, a list of amounts) is then never
    joined into a number whose pieces are a few of its values."""
    before = text[max(0, start - _PIECE_REACH) : start]
    return not _NUMBER_BEFORE.search(before) and not _NUMBER_AFTER.match(text, end)


@functools.lru_cache(maxsize=_READINGS_KEPT)
def _unwrapped(text: str) -> str:
    """``text`` with the line break of each wrapped paragraph's line replaced by a space."""
    breaks = _context.wrap_breaks(text)
    if not breaks:
        return text
    chars = list(text)
    for match in breaks:
        chars[text.index("\n", match.start())] = " "
    return "".join(chars)


class ConfiguredPatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer whose score depends on confide's context rules.

    A match passes its validator (a checksum or a structural check) or is dropped. Then the
    nearest of its context and negative-context words decides: a context word raises the score
    to ``context_score``, a negative one ("invoice", "order no") drops the match. With
    neither, it keeps the pattern's score, which rules set below the threshold where a bare
    match is not enough (an eight-digit number is an account number only with context).

    A weak context word says too little on its own ("account": council tax, rent and gas
    accounts have numbers too): it lifts a match only when no negative word comes before the
    match in its window. A match that continues a list the previous match began ("NHS
    numbers: 9434765919, 4010232137 and ...") has that match's context.
    """

    def __init__(self, rule: PatternRule) -> None:
        flags = regex.MULTILINE if rule.case_sensitive else regex.MULTILINE | regex.IGNORECASE
        self._rule = rule
        self._flags = flags
        self._validate = VALIDATORS[rule.validator] if rule.validator else None
        self._context = _context.compile_words(list(rule.context))
        self._negative = _context.compile_words(list(rule.negative_context))
        self._weak = _context.compile_words(list(rule.weak_context))
        self._split_alone = [
            (regex.compile(expr, flags), score) for expr, score in rule.split_alone
        ]
        self._patterns = [
            Pattern(f"{rule.name} {i}", expr, score)
            for i, (expr, score) in enumerate(rule.patterns)
        ]
        self._compiled: list[regex.Pattern[str]] | None = None
        super().__init__(
            supported_entity=rule.entity,
            name=rule.name,
            patterns=self._patterns,
            global_regex_flags=flags,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        # Validation happens in analyze(): Presidio would lift every valid match to score 1.0,
        # and a checksum alone must not make a bare ten-digit number an NHS number.
        return None

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        # The engine passes its own default flags; each rule keeps the ones it was written for.
        # A wrapped paragraph's line break is read as a space by the patterns (one character
        # for one: the offsets hold), never by the context, which reads lines and tables.
        matched = _unwrapped(text) if self._rule.across_wrapped_lines else text
        results = self._matches(matched)
        # A number found only with its breaks read as spaces counts only beside its context
        # ("NHS" in the cell before): lists of values one a line (a Word file's style and
        # numbering parts, a column of amounts) would otherwise join into numbers.
        across = self._across_breaks(matched, results) if self._rule.across_line_breaks else []
        alone = self._split_whole(matched, results) if self._rule.across_line_breaks else []
        alone_spans = {(result.start, result.end) for result in alone}
        across = [result for result in across if (result.start, result.end) not in alone_spans]
        needs_context = {id(result) for result in across}
        results += across + alone
        kept = []
        rule = self._rule
        previous_end = 0
        previous_lifted = False
        for result in sorted(results, key=lambda r: r.start):
            if self._validate and not self._validate(text[result.start : result.end]):
                continue
            # Context applies to the nearest match: a window never reaches back past the
            # previous match of this rule or the end of the previous sentence.
            window = {
                "before": rule.context_before,
                "after": rule.context_after,
                "not_before": previous_end,
                "lines_above": rule.context_lines_above,
            }
            gap = result.start - previous_end
            in_list = (
                previous_lifted
                and _LIST_GAP.fullmatch(text, previous_end, result.start)
                and _context.same_cell(text, previous_end, result.start)
            )
            previous_end = result.end
            positive = _context.distance(self._context, text, result.start, result.end, **window)
            if positive is None:
                positive = self._label_before(text, result.start, window["not_before"])
            strong = positive
            if positive is None and in_list:
                positive = gap
            if positive is None and self._weak is not None:
                weak = _context.distance(self._weak, text, result.start, result.end, **window)
                if weak is not None and not self._negative_earlier_on_line(text, result, window):
                    positive = weak
            # A negative word after the match speaks against it only when nothing before
            # speaks for it: "sort code 20-45-77 41234567, ref OBI" names the payment's
            # reference next, not the account's.
            before_only = window if positive is None else {**window, "after": 0}
            negative = _context.distance(
                self._negative, text, result.start, result.end, **before_only
            )
            if negative is not None and strong is not None:  # not a weak word's or a list's
                negative = self._unless_qualifying(text, result.start, strong, negative)
            # At the same distance the negative word wins: it is the longer phrase that ends
            # where the context word does ("council tax account number").
            previous_lifted = False
            if positive is not None and (negative is None or positive < negative):
                result.score = max(result.score, rule.context_score)
                previous_lifted = True
            elif negative is not None or id(result) in needs_context:
                continue
            kept.append(result)
        return kept

    def _matches(self, text: str) -> list[RecognizerResult]:
        """Every match of the rule's patterns in ``text``, as Presidio's
        ``PatternRecognizer.analyze`` finds them (same results, same order), without the
        explanation it builds, logs and times for each match, which the engine then throws
        away: that was as much CPU again as the patterns' own search."""
        results: list[RecognizerResult] = []
        entity = self.supported_entities[0]
        metadata = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self._rule.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        if self._compiled is None:  # compiled when first used, as Presidio does
            self._compiled = [regex.compile(p.regex, flags=self._flags) for p in self._patterns]
        for pattern, compiled in zip(self._patterns, self._compiled, strict=True):
            try:
                for match in compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
                    start, end = match.span()
                    if start == end:
                        continue
                    found = text[start:end]
                    result = RecognizerResult(
                        entity, start, end, pattern.score, recognition_metadata=dict(metadata)
                    )
                    valid = self.validate_result(found)
                    if valid is not None:
                        result.score = (
                            EntityRecognizer.MAX_SCORE if valid else EntityRecognizer.MIN_SCORE
                        )
                    if self.invalidate_result(found):
                        result.score = EntityRecognizer.MIN_SCORE
                    if result.score > EntityRecognizer.MIN_SCORE:
                        results.append(result)
            except TimeoutError:  # as Presidio: the pattern's matches so far are kept
                log.warning("pattern %s timed out, skipping the rest of its matches", pattern.name)
        return EntityRecognizer.remove_duplicates(results)

    def _across_breaks(self, text: str, found: list[RecognizerResult]) -> list[RecognizerResult]:
        """The matches in ``text`` read with its breaks between a number's pieces as
        spaces (``_joined``), at their offsets in ``text``, less those found already."""
        joined = _joined(text)
        if joined is None:
            return []
        joined_text, offsets = joined
        spans = {(result.start, result.end) for result in found}
        more = []
        for result in self._matches(joined_text):
            result.start, result.end = offsets[result.start], offsets[result.end - 1] + 1
            if (result.start, result.end) not in spans:
                more.append(result)
        return more

    def _split_whole(self, text: str, found: list[RecognizerResult]) -> list[RecognizerResult]:
        """The matches of the rule's ``split_alone`` patterns in ``text`` read with its breaks
        as spaces, where the pieces are the whole number (``_whole_pieces``), less those found
        already: they count without a context word."""
        joined = _joined(text) if self._split_alone else None
        if joined is None:
            return []
        joined_text, offsets = joined
        spans = {(result.start, result.end) for result in found}
        alone = []
        for pattern, score in self._split_alone:
            for match in pattern.finditer(joined_text):
                start, end = offsets[match.start()], offsets[match.end() - 1] + 1
                if (start, end) in spans or not _whole_pieces(text, start, end):
                    continue
                spans.add((start, end))
                metadata = {
                    RecognizerResult.RECOGNIZER_NAME_KEY: self._rule.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                }
                alone.append(
                    RecognizerResult(
                        self._rule.entity, start, end, score, recognition_metadata=metadata
                    )
                )
        return alone

    def _label_before(self, text: str, start: int, not_before: int) -> int | None:
        """How far before the match a context word begins the label it is the value of,
        when words qualify the label between them, past the window: "Birth year of any
        sibling over 18: 2004". Only for a value right after its label's colon."""
        if self._context is None:
            return None
        colon = text.rfind(":", max(0, start - 4), start)
        if colon == -1 or text[colon + 1 : start].strip(" \t"):
            return None
        reach = max(not_before, start - _LONGEST_QUALIFIER - 30, text.rfind("\n", 0, colon) + 1)
        for match in self._context.finditer(text, reach, colon):
            if _QUALIFIER.fullmatch(text, match.end(), start):
                return start - match.end()
        return None

    def _unless_qualifying(self, text: str, start: int, positive: int, negative: int) -> int | None:
        """``negative``, or ``None`` when the negative word only qualifies the label the
        context word begins: a note in brackets or words up to the label's colon between it
        and the match ("DOB (from referral form): 03/03/2015", "Date of birth as given at
        the first visit: 03/03/2015")."""
        label_end = start - positive
        if negative >= positive or label_end < 0 or positive > _LONGEST_QUALIFIER:
            return negative
        if self._context is None or not any(
            m.end() == label_end
            for m in self._context.finditer(text, max(0, label_end - 40), label_end)
        ):
            return negative  # the context word is after the match, or in a header
        return None if _QUALIFIER.fullmatch(text, label_end, start) else negative

    def _negative_earlier_on_line(
        self, text: str, result: RecognizerResult, window: dict[str, int]
    ) -> bool:
        """Whether a negative word comes before the match anywhere on its line (or in its
        table cell), even before an earlier match: "Council tax (Leeds City Council)
        account no. 60123479", "Cheque 100234 paid into the bank on 03-10-24"."""
        line_start = text.rfind("\n", 0, result.start) + 1
        before = {**window, "before": result.start - line_start, "after": 0, "not_before": 0}
        found = _context.distance(self._negative, text, result.start, result.end, **before)
        return found is not None
