"""Whose data is it: every finding in an item tied to the known subjects it belongs to.

Findings come from the generic recognizers, mentions from the known-subject matcher. A finding
that overlaps a mention belongs to that mention's subjects. Partial mentions ("Mrs Begum", a
first name, a postcode, a date of birth) count only when the item settles who they are: a
subject named in full elsewhere in the item, the only subject in the register with that
surname (for a title and surname), or, for a date of birth, the subject's name close by.
An identifier several subjects share (a household's address, postcode or landline) belongs to
those of them the item otherwise refers to, and to all of them when it refers to none.
Content that names nobody (a diagnosis, a bank account) belongs to the nearest person named
within ``window`` characters in the same place (nobody's, if that person is not in the
register), or to the item's only subject when it names no one else; but a sentence that
refers back with a pronoun ("She has depression.") is about the person named before it, not
one named nearer after it, and content that may be either's is tied to both (``_nearby``).
An identifier of a kind the register records (a phone number, an NHS number) that is not a
subject's recorded value belongs to no known subject, however close it stands to one.

The sender's own name, address and signature are not a disclosure. A signature is a block
after a sign-off ("-- ", "Kind regards,") at the end of a text that is its holder's own: it
holds the sender's name, nobody else's, and nothing a signature never holds (an NHS number, a
field label such as "Client:"); see ``_signatures``. What else follows a sign-off is content.

The display names of the message's address fields (From, Sender, Reply-To, To, Cc, Bcc) are
content like the body, but for a correspondent's own name: a display name that is only a name
(nothing else is found in it) is the name of the person at that address, and counts only when
it is a registered subject's who is not a party to the message (no address recorded for them
sends or receives it) nor one of the organisation's own people (``sender_kinds``): "Joseph
Okafor" on the carer's address names him to every recipient. Anything else in a display name
("Margaret Hughes NHS 415 294 6199", "Joseph Okafor (dementia)") is read as the body is, names
and all.

When the sender is a subject in the register (writing from an address recorded for them
alone), their other recorded details in what they write (an NI number, a home address) are
attributed to them, so the policy can tell their own data from anyone else's; a diagnosis is
never tied to the sender: beside nobody else registered, it is someone's not in the register
(the policy counts it beside the sender's details as beside any other identifying data).
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex

from scanner import identifiers
from scanner.consent import KnownSubject
from scanner.detect.known_subjects import PARTIAL, STRONG, TITLED, Mention, SubjectMatcher
from scanner.findings import Finding, Owner
from scanner.segments import Extraction, Segment
from scanner.sentences import sentence_around

KNOWN_SUBJECT_RECOGNIZER = "known_subject"
# Top-level address headers: their segments list the fields' display names, one a line.
ADDRESS_FIELDS = frozenset({"from", "sender", "reply-to", "to", "cc", "bcc"})
# A line that opens a signature: "-- ", "Kind regards,", "Thanks," and the like.
_SIGN_OFF = regex.compile(
    r"^[ \t]*(?:--[ \t]?|(?:kind |best |warm |many )?(?:regards|wishes|thanks)|best|cheers"
    r"|thank you|yours(?: sincerely| faithfully| truly)?|sincerely|diolch(?: yn fawr)?)"
    r"[,.!]?[ \t]*$",
    regex.IGNORECASE | regex.MULTILINE,
)
# A signature is at most this many lines after its sign-off, at the end of a body.
_SIGNATURE_LINES = 12
_FORWARDED = "forwarded message"
# The header of a quoted message in a reply: Outlook's "From: ...", "-----Original
# Message-----", or "On <date>, <someone> wrote:".
_QUOTE_HEADER = regex.compile(
    r"^[ \t>]*(?:from:[ \t]|-{2,}[ \t]*original message[ \t]*-{2,}|.{0,200}\bwrote:[ \t]*\r?$)",
    regex.IGNORECASE | regex.MULTILINE,
)
# A field label no signature holds: what follows it is someone's record, not the sender's.
_FIELD_LABEL = regex.compile(
    r"(?:^|\|)[ \t>]*(?:client|patient|service user|cared[ -]for|carer|name|full name"
    r"|d\.?o\.?b\.?|date of birth|nhs(?: no\.?| number)?|ni(?: no\.?| number)?"
    r"|national insurance(?: no\.?| number)?|next of kin|diagnosis|referral|re)[ \t]*:",
    regex.IGNORECASE,
)
# A sentence: five words or more ending in a full stop, question or exclamation mark.
_SENTENCE = regex.compile(r"[ \t>]*(?:\S+[ \t]+){4,}\S*[.!?][\"'’”)]*[ \t]*\r?$")
# A line about someone else: it opens with a pronoun for a third person ("her mobile ...").
# Not the pronouns a signature gives its holder ("she/her").
_ABOUT_SOMEONE = regex.compile(
    r"[ \t>]*(?:she|he|they|her|his|their|him|them)\b(?![ \t]*/)", regex.IGNORECASE
)
_LETTERS = regex.compile(r"[^a-z]")
# A pronoun for a third person: a sentence holding one refers back to someone named before.
_REFERS_BACK = regex.compile(
    r"\b(?:she|he|they|her|hers|his|him|them|their|theirs)\b(?![ \t]*/)", regex.IGNORECASE
)
# Kinds of what a signature block holds, beside the finding types: a registered person's
# name, and another detail recorded for a registered person who is not the sender.
_REGISTERED = "registered name"
_SOMEONE_ELSES = "someone else's recorded detail"


@dataclass(frozen=True)
class AttributionTypes:
    """The finding types attribution treats apart, as the policy lists them
    (``attribution`` and ``personal_data`` in rules/default.yaml)."""

    # The register records them: a value of one of these that is not the subject's recorded
    # value is someone else's, however close to the subject's name it stands.
    matched_by_value: frozenset[str]
    # What a signature holds: the sender's name and contact details.
    signature: frozenset[str]
    # Not personal data (the organisation's business): never anyone's.
    nobodys: frozenset[str]
    # The kinds of subject (staff, volunteer) whose own recorded details, in what they send
    # from an address recorded for them, are theirs: anyone may forge an envelope sender, so
    # a client's address as sender makes nothing of the client's theirs to send.
    sender_kinds: frozenset[str] = frozenset()
    # Words that refer to a person without naming them ("her husband"), lower case.
    relationship_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Sender:
    """Who sends the item: their address and the names they go by (From's display name)."""

    address: str = ""
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tie:
    """How content naming nobody (a diagnosis) was tied, in a sentence that names several
    registered people: ``OWNER``, to whom the sentence's grammar says it is about, or
    ``NEAREST``, to the person named nearest it; ``others`` are the rest of those named."""

    how: str
    others: frozenset[str]


OWNER = "owner"
NEAREST = "nearest"
# The grammar's owner was reached through another person ("Gareth has a mother with
# dementia"): the content is tied to every registered person its sentence names.
EVERYONE = "everyone"


@dataclass(frozen=True)
class AttributedFinding:
    """A finding and the subjects it belongs to (empty: linked to no known subject).

    ``correspondent``: linked to no known subject, it is a correspondent's own name or address
    (see ``_Correspondents``), which the message's header shows every recipient anyway."""

    finding: Finding
    refs: frozenset[str] = frozenset()
    tie: Tie | None = None
    correspondent: bool = False


@dataclass(frozen=True)
class Attribution:
    """An item's findings with their subjects, and the subjects found."""

    findings: tuple[AttributedFinding, ...]
    subjects: dict[str, KnownSubject] = field(default_factory=dict)
    # The subject who sent the item, when their own data is among its findings.
    sender: str = ""


def attribute(
    extraction: Extraction,
    findings: Sequence[Finding],
    matcher: SubjectMatcher,
    sender: Sender = Sender(),
    *,
    types: AttributionTypes,
    window: int,
    owners: Iterable[Owner] = (),
    addressees: Iterable[str] = (),
) -> Attribution:
    """Tie each finding of ``extraction`` to known subjects; add the matcher's own finds.

    ``window`` is the policy's ``together_within_chars``. ``owners`` say whom the grammar of
    its sentence says a diagnosis is about; they count where that sentence names several
    registered people. ``addressees`` are the addresses the item is sent to: with the
    sender's, the parties whose own names in address fields are no disclosure.
    """
    segments = extraction.segments
    writer = _sender_ref(matcher, sender, types.sender_kinds)
    correspondents = _Correspondents.of(segments, findings, sender, addressees)
    sender_words = _sender_words(matcher, sender, writer)
    signatures = _Signatures.of(
        segments,
        findings,
        {index: matcher.find(segment.text) for index, segment in enumerate(segments)},
        holders=_Holders.of(sender_words, sender, correspondents),
        types=types,
        writer=writer,
    )
    mentions = signatures.unsigned(writer)
    findings, mentions = _without_own_names(
        segments,
        findings,
        mentions,
        _parties(matcher, correspondents.addresses, types.sender_kinds),
    )
    resolved = _resolve_all(mentions, window)
    unresolved = _refers_to_others(
        segments, findings, resolved, sender_words, types.relationship_words
    )
    resolved = _share(resolved, everyone=unresolved)
    if writer:  # the sender's name is not a disclosure; the rest of their details are theirs
        resolved = {
            index: [m for m in ms if not (writer in m.refs and m.type == "PERSON")]
            for index, ms in resolved.items()
        }
    resolved_near = {index: _Near(ms) for index, ms in resolved.items()}
    subjects_in_item = frozenset().union(*(m.refs for ms in resolved.values() for m in ms))
    others = subjects_in_item - {writer}

    # First the findings that name or identify: they belong to the mentions they overlap.
    placed = []
    covered: dict[int, list[tuple[int, int]]] = {}
    strangers: dict[int, list[Mention]] = {}  # names of people not in the register
    for finding in findings:
        index = finding.segment
        segment = segments[index]
        start, end = segment.from_source(finding.start, finding.end)
        overlapping = [
            m for m in resolved_near[index].around(start, end) if m.start < end and start < m.end
        ]
        covered.setdefault(index, []).extend((m.start, m.end) for m in overlapping)
        refs = frozenset().union(*(m.refs for m in overlapping))
        if finding.type == "PERSON" and not refs:
            if _is_sender(segment.text[start:end], sender_words):
                continue
            strangers.setdefault(index, []).append(Mention(start, end, "PERSON", refs, STRONG))
        placed.append((finding, start, end, refs))
    # Then what names nobody: it belongs to the closest person mentioned, known or not.
    attributed = []
    people: dict[int, _Near] = {}  # known and unknown, built once ``placed`` is complete
    # Content is never tied to the sender's own details: "call me on ..." beside a client's
    # diagnosis does not make it the sender's.
    only = others if len(others) == 1 and not strangers else frozenset()
    owned = {owner.finding: owner for owner in owners}
    relations = _relation_word(types.relationship_words)
    for finding, start, end, overlapped in placed:
        index = finding.segment
        refs, tie = overlapped, None
        if not refs and finding.type not in types.matched_by_value | types.nobodys:
            if index not in people:
                known = [m for m in resolved[index] if m.refs != {writer}]
                people[index] = _Near(known + strangers.get(index, []))
            nearest = _nearby(segments[index].text, start, end, people[index], window) or only
            refs, tie = _tied(
                segments[index],
                (start, end),
                nearest - {writer},
                people=people[index],
                registered=resolved_near[index],
                owner=owned.get(finding),
                relations=relations,
            )
            refs -= {writer}  # a household's address is the sender's too: not their diagnosis
        if not refs and finding.type in types.signature and signatures.hold(index, start):
            continue
        own = not refs and correspondents.own(finding.type, segments[index].text[start:end])
        attributed.append(AttributedFinding(finding, refs, tie, own))
    attributed += _unplaced(segments, resolved, covered)
    attributed.sort(key=lambda a: a.finding)
    return Attribution(
        tuple(attributed),
        {ref: matcher.subjects[ref] for ref in sorted(subjects_in_item)},
        writer if writer in subjects_in_item else "",
    )


_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})
# The address fields whose display names every recipient of a message sees.
_VISIBLE_FIELDS = frozenset({"from", "to", "cc"})


