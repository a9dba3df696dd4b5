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
    r"(?<!\p{L})(?:(?i:flat|fflat|apartment|apt|unit|uned|room|suite|studio|block|bloc|croft|plot"
    # a Traveller site's pitch, a caravan or chalet on a park, a boat's mooring
    r"|pitch|caravan|chalet|berth|mooring)"
    r"\.?\s*[\dA-Z]{1,4}"
    # (a Dundee or Aberdeen flat by its floor and side: "Flat 2/R", "Flat 1/L")
    r"[A-Za-z]?(?:/\d{1,3}|/[LRM])?,?"
    # A Glasgow tenement's flat before the number ("0/2 24 Kelbourne St"), a floor.
    r"|\d{1,2}/\d{1,2},?"
    # A flat by its floor and side ("Top Flat Left", "Main Door Flat"), or Edinburgh's floor
    # and door ("2F1": second floor, first door; "PF2": principal floor).
    r"|(?i:(?:top|ground|first|second|third|basement|middle|upper|lower|garden|main[- ]door)"
    r"\s+flat(?:\s+(?:left|right|middle|centre|front|back|rear))?),?"
    r"|(?:\d{1,2}|[GPB])F\d{1,2},?"
    r"|(?i:(?:\d{1,2}(?:st|nd|rd|th)|ground|first|second|third|top|basement|lower ground)"
    r"\s+floor(?:\s+(?:flat|front|back|rear))?),?"
    r"|(?P<building>(?:\p{Lu}[\p{L}'’-]* ){0,3}\p{Lu}[\p{L}'’-]+),"
    r"|(?<!\p{L})(?i:flat|fflat|apartment|apt|unit|uned|no|number|plot|croft|room|pitch|caravan"
    r"|chalet|berth)\.?"
    # or a building with no comma after it, when its last word is a building's ("Flat 22
    # Brunel House 80 Cable Street").
    r"|(?P<bare>(?:\p{Lu}[\p{L}'’-]* ){0,3}\p{Lu}[\p{L}'’-]+))"
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
    # (after a comma, or an abbreviated street's full stop and a comma: "3 Hollin Rd., Shipley")
    # (or a quoted CSV's next cell: "4 Birch Close","Headingley"; or a semicolon's:
    # "14 Mill Lane;Otley;LS21 1AB")
    r"(?:\.?,[ \t]*(?:\n[ \t>]*)?|[ \t]*\n[ \t>]*|\",\"|;[ \t]*)"
    # a county's "Co." ("Co. Tyrone"), a Welsh town's article ("Y Bala")
    r"((?:St\.|Co\.|Y(?= \p{Lu})|\p{Lu}[\p{L}'’-]+)"
    r"(?: (?:upon|on|le|under|in|y|yr|by|the|de|of|na|an|a'|a’"
    r"|\p{Lu}[\p{L}'’-]+)){0,3})"
    r"(?=[ \t]*(?:,|\n|$|[A-Z]{1,2}\d|[\"|;:()\[\]]|[.!?](?:\s|$)|[ \t]+[-–>=/])| *\t"
    # or the sentence going on in lower case: "16 Cardigan Terr, Wakefield but has to leave".
    r"|[ \t]+(?=\p{Ll}))"
    # or, with no comma, a town just before the postcode: "14 Mill Lane Leeds LS8 4EX".
    r"| (\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){0,2})(?= +[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b)"
    # or, with no comma, a town that ends the line, the cell or the sentence: "14 Mill Lane
    # Upton\n" (never a first name: "14 Mill Lane Sarah.").
    r"| (\p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’-]+){0,2})(?=[ \t]*(?:\n|$|\t|[.;)](?:\s|$)))"
)
# After an address in lower case, a town in lower case: "9 birchfields rd, manchester".
_LOWER_PART_AFTER = regex.compile(
    r",[ \t]*(\p{Ll}[\p{Ll}'’-]{2,}(?: \p{Ll}[\p{Ll}'’-]+)?)"
    r"(?=[ \t]*(?:[,.;!?)(\"\n]|$|[a-zA-Z]{1,2}\d|[-–] ))"
    # or one word, after a comma or not, before the sentence goes on: "22b oxford st batley till
    # the council ...", "9 hawthorn gdns, heckmondwike not my old place" (the word is checked
    # against ``address.not_lower_towns``).
    r"|,?[ \t]+(\p{Ll}[\p{Ll}'’-]{3,})(?=[ \t]*(?:[,.;!?)\"\n]|$|[a-zA-Z]{1,2}\d)|[ \t]+\p{Ll})"
)
# A Scottish tenement flat before the house number: "4/2 Dumbarton Road" (flat 2, number 4).
_NUMBER_BEFORE = regex.compile(r"(?<![\d/.:,-])\d{1,3}[A-Za-z]?,? $")
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
# A cell that holds only a house number or a flat's, just before another cell of its row:
# "12", "2b", a flat or unit with its number ("Flat 3", "Unit 4b"), a tenement's "2/1".
_NUMBER_CELL_BEFORE = regex.compile(
    r"(?:(?<=[\t|\n])|^)[ \t]*(?:(?i:flat|fflat|apartment|apt|unit)\.?[ \t]*)?"
    r"\d{1,3}[A-Za-z]?(?:/\d{1,2})?(?:[ \t]*[\t|])+[ \t]*$",
    regex.REVERSE,
)
_NUMBER_LABEL = regex.compile(r"(?i:number|\bno\b)\.?[ \t]*[:=–\t][ \t]*$")
_PROSE_AFTER = regex.compile(r"[ \t]+\p{Ll}")
_LABEL_AFTER = regex.compile(r"[ \t]*:")
_NEXT_WORD = regex.compile(r"[ \t]+([\p{L}]+)")
_NUMBER_THEN_WORD = regex.compile(r"\d{1,4}[ \t]*([\p{L}]+)")
# The little words inside a town's name ("Newcastle upon Tyne"), never its last word.
_LINKING_WORDS = frozenset(
    {"upon", "on", "le", "under", "in", "y", "yr", "by", "the", "de", "of", "na", "an", "a'", "a’"}
)
# A line above an address that is a flat, a building, or both, and nothing else ("Flat 14,
# Weaver's Court,"), or a Glasgow tenement's flat ("2/1").
_BUILDING_WORDS = (
    r"(?:\p{Lu}[\p{L}'’-]+ ){0,3}(?:House|Court|Lodge|Mansions|Towers?|Point|Heights|Buildings"
    r"|Apartments|Mills?|Works|Wharf|Quay|Cottage|Farm|Barn|Bungalow|Villa|Manor|Rectory"
    r"|Vicarage|Grange|Hall|Place|Gardens|View)"
)
_LINE_ABOVE = regex.compile(
    r"([ \t>]*)(?:(?:(?i:flat|apartment|apt|unit|suite|studio)\.?\s*[\dA-Z]{1,4}[A-Za-z]?"
    rf"(?:/\d{{1,3}})?|\d{{1,2}}/\d{{1,2}})(?:,?[ \t]*{_BUILDING_WORDS})?|{_BUILDING_WORDS})"
    r"[ \t]*,?[ \t]*\n"
)
_YEAR = regex.compile(r"(?:19|20)\d\d,|(?:19[5-9]|20[0-3])\d ")
# A time's hour and its separator just before a number: the "12" of "at 16:12, Sam Green"
# (a mail client's reply header) or "16.12" is a time's minutes, no house's number.
_HOUR_BEFORE = regex.compile(r"(?<!\d)(?:[01]?\d|2[0-3])[:.]\Z")
_MINUTES = regex.compile(r"[0-5]\d(?!\d)")
# A financial or school year: "2023-24, Wearside" is no house "24" (nor "12-14" a year).
_YEAR_RANGE = regex.compile(r"\b((?:19|20)\d\d)[-–/](\d\d)\b")
# A house that was once an institution is a home: "The Old Post Office", "The Old School".
_FORMER = regex.compile(r"(?i:the old )")
# A post office box before a number: "PO Box 301, Kendal" is a box, not a house, and the
# street after a box's number is the sorting office's or the firm's ("PO Box 77, 12 Market
# Street").
_PO_BOX_BEFORE = regex.compile(r"(?i:\bp\.?[ \t]?o\.?[ \t]*box)[ \t]*(?:\d{1,6},?[ \t]*)?$")
# An office suite is a firm's: "Suite 3, 1 Victoria Square".
_SUITE = regex.compile(r"(?i:suite)\b")
# A reply's quote marks at the start of a line, read as a space by the patterns.
_QUOTE_BREAK = regex.compile(r"[ \t]*\n[ \t]*>[> \t]*")
_QUOTE_BREAK_BEFORE = regex.compile(r"[ \t]*\n[ \t]*>[> \t]*$")
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
    r"\b(?:(?i:lives|live|living|lived|resides|reside|residing|staying|stays)\s+(?i:at|(?P<in>in))"
    r"|(?i:(?:her|his|their|my|the|your|our|current|the client's|new|home) address is)"
    # a Northern Irish farm's townland, with no street: "in the townland of Drumgose, Dungannon"
    r"|(?i:townland\s+of))\s+"
    r"(?=(?P<value>(?:\d|\p{Lu}|(?i:flat|apartment|unit)\b)[^\n]{0,200}))"
    # After a move, only a house number or a flat: "moved to Leeds, last year" is a town.
    r"|\b(?i:moved|moving|move|relocated|rehoused|now)\s+(?i:to|into|at|in)\s+"
    r"(?=(?P<value>(?:\d{1,4}[A-Za-z]?\s|(?i:flat|apartment|apt|unit|room)\s+\d)[^\n]{0,200}))"
)
_FLAT_FIRST = regex.compile(r"(?i:flat|apartment|apt)\.?[ \t]*\d")
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


