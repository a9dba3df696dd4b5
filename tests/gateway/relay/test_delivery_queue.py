"""The delivery queue in the database: claiming due deliveries in bulk, and using a claim
only while it has time left."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from gateway.config import UpstreamSettings
from gateway.relay import delivery, spool
from gateway.relay.models import Copy, Delivery, Message
from gateway.relay.upstream import Connections
from gateway.sealing import Sealer

pytestmark = pytest.mark.django_db

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


def test_claim_due_takes_only_free_due_deliveries_once():
    now = datetime.now(UTC)
    free, taken, later = _copy(), _copy(), _copy()
    Delivery.objects.create(copy=free, recipient="b@example.net", next_attempt_at=now)
    Delivery.objects.create(copy=free, recipient="c@example.net", next_attempt_at=now)
    lease = now + timedelta(minutes=1)
    Delivery.objects.create(copy=taken, recipient="b@example.net", next_attempt_at=now,
                            claimed_by="relay-2", claimed_until=lease)  # fmt: skip
    Delivery.objects.create(copy=later, recipient="b@example.net", next_attempt_at=lease)

    assert delivery.claim_due("relay-1", now) == [free.id]
    assert set(Delivery.objects.filter(copy=free).values_list("claimed_by", flat=True)) == {
        "relay-1"
    }
    assert delivery.claim_due("relay-1", now) == []  # its own live claims are not due again
    # Once the other node's lease lapses, its delivery is free.
    assert delivery.claim_due("relay-1", now + timedelta(minutes=2)) == [taken.id, later.id]


def test_a_claim_with_too_little_time_left_is_not_used():
    """Sending on a nearly lapsed claim could overlap another node's sending: it is left to
    lapse (nothing is sent, so no upstream is needed here)."""
    copy = _copy()
    now = datetime.now(UTC)
    Delivery.objects.create(copy=copy, recipient="b@example.net", claimed_by="relay-1",
                            claimed_until=now + delivery.SEND_MARGIN / 2)  # fmt: skip
    sender = delivery.Sender(
        connections=Connections(UpstreamSettings(port=9), "relay.example.org"),  # nothing sent
        sealer=SEALER,
        retry=delivery.Retry(1, 60, timedelta(hours=1)),
        node="relay-1",
        hostname="relay.example.org",
        notice_from="postmaster@example.org",
        organisation="Riverside",
    )
    assert delivery.deliver_claimed(sender, copy.id) is False
    assert Delivery.objects.get(copy=copy).attempts == 0


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
