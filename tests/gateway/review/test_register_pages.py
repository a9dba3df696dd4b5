"""The consent register's pages: who may open them, forged POSTs refused, search, subjects and
consents added, edited and withdrawn (the history kept, the policy's verdict changed), the
export uploaded with the importer's rules, and a subject's file."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gateway.config import load_settings
from gateway.consent_book import DjangoConsentBook
from gateway.register.models import (
    Agency,
    AgencyDomain,
    Consent,
    Subject,
    SubjectEmail,
    SubjectKind,
    SubjectName,
    SubjectPhone,
)
from gateway.relay.models import Message, Outcome
from gateway.review import decisions, register_forms, views
from gateway.review.models import AuditEntry, LawfulReason, ScanRecord
from gateway.sealing import Sealer
from scanner.actions import Action
from scanner.attribution import AttributedFinding, Attribution
from scanner.consent import KnownSubject
from scanner.findings import Finding
from scanner.policy.policy_file import load_policy
from scanner.policy.verdicts import prepare, verdict_for
from tests.gateway.review.conftest import (
    ALSO_HELD_FOR,
    HELD_FOR,
    Users,
    assert_typed_not_in_urls,
    filtered,
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

AGENCY_ADDRESS = ALSO_HELD_FOR  # duty@leeds-asc.example
NHS = "9434765919"


@pytest.fixture
def agency() -> Agency:
    made = Agency.objects.create(name="Leeds Adult Social Care")
    AgencyDomain.objects.create(agency=made, domain="leeds-asc.example")
    return made


@pytest.fixture
def amina() -> Subject:
    """A carer with every kind of identifier the register keeps."""
    subject = Subject.objects.create(
        ref="C-1001",
        kind=SubjectKind.CARER,
        display_name="Amina Begum",
        dob=date(1956, 3, 14),
        nhs_number=NHS,
        ni_number="QQ123456C",
        postcode="LS6 2AB",
    )
    SubjectName.objects.create(subject=subject, position=0, name="Amina Begum")
    SubjectName.objects.create(subject=subject, position=1, name="Minnie Begum")
    SubjectEmail.objects.create(subject=subject, email="amina.begum@example.net")
    SubjectPhone.objects.create(subject=subject, phone="+447700900123")
    return subject


@pytest.fixture
def health_consent(amina: Subject, agency: Agency) -> Consent:
    return Consent.objects.create(
        subject=amina,
        agency=agency,
        scopes="contact,health",
        method="written",
        recorded_by="jo",
        recorded_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
    )


def _pages(subject: Subject, consent: Consent) -> list[str]:
    return [
        reverse("review:subjects"),
        reverse("review:subject_new"),
        reverse("review:subject", args=[subject.id]),
        reverse("review:subject_edit", args=[subject.id]),
        reverse("review:consent_new", args=[subject.id]),
        reverse("review:consent_edit", args=[consent.id]),
        reverse("review:consent_withdraw", args=[consent.id]),
        reverse("review:agencies"),
        reverse("review:register_upload"),
    ]


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("staff", 403), ("other_staff", 403), ("manager", 200)]
)
def test_register_pages_are_for_managers_only(
    users: Users, health_consent: Consent, role: str, status: int
):
    """Anonymous users are sent to sign in, staff are refused, managers see every page,
    which is never cached."""
    client = signed_in(users, role)
    for page in _pages(health_consent.subject, health_consent):
        response = client.get(page)
        assert response.status_code == status, page
        if status == 200:
            assert "no-store" in response["Cache-Control"]
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["staff", "anonymous"])
def test_staff_cannot_change_the_register(users: Users, health_consent: Consent, role: str):
    """A staff member's (or anonymous) POST to withdraw a consent changes nothing."""
    client = signed_in(users, role)
    response = client.post(
        reverse("review:consent_withdraw", args=[health_consent.id]),
        {"withdrawn_on": "2026-02-01", "note": "she phoned"},
    )
    assert response.status_code in (302, 403)
    assert Consent.objects.get(id=health_consent.id).withdrawn_at is None