@dataclass(frozen=True)
class _Correspondents:
    """Who visibly writes and receives a message: the names in its From, To and Cc display
    names (lines holding nothing but a name), the names the sender's and the recipients'
    addresses spell (sam.green@ is Sam Green), and those addresses themselves.

    A name or address of theirs in the message ("Hi Sam", a quoted "From: Sam Green
    <sam.green@...>", a sign-off) tells its recipients nothing the header does not: the policy
    does not count it as personal data alone, nor beside another correspondent's. It still
    counts beside anything else (``scanner.policy.verdicts.prepare``): "Sam's NHS number",
    "Sam, 07700 900987" or a diagnosis beside Sam's name, sent to Sam and copied to an
    agency, is data about Sam that the agency should not see unless the rules say so."""

    names: frozenset[tuple[str, ...]]
    addresses: frozenset[str]

    @classmethod
    def of(
        cls,
        segments: Sequence[Segment],
        findings: Sequence[Finding],
        sender: Sender,
        addressees: Iterable[str],
    ) -> _Correspondents:
        names: set[tuple[str, ...]] = set()
        for index, segment in enumerate(segments):
            if segment.location in _VISIBLE_FIELDS:
                for start, end in _plain_lines(index, segment, findings, ()):
                    names.add(identifiers.name_words(segment.text[start:end]))
        addresses = {identifiers.email(a) for a in (sender.address, *addressees)} - {""}
        for address in addresses:
            names |= _address_name(Sender(address))
        names |= {identifiers.name_words(name) for name in sender.names}
        return cls(frozenset(n for n in names if n), frozenset(addresses))

    def own(self, kind: str, value: str) -> bool:
        """Whether ``value``, found as ``kind``, is a correspondent's own name (in full or
        in part: "Sam", "Mr Green") or address."""
        if kind == "EMAIL_ADDRESS":
            return value.strip().lower() in self.addresses
        if kind != "PERSON":
            return False
        words = set(identifiers.name_words(value)) - _TITLES
        return bool(words) and any(words <= set(name) for name in self.names)


