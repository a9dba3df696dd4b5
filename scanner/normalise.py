"""Normalise extracted text before detection, remembering where every character came from.

Detection should see "07700 900123" however the sender wrote it: in full-width digits, with
zero-width spaces between the digits, as ``&#48;7700``, or split by a quoted-printable soft line
break that a broken mailer never decoded. Each step below rewrites the text and keeps a map from
every output character to its index in the text as extracted, so findings can be located (and
redacted) in the original.

Steps, in order:
1. Quoted-printable left undecoded (only when the text clearly carries it): soft line breaks
   (``=\\n``, ``=\\r\\n``) are removed and ``=XX`` escapes that form UTF-8 are decoded.
2. Line endings: CRLF and a lone CR become LF. Mail arrives by SMTP with CRLF, and files
   written on Windows have it too; the lines of a text (a signature's sign-off, a field label
   at the end of its line) then read as they do in the same text saved with LF, so a message
   is judged the same whether the relay took it or ``confide verdict`` read it from a file.
2a. A line break inside a wrapped paragraph, with the quote markers ("> ", "> > ") and the
   indentation after it, is one space: a mailer's wrap at 60-76 columns, a quoted reply's
   lines or an HTML ``<br>`` may fall inside a value ("07700\n> 900999", "Mrs Harriet\n
   Blenkinsop", "LS7\n3QP"), which is then read, and redacted, whole. A break is a wrap only
   where the line goes on (it ends inside a number, with a word no sentence ends with, in a
   paragraph wrapped to a width and the next starts in lower case, or inside a name that the
   sentence goes on from); the breaks that are structure stay (after a full stop or a comma,
   before a list's item or a field's label, between a table's rows, a letter's closing,
   greeting and signature lines, a column of numbers). See ``_wrap``.
3. HTML character references left in the text (``&amp;``, ``&#39;``, ``&nbsp;``) are decoded.
3a. Percent-encoded text ("%20", "%4D") in a word that holds it (a URL, a mailto: link) is
   decoded, as UTF-8 where the bytes form it and else byte for byte (Latin-1), and "+" is a
   space in a URL's query ("?who=Margaret+Okonkwo"): a form link carries the very values the
   rest of the message has removed ("?who=Margaret%20Okonkwo&tel=07700%20900461"). Each
   character maps to the "%" (or "+") it was written as, so redaction removes the value in
   its encoded form. It is done twice, for a link encoded twice ("Margaret%2520Okonkwo").
4. Each character is NFKC-normalised on its own (full-width digits, ligatures, non-breaking
   spaces) and format characters (Unicode category Cf: zero-width spaces and joiners, the byte
   order mark, soft hyphens) are dropped; every script's decimal digits become 0-9
   (Arabic-Indic "٩٤٣" is "943"), and control characters (NUL, DEL), except
   those that end a line (form feed, vertical tab), which become a line break. Lone
   surrogates become U+FFFD. Combining marks on a
   Latin letter or a digit ("L" + U+0301) are dropped, so a stray accent cannot hide a
   postcode or a National Insurance number; letters written with their accent ("é") and
   other scripts' marks stay. Characters drawn blank that are not spaces (the Braille blank,
   the Hangul fillers) become spaces.
5. Inside a number, letters that pass for digits become those digits: O (Latin, Greek or
   Cyrillic, either case) is 0, and a lower-case l or a capital I is 1, in a word made only of
   digits and such letters with two digits at least ("O77OO 9OO8O4", "485 l36 743O"); a
   dash of any kind beside a digit (an en dash, a minus sign: "496–079–6456") is a hyphen;
   and an apostrophe, a dot, a slash, an underscore or a bar between the digit groups of a
   phone, NHS or National Insurance number ("07700’900’999", "401·023·2137",
   "JC/48/29/17/B", "07700.900999") is a space. Dates, decimals, sums grouped in thousands,
   IP addresses, versions and numbers in paths or file names keep theirs.
5a. An underscore beside a number, or beside a code with digits in it, is a space: a file
   name or a link joins its words with them ("Fairweather_9434765919_careplan.csv",
   "NI_QQ123456C_letter.pdf"), and an underscore is a word character, so no pattern saw
   where the number began or ended. Not in a word with an "@" (an e-mail address's local
   part is read whole).
6. An email address written to dodge a filter is written as one: "jane dot smith at gmail dot
   com", "jane.smith [at] gmail [dot] com", "jane(at)gmail(dot)com", "jane @ gmail . com" read
   "jane.smith@gmail.com". Only the written "at" and "dot" change (each maps to where it was
   written), so a finding covers the whole written address.
7. A word glued to the digits after it is read as a word and a number: "Peter Jones1",
   "sarah2", "PJones1985" (a user name: "P Jones 1985"). Only words with lower-case letters
   (three letters or more) are cut, and never inside an address, a file name or a code in
   capitals, so postcodes, NI numbers, licence numbers and emails stay whole.
8. Numbers written as words are read as digits: "four five three four eight zero five zero
   one two" is "4534805012", "oh seven seven double oh nine hundred one two three" is
   "07700900123", "07700 nine zero zero one two three" is "07700 900123". Each word maps to
   where it was written, so redacting the number removes the words. Only a run that makes a
   number as long as an identifier or a phone number changes.
9. Runs of spaces and tabs become one space: "Amina  Okafor" and "943 \t476  5919", as pasted
   from PDFs, forms and fixed-width exports, are the name and the number they would be with
   single spaces. Tabs alone stay: extraction writes one between table cells (and several
   for empty cells), and context reads column headers by them. Line breaks stay too, since
   the structure of lines is evidence (signatures, field labels). A run of three spaces or
   more inside a line, on two neighbouring lines, becomes one tab instead: columns laid out
   with spaces ("Client      DOB         NHS no") are a table; so does a run of two spaces
   in a line of such a table (a value that fills its column).
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from scanner.segments import Segment

# An edit replaces text[start:end] with a string; edits of one step never overlap.
type _Edit = tuple[int, int, str]

_SOFT_LINE_BREAK = re.compile(r"=\r?\n")
_QP_ESCAPE = re.compile(r"=[0-9A-F]{2}")
_QP_ESCAPE_RUN = re.compile(r"(?:=[0-9A-F]{2})+")
# Quoted-printable writes "=" itself as "=3D": one that is neither an escape nor a soft break
# (a rule of "=====" under a report's heading) says the text is no quoted-printable.
_BARE_EQUALS = re.compile(r"=(?![0-9A-F]{2}|\r?\n)")
# Encoders wrap quoted-printable lines at 76 characters; a line this long that ends in "=" is a
# soft break, not prose that happens to end in an equals sign.
_QP_MIN_WRAPPED_LINE = 60
_QP_MAX_LINE = 76
# Letters that pass for digits (see step 5), where one stands beside a digit (each such word
# is then read whole), and dashes.
_DIGIT_LOOK_ALIKES = {
    **dict.fromkeys("OoΟοОо", "0"),
    **dict.fromkeys("lI", "1"),
}
_LOOK_ALIKE = "".join(_DIGIT_LOOK_ALIKES)
_LOOK_ALIKE_BESIDE_DIGIT = re.compile(f"[0-9][{_LOOK_ALIKE}]|[{_LOOK_ALIKE}][0-9]")
_LEAST_DIGITS = 2
_DASHES = "‐‑‒–—―−﹘"
_DASH_BESIDE_DIGIT = re.compile(f"(?<=[0-9])[{_DASHES}]|[{_DASHES}](?=[0-9])")
# Characters written between the digit groups of a number instead of a space ("07700’900’999",
# "401·023·2137", "JC/48/29/17/B", "07700.900999"): apostrophes and primes, dots, slashes,
# underscores, bars. Step 5 reads one as a space where the number has the shape of a phone
# number, an NHS number or a National Insurance number (``_separator_edits``), never after or
# before a word, a path or a file name's extension.
_SEPARATOR = "[" + re.escape("’‘'`´′·•∙⋅_./\\|") + "]"
_SEPARATED_NUMBER = re.compile(
    rf"(?<![\w+-]|{_SEPARATOR})\+?\d{{1,6}}(?P<separator>{_SEPARATOR})\d{{1,6}}"
    rf"(?:(?P=separator)\d{{1,6}})*(?![\w+-]|{_SEPARATOR}\w)"
)
_SEPARATED_INSURANCE_NUMBER = re.compile(
    rf"(?<![\w]|{_SEPARATOR})[A-Z]{{2}}(?P<separator>{_SEPARATOR})\d\d"
    rf"(?:(?P=separator)\d\d){{2}}(?:(?P=separator)[A-D])?(?!\w|{_SEPARATOR}\w)"
)
# A phone number's digits (10 or 11, 12 or 13 with the country's code), an NHS number's 10.
_SEPARATED_DIGITS = range(10, 14)
# A single separator ("07700.900999", "0113/4960000") splits a phone number only: its first
# group starts with 0 and is as long as a dialling code at least.
_DIALLING_CODE_DIGITS = 3
# A thousands separator groups a number in threes ("1'234'567'890", "2.500.000"), an IP
# address is four groups of up to three digits ("192.168.100.200"): neither is split.
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\D\d{3})+")
_IP_ADDRESS = re.compile(r"\d{1,3}(?:\D\d{1,3}){3}")
_CARRIAGE_RETURN = re.compile(r"\r\n?")
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)
# Step 3a: a word (no white space, quotes or angle brackets) holding a "%" or a "+", the
# runs of percent escapes in it, and where a URL's query starts in it (after a scheme's "?").
# It starts only where a word starts, so a long word with neither costs time in its length.
_PERCENT_WORD = re.compile(r"""(?<![^\s<>"'`])[^\s<>"'`%+]*[%+][^\s<>"'`]*""")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_URL_QUERY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^?]*\?")
# Characters step 4 looks at: everything outside printable ASCII but tab, line feed and CR.
_NOT_PLAIN = re.compile(r"[^\t\n\r\x20-\x7e]")
# Control characters that end a line (form feed, vertical tab, separators) and those that
# show as nothing (NUL, DEL and the rest): a line break, or dropped.
_LINE_ENDING_CONTROLS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")
# Characters drawn as blank space that Unicode does not call spaces (NFKC keeps them, or
# makes another such): the Braille blank and the Hangul fillers. Between digits they hid an
# NHS number ("999\u2800234\u28005675") from every pattern.
_BLANKS = frozenset("\u2800\u3164\u115f\u1160\uffa0")
# Two or more spaces or tabs, not all tabs (after step 4 every other kind of space is a plain
# one).
_WHITESPACE_RUN = re.compile(r"(?!\t+(?![ \t]))[ \t]{2,}")
# Columns laid out with spaces are kept apart by a tab, as extraction writes table cells, so
# that a column's header still counts for the cells under it: a run of this many spaces or
# more inside a line, on two neighbouring lines.
_COLUMN_SPACES = 3
# A gap between two characters of a line: tested for its spaces in Python, since a regex
# with a run of spaces inside a run of spaces backtracks cubically on a line of spaces.
_GAP = re.compile(r"(?<=\S)[ \t]+(?=\S)")


def _has_gap(text: str, spaces: int) -> bool:
    """Whether ``text`` has, between two of its characters, a gap holding ``spaces``
    spaces in a row."""
    run = " " * spaces
    return any(run in gap.group() for gap in _GAP.finditer(text))


def normalise(text: str, location: str) -> Segment:
    """The segment detection scans for ``text`` found at ``location``.

    ``source_offsets`` maps each character of the result (plus one end entry) to its index in
    ``text``; it is ``None`` when nothing changed.
    """
    result = text
    offsets: list[int] | None = None
    steps = (
        _quoted_printable_edits,
        _line_ending_edits,
        _wrapped_line_edits,
        _character_reference_edits,
        _percent_escape_edits,
        _percent_escape_edits,  # again: a link encoded twice ("%2520" is "%20")
        _character_edits,
        _number_edits,
        _underscore_edits,
        _written_email_edits,
        _glued_word_edits,
        _digit_word_edits,
        _whitespace_run_edits,
    )
    for step in steps:
        edits = list(step(result))
        if not edits:
            continue
        result, step_offsets = _apply(result, edits)
        offsets = step_offsets if offsets is None else [offsets[i] for i in step_offsets]
    if offsets is None or result == text:
        return Segment(text=text, location=location)
    return Segment(text=result, location=location, source_offsets=tuple(offsets))


def _apply(text: str, edits: list[_Edit]) -> tuple[str, list[int]]:
    """Apply sorted, non-overlapping edits; each replacement character maps to its span's start."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for start, end, replacement in edits:
        pieces.append(text[position:start])
        offsets.extend(range(position, start))
        pieces.append(replacement)
        offsets.extend([start] * len(replacement))
        position = end
    pieces.append(text[position:])
    offsets.extend(range(position, len(text) + 1))
    return "".join(pieces), offsets


def carries_quoted_printable(text: str) -> bool:
    """Whether ``text`` clearly is quoted-printable that nobody decoded.

    Either it has soft line breaks and ``=XX`` escapes, or every line ending in a soft break is
    as long as an encoder's wrapped line; and it has no "=" that is neither.
    """
    breaks = list(_SOFT_LINE_BREAK.finditer(text))
    if not breaks or _BARE_EQUALS.search(text):
        return False
    if _QP_ESCAPE.search(text):
        return True
    for found in breaks:
        line_start = text.rfind("\n", 0, found.start()) + 1
        length = found.start() + 1 - line_start
        if not _QP_MIN_WRAPPED_LINE <= length <= _QP_MAX_LINE:
            return False
    return True


def _quoted_printable_edits(text: str) -> Iterator[_Edit]:
    if "=" not in text or not carries_quoted_printable(text):
        return
    # Soft breaks and escapes never overlap: "=\n" is not "=XX". A run of escapes interrupted by
    # a soft break (a multi-byte character wrapped across lines) is decoded in two halves, which
    # then fail as UTF-8 and stay as they were; that is rare and loses nothing.
    edits = [(m.start(), m.end(), "") for m in _SOFT_LINE_BREAK.finditer(text)]
    edits += _escape_edits(text)
    yield from sorted(edits)


def _escape_edits(text: str) -> Iterator[_Edit]:
    for run in _QP_ESCAPE_RUN.finditer(text):
        raw = bytes.fromhex(run.group().replace("=", ""))
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        # One edit per character, so each maps to the "=" that starts its first byte.
        position = run.start()
        for char in decoded:
            width = 3 * len(char.encode("utf-8"))
            yield position, position + width, char
            position += width


def _line_ending_edits(text: str) -> Iterator[_Edit]:
    """Step 2: CRLF and a lone CR become LF."""
    if "\r" not in text:
        return
    for found in _CARRIAGE_RETURN.finditer(text):
        yield found.start(), found.end(), "\n"


def _character_reference_edits(text: str) -> Iterator[_Edit]:
    if "&" not in text:
        return
    for reference in _CHARACTER_REFERENCE.finditer(text):
        decoded = html.unescape(reference.group())
        if decoded != reference.group():
            yield reference.start(), reference.end(), decoded


def _percent_escape_edits(text: str) -> Iterator[_Edit]:
    """Step 3a: percent escapes decoded, and "+" in a URL's query read as a space."""
    if "%" not in text and "+" not in text:
        return
    for word in _PERCENT_WORD.finditer(text):
        edits: list[_Edit] = []
        query = _URL_QUERY.match(word.group())
        if query:
            start = word.start() + query.end()
            edits += [
                (start + i, start + i + 1, " ")
                for i, char in enumerate(text[start : word.end()])
                if char == "+"
            ]
        for run in _PERCENT_RUN.finditer(word.group()):
            edits += _percent_run_edits(run.group(), word.start() + run.start())
        yield from sorted(edits)


def _percent_run_edits(run: str, position: int) -> Iterator[_Edit]:
    """A run of percent escapes at ``position``, one edit per character, each mapped to the
    "%" that starts its first byte."""
    raw = bytes.fromhex(run.replace("%", ""))
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
        widths = [3] * len(decoded)
    else:
        widths = [3 * len(char.encode("utf-8")) for char in decoded]
    for char, width in zip(decoded, widths, strict=True):
        yield position, position + width, char
        position += width


def _character_edits(text: str) -> Iterator[_Edit]:
    for found in _NOT_PLAIN.finditer(text):
        if unicodedata.combining(found.group()) and _marks_latin(text, found.start()):
            yield found.start(), found.end(), ""
            continue
        replacement = _replacement(found.group())
        if replacement is not None:
            yield found.start(), found.end(), replacement


def _separator_edits(text: str) -> Iterator[_Edit]:
    """Step 5: each separator inside a phone, NHS or National Insurance number, as a space."""
    for found in _SEPARATED_NUMBER.finditer(text):
        value = found.group().lstrip("+")
        groups = value.split(found["separator"])
        if sum(map(len, groups)) not in _SEPARATED_DIGITS or min(map(len, groups[1:])) < 2:
            continue
        if _THOUSANDS.fullmatch(value) or _IP_ADDRESS.fullmatch(value):
            continue
        if len(groups) == 2 and not (  # one separator
            groups[0].startswith("0") and len(groups[0]) >= _DIALLING_CODE_DIGITS
        ):
            continue
        yield from _spaced(found)
    for found in _SEPARATED_INSURANCE_NUMBER.finditer(text):
        yield from _spaced(found)


def _spaced(found: re.Match[str]) -> Iterator[_Edit]:
    separator = found["separator"]
    for offset, char in enumerate(found.group(), found.start()):
        if char == separator:
            yield offset, offset + 1, " "


# Step 2a: the lines of a wrapped paragraph. A line: its quote markers ("> ", "> > "), its
# indentation, what it says, and the spaces after that.
_LINE_PARTS = re.compile(r"((?:[ \t]*>)*)([ \t]*)(.*?)[ \t]*", re.DOTALL)
# What starts a line of its own: a list's item ("- ", "2. ", "(b) ") or a field's label
# ("NHS number: ", "sat 10:40 duty: ", not "https://").
_LIST_ITEM = re.compile(r"(?:[-*•·‣◦+–—]|\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)])(?:\s|$)")
_FIELD_LABEL = re.compile(r"[^\W\d_][\w '/&().?:-]{0,40}?:(?!//)(?:\s|$)")
# What ends a line's sentence or clause, with any quote or bracket that closes it.
_CLAUSE_END = re.compile(r"[.!?:;,][)\]\"'”’]*$")
# A number wrapped: a line ending in digits and the next starting with more that are no
# house number before its street ("07700" / "900999 today", "401 023" / "2137,"), a
# postcode's halves ("LS7" / "3QP"), a National Insurance number's letters and its digits
# ("JC" / "48 29 17 B") or its digits and its last letter ("QQ 12 34 56" / "C").
_WRAPPED_NUMBER = (
    (re.compile(r"\d{2,}$"), re.compile(r"\d{2,}(?:[,.;)]?$|[,.;)]?\s+(?:\d|[a-z])|[,.;)]\s)")),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?$"), re.compile(r"\d[A-Z]{2}\b")),
    (re.compile(r"\b[A-Z]{2}$"), re.compile(r"\d\d\s?\d\d\s?\d\d\b")),
    (re.compile(r"\d\d$"), re.compile(r"[A-D]\b")),
)
# A line that is a number alone: two such lines are a column of values, not a number wrapped.
_NUMBER_ALONE = re.compile(r"[\d\s().,+-]+")
# A table's row: cells between bars, or values between commas with no space after them (at
# least two of either); lines with as many commas and spaces are rows too.
_TABLE_SEPARATORS = 2
_CSV_COMMA = re.compile(r",(?=\S)")
# Words no sentence ends with: a line that ends with one goes on on the next.
_GOES_ON_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "of", "on", "to", "in", "at", "by", "for", "from",
    "with", "is", "are", "was", "were", "be", "her", "his", "their", "my", "your", "our", "its",
    "called", "named", "ring", "call", "contact", "tel", "mobile", "phone", "number", "mr",
    "mrs", "ms", "miss", "mx", "dr",
})  # fmt: skip
# A letter's closing or greeting is a line of its own ("Kind regards", "Best Wishes", "Many
# thanks", "Hi Sam"): a line of up to this many words that ends with, or starts with, one of
# these.
_GREETING_OR_SIGN_OFF_WORDS = 4
_SIGN_OFF_WORDS = frozenset({
    "regards", "wishes", "thanks", "thank", "cheers", "sincerely", "faithfully", "best", "love",
    "warmly", "yours", "care", "soon", "ta",
})  # fmt: skip
_GREETING_WORDS = frozenset({
    "hi", "hello", "dear", "hey", "morning", "afternoon", "evening", "greetings",
})  # fmt: skip
# A sentence's words: a lower-case word in a line, a next line that starts with one, and a
# line ending in a name's first word after a title or a lower-case word ("ring Harriet", "Mrs
# Harriet") with the next going on from the rest of the name ("Blenkinsop today.").
_LOWER_CASE_WORD = re.compile(r"(?<!\S)[a-z]+(?=[\s,.;:!?)]|$)")
_NAME_STARTS = re.compile(r"(?:^|\s)(?:[a-z]+|Mrs?|Ms|Miss|Mx|Dr)\.?\s+[A-Z][\w'’-]*$")
_NAME_ENDS = re.compile(r"[A-Z][\w'’-]*(?:[.,;!?]$|\s+[a-z])")
# A wrapped line is as long as its paragraph's longest, less the next line's first word
# (which did not fit on it) and this much for a wrap made by the width words take on screen.
_RAGGED_WRAP = 10
_CAPITALISED_END = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*$")
_CAPITALISED_START = re.compile(r"[A-Z][a-z]")
_HAS_ALNUM = re.compile(r"[^\W_]")

# A line as step 2a reads it: its quote depth, its indentation, and the start, end and text
# of what it says.
type _Line = tuple[int, str, int, int, str]


def _wrapped_line_edits(text: str) -> Iterator[_Edit]:
    """Step 2a: each line break inside a wrapped paragraph, with the quote markers and
    indentation after it, as one space (see ``_wrap``)."""
    if "\n" not in text:
        return
    lines: list[_Line] = []
    position = 0
    for line in text.split("\n"):
        parts = _LINE_PARTS.fullmatch(line)
        if parts is not None:  # always: it matches any line
            start, end = position + parts.start(3), position + parts.end(3)
            lines.append((parts.group(1).count(">"), parts.group(2), start, end, parts.group(3)))
        position += len(line) + 1
    widths = _paragraph_widths(lines)
    wraps = [
        _wrap(before, after, width)
        for (before, after), width in zip(itertools.pairwise(lines), widths, strict=False)
    ]
    for i, wrap in enumerate(wraps):
        beside = (i > 0 and wraps[i - 1] is True) or (i + 1 < len(wraps) and wraps[i + 1] is True)
        if wrap is True or (wrap is False and beside):
            yield lines[i][3], lines[i + 1][2], " "


def _paragraph_widths(lines: list[_Line]) -> list[int]:
    """For each line, the length of the longest line of its paragraph (the lines around it
    that say something, at its depth of quoting): the width it was wrapped at, or more."""
    widths: list[int] = []
    first = 0
    while first < len(lines):
        last = first + 1
        while last < len(lines) and lines[last][4] and lines[last][0] == lines[first][0]:
            last += 1
        if not lines[first][4]:
            last = first + 1
        width = max(len(line[1]) + len(line[4]) for line in lines[first:last])
        widths += [width] * (last - first)
        first = last
    return widths


def _wrap(before: _Line, after: _Line, width: int) -> bool | None:
    """Whether the break between two lines is a wrap (``True``), one if a break beside it
    is (``False``), or none (``None``).

    Both lines must say something at the same depth of quoting, the second indented no more
    than the first. Then it is a wrap when the first goes on on the next line: it ends inside
    a number ("07700" / "900999", "LS7" / "3QP"), or with a word no sentence ends with ("on",
    "Mrs"), or the next line starts in lower case. Between two capitalised words it is one
    when both lines read as a sentence's words ("Please ring Mrs Harriet" / "Blenkinsop
    today."), or when a break beside it is a wrap ("Ring Harriet" / "Blenkinsop on 07700" /
    "900999"). It is never one where the lines are structure: after a full stop, a colon or
    a comma, before a list's item or a field's label, after a label's line (unless a number
    goes on), beside a line with no word (a "-- "), a table's row (tabs, bars, columns of
    spaces, values between commas), a closing or a greeting, or between two lines that are
    each a number alone (a column of values)."""
    first, second = before[4], after[4]
    if _structure(before, after):
        return None
    if any(end.search(first) and start.match(second) for end, start in _WRAPPED_NUMBER):
        return not (_NUMBER_ALONE.fullmatch(first) and _NUMBER_ALONE.fullmatch(second)) or None
    if _FIELD_LABEL.match(first):
        return None
    if _sentence_goes_on(before, second, width):
        return True
    if (
        _CAPITALISED_END.search(first)
        and _CAPITALISED_START.match(second)
        and " " in first
        and _filled(before, second, width)
    ):
        return False
    return None


def _structure(before: _Line, after: _Line) -> bool:
    """Whether the break between two lines is structure, whatever else they say (see
    ``_wrap``)."""
    depth, indent, _, _, first = before
    next_depth, next_indent, _, _, second = after
    return bool(
        depth != next_depth
        or len(next_indent) > len(indent)
        or not _HAS_ALNUM.search(first)
        or not _HAS_ALNUM.search(second)
        or _CLAUSE_END.search(first)
        or _LIST_ITEM.match(second)
        or _FIELD_LABEL.match(second)
        or _table_row(first)
        or _table_row(second)
        or (first.count(",") >= _TABLE_SEPARATORS and first.count(",") == second.count(","))
        or _closing_or_greeting(first)
        or _closing_or_greeting(second)
    )


def _sentence_goes_on(before: _Line, second: str, width: int) -> bool:
    """Whether a line's sentence goes on on the next (see ``_wrap``)."""
    first = before[4]
    if first.rsplit(None, 1)[-1].lower() in _GOES_ON_WORDS:
        return True
    filled = _filled(before, second, width)
    if filled and _LOWER_CASE_WORD.match(second) and _LOWER_CASE_WORD.search(first):
        return True
    return bool(filled and _NAME_STARTS.search(first) and _NAME_ENDS.match(second))


def _filled(before: _Line, second: str, width: int) -> bool:
    """Whether a line is as long as a wrapped one: with the next line's first word it would
    not have fitted in its paragraph's width. A short line among long ones ("19:15 Selkirk
    Grace" over "Piping in the Haggis" in a running order) ends where its writer ended it."""
    next_word = len(second.split(None, 1)[0])
    return len(before[1]) + len(before[4]) + 1 + next_word + _RAGGED_WRAP > width


def _table_row(line: str) -> bool:
    return (
        "\t" in line
        or line.count("|") >= _TABLE_SEPARATORS
        or len(_CSV_COMMA.findall(line)) >= _TABLE_SEPARATORS
        or _has_gap(line, _COLUMN_SPACES)
    )


def _closing_or_greeting(line: str) -> bool:
    words = line.lower().split()
    return len(words) <= _GREETING_OR_SIGN_OFF_WORDS and (
        words[-1].strip(",.!") in _SIGN_OFF_WORDS or words[0].strip(",.!") in _GREETING_WORDS
    )


def _number_edits(text: str) -> Iterator[_Edit]:
    """Step 5: look-alike letters inside numbers, dashes beside digits, and separators
    between a number's groups."""
    edits: list[_Edit] = list(_separator_edits(text))
    if any(dash in text for dash in _DASHES):
        edits += [(m.start(), m.end(), "-") for m in _DASH_BESIDE_DIGIT.finditer(text)]
    read_to = 0
    for found in _LOOK_ALIKE_BESIDE_DIGIT.finditer(text):
        if found.start() < read_to:
            continue
        start, end = found.start(), found.end()
        while start > 0 and _in_word(text[start - 1]):
            start -= 1
        while end < len(text) and _in_word(text[end]):
            end += 1
        read_to = end
        word = text[start:end]
        digits = sum(c.isdigit() for c in word)
        if digits >= _LEAST_DIGITS and all(c.isdigit() or c in _DIGIT_LOOK_ALIKES for c in word):
            edits += [
                (start + i, start + i + 1, _DIGIT_LOOK_ALIKES[c])
                for i, c in enumerate(word)
                if c in _DIGIT_LOOK_ALIKES
            ]
    yield from sorted(edits)


# Step 5a: an underscore after a digit (and perhaps one letter: "QQ123456C_"), or before
# one (perhaps after two letters: "_QQ123456C").
_UNDERSCORE_BY_DIGITS = re.compile(r"(?<=\d)_|(?<=\d[A-Za-z])_|_(?=[A-Za-z]{0,2}\d)")


def _underscore_edits(text: str) -> Iterator[_Edit]:
    """Step 5a: an underscore beside a number, outside an e-mail address, as a space. The
    words are found as the matches come, left to right, so the text is read once."""
    if "_" not in text:
        return
    word_start = word_end = 0
    for found in _UNDERSCORE_BY_DIGITS.finditer(text):
        start = found.start()
        if start >= word_end:  # a new word: from the last word break before it to the next
            for gap in _WORD_BREAK.finditer(text, word_end, start):
                word_start = gap.end()
            after = _WORD_BREAK.search(text, start)
            word_end = after.start() if after else len(text)
        if "@" not in text[word_start:word_end]:
            yield start, start + 1, " "


# What ends a word for step 5a: white space, an angle bracket or a quote.
_WORD_BREAK = re.compile(r"""[ \t\n<>"']""")


# Step 6: an email address written out. A written "at" is "@" with spaces around it, the
# word "at" between spaces, or "at" in brackets of any kind; a written "dot" likewise, or a
# full stop with spaces around it (only in the domain, and never after the word "at", where
# it would more likely end a sentence: "we met at Leeds . Then").
_WRITTEN_AT = r"(?:[ \t]*[\[({<][ \t]*at[ \t]*[\])}>][ \t]*|[ \t]*@[ \t]*|[ \t]+at[ \t]+)"
_WRITTEN_DOT = r"(?:[ \t]*[\[({<][ \t]*dot[ \t]*[\])}>][ \t]*|[ \t]+dot[ \t]+)"
_LOCAL_WORD = r"[\w+'-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_WRITTEN_EMAIL = re.compile(
    rf"(?<![\w.@+'-]){_LOCAL_WORD}(?:(?:{_WRITTEN_DOT}|\.){_LOCAL_WORD}){{0,5}}"
    rf"{_WRITTEN_AT}{_LABEL}(?:(?:{_WRITTEN_DOT}|[ \t]*\.[ \t]*){_LABEL}){{1,5}}(?![\w@-])",
    re.IGNORECASE,
)
# The separators inside a written address, each rewritten as the character it stands for.
_WRITTEN_SEPARATOR = re.compile(
    r"[ \t]*[\[({<][ \t]*(at|dot)[ \t]*[\])}>][ \t]*|[ \t]+(at|dot)[ \t]+|[ \t]*([@.])[ \t]*",
    re.IGNORECASE,
)
_SEPARATOR_CHARS = {"at": "@", "dot": ".", "@": "@", ".": "."}
# Words of a sentence that stand before "at" and are nobody's mailbox: "email her at gmail dot
# com" names no address.
_NOT_MAILBOXES = frozenset(
    [
        "i",
        "me",
        "we",
        "us",
        "you",
        "he",
        "him",
        "she",
        "her",
        "they",
        "them",
        "it",
        "is",
        "are",
        "was",
        "were",
        "be",
        "am",
        "m",
        "s",
        "re",
        "ll",
        "ve",
        "d",
        "meet",
        "met",
        "home",
        "work",
        "email",
        "mail",
        "write",
        "contact",
        "reach",
        "find",
    ]
)
_TOP_LEVEL = re.compile(r"[a-z]{2,24}|[A-Z]{2,24}")


def _written_email_edits(text: str) -> Iterator[_Edit]:
    """Step 6: the written "at" and "dot" of each email address written to dodge a filter."""
    if "@" not in text and "at" not in text.lower():
        return
    for found in _WRITTEN_EMAIL.finditer(text):
        separators = list(_WRITTEN_SEPARATOR.finditer(text, found.start(), found.end()))
        ats = [m for m in separators if _separator_char(m) == "@"]
        if len(ats) != 1:
            continue
        at = ats[0]
        edits = [
            (m.start(), m.end(), _separator_char(m))
            for m in separators
            if m.group() != _separator_char(m)
        ]
        if edits and _reads_as_address(text, found, at, separators):
            yield from edits


def _separator_char(separator: re.Match[str]) -> str:
    word = next(g for g in separator.groups() if g is not None)
    return _SEPARATOR_CHARS[word.lower()]


def _reads_as_address(
    text: str, found: re.Match[str], at: re.Match[str], separators: list[re.Match[str]]
) -> bool:
    """Whether a written address reads as one rather than as a sentence: its last label is a
    top-level domain's shape (not a capitalised word that starts a sentence), and after the
    word "at" its mailbox is no pronoun and its domain has a written "dot", or its mailbox
    has a dot, an underscore or a digit as addresses have ("jane.smith at gmail.com")."""
    top_level = re.split(r"[^A-Za-z0-9-]+", text[found.start() : found.end()])[-1]
    if not _TOP_LEVEL.fullmatch(top_level):
        return False
    if at.group(2) is None:  # "@" or "(at)": nobody writes those in a sentence
        return True
    local = text[found.start() : at.start()]
    domain_separators = [m for m in separators if m.start() > at.start()]
    if local.lower() in _NOT_MAILBOXES:
        return False
    if any(m.group(3) == "." and m.group() != "." for m in domain_separators):
        return False  # a full stop with spaces after the word "at" ends a sentence
    written_dot = any(m.group(3) is None for m in domain_separators)
    return written_dot or (any(c in "._" or c.isdigit() for c in local) and top_level.islower())


# Step 7: a word glued to a number. The word: three letters or more, all in lower case after
# its first ("Jones", "sarah"), or an initial glued to a capitalised name ("PJones"); nothing
# of an address, a path, a tag or a code stands around it.
_GLUED = re.compile(r"(?<![\w@./:+#=?&\\'’-])([^\W\d_]{3,})(\d+)(?![\w@/:%'’-]|[.,]\w)")


def _glued_word_edits(text: str) -> Iterator[_Edit]:
    """Step 7: a space between a name-like word and the digits glued to it."""
    for found in _GLUED.finditer(text):
        word = found.group(1)
        if word[1:].islower():
            yield found.start(2), found.start(2), " "
        elif word[0].isupper() and word[1].isupper() and word[2:].islower() and len(word) > 3:
            yield found.start(1) + 1, found.start(1) + 1, " "
            yield found.start(2), found.start(2), " "


# Step 8: numbers written as words. "oh" and "o" are zero as a number is read aloud; "double"
# and "triple" repeat the digit after them; "hundred" and "thousand" after a digit add its
# zeros ("nine hundred" is 900, as UK phone numbers are read).
_UNITS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_TEENS = {
    word: str(10 + i)
    for i, word in enumerate(
        [
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    word: str(2 + i)
    for i, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}
_REPEATS = {"double": 2, "triple": 3}
_ZEROS = {"hundred": "00", "thousand": "000"}
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_DIGIT_WORD = re.compile(
    rf"\b(?:(?P<repeat>double|triple)[ \t-]+(?P<repeated>{_UNIT}|\d)\b"
    rf"|(?P<tens>{'|'.join(_TENS)})(?:[ \t-]+(?P<ones>{_UNIT}))?"
    rf"|(?P<teen>{'|'.join(_TEENS)})"
    rf"|(?P<unit>{_UNIT})(?:[ \t]+(?P<zeros>hundred|thousand))?)\b"
    r"|(?<![\w.,/:£$])(?P<figures>\d+)(?![\w/:%]|[.,]\d)",
    re.IGNORECASE,
)
# What may stand between the words of one number: spaces, or a comma or a hyphen that groups
# it as it is read ("oh seven seven double oh, nine double oh, one two three").
_NUMBER_GAP = re.compile(r"[ \t]+|[ \t]*[,-][ \t]*")
# A number written in words counts from this many digits (with any written in figures beside
# them, "07700 nine zero zero one two three"): the shortest number the recognisers find is a
# bank account's eight digits. "one or two", "nine hundred people" stay words.
_LEAST_WRITTEN_DIGITS = 8
_LEAST_DIGITS_IN_WORDS = 2


def _digit_word_edits(text: str) -> Iterator[_Edit]:
    """Step 8: each run of number words long enough to be an identifier, as digits."""
    run: list[re.Match[str]] = []
    for found in _DIGIT_WORD.finditer(text):
        if run and not _NUMBER_GAP.fullmatch(text, run[-1].end(), found.start()):
            yield from _run_edits(text, run)
            run = []
        run.append(found)
    yield from _run_edits(text, run)


def _run_edits(text: str, run: list[re.Match[str]]) -> Iterator[_Edit]:
    """The edits that write one run of number words and figures as digits, when it is long
    enough: each word becomes its digits, and the gap between two words goes, or is a space
    where a comma or a hyphen grouped them. Figures and the gaps beside them stay."""
    digits = [_digits_of(found) for found in run]
    in_words = sum(len(d) for d, found in zip(digits, run, strict=True) if not found["figures"])
    if in_words < _LEAST_DIGITS_IN_WORDS or sum(map(len, digits)) < _LEAST_WRITTEN_DIGITS:
        return
    for i, (found, value) in enumerate(zip(run, digits, strict=True)):
        if found["figures"]:
            continue
        yield found.start(), found.end(), value
        following = run[i + 1] if i + 1 < len(run) else None
        if following is not None and not following["figures"]:
            gap = text[found.end() : following.start()]
            yield found.end(), following.start(), " " if gap.strip() else ""


def _digits_of(found: re.Match[str]) -> str:
    if found["figures"]:
        return found["figures"]
    if found["repeat"]:
        repeated = found["repeated"].lower()
        return _UNITS.get(repeated, repeated) * _REPEATS[found["repeat"].lower()]
    if found["tens"]:
        ones = found["ones"]
        return _TENS[found["tens"].lower()] + (_UNITS[ones.lower()] if ones else "0")
    if found["teen"]:
        return _TEENS[found["teen"].lower()]
    zeros = found["zeros"]
    return _UNITS[found["unit"].lower()] + (_ZEROS[zeros.lower()] if zeros else "")


def _in_word(char: str) -> bool:
    return char.isalnum()


def _marks_latin(text: str, position: int) -> bool:
    """Whether the combining mark at ``position`` sits (perhaps under other marks) on a Latin
    letter or a digit."""
    while position > 0 and unicodedata.combining(text[position - 1]):
        position -= 1
    if position == 0:
        return False
    base = text[position - 1]
    return base.isascii() and base.isalnum()


def _whitespace_run_edits(text: str) -> Iterator[_Edit]:
    columned = _columned_lines(text) if _has_gap(text, _COLUMN_SPACES) else set()
    line, counted = 0, 0  # the line number of offset ``counted``, kept as runs go by
    for run in _WHITESPACE_RUN.finditer(text):
        inside = run.start() > 0 and text[run.start() - 1] not in "\n" and run.end() < len(text)
        gap = inside and text[run.end()] != "\n"
        if gap and columned:
            line += text.count("\n", counted, run.start())
            counted = run.start()
        # In a table laid out with spaces, a value that fills its column leaves only two
        # spaces before the next: still a column gap there.
        yield run.start(), run.end(), "\t" if gap and line in columned else " "


def _columned_lines(text: str) -> set[int]:
    """The numbers of the lines laid out in columns with spaces (a pasted report, a
    fixed-width export, a form): a line with a wide gap inside it next to another such line,
    and a run of lines each with a gap of two spaces or more, at least two of them and half
    of them with a wide gap (a row whose values fill their columns is in its table)."""
    lines = text.split("\n")
    wide = [_has_gap(line, _COLUMN_SPACES) for line in lines]
    gapped = [_has_gap(line, 2) for line in lines]
    columned = {
        i
        for i, has_gap in enumerate(wide)
        if has_gap and ((i > 0 and wide[i - 1]) or (i + 1 < len(wide) and wide[i + 1]))
    }
    first = 0
    while first < len(lines):
        last = first
        while last < len(lines) and gapped[last]:
            last += 1
        wide_lines = sum(wide[first:last])
        if wide_lines >= 2 and 2 * wide_lines >= last - first:
            columned.update(range(first, last))
        first = last + 1
    return columned


@cache
def _replacement(char: str) -> str | None:
    """What ``char`` becomes, or ``None`` when it stays as it is."""
    if char in _BLANKS:
        return " "
    category = unicodedata.category(char)
    if category == "Cc" and char.isascii():
        return "\n" if char in _LINE_ENDING_CONTROLS else ""
    if category == "Cf":
        return ""
    if category == "Cs":
        return "\ufffd"
    if category == "Nd":
        return str(unicodedata.digit(char))  # Arabic-Indic, Devanagari... digits: 0-9
    normalised = "".join(c for c in unicodedata.normalize("NFKC", char) if not _is_format(c))
    return None if normalised == char else normalised


def _is_format(char: str) -> bool:
    return unicodedata.category(char) == "Cf"
