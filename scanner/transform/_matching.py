"""Finding the values to remove in text, as tolerantly as detection saw them.

Detection scans normalised text (``scanner.normalise``: entities decoded, non-breaking spaces
and full-width digits folded, zero-width characters dropped), so a value is looked for in the
normalised text and each match is mapped back to the text as written. Case is ignored, and any
run of white space in a value matches any run of white space (line breaks too) or of the
separators a URL or a file name puts between words ("harriet-blenkinsop", "Harriet+Blenkinsop",
"HARRIET_BLENKINSOP", "harriet.blenkinsop"; "%20" is a space once normalised; but not a full
stop inside an email address: see ``_dotted_in_address``). A value that
starts or ends with a letter does not match inside a longer word ("Ann" is not in "Annual").
A match inside an email address takes the whole address with it: a local part is very often
built from the name ("amina.okafor@..."), so the rest of it must not be left behind.

A number (a value with at least ``_NUMBER_DIGITS`` digits: NHS, phone, account, National
Insurance) matches however it is punctuated ("943 476 5919", "943-476-5919", "9434765919"),
and a match inside a longer run of letters and digits takes the whole run: "4407700900461"
goes whole, not as "44[phone number removed]". A UK telephone number matches in its national
and international forms alike ("07700 900461", "+44 7700 900461", "tel:+447700900461").
In HTML source a number also matches across the tags between its pieces
("482</td><td>981</td><td>7062", "451<br>134<br>8502"), and other values across the tags
between their words ("Harriet<br>Blenkinsop", "LS7<br>3QP"), as a reader and detection see
them whole; the tags between go with them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from scanner.normalise import normalise
from scanner.removals import Anonymized, Removal, Span, anonymized, merged

_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_NUMBER_DIGITS = 6
# Texts up to this long have their spans remembered by the matcher that searched them.
_REMEMBERED_CHARS = 256
# The patterns of this many values are kept for the next matcher: a sweep redacts the same
# names and numbers in many documents, and re's own cache (512) is shared with everything.
_PATTERNS_KEPT = 4096
# What may stand between the characters of a number as people write it.
_NUMBER_SEPARATORS = r"[\s\-./()]*"
# The same in HTML source, where tags may stand between the pieces too.
_MARKUP_SEPARATORS = r"(?:[\s\-./()]|<[^<>]{0,300}>)*"
# What stands between the words of a value: white space, or what a URL's path or query or a
# file name writes for it ("harriet-blenkinsop", "Harriet+Blenkinsop"), and in HTML source
# tags too (a name or a postcode over a line's end, "Harriet<br>Blenkinsop", which a reader
# and detection read as one).
_SPACES = r"[\s_+.\-]+"
_MARKUP_SPACES = r"(?:[\s_+.\-]|<[^<>]{0,300}>)+"
# UK telephone numbers: national ("0" and 9 or 10 digits) and international ("44" and the
# same without the "0"); the trunk is written "0", "+44", "0044", "44" or "+44 (0)".
_UK_NATIONAL = re.compile(r"0[1-9]\d{8,9}")
_UK_INTERNATIONAL = re.compile(r"44[1-9]\d{8,9}")
_UK_TRUNK = r"(?:(?:\+|00)?4[\s\-.]*4(?:[\s\-.]*\(?0\))?|0)"
# An email address as written (detection's own pattern is stricter; this only has to cover
# every address a match can fall inside). It starts only where a run of address characters
# starts, so a long word with no "@" costs time in its length, not its square.
_EMAIL_ADDRESS = re.compile(
    r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"
)


class Matcher:
    """Finds every value of a set of removals in text."""

    def __init__(self, removals: Sequence[Removal]) -> None:
        self._patterns = [
            (pattern, removal, _is_number(removal.value))
            for removal in removals
            if (pattern := _pattern(removal.value)) is not None
        ]
        # Those for HTML source, made the first time it is searched: most mail has none, and
        # making a number's pattern costs more than searching a short message with it.
        self._markup: list[tuple[re.Pattern[str] | None, Removal, bool]] | None = None
        # The spans of each short text already searched, and what it became: a document
        # repeats the same short texts (attribute values, style names) thousands of times.
        self._found: dict[tuple[str, bool], list[Span]] = {}
        self._redacted: dict[tuple[str, bool], str] = {}

    def spans(self, text: str, html: bool = False) -> list[Span]:
        """``(start, end, removal)`` of every match in ``text`` as written (HTML source if
        ``html``), in order, with overlapping and nested matches (and the email addresses
        they fall in) merged."""
        if len(text) > _REMEMBERED_CHARS:
            return self._search(text, html)
        if (text, html) not in self._found:
            self._found[text, html] = self._search(text, html)
        return list(self._found[text, html])

    def _search(self, text: str, html: bool) -> list[Span]:
        segment = normalise(text, "")
        found: list[Span] = []
        normal = segment.text
        addresses = _address_spans(normal)
        for pattern, removal, number in self._markup_patterns() if html else self._patterns:
            if pattern is None:
                continue
            for match in pattern.finditer(normal):
                start, end = match.start(), match.end()
                if number:
                    start, end = _whole_run(normal, start, end)
                elif _dotted_in_address(normal, start, end, removal.value, addresses):
                    continue
                start, end = segment.to_source(start, end)
                found.append((start, end, removal))
        if found and "@" in text:
            found += _addresses_around(text, found)
        return merged(found)

    def _markup_patterns(self) -> list[tuple[re.Pattern[str] | None, Removal, bool]]:
        """The patterns for HTML source, where tags may stand between a number's pieces."""
        if self._markup is None:
            self._markup = [
                (_pattern(value.value, _MARKUP_SEPARATORS, _MARKUP_SPACES), value, number)
                for _, value, number in self._patterns
            ]
        return self._markup

    def found_in(self, text: str) -> bool:
        """Whether any value is in ``text`` (already normalised, as extraction gives it), as
        ``spans`` finds it."""
        if not any(pattern.search(text) for pattern, _, _ in self._patterns):
            return False
        return bool(self._search(text, False))

    def anonymized(self, text: str, html: bool = False) -> Anonymized:
        """``text`` (HTML source if ``html``: labels are then HTML-escaped) with every match
        replaced as its removal says, and what replaced each match."""
        return anonymized(text, self.spans(text, html), html)

    def redact(self, text: str, html: bool = False) -> str:
        """``text`` (HTML source if ``html``) with every match replaced ("[label removed]",
        a mask or a pseudonym)."""
        if len(text) > _REMEMBERED_CHARS:
            return self.anonymized(text, html).text
        done = self._redacted.get((text, html))
        if done is None:
            done = self._redacted[text, html] = self.anonymized(text, html).text
        return done