def _parties(
    matcher: SubjectMatcher, addresses: Iterable[str], kinds: frozenset[str]
) -> frozenset[str]:
    """The registered subjects whose names in an address field are their own as
    correspondents: those with an address recorded for them among ``addresses`` (the
    sender's and the recipients'), and the organisation's own people (of ``kinds``)."""
    refs = {ref for ref, subject in matcher.subjects.items() if subject.kind in kinds}
    for address in addresses:
        if address:
            refs.update(matcher.emails.get(identifiers.email(address)) or ())
    return frozenset(refs)


def _without_own_names(
    segments: Sequence[Segment],
    findings: Sequence[Finding],
    mentions: dict[int, list[Mention]],
    parties: frozenset[str],
) -> tuple[list[Finding], dict[int, list[Mention]]]:
    """``findings`` and ``mentions`` without the names that are correspondents' own: in the
    display names of the address fields, a name on a line (one display name) where nothing
    but names is found, unless it is a registered subject's who is not one of ``parties``."""
    plain: dict[int, list[tuple[int, int]]] = {}
    for index, segment in enumerate(segments):
        if segment.location in ADDRESS_FIELDS:
            plain[index] = _plain_lines(index, segment, findings, mentions[index])
    if not plain:
        return list(findings), mentions

    def own(index: int, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in plain.get(index, ()))

    kept = []
    for finding in findings:
        if finding.type == "PERSON" and finding.segment in plain:
            start, end = segments[finding.segment].from_source(finding.start, finding.end)
            if own(finding.segment, start, end):
                continue
        kept.append(finding)
    return kept, {
        index: [
            m
            for m in ms
            if not (m.type == "PERSON" and m.refs <= parties and own(index, m.start, m.end))
        ]
        for index, ms in mentions.items()
    }


