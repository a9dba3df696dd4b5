"""The first pass of redaction as the relay runs it, for tests: scan an item, judge it for a
recipient with no consent, turn the verdict's findings into removals, redact; and an
independent look at the result that shares none of those steps' assumptions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from scanner.attribution import Sender
from scanner.consent import MemoryConsentBook
from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.filetype import FileType
from scanner.judging import MatcherCache, Organisation, judge
from scanner.limits import ScanLimits
from scanner.operators import Operators, load_operators
from scanner.policy.policy_file import Policy
from scanner.policy.verdicts import Verdict
from scanner.removals import Removal, removals
from scanner.rules_file import DEFAULT_OPERATORS
from scanner.scanning import ScanResult
from scanner.transform import redacted

SENDER = "grace.mwangi@carers.example"
STRANGER = "someone@elsewhere.example"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
# What a redacted copy may still be found to hold: the placeholders' own words are not values.
IDENTIFYING = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "UK_NHS",
        "UK_NINO",
        "UK_POSTCODE",
        "STREET_ADDRESS",
        "DATE_OF_BIRTH",
    }
)
# The message's own address headers: who it is from and to, not what it discloses.
_ENVELOPE = frozenset({"from", "to", "cc"})
# The fields confide stamps on a finished copy from its own data, never from the message: the
# copy's id (a UUID, whose digit groups can read as a phone number: "...-447700900713") and
# the trace line that repeats it.
_STAMPED = re.compile(r"headers / (x-confide-[a-z-]+|received)", re.IGNORECASE)


def scan(detector: Detector, raw: bytes) -> ScanResult:
    extraction = extract(raw, ScanLimits(), kind=FileType.EMAIL)
    return ScanResult(extraction, tuple(detector.scan(extraction)))


def read_for_net(
    detector: Detector, raw: bytes, earlier: ScanResult | None, removed: Sequence[Removal]
) -> ScanResult:
    """``raw`` read as the safety net reads it in a scanning worker: as a copy of ``earlier``
    with ``removed`` taken out (``Detector.scan``), or afresh."""
    extraction = extract(raw, ScanLimits(), kind=FileType.EMAIL)
    before = None if earlier is None else (earlier.extraction, earlier.findings)
    findings = tuple(detector.scan(extraction, before, removed))
    return ScanResult(extraction, findings, detector.owners(extraction, findings))


def judged(policy: Policy, result: ScanResult, recipients: Sequence[str]) -> dict[str, Verdict]:
    """The verdicts for ``recipients`` with an empty register, for an organisation whose
    domain is carers.example."""
    book = MemoryConsentBook([], [])
    return judge(
        result,
        recipients,
        sender=Sender(SENDER),
        policy=policy,
        book=book,
        matcher=MatcherCache().get(book),
        organisation=Organisation(internal_domains=("carers.example",)),
        at=NOW,
    )


def verdict_for_stranger(
    detector: Detector, policy: Policy, raw: bytes
) -> tuple[Verdict, ScanResult]:
    """The verdict for an external recipient no one consented to, with an empty register."""
    result = scan(detector, raw)
    return judged(policy, result, [STRANGER])[STRANGER], result


def redact_for_stranger(
    detector: Detector, policy: Policy, raw: bytes, operators: Operators | None = None
) -> bytes:
    """The redacted copy the relay's first pass makes for the stranger, each finding type
    removed as ``operators`` say (by default, as rules/redaction.yaml says)."""
    verdict, result = verdict_for_stranger(detector, policy, raw)
    assert verdict.action == "redact", (verdict.action, verdict.rules)
    way = (operators or load_operators(DEFAULT_OPERATORS)).of
    return redacted(raw, removals(result.extraction, verdict.redactions, policy.label, way))


def key(text: str) -> str:
    """A value reduced to its letters and digits, case and accents folded: how it is looked
    for in a copy, whatever separators or disguises surround it."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        str(unicodedata.digit(c)) if c.isdecimal() else c
        for c in decomposed
        if not unicodedata.combining(c)
    )
    return re.sub(r"[\W_]+", "", kept).casefold()


def leaks(scanned: Callable[[bytes], ScanResult], copy: bytes, values: list[str]) -> list[str]:
    """What of ``values`` is still in ``copy`` (read as a message by ``scanned``): a value
    whose key is in any part's text, or an identifier that detection finds there (a name
    only when it shares a word with a value: the model may take a town left beside a
    placeholder for a name)."""
    result = scanned(copy)
    extraction = result.extraction
    texts = [key(segment.text) for segment in extraction.segments]
    found = [v for v in values if any(key(v) in text for text in texts)]
    words = {key(word) for value in values for word in value.split()}
    for finding in result.findings:
        segment = extraction.segments[finding.segment]
        if finding.type not in IDENTIFYING or segment.location in _ENVELOPE:
            continue
        if _STAMPED.fullmatch(segment.location):
            continue
        start, end = segment.from_source(finding.start, finding.end)
        named = {key(word) for word in segment.text[start:end].split()}
        if finding.type != "PERSON" or named & words:
            found.append(f"{finding.type} in {segment.location}")
    return found
