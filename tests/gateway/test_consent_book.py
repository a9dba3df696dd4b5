"""DjangoConsentBook: the register in the database, as the scanner's ConsentBook."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from gateway.consent_book import DjangoConsentBook
from gateway.register.models import (
    Agency,
    AgencyAddress,
    AgencyDomain,
    Consent,
    Subject,
    SubjectEmail,
    SubjectName,
    SubjectPhone,
    join_scopes,
)
from scanner.consent import (
    ADDRESS,
    DOMAIN,
    ConsentBook,
    ConsentRecord,
    KnownSubject,
    MemoryConsentBook,
    RecordedConsent,
    Scope,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
C, H, F, A = "contact", "health", "financial", "all"


def add_subject(ref: str, *names: str, kind: str = "carer") -> Subject:
    subject = Subject.objects.create(ref=ref, kind=kind, display_name=names[0] if names else ref)
    for position, name in enumerate(names):
        SubjectName.objects.create(subject=subject, position=position, name=name)
    return subject


def add_agency(name: str, domains: tuple[str, ...] = (), addresses: tuple[str, ...] = ()) -> Agency:
    agency = Agency.objects.create(name=name)
    for domain in domains:
        AgencyDomain.objects.create(agency=agency, domain=domain)
    for address in addresses:
        AgencyAddress.objects.create(agency=agency, address=address)
    return agency


def add_consent(subject: Subject, scopes: set[Scope], **recipient_and_times: object) -> Consent:
    return Consent.objects.create(
        subject=subject,
        scopes=join_scopes(scopes),
        method="written",
        recorded_by="Priya Sharma",
        recorded_at=recipient_and_times.pop("recorded_at", AT - timedelta(days=30)),
        **recipient_and_times,
    )


def as_recorded(consent: Consent) -> RecordedConsent:
    """The same consent as a MemoryConsentBook holds it."""
    agency = consent.agency
    return RecordedConsent(
        ref=consent.subject.ref,
        recipient=consent.recipient_label,
        scopes=consent.scope_set,
        valid_until=consent.valid_until,
        withdrawn_at=consent.withdrawn_at,
        agency_domains=frozenset(d.domain for d in agency.domains.all()) if agency else frozenset(),
        agency_addresses=frozenset(a.address for a in agency.addresses.all())
        if agency
        else frozenset(),
    )


@pytest.fixture
def register() -> MemoryConsentBook:
    """One carer's consents in the database, and the same consents in a MemoryConsentBook."""
    amina = add_subject("C-1001", "Amina Okafor")
    add_subject("C-1002", "Joseph Okafor")
    asc = add_agency(
        "Leeds ASC", domains=("leeds-asc.example",), addresses=("duty@council.example",)
    )
    gp = add_agency("Riverside GP", addresses=("reception.riverside@nhs.example",))
    day = timedelta(days=1)
    rows = [
        ({C, H}, {"agency": asc}),
        ({H}, {"agency": gp}),
        ({F}, {"domain": "citizensadvice.example"}),
        ({C}, {"address": "maureen.okafor@gmail.example"}),  # a family member
        ({A}, {"address": "old.worker@expired.example", "valid_until": AT - day}),
        ({A}, {"address": "edge@expiry.example", "valid_until": AT}),  # counts at AT exactly
        ({A}, {"domain": "gone.example", "withdrawn_at": AT - day}),
        ({A}, {"domain": "edge-withdrawn.example", "withdrawn_at": AT}),  # withdrawn at AT
        ({A}, {"domain": "later.example", "withdrawn_at": AT + day}),  # still counts at AT
        ({F}, {"agency": asc, "recorded_at": AT - 2 * day}),  # a second consent: union
    ]
    memory = MemoryConsentBook()
    for scopes, recipient in rows:
        memory.recorded.append(as_recorded(add_consent(amina, scopes, **recipient)))
    return memory