def _plain_lines(
    index: int, segment: Segment, findings: Sequence[Finding], mentions: Sequence[Mention]
) -> list[tuple[int, int]]:
    """The lines (display names) of an address field's segment, ``index``, in which nothing
    but names is found, as (start, end) in its text."""
    found = [
        segment.from_source(f.start, f.end)
        for f in findings
        if f.segment == index and f.type != "PERSON"
    ]
    found += [(m.start, m.end) for m in mentions if m.type != "PERSON"]
    lines = []
    start = 0
    for line in segment.text.split("\n"):
        end = start + len(line)
        if not any(s < end and start < e for s, e in found):
            lines.append((start, end))
        start = end + 1
    return lines


def plain_display_names(extraction: Extraction, findings: Sequence[Finding]) -> list[str]:
    """The display names in From in which nothing but names is found: the sender's names.
    ("Priya Sharma re Margaret Hughes NHS 451 134 8502" is not a name the sender goes by.)"""
    return [
        segment.text[start:end]
        for index, segment in enumerate(extraction.segments)
        if segment.location == "from"
        for start, end in _plain_lines(index, segment, findings, ())
        if segment.text[start:end].strip()
    ]


class _Near:
    """Mentions by where they start, so that those near a span are found by bisection rather
    than by reading them all: attribution runs in the relay's process, outside the scanning
    sandbox, and a long list of names must cost in proportion to its length."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        # Sorted by start, stably, so that mentions keep their given order among equals.
        order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        self._mentions = [mentions[i] for i in order]
        self._order = order
        self._starts = [m.start for m in self._mentions]
        self._longest = max((m.end - m.start for m in mentions), default=0)

    def around(self, start: int, end: int, reach: int = 0) -> list[Mention]:
        """Every mention that could be within ``reach`` characters of ``start:end`` (and
        some that are not), in the order they were given."""
        low = bisect_left(self._starts, start - reach - self._longest)
        high = bisect_right(self._starts, end + reach)
        chosen = sorted(range(low, high), key=lambda i: self._order[i])
        return [self._mentions[i] for i in chosen]


def _resolve_all(mentions: dict[int, list[Mention]], window: int) -> dict[int, list[Mention]]:
    """Each segment's mentions with the subjects they settle on; those settling on nobody go."""
    strong = frozenset().union(
        *(m.refs for ms in mentions.values() for m in ms if m.strength == STRONG)
    )
    return {
        index: [r for r in (_resolve(m, near, strong, window) for m in ms) if r is not None]
        for index, ms in mentions.items()
        for near in (_Near(ms),)
    }


