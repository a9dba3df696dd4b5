"""Envelope addresses the relay refuses at the door: recipients that would pass the message on
to somewhere else while looking internal, the null recipient, and addresses that the hold
notice and the delivery failure report could not be written to or about."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.conftest import COLLEAGUE, INTERNAL, SENDER, Relay
from tests.e2e.test_relay_door import reply

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.shared_relay]

# Each looks internal by its domain, but asks the next server to pass the message on.
ROUTED_RECIPIENTS = [
    f"user%friends.example.net@{INTERNAL}",
    f'"user@friends.example.net"@{INTERNAL}',
    f"friends.example.net!user@{INTERNAL}",
    f"@friends.example.net,@relay.example.net:user@{INTERNAL}",
]
# Control characters that made every attempt to write a notice or a bounce fail, and some others.
CONTROL_BYTES = [0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x00, 0x01, 0x08, 0x0D, 0x1B, 0x7F]


class Conversation:
    """One SMTP session with the relay over a plain socket, so any byte can be sent."""

    def __init__(self, relay: Relay) -> None:
        self.sock = socket.create_connection(("127.0.0.1", relay.port), timeout=30)
        assert reply(self.sock).startswith(b"220")

    def say(self, command: bytes) -> bytes:
        self.sock.sendall(command + b"\r\n")
        return reply(self.sock)

    def close(self) -> None:
        self.sock.close()


def test_recipients_that_route_elsewhere_and_the_null_recipient_are_refused(relay: Relay):
    """A recipient with %, !, a quoted local part or a source route is refused with 553, and
    <> with 501, in replies that do not repeat the address; a plain one is still accepted."""
    conversation = Conversation(relay)
    try:
        assert conversation.say(b"EHLO test").startswith(b"250")
        assert conversation.say(b"MAIL FROM:<" + SENDER.encode() + b">").startswith(b"250")
        for address in ROUTED_RECIPIENTS:
            answer = conversation.say(b"RCPT TO:<" + address.encode() + b">")
            assert answer.startswith(b"553 5.1.3"), (address, answer)
            assert b"user" not in answer
        assert conversation.say(b"RCPT TO:<>").startswith(b"501")
        assert conversation.say(b"RCPT TO:<" + COLLEAGUE.encode() + b">").startswith(b"250")
    finally:
        conversation.close()


def test_addresses_with_control_characters_are_refused(relay: Relay):
    """A control character in MAIL FROM or RCPT TO is refused with a 5xx that does not repeat
    the address, and the session carries on."""
    conversation = Conversation(relay)
    try:
        assert conversation.say(b"EHLO test").startswith(b"250")
        for byte in CONTROL_BYTES:
            sender = b"pri" + bytes([byte]) + b"ya@" + INTERNAL.encode()
            answer = conversation.say(b"MAIL FROM:<" + sender + b">")
            assert answer[:1] == b"5", (hex(byte), answer)
            assert b"pri" not in answer
        assert conversation.say(b"MAIL FROM:<" + SENDER.encode() + b">").startswith(b"250")
        for byte in CONTROL_BYTES:
            recipient = b"frie" + bytes([byte]) + b"nds@example.net"
            answer = conversation.say(b"RCPT TO:<" + recipient + b">")
            assert answer[:1] == b"5", (hex(byte), answer)
            assert b"frie" not in answer
        assert conversation.say(b"RCPT TO:<friends@example.net>").startswith(b"250")
    finally:
        conversation.close()
