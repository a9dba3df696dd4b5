"""A client that relays because of its network (a shared provider's range can hold other
customers) may send only as the organisation's domains, in MAIL FROM and in From; bounces
(MAIL FROM:<>) pass; a client that logged in, or one on ``any_sender_networks``, is not
checked."""

from __future__ import annotations

import dataclasses
import logging
import smtplib
import uuid
from collections.abc import Callable

import pytest
from aiosmtpd.smtp import Envelope, Session

from gateway.relay.receiving import DoorRules
from tests.gateway.relay.conftest import PIPELINE_INTERNAL_DOMAIN as OURS
from tests.gateway.relay.conftest import RULES

OUTSIDE = "margaret-hughes.me.uk"  # a personal domain is personal data
NOTE = b"Subject: hello\r\n\r\nThe coffee morning is on Friday.\r\n"


@dataclasses.dataclass
class Stored:
    """The store callback: keeps each envelope it is given."""

    envelopes: list[Envelope] = dataclasses.field(default_factory=list)

    def __call__(self, envelope: Envelope, session: Session) -> uuid.UUID:
        self.envelopes.append(envelope)
        return uuid.uuid4()


@pytest.fixture
def stored() -> Stored:
    return Stored()


@pytest.fixture
def port(door: Callable[..., int], stored: Stored) -> int:
    """The door with the tests' rules: loopback relays by network, as the organisation."""
    return int(door(stored, lambda _id: None))


def _message(from_field: str) -> bytes:
    return f"From: {from_field}\r\n".encode() + NOTE


def _mail(port: int, sender: str) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo()
        return client.mail(sender)