def _share(resolved: dict[int, list[Mention]], *, everyone: bool) -> dict[int, list[Mention]]:
    """An identifier several subjects share (a household's address, postcode or landline)
    belongs to those of them the item otherwise refers to (by a name, or an identifier of
    theirs alone), and to all of them when it refers to none of them or ``everyone``: when it
    also refers to someone it does not resolve ("her husband"), who may be any of them.
    """
    if everyone:
        return resolved
    referred = frozenset().union(
        *(m.refs for ms in resolved.values() for m in ms if not _shared(m))
    )
    return {
        index: [
            Mention(m.start, m.end, m.type, m.refs & referred, m.strength)
            if _shared(m) and m.refs & referred
            else m
            for m in ms
        ]
        for index, ms in resolved.items()
    }


_TITLE = r"(?:mr|mrs|ms|miss|mx|dr)\.?"
_TITLED_NAME = regex.compile(rf"\b{_TITLE}[ \t]+\p{{Lu}}[\p{{L}}'-]*", regex.IGNORECASE)
_POSSESSOR = r"(?:\b(?:my|his|her|their|our|your)|\p{L}['’]s|s['’])"


def _refers_to_others(
    segments: Sequence[Segment],
    findings: Sequence[Finding],
    resolved: dict[int, list[Mention]],
    sender_words: set[tuple[str, ...]],
    relationship_words: frozenset[str],
) -> bool:
    """Whether the item refers to a person it does not resolve to a registered subject:
    "her husband", "Mr H", a name not in the register (the sender's aside)."""
    related = _related_person(relationship_words)
    names: dict[int, list[Finding]] = {}
    for finding in findings:
        if finding.type == "PERSON":
            names.setdefault(finding.segment, []).append(finding)
    for index, here in resolved.items():
        text = segments[index].text
        if related.search(text):
            return True
        named = _Near([m for m in here if m.type == "PERSON"])
        spans = [(m.start(), m.end()) for m in _TITLED_NAME.finditer(text)]
        spans += [segments[index].from_source(f.start, f.end) for f in names.get(index, [])]
        for start, end in spans:
            if not any(_in(m, (start, end)) for m in named.around(start, end)) and not _is_sender(
                text[start:end], sender_words
            ):
                return True
    return False


def _shared(mention: Mention) -> bool:
    """Whether ``mention`` is an identifier several subjects share: a household's address,
    postcode or landline. (Two people called John Smith share no identifier: a name is only
    ambiguous.)"""
    return mention.type != "PERSON" and len(mention.refs) > 1


def _resolve(mention: Mention, near: _Near, strong: frozenset[str], window: int) -> Mention | None:
    """A mention with the subjects it settles on, or ``None`` when it settles on nobody."""
    if mention.strength == STRONG:
        return mention
    refs = mention.refs & strong
    if mention.type == "DATE_OF_BIRTH":
        names = [
            m
            for m in near.around(mention.start, mention.start, window)
            if m.type == "PERSON" and abs(m.start - mention.start) <= window
        ]
        refs = mention.refs & frozenset().union(
            *(m.refs for m in names if m.strength == STRONG or m.refs <= strong)
        )
    elif not refs and mention.strength == TITLED and len(mention.refs) == 1:
        refs = mention.refs
    return Mention(mention.start, mention.end, mention.type, refs, PARTIAL) if refs else None


def _nearby(text: str, start: int, end: int, here: _Near, window: int) -> frozenset[str]:
    """The subjects of the person content at ``start:end`` is about, among the mentions
    within ``window`` characters: the closest, but for one named after it when someone is
    named before it too. A sentence that refers back to someone ("She has depression.")
    is about the person named before it, not the next one ("Also John Baker ..."); one that
    names the person after it ("Depression affects John Baker") is about them. Where it may
    be about either (its sentence names nobody and refers to nobody, or it refers back and
    names someone after the content), it is tied to both, so that neither one's consent
    releases what may be the other's."""
    before: tuple[int, Mention] | None = None
    after: tuple[int, Mention] | None = None
    for m in here.around(start, end, window):
        if m.end <= start and start - m.end <= window:
            if before is None or start - m.end < before[0]:
                before = (start - m.end, m)
        elif m.start >= end and m.start - end <= window:
            if after is None or m.start - end < after[0]:
                after = (m.start - end, m)
        elif m.start < end and start < m.end:
            return m.refs  # it is inside a mention
    if before is None:
        return after[1].refs if after else frozenset()
    first, last = sentence_around(text, start, end)
    if after is None or before[0] <= after[0]:
        return _referred_back(text, (first, start), before[1], here, window)
    if before[1].end > first:
        return after[1].refs  # its sentence names someone before it and someone nearer after
    named_after = after[1].start < last  # its sentence names the person after it
    if _REFERS_BACK.search(text, first, start):
        # "She has depression": the person named before it, and the one its sentence names
        # after it, who it may be about too
        back = _referred_back(text, (first, start), before[1], here, window)
        return back | (after[1].refs if named_after else frozenset())
    return after[1].refs if named_after else before[1].refs | after[1].refs


