"""Dates of birth with no word for them: a date right after a person's name.

Rosters and household lists give a child's date of birth beside the name and nothing else
("Ada Mensah (03/03/2015)", "Kwame Asante, 12.09.2019", "Precious – 3/3/15"). Minutes, reports
and signed forms put dates beside names too, but those are the document's own dates: a
meeting, a report, a signature, all close to the other dates it holds. So a date beside a
name is a date of birth only when it is older, by the rule's number of days, than the text's
own time, the median of its other dates (dates of birth other rules found left out); with no
other date, when it stands alone or the dates beside names lie further apart than that
(children of one family, not the days of one week's events).

The other items of such a list count with it, whether or not their names were read as
names ("Family: Grace 03.03.2015, Patience 04.05.2017"), and stay out of the text's own time.
A date alone on the line under a line holding only a name (a contact block, a household
list one field a line) counts when it is years older than the text's other dates; with no
other date it may be a letter's own date under its addressee.

Further from the name, a date that ends a line of a person's details ("Child 1: Ruby Smith,
female, Year 6, 04/05/2013") is a date of birth when it is the line's only date and years
older than the text's latest date up to today: a report's, a referral's or a chain's own
dates are recent, an expiry or a renewal due lies ahead.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, timedelta

import regex
from presidio_analyzer import RecognizerResult

from scanner.detect._context import table_lines
from scanner.detect.known_subjects import dates
from scanner.detect.recognizers_file import PatternRule

# What may stand between a name and its date: spaces, at most one comma, bracket, pipe,
# tab, colon, slash or dash ("Ada Mensah (03/03/2015)", "Precious – 3/3/15", "Ada Obi,03/03/2015"),
# and one short note before a comma: an age, a relation or a school year ("Jayden (son,
# 03/03/2015)", "Femi Adebayo, 41, 02/02/1983", "Tolu, Y4, 19/05/2016"); an age needs no
# comma after it ("Ada Obi 13 03/04/2011", "Ruby Smith 10yrs 03/03/2015"). The note may
# close with a bracket or a dash, or open one, a bracket's close be followed by a dash or a
# comma, and an age may be said with "is" ("Ruby Smith (11) 04/05/2013", "Ruby (11 -
# 04/05/2013)", "Ruby Smith (daughter) - 03/03/2015", "Ruby is 11 (04/05/2013)").
_NOTE = (
    r"(?:(?:is[ \t]+|aged?[ \t]+)?\d{1,3}(?:[ \t]*(?:yrs?|years?|y/?o))?"  # an age
    r"|\p{L}[\p{L}\d'’-]{0,11}(?:[ \t]+\d{1,2})?)"  # "son", "Y4", "Year 4"
)
_BESIDE = regex.compile(
    rf"[ \t]*(?:[,(\[|:/–—-][ \t]*)?"
    rf"(?:{_NOTE}[ \t]*(?:[,;)]|[–—-]|(?=\())[ \t]*(?:[(\[][ \t]*|[,:–—-][ \t]*)?"
    rf"|\d{{1,3}}(?:[ \t]*(?:yrs?|years?(?:[ \t]+old)?|y/?o))?[ \t]+)?"
)
_LONGEST_GAP = 30


def dates_beside_people(
    text: str, results: list[RecognizerResult], rules: Mapping[str, PatternRule]
) -> list[RecognizerResult]:
    """``results`` less the matches of the beside-a-person ``rules`` (by name) that are not
    dates of birth by the reasoning above; those that are have their rule's context score.

    The rules score their matches at the threshold, below any other date of birth rule's
    lifted score: where another rule found the same date, Presidio kept that finding."""
    rule_of = {
        id(r): rule.beside_person_older_by_days
        for r in results
        if (rule := rules.get(_recognizer(r))) is not None
    }
    if not rule_of:
        return results
    person_ends = {r.end for r in results if r.entity_type == "PERSON"}
    beside: dict[int, date] = {}
    for result in results:
        if id(result) in rule_of and _after_person(text, result.start, person_ends):
            day = _date_of(text, result.start, result.end)
            if day is not None:
                beside[id(result)] = day
    below = {
        id(r): day
        for r in results
        if id(r) in rule_of
        and id(r) not in beside
        and _below_person(text, r.start, r.end, person_ends)
        and (day := _date_of(text, r.start, r.end)) is not None
    }
    beside |= _listed_beside(text, results, beside, rule_of)
    # Under a name, a date must be as much older as a date ending a line of details.
    below_margins = {
        key: rules[_recognizer(r)].listed_with_person_older_by_days or rule_of[key]
        for r in results
        if (key := id(r)) in below
    }
    kept_ids = _older(text, results, beside | below, rule_of, needs_own_time=below_margins)
    listed = {
        id(r): days
        for r in results
        if id(r) in rule_of
        and id(r) not in kept_ids
        and (days := rules[_recognizer(r)].listed_with_person_older_by_days)
    }
    if listed and person_ends:
        kept_ids |= _listed_long_before(text, results, listed, person_ends)
    for result in results:
        if id(result) in kept_ids:
            result.score = max(result.score, rules[_recognizer(result)].context_score)
    return [r for r in results if id(r) not in rule_of or id(r) in kept_ids]


def _recognizer(result: RecognizerResult) -> str:
    metadata = result.recognition_metadata or {}
    return str(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, ""))


def _after_person(text: str, start: int, person_ends: set[int]) -> bool:
    """Whether the date at ``start`` follows a name right after it, or is the one date of a
    table row that holds a name before it ("Ada Obi, LS8 4EX, 03/03/2015")."""
    if any(
        position in person_ends and _BESIDE.fullmatch(text, position, start)
        for position in range(start, max(0, start - _LONGEST_GAP) - 1, -1)
    ):
        return True
    lines = table_lines(text)
    index = bisect_right(lines.starts, start) - 1
    if lines.separators[index] is None:
        return False
    line_start = lines.starts[index]
    line_end = text.find("\n", start)
    row = text[line_start : len(text) if line_end == -1 else line_end]
    return any(line_start < end <= start for end in person_ends) and len(list(dates(row))) == 1


# A name alone on its line (a label before it allowed: "Name: Jay Kerr"), and a date alone
# on the next, as a contact block or a household list lays them out.
_NAME_LINE_BEFORE = regex.compile(r"[ \t>]*(?:\p{L}[\p{L} ]{0,19}:[ \t]*)?")
_DATE_LINE_GAP = regex.compile(r"[ \t]*\n[ \t>]*")
_LINE_END_AFTER = regex.compile(r"[ \t]*(?:\n|$)")


def _below_person(text: str, start: int, end: int, person_ends: set[int]) -> bool:
    """Whether the date at ``start`` is alone on the line under a line that holds only a
    name ("Jay Kerr\n03/03/2010\n15 Acre Lane")."""
    gap = _DATE_LINE_GAP.search(text, max(0, start - 12), start)
    if gap is None or gap.end() != start or gap.start() not in person_ends:
        return False
    if not _LINE_END_AFTER.match(text, end):
        return False
    name_end = gap.start()
    line_start = text.rfind("\n", 0, name_end) + 1
    return any(
        _NAME_LINE_BEFORE.fullmatch(text, line_start, name_start)
        for name_start in _name_starts(text, line_start, name_end)
    )


def _name_starts(text: str, line_start: int, name_end: int) -> list[int]:
    """Where the name ending at ``name_end`` may start on its line: after each space, tab,
    colon or quote mark, or at the line's start."""
    return [line_start] + [i + 1 for i in range(line_start, name_end) if text[i] in " \t:>"]