# A word around an address label that is not "Email" or "Web" ("Home address", "Address of
# client"): an email address's label has no street under it.
_OTHER_WORD = r"(?!(?:email|e-mail|web|ip|mac|history|change|same)\b)[\p{L}'’]+"
# A title and a name alone on a line: the first line of a letter's address block, "To:" or
# "FAO" before it as a covering note or an envelope's label puts them.
_NAME_LINE = regex.compile(
    r"^[ \t>]*(?:(?i:to|fao|f\.a\.o\.|attn|for the attention of)[:.]?[ \t]+)?"
    r"(?i:mr|mrs|ms|miss|mx|dr|rev|revd|master|sir|dame|lady|lord)\.?"
    r"(?:[ \t]+\p{Lu}[\p{L}'’.-]*){1,4}[ \t]*,?[ \t]*$",
    regex.MULTILINE,
)
# A name with no title alone on a line, after a blank line or at the start: a letter's
# block may start so ("Megan Rowlands\nWoodlands\nPentre Lane"), when it is a name.
_PLAIN_NAME_LINE = regex.compile(
    r"(?:\A|(?<=\n[ \t>]*\n))[ \t>]*\p{Lu}[\p{L}'’-]+(?:[ \t]+\p{Lu}[\p{L}'’-]+){1,2}"
    r"[ \t]*,?[ \t]*$",
    regex.MULTILINE,
)
# The pieces of a line of an address block: a house number, a range or a tenement flat
# among its first words, then words in capitals or with one, and the little words of Welsh,
# Gaelic and English places ("Heol y Dderwen", "Newcastle upon Tyne").
_LINE_TOKEN = regex.compile(r"[^\s,]+")
_NUMBER_TOKEN = regex.compile(r"\d{1,4}[A-Za-z]?(?:[-–/]\d{1,4}[A-Za-z]?)?")
_WORD_TOKEN = regex.compile(
    r"\p{Lu}[\p{L}'’.-]*|(?:y|yr|na|an|nan|upon|on|of|le|la|de|the|'r|a')"
    r"|[hnt]-\p{Lu}[\p{L}'’-]*"
)
# An organisation's name at the end of a clause: words with capitals and the little words
# between them ("the landlord is Westgate Properties Ltd", "St Paul's Church Hall"), at
# most eight.
_NAME_WORDS = regex.compile(
    r"(?<![\p{L}'’.\d-])[\p{Lu}\d][\p{L}'’.\d-]*"
    r"(?:[ \t]+(?:[\p{Lu}\d][\p{L}'’.\d-]*|of|the|and|&|for|on|upon|in)){0,7}$"
)
_TITLE_FIRST = regex.compile(r"[ \t>]*(?i:mr|mrs|ms|miss|mx|dr|master|c/o)\b")
_HOUSE_CELL_SCORE = 0.9
# How many lines below an address a form's "Town:" or "County:" may be, other fields between.
_FORM_LINES_APART = 4
_BLANK_LINE = regex.compile(r"\n[ \t>]*\n")
_LONGEST_BLOCK_LINE = 60
_BLOCK_LINES_BELOW = 6
_CLAUSE_START = regex.compile(r"(?r)[,:;(\n]|[.!?](?=\s)")