def _referred_back(
    text: str, opening: tuple[int, int], last: Mention, here: _Near, window: int
) -> frozenset[str]:
    """Whom content is about whose sentence opens at ``opening`` (up to the content) and
    the last mention before which is ``last``: that person's subjects, or, where the
    sentence refers back ("She has depression.") to an earlier sentence that names several
    people ("Margaret and John came in."), every one of theirs, since a pronoun does not
    say which (fail closed: no one's consent releases what may be another's)."""
    first, start = opening
    if last.end > first or not _REFERS_BACK.search(text, first, start):
        return last.refs
    begin, _ = sentence_around(text, last.start, last.end)
    named = [m for m in here.around(begin, last.end, window) if begin <= m.start < last.end]
    return frozenset().union(last.refs, *(m.refs for m in named))


def _unplaced(
    segments: Sequence[Segment],
    resolved: dict[int, list[Mention]],
    covered: dict[int, list[tuple[int, int]]],
) -> list[AttributedFinding]:
    """The matcher's mentions that no recognizer's finding covers, as findings of their own."""
    found = []
    for index, here in resolved.items():
        spans = _Near([Mention(s, e, "", frozenset(), "") for s, e in covered.get(index, [])])
        for mention in here:
            nearby = spans.around(mention.start, mention.end)
            if not any(s.start < mention.end and mention.start < s.end for s in nearby):
                start, end = segments[index].to_source(mention.start, mention.end)
                own = Finding(index, start, end, mention.type, 1.0, KNOWN_SUBJECT_RECOGNIZER)
                found.append(AttributedFinding(own, mention.refs))
    return found


def _tied(
    segment: Segment,
    where: tuple[int, int],
    nearest: frozenset[str],
    *,
    people: _Near,
    registered: _Near,
    owner: Owner | None,
    relations: regex.Pattern[str],
) -> tuple[frozenset[str], Tie | None]:
    """Whose the content at ``where`` is, when its sentence names several registered people:
    the grammatical ``owner``'s (from the scan), where that names someone and the path to
    them passes through no other person (a relationship word, another name), else
    ``nearest``, the subjects of the person named nearest it; everyone named, when the
    path passes through another person; and the tie, saying so."""
    named = _named_with(segment.text, *where, registered)
    if len(named) < 2:
        return nearest, None
    spans = [segment.from_source(*span) for span in (owner.spans if owner else ())]
    owners = [m for span in spans for m in people.around(*span) if _in(m, span)]
    via = [segment.from_source(*span) for span in (owner.via if owner else ())]
    if owners and any(
        relations.fullmatch(segment.text[s:e]) or any(_in(m, (s, e)) for m in people.around(s, e))
        for s, e in via
    ):
        return named | nearest, Tie(EVERYONE, frozenset())
    refs = frozenset().union(*(m.refs for m in owners)) if owners else nearest
    others = named - refs
    return refs, Tie(OWNER if owners else NEAREST, others) if others else None


@functools.cache
def _relation_word(words: frozenset[str]) -> regex.Pattern[str]:
    """A word that stands for a person by relation ("mother", "wives" aside). Built once per
    list of words: escaping them cost a few milliseconds per message."""
    listed = _alternatives(words)
    return regex.compile(rf"(?:{listed})s?" if listed else r"(?!)", regex.IGNORECASE)


@functools.cache
def _related_person(words: frozenset[str]) -> regex.Pattern[str]:
    """A person referred to by relation to someone ("her husband"), built once per list."""
    listed = _alternatives(words)
    return regex.compile(
        rf"{_POSSESSOR}[ \t]+(?:{listed})s?\b" if listed else r"(?!)", regex.IGNORECASE
    )


def _alternatives(words: frozenset[str]) -> str:
    """The words as alternatives of a pattern, longest first."""
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


