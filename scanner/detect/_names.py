"""Person names: spaCy's NER, titles, and known first names, merged and filtered."""

from __future__ import annotations

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.vocab import Vocab

from scanner.detect import _repeated_names, _structure
from scanner.detect._link_names import names_in_links
from scanner.detect._lower_case_names import LowerCaseNames
from scanner.detect._name_brands import BrandChecks, ListedPhrases
from scanner.detect._name_dates import DateChecks
from scanner.detect._name_fiction import outside_fiction
from scanner.detect._name_firms import FirmChecks
from scanner.detect._name_headings import HeadingChecks
from scanner.detect._name_likeness import NameLikeness
from scanner.detect._name_occasions import OccasionChecks
from scanner.detect._name_places import PlaceChecks
from scanner.detect._name_roles import RoleChecks
from scanner.detect._name_shapes import (
    CAPITAL_INITIALS_AND_SURNAME,
    CAPITALISED,
    WORD,
    WORD_AT_END,
)
from scanner.detect._name_things import DETERMINERS, ThingChecks
from scanner.detect._name_titles import TitleChecks
from scanner.detect._name_translations import TranslationChecks
from scanner.detect._name_words import WordNameChecks
from scanner.detect._names_the_model_misses import NamesTheModelMisses
from scanner.detect._place_word_surnames import PlaceWordSurnames
from scanner.detect.recognizers_file import PersonSettings, unaccented

# Letters (any script), apostrophes, hyphens, full stops and spaces: what names are made of.
_NAME_CHARS = regex.compile(r"^[\p{L}\p{M}][\p{L}\p{M}'’.\- ]*$")
# A character glued to the span that shows it sits inside a token: an id, a path, a log field
# ("user:jsmith", "id=Anna2"). A colon after a name is a label or a chat line ("Aisling: hi").
_GLUE_BEFORE = frozenset("0123456789_=/\\@#<[{|:$%^&*+~`")
_GLUE_AFTER = frozenset("0123456789_=/\\@#>]}|$%^&*+~`")
# Initials before a surname: "D Chauhan", "R. Mistry", "C. E. Okeke", "H S Gill".
# A surname may start with a particle: "C Mac Carthaigh", "S. Ní Bhriain", "J van Dijk".
_PARTICLE = r"(?:(?:Mac|Mc|Nic|Ní|Ó|Ua|Van|van|Von|von|De|de|Di|Da|Le|La|Al|al|El|Bin|Ap) )?"
_INITIALS_AND_SURNAME = regex.compile(
    rf"(?<![\p{{L}}\d.])(?:[A-Z](?:\. ?| )){{1,3}}({_PARTICLE}\p{{Lu}}[\p{{Ll}}'’]+"
    rf"(?:-\p{{Lu}}[\p{{Ll}}'’]+)?)\b"
)
_SURNAME_FIRST = regex.compile(
    r"(?<![\p{L}\d])(\p{Lu}{2,}(?:[-'’]\p{Lu}{2,})?), (\p{Lu}[\p{Ll}\p{M}]+)(?![\p{L}\d])"
)
# The same with the surname capitalised, where a cell or line ends after the first name (in
# prose "Okafor, Chidi and Ana" are three people): "Adebayo, Oluwaseun" in a CSV cell.
_CELL_SURNAME_FIRST = regex.compile(
    r"(?<![\p{L}\d])(\p{Lu}[\p{Ll}\p{M}'’]+(?:-\p{Lu}[\p{Ll}\p{M}'’]+)?), "
    r"(\p{Lu}[\p{Ll}\p{M}]+)(?=[ \t]*(?:[\"\t|;]|\(|$))",
    regex.MULTILINE,
)

# The rest of a label after a span's last word, up to its colon: "" of "Surname:", " name" of
# "Preferred name:" (group 1).
_LABEL_REST = regex.compile(r"((?: [\p{L}'’]+){0,2})[ \t]*:")
# A possessive ending, which is not part of the name: "Kofi's", "Rohan’s".
_POSSESSIVE = regex.compile(r"['’]s$")
# A small number after a one-word value: a numbered thing, "Van 1", "Room 4".
_NUMBERED = regex.compile(r" \d{1,3}(?![\d:/.-])")
# A capitalised word and the Welsh article just before a span: "Ffordd y Glyn", "Neuadd yr".
_WELSH_ARTICLE_BEFORE = regex.compile(r"\p{Lu}[\p{L}\p{M}]+ (?:y|yr) \Z")
# The Welsh article and a capitalised word after a span of one word: a Welsh phrase or title
# ("Carol y Swper", "Noson yr Wyl"), as "Ffordd y Glyn" is before it.
_WELSH_ARTICLE_AFTER = regex.compile(r" (?:y|yr) \p{Lu}")
# Nothing but white space to the end of the text.
_ONLY_SPACE_LEFT = regex.compile(r"\s*\Z")
# A hyphen and a lower-case letter after a span: the span opens a hyphenated word
# ("Bric-a-brac", "Jack-in-the-box"), as no name goes on so.
_LOWER_CASE_HYPHEN_AFTER = regex.compile(r"-\p{Ll}")
# What ends a family firm's name after its founder's: "A F BLAKEMORE & SON", "J SMITH AND CO".
_FIRM_TAIL = regex.compile(r" (?:&|and|AND) (?:SONS?|Sons?|CO|Co)(?![\p{L}\p{M}])")
# A word with no vowel, which no name is (w and y are Welsh vowels): "DVLA", "HMRC", "NSPCC".
_NO_VOWEL = regex.compile(r"[^aeiouwy]+")