@pytest.mark.parametrize(
    ("ref", "recipient", "expected"),
    [
        ("C-1001", "worker@leeds-asc.example", {C, H, F}),  # agency domain; two consents' union
        ("C-1001", "Duty@Council.EXAMPLE", {C, H, F}),  # agency address, any case
        ("C-1001", "someone.else@council.example", set()),  # agency address is not its domain
        ("C-1001", "worker@sub.leeds-asc.example", set()),  # domains match exactly
        ("C-1001", "reception.riverside@nhs.example", {H}),  # agency listed by address only
        ("C-1001", "another.practice@nhs.example", set()),  # a shared domain is not the agency
        ("C-1001", "adviser@citizensadvice.example", {F}),  # domain consent
        ("C-1001", " Maureen.Okafor@gmail.example ", {C}),  # a family member's own address
        ("C-1001", "someone.else@gmail.example", set()),  # ...covers no one else at gmail
        ("C-1001", "old.worker@expired.example", set()),  # expired
        ("C-1001", "edge@expiry.example", {A}),  # valid_until == at: not yet expired
        ("C-1001", "x@gone.example", set()),  # withdrawn
        ("C-1001", "x@edge-withdrawn.example", set()),  # withdrawn_at == at: withdrawn
        ("C-1001", "x@later.example", {A}),  # to be withdrawn later: counts now
        ("C-1002", "worker@leeds-asc.example", set()),  # consent is per subject
        ("C-404", "worker@leeds-asc.example", set()),  # an unknown subject
    ],
)
def test_consented_scopes_match_the_memory_book(ref, recipient, expected, register):
    """Scopes per recipient are as expected, and the consents bearing on the recipient (how
    each covers it, or the other addresses it names at its domain) and the agencies it
    belongs to are exactly what MemoryConsentBook answers."""
    book = DjangoConsentBook()
    assert book.consents(ref, recipient, AT).scopes == expected
    found = book.consents(ref, recipient, AT).records
    assert Counter(found) == Counter(register.consents(ref, recipient, AT).records)
    assert book.agencies(recipient) == register.agencies(recipient)


def test_consents_say_how_they_match_and_what_they_name_at_a_shared_domain(register):
    """Each consent says how it covers the address, or how many other addresses it names at
    the address's domain; the agencies an address belongs to are named."""
    book = DjangoConsentBook()
    assert book.consents("C-1001", "worker@leeds-asc.example", AT).records == (
        ConsentRecord("Leeds ASC", frozenset({C, H}), DOMAIN, agency=True),
        ConsentRecord("Leeds ASC", frozenset({F}), DOMAIN, agency=True),  # recorded later
    )
    assert book.consents("C-1001", "another.practice@nhs.example", AT).records == (
        ConsentRecord("Riverside GP", frozenset({H}), addresses_there=1, agency=True),
    )
    assert book.consents("C-1001", "someone.else@gmail.example", AT).records == (
        ConsentRecord("maureen.okafor@gmail.example", frozenset({C}), addresses_there=1),
    )
    assert book.consents("C-1001", "maureen.okafor@gmail.example", AT).records == (
        ConsentRecord("maureen.okafor@gmail.example", frozenset({C}), ADDRESS),
    )
    assert book.agencies("duty@council.example") == ("Leeds ASC",)
    assert book.agencies("someone.else@council.example") == ()


def test_it_is_a_consent_book():
    """DjangoConsentBook satisfies the scanner's ConsentBook protocol."""
    book: ConsentBook = DjangoConsentBook()
    assert book.consents("C-1", "a@b.example", AT).records == ()
    assert book.agencies("a@b.example") == ()


def test_subjects_lists_every_identifier_with_the_full_name_first():
    """subjects() gives each subject's names (display name first), emails, phones and fields."""
    amina = Subject.objects.create(
        ref="C-1001",
        kind="carer",
        display_name="Amina Okafor",
        dob=date(1968, 4, 12),
        nhs_number="9434765919",
        ni_number="QQ123456C",
        postcode="LS9 6AB",
        address="12 Example Street, Leeds",
    )
    SubjectName.objects.create(subject=amina, position=1, name="Mina Okafor")
    SubjectName.objects.create(subject=amina, position=0, name="Amina Okafor")
    SubjectEmail.objects.create(subject=amina, email="amina.okafor@example.org")
    SubjectPhone.objects.create(subject=amina, phone="+447700900123")
    SubjectPhone.objects.create(subject=amina, phone="+441134960789")
    Subject.objects.create(ref="V-3001", kind="volunteer", display_name="Tomasz Nowak")
    assert list(DjangoConsentBook().subjects()) == [
        KnownSubject(
            ref="C-1001",
            kind="carer",
            names=("Amina Okafor", "Mina Okafor"),
            emails=("amina.okafor@example.org",),
            phones=("+447700900123", "+441134960789"),
            dob=date(1968, 4, 12),
            nhs_number="9434765919",
            ni_number="QQ123456C",
            postcode="LS9 6AB",
            address="12 Example Street, Leeds",
        ),
        KnownSubject(ref="V-3001", kind="volunteer", names=("Tomasz Nowak",)),
    ]