# A list's item before its date: after the line's start, a colon, a comma, a semicolon or
# "and", one to three words and perhaps an opening bracket or a dash ("Family: Grace
# 03.03.2015, Patience 04.05.2017", "hope (3/3/15), faith (4/5/17)").
_ITEM_BEFORE = regex.compile(
    r"(?:^|[:,;]|\band)[ \t]*\p{L}[\p{L}'’-]*(?:[ \t]+\p{L}[\p{L}'’-]*){0,2}"
    r"[ \t]*(?:[(\[–—-][ \t]*)?$"
)


def _listed_beside(
    text: str,
    results: list[RecognizerResult],
    beside: dict[int, date],
    rule_of: dict[int, int],
) -> dict[int, date]:
    """The other items of a list whose items are a name and a date, one of them after a name
    the person recognizer found: "Family: Grace 03.03.2015, Patience 04.05.2017" is one list
    of children, whether or not "Grace" was read as a name. They stand with the dates beside
    names, and out of the text's own time."""
    if not beside:
        return {}
    lines = {text.rfind("\n", 0, r.start) for r in results if id(r) in beside}
    listed = {}
    for result in results:
        if id(result) not in rule_of or id(result) in beside:
            continue
        line_start = text.rfind("\n", 0, result.start)
        if line_start not in lines or not _ITEM_BEFORE.search(text, line_start + 1, result.start):
            continue
        day = _date_of(text, result.start, result.end)
        if day is not None:
            listed[id(result)] = day
    return listed


