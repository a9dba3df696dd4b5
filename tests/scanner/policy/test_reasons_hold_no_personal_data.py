"""Property: whatever the register and the message, no reason repeats an identifier."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.attribution import Sender
from scanner.consent import ALL_SCOPES, KnownSubject, MemoryConsentBook, RecordedConsent
from scanner.detect.detector import Detector
from scanner.detect.known_subjects import SubjectMatcher
from scanner.judging import Organisation, judge
from scanner.policy.policy_file import load_policy
from scanner.scanning import ScanResult
from scanner.segments import Extraction, Segment

FIRST = ["Amina", "Hodan", "Wiktor", "Siobhan", "Kwame", "Priya", "Tomasz", "Nkechi"]
LAST = ["Okafor", "Warsame", "Nowak", "Byrne", "Asante", "Patel", "Kowalski", "Eze"]
TEMPLATES = [
    "{name} rang today; her mobile is {phone}.",
    "Referral for {name}, NHS {nhs}, DOB {dob}.",
    "{name} ({email}) has been diagnosed with dementia.",
    "Please send {name}'s NI number {nino} to the benefits team.",
    "{name} lives at {postcode} and disclosed domestic abuse.",
]
NHS = ["945 807 3022", "157 368 1938", "036 426 2125", "997 220 0337", "224 538 3230"]
POLICY = load_policy()


@st.composite
def subjects(draw: st.DrawFn) -> KnownSubject:
    first, last = draw(st.sampled_from(FIRST)), draw(st.sampled_from(LAST))
    number = draw(st.integers(100, 999))
    return KnownSubject(
        ref=f"R-{draw(st.integers(1, 10**6))}",
        kind=draw(st.sampled_from(["carer", "cared_for", "participant", "volunteer"])),
        names=(f"{first} {last}",),
        emails=(f"{first}.{last}{number}@example.com".lower(),),
        phones=(f"07700 900{number}",),
        dob=draw(st.dates(date(1930, 1, 1), date(2010, 12, 31))),
        nhs_number=draw(st.sampled_from(NHS)),
        ni_number=f"QQ 12 {number % 100:02d} 56 C",
        postcode=f"LS{number % 30} {number % 10}AB",
    )


def _identifiers(subject: KnownSubject) -> list[str]:
    assert subject.dob is not None
    values = [
        *subject.names,
        *subject.names[0].split(),
        *subject.emails,
        *subject.phones,
        subject.phones[0].replace(" ", ""),
        subject.nhs_number,
        subject.nhs_number.replace(" ", ""),
        subject.ni_number,
        subject.postcode,
        subject.dob.strftime("%d/%m/%Y"),
    ]
    return [v for v in values if v]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(subjects(), min_size=1, max_size=4, unique_by=lambda s: s.ref),
    template=st.sampled_from(TEMPLATES),
    consented=st.lists(st.booleans(), min_size=4, max_size=4),
    scope=st.sampled_from([*POLICY.consent_scopes, ALL_SCOPES]),
)
def test_no_reason_contains_an_identifier_from_the_register(
    detector: Detector, people, template, consented, scope
):
    """Reasons name subjects by reference and data by kind, whatever the verdict."""
    subject = people[0]
    assert subject.dob is not None
    text = template.format(
        name=subject.names[0],
        phone=subject.phones[0],
        nhs=subject.nhs_number,
        dob=subject.dob.strftime("%d/%m/%Y"),
        email=subject.emails[0],
        nino=subject.ni_number,
        postcode=subject.postcode,
    )
    recipient = "duty@agency.example"
    consents = [
        RecordedConsent(p.ref, "@agency.example", frozenset({scope}))
        for p, yes in zip(people, consented, strict=False)
        if yes
    ]
    book = MemoryConsentBook(list(people), consents)
    extraction = Extraction("text", (Segment(text, "text"),))
    verdicts = judge(
        ScanResult(extraction, tuple(detector.scan(extraction))),
        [recipient, "colleague@carers.example"],
        sender=Sender("worker@carers.example"),
        policy=POLICY,
        book=book,
        matcher=SubjectMatcher.from_subjects(people),
        organisation=Organisation(("carers.example",)),
        at=datetime(2026, 11, 21, tzinfo=UTC),
    )
    said = " ".join(r for v in verdicts.values() for r in (*v.reasons, *v.rules)).lower()
    for person in people:
        for value in _identifiers(person):
            assert value.lower() not in said, value
    assert verdicts[recipient].action != "release"  # every template holds personal data
