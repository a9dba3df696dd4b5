"""Loading detection rules from rules/recognizers.yaml, checked as they load.

Every mistake is reported as ``file:line: what is wrong; what to do`` so that whoever edits the
rules can fix them without reading Python.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import regex

from scanner.checksums import VALIDATORS
from scanner.rules_file import DEFAULT_RECOGNIZERS, Reader, load_yaml

BUILTIN_RECOGNIZERS = frozenset({"CreditCardRecognizer", "IbanRecognizer"})
# Term lists: a space in a term matches any white space in a text, so other white space in a
# term (a pasted non-breaking space) is a mistake, and so is a space at either end or two in a
# row; the term-list index relies on there being none.
_OTHER_WHITE_SPACE = regex.compile(r"[^\S ]")
_STRAY_SPACE = regex.compile(r"^ | $|  ")


# Here rather than beside its recognizer (``_patterns``), so that reading the rules does not
# load presidio and spaCy: a process that only hands items to sandboxed workers reads them.
@dataclass(frozen=True)
class PatternRule:
    """One recognizer as written in rules/recognizers.yaml."""

    name: str
    entity: str
    patterns: tuple[tuple[str, float], ...]
    validator: str | None = None
    context: tuple[str, ...] = ()
    context_score: float = 0.0
    negative_context: tuple[str, ...] = ()
    weak_context: tuple[str, ...] = ()
    context_before: int = 60
    context_after: int = 30
    case_sensitive: bool = False
    # A match counts only right after a name the person recognizer found, and only when it
    # is at least this many days older than the text's other dates (0: an ordinary rule).
    beside_person_older_by_days: int = 0
    # Or when it ends a line of a person's details (the line's only date, after a comma, a
    # bracket, a bar or a tab) and is at least this many days older than the text's latest
    # date up to today (0: never so).
    listed_with_person_older_by_days: int = 0
    # For a value alone at the start of its line, how many lines above (holding no other
    # value) its context may be on: a form's label, then an instruction, then the value.
    context_lines_above: int = 0
    # Whether a match may run across the line break of a paragraph wrapped at a fixed width
    # ("born on 3rd\nMarch 2015"), read as a space.
    across_wrapped_lines: bool = False
    # Whether a number may run across a line break or a table's cell break between two of
    # its pieces ("NHS 451<br>134<br>8502", "<td>482</td><td>981</td>", a number typed over
    # lines): a reader sees one number. Matches are looked for both ways, and kept from both;
    # one found only across breaks counts only beside a context word.
    across_line_breaks: bool = False
    # Patterns (with ``across_line_breaks``) that count with no context word when a number's
    # pieces are split by breaks, as long as the pieces are the whole number: no other
    # number stands in the cell or on the line just before or after it.
    split_alone: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class NlpSettings:
    model: str
    chunk_chars: int
    chunk_overlap_chars: int
    parsed_sentences: int


@dataclass(frozen=True)
class PersonSettings:
    score: float
    first_names: frozenset[str]
    titles: frozenset[str]
    not_names: frozenset[str]
    place_words: frozenset[str]
    not_surnames: frozenset[str]
    word_names: frozenset[str]
    listed_not_names: frozenset[str] = frozenset()
    # Listed words written with accents that are first names without them ("tîm", Welsh for
    # team, and "Tim"): listed only where a text writes them with their accents.
    listed_accented: frozenset[str] = frozenset()
    saints: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    name_labels: frozenset[str] = frozenset()
    name_headers: frozenset[str] = frozenset()
    not_name_labels: frozenset[str] = frozenset()
    greetings: frozenset[str] = frozenset()
    closings: frozenset[str] = frozenset()
    calling_words: frozenset[str] = frozenset()
    speaking_verbs: frozenset[str] = frozenset()
    lower_case_word_names: frozenset[str] = frozenset()
    surname_place_words: frozenset[str] = frozenset()
    eponym_heads: frozenset[str] = frozenset()
    list_labels: frozenset[str] = frozenset()
    place_heads: frozenset[str] = frozenset()
    place_nouns: frozenset[str] = frozenset()
    # Before a place or a body whatever its words: "in rural Eden", "trip to Bridlington",
    # "the staff of Cammell Laird".
    region_words: frozenset[str] = frozenset()
    journey_nouns: frozenset[str] = frozenset()
    member_nouns: frozenset[str] = frozenset()
    # How like the model's vectors of first names a word's vector must be for a span of
    # ordinary words that only the model calls a person to stay one (0: every span stays).
    name_likeness: float = 0.0
    # How like first names' vectors a lower-case word's must be to read as a name where a
    # person stands ("frank says", "visited ola"; see scanner/detect/_lower_case_names.py).
    lower_case_likeness: float = 0.0
    months: frozenset[str] = frozenset()
    place_labels: frozenset[str] = frozenset()
    # Headers of table columns that hold places, venues, bodies or things, never a person.
    place_headers: frozenset[str] = frozenset()
    possessive_heads: frozenset[str] = frozenset()
    # Books of the Bible named like people: before a chapter and verse, a reading.
    scripture_books: frozenset[str] = frozenset()
    place_names: frozenset[str] = frozenset()
    # Lower-case nouns after a name-like word that make it a thing's name: "Carol concert".
    thing_heads: frozenset[str] = frozenset()
    # Plural trades before a firm named after its partners: "The auditors, Armstrong Watson".
    firm_trades: frozenset[str] = frozenset()
    # Letters before a capital inside a name: "Mc" in "McDonald" (else "InForm" is a brand).
    inner_capital_prefixes: frozenset[str] = frozenset()
    # Festivals and occasions, and the verbs before one: "celebrate Raksha Bandhan".
    occasion_names: frozenset[str] = frozenset()
    occasion_verbs: frozenset[str] = frozenset()
    # Titles of books, songs, films and stories (a list's item beside one is a title too).
    title_names: frozenset[str] = frozenset()
    # Labels of a menu's lines: "Main: Jollof".
    dish_labels: frozenset[str] = frozenset()
    # Nouns of case work after a lone name that make an item about someone: "the Ferreira
    # referral", "Mensah file" (see scanner/detect/_terms.py, AboutSomeone).
    case_nouns: frozenset[str] = frozenset()
    # Place words that end a person's name only after a known first name where the text
    # means a person ("Ruth Street"), beside ``surname_place_words`` (see
    # scanner/detect/_place_word_surnames.py); and nouns said of a person around such a name.
    street_surnames: frozenset[str] = frozenset()
    person_nouns: frozenset[str] = frozenset()
    # Labels whose value may stand on the line under them: "Surname" then "Pickard".
    labels_above_values: frozenset[str] = frozenset()
    # Family and middle names that open a name before a given name found: "Le Thi" of "Le Thi
    # Mai" (unaccented, lower case).
    name_syllables: frozenset[str] = frozenset()
    # Nouns after an author's name that make it a model's or a theory's: "Kolb's learning
    # cycle", "the Fraser guidelines".
    eponym_things: frozenset[str] = frozenset()
    # Organisations' names (names/organisations.txt): a span opening with one is a branch.
    organisation_names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TermReading:
    """How a term list's findings are read in their text (rules/terms/about_someone.yaml):
    the words that belong to a finding either side of it, and the evidence that a term is
    about a service, an event, a policy or people in general rather than about someone."""

    words_before: tuple[str, ...] = ()
    words_after: tuple[str, ...] = ()
    # Words before a finding that state it of its person ("has COPD", "is on methadone",
    # "Declared a spent conviction"), and field labels before it ("Religion: Sikh"): the
    # finding covers them, as the labelling convention does (rules/terms/special_category.yaml).
    stated_by: tuple[str, ...] = ()
    field_labels: tuple[str, ...] = ()
    needs_context: tuple[str, ...] = ()
    also_words: tuple[str, ...] = ()
    context_words: tuple[str, ...] = ()
    owner_before: tuple[str, ...] = ()
    relatives_before: tuple[str, ...] = ()
    not_followed_by: tuple[str, ...] = ()
    service_names: tuple[str, ...] = ()
    service_words: tuple[str, ...] = ()
    general_before: tuple[str, ...] = ()
    population_after: tuple[str, ...] = ()
    member_before: tuple[str, ...] = ()
    general_after: tuple[str, ...] = ()
    person_words: tuple[str, ...] = ()
    role_words: tuple[str, ...] = ()
    generic_pronouns: tuple[str, ...] = ()
    question_openers: tuple[str, ...] = ()
    anyone_before: tuple[str, ...] = ()
    first_person: tuple[str, ...] = ()
    generic_subjects: tuple[str, ...] = ()
    generic_verbs: tuple[str, ...] = ()
    generic_openers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TermList:
    """Words or phrases that are a finding of ``entity`` wherever they occur, in groups."""

    entity: str
    score: float
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    source: str
    reading: TermReading = TermReading()


@dataclass(frozen=True)
class RecognizerSettings:
    score_threshold: float
    nlp: NlpSettings
    person: PersonSettings
    email_score: float
    email_top_levels: frozenset[str]
    role_mailboxes: frozenset[str]
    phone_regions: tuple[str, ...]
    phone_score: float
    published_phone_prefixes: tuple[str, ...]
    builtin: tuple[str, ...]
    patterns: tuple[PatternRule, ...]
    term_lists: tuple[TermList, ...]
    address_not_parts: frozenset[str] = frozenset()
    address_labels: frozenset[str] = frozenset()
    address_headers: frozenset[str] = frozenset()
    address_not_values: frozenset[str] = frozenset()
    address_business_places: frozenset[str] = frozenset()
    address_part_labels: frozenset[str] = frozenset()
    address_buildings: frozenset[str] = frozenset()
    address_house_prefixes: frozenset[str] = frozenset()
    address_not_after: frozenset[str] = frozenset()
    address_not_lower_towns: frozenset[str] = frozenset()
    published_phone_before: tuple[str, ...] = ()
    address_house_headers: frozenset[str] = frozenset()
    address_street_words: frozenset[str] = frozenset()
    address_street_first_words: frozenset[str] = frozenset()
    address_organisations: frozenset[str] = frozenset()
    address_venue_cues: frozenset[str] = frozenset()
    address_measures: frozenset[str] = frozenset()


def _pattern_rule(item: Reader) -> PatternRule:
    item.unknown_keys(
        {
            "name",
            "entity",
            "validator",
            "patterns",
            "context",
            "context_score",
            "negative_context",
            "weak_context",
            "context_before",
            "context_after",
            "case_sensitive",
            "beside_person_older_by_days",
            "listed_with_person_older_by_days",
            "context_lines_above",
            "across_wrapped_lines",
            "across_line_breaks",
            "split_alone",
        }
    )
    validator = item.mapping.get("validator")
    if validator is not None and validator not in VALIDATORS:
        known = "|".join(sorted(VALIDATORS))
        raise item.fail(f"unknown validator '{validator}'; expected {known}")
    patterns = _patterns(item, "patterns")
    split_alone = _patterns(item, "split_alone") if "split_alone" in item.mapping else ()
    if split_alone and not item.get("across_line_breaks", bool, False):
        raise item.fail("'split_alone' needs 'across_line_breaks: true'")
    return PatternRule(
        name=item.get("name", str),
        entity=item.get("entity", str),
        patterns=tuple(patterns),
        validator=validator,
        context=item.strings("context", []),
        context_score=item.score("context_score", 0.0),
        negative_context=item.strings("negative_context", []),
        weak_context=item.strings("weak_context", []),
        context_before=item.get("context_before", int, 60),
        context_after=item.get("context_after", int, 30),
        case_sensitive=item.get("case_sensitive", bool, False),
        beside_person_older_by_days=item.get("beside_person_older_by_days", int, 0),
        listed_with_person_older_by_days=item.get("listed_with_person_older_by_days", int, 0),
        context_lines_above=item.get("context_lines_above", int, 0),
        across_wrapped_lines=item.get("across_wrapped_lines", bool, False),
        across_line_breaks=item.get("across_line_breaks", bool, False),
        split_alone=split_alone,
    )


def _patterns(item: Reader, key: str) -> tuple[tuple[str, float], ...]:
    """A rule's list of ``['regex', score]`` under ``key``, each regex compiled to check it."""
    patterns = []
    for entry in item.get(key, list):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise item.fail(f"each of '{key}' must be ['regex', score]")
        expr, score = entry
        try:
            regex.compile(expr)
        except regex.error as exc:
            raise item.fail(f"pattern {expr!r} is not a valid regex: {exc}") from None
        if not isinstance(score, int | float) or not 0 <= score <= 1:
            raise item.fail(f"pattern score must be between 0 and 1, not {score!r}")
        patterns.append((expr, float(score)))
    return tuple(patterns)


