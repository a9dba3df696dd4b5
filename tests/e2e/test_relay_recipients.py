"""One message, a verdict per recipient: what each recipient and the sender receive."""

from __future__ import annotations

import email
import email.policy

import pytest

from tests.e2e.conftest import (
    COLLEAGUE,
    CONSENTED,
    EXAMPLES,
    NOT_CONSENTED,
    SENDER,
    Relay,
    Sink,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.shared_relay]

CARER_UPDATE = (EXAMPLES / "carer-update.eml").read_bytes().replace(b"\n", b"\r\n")


def body_of(raw: bytes) -> bytes:
    """The bytes after the header block."""
    return raw.split(b"\r\n\r\n", 1)[1]


def test_three_recipients_get_three_outcomes(relay: Relay, sink: Sink):
    """Colleague: the message unchanged; consented agency: marked CONFIDENTIAL; agency whose
    consent lacks health: nothing, and the sender is told why."""
    refused = relay.send(CARER_UPDATE, [COLLEAGUE, CONSENTED, NOT_CONSENTED])
    assert refused == {}
    notice = wait_for(lambda: sink.handler.to(SENDER), what="the hold notice")[0]
    wait_for(lambda: sink.handler.to(COLLEAGUE) and sink.handler.to(CONSENTED))

    released = sink.handler.to(COLLEAGUE)
    assert len(released) == 1
    assert released[0].rcpt_tos == (COLLEAGUE,)
    assert body_of(released[0].content) == body_of(CARER_UPDATE)
    headers = email.message_from_bytes(released[0].content, policy=email.policy.default)
    assert headers["X-Confide-Verdict"] == "release"
    assert headers["X-Confide-Processed"] == "yes"
    assert headers["Subject"] == "Carer's assessment follow-up"

    bannered = sink.handler.to(CONSENTED)
    assert len(bannered) == 1
    marked = email.message_from_bytes(bannered[0].content, policy=email.policy.default)
    assert marked["Subject"] == "[CONFIDENTIAL] Carer's assessment follow-up"
    assert marked["X-Confide-Verdict"] == "banner"
    text = marked.get_body(("plain",)).get_content()
    assert "CONFIDENTIAL" in text
    assert "Riverside Carers' Centre" in text
    assert "Amina Okafor" in text

    assert sink.handler.to(NOT_CONSENTED) == []
    told = email.message_from_bytes(notice.content, policy=email.policy.default)
    assert notice.mail_from == "<>"  # the null sender: a notice never bounces back
    assert told["Subject"] == "Held for review: Carer's assessment follow-up"
    words = told.get_body(("plain",)).get_content()
    assert NOT_CONSENTED in words
    assert COLLEAGUE not in words
    for personal in ("Amina", "07700", "sertraline", "depression"):
        assert personal not in words
    assert "07700" not in relay.log_text()
    assert "Amina" not in relay.log_text()


def test_nothing_personal_is_released_to_everyone(relay: Relay, sink: Sink):
    """A newsletter with no personal data reaches an external recipient byte for byte."""
    newsletter = (
        b"From: Priya Sharma <" + SENDER.encode() + b">\r\n"
        b"To: friends@example.net\r\n"
        b"Subject: Coffee morning\r\n"
        b"Message-ID: <coffee-1@riverside-carers.example.org>\r\n"
        b"\r\n" + (EXAMPLES / "newsletter.txt").read_bytes().replace(b"\n", b"\r\n")
    )
    relay.send(newsletter, ["friends@example.net"])
    copy = wait_for(lambda: sink.handler.to("friends@example.net"))[0]
    assert body_of(copy.content) == body_of(newsletter)
    assert sink.handler.to(SENDER) == []


def test_forged_confide_headers_are_replaced(relay: Relay, sink: Sink):
    """A client cannot skip scanning by sending its own X-Confide-Processed header."""
    forged = CARER_UPDATE.replace(
        b"Subject:", b"X-Confide-Processed: yes\r\nX-Confide-Verdict: release\r\nSubject:", 1
    )
    relay.send(forged, [NOT_CONSENTED])
    wait_for(lambda: sink.handler.to(SENDER), what="the hold notice")
    assert sink.handler.to(NOT_CONSENTED) == []
