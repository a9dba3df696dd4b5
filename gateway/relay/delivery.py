"""Sending released copies to the upstream MTA, and what happens when it says no.

The queue is the ``Delivery`` table, so it survives restarts. A node claims due deliveries
with a lease, sends each copy once to all its claimed recipients (``upstream.send``, in a
thread), and records every recipient's answer: 2xx sent; 4xx or no connection, retried with
back-off; 5xx, or too long in the queue, failed with a bounce (RFC 3464) to the sender. The
only moment a second delivery can happen is a death between the upstream's 250 and recording
it.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from gateway import rows
from gateway.relay.crash_points import DELIVERY_CLAIMED, UPSTREAM_ACCEPTED, crash_point
from gateway.relay.group_commit import GroupCommit
from gateway.relay.leases import DELIVERY_LEASE, Leases
from gateway.relay.models import Copy, CopyKind, Delivery, DeliveryState
from gateway.relay.notices import FailedRecipient, delivery_failure, enhanced_status
from gateway.relay.upstream import Connections, Reply, send
from gateway.sealing import Sealer

log = logging.getLogger("confide.relay.delivery")

# What a failed delivery's ``last_reply`` ends with when its sender could not be told.
BOUNCE_NOT_BUILT = "bounce could not be built"


@dataclass(frozen=True)
class Retry:
    """When to try again, and when to give up."""

    initial_seconds: float
    max_seconds: float
    give_up_after: timedelta

    def next_attempt(self, attempts: int, now: datetime) -> datetime:
        delay = min(self.initial_seconds * 2 ** max(attempts - 1, 0), self.max_seconds)
        return now + timedelta(seconds=delay)


@dataclass(frozen=True)
class Deliverer:
    """What a node needs to deliver: where to, how to seal, how to retry, who it is, how
    long its claims last, and how its threads commit the upstream's answers (together with
    each other's and the messages the node stores)."""

    connections: Connections
    sealer: Sealer
    retry: Retry
    node: str
    hostname: str
    notice_from: str
    organisation: str
    leases: Leases = field(default_factory=Leases)
    commits: GroupCommit = field(default_factory=GroupCommit)


class Claim(NamedTuple):
    """Deliveries of one copy that this node claimed from the queue in one go.

    A copy with more due recipients than one claim takes is claimed again for the rest:
    each claim is sent to its own deliveries only, so no recipient is sent it twice."""

    copy_id: int
    delivery_ids: tuple[int, ...]


