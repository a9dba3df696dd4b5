"""What the door does with a message before its 250: stored, claimed for its first attempt,
and sealed outside the transaction the door's and the delivery threads share (it holds
SQLite's only write lock while it lasts)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from aiosmtpd.smtp import Envelope, Session
from django.db import connection

from gateway.config import Settings
from gateway.relay.models import Message
from gateway.relay.service import RelayService
from gateway.sealing import Sealer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

INTERNAL = "riverside-carers.example.org"


def _relay(data_dir: Path) -> RelayService:
    return RelayService(
        Settings(
            data_dir=data_dir,
            organisation={"name": "Riverside", "internal_domains": [INTERNAL]},
            relay={"node": "relay-1"},
        )
    )


def _stored(relay: RelayService, envelope: Envelope) -> uuid.UUID:
    """What the door's callback stores ``envelope`` under, from a client on loopback."""
    loop = asyncio.new_event_loop()
    try:
        session = Session(loop)
        session.peer = ("127.0.0.1", 40000)
        return relay._store(envelope, session)
    finally:
        loop.close()


def test_the_door_seals_a_message_before_the_shared_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The message is sealed in the door's thread with no transaction open, then stored,
    claimed by this node."""
    relay = _relay(tmp_path)
    sealed_in_a_transaction: list[bool] = []
    seal = Sealer.seal

    def noted(self: Sealer, data: bytes) -> bytes:
        sealed_in_a_transaction.append(connection.in_atomic_block)
        return seal(self, data)

    monkeypatch.setattr(Sealer, "seal", noted)
    envelope = Envelope()
    envelope.mail_from = f"priya@{INTERNAL}"
    envelope.rcpt_tos = [f"sam@{INTERNAL}"]
    envelope.original_content = b"Subject: rota\r\n\r\nRota on Friday.\r\n"
    message_id = _stored(relay, envelope)
    assert sealed_in_a_transaction == [False]
    stored = Message.objects.get(id=message_id)
    assert (stored.claimed_by, stored.scan_attempts) == ("relay-1", 1)
    assert relay.sealer.unseal(bytes(stored.sealed)) == envelope.original_content


def test_one_mailbox_given_twice_in_two_cases_is_stored_once(tmp_path: Path):
    """RCPT TO worker@leeds-asc.example and Worker@Leeds-ASC.example: one recipient stored,
    as first given, so one outcome and one copy (the outside tester's finding 7)."""
    relay = _relay(tmp_path)
    envelope = Envelope()
    envelope.mail_from = f"priya@{INTERNAL}"
    envelope.rcpt_tos = [
        "worker@leeds-asc.example",
        f"sam@{INTERNAL}",
        "Worker@Leeds-ASC.example",
        f"SAM@{INTERNAL.upper()}",
    ]
    envelope.original_content = b"Subject: rota\r\n\r\nRota on Friday.\r\n"
    message_id = _stored(relay, envelope)
    stored = Message.objects.get(id=message_id)
    assert stored.recipients == ["worker@leeds-asc.example", f"sam@{INTERNAL}"]
    assert relay._received[message_id].recipients == stored.recipients
