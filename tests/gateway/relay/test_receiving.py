"""The door's own faults: a failure to store, or any error of ours, is a temporary 451 that
names nothing inside; what it remembers of failed logins does not grow for ever; and a message
transfer that takes too long is cut, with nothing stored."""

from __future__ import annotations

import asyncio
import dataclasses
import smtplib
import socket
import time
import uuid
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from aiosmtpd.smtp import Envelope, LoginPassword, Session

from gateway.relay.receiving import RelayHandler
from tests.gateway.relay.conftest import RULES

MESSAGE = (
    b"From: a@riverside-carers.example.org\r\nSubject: hello\r\n\r\n"
    b"The coffee morning is on Friday.\r\n"
)


def _failing_store(envelope: Envelope, session: Session) -> uuid.UUID:
    raise OSError("disk full at /var/lib/confide/secret-path")


def _stored_raises(message_id: uuid.UUID) -> None:
    raise RuntimeError("internal detail that must not leak")


def _send(port: int) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo()
        client.mail("a@riverside-carers.example.org")
        client.rcpt("b@example.net")
        return client.data(MESSAGE)


def test_a_failure_to_store_is_451(door: Callable[..., int]):
    """When the message cannot be stored the client is told to retry, and told nothing else."""
    code, text = _send(door(_failing_store, lambda _id: None))
    assert code == 451
    assert text.startswith(b"4.3.0")
    assert b"disk" not in text
    assert b"OSError" not in text


def test_an_error_of_ours_is_451_without_internals(door: Callable[..., int]):
    """An exception inside the door becomes 451 4.3.0, never a 500 naming the exception."""
    code, text = _send(door(lambda _e, _s: uuid.uuid4(), _stored_raises))
    assert code == 451
    assert b"RuntimeError" not in text
    assert b"internal detail" not in text


def test_auth_failures_are_forgotten_once_their_window_has_passed():
    """Many addresses failing AUTH once each must not fill memory: a client with no failure
    inside the window is forgotten, and a successful login clears its client's record."""
    rules = dataclasses.replace(RULES, auth_failure_window_seconds=0.2)
    handler = RelayHandler(
        rules,
        _failing_store,
        lambda _id: None,
        lambda login, password: password == "right",  # noqa: S105
    )

    def attempt(client: str, password: bytes) -> bool:
        server = SimpleNamespace(session=SimpleNamespace(peer=(client, 25)))
        credentials = LoginPassword(b"volunteer", password)
        result = asyncio.run(handler._authenticate(server, credentials))
        return bool(result.success)

    for i in range(50):
        assert not attempt(f"192.0.2.{i}", b"wrong")
    assert handler.login_attempts.clients_remembered() == 50
    time.sleep(0.3)
    assert attempt("198.51.100.1", b"right")
    assert handler.login_attempts.clients_remembered() == 0