def _alternatives(words: frozenset[str]) -> str:
    escaped = (regex.escape(w).replace(r"\ ", r"\s+") for w in words)
    return "|".join(sorted(escaped, key=len, reverse=True)) or "(?!)"


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
        # A form's part label alone on its line, its value on the next: "Town\nOtley".
        self._part_label_above = regex.compile(
            rf"^[ \t>*•-]*(?:{_alternatives(settings.address_part_labels)})[ \t]*:?[ \t]*\n"
            r"[ \t>]*(?P<value>[^\n:]*[^\s:][^\n:]*)$",  # a value, not the next label
            regex.IGNORECASE | regex.MULTILINE,
        )
        houses = _alternatives(settings.address_house_headers)
        self._house_header = regex.compile(rf"[*#>\s]*(?:{houses})\s*[:*]?\s*", regex.IGNORECASE)
        self._house_anywhere = regex.compile(rf"\b(?:{houses})\b", regex.IGNORECASE)
        # An address label alone at the end of its line, the address on the lines below.
        self._label_alone = regex.compile(
            rf"(?:^[ \t>*•-]*|(?<=[.!?][ \t]))(?:{_OTHER_WORD} ){{0,2}}"
            rf"(?:{_alternatives(settings.address_labels)})(?: {_OTHER_WORD}){{0,2}}"
            r"[ \t]*:?[ \t]*$",
            regex.IGNORECASE | regex.MULTILINE,
        )
        self._street_words = settings.address_street_words
        self._form_labels = (
            settings.address_labels | settings.address_headers | settings.address_part_labels
        )
        self._street_first_words = settings.address_street_first_words
        self._organisations = _context.compile_words(sorted(settings.address_organisations))
        self._venue_cue = _context.compile_words(sorted(settings.address_venue_cues))
        self._measures = settings.address_measures

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
            if _YEAR.match(compact, result.start) or _year_range_ends(compact, result.start):
                continue  # "2025, Rose Hill" is a year, not a house, nor "the 2025 Summer Fair"
            if _time_minutes(compact, result.start):
                continue  # "at 16:12, Sam Green": the minutes of a time, not a house
            start, end = original(result.start), original(result.end - 1) + 1
            number = _NUMBER_THEN_WORD.match(compact, result.start)
            if number and number.group(1).lower() in self._measures:
                continue  # "a Sponsored 5 Mile Walk": a distance, not a house
            following = _NEXT_WORD.match(text, end)
            if following and following.group(1).lower() in self._not_after:
                continue  # "Rose Hill Community Centre", "60 Park Row offices": not a home
            if (
                not compact[result.start].isdigit()
                and not _FORMER.match(compact, result.start)
                and self._institution(compact, result)
            ):
                continue  # "Community Hall, Station Road": a hall, not a house
            start, end = self._widen_back(text, start), self._widen_forward(text, start, end)
            spans.append((start, end, result.score))
        spans += self._placed(text)
        # A house's number or flat in the cells before its row's building or street.
        spans = [(_number_cells_before(text, start), end, score) for start, end, score in spans]
        spans = self._next_cells(text, _joined(text, _merge(spans)))
        return [
            self._result(start, _trimmed_end(text, start, end), score)
            for start, end, score in spans
            if not self._on_business_site(text, start, end)
            and not _PO_BOX_BEFORE.search(text, max(0, start - 20), start)
            and not _SUITE.match(text, start)
            and not self._organisation_before(text, start)
            and not self._venue_before(text, start)
        ]

    def _on_business_site(self, text: str, start: int, end: int) -> bool:
        """Whether the address is on a trading estate or business park: the words are in it,
        or right after its street ("Unit 2, Oakworth Road Business Centre")."""
        if self._business is None:
            return False
        after = end
        while text[after : after + 1] in (" ", "\t"):
            after += 1
        return bool(self._business.search(text, start, end) or self._business.match(text, after))

    def _placed(self, text: str) -> list[tuple[int, int, float]]:
        """Addresses where a label or a column header says one stands."""
        found = []
        headers = _header_lines(text)
        values = [
            *(
                (start, end)
                for start, end in _structure.labelled_lines(text, self._labels)
                # not a header row's next header: "| Name | Current address | Household |"
                if text.rfind("\n", 0, start) + 1 not in headers
            ),
            *(
                (_number_cells_before(text, start), end)
                for start, end in _structure.column_cells(text, self._header)
                # not a form's next label: a number, parts, a building ("Hill Top Farm") or a
                # street with its house's number or its town in the cells beside it
                # ("17<tab>Dodworth Road<tab>Barnsley"; not a street alone, "Mill Lane")
                if _NUMBER_OR_PARTS.search(text, start, end)
                or self._building(text[start:end])
                or (
                    self._street_line(text[start:end])
                    and (
                        _number_cells_before(text, start) < start
                        or self._town_cell_after(text, end)
                    )
                )
            ),
        ]
        # A column headed "House name or number" outweighs a name's look ("Bryn Awel").
        found += [(start, end, _HOUSE_CELL_SCORE) for start, end in self._house_cells(text)]
        found += [(start, end, self._placed_score) for start, end in self._blocks(text)]
        for match in _LIVES_AT.finditer(text):
            start = match.start("value")
            stop = _SENTENCE_STOP.search(text, start, match.end("value"))
            end = stop.start() if stop else match.end("value")
            first_part = text[start:end].split(",", 1)[0]
            if match.group("in") is not None:
                # "lives in Leeds" is a town; "lives in Brunel House, Stepney" a home
                if (
                    self._building(first_part) and _PLACE_PART.fullmatch(first_part.strip())
                ) or _FLAT_FIRST.match(first_part):
                    values.append((start, end))
            elif "," in text[start:end] or regex.match(r"\d", text[start:end]):
                values.append((start, end))
            elif self._building(first_part):
                values.append((start, end))  # "Lives at Brunel House"
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

    def _town_cell_after(self, text: str, end: int) -> bool:
        """Whether the next cell of a row, after ``end``, is under a Town or Address 2 column."""
        gap = _BETWEEN_CELLS.match(text, end)
        if gap is None or not regex.search(r"[\t|,]", gap.group()):
            return False
        return gap.end() in dict(_structure.column_cells(text, self._part_header))

    def _house_cells(self, text: str) -> list[tuple[int, int]]:
        """A house's number or name in its own column ("House no", "House name or number"),
        when the next cell of its row is under a Street or Town column or is a postcode:
        "12<tab>Sycamore Lawn<tab>Lisburn", HMRC's Gift Aid schedule's "14,HD8 9AB". A number
        alone is an address only so."""
        if not self._house_anywhere.search(text):
            return []  # no header to look for: no pass over the table rows
        houses = dict(_structure.column_cells(text, self._house_header))
        if not houses:
            return []
        parts = dict(_structure.column_cells(text, self._part_header))
        streets = dict(_structure.column_cells(text, self._header))
        found = []
        for start, end in houses.items():
            value = text[start:end]
            if not (_HOUSE_NUMBER.fullmatch(value) or _PLACE_PART.fullmatch(value)):
                continue
            gap = _BETWEEN_CELLS.match(text, end)
            if (
                gap
                and regex.search(r"[\t|,]", gap.group())
                and (
                    gap.end() in parts
                    or gap.end() in streets  # "House name or number | Address": "3a | Holyhead Rd"
                    or gap.end() in houses  # "Flat | Building | Street": "4 | Clarence Court"
                    or _BARE_POSTCODE.match(text, gap.end())
                )
            ):
                found.append((start, end))
        return found

    def _blocks(self, text: str) -> list[tuple[int, int]]:
        """The lines of an address under an address label alone on its line ("Address:"),
        and a letter's address block under a title and a name ("Mrs W Eastwood\nRose
        Cottage\nBack Lane\nClayton West") when one of its lines is a street or a house and
        none an organisation's name: up to a blank line, a postcode or a line of anything else."""
        found = []
        for label in self._label_alone.finditer(text):
            lines = self._lines_below(text, label.end())
            if lines:
                found.append((lines[0][0], lines[-1][1]))
        names = [
            *_NAME_LINE.finditer(text),
            *(m for m in _PLAIN_NAME_LINE.finditer(text) if self._person_line(m.group().strip())),
        ]
        for name in names:
            lines = self._lines_below(text, name.end())
            values = [text[a:b] for a, b in lines]
            if (
                len(lines) >= 2
                and any(self._street_line(v) for v in values)
                and not any(self._names_organisation(v) for v in values)
            ):
                found.append((lines[0][0], lines[-1][1]))
        return found

    def _lines_below(self, text: str, end: int) -> list[tuple[int, int]]:
        """The address lines that follow ``end`` (the end of a label's or a name's line): each
        line's text without its quote marks, up to the first that is no address's."""
        lines: list[tuple[int, int]] = []
        position = end
        for _ in range(_BLOCK_LINES_BELOW):
            if position >= len(text) or text[position] != "\n":
                break
            line_end = text.find("\n", position + 1)
            line_end = len(text) if line_end < 0 else line_end
            start = position + 1
            while start < line_end and text[start] in " \t>":
                start += 1
            stop = line_end
            postcode = _POSTCODE.search(text, start, line_end)
            if postcode:
                stop = postcode.start()
            while stop > start and text[stop - 1] in " \t,":
                stop -= 1
            if (
                stop == start
                or not self._address_line(text[start:stop])
                or self._person_line(text[start:stop])
            ):
                break
            lines.append((start, stop))
            if postcode:
                break
            position = line_end
        return lines

    def _address_line(self, line: str) -> bool:
        """Whether a line is one of an address's: a house number, a flat or a range among its
        first words, the rest words with a capital or Welsh and Gaelic little words, none of
        them a word no place has ("Tel", "Dear", a month's name)."""
        tokens = _LINE_TOKEN.findall(line)
        if (
            not tokens
            or len(line) > _LONGEST_BLOCK_LINE
            or self._not_place(line)
            # a blank form's next label ("Town", "Address 2")
            or line.lower().rstrip(" :") in self._form_labels
        ):
            return False
        words = 0
        for i, token in enumerate(tokens):
            if i < 3 and _NUMBER_TOKEN.fullmatch(token):
                continue
            if not _WORD_TOKEN.fullmatch(token):
                return False
            words += 1
        return words > 0

    def _person_line(self, line: str) -> bool:
        """Whether a line of a block is a person's name rather than a place's: a title, or
        two or three words that start with an initial or a first name and do not end in a
        building's word ("Beth Green", "A Khan"; not "Rose Cottage")."""
        if _NAME_LINE.fullmatch(line):
            return True
        words = line.split()
        return (
            2 <= len(words) <= 3
            and not regex.search(r"\d", line)
            and (len(words[0].strip(".")) == 1 or words[0].lower() in self._first_names)
            and words[0].lower() not in self._house_prefixes  # "Bryn Teg"
            and words[-1].lower().strip(",") not in self._buildings
        )

    def _street_line(self, line: str) -> bool:
        """Whether a block's line names a street or a house: a house number first, a street
        word last ("Back Lane") or first ("Heol y Dderwen"), or a building's word."""
        words = regex.findall(r"[\p{L}'’]+", line.lower())
        return bool(words) and (
            bool(_HOUSE_NUMBER.match(line))
            or words[-1] in self._street_words
            or words[0] in self._street_first_words
            or self._building(line)
        )

    def _names_organisation(self, value: str) -> bool:
        """Whether words name an organisation ("Millbrook Medical Practice"); a street named
        after one is a street ("Church Lane", "School Road")."""
        if self._organisations is None:
            return False
        for word in self._organisations.finditer(value):
            following = _NEXT_WORD.match(value, word.end())
            if not (following and following.group(1).lower() in self._street_words):
                return True
        return False

    def _organisation_before(self, text: str, start: int) -> bool:
        """Whether the name just before an address, on its line after a comma or on the line
        above it, is an organisation's ("Calder Carers Hub, 16 Market Street", "Millbrook
        Medical Practice" over a letter's block): where it works, no one's home. A title or a
        first name first makes the words a person's ("Mrs Hall, 2 Mill Lane")."""
        line_start = text.rfind("\n", max(0, start - _LONGEST_PART), start) + 1
        before = text[max(line_start, start - _LONGEST_PART) : start]
        if before.strip(" \t>,"):
            end = len(before.rstrip(" \t,"))
            clause = _CLAUSE_START.search(before, 0, end)
            name = before[clause.end() if clause else 0 : end]
        elif line_start > 0:
            above = text.rfind("\n", max(0, line_start - 1 - _LONGEST_PART), line_start - 1)
            name = text[above + 1 : line_start - 1]
        else:
            return False
        trailing = _NAME_WORDS.search(name.rstrip(" \t>"))
        if trailing is None:
            return False
        name = trailing.group()
        words = name.split()
        if len(words) < 2 or not self._names_organisation(name):
            return False  # one word may be a surname ("Hall", "Church")
        first = words[0].lower()
        return not (_TITLE_FIRST.match(name) or len(first) == 1 or first in self._first_names)

    def _venue_before(self, text: str, start: int) -> bool:
        """Whether the words before an address, in its sentence, say it is a venue or a
        workplace: "Interviews will be held at St Paul's Church Hall, 12 Northgate",
        "Location: 16 Market Street"."""
        if self._venue_cue is None:
            return False
        line_start = text.rfind("\n", max(0, start - _LONGEST_PART), start) + 1
        window = max(line_start, start - _LONGEST_PART)
        cues = list(self._venue_cue.finditer(text, window, start))
        return bool(cues) and not regex.search(
            r"[.;!?](?:\s)|\b(?i:home|house|flat|lives|living)\b", text[cues[-1].end() : start]
        )

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
            block = self._block_above(text, line_start)
            if block:
                found.append(block)
        return found

    def _block_above(self, text: str, line_start: int) -> tuple[int, int] | None:
        """A letter's address block above a postcode alone on its line, read up from it to
        a house number, a flat or a building, or else to its street and a house's name."""
        start = line_start
        street: int | None = None  # the block's street line, when it has no house
        for _ in range(_BLOCK_LINES):
            if start == 0:
                break
            above = text.rfind("\n", 0, start - 1) + 1
            line = text[above : start - 1]
            if not line.strip() or not _BLOCK_LINE.fullmatch(line) or _NAME_LINE.fullmatch(line):
                break
            if street is not None:
                # above a street with no house number: a house's name, not a person's
                # ("Woodlands\nPentre Lane"; not "Megan Rowlands\nPentre Lane")
                value = line.strip(" \t>,")
                if not regex.search(r"\d", line) and not self._person_like(text, above, value):
                    street = above
                break
            start = above
            if _HOUSE_START.match(line) or (
                not regex.search(r"\d", line) and self._building(line.strip(" \t>,"))
            ):
                return self._widen_back(text, start), line_start - 1
            if self._street_line(line.strip(" \t>,")):
                street = above
        if street is None:
            return None
        while text[street] in " \t>":
            street += 1
        return street, line_start - 1

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
        if text[start : start + 1].isalpha():  # a house-named street's number: "1 Bryn Eglwys"
            number = _NUMBER_BEFORE.search(text, max(line_start, start - 6), start)
            start = number.start() if number else start
        tenement = _TENEMENT.search(text, max(line_start, start - 4), start)
        start = tenement.start() if tenement else start
        first = _RANGE.search(text, max(line_start, start - 10), start)
        start = first.start() if first else start
        quoted = self._part_before_quote_break(text, start)
        if quoted is not None:
            start, line_start = quoted
        for _ in range(4):
            part = _PART_BEFORE.search(text, max(line_start, start - _LONGEST_PART), start)
            if part is None or self._not_place(part.group()):
                break
            if part.group("building") and not self._house_like(text, part.start(), part.end()):
                break
            if part.group("bare") and not self._bare_building(text, part.start(), part.end()):
                break
            start = part.start()
        # A letter's address block: a flat or a building on the lines above ("Flat 3\nBrunel
        # House\n80 Cable Street").
        for _ in range(2):
            if not whole_line or text[line_start:start].strip(" \t>") or line_start == 0:
                break
            above = text.rfind("\n", 0, line_start - 1) + 1
            line = _LINE_ABOVE.fullmatch(text, above, line_start)
            if line is None or self._not_place(line.group()):
                break
            start, line_start = above + len(line.group(1)), above
        return start

    def _part_before_quote_break(self, text: str, start: int) -> tuple[int, int] | None:
        """A flat or a building at the end of the quoted line above a street that starts its
        own ("flat 2,\n>> 9 birchfields rd"), with where that line starts; else ``None``."""
        quote = _QUOTE_BREAK_BEFORE.search(text, max(0, start - 12), start)
        if quote is None:
            return None
        above = text.rfind("\n", 0, quote.start()) + 1
        base = max(above, quote.start() - _LONGEST_PART)
        part = _PART_BEFORE.search(text[base : quote.start()] + " ")
        if part is None or part.group("bare") or self._not_place(part.group()):
            return None
        if part.group("building") and not self._house_like(
            text, base + part.start(), min(base + part.end(), quote.start())
        ):
            return None
        return base + part.start(), above

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
        street: int | None = None  # where a street part starts ("Church Lane")
        places: list[int] = []  # where each part with no street or building starts
        for _ in range(5):
            comma = text.rfind(",", start, position)
            part_start = comma + 1 if comma >= 0 else start
            part = text[part_start:position].strip()
            if not _PLACE_PART.fullmatch(part) or self._not_place(part):
                break
            part_start = text.index(part, part_start)
            if self._building(part):
                return part_start, last
            if (
                street is None
                and len(places) >= 2
                and self._named_person(text, part_start, part_start + len(part))
            ):
                # a farm's townland, a village and a town after a person's name: "Noreen
                # Hamill, Tamnamore, Moy, Dungannon BT71 6HS"
                return places[-1], last
            if street is not None:
                # the part before a street: a house's name, never a person's ("Woodlands,
                # Church Lane"; not "Ada Obi, Church Lane")
                if not self._person_like(text, part_start, part):
                    street = part_start
                break
            if self._street_line(part):
                street = part_start
            places.append(part_start)
            if comma < 0:
                break
            position = comma
        return (street, last) if street is not None else None

    def _person_like(self, text: str, start: int, part: str) -> bool:
        """Whether capitalised words before an address may be a person's name: a title before
        them, or a first name first."""
        first = part.split(maxsplit=1)[0].lower()
        return bool(
            _TITLE_BEFORE.search(text, max(0, start - 12), start)
            or len(first) == 1
            or first in self._first_names
        )

    def _named_person(self, text: str, start: int, end: int) -> bool:
        """Whether words on a line of their own are a person's first name and surname (or a
        titled name), not a town: "Iain MacAulay", not "Stanley" or "Kirkby Malzeard"."""
        value = text[start:end]
        return len(value.split()) >= 2 and self._person_like(text, start, value)

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
        below = {
            m.start("value"): _trimmed_end(text, m.start("value"), m.end("value"))
            for m in self._part_label_above.finditer(text)
        }
        widened += self._parts_apart(text, widened, cells, {**lines, **below})
        return _merge(widened)

    def _parts_apart(
        self,
        text: str,
        spans: list[tuple[int, int, float]],
        cells: dict[int, int],
        lines: dict[int, int],
    ) -> list[tuple[int, int, float]]:
        """The town, county or second line of an address set out in fields that do not follow
        it at once: a cell under "Town" on the same row as an address, after its postcode's
        cell ("14 Mill Lane,LS21 1AB,Otley"), or a form's "Town:" a few lines below an address
        with other fields between ("Postcode: BD16 1QT\nTown: Bingley"). Never on its own."""
        if not spans:
            return []
        found = []
        starts = [start for start, _, _ in spans]
        for values, nearby in ((cells, _same_row), (lines, _same_form)):
            for start, end in values.items():
                index = bisect_right(starts, start) - 1
                if index < 0 or spans[index][1] >= end:
                    continue  # no address before it, or already part of one
                if nearby(text, spans[index][1], start):
                    # a value under "Town" outweighs a name's look, as a house's cell does
                    found.append((start, end, _HOUSE_CELL_SCORE))
        return found

    def _house_like(self, text: str, start: int, end: int) -> bool:
        """Whether the words before a street name a building or a house ("Brunel House",
        "The Maltings", "Tŷ Gwyn", "Braeside") rather than a person ("Mrs Doreen Kaye")."""
        words = regex.findall(r"[\p{L}'’-]+", text[start:end])
        if _TITLE_BEFORE.search(text, max(0, start - 12), start) or _TITLE_FIRST.match(
            text, start, end
        ):
            return False  # "Mrs Hall, 2 Mill Lane": a surname, whatever its word
        if len(words) > 1 and self._names_organisation(text[start:end]):
            return False  # "Community Hall, 3 Mill Lane": where it meets
        return (
            # one word, when no first name: "Fernlea, 3 Mill Lane"; not "Stan, 88 Oak Wy"
            (len(words) == 1 and words[0].lower() not in self._first_names)
            or words[-1].lower() in self._buildings
            or words[0].lower() in self._house_prefixes
        )

    def _bare_building(self, text: str, start: int, end: int) -> bool:
        """Whether words before a house number with no comma between are a building's: its
        last word a building's, no title before or in them ("Brunel House 80 Cable Street";
        not "Ada 14 Mill Lane" or "Mrs Hall 2 Mill Lane")."""
        words = regex.findall(r"[\p{L}'’-]+", text[start:end])
        return (
            words[-1].lower() in self._buildings
            and not self._names_organisation(text[start:end])
            and not _TITLE_BEFORE.search(text, max(0, start - 12), start)
            and not _TITLE_FIRST.match(text, start, end)
        )

    def _widen_forward(self, text: str, start: int, end: int) -> int:
        # An address typed in lower case has its town so too, whatever the text before it
        # ("Sue: then 2 the paddock, drighlington").
        lower = text[max(start, end - 40) : end].islower()
        # A table row's last cell ends with its line: the next row's name is no town.
        stop = _context.row_end(text, end - 1) or len(text)
        for _ in range(4):
            part = (_LOWER_PART_AFTER if lower else _PART_AFTER).match(text, end, stop)
            if part is None:
                break
            group = next((g for g in range(1, part.re.groups + 1) if part.group(g)), 1)
            town_start, town_end = part.span(group)
            if town_start < 0:
                break
            if group == 3 and self._person_like(text, town_start, part.group(group)):
                break
            if _TITLE_FIRST.match(text, town_start):
                break  # a list's next person: "4 Orchard Way; Mr Hall - 22 Elm Road"
            between = text[end:town_start]
            if ("\n" in between or '"' in between or ";" in between) and self._named_person(
                text, town_start, town_end
            ):
                break  # a list's next line: "..., Steòrnabhagh\nIain MacAulay, Taigh a' Bhàird"
            if "\n" in between and _LABEL_AFTER.match(text, town_end):
                break  # a form's next label: "Street: 14 Ash Grove\nTown: Hulme"
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