def _named_with(text: str, start: int, end: int, mentions: _Near) -> frozenset[str]:
    """The registered people named in the sentence of ``start:end`` (the sender's name is
    never among ``mentions``)."""
    first, last = sentence_around(text, start, end)
    return frozenset().union(
        *(
            m.refs
            for m in mentions.around(first, last)
            if m.type == "PERSON" and first <= m.start and m.end <= last
        )
    )


def _in(mention: Mention, span: tuple[int, int]) -> bool:
    """Whether ``mention`` overlaps ``span``."""
    return mention.start < span[1] and span[0] < mention.end


def _sender_ref(matcher: SubjectMatcher, sender: Sender, kinds: frozenset[str]) -> str:
    """The register's subject who is the sender (a member of staff writing from an address
    recorded for them), or "": also when several subjects share that address, since then
    nobody can say whose own data it is, and when the subject is of a kind not in ``kinds``
    (a carer, a cared-for person), since anyone can write their address as the sender."""
    refs = matcher.emails.get(identifiers.email(sender.address)) if sender.address else None
    if not refs or len(refs) != 1:
        return ""
    (ref,) = refs
    return ref if matcher.subjects[ref].kind in kinds else ""


def _sender_words(matcher: SubjectMatcher, sender: Sender, writer: str) -> set[tuple[str, ...]]:
    """The names the sender goes by, as words: From's display names, the register's names
    for them (``writer``), and the name their address spells."""
    names = (*sender.names, *(matcher.subjects[writer].names if writer else ()))
    return {identifiers.name_words(name) for name in names} | _address_name(sender)


def _address_name(sender: Sender) -> set[tuple[str, ...]]:
    """A name read from an address like grace.mwangi@org.example."""
    local = sender.address.partition("@")[0]
    words = tuple(w for w in regex.split(r"[._\-]+", local.lower()) if w.isalpha())
    return {words} if len(words) >= 2 else set()


def _is_sender(name: str, sender_words: set[tuple[str, ...]]) -> bool:
    """Whether a name is the sender's: their full name, or part of it ("Grace", "Ms Mwangi")."""
    words = identifiers.name_words(name)
    words = tuple(w for w in words if w not in {"mr", "mrs", "ms", "miss", "mx", "dr"})
    return bool(words) and any(set(words) <= set(name) for name in sender_words)


@dataclass(frozen=True)
class _Signatures:
    """The signatures of an item's texts (see ``_signatures``), by segment."""

    spans: dict[int, list[tuple[int, int]]]
    # The register's mentions in each segment, wherever they are.
    mentions: dict[int, list[Mention]]

    @classmethod
    def of(
        cls,
        segments: Sequence[Segment],
        findings: Sequence[Finding],
        mentions: dict[int, list[Mention]],
        *,
        holders: _Holders,
        types: AttributionTypes,
        writer: str,
    ) -> _Signatures:
        by_segment: dict[int, list[Finding]] = {}
        for finding in findings:
            by_segment.setdefault(finding.segment, []).append(finding)
        return cls(
            {
                index: _signatures(
                    segment,
                    by_segment.get(index, []),
                    mentions[index],
                    holders=holders,
                    types=types,
                    writer=writer,
                )
                for index, segment in enumerate(segments)
            },
            mentions,
        )

    def unsigned(self, writer: str) -> dict[int, list[Mention]]:
        """The register's mentions but the ``writer``'s own details in their signature."""
        return {
            index: [m for m in ms if not (writer in m.refs and self.hold(index, m.start))]
            for index, ms in self.mentions.items()
        }

    def hold(self, index: int, start: int) -> bool:
        """Whether ``start`` in segment ``index`` lies in a signature."""
        return any(s <= start < e for s, e in self.spans.get(index, ()))