def _trickle(port: int, chunks: int, pause: float, chunk_bytes: int = 40) -> bytes:
    """Send one message whose text arrives in ``chunks`` pieces of about ``chunk_bytes``,
    ``pause`` seconds apart; the reply to its final dot (or whatever the door said instead)."""
    line = b"The coffee morning is on Friday, in the hall as usual." + b"." * 40 + b"\r\n"
    chunk = line * max(1, chunk_bytes // len(line))
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        conversation = sock.makefile("rb")
        assert conversation.readline().startswith(b"220")
        for command in (b"HELO test", b"MAIL FROM:<a@riverside-carers.example.org>",
                        b"RCPT TO:<b@example.net>", b"DATA"):  # fmt: skip
            sock.sendall(command + b"\r\n")
            assert conversation.readline()[:1] in (b"2", b"3")
        sock.sendall(b"From: a@riverside-carers.example.org\r\nSubject: hello\r\n\r\n")
        try:
            for _ in range(chunks):
                time.sleep(pause)
                sock.sendall(chunk)
            sock.sendall(b".\r\n")
        except OSError:  # the door has closed the connection
            pass
        return conversation.readline()


def test_a_transfer_longer_than_the_data_timeout_is_cut(door: Callable[..., int]):
    """A message that arrives steadily, with no pause as long as the idle timeout, but takes
    longer than the data timeout in all is cut with 421 and is not stored."""
    stored: list[Envelope] = []

    def store(envelope: Envelope, session: Session) -> uuid.UUID:
        stored.append(envelope)
        return uuid.uuid4()

    rules = dataclasses.replace(RULES, data_timeout_seconds=2)
    port = door(store, lambda _id: None, rules, timeout=1.5)
    assert _trickle(port, chunks=8, pause=0.5).startswith(b"421 4.4.2")
    assert stored == []


def test_a_steady_transfer_within_the_data_timeout_is_stored(door: Callable[..., int]):
    """The same steady message, given a data timeout long enough, is stored and gets 250."""
    rules = dataclasses.replace(RULES, data_timeout_seconds=30)
    port = door(lambda _e, _s: uuid.uuid4(), lambda _id: None, rules, timeout=1.5)
    assert _trickle(port, chunks=8, pause=0.5).startswith(b"250")


def test_a_large_message_sent_steadily_is_not_cut_by_the_idle_timeout(door: Callable[..., int]):
    """A 25 MiB message sent in steady pieces, taking several times the idle timeout in all,
    is stored and gets 250."""
    sizes: list[int] = []

    def store(envelope: Envelope, session: Session) -> uuid.UUID:
        sizes.append(len(envelope.original_content or b""))
        return uuid.uuid4()

    port = door(store, lambda _id: None, RULES, timeout=1, data_size_limit=26 * 1024 * 1024)
    assert _trickle(port, chunks=10, pause=0.6, chunk_bytes=25 * 1024 * 1024 // 10).startswith(
        b"250"
    )
    [size] = sizes
    assert size > 24 * 1024 * 1024


MAIL_ARGUMENTS = [
    "<a@example.net> SIZE=10",
    "<a@example.net> SIZE=10 BODY=8BITMIME SMTPUTF8",
    "<a@example.net>  SIZE=10",
    "<a@example.net>\tSIZE=10",
    "<a@example.net> (comment) SIZE=10",
    "<a@example.net> SIZE=10 (comment)",
    "<a@example.net>SIZE=10",
    "<a@example.net> ",
    "<a@example.net> =x",
    "<> SIZE=10",
    '<"a b"@example.net> SIZE=10',
    "<@relay.example:a@example.net> SIZE=10",
    "<a@[192.0.2.1]> SIZE=10",
    "<a..b@example.net> SIZE=10",
    "<.a@example.net> SIZE=10",
    "<a@example.net.> SIZE=10",
    "<a@@example.net> SIZE=10",
    "<a@example.net SIZE=10",
    "<jo+tag@sub.example.net> SIZE=10 AUTH=<>",
    "<jó@example.net> SIZE=10 SMTPUTF8",
    f"<{'x' * 70}@example.net> SIZE=10",
]


@pytest.mark.parametrize("arg", MAIL_ARGUMENTS)
@pytest.mark.parametrize("local_part_limit", [0, 64])
def test_the_door_reads_an_address_and_its_parameters_as_aiosmtpd_does(
    arg: str, local_part_limit: int, monkeypatch: pytest.MonkeyPatch
):
    """An address with parameters, read from what the door remembers of the address alone,
    gives aiosmtpd's own answer: the address (or none) and the parameters it leaves."""
    from aiosmtpd.smtp import SMTP

    from gateway.relay import receiving
    from gateway.relay.receiving import RelayServer

    monkeypatch.setattr(receiving, "_PARSED_ADDRESSES", receiving._ParsedAddresses())
    monkeypatch.setattr(SMTP, "local_part_limit", local_part_limit)
    loop = asyncio.new_event_loop()
    try:
        door = RelayServer(RelayHandler(RULES, _failing_store, _stored_raises), loop=loop)
        plain = SMTP(handler=object(), loop=loop)
        for _ in range(2):  # parsed, then remembered
            assert door._getaddr(arg) == SMTP._getaddr(plain, arg)
    finally:
        loop.close()


def test_the_door_parses_an_address_seen_again_once_and_as_aiosmtpd_does(monkeypatch):
    """Each MAIL and RCPT argument is parsed by aiosmtpd once however often it comes, and the
    answer is aiosmtpd's own, the local-part limit included."""
    from aiosmtpd.smtp import SMTP

    from gateway.relay import receiving
    from gateway.relay.receiving import RelayServer

    monkeypatch.setattr(receiving, "_PARSED_ADDRESSES", receiving._ParsedAddresses())
    parsed: list[str] = []
    aiosmtpd_getaddr = SMTP._getaddr

    def counted(self: SMTP, arg: str) -> tuple[str | None, str | None]:
        parsed.append(arg)
        return aiosmtpd_getaddr(self, arg)

    monkeypatch.setattr(SMTP, "_getaddr", counted)
    loop = asyncio.new_event_loop()
    try:
        door = RelayServer(RelayHandler(RULES, _failing_store, _stored_raises), loop=loop)
        plain = SMTP(handler=object(), loop=loop)
        args = ["<a@example.net> SIZE=10", "b@example.net", "<a@example.net> SIZE=11",
                "<broken", "", f"<{'x' * 70}@example.net>"]  # fmt: skip
        for arg in args:
            assert door._getaddr(arg) == aiosmtpd_getaddr(plain, arg)
        # A plain address's parameters (MAIL's SIZE is each message's own) are not parsed.
        assert sorted(parsed) == sorted({"<a@example.net>", *args[1:2], *args[3:]})
        monkeypatch.setattr(RelayServer, "local_part_limit", 64, raising=False)
        monkeypatch.setattr(SMTP, "local_part_limit", 64)
        assert door._getaddr(args[-1]) == (None, None) == aiosmtpd_getaddr(plain, args[-1])
    finally:
        loop.close()