def claim_due(
    node: str, now: datetime, limit: int = 100, lease: timedelta = DELIVERY_LEASE
) -> list[Claim]:
    """Claim up to ``limit`` due deliveries for ``node`` in one transaction, grouped by
    copy, the most overdue first.

    Safe with several nodes claiming at once: on PostgreSQL the rows are locked as they are
    read (``FOR UPDATE SKIP LOCKED``: another node takes other rows, never waits for these),
    and everywhere the UPDATE checks again that each is still free."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    until = now + lease
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(free, state=DeliveryState.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("id", "copy_id")[:limit]
        )
        ids = [d for d, _ in due]
        Delivery.objects.filter(free, id__in=ids, state=DeliveryState.QUEUED).update(
            claimed_by=node, claimed_until=until
        )
        won = set(
            Delivery.objects.filter(id__in=ids, claimed_by=node, claimed_until=until).values_list(
                "id", flat=True
            )
        )
    by_copy: dict[int, list[int]] = {}
    for delivery_id, copy_id in due:
        if delivery_id in won:
            by_copy.setdefault(copy_id, []).append(delivery_id)
    return [Claim(copy_id, tuple(ids)) for copy_id, ids in by_copy.items()]


@dataclass(frozen=True)
class Outbound:
    """A copy to send, as a scanning worker hands it over: its content, and its deliveries
    claimed by this node (so nothing need be read back from the database)."""

    copy: Copy
    content: bytes
    deliveries: list[Delivery]


def deliver_claimed(deliverer: Deliverer, claim: Claim) -> bool:
    """Send a copy to the deliveries of ``claim`` that are still queued and this node's;
    whether that queued more work (a retry or a bounce)."""
    deliveries = Delivery.objects.filter(
        id__in=claim.delivery_ids, state=DeliveryState.QUEUED, claimed_by=deliverer.node
    ).order_by("id")
    copy = Copy.objects.get(id=claim.copy_id)
    return deliver(
        deliverer, Outbound(copy, deliverer.sealer.unseal(bytes(copy.sealed)), [*deliveries])
    )


def deliver(deliverer: Deliverer, outbound: Outbound) -> bool:
    """Send a copy to its claimed recipients and record each answer; whether that queued
    more work (a retry or a bounce).

    A claim is used only while it has the lease's ``send_margin`` left (an older one is left
    to lapse and be claimed again), and the SMTP transaction is abandoned ``record_margin``
    before the claim lapses: a claim never lapses while its copy is being sent, which would
    let another node send it too.
    """
    now = datetime.now(UTC)
    leases = deliverer.leases
    deliveries = [
        d
        for d in outbound.deliveries
        if d.claimed_until and d.claimed_until > now + leases.send_margin
    ]
    if not deliveries:
        return False
    claim_ends = min(d.claimed_until for d in deliveries if d.claimed_until)
    deadline = time.monotonic() + (claim_ends - leases.record_margin - now).total_seconds()
    copy, content = outbound.copy, outbound.content
    crash_point(DELIVERY_CLAIMED)
    recipients = [d.recipient for d in deliveries]
    replies = send(deliverer.connections, copy.mail_from, content, recipients, deadline)
    crash_point(UPSTREAM_ACCEPTED)
    return _record(deliverer, copy, content, deliveries, replies)


def forget_claims(node: str, keeping: Collection[int] = ()) -> int:
    """Let go of this node's claims but those in ``keeping`` (at start: whatever it was
    sending when it died; at a stop: what it had not sent, so that any node takes it at
    once); how many."""
    mine = Delivery.objects.filter(state=DeliveryState.QUEUED, claimed_by=node)
    return mine.exclude(id__in=keeping).update(claimed_by="", claimed_until=None)


def postpone(node: str, delivery_ids: Collection[int], until: datetime) -> int:
    """Let go of this node's claims on these deliveries, due again at ``until``, no attempt
    counted (their copy did not open with the key file, so nothing was tried); how many."""
    mine = Delivery.objects.filter(id__in=delivery_ids, state=DeliveryState.QUEUED, claimed_by=node)
    return mine.update(claimed_by="", claimed_until=None, next_attempt_at=until)


def next_due(now: datetime) -> datetime | None:
    """When the earliest queued delivery that nobody has claimed is due, if there is one.

    Claimed ones are left out: they are being sent (counting them, a node would poll without
    pause while it sends), and a claim that lapses is found by the next poll.
    """
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return (
        Delivery.objects.filter(free, state=DeliveryState.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def _record(
    deliverer: Deliverer,
    copy: Copy,
    content: bytes,
    deliveries: list[Delivery],
    replies: dict[str, Reply],
) -> bool:
    """Record each recipient's answer: first, committed before anything else is tried, the
    recipients the upstream took, so that nothing failing later (a refused recipient's
    bounce, the database) can undo that record and have the copy sent again; then those to
    retry; then the failures with their bounce. The first two are committed with whatever
    the node's other threads commit at the same time (``GroupCommit``)."""
    now = datetime.now(UTC)
    sent: list[Delivery] = []
    retried: list[Delivery] = []
    failed: list[tuple[Delivery, Reply]] = []
    for delivery in deliveries:
        reply = replies[delivery.recipient]
        delivery.attempts += 1
        delivery.last_reply = str(reply)
        delivery.claimed_by = ""
        delivery.claimed_until = None
        if 200 <= reply.code < 300:
            delivery.state = DeliveryState.SENT
            delivery.finished_at = now
            sent.append(delivery)
        elif reply.code >= 500 or now - delivery.created_at > deliverer.retry.give_up_after:
            delivery.state = DeliveryState.FAILED
            delivery.finished_at = now
            failed.append((delivery, reply))
        else:
            delivery.next_attempt_at = deliverer.retry.next_attempt(delivery.attempts, now)
            retried.append(delivery)
    for group in (g for g in (sent, retried) if g):
        deliverer.commits.run(functools.partial(_save_answers, group))
    deferred = bool(retried)
    bounced = False
    if failed:
        bounced = _record_failed(deliverer, copy, content, failed, now)
    for delivery in sorted(deliveries, key=lambda d: d.id):
        log.info(
            "delivery copy=%s delivery=%s state=%s reply=%s",
            copy.id,
            delivery.id,
            delivery.state,
            replies[delivery.recipient].code,
        )
    return deferred or bounced