def _number_cells_before(text: str, start: int) -> int:
    """Where a street's cell starts with the house number and flat in the cells before it on
    its row: "2b<tab><tab>17<tab>Dodworth Road" under "Flat", "No" and "Street"."""
    for _ in range(2):
        cell = _NUMBER_CELL_BEFORE.search(text, max(0, start - 20), start)
        if cell is None:
            break
        start = cell.start()
        while text[start] in " \t":
            start += 1
    return start


def _year_range_ends(text: str, start: int) -> bool:
    """Whether the number at ``start`` ends a year range: "2023-24", "2019/20"."""
    years = _YEAR_RANGE.match(text, max(0, start - 5))
    return bool(
        years and years.start(2) == start and (int(years.group(1)) + 1) % 100 == int(years.group(2))
    )


def _time_minutes(text: str, start: int) -> bool:
    """Whether the number at ``start`` is a time's minutes: "16:12", "9.05", "16:12:30"."""
    return bool(
        _MINUTES.match(text, start) and _HOUR_BEFORE.search(text[max(0, start - 3) : start])
    )


def _header_lines(text: str) -> frozenset[int]:
    """Where each table's header line starts (``_context.table_lines``'s reading)."""
    lines = _context.table_lines(text)
    return frozenset(
        lines.starts[index]
        for index, first in enumerate(lines.first_rows)
        if first == index and lines.separators[index] is not None
    )


def _same_row(text: str, end: int, start: int) -> bool:
    """Whether two cells, one ending at ``end`` and one starting at ``start``, share a row."""
    return "\n" not in text[end:start]


def _same_form(text: str, end: int, start: int) -> bool:
    """Whether a form's field starting at ``start`` is a few lines below one ending at
    ``end``, with no blank line between (the same record)."""
    between = text[end:start]
    return between.count("\n") <= _FORM_LINES_APART and not _BLANK_LINE.search(between)


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
    """``text`` with each line break into a quoted line ("\\n> "), and each line break of a
    paragraph wrapped at a fixed width (a long line that ends mid-sentence: "lives at 14
    Mill\\nLane, Leeds"), read as one space, and a map from its offsets back to the text's."""
    breaks = sorted(
        [*_QUOTE_BREAK.finditer(text), *_context.wrap_breaks(text)], key=lambda m: m.start()
    )
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
