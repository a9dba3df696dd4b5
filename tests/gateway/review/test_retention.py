"""Retention: ``confide purge`` removes the content of messages decided and delivered longer
ago than the configured period, and nothing else; the record, the item's page and the
logbook stay."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gateway.register.models import Subject, SubjectKind
from gateway.relay.models import (
    Copy,
    CopyKind,
    Delivery,
    DeliveryState,
    Message,
    MessageState,
    Outcome,
    ReviewState,
)
from gateway.review import audit, breaches, decisions, retention
from gateway.review.models import AuditEntry, LawfulReason, LogbookEntry, ScanRecord
from gateway.sealing import Sealer
from tests.gateway.review.conftest import (
    EXAMPLE,
    HELD_FOR,
    SENDER,
    UNSCANNED,
    Users,
    hold,
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

KEEP = timedelta(days=90)
NOW = datetime.now(UTC)
LONG_AGO = NOW - timedelta(days=200)
OLD = NOW - timedelta(days=120)  # finished with longer ago than KEEP
RECENT = NOW - timedelta(days=10)  # within KEEP


def _held(sealer: Sealer, received: datetime = LONG_AGO) -> Message:
    """A message scanned at ``received`` and held for HELD_FOR (a part unread: a hold the
    banner may end), with its scan record."""
    content = EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    message = hold(sealer, SENDER, [HELD_FOR], content, UNSCANNED)
    Message.objects.filter(id=message.id).update(
        state=MessageState.PROCESSED, received_at=received, processed_at=received
    )
    return Message.objects.get(id=message.id)  # type: ignore[no-any-return]


def _finish(message: Message, decided: datetime | None, delivered: datetime | None) -> None:
    """Date its decisions ``decided``; its deliveries sent at ``delivered`` (None: queued)."""
    if decided is not None:
        Outcome.objects.filter(message=message).update(decided_at=decided)
    if delivered is not None:
        Delivery.objects.filter(copy__message=message).update(
            state=DeliveryState.SENT, finished_at=delivered
        )


def _released(sealer: Sealer, users: Users, decided: datetime, delivered: datetime | None):
    message = _held(sealer)
    outcome = Outcome.objects.get(message=message)
    decisions.release_with_banner(outcome.id, user=users.manager, note="consent by phone")
    _finish(message, decided, delivered)
    return message


def _intact(sealer: Sealer, message: Message) -> bool:
    """Its content is all there: the original, every copy, the scan record."""
    message.refresh_from_db()
    sealer.unseal(bytes(message.sealed))
    for copy in Copy.objects.filter(message=message):
        sealer.unseal(bytes(copy.sealed))
    return ScanRecord.objects.filter(message=message).exists()


def _removed(message: Message) -> bool:
    """Nothing of its text is left: the original, the copies and the scan record are gone."""
    message.refresh_from_db()
    return (
        retention.body_removed(message)
        and not message.digest
        and not Copy.objects.filter(message=message).exclude(sealed=b"").exists()
        and not ScanRecord.objects.filter(message=message).exists()
    )


def test_old_decided_and_delivered_messages_lose_their_content_and_nothing_else(
    sealer: Sealer, users: Users
):
    """Released and rejected long ago, every copy sent or given up: emptied. Still held,
    a copy still queued, decided or delivered within the period, received within it:
    untouched. The outcomes, decisions and deliveries stay."""
    released = _released(sealer, users, decided=OLD, delivered=OLD)
    rejected = _held(sealer)
    decisions.reject(
        Outcome.objects.get(message=rejected).id, user=users.manager, note="use the portal"
    )
    _finish(rejected, decided=OLD, delivered=None)
    Delivery.objects.filter(copy__message=rejected).update(
        state=DeliveryState.FAILED, finished_at=OLD
    )
    still_held = _held(sealer)
    queued = _released(sealer, users, decided=OLD, delivered=None)
    decided_lately = _released(sealer, users, decided=RECENT, delivered=OLD)
    delivered_lately = _released(sealer, users, decided=OLD, delivered=RECENT)
    received_lately = _held(sealer, received=RECENT)
    Outcome.objects.filter(message=received_lately).update(
        review_state=ReviewState.REJECTED, decided_at=RECENT
    )

    purged = retention.purge(KEEP, now=NOW)

    # The released message's bannered copy and the sender's notice, and the rejection notice.
    assert purged == retention.Purged(messages=2, copies=3, scan_records=2)
    assert _removed(released)
    assert _removed(rejected)
    for untouched in (still_held, queued, decided_lately, delivered_lately, received_lately):
        assert _intact(sealer, untouched)
    outcome = Outcome.objects.get(message=released)
    assert (outcome.review_state, outcome.decided_by) == (ReviewState.RELEASED, "jo")
    assert {d.state for d in Delivery.objects.filter(copy__message=released)} == {
        DeliveryState.SENT
    }
    assert Copy.objects.get(message=rejected).kind == CopyKind.NOTICE


def test_a_message_never_held_is_purged_once_delivered(sealer: Sealer, users: Users):
    """A message released by its verdict alone, its copy sent long ago, is emptied too; a
    second run finds nothing more."""
    message = _released(sealer, users, decided=OLD, delivered=OLD)
    Outcome.objects.filter(message=message).update(
        review_state=ReviewState.NOT_HELD, decided_at=None, decided_by=""
    )
    assert retention.purge(KEEP, now=NOW).messages == 1
    assert _removed(message)
    assert retention.purge(KEEP, now=NOW) == retention.Purged(0, 0, 0)


def test_a_notice_about_no_message_does_not_stop_the_purge(sealer: Sealer, users: Users):
    """A queued notice filed under no message (a held document's owner told of a reject)
    does not keep every other message's content: a NULL among the messages still being sent
    would make "not among them" true of none."""
    message = _released(sealer, users, decided=OLD, delivered=OLD)
    about_a_document = Copy.objects.create(
        message=None, kind=CopyKind.NOTICE, mail_from="", sealed=sealer.seal(b"notice")
    )
    Delivery.objects.create(copy=about_a_document, recipient=SENDER)
    assert retention.purge(KEEP, now=NOW).messages == 1
    assert _removed(message)


def test_each_run_is_in_the_audit_trail_with_counts_and_no_content(sealer: Sealer, users: Users):
    """The audit entry says how many of each were removed and the period, never text or
    addresses, and the chain still verifies."""
    _released(sealer, users, decided=OLD, delivered=OLD)
    retention.purge(KEEP, now=NOW)
    entry = AuditEntry.objects.get(kind="purge")
    assert entry.actor == "confide"
    assert entry.details == {
        "messages": 1,
        "copies": 2,  # the bannered copy and the notice to the sender
        "scan_records": 1,
        "kept_days": 90,
        "finished_before": (NOW - KEEP).isoformat(timespec="seconds"),
    }
    assert audit.verify()[1] is None


def test_a_dry_run_counts_and_changes_nothing(sealer: Sealer, users: Users):
    """It counts what a run would remove; the content and the audit trail are as before."""
    message = _released(sealer, users, decided=OLD, delivered=OLD)
    _held(sealer)
    entries = AuditEntry.objects.count()
    assert retention.purge(KEEP, now=NOW, dry_run=True) == retention.Purged(1, 2, 1)
    assert _intact(sealer, message)
    assert AuditEntry.objects.count() == entries


def test_the_item_page_and_the_logbook_render_for_a_purged_message(sealer: Sealer, users: Users):
    """The item's page says the content was removed under the retention policy and shows
    the recipient's verdict and decision but no text; the logbook keeps its entry."""
    message = _held(sealer)
    subject = Subject.objects.create(ref="C-1001", kind=SubjectKind.CARER, display_name="Amina")
    decisions.release_as_exception(
        Outcome.objects.get(message=message).id, user=users.manager, reason=LawfulReason.RISK,
        note="risk to her safety", subjects=[subject], person_told=True,
    )  # fmt: skip
    _finish(message, decided=OLD, delivered=OLD)
    retention.purge(KEEP, now=NOW)
    client = Client()
    client.force_login(users.manager)

    page = client.get(reverse("review:item", args=[message.id]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "removed under the retention policy" in text
    assert "released</strong> by jo" in text
    assert "risk to her safety" in text  # the decision note is the record, not the message
    assert "Carer&#x27;s assessment follow-up" not in text
    assert "943 476 5919" not in text
    logbook = client.get(reverse("review:logbook"))
    assert logbook.status_code == 200
    assert "C-1001" in logbook.content.decode()
    entry = client.get(reverse("review:logbook_entry", args=[LogbookEntry.objects.get().id]))
    assert entry.status_code == 200
    assert reverse("review:item", args=[message.id]) in entry.content.decode()


def test_confide_purge_uses_the_configured_period_and_says_what_it_did(
    sealer: Sealer, users: Users
):
    """`confide purge --dry-run` counts with the default 90 days; `confide purge` removes."""
    message = _released(sealer, users, decided=OLD, delivered=OLD)
    out = io.StringIO()
    call_command("purge", "--dry-run", stdout=out)
    assert out.getvalue() == (
        "would remove the content of 1 message (2 copies sent, 1 scan record) "
        "finished with more than 90 days ago\n"
    )
    assert _intact(sealer, message)
    out = io.StringIO()
    call_command("purge", stdout=out)
    assert out.getvalue().startswith("removed the content of 1 message")
    assert _removed(message)


def test_an_emergency_release_waiting_for_review_keeps_its_content(sealer: Sealer, users: Users):
    """An emergency release decided and delivered long ago keeps its content while its
    logbook entry waits for a manager's review, and loses it once reviewed."""
    message = _held(sealer)
    entry, _ = breaches.emergency_release(
        Outcome.objects.get(message=message).id, user=users.staff, immediate_danger=True,
        note="she said she would hurt herself tonight",
    )  # fmt: skip
    _finish(message, decided=OLD, delivered=OLD)
    assert retention.purge(KEEP, now=NOW).messages == 0
    assert _intact(sealer, message)
    LogbookEntry.objects.filter(id=entry.id).update(flagged_for_review=False)
    assert retention.purge(KEEP, now=NOW).messages == 1


def test_a_purge_removes_expired_sign_ins_and_keeps_live_ones(sealer: Sealer, users: Users):
    """A session keeps what a manager typed into a filter: once expired it goes with the
    purge; a live one stays."""
    live = signed_in(users, "manager").session.session_key
    Session.objects.create(session_key="expired-one", session_data="x", expire_date=LONG_AGO)
    retention.purge(KEEP, now=NOW)
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
