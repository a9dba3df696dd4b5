"""Images in mail: an Outlook signature logo no longer holds a message, and a relay without
Tesseract says so when it starts."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from email.message import EmailMessage

import pytest

from tests.e2e.conftest import COLLEAGUE, NOT_CONSENTED, SENDER, Relay, Sink, wait_for
from tests.scanner.images import logo

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.shared_relay]


def _outlook_message() -> bytes:
    """A message as Outlook sends it: plain and HTML bodies, the HTML one with its signature
    logo inline as image001.png."""
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = f"{COLLEAGUE}, {NOT_CONSENTED}"
    message["Subject"] = "Room booking"
    message.set_content("The hall is booked for Tuesday.\n\nPriya\n")
    message.add_alternative(
        '<p>The hall is booked for Tuesday.</p><p>Priya</p><img src="cid:image001.png@01DA">',
        subtype="html",
    )
    html = message.get_payload()[1]  # type: ignore[index]
    html.add_related(
        logo(), "image", "png", cid="<image001.png@01DA>", filename="image001.png",
        disposition="inline",
    )  # fmt: skip
    return message.as_bytes(policy=email.policy.SMTP)


def test_a_signature_logo_does_not_hold_the_message(relay: Relay, sink: Sink) -> None:
    """The colleague and the outside agency both get a message whose only image is a logo."""
    assert relay.send(_outlook_message(), [COLLEAGUE, NOT_CONSENTED]) == {}
    wait_for(lambda: sink.handler.to(COLLEAGUE) and sink.handler.to(NOT_CONSENTED))
    for recipient in (COLLEAGUE, NOT_CONSENTED):
        [copy] = sink.handler.to(recipient)
        headers = email.message_from_bytes(copy.content, policy=email.policy.default)
        assert headers["X-Confide-Verdict"] == "release", relay.log_text()[-2000:]
    assert sink.handler.to(SENDER) == []


def test_a_relay_without_tesseract_says_so_when_it_starts(
    make_relay: Callable[..., Relay], sink: Sink
) -> None:
    """Started with a Tesseract program that is not there, the relay logs a warning."""
    relay = make_relay(sink.port, CONFIDE_LIMITS__TESSERACT_COMMAND="/nonexistent/tesseract")
    said = "/nonexistent/tesseract') is not installed, or has no English data: images are not"
    wait_for(lambda: said in relay.log_text(), timeout=10)
    [line] = [line for line in relay.log_text().splitlines() if said in line]
    assert "WARNING" in line