def _term_list(
    path: Path,
    patterns: tuple[PatternRule, ...],
    evidence: dict[Path, dict[str, tuple[str, ...]]],
) -> TermList:
    """A term list, and the about-someone evidence it names, read once for all the lists
    that name it (``evidence``, by path)."""
    top = Reader(path, load_yaml(path), "a term list")
    top.unknown_keys(
        {
            "entity",
            "score",
            "groups",
            "about_someone",
            "words_before",
            "words_after",
            "stated_by",
            "field_labels",
            "needs_context",
            "also_words",
        }
    )
    entity = top.get("entity", str)
    pattern = next((p for p in patterns if p.entity == entity), None)
    if pattern is not None:  # a term list's finds overlap others freely (see the detector)
        raise top.fail(
            f"'entity' {entity} is what pattern '{pattern.name}' finds; give the term list an "
            "entity of its own"
        )
    groups_reader = top.section("groups")
    groups = []
    for name, _terms in groups_reader.mapping.items():
        if name == "__line__":
            continue
        terms = groups_reader.strings(str(name))
        for term in terms:
            if _OTHER_WHITE_SPACE.search(term):
                raise groups_reader.fail(
                    f"'{name}': a term holds a tab, line break or other white space than a "
                    "space; separate its words with spaces (any white space in a text matches)"
                )
            if _STRAY_SPACE.search(term):
                raise groups_reader.fail(
                    f"'{name}': '{term}' starts or ends with a space or holds two in a row; "
                    "separate its words with one space (it matches any run of white space)"
                )
        groups.append((str(name), terms))
    listed = {term for _, terms in groups for term in terms}
    for term in top.strings("needs_context", []):
        if term not in listed:
            raise top.fail(f"'needs_context': '{term}' is in none of the groups; list it there")
    for term in top.strings("also_words", []):
        if term not in listed:
            raise top.fail(f"'also_words': '{term}' is in none of the groups; list it there")
    reading = TermReading(
        words_before=top.strings("words_before", []),
        words_after=top.strings("words_after", []),
        stated_by=top.strings("stated_by", []),
        field_labels=top.strings("field_labels", []),
        needs_context=top.strings("needs_context", []),
        also_words=top.strings("also_words", []),
        **(
            _evidence(path.parent / top.get("about_someone", str), evidence)
            if "about_someone" in top.mapping
            else {}
        ),
    )
    return TermList(entity, top.score("score"), tuple(groups), str(path), reading)