def test_a_post_without_the_csrf_token_is_refused(users: Users, health_consent: Consent):
    """A forged withdrawal, or subject, without the CSRF token is refused and changes
    nothing, even from a manager's session."""
    client = signed_in(users, "manager", csrf=True)
    withdraw = client.post(
        reverse("review:consent_withdraw", args=[health_consent.id]),
        {"withdrawn_on": "2026-02-01", "note": "forged"},
    )
    added = client.post(
        reverse("review:subject_new"),
        {"ref": "C-9", "kind": "carer", "display_name": "Forged"},
    )
    assert (withdraw.status_code, added.status_code) == (403, 403)
    assert Consent.objects.get(id=health_consent.id).withdrawn_at is None
    assert not Subject.objects.filter(ref="C-9").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "words",
    [
        "C-1001",
        "amina",
        "Minnie",
        "AMINA.BEGUM@example.net",
        "07700 900123",
        "943 476 5919",
        "qq 12 34 56 c",
        "ls62ab",
        "1956-03-14",
    ],
)
def test_search_finds_a_subject_by_any_identifier(users: Users, amina: Subject, words: str):
    """A ref, a name or alias, an email, a phone, an NHS or NI number, a postcode or a date
    of birth, written any way, finds the subject, and only them."""
    Subject.objects.create(ref="C-2002", kind=SubjectKind.CARER, display_name="Tom Hughes")
    response = filtered(signed_in(users, "manager"), "review:subjects", {"q": words})
    assert [s.ref for s in response.context["page"]] == ["C-1001"]


def test_the_register_is_paged_and_its_pages_keep_the_search_out_of_the_urls(
    users: Users, amina: Subject, monkeypatch: pytest.MonkeyPatch
):
    """With a page a subject, the second subject found is on page 2: the search is kept in
    the session, so the page links carry only the page's number, and no URL the pages make
    (the redirect, a link, a form's action) holds what was typed; "Clear" forgets it."""
    Subject.objects.create(ref="C-1002", kind=SubjectKind.CARER, display_name="Amina Shah")
    Subject.objects.create(ref="C-3003", kind=SubjectKind.CARER, display_name="Tom Hughes")
    monkeypatch.setattr(
        views, "load_settings", lambda: SimpleNamespace(review=SimpleNamespace(page_size=1))
    )
    client = signed_in(users, "manager")
    first = filtered(client, "review:subjects", {"q": "Amina Begum 943 476 5919"})
    assert first.context["page"].paginator.count == 1  # the NHS number narrows it
    first = filtered(client, "review:subjects", {"q": "Amina"})
    assert "Page 1 of 2" in first.text
    assert 'href="?page=2">Next</a>' in first.text
    second = client.get(reverse("review:subjects"), {"page": "2"})
    assert [s.ref for s in second.context["page"]] == ["C-1002"]
    assert 'href="?page=1">Previous</a>' in second.text
    assert 'value="Amina"' in second.text  # the search box still shows it
    for page in (first, second):
        assert_typed_not_in_urls(page.text, ["Amina", "943", "5919"])
    cleared = client.post(reverse("review:subjects"), {"clear": ""})
    assert cleared["Location"] == reverse("review:subjects")
    assert client.get(cleared["Location"]).context["page"].paginator.count == 3


def test_adding_and_editing_a_subject_normalises_identifiers_and_audits_refs_only(users: Users):
    """A subject typed in is stored in the register's forms, so the matcher reads it as an
    imported one; the audit entries name the ref and the fields changed, never values."""
    client = signed_in(users, "manager")
    response = client.post(
        reverse("review:subject_new"),
        {
            "ref": "C-3003",
            "kind": "cared_for",
            "display_name": "Gareth Price",
            "aliases": "Gaz Price",
            "emails": "Gareth.Price@Example.net",
            "phones": "0113 496 0000",
            "nhs_number": "943 476 5919",
            "postcode": "ls6 2ab",
        },
    )
    subject = Subject.objects.get(ref="C-3003")
    assert response["Location"] == reverse("review:subject", args=[subject.id])
    assert (subject.nhs_number, subject.postcode) == (NHS, "LS6 2AB")
    assert list(subject.emails.values_list("email", flat=True)) == ["gareth.price@example.net"]
    assert list(subject.phones.values_list("phone", flat=True)) == ["+441134960000"]
    assert list(subject.names.values_list("name", flat=True)) == ["Gareth Price", "Gaz Price"]
    before = DjangoConsentBook().version()
    client.post(
        reverse("review:subject_edit", args=[subject.id]),
        {"ref": "C-3003", "kind": "cared_for", "display_name": "Gareth Price", "postcode": ""},
    )
    subject.refresh_from_db()
    assert subject.postcode == ""
    assert not subject.emails.exists()
    assert DjangoConsentBook().version() != before  # the matcher is rebuilt
    added, edited = AuditEntry.objects.order_by("id")
    assert (added.kind, added.details) == ("register_subject_added", {"subject": "C-3003"})
    assert edited.details["fields"] == ["aliases", "emails", "nhs_number", "phones", "postcode"]
    assert "Gareth" not in json.dumps([added.details, edited.details])


