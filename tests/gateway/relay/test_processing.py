"""A stored message through a scanning worker's pipeline: handed over as just received, or
read back by its id, and recorded only while this node still holds it."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from gateway.config import Settings
from gateway.relay import processing, spool
from gateway.relay.models import Delivery, Message, MessageState, Outcome
from gateway.scanning import build_scanner

pytestmark = pytest.mark.django_db

INTERNAL = "riverside-carers.example.org"
CONTENT = (
    b"From: Priya <priya.sharma@riverside-carers.example.org>\r\n"
    b"To: colleague@riverside-carers.example.org\r\n"
    b"Subject: rota\r\n\r\nThe rota for next week is attached to the shared calendar.\r\n"
)
MESSAGE = {
    "mail_from": f"priya.sharma@{INTERNAL}",
    "recipients": [f"colleague@{INTERNAL}"],
    "content": CONTENT,
    "client_address": "127.0.0.1",
}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[processing.Pipeline]:
    folder: Path = tmp_path_factory.mktemp("pipeline")
    settings = Settings(
        data_dir=folder,
        organisation={"name": "Riverside Carers' Centre", "internal_domains": [INTERNAL]},
        relay={"node": "relay-1", "hostname": f"relay.{INTERNAL}"},
    )
    with build_scanner(extraction_workers=1) as scanner:
        yield processing.Pipeline.from_settings(settings, scanner)


def _received(pipeline: processing.Pipeline) -> spool.Received:
    stored = spool.store(pipeline.sealer, **MESSAGE, node=pipeline.node)
    assert stored.new
    return spool.Received(
        stored.id, MESSAGE["mail_from"], MESSAGE["recipients"], CONTENT, scan_attempts=1
    )


def test_a_message_handed_over_is_recorded_with_its_deliveries_claimed(
    pipeline: processing.Pipeline,
):
    received = _received(pipeline)
    [outbound] = processing.process(pipeline, received)
    head = BytesParser(policy=policy.SMTP).parsebytes(outbound.content, headersonly=True)
    assert head.keys()[:2] == ["Received", "X-Confide-Processed"]
    assert head["Received"].startswith(
        f"from [127.0.0.1] by relay.{INTERNAL} (confide) with ESMTP id {received.id}; "
    )
    assert [d.recipient for d in outbound.deliveries] == MESSAGE["recipients"]
    message = Message.objects.get(id=received.id)
    assert (message.state, message.claimed_by) == (MessageState.PROCESSED, "")
    assert list(Outcome.objects.values_list("recipient", "action")) == [
        (f"colleague@{INTERNAL}", "release")
    ]
    assert Delivery.objects.get().claimed_by == "relay-1"


def test_a_message_read_back_by_id_is_processed_the_same_way(pipeline: processing.Pipeline):
    received = _received(pipeline)
    [outbound] = processing.process(pipeline, received.id)
    assert outbound.content.endswith(CONTENT.partition(b"\r\n\r\n")[2])
    assert Message.objects.get(id=received.id).state == MessageState.PROCESSED


def test_a_message_another_node_took_over_is_not_recorded_twice(
    pipeline: processing.Pipeline,
):
    """The lease lapsed while the message waited, and another node claimed it: this node's
    scan of the copy it was handed is thrown away, nothing recorded."""
    received = _received(pipeline)
    later = datetime.now(UTC) + spool.SCAN_LEASE + timedelta(seconds=1)
    assert spool.claim_waiting("relay-2", later) == [received.id]
    with pytest.raises(processing.NotOurs):
        processing.process(pipeline, received)
    assert not Outcome.objects.exists()
    assert not Delivery.objects.exists()
    message = Message.objects.get(id=received.id)
    assert (message.state, message.claimed_by) == (MessageState.RECEIVED, "relay-2")


def test_a_message_done_already_is_not_ours_when_read_back(pipeline: processing.Pipeline):
    received = _received(pipeline)
    processing.process(pipeline, received)
    with pytest.raises(processing.NotOurs):
        processing.process(pipeline, received.id)
    assert Outcome.objects.count() == 1


def test_a_message_that_fails_on_every_try_ends_held(
    pipeline: processing.Pipeline, monkeypatch: pytest.MonkeyPatch
):
    """A fault we did not foresee, after the scan and on every try, must not leave the
    message to be retried for ever, unseen by any manager. Each retry is a claim that counts
    an attempt; after ``MAX_ATTEMPTS`` the message is held as it is, and the sender told."""

    def judge_fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a fault in the policy engine")

    monkeypatch.setattr(processing, "judge", judge_fails)
    received = _received(pipeline)
    tries = 1
    while True:
        try:
            outbound = processing.process(pipeline, received.id)
            break
        except RuntimeError:
            assert tries <= processing.MAX_ATTEMPTS, "still failing after MAX_ATTEMPTS"
            assert spool.claim_again(received.id, pipeline.node, datetime.now(UTC))
            tries += 1
    assert tries == processing.MAX_ATTEMPTS + 1
    message = Message.objects.get(id=received.id)
    assert message.state == MessageState.PROCESSED
    [outcome] = Outcome.objects.filter(message_id=received.id)
    assert (outcome.recipient, outcome.action, outcome.review_state) == (
        f"colleague@{INTERNAL}",
        "hold",
        "held",
    )
    assert outcome.rules == [processing.CANNOT_PROCESS]
    [notice] = outbound
    assert [d.recipient for d in notice.deliveries] == [MESSAGE["mail_from"]]
    assert b"Subject: Held for review: your message\r\n" in notice.content