def _evidence(
    path: Path, read: dict[Path, dict[str, tuple[str, ...]]]
) -> dict[str, tuple[str, ...]]:
    if path not in read:
        read[path] = _about_someone(path)
    return read[path]


def _about_someone(path: Path) -> dict[str, tuple[str, ...]]:
    """The evidence words of rules/terms/about_someone.yaml, shared by the term lists whose
    findings are about a person (see ``TermReading``)."""
    top = Reader(path, load_yaml(path), "the about-someone evidence")
    keys = (
        "context_words",
        "owner_before",
        "relatives_before",
        "not_followed_by",
        "service_names",
        "service_words",
        "general_before",
        "population_after",
        "member_before",
        "general_after",
        "person_words",
        "role_words",
        "generic_pronouns",
        "question_openers",
        "anyone_before",
        "first_person",
        "generic_subjects",
        "generic_verbs",
        "generic_openers",
    )
    top.unknown_keys(set(keys))
    words = {key: top.strings(key, []) for key in keys}
    for word in words["role_words"]:
        if word not in words["person_words"]:
            raise top.fail(f"'role_words': '{word}' is not in person_words; list it there too")
    for word in words["first_person"]:
        if word not in words["person_words"]:
            raise top.fail(f"'first_person': '{word}' is not in person_words; list it there too")
    return words


