"""Recording what the upstream answered: a copy it took stays recorded as sent whatever fails
after, and a refusal whose bounce cannot be built is recorded as such, not retried."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from gateway.config import UpstreamSettings
from gateway.relay import delivery, spool
from gateway.relay.leases import DELIVERY_LEASE
from gateway.relay.models import Copy, CopyKind, Delivery, DeliveryState, Message
from gateway.relay.upstream import Connections
from gateway.sealing import Sealer
from tests.gateway.relay.conftest import Upstream

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

SEALER = Sealer(Fernet.generate_key())
ALICE, CAROL = "alice@example.net", "carol@example.net"
# A vertical tab: no header can hold it, so no bounce can be addressed to this sender.
UNTELLABLE_SENDER = "priya\x0bsharma@riverside-carers.example.org"
CONTENT = b"Subject: Coffee morning\r\n\r\nOn Friday at ten.\r\n"


def _claimed_copy(mail_from: str, recipients: list[str]) -> tuple[Copy, list[Delivery]]:
    message_id = spool.store(
        SEALER,
        mail_from=mail_from,
        recipients=recipients,
        content=CONTENT,
        client_address="127.0.0.1",
        node="relay-1",
    ).id
    copy = Copy.objects.create(
        message=Message.objects.get(id=message_id),
        kind=CopyKind.RELEASE,
        mail_from=mail_from,
        sealed=SEALER.seal(CONTENT),
    )
    until = datetime.now(UTC) + DELIVERY_LEASE
    deliveries = [
        Delivery.objects.create(copy=copy, recipient=r, claimed_by="relay-1", claimed_until=until)
        for r in recipients
    ]
    return copy, deliveries


def _deliverer(upstream: UpstreamSettings) -> delivery.Deliverer:
    return delivery.Deliverer(
        connections=Connections(upstream, "relay.example.org"),
        sealer=SEALER,
        retry=delivery.Retry(1, 60, timedelta(hours=1)),
        node="relay-1",
        hostname="relay.example.org",
        notice_from="postmaster@riverside-carers.example.org",
        organisation="Riverside",
    )


def test_a_bounce_that_cannot_be_built_undoes_nothing(
    upstream: tuple[Upstream, UpstreamSettings], caplog: pytest.LogCaptureFixture
):
    """One recipient taken, one refused, and no bounce can be addressed to the sender: the
    taken one is recorded sent (so never sent again), the refused one failed with the reason,
    nothing is queued to retry, and a WARNING names the ids."""
    handler, settings = upstream
    handler.refuse.add(CAROL)
    copy, _ = _claimed_copy(UNTELLABLE_SENDER, [ALICE, CAROL])
    deliverer = _deliverer(settings)
    claim = delivery.Claim(copy.id, tuple(Delivery.objects.values_list("id", flat=True)))
    with caplog.at_level(logging.WARNING, logger="confide.relay.delivery"):
        assert delivery.deliver_claimed(deliverer, claim) is False
    deliverer.connections.close()

    assert handler.accepted == [(ALICE,)]
    alice = Delivery.objects.get(recipient=ALICE)
    carol = Delivery.objects.get(recipient=CAROL)
    assert (alice.state, alice.claimed_by) == (DeliveryState.SENT, "")
    assert (carol.state, carol.claimed_by) == (DeliveryState.FAILED, "")
    assert carol.last_reply.startswith("550 5.1.1")
    assert "bounce could not be built" in carol.last_reply
    assert not Copy.objects.filter(kind=CopyKind.BOUNCE).exists()
    assert delivery.claim_due("relay-1", datetime.now(UTC) + timedelta(days=1)) == []
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert f"copy={copy.id}" in warning.getMessage()
    assert f"deliveries={carol.id}" in warning.getMessage()
    assert "priya" not in warning.getMessage()


def test_a_refusal_is_recorded_with_its_bounce(upstream: tuple[Upstream, UpstreamSettings]):
    """A sender who can be told gets one bounce, queued in the same commit as the failure."""
    handler, settings = upstream
    handler.refuse.add(CAROL)
    copy, _ = _claimed_copy("priya.sharma@riverside-carers.example.org", [ALICE, CAROL])
    deliverer = _deliverer(settings)
    claim = delivery.Claim(copy.id, tuple(Delivery.objects.values_list("id", flat=True)))
    assert delivery.deliver_claimed(deliverer, claim) is True
    deliverer.connections.close()
    carol = Delivery.objects.get(recipient=CAROL)
    assert carol.state == DeliveryState.FAILED
    assert "could not be built" not in carol.last_reply
    [bounce] = Delivery.objects.filter(copy__kind=CopyKind.BOUNCE)
    assert bounce.recipient == "priya.sharma@riverside-carers.example.org"
    assert bounce.state == DeliveryState.QUEUED


def test_each_recipient_of_a_copy_keeps_its_own_count_of_attempts(
    upstream: tuple[Upstream, UpstreamSettings],
):
    """A copy's recipients taken in one transaction are recorded together, each sent, with
    its claim let go and its own count of attempts (one of them had been tried before)."""
    _, settings = upstream
    dan = "dan@example.net"
    copy, _ = _claimed_copy("priya.sharma@riverside-carers.example.org", [ALICE, CAROL, dan])
    Delivery.objects.filter(recipient=dan).update(attempts=2)
    deliverer = _deliverer(settings)
    claim = delivery.Claim(copy.id, tuple(Delivery.objects.values_list("id", flat=True)))
    assert delivery.deliver_claimed(deliverer, claim) is False
    deliverer.connections.close()
    recorded = {
        d.recipient: (d.state, d.attempts, d.claimed_by, d.claimed_until, d.last_reply[:3])
        for d in Delivery.objects.all()
    }
    sent = (DeliveryState.SENT, 1, "", None, "250")
    assert recorded == {ALICE: sent, CAROL: sent, dan: (DeliveryState.SENT, 3, "", None, "250")}
    assert not Delivery.objects.filter(finished_at__isnull=True).exists()
