"""Delivering upstream: refusals, an upstream that is down, and a relay killed at any moment."""

from __future__ import annotations

import email
import email.policy
import smtplib
import time
from collections.abc import Callable

import pytest

from gateway.relay import crash_points
from tests.e2e.conftest import SENDER, Relay, Sink, wait_for
from tests.e2e.relay_database import store_in_spool

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

ALICE, BOB, CAROL = "alice@example.net", "bob@example.net", "carol@example.net"


def plain_message(subject: str = "Coffee morning on Friday") -> bytes:
    """A message with nothing personal in it: every recipient gets it as it is."""
    return (
        f"From: {SENDER}\r\nTo: friends@example.net\r\nSubject: {subject}\r\n"
        f"Message-ID: <{time.monotonic_ns()}@riverside-carers.example.org>\r\n\r\n"
        "The coffee morning is on Friday at ten in the church hall. All welcome.\r\n"
    ).encode()


def settle(seconds: float = 3.0) -> None:
    """Give the relay time to do something it should not (retries run every 0.5-1 s here)."""
    time.sleep(seconds)


@pytest.mark.shared_relay  # it neither stops nor kills the relay
def test_one_refused_recipient_bounces_alone(relay: Relay, sink: Sink):
    """The upstream accepts two recipients and refuses one: one copy each, one DSN for the
    refused one, and no second copy to the others."""
    sink.handler.refuse.add(CAROL)
    relay.send(plain_message(), [ALICE, BOB, CAROL])
    bounce = wait_for(lambda: sink.handler.to(SENDER), what="the bounce")[0]
    settle()
    assert len(sink.handler.to(ALICE)) == 1
    assert len(sink.handler.to(BOB)) == 1
    assert sink.handler.to(CAROL) == []
    assert len(sink.handler.to(SENDER)) == 1
    report = email.message_from_bytes(bounce.content, policy=email.policy.default)
    assert report.get_content_type() == "multipart/report"
    status = report.get_payload()[1].as_string()
    assert f"rfc822; {CAROL}" in status
    assert "Status: 5.1.1" in status
    assert ALICE not in status
    assert BOB not in status


@pytest.mark.shared_relay  # it neither stops nor kills the relay
def test_a_deferred_recipient_is_retried_until_accepted(relay: Relay, sink: Sink):
    """A 4xx for one recipient is retried with back-off; the others are not sent again."""
    sink.handler.defer.add(BOB)
    relay.send(plain_message(), [ALICE, BOB])
    wait_for(lambda: sink.handler.to(ALICE))
    settle(2.0)
    sink.handler.defer.clear()
    wait_for(lambda: sink.handler.to(BOB), what="the retry")
    settle()
    assert len(sink.handler.to(ALICE)) == 1
    assert len(sink.handler.to(BOB)) == 1
    assert sink.handler.to(SENDER) == []


def test_upstream_down_then_back(make_relay: Callable[..., Relay], sink: Sink):
    """Mail accepted while the upstream is down is delivered once it comes back."""
    sink.stop()
    relay = make_relay(sink.port)
    relay.send(plain_message(), [ALICE])
    wait_for(lambda: "state=queued" in relay.log_text(), what="a failed attempt")
    sink.start()
    wait_for(lambda: sink.handler.to(ALICE), what="delivery after the upstream came back")
    settle()
    assert len(sink.handler.to(ALICE)) == 1


def test_kill_during_delivery_loses_nothing(relay: Relay, sink: Sink):
    """``kill -9`` while the upstream is still taking DATA (before its 250): after a restart
    the message is delivered, once."""
    sink.handler.data_delay = 3.0
    relay.send(plain_message(), [ALICE])
    wait_for(lambda: sink.handler.data_started, what="delivery to start")
    relay.kill()
    sink.handler.data_delay = 0.0
    relay.start()
    wait_for(lambda: sink.handler.to(ALICE), what="the redelivery")
    settle()
    assert len(sink.handler.to(ALICE)) == 1
    assert len(sink.handler.data_started) == 2


@pytest.mark.parametrize(
    ("crash_at", "copies"),
    [
        (crash_points.STORED, 1),
        (crash_points.DELIVERY_CLAIMED, 1),
        (crash_points.UPSTREAM_ACCEPTED, 2),
    ],
)
def test_killed_at_each_step_delivers_once_except_after_upstream_250(
    make_relay: Callable[..., Relay], sink: Sink, crash_at: str, copies: int
):
    """Killed after storing (the client resends), after claiming a delivery, or after the
    upstream's 250: only the last sends a second copy."""
    relay = make_relay(sink.port, CONFIDE_TEST_CRASH_AT=crash_at)
    message = plain_message()
    try:
        relay.send(message, [ALICE])
    except smtplib.SMTPServerDisconnected:
        assert crash_at == crash_points.STORED
    wait_for(relay.died, what="the relay to die at " + crash_at)
    relay.stop()  # its scanning workers
    relay.start()
    if crash_at == crash_points.STORED:
        relay.send(message, [ALICE])  # as a real MTA does when it lost our 250
    wait_for(lambda: len(sink.handler.to(ALICE)) >= copies, what="delivery after restart")
    settle()
    assert len(sink.handler.to(ALICE)) == copies


def test_a_bounce_that_cannot_be_built_sends_nothing_twice(
    make_relay: Callable[..., Relay], sink: Sink
):
    """A stored message from a sender no bounce can be addressed to (a vertical tab in
    MAIL FROM), one recipient taken and one refused: the taken one gets one copy, also after
    a restart, and the failure is logged as a bounce that could not be built."""
    sink.handler.refuse.add(CAROL)
    relay = make_relay(sink.port)
    relay.stop()
    store_in_spool(relay, "priya\x0bsharma@riverside-carers.example.org", [ALICE, CAROL],
                   plain_message())  # fmt: skip
    relay.start()
    wait_for(lambda: sink.handler.to(ALICE), what="the delivery")
    recorded = ("bounce could not be built", "delivery of copy=")  # the latter: an error
    wait_for(lambda: any(s in relay.log_text() for s in recorded), what="the recording")
    relay.stop()
    relay.start()
    settle()
    assert len(sink.handler.to(ALICE)) == 1
    assert sink.handler.to(SENDER) == []
    assert "WARNING confide.relay.delivery bounce could not be built" in relay.log_text()