def _read_lines(path: Path, reader: Reader) -> frozenset[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise reader.fail(f"cannot read {path}: {exc.strerror}") from None
    return frozenset(
        unaccented(line.strip()) for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _listed_words(
    paths: list[Path], first_names: frozenset[str], reader: Reader
) -> tuple[frozenset[str], frozenset[str]]:
    """The not-name lists' entries as looked up without accents, and apart from them the
    single words written with accents that are first names without them ("tîm" and "Tim",
    "márta" and "Marta"), kept in lower case with their accents."""
    plain: set[str] = set()
    accented: set[str] = set()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise reader.fail(f"cannot read {path}: {exc.strerror}") from None
        for line in text.splitlines():
            entry = unicodedata.normalize("NFC", line.strip().lower())
            if not entry or entry[0] == "#":
                continue
            bare = unaccented(entry)
            if bare != entry and " " not in entry and bare in first_names:
                accented.add(entry)
            else:
                plain.add(bare)
    return frozenset(plain), frozenset(accented)


def unaccented(word: str) -> str:
    """``word`` in lower case without diacritics: "Siobhán" and "siobhan" look up alike."""
    if word.isascii():  # nothing to decompose (it is called for every word of a text)
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _each[T](reader: Reader, key: str, build: Callable[[Reader], T]) -> tuple[T, ...]:
    return tuple(
        build(Reader(reader.path, m, f"an entry of '{key}'")) for m in reader.get(key, list)
    )


def load_recognizers(path: Path = DEFAULT_RECOGNIZERS) -> RecognizerSettings:
    """Read and check a recognizers file and the term lists and name list it points to."""
    top = Reader(path, load_yaml(path), "the recognizers file")
    top.unknown_keys(
        {
            "score_threshold",
            "nlp",
            "person",
            "email",
            "phone",
            "address",
            "builtin",
            "patterns",
            "term_lists",
        }
    )
    here = path.parent
    nlp = top.section("nlp")
    person = top.section("person")
    phone = top.section("phone")
    builtin = top.strings("builtin", [])
    for name in builtin:
        if name not in BUILTIN_RECOGNIZERS:
            known = "|".join(sorted(BUILTIN_RECOGNIZERS))
            raise top.fail(f"unknown builtin recognizer '{name}'; expected {known}")
    chunk = nlp.get("chunk_chars", int, 100_000)
    overlap = nlp.get("chunk_overlap_chars", int, 1_000)
    if not 0 <= overlap < chunk // 2:
        raise nlp.fail("'chunk_overlap_chars' must be less than half of 'chunk_chars'")
    patterns = _each(top, "patterns", _pattern_rule)
    evidence: dict[Path, dict[str, tuple[str, ...]]] = {}
    term_lists = tuple(
        _term_list(here / p, patterns, evidence) for p in top.strings("term_lists", [])
    )
    parsed = nlp.get("parsed_sentences", int, 200)
    if parsed < 0:
        raise nlp.fail("'parsed_sentences' must be 0 or more")
    first_names = _read_lines(here / person.get("first_names", str), person)
    listed_not_names, listed_accented = _listed_words(
        [here / p for p in person.strings("not_name_lists", [])], first_names, person
    )
    return RecognizerSettings(
        score_threshold=top.score("score_threshold"),
        nlp=NlpSettings(nlp.get("model", str), chunk, overlap, parsed),
        person=PersonSettings(
            score=person.score("score"),
            first_names=first_names,
            titles=frozenset(t.lower() for t in person.strings("titles", [])),
            not_names=frozenset(n.lower() for n in person.strings("not_names", [])),
            place_words=frozenset(w.lower() for w in person.strings("place_words", [])),
            surname_place_words=frozenset(
                w.lower() for w in person.strings("surname_place_words", [])
            ),
            eponym_heads=frozenset(w.lower() for w in person.strings("eponym_heads", [])),
            list_labels=frozenset(w.lower() for w in person.strings("list_labels", [])),
            not_surnames=frozenset(w.lower() for w in person.strings("not_surnames", [])),
            word_names=frozenset(w.lower() for w in person.strings("word_names", [])),
            listed_not_names=listed_not_names,
            listed_accented=listed_accented,
            saints=frozenset(w.lower() for w in person.strings("saints", [])),
            place_heads=frozenset(w.lower() for w in person.strings("place_heads", [])),
            place_nouns=frozenset(w.lower() for w in person.strings("place_nouns", [])),
            region_words=frozenset(w.lower() for w in person.strings("region_words", [])),
            journey_nouns=frozenset(w.lower() for w in person.strings("journey_nouns", [])),
            member_nouns=frozenset(w.lower() for w in person.strings("member_nouns", [])),
            particles=frozenset(w.lower() for w in person.strings("particles", [])),
            name_labels=frozenset(w.lower() for w in person.strings("name_labels", [])),
            name_headers=frozenset(w.lower() for w in person.strings("name_headers", [])),
            not_name_labels=frozenset(w.lower() for w in person.strings("not_name_labels", [])),
            greetings=frozenset(w.lower() for w in person.strings("greetings", [])),
            closings=frozenset(w.lower() for w in person.strings("closings", [])),
            calling_words=frozenset(w.lower() for w in person.strings("calling_words", [])),
            speaking_verbs=frozenset(w.lower() for w in person.strings("speaking_verbs", [])),
            lower_case_word_names=frozenset(
                w.lower() for w in person.strings("lower_case_word_names", [])
            ),
            name_likeness=person.score("name_likeness", 0.0),
            lower_case_likeness=person.score("lower_case_likeness", 0.0),
            months=frozenset(w.lower() for w in person.strings("months", [])),
            place_labels=frozenset(w.lower() for w in person.strings("place_labels", [])),
            place_headers=frozenset(w.lower() for w in person.strings("place_headers", [])),
            place_names=(
                _read_lines(here / person.get("place_names", str), person)
                if "place_names" in person.mapping
                else frozenset()
            ),
            possessive_heads=frozenset(w.lower() for w in person.strings("possessive_heads", [])),
            scripture_books=frozenset(w.lower() for w in person.strings("scripture_books", [])),
            thing_heads=frozenset(w.lower() for w in person.strings("thing_heads", [])),
            firm_trades=frozenset(w.lower() for w in person.strings("firm_trades", [])),
            inner_capital_prefixes=frozenset(
                w.lower() for w in person.strings("inner_capital_prefixes", [])
            ),
            occasion_names=(
                _read_lines(here / person.get("occasion_names", str), person)
                if "occasion_names" in person.mapping
                else frozenset()
            ),
            title_names=frozenset().union(
                *(_read_lines(here / p, person) for p in person.strings("title_lists", []))
            ),
            occasion_verbs=frozenset(w.lower() for w in person.strings("occasion_verbs", [])),
            dish_labels=frozenset(w.lower() for w in person.strings("dish_labels", [])),
            case_nouns=frozenset(w.lower() for w in person.strings("case_nouns", [])),
            street_surnames=frozenset(w.lower() for w in person.strings("street_surnames", [])),
            person_nouns=frozenset(w.lower() for w in person.strings("person_nouns", [])),
            name_syllables=frozenset(
                unaccented(w.lower()) for w in person.strings("name_syllables", [])
            ),
            labels_above_values=frozenset(
                w.lower() for w in person.strings("labels_above_values", [])
            ),
            eponym_things=frozenset(w.lower() for w in person.strings("eponym_things", [])),
            organisation_names=(
                _read_lines(here / person.get("organisation_names", str), person)
                if "organisation_names" in person.mapping
                else frozenset()
            ),
        ),
        email_score=top.section("email").score("score"),
        email_top_levels=frozenset(
            t.lower().lstrip(".") for t in top.section("email").strings("top_levels", [])
        ),
        role_mailboxes=frozenset(
            w.lower() for w in top.section("email").strings("role_mailboxes", [])
        ),
        phone_regions=phone.strings("regions"),
        phone_score=phone.score("score"),
        published_phone_prefixes=phone.strings("published_prefixes", []),
        published_phone_before=phone.strings("published_before", []),
        builtin=builtin,
        patterns=patterns,
        term_lists=term_lists,
        **_address_settings(top),
    )


def _address_settings(top: Reader) -> dict[str, frozenset[str]]:
    """The ``address`` section's word lists, in lower case (all empty without one)."""
    if "address" not in top.mapping:
        return {}
    address = top.section("address")
    keys = (
        "not_parts",
        "labels",
        "headers",
        "not_values",
        "business_places",
        "part_labels",
        "buildings",
        "house_prefixes",
        "not_after",
        "not_lower_towns",
        "house_headers",
        "street_words",
        "street_first_words",
        "organisations",
        "venue_cues",
        "measures",
    )
    address.unknown_keys(set(keys))
    return {
        f"address_{key}": frozenset(w.lower() for w in address.strings(key, [])) for key in keys
    }
