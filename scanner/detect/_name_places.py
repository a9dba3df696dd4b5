"""Places, buildings, firms and events that look like people's names: the checks that tell
them apart from a name where it stands (mixed into ``_names.PersonRecognizer``)."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import regex

from scanner.detect._name_shapes import CAPITALISED, WORD, WORD_AT_END
from scanner.detect.recognizers_file import PersonSettings, unaccented

# Words before a place, not before a person: "at Gipton", "in Kraków", "across Seacroft".
_WHERE_BEFORE = regex.compile(
    r"(?<![\p{L}\p{M}'’-])(?:in|at|near|across|around|outside|throughout|within|towards) $",
    regex.IGNORECASE,
)
# The same before a list of places, the span one of them: "at Hendon, Southwick and
# Pennywell", "groups in Seacroft, Gipton, Harehills", "families from Jarrow and
# Cowdenbeath" (a group of people from places). Looked for this far back.
_WHERE_LIST_BEFORE = regex.compile(
    r"(?<![\p{L}\p{M}'’-])(?i:in|at|near|across|around|outside|throughout|within|towards|"
    r"(?:families|people|residents|visitors|groups|communities|schools|clubs|teams) from) "
    r"(?:\p{Lu}[\p{L}\p{M}'’-]*(?: \p{Lu}[\p{L}\p{M}'’-]*)?, )*"
    r"(?:\p{Lu}[\p{L}\p{M}'’-]*(?: \p{Lu}[\p{L}\p{M}'’-]*)?,? (?:and|or|&) )?\Z"
)
_PLACE_LIST_REACH = 150
# What follows a place in a list: another, or the list's end ("at Leeds, Okafor said" is
# no list).
# "and", "or" or "&" just before the span, which ends the list: "from Jarrow and Cowdenbeath
# are welcome".
_LAST_OF_A_LIST = regex.compile(r" (?:and|or|&) \Z")
_LIST_GOES_ON = regex.compile(r"[,.;:)]|\s*$| (?:and|or|&) ", regex.MULTILINE)
# What ends just before a span that continues a phrase: a capitalised possessive ("St
# Patrick's Day"), or a capitalised word and "of" ("Mayor of Kirklees").
_PHRASE_BEFORE = regex.compile(
    r"(?:\p{Lu}[\p{L}\p{M}-]*(?P<owner>['’]s)|(?P<head>\p{Lu}[\p{L}\p{M}'’-]*) of) \Z"
)
# A way from one place to another: "from Saltaire to Bingley", "from Kirkstall Abbey to".
_FROM_BEFORE = regex.compile(r"(?<![\p{L}\p{M}'’-])from \Z")
_TO_A_PLACE_AFTER = regex.compile(r" to \p{Lu}")
_FROM_THEN_TO_BEFORE = regex.compile(
    r"(?<![\p{L}\p{M}'’-])from (?:the )?"
    r"\p{Lu}[\p{L}\p{M}'’-]*(?: \p{Lu}[\p{L}\p{M}'’-]*){0,2} to \Z"
)
# Determiners before a first name that a place noun follows, which make it a place: "the
# Easton office", "our Selby team" ("Amina's office" has none).
_PLACE_DETERMINERS = frozenset({"the", "our"})
# Teams in a fixture: "Brighouse Belles v Hebden Royd Hurricanes", "Town vs. Rovers".
_FIXTURE_BEFORE = regex.compile(r"\p{L} vs?\.? \Z")
_FIXTURE_AFTER = regex.compile(r" vs?\.? \p{Lu}")
# A place word and a comma before a span: "Brunswick Street, " (see ``_town_after_street``).
_PLACE_WORD_AND_COMMA_BEFORE = regex.compile(r"(?<![\p{L}\p{M}])(\p{Lu}\p{Ll}+), \Z")
_DIGIT = regex.compile(r"\d")
# A capitalised word just before a town's last word: "Kings " before "Lynn".
_TOWN_BEFORE = regex.compile(r"(?<![\p{L}\p{M}'’-])\p{Lu}\p{Ll}+ \Z")
# A part of an address's line before its street: a building's or a venue's name and a comma
# ("Cadbury Hall, " before "High Street, Leigh").
_PART_BEFORE_STREET = regex.compile(r"\p{Lu}[\p{L}\p{M}'’-]*, (?:\p{Lu}[\p{L}\p{M}'’-]* )*\Z")
_TOWN_ENDS = regex.compile(r"[ \t]*(?:[.,;]|$)", regex.MULTILINE)
_LINE_ENDS = regex.compile(r"[ \t]*$", regex.MULTILINE)
# A line that is only a building's or a body's name and a comma, quoted or not, up to the
# town after it: "> Wesley Methodist Church, " (its last word checked as a place word).
_NAME_OF_A_PLACE_LINE = regex.compile(
    r"[ \t>]*\p{Lu}[\p{L}\p{M}'’-]*(?: (?:\p{Lu}[\p{L}\p{M}'’-]*|of|and|&|the|on|upon|in))*, "
)
# "and" between a name and a firm's other words: "Grace and Favour Cafe".
_JOINED = regex.compile(r" (?:and|&) (?=\p{Lu})")
# A capitalised word joined to a span by "and" or "&", after it or before it.
_JOINED_WORD_AFTER = regex.compile(r"(?:['’]s)? (?:and|&) (\p{Lu}[\p{L}\p{M}-]*)(?![\p{L}\p{M}])")
_JOINED_WORD_BEFORE = regex.compile(r"(?<![\p{L}\p{M}])(\p{Lu}[\p{L}\p{M}-]*) (?:and|&) \Z")
# "and" and one more capitalised word, then a lower-case word: "Hoyland and Goldthorpe centres".
_COORDINATED = regex.compile(r" (?:and|or|&) \p{Lu}[\p{L}\p{M}'’-]* (\p{Ll}+)")
# A capitalised word after a word that puts a place after it: "in Bolton", "at Cowgate".
_PLACE_AFTER_WHERE = regex.compile(
    r"(?<![\p{L}\p{M}'’-])(?:in|at|near|across|around|outside|throughout|within|towards) "
    r"(\p{Lu}[\p{Ll}\p{M}]+)(?![\p{L}\p{M}'’-])"
)


def _alternatives(words: frozenset[str]) -> str:
    return "|".join(sorted((regex.escape(w) for w in words), key=len, reverse=True)) or "(?!)"


class PlaceChecks:
    """Whether a span names a place, a building, a firm or an event rather than a person,
    by the words around it and the places the same text names."""

    _settings: PersonSettings
    # A word of where and a region's word before a span: "in rural Eden", "across north".
    _region_before: regex.Pattern[str]
    # A journey's noun and "to" before a span: "Family trip to Bridlington".
    _destination_before: regex.Pattern[str]
    # A body's people and "of", "at" or "from" before a span: "the staff of Cammell Laird".
    _members_before: regex.Pattern[str]
    # Place words that are no one's surname: "Street" but not "Hall" or "Green".
    _strong_places: frozenset[str]
    # The value after a place's label: "Location: Bolton", "Venue: Denton Library".
    _place_label: regex.Pattern[str]
    _place_value: regex.Pattern[str]
    _place_values: regex.Pattern[str]
    # The titles, as alternatives of a pattern, longest first.
    _title_alternatives: str

    def _compile_place_phrases(self, settings: PersonSettings) -> None:
        """The patterns of the words before a place or a body that no person stands after,
        from ``person.region_words``, ``person.journey_nouns`` and ``person.member_nouns``."""
        self._region_before = regex.compile(
            r"(?<![\p{L}\p{M}'’-])(?i:in|at|across|around|throughout|within|of|from|to|near)"
            rf" (?:{_alternatives(settings.region_words)}) \Z"
        )
        self._destination_before = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}'’-])(?i:{_alternatives(settings.journey_nouns)}) to \Z"
        )
        self._members_before = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}'’-])(?i:{_alternatives(settings.member_nouns)})"
            r" (?:of|at|from) (?:the )?\Z"
        )

    def _a_region_destination_or_body(self, text: str, start: int, end: int) -> bool:
        """Whether the words before a span make it a place or a body whatever its words,
        first names too, unless a possessive follows ("the staff of Amina's nursery"): a
        region's word after a word of where ("in rural Eden", "across north Wales"), a
        journey's noun and "to" ("Family trip to Bridlington", "relocation to Dereham"), or a
        body's people and "of", "at" or "from" ("the staff of Cammell Laird")."""
        if text[end : end + 2] in ("'s", "’s"):
            return False
        window = max(0, start - 40)
        return any(
            pattern.search(text, window, start) is not None
            for pattern in (self._region_before, self._destination_before, self._members_before)
        )

    def _speaks(self, text: str, end: int) -> bool:
        """Whether a verb of speaking follows ``end``, a space or a comma between ("Cook
        said", "Price, said")."""
        gap = 2 if text[end : end + 2] == ", " else 1
        following = WORD.match(text, end + gap) if text[end + gap - 1 : end + gap] == " " else None
        return following is not None and following.group().lower() in self._settings.speaking_verbs

    def _ends_a_phrase(self, text: str, start: int, end: int, first: str) -> bool:
        """Whether a span with no first name is part of a phrase that names a place, an
        event or a body: before a noun that follows places, not people ("the Skipton
        office", "Pudsey residents"; a first name too after "the" or "our", "the Easton
        office"); after a capitalised possessive ("St Patrick's Day
        Ceilidh", "the Queen's Award"); after a role, a body or a place word and "of" ("the
        Mayor of Kirklees", "University of Leeds", "Friends of Beckett Park")."""
        settings = self._settings
        first_name = unaccented(first) in settings.first_names
        if first_name and self._word_before(text, start) not in _PLACE_DETERMINERS:
            return False
        after = end + 2 if text[end : end + 2] in ("'s", "’s") else end
        following = WORD.match(text, after + 1) if text[after : after + 1] == " " else None
        if following is not None and following.group() in settings.place_nouns:
            # "the Skipton office", "Pudsey residents", "Crewe's communities": a place's;
            # "the Easton office" too, a first name after "the" or "our"
            return True
        joined = _COORDINATED.match(text, end)
        if not first_name and joined is not None and joined.group(1) in settings.place_nouns:
            return True  # "our Hoyland and Goldthorpe centres"
        before = None if first_name else _PHRASE_BEFORE.search(text, max(0, start - 40), start)
        if before is None:
            return False
        if before.group("owner") is not None:
            return True
        head = unaccented(before.group("head").lower())
        return head in settings.listed_not_names or head in settings.place_words

    def _in_a_place(
        self,
        text: str,
        start: int,
        end: int,
        words: list[str],
        meaningful: list[str],
        *,
        titled: bool,
    ) -> bool:
        """Whether the span names a place, a building or a condition, not a person: after
        "in" or "at" with no first name ("at Gipton", "in Kraków"), ending in a place word
        or followed by one ("Rose Hill", "Hope Street", "Parkinson's disease"). A place word
        that is also a surname ends a person's name after a title or an initial ("Mr Hall",
        "J Green"); "Jenny Hall" is a person too, but so many places are named "Stanley
        Park" or "Albert Hall" that a first name does not settle it."""
        settings = self._settings
        if (
            not titled
            and unaccented(meaningful[0]) not in settings.first_names
            and text[end : end + 2] not in ("'s", "’s")
            and (
                _WHERE_BEFORE.search(text, max(0, start - 12), start) is not None
                or self._from_to(text, start, end)  # "from Saltaire to Bingley"
                or _FIXTURE_BEFORE.search(text, max(0, start - 5), start) is not None
                or _FIXTURE_AFTER.match(text, end) is not None  # "Brighouse Belles v Hebden"
                or (
                    _WHERE_LIST_BEFORE.search(text, max(0, start - _PLACE_LIST_REACH), start)
                    is not None
                    and (
                        _LIST_GOES_ON.match(text, end) is not None
                        or (
                            _LAST_OF_A_LIST.search(text, max(0, start - 5), start) is not None
                            and not self._speaks(text, end)  # "at Leeds and Okafor said"
                        )
                    )
                )
            )
        ):
            return True
        if not titled and (
            self._a_region_destination_or_body(text, start, end)  # "trip to Bridlington"
            or self._named_after_a_place(meaningful)  # "Wakefield Trinity"
            or (len(meaningful) == 1 and self._place_before(text, start))  # "at Heaton Norris"
            or (  # "Brighton and Hove's"
                len(meaningful) == 1
                and unaccented(meaningful[0]) not in settings.first_names
                and self._joined_to_a_place(text, start, end)
            )
            or self._place_label.search(text, max(0, start - 40), start)  # "Location: Bolton"
            or self._town_after_street(text, start, end)  # "Brunswick Street, Nelson"
            or self._lower_case_before_a_place(text, start, end)  # "at victoria baths"
        ):
            return True
        if not titled and any(
            w in self._strong_places or w in settings.place_heads for w in meaningful
        ):
            return True  # "Carers Leeds", "Cyngor Gwynedd": a place word inside the span
        if (
            not titled
            and len(meaningful) > 1
            and unaccented(meaningful[-1]) in settings.listed_not_names
            and unaccented(meaningful[0]) not in settings.first_names
            and meaningful[0] not in settings.word_names
        ):
            return True  # "Healthwatch Leeds", "Citizens Advice Kirklees": a body and a place
        if len(words) > 1 and words[-1] in settings.eponym_heads:
            return True  # "Victoria Sponge", "Parkinson's Disease"
        place = words[-1] if words[-1] in settings.place_words else self._place_follows(text, end)
        return bool(place) and not (
            place in settings.surname_place_words
            and (titled or (len(meaningful) > 1 and len(meaningful[0]) == 1))
        )

    def _after_a_head(self, text: str, start: int, meaningful: list[str]) -> bool:
        """Whether a saint's word or a place's head word stands before the span, up to three
        capitalised words between on its line: "Jamia Masjid Abu Bakr", "Ysgol Gymraeg Bro
        Ogwr". A span of one word that is no first name may follow "and" there: "Saints Cyril
        and Methodius" ("St Anne's and Kofi" keeps Kofi)."""
        settings = self._settings
        heads = settings.place_heads | settings.saints
        joined = len(meaningful) == 1 and not self._known_first(meaningful[0])
        at = start
        for _ in range(4):
            if at < 2 or text[at - 1] != " ":
                return False
            before = WORD_AT_END.search(text, max(0, at - 40), at - 1)
            if before is None or before.end() != at - 1:
                return False
            word = before.group()
            if word.lower() in heads:
                return True
            if not (CAPITALISED.match(word) or (joined and word in ("and", "&"))):
                return False
            at = before.start()
        return False

    def _lower_case_before_a_place(self, text: str, start: int, end: int) -> bool:
        """Whether a span in lower case is followed by a place word that is no surname, in
        lower case too: "victoria baths", "hope street" in a note typed in lower case."""
        if not text[start:end].islower() or text[end : end + 1] != " ":
            return False
        following = WORD.match(text, end + 1)
        return (
            following is not None
            and following.group().islower()
            and following.group() in self._strong_places
        )

    def _from_to(self, text: str, start: int, end: int) -> bool:
        """Whether the span is one end of a way from one place to another: "from Saltaire to
        Bingley", "along the canal from Kirkstall Abbey to Rodley"."""
        if _FROM_BEFORE.search(text, max(0, start - 6), start) is not None:
            return _TO_A_PLACE_AFTER.match(text, end) is not None
        return _FROM_THEN_TO_BEFORE.search(text, max(0, start - 60), start) is not None

    def _town_after_street(
        self, text: str, start: int, end: int, *, in_place: bool = False
    ) -> bool:
        """Whether one word stands after a street's or an estate's place word and a comma,
        ending its line or followed by a stop or a comma: the town of an address ("Unit 4,
        Brunswick Street, Nelson."), a town named like a person. Before the street, on its
        line, a number or a building's part and a comma ("Cadbury Hall, High Street,
        Leigh", a venue's line), or the line is only a building's or a body's name, its town
        and no more, as a signature block writes it ("Wesley Methodist Church, Cleckheaton"),
        unless the word stands ``in_place`` of a name (under "Present", in a name column).
        The town may have one more word before, no first name: "Sidney Street, Kings
        Lynn"."""
        span = text[start:end]
        town = _TOWN_BEFORE.search(text, max(0, start - 30), start)
        if town is not None and " " not in span and not self._known_first(town.group()[:-1]):
            start = town.start()  # "Kings Lynn": the town's first word is no first name
        before = _PLACE_WORD_AND_COMMA_BEFORE.search(text, max(0, start - 30), start)
        if before is None or " " in span or _TOWN_ENDS.match(text, end) is None:
            return False
        signature = not in_place and self._town_after_a_building(text, start, end, before.group(1))
        if before.group(1).lower() not in self._strong_places:
            return signature
        line = max(text.rfind("\n", 0, start) + 1, before.start() - 80)
        return (
            _DIGIT.search(text, line, before.start()) is not None
            or _PART_BEFORE_STREET.search(text, line, before.start()) is not None
            or signature
        )

    def _town_after_a_building(self, text: str, start: int, end: int, place_word: str) -> bool:
        """Whether the line is only a building's or a body's name, a comma and one word that
        is no first name, as a signature block writes a venue and its town ("Wesley Methodist
        Church, Cleckheaton"). "Church" and "Hall" are surnames too, so the name before them
        must have two words or more, not all first names ("Amina Hall, Okafor" lists
        people)."""
        line = _NAME_OF_A_PLACE_LINE.fullmatch(text, text.rfind("\n", 0, start) + 1, start)
        if (
            line is None
            or _LINE_ENDS.match(text, end) is None
            or place_word.lower() not in self._settings.place_words
            or self._known_first(text[start:end])
        ):
            return False
        words = WORD.findall(text, line.start(), line.end())
        return len(words) > 2 and not all(self._known_first(w) for w in words[:-1])

    def _known_first(self, word: str) -> bool:
        """Whether a word is a known first name or word-name."""
        lower = word.lower()
        return unaccented(lower) in self._settings.first_names or lower in self._settings.word_names

    def _named_after_a_place(self, meaningful: list[str]) -> bool:
        """Whether a span of two words or more opens with a listed place that is no first
        name: a team, a club or a service named after its town ("Wakefield Trinity",
        "Burnley Belvedere"), as no one's first name is a town's that is no first name."""
        return (
            len(meaningful) > 1
            and unaccented(meaningful[0]) in self._settings.place_names
            and not self._known_first(meaningful[0])
        )

    def _joined_to_a_place(self, text: str, start: int, end: int) -> bool:
        """Whether "and" or "&" joins the span to a listed place, before or after it:
        "Brighton and Hove", "Hove & Brighton"."""
        listed = self._settings.place_names
        after = _JOINED_WORD_AFTER.match(text, end)
        if after is not None and unaccented(after.group(1).lower()) in listed:
            return True
        before = _JOINED_WORD_BEFORE.search(text, max(0, start - 40), start)
        return before is not None and unaccented(before.group(1).lower()) in listed

    def _place_before(self, text: str, start: int) -> bool:
        """Whether one capitalised word that is no first name or title stands between "in"
        or "at" and the span: the span ends a place's name of two words ("at Heaton
        Norris", "in Hebden Bridge")."""
        previous = WORD_AT_END.search(text, max(0, start - 30), max(0, start - 1))
        if previous is None or previous.end() != start - 1 or text[start - 1] != " ":
            return False
        word = previous.group()
        lower = unaccented(word.lower())
        settings = self._settings
        return (
            CAPITALISED.match(word) is not None
            and not word.isupper()
            and lower not in settings.first_names
            and lower not in settings.word_names
            and lower not in settings.titles
            and _WHERE_BEFORE.search(text, max(0, previous.start() - 12), previous.start())
            is not None
        )

    def _place_follows(self, text: str, end: int) -> str:
        """The next word when it makes the span part of a place or a firm ("Hope Street",
        "Grace Lane"), in lower case; else an empty string. A possessive goes between:
        "Down's syndrome", "Parkinson's disease"; and so may one or two more capitalised
        words (no first name or title) before a place word, "and" before them or not:
        "Joy's Jerk Kitchen", "Grace & Favour Catering Ltd", "Hope and Faith Food Bank"."""
        owned = text[end : end + 2] in ("'s", "’s")
        if owned:
            end += 2
        joined = _JOINED.match(text, end)  # "Grace and Favour Cafe", "Grace & Favour Ltd"
        at = joined.end() if joined is not None else end + 1
        following = WORD.match(text, at) if text[end : end + 1] == " " else None
        word = following.group() if following is not None else ""
        # a place word owning what follows is still one: "Nelson Mandela House's lift"
        lower = _OWNER.sub("", word.lower())
        settings = self._settings
        if joined is None and (
            lower in settings.eponym_heads
            or (owned and lower in settings.possessive_heads)
            or (not owned and word.islower() and lower in settings.thing_heads)
        ):
            return lower  # "Parkinson's disease"; "Natasha's Law"; "the Carol concert"
        if following is None or CAPITALISED.match(word) is None:
            return ""
        if lower in settings.place_words:
            return "" if joined is not None and lower in settings.surname_place_words else lower
        return self._firm_words_then_place(text, following)

    def _firm_words_then_place(self, text: str, word: regex.Match[str]) -> str:
        """The place word after ``word`` and at most one more capitalised word, none of them
        a first name or a title: "Grace Evans Accountancy Ltd", "Hope and Faith Food Bank"."""
        settings = self._settings
        for _ in range(2):
            lower = word.group().lower()
            if unaccented(lower) in settings.first_names or lower in settings.titles:
                return ""
            after = word.end()
            then = WORD.match(text, after + 1) if text[after : after + 1] == " " else None
            if (
                then is None
                or CAPITALISED.match(then.group()) is None
                or word.group().isupper() != then.group().isupper()
            ):
                return ""
            word = then
            if then.group().lower() in settings.place_words:
                return then.group().lower()
        return ""

    @staticmethod
    def _word_before(text: str, start: int) -> str:
        """The word just before ``start`` (spaces and one full stop between), in lower case."""
        before = text[max(0, start - 30) : start].rstrip(" .")
        match = WORD_AT_END.search(before)
        return match.group().lower() if match else ""

    def _not_places_named_elsewhere(
        self, text: str, spans: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """The spans less single words that the same text uses as a place: after "in", "at"
        or "from", or after a place's label ("Location: Bolton ... part of Bolton life",
        "in Denton ... West (Denton and Lemington)"), and names the text gives a building
        elsewhere (``_a_building_elsewhere``). A known first name, a word-name, a word
        before a possessive and a word the text titles anywhere ("Mrs Preston") are never
        taken for a place."""
        settings = self._settings
        places = set()
        for match in [
            *_PLACE_AFTER_WHERE.finditer(text),
            *self._place_value.finditer(text),
            *self._listed_after_a_place_label(text),
        ]:
            word, end = match.group(1), match.end(1)
            lower = unaccented(word.lower())
            if (
                CAPITALISED.match(word)
                and lower not in settings.first_names
                and lower not in settings.word_names
                and lower not in settings.titles
                and lower not in settings.not_names
                and text[end : end + 2] not in ("'s", "’s")
            ):
                places.add(word)
        buildings: dict[str, bool] = {}  # a name said many times is looked up once
        return [
            (start, end)
            for start, end in spans
            if not (
                text[start:end] in places or self._a_building_elsewhere(text, start, end, buildings)
            )
            or self._word_before(text, start) in settings.titles
            or self._titled_elsewhere(text, [text[start:end]])
        ]

    def _listed_after_a_place_label(self, text: str) -> Iterator[regex.Match[str]]:
        """The first word of each item of a list after a place's label on its line, the items
        split by commas, semicolons, "and" or "&": "Houses: Austen (red), Darwin (green)",
        "Areas: Bolton, Bury and Wigan" (each word, group 1, is a place or a house)."""
        for line in self._place_values.finditer(text):
            yield from _LIST_ITEM_START.finditer(text, line.start(1), line.end(1))

    def _a_building_elsewhere(self, text: str, start: int, end: int, seen: dict[str, bool]) -> bool:
        """Whether the span, alone or with the one or two capitalised words after it here,
        stands somewhere in the text before a place word that is no surname (one or two
        capitalised words between or not): "Stanley Grange is ten minutes from the station"
        in a guide headed "Stanley Grange Conference Centre"; "Hartley" signing a letter
        from "Hartley Pickersgill LLP". A single word that is a first name or a word-name is
        left alone ("Grace came to Grace House"), and so is a span before a verb of speaking
        ("Tom Okafor rang"). ``seen`` keeps the answer for each name, so the text is searched
        once per name, however often the name is used."""
        ends = [end]
        for _ in range(2):  # the name the span opens here: "Stanley" of "Stanley Grange"
            more = WORD.match(text, ends[-1] + 1) if text[ends[-1] : ends[-1] + 1] == " " else None
            if more is None or CAPITALISED.match(more.group()) is None:
                break
            ends.append(more.end())
        if self._speaks(text, ends[-1]):
            return False
        settings = self._settings
        for stop in ends:
            span = text[start:stop]
            if " " not in span and (
                unaccented(span.lower()) in settings.first_names
                or span.lower() in settings.word_names
            ):
                continue
            if span not in seen:
                seen[span] = any(
                    self._place_follows(text, found) in self._strong_places
                    for found in _ends_as_a_word(text, span)
                )
            if seen[span]:
                return True
        return False

    def _titled_elsewhere(self, text: str, words: list[str]) -> bool:
        """Whether the text gives a title before the span's last word somewhere ("Ms Hunt"):
        the same surname alone is that person."""
        after_title = _after_title(self._title_alternatives)
        word = words[-1]
        at = text.find(word)
        while at != -1:
            if not _LETTER.match(text, at + len(word)) and after_title.match(text, at):
                return True
            at = text.find(word, at + 1)
        return False


# The first word of an item of a list: after the list's start, a comma, a semicolon, "and"
# or "&" (see ``_listed_after_a_place_label``).
_LIST_ITEM_START = regex.compile(
    r"(?:\G[ \t]*|[,;][ \t]*|[ \t](?:and|&)[ \t]+)(\p{Lu}[\p{Ll}\p{M}]+)(?![\p{L}\p{M}'’-])"
)
# A possessive ending a word: "House's", "Hall’s".
_OWNER = regex.compile(r"['’]s\Z")
# A letter, and a letter or a mark: what may not stand right before or after a word.
_LETTER = regex.compile(r"\p{L}")
_LETTER_OR_MARK = regex.compile(r"[\p{L}\p{M}]")


@functools.cache
def _after_title(title_alternatives: str) -> regex.Pattern[str]:
    """Matches (empty) right after a title and its space: "Ms ", "dr. " (built once)."""
    return regex.compile(rf"(?<=(?<![\p{{L}}])(?i:{title_alternatives})\.? )")


def _ends_as_a_word(text: str, span: str) -> Iterator[int]:
    """The end of each place ``span`` stands in ``text`` with no letter or mark either side,
    as ``regex.finditer`` finds them (leftmost first, none overlapping), without building a
    pattern for each span: the search that was, compiled for each name, was most of the
    name checks' time."""
    at = text.find(span)
    while at != -1:
        end = at + len(span)
        if not (at and _LETTER_OR_MARK.match(text, at - 1)) and not _LETTER_OR_MARK.match(
            text, end
        ):
            yield end
            at = text.find(span, end if end > at else at + 1)
        else:
            at = text.find(span, at + 1)
