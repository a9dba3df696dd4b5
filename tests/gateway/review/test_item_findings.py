"""A held item's findings as a manager reads them: each with its type and the subject it
belongs to, linked to that subject's file, and for a recipient a subject consented to, what
goes beyond that consent's scope; staff see no ref at all. The scan record keeps whose each
finding is."""

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
from gateway.review.staff_reasons import reasons_for_staff
from gateway.sealing import Sealer
from scanner.attribution import KNOWN_SUBJECT_RECOGNIZER, AttributedFinding, Attribution
from scanner.findings import Finding
from scanner.scanning import ScanResult
from scanner.segments import Extraction, Segment
from tests.gateway.review.conftest import Users, filtered, signed_in

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


# The reasons as the policy words them (scanner/policy/verdicts.py), naming register refs.
REASONS_WITH_REFS = [
    "NHS number of a known carer (ref C-1001); no consent recorded for this recipient; the"
    " NHS number is tied to them, named nearest to it, not to ref C-1002 or ref C-1003"
    " named in the same sentence",
    "Sent to the subject's own address (ref C-1001)",
    "Name of a known person (ref C-1002); the name is tied to everyone its sentence names",
]


@pytest.mark.django_db
def test_staff_see_the_findings_and_reasons_without_any_ref(
    users: Users, held: Message, sealer: Sealer, contact_only: Consent
):
    """The sender sees each finding's type and the reasons, but no subject's ref anywhere on
    the page (text, attributes, links), no link into the register and no consent details:
    the register is the managers', who read the reasons as the policy wrote them."""
    _attributed_record(sealer, held)
    held.outcomes.update(reasons=REASONS_WITH_REFS)
    item = reverse("review:item", args=[held.id])
    page = signed_in(users, "staff").get(item).content.decode()
    assert "[UK_NHS]" in page
    assert "[PERSON]" in page
    assert "NHS number of a known carer; no consent recorded for this recipient" in page
    assert "not to anyone else named in the same sentence" in page
    assert "<li>Sent to the subject&#x27;s own address</li>" in page
    for ref in ("C-1001", "C-1002", "C-1003"):
        assert ref not in page
    assert reverse("review:subject", args=[contact_only.subject_id]) not in page
    assert "need to know" not in page
    managers = signed_in(users, "manager").get(item).content.decode()
    assert "NHS number of a known carer (ref C-1001); no consent" in managers
    assert "not to ref C-1002 or ref C-1003 named" in managers


def test_a_ref_left_in_a_reason_by_other_wording_is_still_kept_from_staff():
    """Should the policy word a reason otherwise, a ref of the message's subjects in it
    still goes, whole: a longer ref sharing its start is not cut."""
    shown = reasons_for_staff(["Tied to C-1001 and C-1001-B, not C-10011"], ["C-1001", "C-1001-B"])
    assert shown == ["Tied to someone and someone, not C-10011"]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "found"), [("staff", 0), ("manager", 2)])
def test_staff_cannot_find_their_items_by_a_ref(users: Users, held: Message, role: str, found: int):
    """Searching the queue for a ref finds nothing for the sender, as a ref in the reasons
    would tell them whose data an item holds; a manager finds the item by it."""
    held.outcomes.update(reasons=REASONS_WITH_REFS)
    page = filtered(signed_in(users, role), "review:queue", {"state": "", "search": "C-1002"})
    assert len(page.context["page"].object_list) == found


@pytest.mark.django_db
def test_an_old_scan_record_says_its_subjects_were_not_kept(users: Users, held: Message):
    """A record kept before findings' subjects were: the page says findings show their type
    only."""
    client = Client()
    client.force_login(users.manager)
    page = client.get(reverse("review:item", args=[held.id])).content.decode()
    assert "[UK_NHS]" in page
    assert "scanned before confide kept whose each finding is" in page