# What stands just before a date that ends a list of a person's details on one line.
_LIST_ITEM_BEFORE = regex.compile(r"[,(\[|\t;][ \t]*$")


def _listed_long_before(
    text: str,
    results: list[RecognizerResult],
    listed: dict[int, int],
    person_ends: set[int],
) -> set[int]:
    """Which of the ``listed`` matches (by id, with their rule's days) end a line of a
    person's details, as the line's only date, and are that many days older than the
    text's latest date up to today."""
    today = date.today()
    latest = max((day for _, day in dates(text) if day <= today), default=None)
    if latest is None:
        return set()
    kept = set()
    for result in results:
        days = listed.get(id(result))
        if days is None:
            continue
        line_start = text.rfind("\n", 0, result.start) + 1
        line_end = text.find("\n", result.end)
        line = text[line_start : len(text) if line_end == -1 else line_end]
        day = _date_of(text, result.start, result.end)
        if (
            day is not None
            and day <= latest - timedelta(days=days)
            and _LIST_ITEM_BEFORE.search(text, line_start, result.start)
            and any(line_start < end < result.start for end in person_ends)
            and len(list(dates(line))) == 1
        ):
            kept.add(id(result))
    return kept


def _date_of(text: str, start: int, end: int) -> date | None:
    for match, day in dates(text[start:end]):
        if match.start() == 0 and match.end() == end - start:
            return day
    return None


def _older(
    text: str,
    results: list[RecognizerResult],
    beside: dict[int, date],
    rule_of: dict[int, int],
    *,
    needs_own_time: Mapping[int, int],
) -> set[int]:
    """Which of the dates beside names are older enough than the text's own time: the
    median of its other dates. Dates another rule found to be dates of birth are not the
    text's own ("DOB 03/03/15 ... Kayla Smith 12.9.17"), and a date or two far in the
    future (a renewal due in three years) do not move the median as they would the latest.
    Those ``needs_own_time`` (a date on the line under a name, by id, with the days it must
    be older by) count only against other dates: a letter's own date may stand under its
    addressee's name."""
    if not beside:
        return set()
    births = [
        (r.start, r.end)
        for r in results
        if r.entity_type == "DATE_OF_BIRTH" and (id(r) in beside or id(r) not in rule_of)
    ]
    others = sorted(
        day
        for match, day in dates(text)
        if not any(a < match.end() and match.start() < b for a, b in births)
    )
    kept = set()
    own_time = others[(len(others) - 1) // 2] if others else None  # the lower median
    spread = max(beside.values()) - min(beside.values())
    for key, day in beside.items():
        margin = timedelta(days=needs_own_time.get(key, rule_of[key]))
        if own_time is not None:
            if day <= own_time - margin:
                kept.add(key)
        elif key not in needs_own_time and (len(beside) == 1 or spread > margin):
            kept.add(key)
    return kept
