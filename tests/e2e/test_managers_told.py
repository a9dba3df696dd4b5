"""`confide run` with a real relay and an upstream sink on loopback: a held message's sender
is sent a hold notice linking to its page, the manager is sent an alert listing it, and
`confide digest` sends them the day's summary; neither manager's email names anyone or
quotes the message."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.e2e.confide_run import ConfideRun, WebUser, confide_running
from tests.e2e.conftest import DELIVERY_TIMEOUT, INTERNAL, NOT_CONSENTED, SENDER, Sink, wait_for

pytestmark = pytest.mark.slow

BASE_URL = f"https://confide.{INTERNAL}"
MANAGER = f"jo.manager@{INTERNAL}"
SUBJECT = "Mrs Okafor's care plan"
MESSAGE = (
    f"From: {SENDER}\r\nTo: {NOT_CONSENTED}\r\nSubject: {SUBJECT}\r\n\r\n"
    "Mrs Okafor's NHS number is 943 476 5919; she is diabetic.\r\n"
).encode()
PERSONAL = ("Okafor", "943 476 5919", "diabetic", "care plan", SENDER, NOT_CONSENTED)


@pytest.fixture
def run(tmp_path: Path, sink: Sink) -> Iterator[ConfideRun]:
    review = f'base_url = "{BASE_URL}"\nhold_alert_every = "1s"\n'
    manager = WebUser("jo", "manager", MANAGER)
    with confide_running(tmp_path, sink.port, [manager], review=review) as made:
        yield made


def _text(raw: bytes) -> str:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    return f"Subject: {parsed['Subject']}\n\n{body.get_content()}"


def test_the_sender_gets_a_link_and_the_manager_an_alert_and_a_digest(
    run: ConfideRun, sink: Sink
) -> None:
    """The hold notice links to the item's page; within seconds the manager is alerted to
    it, and `confide digest` lists it; neither manager's email holds personal data."""
    with smtplib.SMTP("127.0.0.1", run.smtp_port, timeout=30) as client:
        client.sendmail(SENDER, [NOT_CONSENTED], MESSAGE)

    (notice,) = wait_for(lambda: sink.handler.to(SENDER), DELIVERY_TIMEOUT, "the hold notice")
    notice_text = _text(notice.content)
    link = next(line.strip() for line in notice_text.splitlines() if BASE_URL in line)
    assert link.startswith(f"{BASE_URL}/held/")
    assert sink.handler.to(NOT_CONSENTED) == []

    (alert,) = wait_for(lambda: sink.handler.to(MANAGER), 30, "the managers' alert")
    alert_text = _text(alert.content)
    assert "1 new item waits for a manager" in alert_text
    assert link in alert_text

    assert "digest queued for 1 manager" in run.confide("digest")
    digest = wait_for(lambda: sink.handler.to(MANAGER)[1:], 30, "the digest")[0]
    digest_text = _text(digest.content)
    assert "1 held item waits for a manager" in digest_text
    assert link in digest_text
    for personal in PERSONAL:
        assert personal.lower() not in alert.content.decode("ascii").lower()
        assert personal.lower() not in digest.content.decode("ascii").lower()
