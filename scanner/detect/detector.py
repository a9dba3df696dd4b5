"""The detector: Presidio's AnalyzerEngine with confide's recognizers, over extracted text."""

from __future__ import annotations

import contextlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, IbanRecognizer

from scanner.detect._address import StreetAddressRecognizer
from scanner.detect._beside import dates_beside_people
from scanner.detect._contact import (
    OfflineEmailRecognizer,
    OrganisationNumbers,
    PublishedContacts,
    UkPhoneRecognizer,
    is_published_number,
    is_role_mailbox,
)
from scanner.detect._copy_reading import Checked, CopyCheck, TextSpan, across_lines
from scanner.detect._grammar import OwnerReader
from scanner.detect._names import PersonRecognizer
from scanner.detect._nlp import ConfideNlpEngine, load_model
from scanner.detect._patterns import ConfiguredPatternRecognizer
from scanner.detect._terms import AboutSomeone, TermListRecognizer
from scanner.detect.recognizers_file import RecognizerSettings
from scanner.findings import Finding, Owner
from scanner.removals import Removal
from scanner.segments import Extraction, Segment
from scanner.sentences import sentence_around

# Content about a person, whose owner the grammar of its sentence may tell.
_ABOUT_SOMEONE = frozenset({"SPECIAL_CATEGORY", "SAFEGUARDING"})
# What an organisation prints about itself: where a text holds nothing else that identifies
# anyone, its lines introduced as the organisation's are the organisation's.
_CONTACT_DETAILS = frozenset({"PHONE_NUMBER", "EMAIL_ADDRESS", "UK_POSTCODE"})
# Where to ring, write and go: someone's in a diagnosis's own sentence or line ("self-harm
# disclosed, ring 07700 900 461 back"), but as often an organisation's or a venue's elsewhere.
_DETAILS = _CONTACT_DETAILS | {"STREET_ADDRESS"}
# What only a person has: an item holding one is about someone, as a case record is.
_IDENTIFIERS = frozenset(
    {"DATE_OF_BIRTH", "UK_NHS", "UK_NINO", "UK_PASSPORT", "UK_DRIVING_LICENCE"}
)
# What a date of birth is depends on the words around it (born, DOB, a name beside it), read
# at some cost: a date is no identifier of its own, and ``identifiers`` leaves it out.
_READ_BY_CONTEXT = frozenset({"DATE_OF_BIRTH"})
# The model adds every new word it reads to its vocabulary and tokenizer cache, for good: a
# worker that reads mail for months would grow until it hit its memory limit. The first this
# many characters a detector reads are learnt that way (at most a few tens of MB, however
# hostile), which teaches it the organisation's everyday words; everything after is read in
# spaCy's memory zone and forgotten. Reading every item in the zone from the start cost
# about 12% more CPU per ordinary message, re-tokenising everyday words each time.
_LEARNED_CHARS = 200_000
# What the grammar reads of one term: the spans naming its owner, and those it went through.
type _Reading = tuple[list[tuple[int, int]], list[tuple[int, int]]]


@dataclass(frozen=True)
class Span:
    """A detected span in one text: offsets, type, score and the recognizer that found it."""

    start: int
    end: int
    type: str
    score: float
    recognizer: str


