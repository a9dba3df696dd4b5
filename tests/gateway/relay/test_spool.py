"""Storing received messages, and who may scan them: the claims and the attempts they count."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from gateway.relay import spool
from gateway.relay.models import Message, MessageState
from gateway.sealing import Sealer

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

MESSAGE = {
    "mail_from": "a@riverside-carers.example.org",
    "recipients": ["b@example.net"],
    "content": b"Subject: x\r\n\r\nhello\r\n",
    "client_address": "127.0.0.1",
}


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(Fernet.generate_key())


def test_a_resent_message_is_stored_once(sealer: Sealer):
    """The same envelope and bytes with a Message-ID again (a client that lost our 250) get
    the first id; another envelope is another message."""
    with_id = b"Message-ID: <resend-1@riverside-carers.example.org>\r\n" + MESSAGE["content"]
    resent = {**MESSAGE, "content": with_id}
    first = spool.store(sealer, **resent, node="relay-1")
    assert first.new
    assert spool.store(sealer, **resent, node="relay-1") == (first.id, False)
    assert Message.objects.count() == 1
    changed = {**resent, "recipients": ["c@example.net"]}
    assert spool.store(sealer, **changed, node="relay-1").id != first.id


@pytest.mark.parametrize(
    "content",
    [
        MESSAGE["content"],
        b"Message-ID:\r\n" + MESSAGE["content"],
        b"X-Note: see\r\n Message-ID: <folded-into-another@x>\r\n" + MESSAGE["content"],
        MESSAGE["content"] + b"Message-ID: <in-the-body@x>\r\n",
    ],
    ids=["none", "empty", "inside-another-field", "in-the-body"],
)
def test_the_same_message_without_a_message_id_is_a_new_message_each_time(
    sealer: Sealer, content: bytes
):
    """A script's alert sent twice, byte for byte and with no Message-ID field (none, an
    empty one, or the words inside another field or the body), is two messages: nothing
    tells it from a resend, and a copy too many is better than one lost."""
    alert = {**MESSAGE, "content": content}
    first = spool.store(sealer, **alert, node="relay-1")
    second = spool.store(sealer, **alert, node="relay-1")
    assert first.new
    assert second.new
    assert first.id != second.id
    assert Message.objects.count() == 2


def test_storing_claims_the_first_attempt_for_the_receiving_node(sealer: Sealer):
    message_id = spool.store(sealer, **MESSAGE, node="relay-1").id
    now = datetime.now(UTC)
    message = spool.claimed(sealer, message_id, "relay-1", now)
    assert message is not None
    assert message.scan_attempts == 1
    assert spool.claimed(sealer, message_id, "relay-2", now) is None
    assert (message.mail_from, message.recipients) == (MESSAGE["mail_from"], MESSAGE["recipients"])
    assert message.content == MESSAGE["content"]


def test_a_lapsed_claim_is_not_used_and_another_node_may_take_it(sealer: Sealer):
    message_id = spool.store(sealer, **MESSAGE, node="relay-1").id
    later = datetime.now(UTC) + spool.SCAN_LEASE + timedelta(seconds=1)
    assert spool.claimed(sealer, message_id, "relay-1", later) is None
    assert spool.claim_waiting("relay-2", later) == [message_id]
    message = Message.objects.get(id=message_id)
    assert (message.claimed_by, message.scan_attempts) == ("relay-2", 2)
    assert spool.claim_again(message_id, "relay-1", later) is False  # relay-2 holds it now


def test_every_claim_after_the_first_counts_an_attempt(sealer: Sealer):
    message_id = spool.store(sealer, **MESSAGE, node="relay-1").id
    now = datetime.now(UTC)
    assert spool.claim_again(message_id, "relay-1", now) is True
    assert spool.claim_waiting("relay-1", now) == []  # its own live claim: not waiting
    assert spool.claim_waiting("relay-1", now, restarting=True) == [message_id]
    assert Message.objects.get(id=message_id).scan_attempts == 3


def test_a_processed_message_is_claimed_by_nobody(sealer: Sealer):
    message_id = spool.store(sealer, **MESSAGE, node="relay-1").id
    Message.objects.filter(id=message_id).update(state=MessageState.PROCESSED)
    now = datetime.now(UTC) + spool.SCAN_LEASE * 2
    assert spool.claim_again(message_id, "relay-1", now) is False
    assert spool.claim_waiting("relay-1", now, restarting=True) == []
    assert spool.claimed(sealer, message_id, "relay-1", datetime.now(UTC)) is None


def test_a_renewed_claim_outlasts_its_first_lease_and_counts_no_attempt(sealer: Sealer):
    """A living node renews what it holds: a short first lease, renewed, is not taken by
    another node when it would have lapsed; a claim another node holds is not renewed."""
    lease = timedelta(seconds=30)
    mine = spool.store(sealer, **MESSAGE, node="relay-1", lease=lease).id
    theirs = spool.store(sealer, **{**MESSAGE, "recipients": ["c@x.net"]}, node="relay-2").id
    later = datetime.now(UTC) + lease * 2
    assert spool.renew("relay-1", [mine, theirs], later - lease / 2, lease) == 1
    assert spool.claim_waiting("relay-3", later) == []  # renewed, and relay-2's still live
    assert Message.objects.get(id=mine).scan_attempts == 1
    assert Message.objects.get(id=theirs).claimed_by == "relay-2"
    assert spool.claim_waiting("relay-3", later + lease) == [mine]
