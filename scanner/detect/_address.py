"""A street address as one span: flat, building, number and street, locality and town.

The address patterns (rules/recognizers.yaml, ``uk_street_address``) find the number and
street, a flat in a named building, or a named house. Redaction must leave nothing that
locates the person, so each match is widened over what is written around it as parts of the
same address: a flat or unit and a building name before it ("Flat 22, Brunel House, 80 Cable
Street"), and up to three localities or a town after it, on the same line or on the lines
below as letters and quoted replies set them out ("Roundhay, Leeds"). A tab is the edge of a
table's cell: a part is never taken across it. The postcode stays a finding of its own.

The structure is evidence too: the value after an address label ("Address:", "Lives at") and
the cells under an address column are addresses whatever their words (``address.labels``,
``address.headers``), up to the postcode. Patterns read a reply's quoted lines as one line, so
an address broken across "> " lines is still found.
"""

from __future__ import annotations

from bisect import bisect_right

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.detect import _context, _structure
from scanner.detect._patterns import ConfiguredPatternRecognizer
from scanner.detect.recognizers_file import PatternRule, RecognizerSettings

# A part before the street: "Flat 22", "Unit 3", "Brunel House", "Apartment 14", or the word
# "Flat" before the house number itself ("Flat 4b Jubilee Court").
_PART_BEFORE = regex.compile(
    r"(?<!\p{L})(?:(?i:flat|fflat|apartment|apt|unit|uned|room|suite|studio|block|bloc|croft|plot)"
    r"\.?\s*[\dA-Z]{1,4}"
    r"[A-Za-z]?(?:/\d{1,3})?,?"
    # A Glasgow tenement's flat before the number ("0/2 24 Kelbourne St"), a floor.
    r"|\d{1,2}/\d{1,2},?"
    r"|(?i:(?:\d{1,2}(?:st|nd|rd|th)|ground|first|second|third|top|basement|lower ground)"
    r"\s+floor(?:\s+(?:flat|front|back|rear))?),?"
    r"|(?P<building>(?:\p{Lu}[\p{L}'’-]*\s){0,3}\p{Lu}[\p{L}'’-]+),"
    r"|(?<!\p{L})(?i:flat|fflat|apartment|apt|unit|uned|no|number|plot|croft|room)\.?)"
    r" +$",
    # Matched from the end back (the part ends where the street starts): one attempt per look,
    # not one per character of the window.
    regex.REVERSE,
)
# A title just before a building's words makes them a person's name: "Mrs Doreen Kaye, 23 ...".
_TITLE_BEFORE = regex.compile(r"(?i:\b(?:mr|mrs|ms|miss|mx|dr|master|c/o))\.?\s+$")
# A part after the street: a locality or town of one to three words, up to the next comma or
# line break ("Roundhay", "Newcastle upon Tyne", "Llanrug").
_PART_AFTER = regex.compile(
    r"(?:,[ \t]*(?:\n[ \t>]*)?|[ \t]*\n[ \t>]*)"
    r"((?:St\.|\p{Lu}[\p{L}'’-]+)(?: (?:upon|on|le|under|in|y|yr|by|the|de|of|na|an"
    r"|\p{Lu}[\p{L}'’-]+)){0,3})"
    r"(?=[ \t]*(?:,|\n|$|[A-Z]{1,2}\d|[\"|;:()\[\]]|[.!?](?:\s|$)|[ \t]+[-–>=/])| *\t"
    # or the sentence going on in lower case: "16 Cardigan Terr, Wakefield but has to leave".
    r"|[ \t]+(?=\p{Ll}))"
    # or, with no comma, a town just before the postcode: "14 Mill Lane Leeds LS8 4EX".
    r"| (\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){0,2})(?= +[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b)"
)
# After an address in lower case, a town in lower case: "9 birchfields rd, manchester".
_LOWER_PART_AFTER = regex.compile(
    r",[ \t]*(\p{Ll}[\p{Ll}'’-]{2,}(?: \p{Ll}[\p{Ll}'’-]+)?)"
    r"(?=[ \t]*(?:[,.;!?)\"\n]|$|[a-zA-Z]{1,2}\d))"
    # or one word, after a comma or not, before the sentence goes on: "22b oxford st batley till
    # the council ...", "9 hawthorn gdns, heckmondwike not my old place" (the word is checked
    # against ``address.not_lower_towns``).
    r"|,?[ \t]+(\p{Ll}[\p{Ll}'’-]{3,})(?=[ \t]*(?:[,.;!?)\"\n]|$|[a-zA-Z]{1,2}\d)|[ \t]+\p{Ll})"
)
# A Scottish tenement flat before the house number: "4/2 Dumbarton Road" (flat 2, number 4).
_TENEMENT = regex.compile(r"(?<![\d/])\d{1,3}/$")
# The first number of a range: "12-14 Market Pl", "14 - 16 Stockport Rd".
_RANGE = regex.compile(r"(?<![\d/-])\d{1,4}[A-Za-z]? ?[-–] ?$")
# What may stand between two pieces of one address: a comma, spaces, a reply's quote break.
_BETWEEN_PARTS = regex.compile(r"[ \t]*,?[ \t]*(?:\n[ \t]*>[> \t]*)?")
# Between an address cell and the next cells of its row: separators, quotes, empty cells.
_BETWEEN_CELLS = regex.compile(r"[ \t\",|]*")
# From the end of one field of a form to the value of the next: "\nTown: ".
_NEXT_FIELD = regex.compile(r"[ \t,]*(?:\n|\|)[ \t>*•|-]*\p{L}[\p{L}/ \d]{0,24}?[ \t]*[:=–][ \t]*")
_HOUSE_NUMBER = regex.compile(r"\d{1,4}[A-Za-z]?")
_NUMBER_LABEL = regex.compile(r"(?i:number|\bno\b)\.?[ \t]*[:=–\t][ \t]*$")
_PROSE_AFTER = regex.compile(r"[ \t]+\p{Ll}")
_NEXT_WORD = regex.compile(r"[ \t]+([\p{L}]+)")
# The little words inside a town's name ("Newcastle upon Tyne"), never its last word.
_LINKING_WORDS = frozenset(
    {"upon", "on", "le", "under", "in", "y", "yr", "by", "the", "de", "of", "na", "an"}
)
# A line above an address that is a flat or a building and nothing else.
_LINE_ABOVE = regex.compile(
    r"([ \t>]*)(?:(?i:flat|apartment|apt|unit|suite|studio)\.?\s*[\dA-Z]{1,4}[A-Za-z]?(?:/\d{1,3})?"
    r"|(?:\p{Lu}[\p{L}'’-]+ ){0,3}(?:House|Court|Lodge|Mansions|Towers?|Point|Heights|Buildings"
    r"|Apartments|Mills?|Works|Wharf|Quay|Cottage|Farm|Barn|Bungalow|Villa|Manor|Rectory"
    r"|Vicarage|Grange|Hall|Place|Gardens|View))[ \t]*,?[ \t]*\n"
)
_YEAR = regex.compile(r"(?:19|20)\d\d,")
# A reply's quote marks at the start of a line, read as a space by the patterns.
_QUOTE_BREAK = regex.compile(r"[ \t]*\n[ \t]*>[> \t]*")
_POSTCODE = regex.compile(
    r"[,\s]*\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b", regex.IGNORECASE
)
# Where an address after "lives at" ends, in a sentence.
_SENTENCE_STOP = regex.compile(
    r"[.;!?](?:\s|$)|[()\n]| - | – "
    r"| (?=(?:until|till|since|from|for|with|when|where|who|which|because|but|and|last|next"
    r"|this|before|after|now|then|while)\b)"
)
# The value is looked at, not consumed (a lookahead), so that every "lives at" of a long
# paragraph is read, each at most 200 characters on.
_LIVES_AT = regex.compile(
    r"\b(?:(?i:lives|living|lived|resides|residing|staying|stays)\s+(?i:at)"
    r"|(?i:(?:her|his|their|my|the client's|new|home) address is))\s+"
    r"(?=(?P<value>(?:\d|\p{Lu}|(?i:flat|apartment|unit)\b)[^\n]{0,200}))"
    # After a move, only a house number or a flat: "moved to Leeds, last year" is a town.
    r"|\b(?i:moved|moving|move|relocated|rehoused|now)\s+(?i:to|into|at|in)\s+"
    r"(?=(?P<value>(?:\d{1,4}[A-Za-z]?\s|(?i:flat|apartment|apt|unit|room)\s+\d)[^\n]{0,200}))"
)
# A part of an address with no number: capitalised words, a few little words among them.
_PLACE_PART = regex.compile(
    r"\p{Lu}[\p{L}'’.-]*(?: (?:[\p{Lu}][\p{L}'’.-]*|y|yr|na|an|upon|on|le|of|the|de)){0,4}"
)
# Words before "address" in a column's header that make it no street address.
_NOT_ADDRESS_HEADERS = r"(?:email|e-mail|web|website|ip|mac|ip|twitter|wallet|return|sender)"
# A value that names a place has a number or a capital letter ("refuge" does not).
_PLACE_LIKE = regex.compile(r"\d|\p{Lu}")
# How far before a postcode its address is looked for: a long line of postcodes costs each
# one this much, not the whole line.
_LONGEST_ADDRESS = 160
# How far before a street a flat or building is looked for, one part at a time: "Flat 22, "
# or a building's name of up to four words. Bounded so that a long line costs each match this
# much, not the whole line before it (a 112k-character line of addresses was quadratic).
_LONGEST_PART = 80
_BARE_POSTCODE = regex.compile(
    r"\b(?:(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}"
    r"|[a-z]{1,2}\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2})\b"
)
# A house number (or a flat) and the street, places and commas up to a postcode on its line.
_ADDRESS_BEFORE_POSTCODE = regex.compile(
    r"(?:(?i:flat|apartment|apt|unit)\.? ?\d{1,4}[A-Za-z]?,? )?(?<![\d/])\d{1,3}[A-Za-z]?,? "
    r"\p{Lu}[\p{L}'’.-]*(?:,? (?:\p{Lu}[\p{L}'’.-]*|y|yr|na|an|upon|on|le|the|de)){0,7}"
    r"[ ,]*$"
)
# The same in lower case, as texted: "14 moorside, leeds ls8 4ex" (each word then checked).
_LOWER_ADDRESS_BEFORE_POSTCODE = regex.compile(
    r"(?:(?i:flat|apartment|apt|unit)\.? ?\d{1,4}[a-z]?,? )?(?<![\d/])\d{1,3}[a-z]?,? "
    r"\p{Ll}[\p{Ll}'’.-]{2,}(?:,? \p{Ll}[\p{Ll}'’.-]*){0,6}[ ,]*$"
)
# The lines of a letter's address block, above its postcode: places and streets, in capitals
# or not, with no colon, @ or digits other than a house number at the start.
_BLOCK_LINES = 5
_BLOCK_LINE = regex.compile(
    r"[ \t>]*(?:\d{1,4}[A-Za-z]?,? |(?i:flat|apartment|unit) \d{1,4}\w?,? )?"
    r"\p{Lu}[\p{L}'’. ,-]*"
)
_HOUSE_START = regex.compile(r"[ \t>]*(?:\d{1,3}[A-Za-z]?,? |(?i:flat|apartment|unit) \d)")
# What an address in a column holds and a form's label does not: a number or a comma.
_NUMBER_OR_PARTS = regex.compile(r"\d|,")
_LETTERS = regex.compile(r"\p{L}{3,}")
_NOT_AN_ADDRESS = regex.compile(r"@|://|www\.|_{3,}")


