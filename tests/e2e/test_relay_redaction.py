"""Redacted copies through the real relay: what the upstream receives holds none of the
values that had to go."""

from __future__ import annotations

import email
import email.policy

import pytest

from tests.e2e.conftest import SENDER, Relay, Sink, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.shared_relay]

STRANGER = "someone@elsewhere.example"  # no consent recorded for anyone
# A person who is not in the example register: their data is redacted, not held.
VALUES = [b"Chidi", b"Eze", b"642", b"2997", b"07700", b"900461", b"mailbox.example"]


def _referral(body: str, subject: str) -> bytes:
    return (
        f"From: Priya Sharma <{SENDER}>\r\nTo: {STRANGER}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject}@riverside-carers.example.org>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def test_the_upstream_receives_redacted_copies_with_nothing_left(relay: Relay, sink: Sink):
    """The three leaks found in redacted copies (offsets past a zero-width space, a name
    inside an email address, values spread by double spaces), each sent through the relay:
    the copy that reaches the upstream is marked redacted and none of the values is in its
    bytes, however encoded."""
    bodies = {
        "teams": "Copied from Teams:\u200b\nNHS number 642 621 2997, Chidi Eze, 07700 900461.",
        "nested": "Referral for Chidi Eze, NHS number 642 621 2997, mobile 07700 900461, "
        "email chidi.eze@mailbox.example.",
        "spaces": "Referral  for  Chidi  Eze,  NHS  number  642  621  2997,  mobile  07700"
        "  900461,  email  chidi.eze@mailbox.example.",
    }
    for subject, body in bodies.items():
        assert relay.send(_referral(body, subject), [STRANGER]) == {}
    copies = wait_for(
        lambda: len(sink.handler.to(STRANGER)) == len(bodies) and sink.handler.to(STRANGER)
    )
    assert sink.handler.to(SENDER) == []  # nothing held: no notice
    for copy in copies:
        parsed = email.message_from_bytes(copy.content, policy=email.policy.default)
        assert parsed["X-Confide-Verdict"] == "redact"
        text = parsed.get_body(("plain",)).get_content()
        assert "[NHS number removed]" in text
        body = copy.content.split(b"\r\n\r\n", 1)[1]  # the header block has a random id
        for value in VALUES:
            assert value not in body, (parsed["Subject"], value)
            assert value.decode() not in text, (parsed["Subject"], value)


def test_numbers_and_addresses_written_to_dodge_are_redacted(relay: Relay, sink: Sink):
    """A hostile sender's disguises, each sent through the relay: an NHS number and a mobile
    written as words, an email address written out, a name glued to digits, an NHS number
    split over lines with no NHS word; and a quoted reply whose lines wrap inside the NHS
    number and the mobile. The copy the upstream receives holds none of it."""
    bodies = {
        "words": "Referral for Chidi Eze, NHS number six four two six two one two nine nine "
        "seven, mobile oh seven seven double oh nine hundred four six one, email chidi dot "
        "eze at mailbox dot example.",
        "glued": "Referral for Chidi Eze1, login CEze1985, email chidi.eze (at) mailbox (dot) "
        "example.",
        "split": "Client notes:\r\n642\r\n621\r\n2997\r\nSeen at home.",
        "wrapped": "See below.\r\n\r\n> Chidi Eze's NHS number is 642 621\r\n> 2997, mobile "
        "07700\r\n> 900461.",
    }
    gone = {
        "words": ["Chidi", "two nine nine", "seven seven double", "four six one", "mailbox"],
        "glued": ["Chidi", "Eze1", "CEze", "mailbox"],
        "split": ["642", "621", "2997"],
        "wrapped": ["Eze", "621", "2997", "07700", "900461"],
    }
    for subject, body in bodies.items():
        assert relay.send(_referral(body, f"dodge-{subject}"), [STRANGER]) == {}
    copies = wait_for(
        lambda: (
            len([c for c in sink.handler.to(STRANGER) if b"dodge-" in c.content]) == len(bodies)
            and [c for c in sink.handler.to(STRANGER) if b"dodge-" in c.content]
        )
    )
    for copy in copies:
        parsed = email.message_from_bytes(copy.content, policy=email.policy.default)
        assert parsed["X-Confide-Verdict"] == "redact", parsed["Subject"]
        text = parsed.get_body(("plain",)).get_content()
        for value in gone[parsed["Subject"].partition("dodge-")[2]]:
            assert value not in text, (parsed["Subject"], value)