def _send(port: int, sender: str, content: bytes) -> tuple[int, bytes]:
    """The door's reply to the final dot, or to the first command it refused."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo()
        for reply in (client.mail(sender), client.rcpt("friends@example.net")):
            if reply[0] >= 400:
                return reply
        return client.data(content)


def test_an_outside_sender_from_an_allowed_network_is_refused_at_mail(
    port: int, stored: Stored, caplog: pytest.LogCaptureFixture
):
    """MAIL FROM another organisation's domain gets 550 5.7.1 naming our domains, nothing is
    stored, and the log names the client and no part of the address (a personal domain is
    personal data)."""
    caplog.set_level(logging.WARNING, "confide.relay")
    code, text = _mail(port, f"jo.bloggs@{OUTSIDE}")
    assert code == 550
    assert text.startswith(b"5.7.1 Sender domain not ours")
    assert OURS.encode() in text
    assert b"jo.bloggs" not in text
    assert _send(port, f"jo.bloggs@{OUTSIDE}", _message(f"jo.bloggs@{OUTSIDE}"))[0] == 550
    assert stored.envelopes == []
    assert "sender domain refused client=127.0.0.1" in caplog.text
    assert "jo.bloggs" not in caplog.text
    assert "margaret" not in caplog.text


@pytest.mark.parametrize(
    "sender",
    [
        "priya@evil-" + OURS,  # ends with our name, but is not a subdomain of it
        f"priya@{OURS}.evil.example",
        f"priya@{OURS}@{OUTSIDE}",
        "priya",  # no domain at all
    ],
)
def test_lookalike_domains_are_outside(port: int, sender: str):
    """A domain that only resembles ours, or no domain, is refused like any outside one."""
    assert _mail(port, sender)[0] in (550, 553)


def test_an_internal_sender_is_accepted(port: int, stored: Stored):
    """Our domain (in any case) and its subdomains, in MAIL FROM and From, are stored."""
    for sender in (f"priya@{OURS}", f"Priya@{OURS.upper()}", f"rota@mail.{OURS}"):
        code, _ = _send(port, sender, _message(f"Priya Sharma <{sender}>"))
        assert code == 250, sender
    assert len(stored.envelopes) == 3


def test_the_null_sender_is_accepted(port: int, stored: Stored):
    """MAIL FROM:<>, a bounce or a delivery notice from our own mail system, is stored."""
    bounce = _message(f"Mail Delivery System <MAILER-DAEMON@mx.{OURS}>")
    assert _send(port, "", bounce)[0] == 250
    assert [e.mail_from for e in stored.envelopes] == ["<>"]


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(f"From: jo@{OUTSIDE}\r\n", id="outside"),
        pytest.param(f"From: priya@{OURS}, jo@{OUTSIDE}\r\n", id="one-author-outside"),
        pytest.param(f"From: priya@{OURS}\r\nFrom: jo@{OUTSIDE}\r\n", id="second-field"),
        # A bare CR ends a header line, for confide's copies and so for the upstream.
        pytest.param(f"From: priya@{OURS}\r\nX-Note: hi\rFrom: jo@{OUTSIDE}\r\n", id="after-cr"),
        pytest.param(f"From: priya@{OURS}\r\nX-Note: hi\nFrom: jo@{OUTSIDE}\r\n", id="after-lf"),
        pytest.param("", id="no-from-field"),
        pytest.param("From: undisclosed:;\r\n", id="group-with-no-one"),
        pytest.param("From: =?utf-8?q?no_address?=\r\n", id="no-address"),
    ],
)
def test_a_from_field_naming_anyone_outside_is_refused_at_data(
    port: int, stored: Stored, header: str, caplog: pytest.LogCaptureFixture
):
    """With our envelope sender, a From field naming an author outside our domains, or none,
    gets 550 5.7.1 at the final dot and nothing is stored (the envelope alone would let a
    message signed with our DKIM key speak for another organisation)."""
    caplog.set_level(logging.WARNING, "confide.relay")
    code, text = _send(port, f"priya@{OURS}", header.encode() + NOTE)
    assert (code, text[:5]) == (550, b"5.7.1")
    assert b"jo@" not in text
    assert stored.envelopes == []
    assert "jo@" not in caplog.text
    assert "margaret" not in caplog.text


def test_a_null_sender_with_an_outside_from_field_is_refused(port: int, stored: Stored):
    """MAIL FROM:<> is no way round the From check."""
    assert _send(port, "", _message(f"jo@{OUTSIDE}"))[0] == 550
    assert stored.envelopes == []


def test_an_authenticated_client_may_send_as_anyone(door: Callable[..., int], stored: Stored):
    """A client that logged in relays as any sender, as before: the login, not the network,
    says who it is."""
    port = door(
        stored,
        lambda _id: None,
        RULES,
        check_password=lambda login, password: password == "right",  # noqa: S105
        auth_require_tls=False,  # the real relay requires TLS; that is tested in tests/e2e
    )
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.login("volunteer", "right")
        refused = client.sendmail(
            f"jo@{OUTSIDE}", ["friends@example.net"], _message(f"jo@{OUTSIDE}")
        )
    assert refused == {}
    assert len(stored.envelopes) == 1


def test_a_network_listed_for_any_sender_is_not_checked(door: Callable[..., int], stored: Stored):
    """A client on ``any_sender_networks`` relays as any sender, From field included."""
    rules = dataclasses.replace(RULES, any_sender_networks=DoorRules.networks(["127.0.0.1/32"]))
    port = door(stored, lambda _id: None, rules)
    assert _send(port, f"jo@{OUTSIDE}", _message(f"jo@{OUTSIDE}"))[0] == 250
    assert len(stored.envelopes) == 1


def test_with_no_domains_only_bounces_pass(door: Callable[..., int], stored: Stored):
    """With no internal domain configured, a client relaying by network can send only
    bounces: closed, not open."""
    port = door(stored, lambda _id: None, dataclasses.replace(RULES, sender_domains=()))
    code, text = _mail(port, f"priya@{OURS}")
    assert code == 550
    assert b"internal_domains is empty" in text
    assert _send(port, "", NOTE)[0] == 550  # no From field naming one of no domains
    assert stored.envelopes == []