# The words of a greeting that is a time of day.
_TIMES_OF_DAY = frozenset({"morning", "afternoon", "evening"})


class PersonRecognizer(
    LocalRecognizer,
    PlaceChecks,
    WordNameChecks,
    BrandChecks,
    FirmChecks,
    OccasionChecks,
    RoleChecks,
    ThingChecks,
    DateChecks,
    HeadingChecks,
    TitleChecks,
    TranslationChecks,
):
    """PERSON spans from three sources, merged, each kept only when it looks like a name.

    Presidio's default takes every spaCy PERSON span: spaCy's medium model misses many names
    from outside its training data and finds "people" in hex ids, log lines and street names.
    Here a name is (1) a spaCy PERSON entity, (2) a title and the capitalised words after it,
    or (3) a known first name, in any case, with the surname-like words after it, or initials
    before a surname ("R. Mistry"). A span is
    dropped when it holds digits or symbols, sits inside a code, ends with a place word
    ("Mill Lane") or is only greetings, titles or listed non-names.
    """

    def __init__(self, settings: PersonSettings) -> None:
        self._settings = settings
        # Place words that are no one's surname: "Street" but not "Hall" or "Green".
        self._strong_places = settings.place_words - settings.surname_place_words
        # Listed names of several words ("Marks and Spencer", "Walker Morris"): a name found
        # inside one is part of an organisation's name.
        self._listed_phrases = ListedPhrases(w for w in settings.listed_not_names if " " in w)
        self._labels = _structure.label_pattern(
            settings.name_labels, settings.not_name_labels, numbered=True
        )
        self._labels_above = _structure.label_above_pattern(settings.labels_above_values)
        self._labels_after_a_value = _structure.label_after_a_value_pattern(settings.name_labels)
        self._salutations = _structure.salutation_pattern(settings.greetings, settings.closings)
        # The greetings that are a time of day ("Morning", "Good afternoon"), which also head
        # the parts of a programme: "Morning Session", "Evening Class".
        self._times_of_day = _structure.salutation_pattern(
            frozenset(g for g in settings.greetings if g.lower().split()[-1] in _TIMES_OF_DAY),
            frozenset(),
        )
        self._lists = _structure.list_pattern(settings.list_labels)
        self._name_header = _header_pattern(settings.name_headers)
        self._place_header = _header_pattern(settings.place_headers)
        self._likeness = NameLikeness(settings.first_names)
        self._place_word_surnames = PlaceWordSurnames(settings)
        self._lower_case_names = LowerCaseNames(settings, self._likeness)
        self._missed_by_the_model = NamesTheModelMisses(settings, self._likeness)
        self._title_alternatives = "|".join(
            regex.escape(t) for t in sorted(settings.titles, key=len, reverse=True)
        )
        places = (
            "|".join(
                sorted(
                    (regex.escape(w).replace(r"\ ", r"\s+") for w in settings.place_labels), key=len
                )[::-1]
            )
            or "(?!)"
        )
        label = rf"(?:^|(?<=[\t|]))[ \t>*•-]*(?i:{places})[ \t]*:[ \t]*"
        # The value after a place's label: "Location: Bolton", "Venue: Denton Library".
        self._place_label = regex.compile(rf"{label}\Z", regex.MULTILINE)
        self._place_value = regex.compile(rf"{label}(\p{{Lu}}[\p{{Ll}}\p{{M}}]+)", regex.MULTILINE)
        # The rest of the line after a place's label: "Houses: Austen (red), Darwin (green)".
        self._place_values = regex.compile(rf"{label}([^\n]*)", regex.MULTILINE)
        self._compile_firm_trades(settings.firm_trades)
        self._compile_place_phrases(settings)
        self._compile_occasions(settings)
        super().__init__(supported_entities=["PERSON"], name="person")

    def load(self) -> None:
        """The model is loaded by the NLP engine, once per process."""

    def is_name(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is a plausible person's name where it stands."""
        span = text[start:end]
        if (
            not _NAME_CHARS.match(span)
            or "\n" in span
            or "  " in span
            or " - " in span
            or (start > 0 and text[start - 1].isalpha())  # begins inside a word: "d - Bogdan"
            or _LOWER_CASE_HYPHEN_AFTER.match(text, end) is not None  # "Bric-a-brac"
            or self._lower_case_inside(span)  # "Bydd y Ganolfan ar gau": Welsh, not a name
            or _WELSH_ARTICLE_BEFORE.search(text, max(0, start - 40), start)  # "Ffordd y Glyn"
            or (" " not in span and _WELSH_ARTICLE_AFTER.match(text, end) is not None)
        ):
            return False
        if (start > 0 and text[start - 1] in _GLUE_BEFORE) or (
            end < len(text) and text[end] in _GLUE_AFTER
        ):
            return False
        words = [w.strip(".'’-").lower() for w in span.split()]
        settings = self._settings
        meaningful = [w for w in words if w and w not in settings.titles]
        if not meaningful or all(w in settings.not_names for w in meaningful):
            return False
        titled = len(meaningful) < len(words) or self._word_before(text, start) in settings.titles
        if (not titled and self._dated_or_cited(text, start, end, meaningful)) or self._in_a_place(
            text, start, end, words, meaningful, titled=titled
        ):
            return False
        if not titled and (
            self._listed(meaningful)
            or self._a_firm(text, start, end)
            or self._an_occasion(text, start, end)
            or self._a_role_after_the(text, start, end, meaningful)
            or self._among_things(text, start, end, both=len(meaningful) > 1)
            or self._opens_with_an_organisation(meaningful)  # "Asda Boldon"
            or self._an_eponymous_thing(text, end)  # "Kolb's learning cycle"
            or (len(meaningful) > 1 and meaningful[-1] in settings.eponym_things)
            or self._a_dish(text, start, meaningful)
            or self._branded(span)  # "InForm", "AdviceProMax"
            or self._word_before(text, start) in settings.saints
            or (len(words) > 1 and words[0] in settings.saints)
            or self._word_before(text, start) in settings.place_heads  # "Capel Salem"
            or self._after_a_head(text, start, meaningful)  # "Jamia Masjid Abu Bakr"
            # "Hope for Rochdale", "the Hope Van", "our Grace Room"
            or self._a_thing_named_with_a_word_name(
                text, end, meaningful, self._word_before(text, start)
            )
            or self._ends_a_phrase(text, start, end, meaningful[0])
            or self._a_quoted_title(text, start, end)  # "Calon Lân", "Myfanwy" and "..."
            or self._an_item_among_titles(text, start, end)  # "7. Sweet Caroline\n8. Jolene"
        ):
            return False
        return not self._heading_or_code(span, words, meaningful)

    def _lower_case_inside(self, span: str) -> bool:
        """Whether a span with capitals holds a lower-case word that is no particle of a
        name ("Gŵyl y Banc", "y Loteri Genedlaethol"): names hold only particles so."""
        if span.islower():
            return False
        settings = self._settings
        for word in span.split():
            lower = word.strip(".'’")
            if (
                word.islower()
                and lower not in settings.particles
                and lower not in settings.titles
                and unaccented(lower) not in settings.first_names
            ):
                return True  # ("hodan Warsame", "mrs Okafor" are names)
        return False

    def _with_first_name(self, text: str, start: int) -> int:
        """The start of a name that opens with a surname's particle, moved back over the
        capitalised word before it: "Aoibheann" before "Nic Giolla Phádraig". A span that
        starts just after particles starts at them: "Ó Súilleabháin", "van der Merwe"."""
        for _ in range(3):
            previous = WORD_AT_END.search(text, max(0, start - 12), max(0, start - 1))
            if (
                previous is None
                or previous.end() != start - 1
                or text[start - 1] != " "
                or previous.group().lower() not in self._settings.particles
                or (previous.start() > 0 and text[previous.start() - 1] in "-'’")
            ):
                break
            start = previous.start()
        particle = WORD.match(text, start)
        if particle is None or particle.group().lower() not in self._settings.particles:
            return start
        before = WORD_AT_END.search(text, max(0, start - 40), start - 1)
        if before is None or before.end() != start - 1 or text[start - 1] != " ":
            return start
        word = before.group()
        lower = word.lower()
        settings = self._settings
        if (
            not CAPITALISED.match(word)
            or word.isupper()
            or lower in settings.titles
            or lower in settings.not_names
            or unaccented(lower) in settings.listed_not_names
        ):
            return start
        return before.start()

    def _without_titles(self, text: str, start: int, end: int) -> int:
        """The start of a span after the titles and greetings that open it ("MRS J OKAFOR":
        "J OKAFOR"; "Dear Ms Yusuf": "Yusuf"); a title alone stays, for ``is_name`` to refuse."""
        while True:
            first = WORD.match(text, start, end)
            if first is None:
                return start
            word = first.group().lower()
            if word not in self._settings.titles and word not in self._settings.not_names:
                return start
            after = first.end() + (text[first.end() : first.end() + 1] == ".")
            if after >= end or text[after] != " ":
                return start
            start = after + 1

    def _without_trailing_words(self, text: str, start: int, end: int) -> int:
        """The end of a span less the lower-case words after a name that are no surname
        ("okafor tmrw": the model's span takes the next word in)."""
        while True:
            last = WORD_AT_END.search(text, start, end)
            space = text.rfind(" ", start, end)
            if last is None or space < 0 or last.start() != space + 1:
                return end
            word = last.group()
            if not word.islower() or word not in self._settings.not_surnames:
                return end
            end = space

    def _reads_as_a_name_in_a_link(self, word: str, vocab: Vocab | None) -> bool:
        """Whether a word of a link, after a first name and one more word, reads as more of
        the name: a known first name, a word the model has no vector for, or one whose vector
        is like first names' (``person.name_likeness``); "retires", "marathon" do not."""
        lower = unaccented(word.lower())
        if lower in self._settings.first_names:
            return True
        if vocab is None:
            return False
        likeness = self._likeness(word, vocab)
        return likeness is None or likeness >= self._settings.name_likeness

    def _with_syllables_before(self, text: str, start: int) -> int:
        """The start of a name moved back over up to two capitalised words just before it
        (one space between each) that are family or middle names of a naming order the model
        reads in part (``person.name_syllables``, Vietnamese: "Le Thi" before "Mai", "Vo Thu"
        before "Trang")."""
        syllables = self._settings.name_syllables
        for _ in range(2):
            if start < 2 or text[start - 1] != " ":
                return start
            before = WORD_AT_END.search(text, max(0, start - 12), start - 1)
            if (
                before is None
                or before.end() != start - 1
                or not CAPITALISED.match(before.group())
                or before.group().isupper()
                or unaccented(before.group().lower()) not in syllables
                or (before.start() > 0 and text[before.start() - 1].isalpha())
            ):
                return start
            start = before.start()
        return start

    def _without_a_label_after(self, text: str, start: int, end: int) -> int:
        """The end of a span less its last word when that word opens a label with a colon
        after it (a name label or header, or a listed field label, of up to three words): on a
        line of several fields, the name before the next field's label, "Eirlys" of "First
        name: Eirlys Surname:", "Zainab Hussain" of "Name: Zainab Hussain Preferred name:"."""
        space = text.rfind(" ", start, end)
        if space < 0:
            return end
        after = _LABEL_REST.match(text, end)
        if after is None:
            return end
        label = (text[space + 1 : end] + after.group(1)).lower()
        settings = self._settings
        if any(
            label in labels
            for labels in (
                settings.name_labels,
                settings.name_headers,
                settings.labels_above_values,
                settings.listed_not_names,
            )
        ):
            return space
        return end

    def _sure_first(self, word: str) -> bool:
        """Whether a name's first word says it is a person's: a known first name that is no
        ordinary word ("Jenny" in "Jenny Hall", not "Rose" in "Rose Hill"), or an initial."""
        plain = unaccented(word)
        settings = self._settings
        return len(plain) == 1 or (
            plain in settings.first_names and plain not in settings.word_names
        )

    def _name_runs(self, text: str, vocab: Vocab | None = None) -> list[tuple[int, int]]:
        """Titled names and names that start with a known first name."""
        settings = self._settings
        words = list(WORD.finditer(text))
        runs = []
        for i, word in enumerate(words):
            lower = _POSSESSIVE.sub("", word.group().lower())
            titled = self._titled(text, words, i, lower)
            parts = [unaccented(part) for part in lower.split("-") if part]
            known = (
                lower not in settings.not_names
                and bool(parts)
                and parts[0] in settings.first_names
                and all(
                    p in settings.first_names or p in settings.lower_case_word_names for p in parts
                )
            )  # "ellie-mae": a first name, then first names or word-names
            if not (
                titled
                or known
                or self._word_name(text, words, i, lower, vocab)
                or self._called(text, words, i, lower, vocab)
                or self._speaker(text, words, i, lower, vocab)
                or self._hyphenated_first_name(word.group())
                or self._foreign_shaped(word.group(), vocab)
            ):
                continue
            first = i + 1 if titled else i
            last = first - 1
            # Take the following words while they look like more of the name.
            for j in range(first, min(first + 3, len(words))):
                candidate = words[j]
                gap = text[words[j - 1].end() : candidate.start()] if j > first else ""
                # A full stop goes on only after an initial: "Amina R. Mistry", not "Yusuf. The".
                if j > first and not (
                    gap == " " or (gap == ". " and len(words[j - 1].group()) == 1)
                ):
                    break
                if (
                    titled
                    and j == first
                    and text[word.end() : candidate.start()]
                    not in (
                        " ",
                        ". ",
                    )
                ):
                    break
                part = candidate.group()
                if j > i and (
                    part.lower() in settings.not_surnames
                    or (
                        part.lower() in settings.place_words
                        and not (part.lower() in settings.surname_place_words and titled)
                    )
                    or (not CAPITALISED.match(part) and not word.group().islower())
                ):
                    break
                last = j
                if _POSSESSIVE.search(part):  # "Kofi's ID": the name ends here
                    break
            if last >= first:
                runs.append((words[first].start(), words[last].end()))
        titles = settings.titles
        for match in _INITIALS_AND_SURNAME.finditer(text):
            surname = match.group(1).lower()
            initials = text[match.start() : match.start(1)].strip()
            if initials in ("A", "I") and self._word_before(text, match.start()) not in titles:
                continue  # the article and the pronoun, not initials ("Mrs A Yusuf" has one)
            if surname in settings.not_surnames or (
                self._ordinary(match.group(1), vocab)
                and (_lettered_item(text, match.start()) or _an_option(text, match.start()))
            ):
                continue  # "P.S. Our friends", "B. Volunteering After Covid" in a lettered list
            if surname not in settings.not_names and (
                surname not in settings.place_words or surname in settings.surname_place_words
            ):
                runs.append((match.start(), match.end()))
        runs += self._capital_initials(text)
        return runs

    def _titled(self, text: str, words: list[regex.Match[str]], i: int, lower: str) -> bool:
        """Whether a word is a title before a name: capitalised ("Mrs", "Dr."); in capitals
        only before a word in capitals ("MRS J OKAFOR"), since "MS" among mixed-case words
        is someone's initials."""
        word = words[i].group()
        if lower.rstrip(".") not in self._settings.titles or not CAPITALISED.match(word):
            return False
        if not word.isupper() or len(word) == 1:
            return True
        following = words[i + 1].group() if i + 1 < len(words) else ""
        return following.isupper()

    def _surname_first(self, text: str) -> list[tuple[int, int]]:
        """A surname in capitals, a comma and a known first name, as registers list people:
        "YUSUF, Amina", "OKONKWO, Chidi"; or capitalised where the cell or line ends after
        the first name: "Adebayo, Oluwaseun"."""
        settings = self._settings
        runs = []
        for match in [*_SURNAME_FIRST.finditer(text), *_CELL_SURNAME_FIRST.finditer(text)]:
            surname = unaccented(match.group(1).lower())
            first = unaccented(match.group(2).lower())
            if first in settings.first_names and not any(
                surname in words
                for words in (
                    settings.not_names,
                    settings.place_words,
                    settings.listed_not_names,
                    settings.titles,
                )
            ):
                runs.append(match.span())
        return runs

    def _capital_initials(self, text: str) -> list[tuple[int, int]]:
        """Initials and a surname in capitals, the title left out: "S CHOWDHURY", "A-M
        IONESCU", "S ABDULLAHI HASSAN", "C NIC GIOLLA PHÁDRAIG"; the surname's words stop
        at a word that is no name ("S CHOWDHURY PAID")."""
        settings = self._settings
        unnamed = (
            settings.not_names,
            self._strong_places,
            settings.not_surnames,
            settings.titles,
            settings.listed_not_names,
        )
        runs = []
        for match in CAPITAL_INITIALS_AND_SURNAME.finditer(text):
            initials = text[match.start(1) : match.start(2)].strip()
            if initials in ("A", "I") or (
                initials == "Y" and match.start() == match.start(1) and _after_a_word(text, match)
            ):
                continue  # "MAES Y DREF": Welsh's article after a word, not an initial
            end = match.start(2)
            main = False  # a word of the surname that is no particle was kept
            firm = False  # the words stopped at a firm's or a place's word: "W H SMITH RETAIL"
            for word in regex.finditer(r"\S+", match.group(2)):
                plain = unaccented(word.group().lower())
                if any(plain in words for words in unnamed):
                    firm = plain in self._strong_places
                    break
                end = match.start(2) + word.end()
                main = main or plain not in settings.particles
            if main and not firm and not _FIRM_TAIL.match(text, end):  # "A F BLAKEMORE & SON"
                runs.append((match.start(1), end))
        return runs

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        tokens = nlp_artifacts.tokens if nlp_artifacts else None
        candidates = self._name_runs(text, tokens.vocab if tokens is not None else None)
        vocab = tokens.vocab if tokens is not None else None
        for entity in nlp_artifacts.entities if nlp_artifacts else []:
            if (
                entity.label_ == "PERSON"
                and not self._lower_case_guess(text, entity)
                and not self._ordinary_words(text, entity.start_char, entity.end_char, vocab)
                and not self._trade_after_a_place(text, entity.start_char, entity.end_char, vocab)
            ):
                start = self._with_unknown_word_before(text, entity.start_char, vocab)
                candidates.append((start, entity.end_char))
        spans = []
        for first, end in candidates:
            # spaCy includes a trailing possessive ("Amina's"); the name stops before it.
            stop = end - 2 if text[first:end].endswith(("'s", "’s")) else end
            begin = _without_determiner(text, first, stop)  # "the King's Award": "King's Award"
            stop = self._without_trailing_words(text, begin, stop)
            stop = self._without_a_label_after(text, begin, stop)  # "Eirlys Surname: Pritchard"
            start = self._with_first_name(text, self._without_titles(text, begin, stop))
            longer = self._with_syllables_before(text, start)  # "Le Thi" of "Le Thi Mai"
            if longer < start and self.is_name(text, longer, stop):
                spans.append((longer, stop))
            elif self.is_name(text, start, stop) and not self._a_translated_half(
                text, start, stop, vocab
            ):  # "Annwyl Gydweithwyr / Dear Colleagues"
                spans.append((start, stop))
        spans += [  # "frank says", "visited ola", "morning, dean here"
            (start, end)
            for start, end in self._lower_case_names.find(text, vocab)
            if self.is_name(text, start, end)
        ]
        spans += [  # "for Adaobi Nwankwo", "spoke to Gebremedhin", "Okafor from the OT team"
            (start, end)
            for start, end in self._missed_by_the_model.find(text, vocab)
            if self.is_name(text, start, end)
        ]
        spans += self._placed_names(text, vocab)
        spans += self._surname_first(text)  # checked there: a comma is in no other name
        spans += self._place_word_surnames.find(text)  # "Sam Green came in", checked there
        spans += names_in_links(  # "…/case-notes/harriet-blenkinsop.pdf"
            text, self._settings, lambda word: self._reads_as_a_name_in_a_link(word, vocab)
        )
        spans = self._outside_listed_phrases(text, spans)
        carried = _repeated_names.carried_words(text, spans, self._settings, vocab)
        spans += _repeated_names.repeated(text, carried, self._settings, self.is_name)
        spans = self._not_places_named_elsewhere(text, spans)
        spans = self._outside_place_columns(text, spans)
        spans = outside_fiction(text, spans)  # "Case example (fictional): the Jones family"
        return [self._result(start, end) for start, end in _merge(text, spans)]

    def _with_unknown_word_before(self, text: str, start: int, vocab: Vocab | None) -> int:
        """The start of a name the model found, moved back over the capitalised word just
        before it (one space between) when that word is no listed word or title and one the
        model has no vector for: the given name the model left out ("Oreoluwa" before
        "Adebanjo"). Ordinary words, and most places and firms, have a vector."""
        if vocab is None or start < 2 or text[start - 1] != " ":
            return start
        before = WORD_AT_END.search(text, max(0, start - 40), start - 1)
        if before is None or before.end() != start - 1:
            return start
        word = before.group()
        lower = unaccented(word.lower())
        settings = self._settings
        if (
            CAPITALISED.match(word) is None
            or word.isupper()
            or (before.start() > 0 and not text[before.start() - 1].isspace())
            or lower in settings.titles
            or lower in settings.not_names
            or lower in settings.listed_not_names
            or lower in settings.place_heads
            or lower in settings.saints
            or vocab.has_vector(word)
        ):
            return start
        return before.start()

    def _outside_place_columns(
        self, text: str, spans: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """The spans less those inside a table's cell under a header that names places,
        venues, bodies or things (``person.place_headers``): a "Town" cell's "Leigh", a
        "Venue" cell's "Elizabeth Garrett Anderson Wing"."""
        if not spans or not self._settings.place_headers:
            return spans
        cells = list(_structure.column_cells(text, self._place_header))
        if not cells:
            return spans
        return [
            (start, end)
            for start, end in spans
            if not any(a <= start and end <= b for a, b in cells)
        ]

    def _ordinary_words(self, text: str, start: int, end: int, vocab: Vocab | None) -> bool:
        """Whether a span the model took for a person is made only of ordinary words: no
        title before or in it, no known first name or word-name in it, and every word one the
        model has a vector for that is unlike names' vectors (``person.name_likeness``):
        "Toddler", "Vestry", "Lemon Drizzle", "Lifetime Achievement"; see ``_name_likeness``.
        A word after a name label ("husband", "carer") or closing the text stays a name."""
        floor = self._settings.name_likeness
        if vocab is None or floor <= 0:
            return False
        settings = self._settings
        words = [_POSSESSIVE.sub("", w.group()) for w in WORD.finditer(text, start, end)]
        before = self._word_before(text, start)
        label = WORD_AT_END.search(text[max(0, start - 30) : start].rstrip(" ,:;–-"))
        if (
            not words
            or before in settings.titles
            or (label is not None and label.group().lower() in settings.name_labels)
            # "my late husband Reg", "The carer, Price, said"
            or _ONLY_SPACE_LEFT.match(text, end)  # signing off: "ring you next week. Geth"
            or self._speaks(text, end)  # "Cook said the bus was late"
        ):
            return False
        likenesses = []
        for word in words:
            lower = word.lower()
            if (
                lower in settings.titles
                or unaccented(lower) in settings.first_names
                or lower in settings.word_names
            ):
                return False
            likenesses.append(self._likeness(word, vocab))
        # Every word ordinary, a compound the model knows every word of that ends in an
        # ordinary noun ("Yorkshire Tea", "Tesco Value"), or one ending in an ordinary plural
        # ("Clitheroe Wolves", "Padiham Panthers": a team, a troupe).
        last = likenesses[-1]
        if last is None or last >= floor:
            return False
        if None in likenesses and not self._plural_noun(words[-1], vocab):
            return False
        # Last, as it reads the whole text: "Ms Hunt's claim ... Hunt to call back".
        return not self._titled_elsewhere(text, words)

    def _trade_after_a_place(self, text: str, start: int, end: int, vocab: Vocab | None) -> bool:
        """Whether a span the model took for a person ends in a place word and an ordinary
        word, no title before it: a firm named after its street or its hill and its trade
        ("Grace Lane Joinery", "Rose Hill Roofing"). "Jenny Hall Smith" is a person: her
        surname is no ordinary word by the model's vectors."""
        words = [_POSSESSIVE.sub("", w.group()) for w in WORD.finditer(text, start, end)]
        settings = self._settings
        return (
            len(words) > 2
            and words[-2].lower() in settings.place_words
            and self._word_before(text, start) not in settings.titles
            and not any(w.lower() in settings.titles for w in words)
            and unaccented(words[-1].lower()) not in settings.first_names
            and self._ordinary(words[-1], vocab)
        )

    def _plural_noun(self, word: str, vocab: Vocab) -> bool:
        """Whether a capitalised word is an ordinary noun's plural: it ends in "s" and the
        model knows its singular in lower case ("Wolves", "Panthers", "Juniors")."""
        lower = word.lower()
        singulars = (lower[:-1], lower[:-2], lower[:-3] + "f") if lower.endswith("s") else ()
        return any(len(s) > 2 and vocab.has_vector(s) for s in singulars)

    def _placed_names(self, text: str, vocab: Vocab | None = None) -> list[tuple[int, int]]:
        """Names where the structure says a name stands: after a name label, in a name column."""
        found = []
        labelled = [
            (start, end)
            for start, end in _structure.labelled_values(text, self._labels)
            if not _structure.a_cell_beside_a_cell(text, start)
        ]
        greeted = set(_structure.labelled_values(text, self._times_of_day))
        for start, end in [
            *labelled,
            *_structure.labelled_values(text, self._labels_above),  # "Surname" over "Pickard"
            # "First name: Eirlys Surname: Pritchard"
            *_structure.labelled_values(text, self._labels_after_a_value),
            *_structure.labelled_values(text, self._salutations),
            *_structure.listed_values(text, self._lists),
            *_structure.column_cells(text, self._name_header),
        ]:
            if self._name_header.fullmatch(text, start, end):  # a header row: "Surname  Forename"
                continue
            if _structure.in_a_header_row(text, start):  # "Owner" beside "Trend" over the rows
                continue
            span = self._name_shaped(text, start, end)
            if span and (
                self._dated(text, *span)
                or (
                    _NUMBERED.match(text, span[1])
                    and self._ordinary(text[span[0] : span[1]], vocab)
                )
            ):
                continue  # "Approved by the Board: June 2024", a "Driver" cell's "Van 1"
            if span and self._place_follows(text, span[1]) in self._strong_places:
                continue  # "Thanks to Grace & Favour Catering Ltd": a firm, split at "&"
            if span and self._town_after_street(text, *span, in_place=True):
                continue  # "Chair Yoga: Fridays at St Hilda's Church, Albert Road, Porthmadog"
            if span and self._ordinary_phrase(text, *span, vocab):
                continue  # "Volunteer Awards: ... and Lifetime Achievement": a prize
            if span and (start, end) in greeted and self._ordinary_greeted(text, *span, vocab):
                continue  # "Morning Session", "Evening Class": a greeting's word, no name
            if span:
                found.append(span)
            elif text.count(",", start, end) == 1:  # a quoted CSV cell: "SMITH, JOHN"
                found += self._display_name(text, start, end)
        for start, end in _structure.display_names(text):
            found += [
                span
                for span in self._display_name(text, start, end)
                if not self._ordinary_phrase(text, *span, vocab)  # "Duty Desk", a mailbox
            ]
        return found

    def _ordinary_greeted(self, text: str, start: int, end: int, vocab: Vocab | None) -> bool:
        """Whether the one word after a greeting that is a time of day, with no title before
        it, is an ordinary word by the model's vectors and no first name or word-name:
        "Morning Session" and "Afternoon Session" head a programme's parts ("Morning Grace",
        "Morning Ms Price" stay names)."""
        word = text[start:end]
        lower = word.lower()
        settings = self._settings
        return (
            " " not in word
            and self._word_before(text, start) not in settings.titles
            and unaccented(lower) not in settings.first_names
            and lower not in settings.word_names
            and self._ordinary(word, vocab)
        )

    def _ordinary_phrase(self, text: str, start: int, end: int, vocab: Vocab | None) -> bool:
        """Whether a value of two words or more is made only of ordinary words by the model's
        vectors, none a title, first name or word-name: "Lifetime Achievement", "Volunteer
        Team" after a label ("Rose Green", "Tom Price" are not)."""
        words = WORD.findall(text, start, end)
        settings = self._settings
        return len(words) > 1 and all(
            w.lower() not in settings.titles
            and unaccented(w.lower()) not in settings.first_names
            and w.lower() not in settings.word_names
            and self._ordinary(w, vocab)
            for w in words
        )

    def _display_name(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """A mail header's display name of two words or more, when name-shaped: "Hannah
        Pryce", "Okafor, Chidi" (one name, comma and all); "Finance Team" is not."""
        comma = text.find(",", start, end)
        parts = [(start, end)] if comma < 0 else [(start, comma), (comma + 1, end)]
        shaped = [self._name_shaped(text, a, b) for a, b in parts]
        if any(s is None for s in shaped) or text.count(",", start, end) > 1:
            return []
        spans = [s for s in shaped if s is not None]
        if comma < 0 and len(WORD.findall(text, spans[0][0], spans[0][1])) < 2:
            return []  # one word: a first name is found anyway, "Referrals" is a mailbox
        return [(spans[0][0], spans[-1][1])]

    def _name_shaped(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The name in a labelled value or a cell, titles left out, if it looks like one:
        one to five words of letters, each capitalised, in capitals, an initial or a particle
        ("K ASANTE-BOATENG", "Aoibheann Nic Giolla Phádraig", "Ana van der Berg"), or in lower
        case when it starts with a known first name."""
        settings = self._settings
        words = list(WORD.finditer(text, start, end))
        glued = [i for i, w in enumerate(words) if text[w.end() : w.end() + 1].isdigit()]
        words = words[: glued[0]] if glued else words  # "FY2", "Room4": a code from there
        while words and words[0].group().lower().rstrip(".") in settings.titles:
            words.pop(0)
        if not words or len(words) > 5:
            return None
        start, end = words[0].start(), words[-1].end()
        if not _NAME_CHARS.match(text[start:end]) or "\n" in text[start:end]:
            return None
        lowered = [w.group().lower() for w in words]
        plain = [unaccented(w) for w in lowered]
        if (
            all(w in settings.not_names for w in plain)
            or self._listed(plain)
            or self._listed(plain[-1:])  # "Repairs Manager", "Income Officer"
            or any(
                w in self._strong_places
                or w in settings.place_heads  # "Loch Ness" after "Carers Week walks:"
                or (len(w) > 1 and w in settings.not_surnames)
                for w in plain
            )
            or (
                len(plain) > 1
                and any(w in settings.place_words for w in plain)
                and not self._sure_first(plain[0])
            )
        ):
            return None  # "Rose Hill" in a name column; but "Tom Green", "J Hall", "Hall"
        if any(len(w) > 2 and _NO_VOWEL.fullmatch(w) for w in plain):
            return None  # "DVLA", "HMRC": an acronym, no one's name
        if text[start:end].islower():
            return (start, end) if plain[0] in settings.first_names else None
        shaped = all(
            CAPITALISED.match(w.group()) or w.group().isupper() or lower in settings.particles
            for w, lower in zip(words, lowered, strict=True)
        )
        return (start, end) if shaped else None

    def _result(self, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(
            "PERSON",
            start,
            end,
            self._settings.score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: "person",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def _header_pattern(headers: frozenset[str]) -> regex.Pattern[str]:
    """A table column's header cell that is one of ``headers``, perhaps with "(s)", a plural
    "s" or "name(s)" after it: "Surname", "Carer(s)", "Venue name"."""
    alternatives = "|".join(
        sorted((regex.escape(h).replace(r"\ ", r"\s+") for h in headers), key=len)[::-1]
    )
    return regex.compile(
        rf"[*#>\s]*(?:{alternatives or '(?!)'})(?:\s*\(s\)|s)?(?:\s+names?)?\s*[:*]?\s*",
        regex.IGNORECASE,
    )


# A letter and a stop opening a line, as a lettered list marks its items: "A. Digital ...".
_LETTER_ITEM = regex.compile(r"^[ \t]*(\p{Lu})([.)]) ", regex.MULTILINE)


def _after_a_word(text: str, match: regex.Match[str]) -> bool:
    """Whether a word in capitals and a space stand just before ``match``: "MAES " before
    "Y DREF"."""
    before = WORD_AT_END.search(text, max(0, match.start() - 30), max(0, match.start() - 1))
    return (
        before is not None
        and before.end() == match.start() - 1
        and text[match.start() - 1] == " "
        and before.group().isupper()
    )


def _without_determiner(text: str, start: int, end: int) -> int:
    """The start of a span less a lower-case determiner that opens it: the model's "the
    King's Award" is "King's Award", which ends in a place word."""
    first = WORD.match(text, start, end)
    if (
        first is not None
        and first.group() in DETERMINERS
        and text[first.end() : first.end() + 1] == " "
    ):
        return first.end() + 1
    return start


def _an_option(text: str, start: int) -> bool:
    """Whether the letter at ``start`` is one of a form's options, a slash before it: the
    "N" of "Alarms tested? Y / N   Fire doors clear?", not an initial."""
    return text[max(0, start - 3) : start].rstrip().endswith("/")


def _lettered_item(text: str, start: int) -> bool:
    """Whether the initial at ``start`` opens a line of a lettered list: the text has lines
    opening with "A." and "B." (or "A)" and "B)") as this line opens with its letter."""
    line = text.rfind("\n", 0, start) + 1
    item = _LETTER_ITEM.match(text, line)
    if item is None or item.end(2) > start + 2:
        return False
    mark = item.group(2)
    letters = {m.group(1) for m in _LETTER_ITEM.finditer(text) if m.group(2) == mark}
    return {"A", "B"} <= letters


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined into one, and spans one space apart: "Seosamh Mac Giolla"
    and "Bhríde" are one name."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (
            start < merged[-1][1] or (start == merged[-1][1] + 1 and text[merged[-1][1]] == " ")
        ):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
