"""The header block of the copy the upstream receives: confide's trace field on top, and no
X-Confide field but confide's own, however the client ended its lines."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from tests.e2e.conftest import CONSENTED, INTERNAL, SENDER, Relay, Sink, wait_for

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


def _sent(relay: Relay, sink: Sink, messages: dict[str, bytes], to: str) -> dict[str, bytes]:
    """Each message (by subject) sent to ``to``; what the upstream got, by subject: a copy
    for ``to``, or the hold notice to the sender."""
    for content in messages.values():
        assert relay.send(content, [to]) == {}
    got: dict[str, bytes] = {}

    def arrived() -> bool:
        for each in sink.handler.received:
            subject = str(email.message_from_bytes(each.content)["Subject"])
            for wanted in messages:
                if subject.endswith(wanted):
                    got[wanted] = each.content
        return len(got) == len(messages)

    wait_for(arrived)
    return got


def _verdict(content: bytes) -> str:
    head = email.message_from_bytes(content, policy=email.policy.SMTP)
    return str(head["X-Confide-Verdict"] or f"notice: {head['Subject']}")


def test_data_in_display_names_is_held_or_redacted_and_own_names_pass(relay: Relay, sink: Sink):
    """A known person's NHS number and diagnosis in To's display name, and their name on the
    carer's address in Reply-To, hold the message (the sender is told); an unregistered
    person's NHS number in To's display name leaves the stranger's copy redacted, not there
    (hostile relay findings 01, 03, 12). The everyday message, with the sender's, the
    recipient's and a volunteer's names and a signature, is released as it was."""
    head = f"From: Priya Sharma <{SENDER}>\r\nMIME-Version: 1.0\r\n"
    messages = {
        "h01": f'{head}To: "Joseph Okafor (NHS 943 476 5919, dementia)" <{EXTERNAL}>\r\n'
        "Subject: h01\r\n\r\nSee you Thursday.\r\n",
        "h03": f"{head}To: {EXTERNAL}\r\nReply-To: Joseph Okafor <amina.okafor@example.org>\r\n"
        "Subject: h03\r\n\r\nSee you Thursday.\r\n",
        "h12": f'{head}To: "Margaret Hughes NHS 481 809 6792" <{EXTERNAL}>\r\n'
        "Subject: h12\r\n\r\nClient Peter Jones, phone 07700 900801.\r\n",
        "everyday": f"{head}To: Jo Bloggs <{EXTERNAL}>\r\n"
        "Cc: Tomasz Nowak <tomasz.nowak@example.net>\r\nSubject: everyday\r\n\r\n"
        "Hi Jo,\r\n\r\nThe hall is booked for Tuesday.\r\n\r\nKind regards,\r\nPriya Sharma\r\n"
        "Carers Support Worker\r\nRiverside Carers\r\n",
    }
    got = _sent(relay, sink, {s: m.encode() for s, m in messages.items()}, EXTERNAL)
    assert {s: _verdict(c) for s, c in got.items()} == {
        "h01": "notice: Held for review: h01",
        "h03": "notice: Held for review: h03",
        "h12": "redact",
        "everyday": "release",
    }
    assert b"481 809 6792" not in got["h12"]
    assert b"Margaret" not in got["h12"]
    everyday = email.message_from_bytes(got["everyday"], policy=email.policy.SMTP)
    assert str(everyday["To"]) == f"Jo Bloggs <{EXTERNAL}>"


def test_bcc_and_ids_holding_numbers_leave_no_released_copy(relay: Relay, sink: Sink):
    """A released copy carries no Bcc field, and no Message-ID, In-Reply-To or References
    holding a number: it has a Message-ID of confide's instead (findings 05, 06)."""
    content = (
        f"From: Priya Sharma <{SENDER}>\r\nTo: {EXTERNAL}\r\nMIME-Version: 1.0\r\n"
        'Bcc: "Margaret Hughes" <other@elsewhere.example>\r\nSubject: b05\r\n'
        "Message-ID: <margaret.hughes.4534805012@riverside-carers.example.org>\r\n"
        "In-Reply-To: <nhs-4534805012-hughes@x>\r\nReferences: <nhs-4534805012-hughes@x>\r\n"
        "\r\nClean body.\r\n"
    ).encode()
    copy = _sent(relay, sink, {"b05": content}, EXTERNAL)["b05"]
    head = email.message_from_bytes(copy, policy=email.policy.SMTP)
    assert head["X-Confide-Verdict"] == "release"
    assert head["Bcc"] is None
    assert b"other@elsewhere" not in copy
    assert b"4534805012" not in copy
    assert re.fullmatch(r"<[a-z]+@redacted\.confide\.invalid>", str(head["Message-ID"]))
    assert head["In-Reply-To"] is None
    assert head["References"] is None


def test_a_consented_copy_does_not_carry_an_unregistered_persons_number(relay: Relay, sink: Sink):
    """To an agency with the carer's consent, a message about her whose Reply-To display name
    holds an unregistered person's NHS number is not released with the banner as it is: the
    number is not in the copy (finding 15)."""
    content = (
        f"From: Priya Sharma <{SENDER}>\r\nTo: {CONSENTED}\r\nMIME-Version: 1.0\r\n"
        f'Subject: b15\r\nReply-To: "Margaret Hughes NHS 482 454 6184" <{SENDER}>\r\n\r\n'
        "Amina Okafor, phone 07700 900123, is doing well.\r\n"
    ).encode()
    copy = _sent(relay, sink, {"b15": content}, CONSENTED)["b15"]
    assert b"482 454 6184" not in copy
    assert b"4824546184" not in copy
    assert _verdict(copy) in ("redact", "notice: Held for review: b15")