def _signatures(
    segment: Segment,
    findings: Sequence[Finding],
    mentions: Sequence[Mention],
    *,
    holders: _Holders,
    types: AttributionTypes,
    writer: str,
) -> list[tuple[int, int]]:
    """The signatures at the end of a text the sender wrote (``findings`` and ``mentions``
    are those in it), as (start, end) in its text:
    each block after a sign-off ("-- ", "Kind regards,") in its last lines that is its
    holder's own. A block ends at the next sign-off, at the header of a quoted message, or at
    a blank line before a line no signature holds (a field label such as "Client:", a
    sentence). It is a signature only when it holds its holder's name, no one else's (a
    recognizer's or the register's), and no finding of a type no signature holds (an NHS
    number, a diagnosis). Its holder is the sender; below a quoted message's header, the
    sender or any correspondent (the quoted sign-off of the person replied to)."""
    if _FORWARDED in segment.location:
        return []
    text = segment.text
    tail_start = _tail_start(text)
    sign_offs = list(_SIGN_OFF.finditer(text, tail_start))
    if not sign_offs:
        return []
    quoted_from = next((m.start() for m in _QUOTE_HEADER.finditer(text)), len(text) + 1)
    found = [(*segment.from_source(f.start, f.end), f.type) for f in findings]
    # The register's names count as names; its other details, only someone else's for sure.
    found += [(m.start, m.end, _REGISTERED) for m in mentions if m.type == "PERSON"]
    found += [
        (m.start, m.end, _SOMEONE_ELSES)
        for m in mentions
        if m.type != "PERSON" and m.strength == STRONG and writer not in m.refs
    ]
    blocks = []
    for number, sign_off in enumerate(sign_offs):
        start = sign_off.end()
        following = sign_offs[number + 1].start() if number + 1 < len(sign_offs) else len(text)
        end = _block_end(text, start, following)
        quoted = quoted_from < start
        inside = [(s, e, kind) for s, e, kind in found if start <= s and e <= end]
        if any(
            kind not in types.signature | types.nobodys | {_REGISTERED} for _, _, kind in inside
        ):
            continue
        names = [text[s:e] for s, e, kind in inside if kind in {"PERSON", _REGISTERED}]
        if holders.holds(text[start:end], names, quoted=quoted):
            blocks.append((start, end))
    return blocks


def _block_end(text: str, start: int, limit: int) -> int:
    """Where the signature block that starts at ``start`` ends, at ``limit`` at the latest:
    at a quoted message's header, a field label or a line about someone else ("her mobile"),
    or at a blank line followed by a sentence: the message's content, not its signature."""
    blank = False
    seen = False
    position = start
    for line in text[start:limit].splitlines(keepends=True):
        if _QUOTE_HEADER.match(line) or _FIELD_LABEL.search(line) or _ABOUT_SOMEONE.match(line):
            return position
        if not line.strip():
            blank = seen
        elif blank and _SENTENCE.match(line):
            return position
        else:
            seen, blank = True, False
        position += len(line)
    return limit


@dataclass(frozen=True)
class _Holders:
    """Whose signature a block can be: the sender's (their names, the name their address
    spells: sam.green@, sgreen@, sam@), or, below a quoted message's header, a
    correspondent's."""

    sender_words: frozenset[tuple[str, ...]]
    local: str
    correspondents: _Correspondents

    @classmethod
    def of(
        cls, sender_words: Iterable[tuple[str, ...]], sender: Sender, others: _Correspondents
    ) -> _Holders:
        local = sender.address.partition("@")[0].lower()
        return cls(frozenset(w for w in sender_words if w), _LETTERS.sub("", local), others)

    def holds(self, block: str, names: Sequence[str], *, quoted: bool) -> bool:
        """Whether ``block``, naming ``names``, is its holder's: it names them, and everyone
        it names is them."""
        known = self.sender_words | (self.correspondents.names if quoted else frozenset())
        return all(self._is_holder(_leading_name(name), known) for name in names) and any(
            self._names_holder(identifiers.name_words(line), known) for line in block.splitlines()
        )

    def _is_holder(self, name: str, known: frozenset[tuple[str, ...]]) -> bool:
        words = tuple(w for w in identifiers.name_words(name) if w not in _TITLES)
        return bool(words) and (any(set(words) <= set(n) for n in known) or self._spelled(words))

    def _names_holder(self, words: tuple[str, ...], known: frozenset[tuple[str, ...]]) -> bool:
        own = {w for name in known for w in name if len(w) > 1 and w not in _TITLES}
        return any(w in own for w in words) or any(
            self._spelled(words[i : i + 2]) for i in range(len(words))
        )

    def _spelled(self, words: tuple[str, ...]) -> bool:
        """Whether the sender's address spells ``words``, one name or a first name and a
        surname: sam@, sam.green@, samgreen@, sgreen@, greens@."""
        if len(self.local) < 3 or not words:
            return False
        first, last = words[0], words[-1]
        if len(words) == 1:
            return self.local == first
        return self.local in {first + last, first[0] + last, first + last[0], last + first}


def _leading_name(name: str) -> str:
    """A name as found, up to the first comma, bar or line break: "Priya Shah, Carers
    Support Worker" found as one name is Priya Shah with her job title."""
    return regex.split(r"[,|;\n(]", name, maxsplit=1)[0]


def _tail_start(text: str) -> int:
    """Where the last ``_SIGNATURE_LINES`` lines (and the sign-off before them) begin."""
    position = len(text.rstrip())
    for _ in range(_SIGNATURE_LINES + 1):
        position = text.rfind("\n", 0, position)
        if position < 0:
            return 0
    return position
