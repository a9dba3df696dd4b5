"""A small consent register and a ``check`` fixture: text and recipients in, verdicts out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from scanner.attribution import Sender
from scanner.consent import KnownSubject, MemoryConsentBook, RecordedConsent
from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.filetype import FileType
from scanner.judging import MatcherCache, Organisation, judge
from scanner.limits import ScanLimits
from scanner.policy.policy_file import Policy, load_policy
from scanner.policy.verdicts import Verdict
from scanner.scanning import ScanResult
from scanner.segments import Extraction

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
INTERNAL = "grace.mwangi@carers.example"
COUNCIL = "duty.team@council.example"  # consent for C-1042: contact and health
ADVICE = "adviser@advice.example"  # consent for C-1042: contact only
STRANGER = "someone@elsewhere.example"  # no consent for anyone
DAUGHTER = "fatima.warsame@gmail.com"  # Hodan Warsame's daughter: consent for P-2001, all

SUBJECTS = [
    KnownSubject(
        "C-1042",
        "carer",
        ("Amina Okafor", "Mina Okafor"),
        emails=("amina.okafor@example.com",),
        phones=("07700 900123",),
        dob=date(1961, 3, 4),
        nhs_number="945 807 3022",
        ni_number="QQ 12 34 56 C",
        postcode="LS9 6AB",
        address="14 Mill Lane, Leeds",
    ),
    KnownSubject(
        "P-2001",
        "cared_for",
        ("Hodan Warsame",),
        dob=date(1941, 2, 3),
        nhs_number="157 368 1938",
    ),
    KnownSubject("C-1043", "carer", ("Rukhsana Begum",), nhs_number="036 426 2125"),
    KnownSubject(
        "S-0007", "staff", ("Grace Mwangi",), emails=(INTERNAL,), phones=("0113 496 0101",)
    ),
]
CONSENTS = [
    RecordedConsent(
        "C-1042",
        "Leeds Adult Social Care",
        frozenset({"contact", "health"}),
        agency_domains=frozenset({"council.example"}),
    ),
    RecordedConsent("C-1042", "@advice.example", frozenset({"contact"})),
    RecordedConsent("P-2001", DAUGHTER, frozenset({"all"})),
    RecordedConsent(
        "C-1043",
        "@gp.example",
        frozenset({"all"}),
        valid_until=datetime(2025, 1, 1, tzinfo=UTC),
    ),
    RecordedConsent(
        "C-1043",
        "@housing.example",
        frozenset({"all"}),
        withdrawn_at=datetime(2026, 1, 1, tzinfo=UTC),
    ),
    RecordedConsent("C-1043", "@hospice.example", frozenset({"all"})),
]

Check = Callable[..., dict[str, Verdict]]


@pytest.fixture(scope="session")
def book() -> MemoryConsentBook:
    return MemoryConsentBook(list(SUBJECTS), list(CONSENTS))


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session")
def check(detector: Detector, book: MemoryConsentBook, policy: Policy) -> Check:
    """Verdicts for a text (or raw message bytes) sent by Grace to ``recipients``."""
    cache = MatcherCache()

    def run(
        content: str | bytes | Extraction,
        *recipients: str,
        sender: str = INTERNAL,
        consents: MemoryConsentBook | None = None,
        rules: Policy | None = None,
    ) -> dict[str, Verdict]:
        if isinstance(content, Extraction):
            extraction = content
        elif isinstance(content, str):
            extraction = extract(content.encode(), ScanLimits())
        else:  # raw message bytes, read as the relay reads what arrives by SMTP
            extraction = extract(content, ScanLimits(), kind=FileType.EMAIL)
        findings = tuple(detector.scan(extraction))  # as a scanning worker does
        result = ScanResult(extraction, findings, detector.owners(extraction, findings))
        register = consents or book
        return judge(
            result,
            recipients,
            sender=Sender(sender),
            policy=rules or policy,
            book=register,
            matcher=cache.get(register),
            organisation=Organisation(internal_domains=("carers.example",)),
            at=NOW,
        )

    return run


def actions(verdicts: dict[str, Verdict]) -> dict[str, str]:
    return {address: verdict.action for address, verdict in verdicts.items()}