class _RecognizersOwnContext(ContextAwareEnhancer):
    """confide's recognizers score context themselves (see _context.py); Presidio's lemma-based
    enhancer would need the lemmatizer, which is not loaded."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0,
            min_score_with_context_similarity=0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return raw_results


def _findings_by_segment(
    extraction: Extraction, findings: Sequence[Finding]
) -> dict[tuple[str, tuple[int, ...] | None], list[Finding]]:
    """The findings of each segment of a scanned item, by its text and offsets."""
    by_index: dict[int, list[Finding]] = {}
    for finding in findings:
        by_index.setdefault(finding.segment, []).append(finding)
    return {
        (segment.text, segment.source_offsets): by_index.get(index, [])
        for index, segment in enumerate(extraction.segments)
    }


def _placed(segment: Segment, index: int, spans: Iterable[TextSpan]) -> list[Finding]:
    """Findings of segment ``index`` at ``spans`` of its text, each with its finding's type,
    score and recognizer."""
    found = []
    for start, end, finding in spans:
        source_start, source_end = segment.to_source(start, end)
        found.append(replace(finding, segment=index, start=source_start, end=source_end))
    return found


class _Outranking:
    """Whether a span is made redundant by one of ``spans``: one covers it and is longer, or
    covers the same characters with a higher score. Answered from the starts, ends and scores
    of all of them at once, so a table of thousands of findings is not compared pair by pair.
    """

    def __init__(self, spans: Sequence[Span]) -> None:
        self.best_score: dict[tuple[int, int], float] = {}
        longest: dict[int, int] = {}  # the furthest end of the spans starting at each offset
        for span in spans:
            bounds = (span.start, span.end)
            self.best_score[bounds] = max(span.score, self.best_score.get(bounds, span.score))
            longest[span.start] = max(span.end, longest.get(span.start, span.end))
        self.starts = sorted(longest)
        self.longest = longest
        # The furthest end of the spans that start at or before each of ``starts``.
        self.furthest: list[int] = []
        for start in self.starts:
            self.furthest.append(max(longest[start], self.furthest[-1] if self.furthest else 0))

    def outranked(self, span: Span) -> bool:
        earlier = bisect_left(self.starts, span.start) - 1  # spans starting before this one
        if earlier >= 0 and self.furthest[earlier] >= span.end:
            return True
        if self.longest.get(span.start, span.end) > span.end:
            return True
        return self.best_score.get((span.start, span.end), span.score) > span.score


class Detector:
    """Finds personal data in text, UK-first, with every recognizer configured from rules/."""

    def __init__(self, rules: RecognizerSettings, allow_list: Iterable[str] = ()) -> None:
        self.rules = rules
        self._allowed = PublishedContacts(allow_list)
        # The term lists' types describe content rather than identify anyone; they may
        # overlap identifiers freely.
        self._term_types = frozenset(terms.entity for terms in rules.term_lists)
        self._organisation_numbers = OrganisationNumbers(
            rules.published_phone_before, rules.role_mailboxes
        )
        nlp_engine = ConfideNlpEngine(rules.nlp.model, rules.person.first_names)
        nlp_engine.load()
        self._nlp_engine = nlp_engine
        self._model = load_model(rules.nlp.model)  # the one nlp_engine loaded (it is cached)
        person, vocab = rules.person, self._model.vocab
        self._about = AboutSomeone(
            (terms.reading for terms in rules.term_lists),
            person.greetings,
            details=_DETAILS,
            identifiers=_IDENTIFIERS,
            first_names=person.first_names,
            word_names=person.word_names,
            speaking_verbs=person.speaking_verbs,
            case_nouns=person.case_nouns,
            not_given_names=(
                person.titles | person.not_names | person.listed_not_names | person.place_heads
            ),
            rare_word=lambda word: not vocab.has_vector(word),
            not_name_words=frozenset(w.lower() for w in person.listed_not_names),
        )
        self._grammar = OwnerReader(self._model)
        self._chars_to_learn = _LEARNED_CHARS
        self._beside_person = {
            rule.name: rule for rule in rules.patterns if rule.beside_person_older_by_days
        }
        recognizers: list[EntityRecognizer] = [
            PersonRecognizer(rules.person),
            OfflineEmailRecognizer(rules.email_score, rules.email_top_levels),
            UkPhoneRecognizer(rules.phone_regions, rules.phone_score),
            *(
                StreetAddressRecognizer(rule, rules)
                if rule.entity == "STREET_ADDRESS"
                else ConfiguredPatternRecognizer(rule)
                for rule in rules.patterns
            ),
            *(TermListRecognizer(terms) for terms in rules.term_lists),
        ]
        builtin = {"CreditCardRecognizer": CreditCardRecognizer, "IbanRecognizer": IbanRecognizer}
        recognizers += [builtin[name]() for name in rules.builtin]
        self._by_pattern = sorted(
            {
                entity
                for recognizer in recognizers
                if not isinstance(
                    recognizer, PersonRecognizer | StreetAddressRecognizer | TermListRecognizer
                )
                for entity in recognizer.supported_entities
            }
            - _READ_BY_CONTEXT
        )
        registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
        self._analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=["en"],
            default_score_threshold=rules.score_threshold,
            context_aware_enhancer=_RecognizersOwnContext(),
        )

    def find(self, text: str) -> list[Span]:
        """Every span of personal data in ``text``, in order, overlaps resolved.

        Text longer than the configured chunk size is analysed in overlapping chunks, so a
        long document is read whole and an entity on a chunk boundary is still found whole.
        """
        return self.find_in_each([text])[0]

    def find_in_each(self, texts: Sequence[str]) -> list[list[Span]]:
        """``find`` for each text, with the spaCy model run over several chunks at once.

        A pass of the model has a fixed cost (about 1.5 ms, as much as 60 words), which a
        message's short subject would pay alone; consecutive chunks go through together up to
        ``chunk_chars`` characters in all, so one pass never holds more text than one chunk.

        New words the model meets are forgotten after the texts are read, once the detector
        has learnt its allowance of them (see ``_LEARNED_CHARS``).
        """
        found: list[dict[tuple[int, int, str], Span]] = [{} for _ in texts]
        chunks = [
            (i, start, end) for i, text in enumerate(texts) for start, end in self._chunks(text)
        ]
        with self._reading(sum(len(text) for text in texts)):
            for batch in self._batches(chunks):
                pieces = [texts[i][start:end] for i, start, end in batch]
                artifacts = self._nlp_engine.process_texts(pieces, "en")
                for (i, start, _), piece, nlp_artifacts in zip(
                    batch, pieces, artifacts, strict=True
                ):
                    for span in self._analyse(piece, start, nlp_artifacts):
                        found[i].setdefault((span.start, span.end, span.type), span)
        resolved = [
            self._resolve_overlaps(sorted(spans.values(), key=lambda s: (s.start, -s.end)))
            for spans in found
        ]
        resolved = self._about.without_lone_words(texts, resolved)
        return self._about_someone(texts, self._organisations_own(texts, resolved))

    def _organisations_own(
        self, texts: Sequence[str], spans_in_each: list[list[Span]]
    ) -> list[list[Span]]:
        """The texts' spans, less the organisation's own phone lines when the texts hold
        nothing but contact details: a newsletter's "call our advice line on", a flyer's
        footer beside its "hello@" (see ``OrganisationNumbers``)."""
        if any(
            span.type not in _CONTACT_DETAILS and span.type not in self._term_types
            for spans in spans_in_each
            for span in spans
        ):
            return spans_in_each
        published = self._organisation_numbers.published
        return [
            [s for s in spans if s.type != "PHONE_NUMBER" or not published(text, s.start, s.end)]
            for text, spans in zip(texts, spans_in_each, strict=True)
        ]

    def _about_someone(
        self, texts: Sequence[str], spans_in_each: list[list[Span]]
    ) -> list[list[Span]]:
        """The texts' spans, less diagnoses and safeguarding words about no one: all of them
        when the texts name or identify nobody at all (a newsletter on dementia, a job
        advert's safeguarding paragraph), and otherwise those that neither their own sentence
        nor the item's structure ties to someone (``AboutSomeone``). (The policy counts such
        content only beside other personal data anyway; see rules/default.yaml,
        ``personal_data``.)"""
        if any(s.type not in self._term_types for spans in spans_in_each for s in spans):
            return self._about.findings(texts, spans_in_each, _ABOUT_SOMEONE)
        return [[s for s in spans if s.type not in _ABOUT_SOMEONE] for spans in spans_in_each]

    def _reading(self, chars: int) -> contextlib.AbstractContextManager[object]:
        """Where the model's new words go while ``chars`` characters are read: into its
        vocabulary and tokenizer cache for good, while the learning allowance lasts; after
        that into spaCy's memory zone, which forgets them when the reading is done."""
        if chars <= self._chars_to_learn:
            self._chars_to_learn -= chars
            return contextlib.nullcontext()
        return self._model.memory_zone()

    def _chunks(self, text: str) -> Iterator[tuple[int, int]]:
        """Start and end of each chunk of ``text``, overlapping by the configured amount."""
        size, overlap = self.rules.nlp.chunk_chars, self.rules.nlp.chunk_overlap_chars
        start = 0
        while True:
            end = min(len(text), start + size)
            if end < len(text):
                # Cut at whitespace so a chunk never ends inside a word.
                space = text.rfind(" ", start + size - overlap, end)
                end = space if space > start else end
            yield start, end
            if end >= len(text):
                return
            start = end - overlap

    def _batches(self, chunks: list[tuple[int, int, int]]) -> Iterator[list[tuple[int, int, int]]]:
        """Consecutive chunks, as many as fit in ``chunk_chars`` characters (at least one)."""
        batch: list[tuple[int, int, int]] = []
        chars = 0
        for chunk in chunks:
            length = chunk[2] - chunk[1]
            if batch and chars + length > self.rules.nlp.chunk_chars:
                yield batch
                batch, chars = [], 0
            batch.append(chunk)
            chars += length
        if batch:
            yield batch

    def _analyse(
        self,
        chunk: str,
        offset: int,
        nlp_artifacts: NlpArtifacts,
        entities: list[str] | None = None,
    ) -> Iterable[Span]:
        results = self._analyzer.analyze(
            chunk, language="en", entities=entities, nlp_artifacts=nlp_artifacts
        )
        results = dates_beside_people(chunk, results, self._beside_person)
        for result in results:
            value = chunk[result.start : result.end]
            if self._allowed and self._allowed.covers(result.entity_type, value):
                continue
            if self._not_personal(result.entity_type, value):
                continue
            metadata = result.recognition_metadata or {}
            yield Span(
                result.start + offset,
                result.end + offset,
                result.entity_type,
                round(float(result.score), 3),
                str(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, "")),
            )

    def _not_personal(self, kind: str, value: str) -> bool:
        """A role mailbox ("info@") or a number published for the public to ring."""
        if kind == "EMAIL_ADDRESS":
            return is_role_mailbox(value, self.rules.role_mailboxes)
        if kind == "PHONE_NUMBER":
            return is_published_number(value, self.rules.published_phone_prefixes)
        return False

    def _resolve_overlaps(self, spans: list[Span]) -> list[Span]:
        """Drop an identifier that lies inside a longer identifier of another type (a street
        name tagged as a person inside an address, an account number inside an IBAN), or
        that covers the same characters as a surer one (a checksummed NHS number that a phone
        pattern also matched), and same-type spans inside a longer one (chunk overlaps)."""
        terms = self._term_types
        outranking = _Outranking([s for s in spans if s.type not in terms])
        return [s for s in spans if s.type in terms or not outranking.outranked(s)]

    def scan(
        self,
        extraction: Extraction,
        earlier: tuple[Extraction, Sequence[Finding]] | None = None,
        removed: Sequence[Removal] = (),
    ) -> list[Finding]:
        """Findings in every segment of an extracted item, with offsets in each segment's
        source text.

        ``earlier`` is an item this detector already scanned and its findings (the item a
        redacted copy was made from): a segment with the same text and offsets as one of its
        segments has that segment's findings, as reading it again would give (what is found
        in a segment depends on its text alone), and only the other segments are read.

        With ``removed``, the item is the safety net's reading of a copy of ``earlier`` made
        with those values removed: a changed segment is checked against the segment it was
        made from and read by the model only when something there is odd, and every segment
        is searched for the removed values (``scanner.detect._copy_reading``).
        """
        known = _findings_by_segment(*earlier) if earlier is not None else {}
        segments = extraction.segments
        unread = [i for i, s in enumerate(segments) if (s.text, s.source_offsets) not in known]
        check = CopyCheck(*earlier, removed) if earlier is not None and removed else None
        checked = self._checked(extraction, unread, check) if check is not None else {}
        unread = [i for i in unread if i not in checked and segments[i].text.strip()]
        spans_in_each = dict(
            zip(unread, self.find_in_each([segments[i].text for i in unread]), strict=True)
        )
        findings = []
        # the net reads every segment of a copy with its lines joined, on its own
        wrapped = across_lines(segments, self.identifiers) if check is not None else {}
        for index, segment in enumerate(segments):
            if index in spans_in_each:
                for span in spans_in_each[index]:
                    start, end = segment.to_source(span.start, span.end)
                    findings.append(
                        Finding(index, start, end, span.type, span.score, span.recognizer)
                    )
            elif index in checked:
                findings += _placed(segment, index, checked[index])
            elif (segment.text, segment.source_offsets) in known:
                found = known[segment.text, segment.source_offsets]
                findings += [replace(finding, segment=index) for finding in found]
            if check is not None:
                findings += _placed(segment, index, check.left(segment) + wrapped.get(index, []))
        return findings if check is None else list(dict.fromkeys(findings))

    def _checked(
        self, copy: Extraction, changed: Sequence[int], check: CopyCheck
    ) -> dict[int, list[TextSpan]]:
        """The kept findings of each changed segment of ``copy`` that passes ``check`` and in
        which the patterns and checksums find no identifier that no kept finding covers."""
        counterparts = check.counterparts(copy)
        passed: dict[int, Checked] = {}
        for index in changed:
            if index in counterparts:
                found = check.checked(copy.segments[index], counterparts[index])
                if found is not None:
                    passed[index] = found
        texts = [copy.segments[index].text for index in passed]
        return {
            index: found.spans
            for (index, found), identifiers in zip(
                passed.items(), self.identifiers(texts), strict=True
            )
            if all(found.covers(span.start, span.end) for span in identifiers)
        }

    def identifiers(self, texts: Sequence[str]) -> list[list[Span]]:
        """The identifiers in each text that patterns and checksums recognise without the
        model (numbers, addresses for mail, postcodes: ``_BY_PATTERN``), overlaps resolved;
        a published number or mailbox is none, as in ``find``."""
        found: list[list[Span]] = []
        with self._reading(sum(len(text) for text in texts)):
            for text in texts:
                spans: dict[tuple[int, int, str], Span] = {}
                for start, end in self._chunks(text):
                    piece = text[start:end]
                    tokens = self._nlp_engine.tokens_only(piece, "en")
                    for span in self._analyse(piece, start, tokens, self._by_pattern):
                        spans.setdefault((span.start, span.end, span.type), span)
                ordered = sorted(spans.values(), key=lambda s: (s.start, -s.end))
                found.append(self._resolve_overlaps(ordered))
        return found

    def owners(self, extraction: Extraction, findings: Sequence[Finding]) -> tuple[Owner, ...]:
        """Whom the grammar says each diagnosis or safeguarding word is about, where its
        sentence names two people or more (as the name recognizers found them).

        At most ``parsed_sentences`` sentences of an item are parsed (see
        rules/recognizers.yaml); a term in any other gets no owner.
        """
        if not self._grammar.available:
            return ()
        people: dict[int, list[tuple[int, int]]] = {}
        terms: dict[tuple[int, int, int], list[tuple[Finding, int, int]]] = {}
        for finding in findings:
            segment = extraction.segments[finding.segment]
            start, end = segment.from_source(finding.start, finding.end)
            if finding.type == "PERSON":
                people.setdefault(finding.segment, []).append((start, end))
            elif finding.type in _ABOUT_SOMEONE:
                first, last = sentence_around(segment.text, start, end)
                terms.setdefault((finding.segment, first, last), []).append((finding, start, end))
        named = {
            key: sum(1 for s, e in people.get(key[0], ()) if key[1] <= s and e <= key[2])
            for key in terms
        }
        crowded = [key for key in terms if named[key] >= 2][: self.rules.nlp.parsed_sentences]
        found = []
        # The same sentence with its terms at the same places reads the same wherever it
        # stands: a message read both as a message and as text holds each sentence of its
        # body twice, and is parsed once for both.
        read: dict[tuple[str, tuple[tuple[int, int], ...]], list[_Reading]] = {}
        with self._reading(sum(last - first for _, first, last in crowded)):
            for index, first, last in crowded:
                segment = extraction.segments[index]
                sentence = segment.text[first:last]
                in_sentence = [(f, s - first, e - first) for f, s, e in terms[index, first, last]]
                key = (sentence, tuple((s, e) for _, s, e in in_sentence))
                if key not in read:
                    read[key] = self._grammar.read(sentence, in_sentence)
                for (finding, _, _), (spans, path) in zip(in_sentence, read[key], strict=True):
                    if spans:
                        where = tuple(segment.to_source(first + s, first + e) for s, e in spans)
                        via = tuple(segment.to_source(first + s, first + e) for s, e in path)
                        found.append(Owner(finding, where, via))
        return tuple(found)
