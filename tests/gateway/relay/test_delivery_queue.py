"""The delivery queue in the database: claiming due deliveries in bulk, sending each claim to
its own deliveries only, and using a claim only while it has time left, never past it."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from gateway.config import UpstreamSettings
from gateway.relay import delivery, spool
from gateway.relay.leases import Leases
from gateway.relay.models import Copy, Delivery, DeliveryState, Message
from gateway.relay.upstream import Connections
from gateway.sealing import Sealer
from tests.gateway.relay.conftest import Upstream

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

SEALER = Sealer(Fernet.generate_key())


def _copy() -> Copy:
    message_id = spool.store(
        SEALER,
        mail_from="a@riverside-carers.example.org",
        recipients=["b@example.net", "c@example.net"],
        content=b"Subject: x\r\n\r\nhello\r\n",
        client_address="127.0.0.1",
        node="relay-1",
    ).id
    message = Message.objects.get(id=message_id)
    return Copy.objects.create(message=message, kind="release", sealed=SEALER.seal(b"x"))


def _deliverer(upstream: UpstreamSettings) -> delivery.Deliverer:
    return delivery.Deliverer(
        connections=Connections(upstream, "relay.example.org"),
        sealer=SEALER,
        retry=delivery.Retry(1, 60, timedelta(hours=1)),
        node="relay-1",
        hostname="relay.example.org",
        notice_from="postmaster@example.org",
        organisation="Riverside",
    )


def test_claim_due_takes_only_free_due_deliveries_once():
    now = datetime.now(UTC)
    free, taken, later = _copy(), _copy(), _copy()
    Delivery.objects.create(copy=free, recipient="b@example.net", next_attempt_at=now)
    Delivery.objects.create(copy=free, recipient="c@example.net", next_attempt_at=now)
    lease = now + timedelta(minutes=1)
    Delivery.objects.create(copy=taken, recipient="b@example.net", next_attempt_at=now,
                            claimed_by="relay-2", claimed_until=lease)  # fmt: skip
    Delivery.objects.create(copy=later, recipient="b@example.net", next_attempt_at=lease)

    [claim] = delivery.claim_due("relay-1", now)
    assert claim.copy_id == free.id
    assert set(claim.delivery_ids) == set(
        Delivery.objects.filter(copy=free).values_list("id", flat=True)
    )
    assert set(Delivery.objects.filter(copy=free).values_list("claimed_by", flat=True)) == {
        "relay-1"
    }
    assert delivery.claim_due("relay-1", now) == []  # its own live claims are not due again
    # Once the other node's lease lapses, its delivery is free.
    lapsed = delivery.claim_due("relay-1", now + timedelta(minutes=2))
    assert [claim.copy_id for claim in lapsed] == [taken.id, later.id]


def test_a_copy_claimed_in_two_goes_reaches_each_recipient_once(
    upstream: tuple[Upstream, UpstreamSettings],
):
    """More due recipients than one claim takes: the rest are claimed next, and each claim is
    sent to its own recipients only. Sending a claim to every recipient of its copy that this
    node had claimed would, with two claims sent at once, reach the first ones twice."""
    handler, settings = upstream
    copy = _copy()
    now = datetime.now(UTC)
    recipients = [f"r{i}@example.net" for i in range(5)]
    for address in recipients:
        Delivery.objects.create(copy=copy, recipient=address, next_attempt_at=now)

    first = delivery.claim_due("relay-1", now, limit=3)
    second = delivery.claim_due("relay-1", now, limit=3)
    assert [claim.copy_id for claim in first + second] == [copy.id, copy.id]
    assert (len(first[0].delivery_ids), len(second[0].delivery_ids)) == (3, 2)

    deliverer = _deliverer(settings)
    for claim in (*first, *second):
        delivery.deliver_claimed(deliverer, claim)
    deliverer.connections.close()
    assert [len(transaction) for transaction in handler.accepted] == [3, 2]
    sent = sorted(address for transaction in handler.accepted for address in transaction)
    assert sent == recipients
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_a_claim_with_too_little_time_left_is_not_used():
    """Sending on a nearly lapsed claim could overlap another node's sending: it is left to
    lapse (nothing is sent, so no upstream is needed here)."""
    copy = _copy()
    now = datetime.now(UTC)
    Delivery.objects.create(copy=copy, recipient="b@example.net", claimed_by="relay-1",
                            claimed_until=now + Leases().send_margin / 2)  # fmt: skip
    deliverer = _deliverer(UpstreamSettings(port=9))  # nothing is sent
    claim = delivery.Claim(copy.id, tuple(Delivery.objects.values_list("id", flat=True)))
    assert delivery.deliver_claimed(deliverer, claim) is False
    assert Delivery.objects.get(copy=copy).attempts == 0


def test_a_send_still_going_when_its_claim_is_nearly_over_is_abandoned(
    upstream: tuple[Upstream, UpstreamSettings], monkeypatch: pytest.MonkeyPatch
):
    """A slow upstream must not keep a transaction going until the claim lapses, when another
    node could claim the copy and send it too. Here sending starts about a second before the
    record margin (three seconds of RCPTs to go): the transaction is cut off there, and the
    deliveries wait for a retry."""
    handler, settings = upstream
    handler.rcpt_seconds = 0.5
    send_margin = Leases().send_margin
    record_margin = property(lambda _: send_margin + timedelta(seconds=2))
    monkeypatch.setattr(Leases, "record_margin", record_margin)
    copy = _copy()
    claimed_until = datetime.now(UTC) + send_margin + timedelta(seconds=3)
    deliveries = [
        Delivery.objects.create(
            copy=copy,
            recipient=f"r{i}@example.net",
            claimed_by="relay-1",
            claimed_until=claimed_until,
        )
        for i in range(6)
    ]
    deliverer = _deliverer(settings)
    assert delivery.deliver(
        deliverer, delivery.Outbound(copy, b"Subject: x\r\n\r\nhi\r\n", deliveries)
    )
    deliverer.connections.close()
    assert handler.accepted == []
    assert datetime.now(UTC) < claimed_until
    for row in Delivery.objects.filter(copy=copy):
        assert (row.state, row.claimed_by, row.attempts) == (DeliveryState.QUEUED, "", 1)
        assert row.last_reply.startswith("no answer from the upstream")


def test_next_due_leaves_out_claimed_deliveries():
    """A delivery being sent is not due: counting it, the claiming loop would never pause."""
    now = datetime.now(UTC)
    copy = _copy()
    lease = now + timedelta(minutes=15)
    Delivery.objects.create(copy=copy, recipient="b@example.net", next_attempt_at=now,
                            claimed_by="relay-1", claimed_until=lease)  # fmt: skip
    assert delivery.next_due(now) is None
    retry = now + timedelta(minutes=3)
    Delivery.objects.create(copy=copy, recipient="c@example.net", next_attempt_at=retry)
    assert delivery.next_due(now) == retry
    # Once the claim lapses, the first delivery is due again.
    assert delivery.next_due(now + timedelta(minutes=16)) == now