def test_a_bad_identifier_is_refused_with_the_field_named(users: Users):
    """An NHS number failing its check digit is an error on that field; nothing is saved."""
    response = signed_in(users, "manager").post(
        reverse("review:subject_new"),
        {"ref": "C-4", "kind": "carer", "display_name": "X Y", "nhs_number": "9434765918"},
    )
    assert response.status_code == 400
    assert "check digit" in str(response.context["form"].errors["nhs_number"])
    assert not Subject.objects.filter(ref="C-4").exists()


def test_oral_consent_needs_evidence_and_scopes_come_from_the_policy(
    users: Users, amina: Subject, agency: Agency
):
    """Oral consent without an evidence note is refused; with one it is recorded with the
    policy's scope words, by the manager, and audited."""
    client = signed_in(users, "manager")
    page = reverse("review:consent_new", args=[amina.id])
    offered = [value for value, _ in client.get(page).context["form"].fields["scopes"].choices]
    assert offered == list(decisions.consent_scope_words())
    data = {"agency": agency.id, "method": "oral", "scopes": ["health"]}
    assert client.post(page, data).status_code == 400
    assert not Consent.objects.exists()
    client.post(page, {**data, "evidence": "by phone, 3 March", "valid_until": "2027-03-31"})
    consent = Consent.objects.get()
    assert (consent.method, consent.scopes, consent.recorded_by) == ("oral", "health", "jo")
    assert timezone.localtime(consent.valid_until).date() == date(2027, 3, 31)
    assert AuditEntry.objects.get().details["consent"] == consent.id


def _verdict_for_nhs_number(recipient: str) -> Action:
    """What the policy does with C-1001's NHS number sent to ``recipient``, by the register."""
    policy = load_policy(load_settings().organisation.policy)
    finding = Finding(0, 0, 10, "UK_NHS", 1.0, "uk_nhs")
    known = KnownSubject("C-1001", "carer", ("Amina Begum",), nhs_number=NHS)
    attribution = Attribution(
        (AttributedFinding(finding, frozenset({"C-1001"})),), {"C-1001": known}
    )
    verdict = verdict_for(
        policy,
        prepare(policy, attribution, ()),
        recipient,
        internal_domains=("riverside-carers.example.org",),
        book=DjangoConsentBook(),
        at=timezone.now(),
    )
    return verdict.action


def test_withdrawing_keeps_the_consent_and_changes_the_verdict(
    users: Users, health_consent: Consent
):
    """A withdrawal is recorded with its date, note and manager; the consent stays in the
    file, and the NHS number the consent let through with a banner is now held."""
    assert _verdict_for_nhs_number(AGENCY_ADDRESS) != Action.HOLD
    client = signed_in(users, "manager")
    response = client.post(
        reverse("review:consent_withdraw", args=[health_consent.id]),
        {"withdrawn_on": "2026-02-01", "note": "she withdrew it by phone"},
    )
    assert response.status_code == 302
    withdrawn = Consent.objects.get(id=health_consent.id)
    assert timezone.localtime(withdrawn.withdrawn_at).date() == date(2026, 2, 1)
    assert (withdrawn.withdrawn_by, withdrawn.withdrawal_note) == ("jo", "she withdrew it by phone")
    assert _verdict_for_nhs_number(AGENCY_ADDRESS) == Action.HOLD
    file_page = client.get(reverse("review:subject", args=[health_consent.subject_id]))
    assert file_page.context["file"].withdrawn == [withdrawn]
    assert "she withdrew it by phone" in file_page.content.decode()
    again = client.post(
        reverse("review:consent_withdraw", args=[health_consent.id]),
        {"withdrawn_on": "2026-02-02", "note": "twice"},
    )
    assert again.status_code == 400
    assert "already withdrawn" in again.content.decode()
    assert AuditEntry.objects.get().details == {"subject": "C-1001", "consent": withdrawn.id}


def test_an_import_never_undoes_a_withdrawal(users: Users, health_consent: Consent):
    """The export, which does not know of a withdrawal recorded on the pages, imported again
    leaves the consent withdrawn."""
    signed_in(users, "manager").post(
        reverse("review:consent_withdraw", args=[health_consent.id]),
        {"withdrawn_on": "2026-02-01", "note": "by phone"},
    )
    consents = (
        "subject_ref,recipient,scope,method,recorded_by,recorded_at,valid_until,withdrawn_at,"
        "evidence\nC-1001,Leeds Adult Social Care,contact;health,written,jo,"
        "2026-01-05T10:00:00+00:00,,,\n"
    )
    response = _upload(users, consents=consents)
    assert response.status_code == 302
    assert Consent.objects.get(id=health_consent.id).withdrawn_at is not None


