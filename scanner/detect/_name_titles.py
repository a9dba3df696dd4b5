"""Titles of songs, hymns, poems, books and films in quotation marks ("Calon Lân", "Myfanwy"
and "Sosban Fach"; sing "Auld Lang Syne"; "The Hare with Amber Eyes"): a name-like word in
such a title is no person (mixed into ``_names.PersonRecognizer``)."""

from __future__ import annotations

import regex

from scanner.detect.recognizers_file import PersonSettings, unaccented

# The quotation marks that open and close a title in prose.
_OPENING = frozenset('"“')
_CLOSING = frozenset('"”')
# A quoted item before the span's opening quotation mark, a comma or "and", "or", "&" between:
# '"Calon Lân", ' or '"Ar Lan y Môr" and '.
_ITEM_BEFORE = regex.compile(r'["”](?:, |,? (?:and|or|&) )\Z')
# The same after the span's closing quotation mark: ', "Bella Ciao"', ' and "Abide with Me"'.
_ITEM_AFTER = regex.compile(r'(?:, |,? (?:and|or|&) )["“]')
# What a line of quoted fields (a pasted CSV row) holds that a list of titles does not: a
# field glued to the next by a bare comma ('"Okonkwo","Chiamaka"'), or a field with a digit or
# an at sign ('"12-14 Albion Street"', '"07/08/1958"').
_FIELDS = regex.compile(r'["”],["“]|["“][^"“”\n]*[\d@][^"“”\n]*["”]')
# A verb or noun of performing, reading or screening right before the opening quotation mark:
# 'sing "Amar Bhaiyer Rokte Rangano"', 'the song "Myfanwy"', 'a screening of "Brooklyn"'.
_PERFORMED_BEFORE = regex.compile(
    r"(?<![\p{L}\p{M}])(?i:sings?|sang|singing|play|plays|played|playing|perform|performs|"
    r"performing|recite|recites|reciting|recitation|read|reads|reading|readings|song|songs|"
    r"hymn|hymns|carol|carols|anthem|poem|poems|ballad|book|books|novel|film|films|"
    r"screening of|performance of|musical|album|track)[:,]? \Z"
)
# The small words a title writes in lower case between its capitalised words.
_TITLE_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "with",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "or",
        "o'",
        "y",
        "yr",
        "ar",
        "a'r",
        "le",
        "la",
        "de",
        "du",
        "des",
        "et",
        "und",
        "der",
        "die",
        "das",
    ]
)
_TITLE_WORD = regex.compile(r"[\p{L}\p{M}'’-]+")
# The most words a quoted title has here, and the punctuation inside a quotation that shows
# it is speech or a sentence, not a title.
_TITLE_MOST_WORDS = 8
_SENTENCE = regex.compile(r"[.!?;:](?:\s|$)")


