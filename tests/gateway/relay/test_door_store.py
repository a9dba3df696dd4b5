"""What the door does with a message before its 250: stored, claimed for its first attempt,
and sealed outside the transaction the door's and the delivery threads share (it holds
SQLite's only write lock while it lasts)."""

from __future__ import annotations

import asyncio
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


def test_the_door_seals_a_message_before_the_shared_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The message is sealed in the door's thread with no transaction open, then stored,
    claimed by this node."""
    relay = RelayService(
        Settings(
            data_dir=tmp_path,
            organisation={"name": "Riverside", "internal_domains": [INTERNAL]},
            relay={"node": "relay-1"},
        )
    )
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
    loop = asyncio.new_event_loop()
    try:
        session = Session(loop)
        session.peer = ("127.0.0.1", 40000)
        message_id = relay._store(envelope, session)
    finally:
        loop.close()
    assert sealed_in_a_transaction == [False]
    stored = Message.objects.get(id=message_id)
    assert (stored.claimed_by, stored.scan_attempts) == ("relay-1", 1)
    assert relay.sealer.unseal(bytes(stored.sealed)) == envelope.original_content
