"""A held item's findings as a manager reads them: each with its type and the subject it
belongs to, linked to that subject's file, and for a recipient a subject consented to, what
goes beyond that consent's scope. The scan record keeps whose each finding is."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from gateway.register.models import Agency, AgencyDomain, Consent, Subject, SubjectKind
from gateway.relay.models import Message
from gateway.review.models import ScanRecord
from gateway.review.scan_record import read_scan_record, scan_record
from gateway.sealing import Sealer
from scanner.attribution import KNOWN_SUBJECT_RECOGNIZER, AttributedFinding, Attribution
from scanner.findings import Finding
from scanner.scanning import ScanResult
from scanner.segments import Extraction, Segment
from tests.gateway.review.conftest import Users

TEXT = "Amina Begum's NHS number is 943 476 5919 and she lives at 4 Hill Rise."
NAME = (0, 11)
NHS = (28, 40)
ADDRESS = (58, 70)


def test_the_scan_record_keeps_whose_each_finding_is():
    """Every finding is kept with its recognizer and the refs it was tied to, and a name only
    the register's matcher found is kept too; an old record reads as not attributed."""
    nhs = Finding(0, *NHS, "UK_NHS", 1.0, "uk_nhs")
    address = Finding(0, *ADDRESS, "STREET_ADDRESS", 0.6, "street_address")
    name = Finding(0, *NAME, "PERSON", 1.0, KNOWN_SUBJECT_RECOGNIZER)
    result = ScanResult(Extraction("email", (Segment(TEXT, "body (text/plain)"),)), (nhs, address))
    attribution = Attribution(
        (
            AttributedFinding(name, frozenset({"C-1001"})),
            AttributedFinding(nhs, frozenset({"C-1001"})),
            AttributedFinding(address, frozenset()),
        )
    )
    read = read_scan_record(scan_record(result, attribution))
    spans = {(s.type, s.recognizer, s.subjects) for s in read.segments[0].findings}
    assert spans == {
        ("UK_NHS", "uk_nhs", ("C-1001",)),
        ("STREET_ADDRESS", "street_address", ()),
        ("PERSON", KNOWN_SUBJECT_RECOGNIZER, ("C-1001",)),
    }
    assert read.attributed
    assert read.subjects == ("C-1001",)
    old = {"segments": [{"location": "body", "text": TEXT, "findings": [
        {"type": "UK_NHS", "start": NHS[0], "end": NHS[1]}]}], "unscannable": []}  # fmt: skip
    assert not read_scan_record(json.dumps(old).encode()).attributed


def _attributed_record(sealer: Sealer, message: Message) -> None:
    """Replace the message's scan record with one that ties the name and the NHS number to
    C-1001 and the address to nobody."""
    record = {
        "attributed": True,
        "segments": [
            {
                "location": "body (text/plain)",
                "text": TEXT,
                "findings": [
                    {"type": "PERSON", "recognizer": KNOWN_SUBJECT_RECOGNIZER,
                     "start": NAME[0], "end": NAME[1], "subjects": ["C-1001"]},
                    {"type": "UK_NHS", "recognizer": "uk_nhs",
                     "start": NHS[0], "end": NHS[1], "subjects": ["C-1001"]},
                    {"type": "STREET_ADDRESS", "recognizer": "street_address",
                     "start": ADDRESS[0], "end": ADDRESS[1], "subjects": []},
                ],
            }
        ],
        "unscannable": [],
    }  # fmt: skip
    ScanRecord.objects.filter(message=message).update(
        sealed=sealer.seal(json.dumps(record).encode())
    )


@pytest.fixture
def amina(db: None) -> Subject:
    return Subject.objects.create(ref="C-1001", kind=SubjectKind.CARER, display_name="Amina")


@pytest.fixture
def contact_only(amina: Subject) -> Consent:
    """Amina consented to share her contact details, not her health, with Leeds ASC."""
    agency = Agency.objects.create(name="Leeds Adult Social Care")
    AgencyDomain.objects.create(agency=agency, domain="leeds-asc.example")
    return Consent.objects.create(
        subject=amina,
        agency=agency,
        scopes="contact",
        method="written",
        recorded_by="jo",
        recorded_at=datetime(2026, 1, 5, tzinfo=UTC),
    )


@pytest.mark.django_db
def test_findings_link_to_their_subject_and_beyond_scope_is_shown(
    users: Users, held: Message, sealer: Sealer, contact_only: Consent
):
    """Each finding shows its type and its subject's ref linked to their file; for the
    agency Amina consented to, the page says her NHS number goes beyond that consent, and
    for the recipient with no consent it says nothing of scope."""
    _attributed_record(sealer, held)
    client = Client()
    client.force_login(users.manager)
    response = client.get(reverse("review:item", args=[held.id]))
    page = response.content.decode()
    link = f'<a href="{reverse("review:subject", args=[contact_only.subject_id])}">C-1001</a>'
    assert f"[UK_NHS: {link}]" in page
    assert f"[PERSON: {link}]" in page
    assert "[STREET_ADDRESS]" in page
    beyond = {r["outcome"].recipient: r.get("beyond") for r in response.context["recipients"]}
    (found, subject_id), = beyond["duty@leeds-asc.example"]  # fmt: skip
    assert (found.ref, found.consented_to, found.scopes) == (
        "C-1001", ("Leeds Adult Social Care",), ("contact",),
    )  # fmt: skip
    assert found.beyond == ("NHS number",)
    assert subject_id == contact_only.subject_id
    assert "beyond its scope: NHS number" in page
    assert beyond["advice@citizensadvice.example"] == []


@pytest.mark.django_db
def test_a_consent_for_all_leaves_nothing_beyond_it(
    users: Users, held: Message, sealer: Sealer, contact_only: Consent
):
    """With a consent for 'all', everything found about the subject is within it."""
    Consent.objects.filter(id=contact_only.id).update(scopes="all")
    _attributed_record(sealer, held)
    client = Client()
    client.force_login(users.manager)
    page = client.get(reverse("review:item", args=[held.id])).content.decode()
    assert "everything found about them is within it" in page
    assert "beyond its scope" not in page


@pytest.mark.django_db
def test_staff_see_the_findings_without_the_register(
    users: Users, held: Message, sealer: Sealer, contact_only: Consent
):
    """The sender sees each finding's type and ref but no link into the register and no
    consent details: the register is the managers'."""
    _attributed_record(sealer, held)
    client = Client()
    client.force_login(users.staff)
    page = client.get(reverse("review:item", args=[held.id])).content.decode()
    assert "[UK_NHS: C-1001]" in page
    assert reverse("review:subject", args=[contact_only.subject_id]) not in page
    assert "need to know" not in page


@pytest.mark.django_db
def test_an_old_scan_record_says_its_subjects_were_not_kept(users: Users, held: Message):
    """A record kept before findings' subjects were: the page says findings show their type
    only."""
    client = Client()
    client.force_login(users.manager)
    page = client.get(reverse("review:item", args=[held.id])).content.decode()
    assert "[UK_NHS]" in page
    assert "scanned before confide kept whose each finding is" in page