def test_subjects_reads_in_chunks_with_a_fixed_number_of_queries(django_assert_num_queries):
    """Four queries per chunk of subjects, however many identifiers each has: no N+1."""
    for n in range(25):
        subject = add_subject(f"S-{n:03}", f"Person {n}", f"Alias {n}")
        SubjectEmail.objects.create(subject=subject, email=f"p{n}@example.org")
        SubjectPhone.objects.create(subject=subject, phone=f"+4477009001{n:02}")
    book = DjangoConsentBook(chunk_size=10)
    with django_assert_num_queries(3 * 4 + 1):  # three chunks, then one empty read
        subjects = list(book.subjects())
    assert [s.ref for s in subjects] == [f"S-{n:03}" for n in range(25)]
    assert subjects[24].names == ("Person 24", "Alias 24")
    assert subjects[24].emails == ("p24@example.org",)


def test_version_changes_whenever_subjects_or_identifiers_change():
    """version() moves on each add, update and delete of a subject or identifier, not otherwise."""
    book = DjangoConsentBook()
    seen = [book.version()]

    def changed() -> bool:
        seen.append(book.version())
        return seen[-1] != seen[-2]

    amina = add_subject("C-1001", "Amina Okafor")
    assert changed()
    assert not changed()  # reading is not a change
    email = SubjectEmail.objects.create(subject=amina, email="amina@example.org")
    assert changed()
    amina.refresh_from_db()
    amina.postcode = "LS9 6AB"
    amina.save()
    assert changed()
    email.delete()
    assert changed()
    SubjectName.objects.filter(subject=amina, position=0).get().delete()
    assert changed()
    add_consent(amina, {C}, domain="citizensadvice.example")
    assert not changed()  # consents are looked up live; the matcher needs no rebuild
    joseph = add_subject("C-1002", "Joseph Okafor")
    assert changed()
    joseph.delete()
    assert changed()
    assert len(set(seen)) == len(seen) - 2  # no earlier version ever comes back


def test_version_notices_a_bulk_update_that_sets_updated_at():
    """A QuerySet.update() sends no signal; the latest updated_at in version() still moves it."""
    add_subject("C-1001", "Amina Okafor")
    book = DjangoConsentBook()
    before = book.version()
    Subject.objects.filter(ref="C-1001").update(
        postcode="LS9 6AB", updated_at=datetime.now(UTC) + timedelta(seconds=1)
    )
    assert book.version() != before


def test_version_counts_the_subjects_at_most_every_backstop_interval():
    """With a backstop interval, a write through confide (which moves the revision counter)
    is seen at once, and one that bypasses the counter (a delete in SQL) once the interval
    has passed since the subjects were last counted."""
    add_subject("C-1001", "Amina Okafor")
    joseph = add_subject("C-1002")  # no names: nothing refers to it
    now = [100.0]
    book = DjangoConsentBook(backstop_seconds=1.0, clock=lambda: now[0])
    first = book.version()
    Subject.objects.filter(pk=joseph.pk)._raw_delete(Subject.objects.db)  # no signal
    now[0] += 0.5
    assert book.version() == first  # counted half a second ago
    now[0] += 0.5
    counted = book.version()
    assert counted != first  # counted again: one fewer
    now[0] += 0.1
    add_subject("C-1003", "Hodan Warsame")
    assert book.version() not in (first, counted)  # the counter moved: seen at once