def test_editing_a_consent_changes_its_terms_and_a_withdrawn_one_is_kept_as_it_was(
    users: Users, health_consent: Consent
):
    """A consent in force can be narrowed; once withdrawn it cannot be edited."""
    client = signed_in(users, "manager")
    page = reverse("review:consent_edit", args=[health_consent.id])
    client.post(page, {"method": "written", "scopes": ["contact"]})
    assert Consent.objects.get(id=health_consent.id).scopes == "contact"
    Consent.objects.filter(id=health_consent.id).update(withdrawn_at=timezone.now())
    refused = client.post(page, {"method": "written", "scopes": ["contact", "health"]})
    assert refused.status_code == 400
    assert Consent.objects.get(id=health_consent.id).scopes == "contact"


def test_agencies_are_listed_and_added_with_checked_domains(users: Users, agency: Agency):
    """The list shows each agency's domains; a new one needs a real domain or address."""
    client = signed_in(users, "manager")
    assert "leeds-asc.example" in client.get(reverse("review:agencies")).content.decode()
    bad = client.post(reverse("review:agencies"), {"name": "Police", "domains": "not a domain"})
    assert bad.status_code == 400
    client.post(
        reverse("review:agencies"),
        {"name": "West Yorkshire Police", "domains": "@WestYorks.Police.example"},
    )
    added = Agency.objects.get(name="West Yorkshire Police")
    assert list(added.domains.values_list("domain", flat=True)) == ["westyorks.police.example"]


SUBJECTS_HEADER = "ref,kind,name,aliases,emails,phones,dob,nhs_number,ni_number,postcode,address\n"


def _upload(users: Users, **files: str) -> object:
    return signed_in(users, "manager").post(
        reverse("review:register_upload"),
        {
            kind: SimpleUploadedFile(f"export-{kind}.csv", text.encode(), "text/csv")
            for kind, text in files.items()
        },
    )