class StreetAddressRecognizer(ConfiguredPatternRecognizer):
    """``uk_street_address`` with every match widened to the whole address around it, and
    the addresses that labels and column headers point at."""

    def __init__(self, rule: PatternRule, settings: RecognizerSettings) -> None:
        super().__init__(rule)
        self._not_places = settings.address_not_parts
        self._buildings = settings.address_buildings
        self._house_prefixes = settings.address_house_prefixes
        self._not_after = settings.address_not_after
        self._not_lower_towns = settings.address_not_lower_towns
        self._first_names = settings.person.first_names
        self._not_values = settings.address_not_values
        self._placed_score = max(score for _, score in rule.patterns)
        self._business = _context.compile_words(sorted(settings.address_business_places))
        self._labels = _structure.label_pattern(
            settings.address_labels,
            frozenset({"email", "e-mail", "web", "ip", "mac", "history", "change", "same"}),
        )
        headers = "|".join(
            sorted(regex.escape(h).replace(r"\ ", r"\s+") for h in settings.address_headers)[::-1]
        )
        # A header may name whose address it is: "Client address", "Carer's home address";
        # never "Email address" or "Web address".
        whose = rf"(?:(?!{_NOT_ADDRESS_HEADERS}\b)[\p{{L}}'’]+\s+){{0,2}}"
        self._header = regex.compile(
            rf"[*#>\s]*{whose}(?:{headers or '(?!)'})(?:\s*\d)?(?:\s*\([^)]*\))?\s*[:*]?\s*",
            regex.IGNORECASE,
        )
        parts = "|".join(
            sorted(
                (regex.escape(h).replace(r"\ ", r"\s+") for h in settings.address_part_labels),
                key=len,
                reverse=True,
            )
        )
        self._part_header = regex.compile(
            rf"[*#>\s]*(?:{parts or '(?!)'})\s*[:*]?\s*", regex.IGNORECASE
        )
        self._part_labels = _structure.label_pattern(settings.address_part_labels, frozenset())

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        # A carriage return (mail's CRLF line ends) is read as a space: the same offsets, and
        # each line's parts still end where the patterns look for the line's end.
        text = text.replace("\r", " ")
        compact, original = _without_quote_breaks(text)
        results = super().analyze(compact, entities, nlp_artifacts, regex_flags)
        spans: list[tuple[int, int, float]] = []
        for result in results:
            if _YEAR.match(compact, result.start):  # "2025, Rose Hill" is a year, not a house
                continue
            start, end = original(result.start), original(result.end - 1) + 1
            following = _NEXT_WORD.match(text, end)
            if following and following.group(1).lower() in self._not_after:
                continue  # "Rose Hill Community Centre", "60 Park Row offices": not a home
            if not compact[result.start].isdigit() and self._institution(compact, result):
                continue  # "Community Hall, Station Road": a hall, not a house
            start, end = self._widen_back(text, start), self._widen_forward(text, end)
            spans.append((start, end, result.score))
        spans += self._placed(text)
        spans = self._next_cells(text, _joined(text, _merge(spans)))
        return [
            self._result(start, _trimmed_end(text, start, end), score)
            for start, end, score in spans
            if not (self._business and self._business.search(text, start, end))
        ]

    def _placed(self, text: str) -> list[tuple[int, int, float]]:
        """Addresses where a label or a column header says one stands."""
        found = []
        values = [
            *_structure.labelled_lines(text, self._labels),
            *(
                (start, end)
                for start, end in _structure.column_cells(text, self._header)
                # not a form's next label: a number, parts, or a building ("Hill Top Farm")
                if _NUMBER_OR_PARTS.search(text, start, end) or self._building(text[start:end])
            ),
        ]
        for match in _LIVES_AT.finditer(text):
            start = match.start("value")
            stop = _SENTENCE_STOP.search(text, start, match.end("value"))
            end = stop.start() if stop else match.end("value")
            if "," in text[start:end] or regex.match(r"\d", text[start:end]):
                values.append((start, end))
        for start, value_end in values:
            stop = _SENTENCE_STOP.search(text, start, value_end)
            end = stop.start() if stop else value_end
            postcode = _POSTCODE.search(text, start, end)
            end = postcode.start() if postcode else end
            while end > start and text[end - 1] in " \t,.;:-":
                end -= 1
            value = text[start:end]
            if _HOUSE_NUMBER.fullmatch(value) and _NUMBER_LABEL.search(
                text, max(0, start - 40), start
            ):
                found.append((start, end, self._placed_score))  # "House name or number: 2"
                continue
            if (
                end - start > 120
                or self._header.fullmatch(value)  # a header row's next header ("Address 2")
                or self._part_header.fullmatch(value)
                or not _LETTERS.search(value)
                or not _PLACE_LIKE.search(value)
                or _NOT_AN_ADDRESS.search(value)
                or value.lower().strip(" .") in self._not_values
                or self._not_place(value)
            ):
                continue
            found.append((start, end, self._placed_score))
        found += [
            (start, end, self._placed_score)
            for start, end in self._before_postcodes(text)
            if not self._not_place(text[start:end])
        ]
        return found

    def _before_postcodes(self, text: str) -> list[tuple[int, int]]:
        """What a postcode ends, when it starts with a house number or a flat: the rest of
        its line ("14 Tan Lan, Llanrug LL55 4AA"), or the lines of a letter's address block
        above it ("Flat 3\n14 Tan Lan\nLlanrug\nLL55 4AA"). A postcode makes an address of
        a street whatever its words."""
        found = []
        for postcode in _BARE_POSTCODE.finditer(text):
            line_start, whole_line = _line_start(text, postcode.start())
            window = max(line_start, postcode.start() - _LONGEST_ADDRESS)
            same_line = _ADDRESS_BEFORE_POSTCODE.search(text, window, postcode.start())
            if same_line and same_line.group().strip(" ,"):
                start = same_line.start()
                found.append((start, start + len(same_line.group().rstrip(" ,"))))
                continue
            lower = _LOWER_ADDRESS_BEFORE_POSTCODE.search(text, window, postcode.start())
            if lower and not any(
                w in self._not_lower_towns or w in self._not_places
                for w in regex.findall(r"[\p{L}'’]+", lower.group())
                if w not in ("flat", "apartment", "apt", "unit")
            ):
                start = lower.start()
                found.append((start, start + len(lower.group().rstrip(" ,"))))
                continue
            building = self._building_before(text, window, postcode.start())
            if building:
                found.append(building)
                continue
            if not whole_line or text[line_start : postcode.start()].strip():
                continue
            start = line_start
            for _ in range(_BLOCK_LINES):
                if start == 0:
                    break
                above = text.rfind("\n", 0, start - 1) + 1
                line = text[above : start - 1]
                if not line.strip() or not _BLOCK_LINE.fullmatch(line):
                    break
                start = above
                if _HOUSE_START.match(line) or (
                    not regex.search(r"\d", line) and self._building(line.strip(" \t>,"))
                ):
                    found.append((self._widen_back(text, start), line_start - 1))
                    break
        return found

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            self.supported_entities[0],
            start,
            end,
            score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self._rule.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )

    def _widen_back(self, text: str, start: int) -> int:
        line_start, whole_line = _line_start(text, start)
        tenement = _TENEMENT.search(text, max(line_start, start - 4), start)
        start = tenement.start() if tenement else start
        first = _RANGE.search(text, max(line_start, start - 10), start)
        start = first.start() if first else start
        for _ in range(4):
            part = _PART_BEFORE.search(text, max(line_start, start - _LONGEST_PART), start)
            if part is None or self._not_place(part.group()):
                break
            if part.group("building") and not self._house_like(text, part.start(), part.end()):
                break
            start = part.start()
        # A letter's address block: a flat or a building on the lines above ("Flat 3\nBrunel
        # House\n80 Cable Street").
        for _ in range(2):
            if not whole_line or start != line_start or line_start == 0:
                break
            above = text.rfind("\n", 0, line_start - 1) + 1
            line = _LINE_ABOVE.fullmatch(text, above, line_start)
            if line is None or self._not_place(line.group()):
                break
            start = line_start = above + len(line.group(1))
        return start

    def _institution(self, text: str, result: RecognizerResult) -> bool:
        words = regex.findall(r"\p{L}+", text[result.start : result.end].lower())
        return any(word in self._not_after for word in words)

    def _building_before(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """A building or house and the places after it, up to a postcode on their line, with
        no house number: "Brunel House, London E1 8JA", "Rose Cottage, Mill Lane, Hebden
        Bridge HX7 8AD". Read back one comma-separated part at a time to the building."""
        last = end
        while text[last - 1 : last].isspace() or text[last - 1 : last] == ",":
            last -= 1
            if last <= start:
                return None
        position = last
        for _ in range(5):
            comma = text.rfind(",", start, position)
            part_start = comma + 1 if comma >= 0 else start
            part = text[part_start:position].strip()
            if not _PLACE_PART.fullmatch(part) or self._not_place(part):
                return None
            if self._building(part):
                return text.index(part, part_start), last
            if comma < 0:
                return None
            position = comma
        return None

    def _building(self, value: str) -> bool:
        """Whether a value names a building or a house by its words ("Hill Top Farm")."""
        words = regex.findall(r"[\p{L}'’-]+", value)
        return bool(words) and (
            words[-1].lower() in self._buildings or words[0].lower() in self._house_prefixes
        )

    def _next_cells(
        self, text: str, spans: list[tuple[int, int, float]]
    ) -> list[tuple[int, int, float]]:
        """Each address with the rest of it set out in its own fields: the next cells of its
        row under "Address 2" or "Town" ("Flat 3\tElm Tree Court\tChorley"), or a form's
        next lines after "Street:" or "Town:"."""
        cells = dict(_structure.column_cells(text, self._part_header))
        lines = dict(_structure.labelled_lines(text, self._part_labels))
        if not cells and not lines:
            return spans
        widened = []
        for start, found_end, score in spans:
            end = found_end
            for _ in range(4):
                gap = _BETWEEN_CELLS.match(text, end)
                if gap and gap.end() in cells and regex.search(r"[\t|,]", gap.group()):
                    end = cells[gap.end()]
                    continue
                line = _NEXT_FIELD.match(text, end)
                if line and line.end() in lines:
                    end = lines[line.end()]
                    continue
                break
            widened.append((start, end, score))
        return _merge(widened)

    def _house_like(self, text: str, start: int, end: int) -> bool:
        """Whether the words before a street name a building or a house ("Brunel House",
        "The Maltings", "Tŷ Gwyn", "Braeside") rather than a person ("Mrs Doreen Kaye")."""
        words = regex.findall(r"[\p{L}'’-]+", text[start:end])
        if words[-1].lower() in self._buildings or words[0].lower() in self._house_prefixes:
            return True
        title = _TITLE_BEFORE.search(text, max(0, start - 12), start)
        return len(words) == 1 and title is None

    def _widen_forward(self, text: str, end: int) -> int:
        lower = text[max(0, end - 40) : end].islower()
        # A table row's last cell ends with its line: the next row's name is no town.
        stop = _context.row_end(text, end - 1) or len(text)
        for _ in range(4):
            part = (_LOWER_PART_AFTER if lower else _PART_AFTER).match(text, end, stop)
            if part is None:
                break
            group = 1 if part.group(1) else 2
            town_start, town_end = part.span(group)
            if town_start < 0:
                break
            town_end = self._place_end(text, town_start, town_end, lower)
            if town_end == town_start:
                break
            end = town_end
        return end - 1 if text[end - 1] == "." else end  # a sentence's full stop

    def _place_end(self, text: str, start: int, end: int, lower: bool) -> int:
        """Where a locality or town after a street ends: before the first word that is no
        place's ("Roundhay on Tuesday"), and before any little word left dangling ("on")."""
        words = list(regex.finditer(r"[\p{L}'’.-]+", text, pos=start, endpos=end))
        if not lower and _PROSE_AFTER.match(text, end):
            if words[0].group().lower() in self._first_names:
                return start  # "12 Linden Court, Harold at the bungalows": a name, not a town
            if "\n" in text[max(0, start - 8) : start]:
                return start  # a line of its own that goes on in prose: a form's next label

        kept = start
        for word in words:
            value = word.group().lower().strip(".")
            if value in self._not_places or (lower and value in self._not_lower_towns):
                break
            kept = word.end()
        while kept > start:
            last = regex.search(r"(?r)[\p{L}'’.-]+", text, pos=start, endpos=kept)
            if last is None or last.group() not in _LINKING_WORDS:
                break
            kept = text.rfind(" ", start, last.start()) if last.start() > start else start
        return kept

    def _not_place(self, part: str) -> bool:
        words = regex.findall(r"[\p{L}'’]+", part.lower())
        return any(w in self._not_places for w in words)


def _trimmed_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over any white space or comma the span ends with."""
    while end > start + 1 and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    return end


def _line_start(text: str, position: int) -> tuple[int, bool]:
    """Where the line holding ``position`` starts, looked for at most ``_LONGEST_ADDRESS``
    characters back (so a long line costs each look that much), and whether that is the
    line's real start rather than the edge of the window."""
    reach = max(0, position - _LONGEST_ADDRESS)
    newline = text.rfind("\n", reach, position)
    if newline >= 0:
        return newline + 1, True
    return reach, reach == 0


def _without_quote_breaks(text: str) -> tuple[str, _Offsets]:
    """``text`` with each line break into a quoted line ("\\n> ") read as one space, and a
    map from its offsets back to the text's."""
    breaks = list(_QUOTE_BREAK.finditer(text))
    if not breaks:
        return text, _Offsets([])
    pieces, shifts, position, removed = [], [], 0, 0
    for match in breaks:
        pieces.append(text[position : match.start()])
        pieces.append(" ")
        removed += len(match.group()) - 1
        shifts.append((match.start() + 1 - (removed - (len(match.group()) - 1)), removed))
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces), _Offsets(shifts)


