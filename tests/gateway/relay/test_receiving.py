"""The door's own faults: a failure to store, or any error of ours, is a temporary 451 that
names nothing inside; and what it remembers of failed logins does not grow for ever."""

from __future__ import annotations

import asyncio
import dataclasses
import smtplib
import time
import uuid
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, LoginPassword, Session

from gateway.relay.receiving import DoorRules, RelayHandler, RelayServer
from tests.e2e.conftest import free_port

RULES = DoorRules(
    allowed_networks=DoorRules.networks(["127.0.0.0/8"]),
    max_recipients=1000,
    max_connections_per_client=5,
    session_timeout_seconds=60,
    auth_failures_allowed=3,
    auth_failure_window_seconds=60,
)
MESSAGE = b"Subject: hello\r\n\r\nThe coffee morning is on Friday.\r\n"


class _RelayController(Controller):  # type: ignore[misc]
    def factory(self) -> SMTP:
        return RelayServer(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def door() -> Iterator[Callable[..., int]]:
    """Start the door on loopback with the given store and stored callbacks; gives its port."""
    controllers: list[Controller] = []

    def start(store: Callable[[Envelope, Session], uuid.UUID], stored: Callable[..., None]) -> int:
        port = free_port()
        handler = RelayHandler(RULES, store, stored)
        controller = _RelayController(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


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
