"""aiosmtpd's own log lines carry the client's address and never what the client sent: a
body pipelined after a refused command, EHLO names, addresses, AUTH and message text, at any
level, through the real logging set-up (gateway/settings.py's LOGGING) and a real relay door
on loopback."""

from __future__ import annotations

import base64
import logging
import smtplib
import socket
import sys
import uuid
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from gateway.health.smtp_library_log import WITHHELD, WithoutClientText
from gateway.relay.receiving import DoorRules, RelayHandler, RelayServer
from tests.e2e.conftest import free_port

RULES = DoorRules(
    allowed_networks=DoorRules.networks(["127.0.0.0/8"]),
    max_recipients=10,
    max_connections_per_client=5,
    session_timeout_seconds=60,
    auth_failures_allowed=3,
    auth_failure_window_seconds=60,
    sender_domains=("charity.example.org",),
)
BODY_LINES = (
    b"Okafor,Jane,1987-03-14,Luton,HIV-positive,referral",
    b"Smythe-Okafor;Jane;QQ123456C;Acacia-Avenue",
    b"Diagnosis:schizophrenia;patient=JaneOkafor",
)


class _RelayController(Controller):  # type: ignore[misc]
    def factory(self) -> SMTP:
        return RelayServer(self.handler, **self.SMTP_kwargs)


def _store(envelope: Envelope, session: Session) -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def door() -> Iterator[int]:
    """The relay's door on loopback; gives its port."""
    port = free_port()
    controller = _RelayController(
        RelayHandler(RULES, _store, lambda _id: None), hostname="127.0.0.1", port=port
    )
    controller.start()
    yield port
    controller.stop()


def _pipeline(port: int, *lines: bytes) -> bytes:
    """Send ``lines`` in one write after EHLO, then QUIT; gives every reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.recv(1000)
        client.sendall(b"EHLO client\r\n")
        client.recv(1000)
        client.sendall(b"".join(line + b"\r\n" for line in (*lines, b"QUIT")))
        replies = b""
        while chunk := client.recv(65536):
            replies += chunk
        return replies


def test_a_body_pipelined_after_a_refusal_is_not_logged(
    door: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A client that pipelines its body after a DATA that is refused (no recipient) has each
    body line read as an unknown command: the warning says so, and holds none of the line."""
    with caplog.at_level(logging.WARNING, logger="mail.log"):
        replies = _pipeline(door, b"MAIL FROM:<a@charity.example.org>", b"DATA", *BODY_LINES)
    assert b"not recognized" in replies
    unrecognised = [r for r in caplog.records if "unrecognised" in r.getMessage()]
    assert len(unrecognised) == len(BODY_LINES)
    assert all("127.0.0.1" in r.getMessage() for r in unrecognised)
    for secret in ("Okafor", "OKAFOR", "QQ123456C", "SCHIZOPHRENIA", "schizophrenia", "Acacia"):
        assert secret not in caplog.text


def test_nothing_a_client_sends_is_logged_even_at_debug(
    door: int, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG (every command, AUTH and DATA line logged by aiosmtpd), no EHLO name,
    address, login, message text or unknown command appears, only the client's address."""
    login = base64.b64encode(b"\x00jane.okafor@gmail.com\x00password").decode()
    with (
        caplog.at_level(logging.DEBUG, logger="mail.log"),
        smtplib.SMTP("127.0.0.1", door, timeout=10) as client,
    ):
        client.ehlo("Jane-Okafor-host")
        client.docmd("AUTH", f"PLAIN {login}")
        client.docmd("AUTH", "LOGIN amFuZS5va2Fmb3I=")
        client.docmd("XOKAFOR", "Jane Okafor 943 476 5919")
        client.sendmail(
            "jane.okafor@charity.example.org",
            ["amina.begum@gmail.com"],
            b"From: jane.okafor@charity.example.org\r\nSubject: Okafor\r\n\r\n"
            b"Jane Okafor, diagnosis schizophrenia\r\n",
        )
    assert any("127.0.0.1" in r.getMessage() for r in caplog.records)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    for secret in ("Okafor", "okafor", "OKAFOR", "amina", "schizophrenia", login, "amFuZS5v"):
        assert secret not in caplog.text


def test_a_traceback_becomes_its_exception_type() -> None:
    """An exception logged by aiosmtpd keeps its type and loses its text and traceback; a
    message made without arguments keeps only its text up to its first colon."""
    try:
        raise ValueError("invalid literal: Jane Okafor")
    except ValueError:
        record = logging.makeLogRecord(
            {
                "name": "mail.log",
                "msg": "%r SMTP session exception",
                "args": (("127.0.0.1", 4000),),
                "exc_info": sys.exc_info(),
            }
        )
    clean = WithoutClientText().filter(record)
    assert clean.getMessage() == "('127.0.0.1', 4000) SMTP session exception (ValueError)"
    assert clean.exc_info is None
    built = logging.makeLogRecord({"name": "mail.debug", "msg": "PROXY exception: Jane Okafor"})
    assert WithoutClientText().filter(built).getMessage() == f"PROXY exception: {WITHHELD}"