class _Offsets:
    """Maps an offset in the text without quote breaks to the original text's."""

    def __init__(self, shifts: list[tuple[int, int]]) -> None:
        # The first compact offset after each break, and the characters removed up to it.
        self._firsts = [first for first, _ in shifts]
        self._removed = [0, *(total for _, total in shifts)]

    def __call__(self, offset: int) -> int:
        return offset + self._removed[bisect_right(self._firsts, offset)]


def _joined(text: str, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Pieces of one address found apart joined into one: only a comma, spaces or a reply's
    quote break between them ("Flat 2, Harbour View,\n> 11 Shore Rd, Portaferry")."""
    joined: list[tuple[int, int, float]] = []
    for start, end, score in spans:
        if joined and _BETWEEN_PARTS.fullmatch(text, joined[-1][1], start):
            first, _, best = joined[-1]
            joined[-1] = (first, end, max(score, best))
        else:
            joined.append((start, end, score))
    return joined


def _merge(spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Overlapping spans joined into one, with the higher score."""
    merged: list[tuple[int, int, float]] = []
    for start, end, score in sorted(spans):
        if merged and start < merged[-1][1]:
            first, last, best = merged[-1]
            merged[-1] = (first, max(end, last), max(score, best))
        else:
            merged.append((start, end, score))
    return merged
