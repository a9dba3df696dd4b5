"""The logbook's emergency path and breaches, as the pages call them: staff's emergency release
of their own item (bannered, logged, flagged, every manager told), a manager's review of it,
and a breach recorded by a manager; each with its audit entry."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from gateway.register.models import Subject
from gateway.relay.models import CopyKind, Delivery, Message, ReviewState
from gateway.review import breaches, decisions
from gateway.review.models import (
    AuditEntry,
    LawfulReason,
    LogbookEntry,
    LogbookKind,
    ReviewOutcome,
)
from gateway.review.roles import MANAGER
from gateway.sealing import Sealer
from tests.gateway.review.conftest import (
    BANNER_WITHOUT_CONSENT,
    BASE_URL,
    HELD_FOR,
    Users,
    held_outcome,
    sent_email,
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

DANGER = "She says she will hurt herself tonight; the crisis team must have this now."


@pytest.fixture
def second_manager(users: Users) -> User:
    """Another manager with an address, and two who cannot be told (left, or no address)."""
    group = Group.objects.get(name=MANAGER)
    made = User.objects.create_user("alex", email="alex.manager@riverside-carers.example.org")
    made.groups.add(group)
    gone = User.objects.create_user("left", email="left@riverside-carers.example.org")
    gone.is_active = False
    gone.save()
    gone.groups.add(group)
    User.objects.create_user("noaddress").groups.add(group)
    return made


def _emergency(users: Users, held: Message, **changes: object) -> tuple[LogbookEntry, int]:
    arguments: dict[str, object] = {"user": users.staff, "immediate_danger": True, "note": DANGER}
    arguments.update(changes)
    return breaches.emergency_release(held_outcome(held).id, **arguments)  # type: ignore[arg-type]


def test_an_emergency_release_goes_out_bannered_logged_flagged_and_told_to_each_manager(
    users: Users, held: Message, sealer: Sealer, second_manager: User
):
    """The recipient's copy goes marked CONFIDENTIAL, with the banner for releases without
    consent; the entry is flagged; each active
    manager with an address gets one notice naming the entry, without the note."""
    entry, told = _emergency(users, held)
    assert told == 2
    outcome = held_outcome(held)
    assert outcome.review_state == ReviewState.RELEASED
    assert outcome.decided_by == "priya"
    assert outcome.decision_note.startswith(breaches.EMERGENCY_NOTE)
    saved = LogbookEntry.objects.get(id=entry.id)
    assert (saved.kind, saved.flagged_for_review, saved.person_told) == (
        LogbookKind.EMERGENCY, True, None,
    )  # fmt: skip
    assert (saved.lawful_reason, saved.decided_by, saved.outcome) == ("risk", users.staff, outcome)
    released = Delivery.objects.get(copy__kind=CopyKind.BANNER)
    assert released.recipient == HELD_FOR
    copy = sent_email(sealer, released)
    assert copy["Subject"].startswith("[CONFIDENTIAL] ")
    text = copy.get_body(preferencelist=("plain",)).get_content()
    assert BANNER_WITHOUT_CONSENT.text in text  # no consent was recorded
    notices = Delivery.objects.filter(copy__kind=CopyKind.NOTICE).order_by("recipient")
    assert [d.recipient for d in notices] == [second_manager.email, users.manager.email]
    assert len({delivery.copy_id for delivery in notices}) == 1  # one copy, a delivery each
    sent = sent_email(sealer, notices[0])
    assert sent["To"] == f"{second_manager.email}, {users.manager.email}"
    assert sent["Subject"] == "Emergency release by priya: please review"
    text = sent.get_content()
    assert f"{BASE_URL}/logbook/{entry.id}/" in text
    assert str(held.id) in text
    assert "crisis team" not in text
    (audited,) = AuditEntry.objects.all()
    assert (audited.kind, audited.actor, audited.outcome_id) == (
        "emergency_release", "priya", outcome.id,
    )  # fmt: skip
    assert audited.details["managers_told"] == 2
    assert "crisis" not in str(audited.details)


def test_an_emergency_release_needs_immediate_danger_and_a_note(users: Users, held: Message):
    """Without stating immediate danger, or without a note, nothing is released or logged."""
    with pytest.raises(breaches.DecisionRefused, match="immediate danger"):
        _emergency(users, held, immediate_danger=False)
    with pytest.raises(breaches.DecisionRefused, match="note"):
        _emergency(users, held, note="  ")
    assert held_outcome(held).review_state == ReviewState.HELD
    assert not LogbookEntry.objects.exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("who", ["other_staff", "manager"])
def test_only_its_sender_on_the_staff_may_release_it_in_an_emergency(
    users: Users, held: Message, who: str
):
    """Another staff member's item is not theirs to release; a manager uses the manager's
    actions: both are refused as not their own, and nothing goes out."""
    with pytest.raises(breaches.NotTheirs):
        _emergency(users, held, user=getattr(users, who))
    assert held_outcome(held).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()


def test_an_emergency_release_of_a_decided_recipient_is_refused(users: Users, held: Message):
    """A recipient already released is not released again, and no second entry is made."""
    _emergency(users, held)
    with pytest.raises(breaches.NotTheirs):
        _emergency(users, held)
    assert LogbookEntry.objects.count() == 1
    assert Delivery.objects.filter(copy__kind=CopyKind.BANNER).count() == 1


def test_with_no_manager_to_email_the_release_still_goes_and_says_so(
    users: Users, held: Message, caplog: pytest.LogCaptureFixture
):
    """In immediate danger the release does not wait for an address: it goes, flagged, the
    count of managers told is 0, and a warning names the entry (not the people)."""
    User.objects.filter(id=users.manager.id).update(email="")
    entry, told = _emergency(users, held)
    assert told == 0
    (warning,) = [r for r in caplog.records if r.levelname == "WARNING"]
    assert f"entry={entry.id} " in warning.getMessage()
    assert "managers told=0" in warning.getMessage()
    assert "priya" not in warning.getMessage()
    assert LogbookEntry.objects.get(id=entry.id).flagged_for_review
    assert not Delivery.objects.filter(copy__kind=CopyKind.NOTICE).exists()


def test_without_a_base_url_the_notice_says_where_the_entry_is_listed(
    users: Users, held: Message, sealer: Sealer, monkeypatch: pytest.MonkeyPatch
):
    """With no review.base_url to link to, the managers are told the entry's number on the
    Logbook page instead."""
    unlinked = dataclasses.replace(decisions.releasing(), base_url="")
    monkeypatch.setattr(decisions, "releasing", lambda: unlinked)
    entry, _ = _emergency(users, held)
    (notice,) = Delivery.objects.filter(copy__kind=CopyKind.NOTICE)
    text = sent_email(sealer, notice).get_content()
    assert f"the review pages: Logbook, entry {entry.id}" in text
    assert "https://" not in text


@pytest.mark.parametrize("finding", [ReviewOutcome.JUSTIFIED, ReviewOutcome.BREACH])
def test_a_manager_reviews_an_emergency_release_once(
    users: Users, held: Message, subject: Subject, finding: ReviewOutcome
):
    """The review records the finding, the manager, the subjects and whether the person was
    told, clears the flag, is audited, and cannot be made twice."""
    entry, _ = _emergency(users, held)
    breaches.review_emergency(
        entry.id, user=users.manager, finding=finding, note="a real risk to life",
        subjects=[subject], person_told=True,
    )  # fmt: skip
    saved = LogbookEntry.objects.get(id=entry.id)
    assert (saved.flagged_for_review, saved.review_outcome, saved.reviewed_by) == (
        False, finding, users.manager,
    )  # fmt: skip
    assert saved.reviewed_at is not None
    assert (saved.person_told, list(saved.subjects.all())) == (True, [subject])
    audited = AuditEntry.objects.get(kind="review_emergency_release")
    assert (audited.actor, audited.details["finding"], audited.details["subjects"]) == (
        "jo", str(finding), ["C-1001"],
    )  # fmt: skip
    with pytest.raises(breaches.DecisionRefused, match="not waiting for a review"):
        breaches.review_emergency(
            entry.id, user=users.manager, finding=ReviewOutcome.JUSTIFIED, note="again",
            subjects=[subject], person_told=True,
        )  # fmt: skip


def test_only_a_manager_reviews(users: Users, held: Message, subject: Subject):
    """The staff member who released it cannot review their own emergency release."""
    entry, _ = _emergency(users, held)
    with pytest.raises(breaches.DecisionRefused, match="only a manager"):
        breaches.review_emergency(
            entry.id, user=users.staff, finding=ReviewOutcome.JUSTIFIED, note="fine",
            subjects=[subject], person_told=True,
        )  # fmt: skip
    assert LogbookEntry.objects.get(id=entry.id).flagged_for_review


def test_a_manager_records_a_breach_found_later(users: Users, subject: Subject):
    """A breach with no lawful reason and no held item is logged with who decided, when it
    happened, why the person was not told, and audited."""
    happened = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
    entry = breaches.record_breach(
        user=users.manager, happened_at=happened, lawful_reason=None,
        who_decided="a volunteer at the drop-in", note="told her neighbour about her diagnosis",
        subjects=[subject], person_told=False, why_not_told="she has moved and left no address",
        reference="a conversation at the drop-in",
    )  # fmt: skip
    saved = LogbookEntry.objects.get(id=entry.id)
    assert (saved.kind, saved.lawful_reason, saved.outcome, saved.decided_at) == (
        LogbookKind.BREACH, "", None, happened,
    )  # fmt: skip
    assert (saved.who_decided, saved.decided_by, saved.flagged_for_review) == (
        "a volunteer at the drop-in", users.manager, False,
    )  # fmt: skip
    audited = AuditEntry.objects.get()
    assert (audited.kind, audited.message_id, audited.details["logbook_entry"]) == (
        "record_breach", None, entry.id,
    )  # fmt: skip
    assert "neighbour" not in str(audited.details)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"user": "staff"}, "only a manager"),
        ({"person_told": False, "why_not_told": ""}, "not told"),
        ({"who_decided": " "}, "who decided"),
        ({"subjects": []}, "subject"),
        ({"happened_at": datetime.now(UTC) + timedelta(days=1)}, "future"),
    ],
)
def test_a_breach_is_recorded_only_whole_and_by_a_manager(
    users: Users, subject: Subject, changes: dict[str, object], problem: str
):
    """A breach without what the logbook needs, or by staff, is refused and not logged."""
    arguments: dict[str, object] = {
        "user": users.manager, "happened_at": datetime(2026, 3, 3, tzinfo=UTC),
        "lawful_reason": LawfulReason.CRIME, "who_decided": "jo", "note": "told the police",
        "subjects": [subject], "person_told": True,
    }  # fmt: skip
    arguments.update(changes)
    if arguments["user"] == "staff":
        arguments["user"] = users.staff
    with pytest.raises(breaches.DecisionRefused, match=problem):
        breaches.record_breach(**arguments)  # type: ignore[arg-type]
    assert not LogbookEntry.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_subjects_page_lists_a_breach_with_no_held_item(users: Users, subject: Subject):
    """A recorded breach that did not pass through confide is listed on the page of the
    subject it names, with where it happened in place of a link to an item."""
    breaches.record_breach(
        user=users.manager, happened_at=datetime(2026, 3, 3, tzinfo=UTC), lawful_reason=None,
        who_decided="a volunteer", note="told her neighbour", subjects=[subject],
        person_told=True, reference="a conversation at the drop-in",
    )  # fmt: skip
    page = signed_in(users, "manager").get(reverse("review:subject", args=[subject.id]))
    assert page.status_code == 200
    assert "a conversation at the drop-in" in page.content.decode()


def test_a_breach_dated_before_1990_is_refused(users: Users, subject: Subject):
    """A breach on 0001-01-01 is refused and nothing is logged."""
    with pytest.raises(breaches.DecisionRefused, match="1990 or later"):
        breaches.record_breach(
            user=users.manager, happened_at=datetime(1, 1, 1, tzinfo=UTC), lawful_reason=None,
            who_decided="x", note="told a neighbour", subjects=[subject], person_told=True,
        )  # fmt: skip
    assert not LogbookEntry.objects.exists()
