"""One scanned item through the rest of the core, as every door calls it: attribute its
findings, judge it for each recipient, and plan the copies (each redacted copy scanned and
judged again by ``plan``'s safety net, for the same sender, register and moment)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from scanner.attribution import Attribution, Sender
from scanner.consent import ConsentBook
from scanner.detect.known_subjects import SubjectMatcher
from scanner.findings import Finding
from scanner.judging import Organisation, attribution_of, judge, judge_attributed, read_once
from scanner.operators import Operator
from scanner.outcome import Copier, PlannedOutcome, plan
from scanner.policy.policy_file import Policy
from scanner.policy.verdicts import Verdict
from scanner.scanning import ScanResult


@dataclass(frozen=True)
class Decided:
    """Whose each finding is, and what becomes of the item for each recipient."""

    attribution: Attribution
    planned: PlannedOutcome


def decide(
    raw: bytes,
    result: ScanResult,
    recipients: Sequence[str],
    *,
    sender: Sender,
    policy: Policy,
    book: ConsentBook,
    matcher: SubjectMatcher,
    organisation: Organisation,
    at: datetime,
    operator: Callable[[Finding], Operator],
    copier: Copier,
) -> Decided:
    """The item ``raw``, scanned as ``result``, judged for ``recipients`` and planned; the
    register is read once for the verdicts and the safety net's (``read_once``)."""
    book = read_once(book)
    attribution = attribution_of(
        result, sender=sender, policy=policy, matcher=matcher, addressees=recipients
    )
    verdicts = judge_attributed(
        result,
        attribution,
        recipients,
        policy=policy,
        book=book,
        organisation=organisation,
        at=at,
    )
    planned = checked_plan(
        raw,
        result,
        verdicts,
        sender=sender,
        policy=policy,
        book=book,
        matcher=matcher,
        organisation=organisation,
        at=at,
        operator=operator,
        copier=copier,
    )
    return Decided(attribution, planned)


def checked_plan(
    raw: bytes,
    result: ScanResult,
    verdicts: dict[str, Verdict],
    *,
    sender: Sender,
    policy: Policy,
    book: ConsentBook,
    matcher: SubjectMatcher,
    organisation: Organisation,
    at: datetime,
    operator: Callable[[Finding], Operator],
    copier: Copier,
) -> PlannedOutcome:
    """The copies ``verdicts`` ask for, made and read by ``copier``, each redacted copy judged
    again for the same sender, register and moment (``plan``'s safety net)."""
    book = read_once(book)
    return plan(
        raw,
        result,
        verdicts,
        policy=policy,
        operator=operator,
        copier=copier,
        rejudge=lambda checked, addresses: judge(
            checked,
            addresses,
            sender=sender,
            policy=policy,
            book=book,
            matcher=matcher,
            organisation=organisation,
            at=at,
        ),
    )