def _save_answers(deliveries: list[Delivery]) -> None:
    """Write what sending changed of ``deliveries``: one UPDATE for each set of equal values
    (one for most copies, whose recipients got the same answer), not a save of every field of
    each, and written once (``gateway.rows``: the main process records every copy sent)."""
    answers: dict[tuple[object, ...], list[int]] = {}
    for delivery in deliveries:
        answer = (
            delivery.state,
            delivery.attempts,
            delivery.last_reply,
            delivery.next_attempt_at,
            delivery.finished_at,
        )
        answers.setdefault(answer, []).append(delivery.id)
    for (state, attempts, last_reply, next_attempt_at, finished_at), ids in answers.items():
        rows.update(
            Delivery,
            {"id": ids},
            {
                "state": state,
                "attempts": attempts,
                "last_reply": last_reply,
                "next_attempt_at": next_attempt_at,
                "finished_at": finished_at,
                "claimed_by": "",
                "claimed_until": None,
            },
        )


def _record_failed(
    deliverer: Deliverer,
    copy: Copy,
    content: bytes,
    failed: list[tuple[Delivery, Reply]],
    now: datetime,
) -> bool:
    """Record the failed deliveries together with the bounce that tells the sender (none for
    the null sender, a notice or a bounce); whether a bounce was queued.

    A bounce that cannot be built (a sender address no report can be written to, say one
    stored before the door refused such addresses) does not stop the failures being
    recorded: each says so in ``last_reply``, and nothing is retried."""
    report = None
    if copy.mail_from and copy.kind not in (CopyKind.NOTICE, CopyKind.BOUNCE):
        try:
            report = _bounce(deliverer, copy, content, failed, now)
        except Exception as exc:  # noqa: BLE001  # whatever the sender's address holds
            log.warning(
                "bounce could not be built copy=%s message=%s deliveries=%s (%s)",
                copy.id,
                copy.message_id,
                ",".join(str(d.id) for d, _ in failed),
                type(exc).__name__,
            )
            for delivery, _ in failed:
                delivery.last_reply += f"; {BOUNCE_NOT_BUILT} ({type(exc).__name__})"
    with transaction.atomic():
        for delivery, _ in failed:
            delivery.save()
        if report is not None:
            bounce = Copy.objects.create(
                message_id=copy.message_id,
                kind=CopyKind.BOUNCE,
                mail_from="",
                sealed=deliverer.sealer.seal(report),
            )
            Delivery.objects.create(copy=bounce, recipient=copy.mail_from)
    return report is not None


def _bounce(
    deliverer: Deliverer,
    copy: Copy,
    content: bytes,
    failed: list[tuple[Delivery, Reply]],
    now: datetime,
) -> bytes:
    """The delivery failure report for ``failed``."""
    return delivery_failure(
        original=content,
        sender=copy.mail_from,
        failed=[
            FailedRecipient(
                d.recipient,
                enhanced_status(r.code or 400, r.text) if r.code else "4.4.7",
                str(r) if r.code else f"gave up after {d.attempts} attempts: {r.text}",
            )
            for d, r in failed
        ],
        reporting_mta=deliverer.hostname,
        from_address=deliverer.notice_from,
        confide_id=str(copy.message_id),
        at=now,
        organisation=deliverer.organisation,
    )
