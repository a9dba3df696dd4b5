"""One item, every recipient: attribution to known subjects, then a verdict per recipient.

This is the whole of "judge" in the architecture: the relay, the watcher and ``confide
check`` hand it a scan result and the addresses, and get back one ``Verdict`` each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from scanner.attribution import Attribution, Sender, attribute, plain_display_names
from scanner.consent import ConsentBook, KnownSubject, RecipientConsents
from scanner.detect.known_subjects import SubjectMatcher
from scanner.policy.policy_file import Policy
from scanner.policy.verdicts import Verdict, prepare, verdict_for
from scanner.scanning import ScanResult


@dataclass(frozen=True)
class Organisation:
    """What the policy needs to know about the organisation itself."""

    internal_domains: tuple[str, ...] = ()


class MatcherCache:
    """The known-subject matcher for a register, rebuilt only when the register changes."""

    def __init__(self) -> None:
        self._version: str | None = None
        self._matcher = SubjectMatcher()

    def get(self, book: ConsentBook) -> SubjectMatcher:
        version = book.version()
        if version != self._version:
            self._matcher = SubjectMatcher.from_subjects(book.subjects())
            self._version = version
        return self._matcher


class ReadOnce:
    """The register, each question asked of it once: a verdict asks a subject's consents
    for a recipient in each rule about consent (missing, partial, given), and the safety
    net's verdicts on a copy ask them again. Made for one decision, at one moment, and
    dropped after it, so a consent recorded meanwhile counts from the next item on."""

    def __init__(self, book: ConsentBook) -> None:
        self.book = book
        self._consents: dict[tuple[str, str, datetime], RecipientConsents] = {}
        self._agencies: dict[str, tuple[str, ...]] = {}

    def version(self) -> str:
        return self.book.version()

    def subjects(self) -> Iterable[KnownSubject]:
        return self.book.subjects()

    def consents(self, ref: str, recipient: str, at: datetime) -> RecipientConsents:
        key = (ref, recipient, at)
        if key not in self._consents:
            self._consents[key] = self.book.consents(ref, recipient, at)
        return self._consents[key]

    def agencies(self, recipient: str) -> tuple[str, ...]:
        if recipient not in self._agencies:
            self._agencies[recipient] = self.book.agencies(recipient)
        return self._agencies[recipient]


def read_once(book: ConsentBook) -> ReadOnce:
    """``book`` asking each question once (itself if it already does)."""
    return book if isinstance(book, ReadOnce) else ReadOnce(book)


def judge(
    result: ScanResult,
    recipients: Iterable[str],
    *,
    sender: Sender,
    policy: Policy,
    book: ConsentBook,
    matcher: SubjectMatcher,
    organisation: Organisation,
    at: datetime,
) -> dict[str, Verdict]:
    """A verdict for each recipient address, in the order given."""
    recipients = list(recipients)
    attribution = attribution_of(
        result, sender=sender, policy=policy, matcher=matcher, addressees=recipients
    )
    return judge_attributed(
        result,
        attribution,
        recipients,
        policy=policy,
        book=book,
        organisation=organisation,
        at=at,
    )


def attribution_of(
    result: ScanResult,
    *,
    sender: Sender,
    policy: Policy,
    matcher: SubjectMatcher,
    addressees: Iterable[str] = (),
) -> Attribution:
    """Whose each finding is: the first half of ``judge``, kept by a caller that records it
    (the relay keeps it for the manager who reviews a held message). ``addressees`` are the
    item's recipients: their own names in its address fields are no disclosure."""
    extraction = result.extraction
    display_names = plain_display_names(extraction, result.findings)
    sender = Sender(sender.address, (*sender.names, *display_names))
    return attribute(
        extraction,
        result.findings,
        matcher,
        sender,
        types=policy.attribution,
        window=policy.together_within_chars,
        owners=result.owners,
        addressees=addressees,
    )


def judge_attributed(
    result: ScanResult,
    attribution: Attribution,
    recipients: Iterable[str],
    *,
    policy: Policy,
    book: ConsentBook,
    organisation: Organisation,
    at: datetime,
) -> dict[str, Verdict]:
    """The second half of ``judge``: a verdict for each recipient, given the attribution."""
    item = prepare(policy, attribution, result.extraction.unscannable)
    book = read_once(book)
    return {
        address: verdict_for(
            policy,
            item,
            address,
            internal_domains=organisation.internal_domains,
            book=book,
            at=at,
        )
        for address in dict.fromkeys(recipients)
    }