class TitleChecks:
    """Whether a span is, or is inside, a quoted title, or a list's item among titles."""

    _settings: PersonSettings

    def _a_quoted_title(self, text: str, start: int, end: int) -> bool:
        """Whether the span is in a quoted title: in a quoted item with a quoted item beside
        it in the same list (a song sheet's, a reading group's or a film club's
        titles), in a quotation after a verb of performing or reading ('sing
        "Calon Lân"', 'the film "Brooklyn"') or standing alone on its line (a programme's
        item), or inside a longer quotation in title case with a small word in lower case
        ("The Hare with Amber Eyes"). A quoted name alone in prose ('gave name "Jay"', 'her
        first name as "Tigist Haile"') is none of these, and a pasted CSV row of quoted
        fields ('"Shah","Rizwana","88 Roundhay Road"') is no list of titles."""
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        opening = max(text.rfind('"', line_start, start), text.rfind("“", line_start, start))
        if opening < 0 or text.count('"', line_start, opening) % 2 == 1:
            return False  # no quotation opens before the span on its line
        closing = next(
            (i for i in range(end, line_end) if text[i] in _CLOSING),
            -1,
        )
        if closing < 0 or _FIELDS.search(text, line_start, line_end) is not None:
            return False
        quoted = text[opening + 1 : closing]
        if len(_TITLE_WORD.findall(quoted)) > _TITLE_MOST_WORDS or _SENTENCE.search(quoted):
            return False  # quoted speech, not a title: "My late husband Reg was looked after"
        before = text[max(line_start, opening - 24) : opening]
        return (
            _ITEM_BEFORE.search(before) is not None
            or _ITEM_AFTER.match(text, closing + 1) is not None
            or _PERFORMED_BEFORE.search(before) is not None
            or (not text[line_start:opening].strip() and not text[closing + 1 : line_end].strip())
            or self._inside_a_title(quoted)
        )

    @staticmethod
    def _inside_a_title(quoted: str) -> bool:
        """Whether a quotation is a title of three words or more in title case, a small word
        among them in lower case: "The Hare with Amber Eyes", not "Tell Amber to ring"."""
        words = _TITLE_WORD.findall(quoted)
        small = [w for w in words if w in _TITLE_SMALL_WORDS]
        return (
            len(words) >= 3
            and bool(small)
            and all(w in _TITLE_SMALL_WORDS or w[0].isupper() for w in words)
            and words[0][0].isupper()
        )

    def _an_item_among_titles(self, text: str, start: int, end: int) -> bool:
        """Whether the span is one word, the whole of a list's item (after a number, a bullet or a
        month and a dash, less a note in brackets), an item next to it is a listed title of
        several words (``person.title_lists``) and neither is one word or two joined by "and"
        ("Kofi", "Jack and Jill"): a song sheet's "6. Delilah" between "5. Pack Up Your
        Troubles" and "7. Sweet Caroline". A rota's or an attendee list's names stand beside
        names, not titles."""
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        item = _list_item(text, line_start, line_end)
        if item is None or item[1] != start or item[2] != end or " " in text[start:end]:
            return False  # one word only: "Delilah", "Rebecca", not "Amina Okafor"
        titles = self._settings.title_names
        neighbours = []
        if line_start > 0:
            neighbours.append(
                _list_item(text, text.rfind("\n", 0, line_start - 1) + 1, line_start - 1)
            )
        if line_end < len(text):
            after_end = text.find("\n", line_end + 1)
            neighbours.append(
                _list_item(text, line_end + 1, len(text) if after_end < 0 else after_end)
            )
        items = [
            unaccented(text[n[1] : n[2]]) for n in neighbours if n is not None and n[0] == item[0]
        ]
        return any(" " in title and title in titles for title in items) and not any(
            " " not in title or _TWO_PEOPLE.fullmatch(title) is not None for title in items
        )


# A list's item: a number, a bullet, or a capitalised word and a dash before it ("1. ", "• ",
# "April – "), and a note in brackets or a full stop after it that is not part of it.
_ITEM = regex.compile(
    r"[ \t]*(?P<marker>\d{1,3}[.)]|[-•*]|\p{Lu}\p{Ll}+[ \t]+[–-])[ \t]+"
    r"(?P<item>[^\n(]*?)[ \t]*(?:\([^\n]*\))?[ \t.]*\Z"
)


# A title that reads as two people's names ("Jack and Jill", "Punch and Judy"), which a
# rota's item could be too.
_TWO_PEOPLE = regex.compile(r"[\p{L}'’-]+ (?:and|&) [\p{L}'’-]+")


def _list_item(text: str, line_start: int, line_end: int) -> tuple[str, int, int] | None:
    """The kind of marker of a list's item on the line, and the item's start and end."""
    match = _ITEM.match(text[line_start:line_end])
    if match is None or not match.group("item"):
        return None
    marker = match.group("marker")
    kind = "number" if marker[0].isdigit() else marker if len(marker) == 1 else "word"
    return kind, line_start + match.start("item"), line_start + match.end("item")
