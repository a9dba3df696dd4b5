"""The relay reads what arrives by SMTP as a message, whatever its first line: a base64 part
holding special category data is decoded, and the message is not released to a stranger."""

import base64

import pytest

from gateway.relay import processing, spool
from gateway.relay.models import Outcome
from gateway.relay.pipeline import Pipeline

pytestmark = pytest.mark.django_db

INTERNAL = "riverside-carers.example.org"
SENDER = f"priya.sharma@{INTERNAL}"
STRANGER = "someone@elsewhere.example"
CASE_NOTES = (
    "Amina Okafor, NHS number 943 476 5919, date of birth 14/03/2012, "
    "is subject to a child protection plan."
)


def _message(first_line: bytes) -> bytes:
    return (
        first_line + f"From: Priya <{SENDER}>\r\nTo: {STRANGER}\r\n".encode()
        + b'Subject: update\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"'
        b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the notes attached.\r\n"
        b'--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="n.txt"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(CASE_NOTES.encode()) + b"--b--\r\n"
    )  # fmt: skip


def _outcome(pipeline: Pipeline, content: bytes) -> Outcome:
    stored = spool.store(
        pipeline.sealer,
        mail_from=SENDER,
        recipients=[STRANGER],
        content=content,
        client_address="127.0.0.1",
        node=pipeline.node,
    )
    received = spool.Received(stored.id, SENDER, [STRANGER], content, scan_attempts=1)
    processing.process(pipeline, received)
    [outcome] = Outcome.objects.filter(message_id=stored.id)
    return outcome


@pytest.mark.parametrize(
    "first_line",
    [b"", b" \r\n", b"hello\r\n"],
    ids=["ordinary", "white space first", "a line that is not a header first"],
)
def test_a_base64_part_is_read_whatever_the_first_line(
    pipeline: Pipeline, first_line: bytes
) -> None:
    """The same message, whatever its first line, is not released: read as a message, its
    part is decoded, or its header block is seen to be broken and it is held."""
    outcome = _outcome(pipeline, _message(first_line))
    assert outcome.action != "release", outcome.reasons


def test_the_envelope_is_not_read_as_text(pipeline: Pipeline) -> None:
    """A message is read as a message alone: the names in its From and To are the
    correspondents, not content, and a message that says nothing personal is released."""
    content = (
        f"From: Priya Sharma <{SENDER}>\r\nTo: Amina Okafor <{STRANGER}>\r\n".encode()
        + b"Subject: Coffee morning\r\n\r\nThe coffee morning has moved to Thursday.\r\n"
    )
    assert _outcome(pipeline, content).action == "release"


def test_a_message_with_no_header_block_gets_an_outcome(pipeline: Pipeline) -> None:
    """Words with no header at all (which only a client that logged in can send: the door
    refuses a message without a From field of ours from anyone else) are read as a message
    and given an outcome, never lost."""
    outcome = _outcome(pipeline, b"just some words\r\nand no headers\r\n")
    assert outcome.action in ("release", "hold"), outcome.reasons