def _address_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _EMAIL_ADDRESS.finditer(text)] if "@" in text else []


def _dotted_in_address(
    text: str, start: int, end: int, value: str, addresses: Sequence[tuple[int, int]]
) -> bool:
    """Whether a match of a value of words lies in an email address only through a full stop
    between its words ("Priya Sharma" in "priya.sharma@"). A file name or a URL so written
    goes ("amina.okafor.pdf"), but an address is left to be matched as it was before the
    separators were widened: most staff addresses are built so from their owner's name, and a
    manager's redacted release, which removes the sender's name from the signature, would
    otherwise be refused for the sender's own From address (confide never changes one)."""
    if "." not in text[start:end] or "." in value:
        return False
    return any(a <= start and end <= b for a, b in addresses)


def _addresses_around(text: str, found: Sequence[Span]) -> list[Span]:
    """Each email address in ``text`` that a match overlaps, as the removal of the longest
    match there: the address's own, when it is a value too, rather than a name in it
    ("amina.okafor@" is the name "Amina Okafor" as well)."""
    around = []
    for address in _EMAIL_ADDRESS.finditer(text):
        inside = [s for s in found if s[0] < address.end() and address.start() < s[1]]
        if inside:
            longest = max(inside, key=lambda s: s[1] - s[0])
            around.append((address.start(), address.end(), longest[2]))
    return around


def _whole_run(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` widened to the run of letters and digits it lies in."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _is_number(value: str) -> bool:
    return sum(c.isdigit() for c in normalise(value, "").text) >= _NUMBER_DIGITS


@functools.lru_cache(maxsize=_PATTERNS_KEPT)
def _pattern(
    value: str, separators: str = _NUMBER_SEPARATORS, spaces: str = _SPACES
) -> re.Pattern[str] | None:
    """What matches ``value``; a number's pieces may have ``separators`` between them, other
    words ``spaces``."""
    if _is_number(value):
        characters = [c for c in normalise(value, "").text if c.isalnum()]
        digits = "".join(characters)
        # A UK number written nationally ("07700 900461") or internationally
        # ("+44 7700 900461", "tel:+447700900461", "+44 (0)7700..."): either form matches.
        if digits.isdigit() and _UK_NATIONAL.fullmatch(digits):
            characters = characters[1:]
        elif digits.isdigit() and _UK_INTERNATIONAL.fullmatch(digits):
            characters = characters[2:]
        else:
            return re.compile(separators.join(map(re.escape, characters)), re.IGNORECASE)
        rest = separators.join(map(re.escape, characters))
        return re.compile(_UK_TRUNK + separators + rest, re.IGNORECASE)
    words = normalise(value, "").text.split()
    if not words:
        return None
    body = spaces.join(re.escape(word) for word in words)
    before = _NOT_LETTER_BEFORE if words[0][0].isalpha() else ""
    after = _NOT_LETTER_AFTER if words[-1][-1].isalpha() else ""
    return re.compile(before + body + after, re.IGNORECASE)