def test_an_upload_with_a_bad_row_reports_line_column_problem_and_imports_nothing(
    users: Users,
):
    """The importer's rules: line 3's missing name stops the upload, the good row on line 2
    is not imported, and the error names file, line, column and problem only."""
    subjects = SUBJECTS_HEADER + "C-1,carer,Amina Begum,,,,,,,,\nC-2,carer,,,,,,,,,\n"
    response = _upload(users, subjects=subjects)
    assert response.status_code == 400
    assert response.context["error"] == "subjects.csv:3: name: required"
    assert "subjects.csv:3: name: required" in response.content.decode()
    assert not Subject.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_good_upload_imports_and_audits_counts(users: Users):
    """A good export is imported, and the audit entry holds the counts, not the people."""
    subjects = SUBJECTS_HEADER + "C-1,carer,Amina Begum,,,,,,,,\n"
    response = _upload(users, subjects=subjects)
    assert response.status_code == 302
    assert Subject.objects.get().display_name == "Amina Begum"
    details = AuditEntry.objects.get(kind="register_imported").details
    assert details["subjects"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert "Amina" not in json.dumps(details)


def test_an_upload_too_large_is_refused_unread(users: Users, monkeypatch: pytest.MonkeyPatch):
    """A request larger than the files may be together is answered 413 and imports nothing."""
    monkeypatch.setattr(register_forms, "MAX_UPLOAD_BYTES", 10)
    monkeypatch.setattr("gateway.review.register_views.UPLOAD_OVERHEAD", 0)
    response = _upload(users, subjects=SUBJECTS_HEADER + "C-1,carer,Amina Begum,,,,,,,,\n")
    assert response.status_code == 413
    assert not Subject.objects.exists()


def test_the_subject_file_lists_consents_held_items_and_logbook_entries(
    users: Users, held: Message, health_consent: Consent, agency: Agency, sealer: Sealer
):
    """The participant file shows the consents in force, expired and withdrawn, the held
    items whose scan is about the subject, and the logbook entries naming them."""
    amina = health_consent.subject
    long_ago = datetime(2025, 1, 1, tzinfo=UTC)
    expired = Consent.objects.create(
        subject=amina, domain="old.example", scopes="contact", method="written",
        recorded_by="jo", recorded_at=long_ago, valid_until=long_ago + timedelta(days=30),
    )  # fmt: skip
    withdrawn = Consent.objects.create(
        subject=amina, address="gp@surgery.example", scopes="health", method="written",
        recorded_by="jo", recorded_at=long_ago, withdrawn_at=long_ago + timedelta(days=1),
    )  # fmt: skip
    ScanRecord.objects.get(message=held).subjects.add(amina)
    outcome = Outcome.objects.get(message=held, recipient=HELD_FOR)
    entry = decisions.release_as_exception(
        outcome.id, user=users.manager, reason=LawfulReason.RISK, note="risk to life",
        subjects=[amina], person_told=True,
    )  # fmt: skip
    response = signed_in(users, "manager").get(reverse("review:subject", args=[amina.id]))
    found = response.context["file"]
    assert (found.current, found.expired, found.withdrawn) == (
        [health_consent], [expired], [withdrawn],
    )  # fmt: skip
    assert {o.recipient for o in found.held} == {HELD_FOR, ALSO_HELD_FOR}
    assert found.logbook == [entry]
    page = response.content.decode()
    assert reverse("review:item", args=[held.id]) in page
    assert "risk of harm to the person or to others" in page
    assert "Minnie Begum" in page


def test_an_old_held_item_is_found_by_the_ref_its_reasons_cite(
    users: Users, held: Message, amina: Subject
):
    """A scan record kept before subjects were listed: the reasons citing "(ref C-1001)"
    still put the item in the subject's file, and a mere prefix of the ref does not."""
    Outcome.objects.filter(message=held).update(
        reasons=["NHS number of a known carer (ref C-1001)"]
    )
    other = Subject.objects.create(ref="C-100", kind="carer", display_name="Someone")
    client = signed_in(users, "manager")
    about = client.get(reverse("review:subject", args=[amina.id])).context["file"].held
    assert len(about) == 2
    assert client.get(reverse("review:subject", args=[other.id])).context["file"].held == []


def _as_a_browser_posts(page_html: str, **changed: str) -> dict[str, object]:
    """The form on ``page_html`` as a browser submits it untouched but for ``changed``: each
    input's value attribute (a date input whose value is not an ISO date counts as empty, as
    browsers show and post it), checked boxes and radios, selected options, textareas."""
    form = BeautifulSoup(page_html, "html.parser").find("form", class_="register-form")
    assert form is not None
    data: dict[str, object] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if field.name == "textarea":
            data[name] = field.text
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value"))  # type: ignore[union-attr]
        elif field.get("type") == "date":
            value = field.get("value", "")
            data[name] = value if re.fullmatch(r"\d{4}-\d\d-\d\d", value) else ""
        elif field.get("type") not in ("submit", "button"):
            data[name] = field.get("value", "")
    return {**data, **changed}


def test_editing_a_subject_in_the_browser_keeps_their_date_of_birth(users: Users, amina: Subject):
    """The edit page fills its date input in the form a browser reads (ISO 8601): written in
    the locale's form, the browser showed it empty and saving any change erased the date."""
    client = signed_in(users, "manager")
    page = reverse("review:subject_edit", args=[amina.id])
    client.post(page, _as_a_browser_posts(client.get(page).content.decode(), postcode="LS6 2AC"))
    amina.refresh_from_db()
    assert (amina.postcode, amina.dob) == ("LS6 2AC", date(1956, 3, 14))


def test_editing_a_consent_in_the_browser_keeps_its_expiry(users: Users, health_consent: Consent):
    """A consent's end date survives an edit of its other terms: lost, the consent would
    have counted for ever."""
    until = timezone.make_aware(datetime(2027, 3, 31, 23, 59, 59, 999999))
    Consent.objects.filter(id=health_consent.id).update(valid_until=until)
    client = signed_in(users, "manager")
    page = reverse("review:consent_edit", args=[health_consent.id])
    form = _as_a_browser_posts(client.get(page).content.decode(), scopes=["contact"])
    client.post(page, form)
    edited = Consent.objects.get(id=health_consent.id)
    assert (edited.scopes, edited.valid_until) == ("contact", until)


def test_a_consent_recorded_today_can_be_withdrawn_today(users: Users, amina: Subject, agency):
    """The withdrawal form offers today, and a consent recorded earlier today is withdrawn
    from the moment it was recorded (its day starts before it existed)."""
    recorded = timezone.now() - timedelta(minutes=5)
    consent = Consent.objects.create(
        subject=amina,
        agency=agency,
        scopes="contact",
        method="written",
        recorded_by="jo",
        recorded_at=recorded,
    )
    client = signed_in(users, "manager")
    page = reverse("review:consent_withdraw", args=[consent.id])
    form = _as_a_browser_posts(client.get(page).content.decode(), note="she rang to withdraw")
    assert form["withdrawn_on"] == timezone.localdate().isoformat()
    assert client.post(page, form).status_code == 302
    assert Consent.objects.get(id=consent.id).withdrawn_at == recorded
