"""The header block of the copy the upstream receives: confide's trace field on top, and no
X-Confide field but confide's own, however the client ended its lines."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from tests.e2e.conftest import INTERNAL, SENDER, Relay, Sink, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.shared_relay]

EXTERNAL = "friends@example.net"
# Nothing personal, so the external recipient gets it released. The client ends the lines of
# the header block with CRLF, a bare CR and a bare LF: each is a line end to the upstream.
FORGED = (
    f"From: Priya Sharma <{SENDER}>\r\n"
    f"To: {EXTERNAL}\r\n"
    "Subject: Coffee morning\r\n"
    "X-Note: hi\rX-Confide-Verdict: forged-after-cr\rX-Confide-Processed: forged-after-cr\r\n"
    "X-Other: there\nX-Confide-Id: forged-after-lf\n"
    "\r\n"
    "The coffee morning is on Saturday at ten, in the church hall.\r\n"
).encode()


def test_upstream_copy_has_our_trace_field_and_no_forged_confide_fields(relay: Relay, sink: Sink):
    """The copy starts with a Received line naming the relay and the confide id, and keeps no
    X-Confide field a client wrote after a bare CR or LF, nor any bare CR or LF."""
    with relay.client() as client:
        client.ehlo()
        client.mail(SENDER)
        client.rcpt(EXTERNAL)
        code, reply = client.data(FORGED)
    assert code == 250
    confide_id = re.search(rb"queued as (\S+)", reply)
    assert confide_id is not None
    content = wait_for(lambda: sink.handler.to(EXTERNAL))[0].content

    assert content.startswith(b"Received: from [127.0.0.1]")
    head = email.message_from_bytes(content, policy=email.policy.SMTP)
    assert head.keys()[0] == "Received"
    assert re.fullmatch(
        rf"from \[127\.0\.0\.1\] by relay\.{re.escape(INTERNAL)} \(confide\) with ESMTP "
        rf"id {confide_id[1].decode()}; \w{{3}}, \d\d \w{{3}} \d{{4}} \d\d:\d\d:\d\d \+0000",
        str(head["Received"]),
    )
    assert b"forged" not in content
    assert head.get_all("X-Confide-Verdict") == ["release"]
    assert head.get_all("X-Confide-Processed") == ["yes"]
    assert head.get_all("X-Confide-Id") == [confide_id[1].decode()]
    assert (head["X-Note"], head["X-Other"]) == ("hi", "there")
    assert b"\r" not in content.replace(b"\r\n", b"")
    assert b"\n" not in content.replace(b"\r\n", b"")
