"""Retention: the content of a message is kept only as long as ``[retention] message_bodies``
after it was finished with, then removed (``confide purge``).

A message is finished with when it was scanned, no recipient is still held, and no copy of
it (to a recipient, a notice or bounce to the sender) is waiting to be sent or retried, and
no logbook entry of it waits for a manager's review (an emergency release). Its
period runs from the last of those events: the latest decision and the latest delivery or
give-up. What is removed is everything that holds message text or derives from it: the
message as received and every copy (their sealed bytes are emptied; a sealed value is never
empty, so an empty one means removed), the message's digest, and what the scan read
(``ScanRecord``, deleted). The envelope, the verdicts and their reasons, the decisions, the
logbook and the audit trail stay: they hold references, rule names and the managers' notes,
which are the record the policy asks to be kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet

from gateway.relay.models import (
    Copy,
    Delivery,
    DeliveryState,
    Message,
    MessageState,
    Outcome,
    ReviewState,
)
from gateway.review import audit
from gateway.review.models import LogbookEntry, ScanRecord

log = logging.getLogger("confide.retention")

# Messages emptied per transaction: a long backlog is purged in short transactions, so the
# relay (which writes to the same database) never waits long behind a purge.
PURGE_BATCH = 200
# Who the audit trail names for a purge run: confide itself, on the operator's schedule.
PURGE_ACTOR = "confide"


@dataclass(frozen=True)
class Purged:
    """How many of each kind of content a purge run removed (or would remove)."""

    messages: int
    copies: int
    scan_records: int


def body_removed(message: Message) -> bool:
    """Whether the message's content was removed under the retention policy."""
    return not message.sealed


def purgeable(keep: timedelta, now: datetime) -> QuerySet[Message]:
    """The messages whose content is due for removal: finished with more than ``keep``
    before ``now``, and not removed yet."""
    cutoff = now - keep
    undecided_or_recent = Outcome.objects.filter(
        Q(review_state=ReviewState.HELD) | Q(decided_at__gte=cutoff)
    ).values("message_id")
    # An emergency release's content is what the manager reviewing it reads.
    awaiting_review = LogbookEntry.objects.filter(
        flagged_for_review=True, outcome__isnull=False
    ).values("outcome__message_id")
    # Notices filed under no message (a held document's owner told) are left out: a NULL
    # in a NOT IN list makes the test true of no message at all.
    unsent_or_recent = (
        Delivery.objects.filter(
            Q(state=DeliveryState.QUEUED) | Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff)
        )
        .filter(copy__message__isnull=False)
        .values("copy__message_id")
    )
    return (
        Message.objects.filter(
            state=MessageState.PROCESSED, received_at__lt=cutoff, processed_at__lt=cutoff
        )
        .exclude(sealed=b"")
        .exclude(id__in=undecided_or_recent)
        .exclude(id__in=unsent_or_recent)
        .exclude(id__in=awaiting_review)
    )


def purge(keep: timedelta, *, now: datetime | None = None, dry_run: bool = False) -> Purged:
    """Remove the content of every message finished with more than ``keep`` ago, and record
    the run (counts only) in the audit trail; ``dry_run`` counts what would go and changes
    nothing."""
    now = now or datetime.now(UTC)
    if dry_run:
        due = purgeable(keep, now)
        return Purged(
            messages=due.count(),
            copies=Copy.objects.filter(message__in=due).exclude(sealed=b"").count(),
            scan_records=ScanRecord.objects.filter(message__in=due).count(),
        )
    messages = copies = scan_records = 0
    while True:
        with transaction.atomic():
            # Chosen inside the transaction that empties them. A message once finished with
            # stays so: nothing makes a decided recipient held again or queues a new copy.
            batch = list(purgeable(keep, now).values_list("id", flat=True)[:PURGE_BATCH])
            if not batch:
                break
            # The digest too: a hash of the content, used only to spot a resend within hours.
            messages += Message.objects.filter(id__in=batch).update(sealed=b"", digest="")
            copies += (
                Copy.objects.filter(message_id__in=batch).exclude(sealed=b"").update(sealed=b"")
            )
            scan_records += ScanRecord.objects.filter(message_id__in=batch).delete()[0]
    purged = Purged(messages, copies, scan_records)
    # Expired sign-ins go too: a session keeps a manager's kept filters (a name, an NHS
    # number typed into a search) and page messages naming recipients.
    sessions = Session.objects.filter(expire_date__lt=now).delete()[0]
    audit.append(
        [
            audit.Event(
                kind="purge",
                actor=PURGE_ACTOR,
                details={
                    "messages": purged.messages,
                    "copies": purged.copies,
                    "scan_records": purged.scan_records,
                    "kept_days": keep.days,
                    "finished_before": (now - keep).isoformat(timespec="seconds"),
                },
            )
        ]
    )
    log.info(
        "purge messages=%d copies=%d scan_records=%d kept_days=%d expired_sessions=%d",
        purged.messages,
        purged.copies,
        purged.scan_records,
        keep.days,
        sessions,
    )
    return purged
