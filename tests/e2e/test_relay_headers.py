"""The header block of the copy the upstream receives: confide's trace field on top, and no
X-Confide field but confide's own, however the client ended its lines."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from tests.e2e.conftest import COLLEAGUE, CONSENTED, INTERNAL, SENDER, Relay, Sink, wait_for

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


def _arrived(sink: Sink, subject: str, recipient: str) -> bytes:
    """What the upstream got for ``recipient`` of the message with ``subject``."""

    def copy() -> bytes | None:
        for each in sink.handler.to(recipient):
            if str(email.message_from_bytes(each.content)["Subject"]).endswith(subject):
                return each.content
        return None

    found = wait_for(copy)
    assert found is not None
    return found


HELLO = "Hi Jo,\r\n\r\nThe hall is booked for Tuesday at ten.\r\n\r\nKind regards,\r\nPriya\r\n"
# A message as Outlook on Microsoft 365 hands it on: Exchange's trace (a laptop's name and
# the client's IP in it), its bookkeeping fields, Thread-Topic and Thread-Index, and an HTML
# alternative.
OUTLOOK = (
    "Received: from DB9PR08MB6619.eurprd08.prod.outlook.com ([fe80::5c1:9d2e:77a4:8f10]) by\r\n"
    " DB9PR08MB6619.eurprd08.prod.outlook.com ([fe80::5c1:9d2e:77a4:8f10%5]) with mapi id\r\n"
    " 15.20.8207.017; Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    "Received: from janes-macbook.riverside.local (81.2.69.160) by\r\n"
    " DB9PR08MB6619.eurprd08.prod.outlook.com; Thu, 3 Dec 2026 14:22:31 +0000\r\n"
    f"From: Priya Sharma <{SENDER}>\r\n"
    f"To: Jo Bloggs <{EXTERNAL}>\r\n"
    "Subject: {subject}\r\n"
    "Thread-Topic: {subject}\r\n"
    "Thread-Index: AdtFq0Vd3n1yX3pUQ0uKJ2V8m5hC7A==\r\n"
    "Date: Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    "Message-ID:\r\n"
    " <DB9PR08MB66194A1C3F2E3B1D5E7F1A2BD4F62@DB9PR08MB6619.eurprd08.prod.outlook.com>\r\n"
    "Accept-Language: en-GB, en-US\r\n"
    "Content-Language: en-GB\r\n"
    "X-MS-Has-Attach:\r\n"
    "X-MS-TNEF-Correlator:\r\n"
    "X-Originating-IP: [81.2.69.160]\r\n"
    "x-ms-publictraffictype: Email\r\n"
    "x-ms-traffictypediagnostic: DB9PR08MB6619:EE_|AM6PR08MB4213:EE_\r\n"
    "x-ms-office365-filtering-correlation-id: 5f3c2a71-9b8e-4d6c-a1f0-3e2d7c9b4a18\r\n"
    "x-microsoft-antispam: BCL:0;ARA:13230040|1800799024|366016|376014;\r\n"
    "x-forefront-antispam-report: CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;\r\n"
    "X-MS-Exchange-Organization-AuthAs: Internal\r\n"
    "X-MS-Exchange-Organization-AuthSource: DB9PR08MB6619.eurprd08.prod.outlook.com\r\n"
    "X-MS-Exchange-Organization-OriginalClientIPAddress: 81.2.69.160\r\n"
    "X-MS-Exchange-CrossTenant-Network-Message-Id: 5f3c2a71-9b8e-4d6c-a1f0-3e2d7c9b4a18\r\n"
    "X-MS-Exchange-CrossTenant-originalarrivaltime: 03 Dec 2026 14:22:33.1230 (UTC)\r\n"
    "X-MS-Exchange-CrossTenant-id: 9a3f1c2e-4b5d-4e6f-8a7b-1c2d3e4f5a6b\r\n"
    "X-MS-Exchange-Transport-CrossTenantHeadersStamped: AM6PR08MB4213\r\n"
    'Content-Type: multipart/alternative; boundary="_000_DB9PR08MB66194A1C3F2E_"\r\n'
    "MIME-Version: 1.0\r\n"
    "\r\n"
    "--_000_DB9PR08MB66194A1C3F2E_\r\n"
    'Content-Type: text/plain; charset="us-ascii"\r\n'
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    f"{HELLO}"
    "\r\n"
    "--_000_DB9PR08MB66194A1C3F2E_\r\n"
    'Content-Type: text/html; charset="us-ascii"\r\n'
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    '<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dus-ascii">'
    "\r\n</head><body><p>Hi Jo,</p><p>The hall is booked for Tuesday at ten.</p>"
    "<p>Kind regards,<br>Priya</p></body></html>\r\n"
    "\r\n"
    "--_000_DB9PR08MB66194A1C3F2E_--\r\n"
)
# As Gmail hands it to an outbound gateway: Google's trace, signatures and hashes.
GMAIL = (
    "Received: by mail-wm1-f41.google.com with SMTP id 5b1f17b1804b1-42cb5b3c57eso1234567\r\n"
    f" for <{EXTERNAL}>; Thu, 03 Dec 2026 06:22:33 -0800 (PST)\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=riverside-carers.example.org;\r\n"
    " s=google; t=1796320953; h=to:subject:message-id:date:from:mime-version;\r\n"
    " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=Qm9va2VkIHRoZSBoYWxsCg==\r\n"
    "X-Google-DKIM-Signature: v=1; a=rsa-sha256; d=1e100.net; s=20230601; t=1796320953;\r\n"
    " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGhlIGhhbGwgaXMgYm9va2Vk\r\n"
    "X-Gm-Message-State: AOJu0YwQ3x9Lx2a7tKuQ0Zb2V1mJq8cR4sT6uV8wX0yZ1aB2cD3eF4gH\r\n"
    "X-Google-Smtp-Source: AGHT+IFq3bL0c9XyQk2u3fZ1TQzR8wV5nM7pK2sJ4hG6dF9aC1xB\r\n"
    "X-Received: by 2002:a05:600c:4e8b:b0:42c:b5b3:c57e with SMTP id\r\n"
    " f11-20020a05600c4e8b00b0042cb5b3c57emr123456wmq.12.1796320953123;\r\n"
    " Thu, 03 Dec 2026 06:22:33 -0800 (PST)\r\n"
    "MIME-Version: 1.0\r\n"
    f"From: Priya Sharma <{SENDER}>\r\n"
    "Date: Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    "Message-ID: <CAJx8fT3+Vq2Yc9Z=Xo4kQ_mWbR7eLpX2uH3nB@mail.gmail.com>\r\n"
    "Subject: {subject}\r\n"
    f"To: Jo Bloggs <{EXTERNAL}>\r\n"
    'Content-Type: multipart/alternative; boundary="000000000000a1b2c3061f2e4d5a"\r\n'
    "\r\n"
    "--000000000000a1b2c3061f2e4d5a\r\n"
    'Content-Type: text/plain; charset="UTF-8"\r\n'
    "\r\n"
    f"{HELLO}"
    "\r\n"
    "--000000000000a1b2c3061f2e4d5a\r\n"
    'Content-Type: text/html; charset="UTF-8"\r\n'
    "\r\n"
    '<div dir="ltr">Hi Jo,<div><br></div><div>The hall is booked for Tuesday at ten.</div>'
    "<div><br></div><div>Kind regards,</div><div>Priya</div></div>\r\n"
    "\r\n"
    "--000000000000a1b2c3061f2e4d5a--\r\n"
)
# As Thunderbird hands it to the organisation's Postfix, which passes it on.
THUNDERBIRD = (
    f"Return-Path: <{SENDER}>\r\n"
    "Received: from [192.168.1.23] (janes-macbook.riverside.lan [192.168.1.23])\r\n"
    "\tby mail.riverside-carers.example.org (Postfix) with ESMTPSA id 4Q2x7Y0bKzz9sWn\r\n"
    f"\tfor <{EXTERNAL}>; Thu,  3 Dec 2026 14:22:33 +0000 (UTC)\r\n"
    "Message-ID: <3f1a2b4c-5d6e-4f80-9a1b-2c3d4e5f6a7b@riverside-carers.example.org>\r\n"
    "Date: Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "User-Agent: Mozilla Thunderbird\r\n"
    "Content-Language: en-GB\r\n"
    f"To: Jo Bloggs <{EXTERNAL}>\r\n"
    f"From: Priya Sharma <{SENDER}>\r\n"
    "Subject: {subject}\r\n"
    "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    f"{HELLO}"
)
# What no outside copy may carry of those (a laptop's name, the client's IP, Exchange's
# server and tenant, Google's trace and signatures).
INTERNAL_ONLY = (
    b"janes-macbook", b"81.2.69.160", b"AM6PR08MB4213", b"fe80::", b"9a3f1c2e", b"X-MS-",
    b"x-ms-", b"x-microsoft", b"x-forefront", b"X-Originating-IP", b"mail-wm1-f41",
    b"DKIM-Signature", b"X-Gm-", b"X-Google-", b"X-Received", b"Return-Path", b"192.168.1.23",
)  # fmt: skip


@pytest.mark.parametrize(
    ("program", "message", "message_id"),
    [
        ("outlook", OUTLOOK, "<DB9PR08MB66194A1C3F2E3B1D5E7F1A2BD4F62@DB9PR08MB6619"),
        ("gmail", GMAIL, "<CAJx8fT3+Vq2Yc9Z=Xo4kQ_mWbR7eLpX2uH3nB@mail.gmail.com>"),
        ("thunderbird", THUNDERBIRD, "<3f1a2b4c-5d6e-4f80-9a1b-2c3d4e5f6a7b@riverside"),
    ],
)
def test_everyday_mail_from_each_program_is_released_outside_without_its_trace(
    relay: Relay, sink: Sink, program: str, message: str, message_id: str
):
    """An everyday message as Outlook on Microsoft 365, Gmail or Thunderbird hands it on is
    released to an outside address, threaded (its Message-ID kept) and with its Subject and
    Thread-Topic, but without the machine fields that name the sender's laptop, IP address,
    servers or tenant, and without the rules that fired; a colleague's copy keeps them all
    and names the rules."""
    subject = f"Hall booking {program}"
    content = message.replace("{subject}", subject).encode()
    assert relay.send(content, [EXTERNAL, COLLEAGUE]) == {}
    outside = _arrived(sink, subject, EXTERNAL)
    inside = _arrived(sink, subject, COLLEAGUE)

    head = email.message_from_bytes(outside, policy=email.policy.SMTP)
    assert head["X-Confide-Verdict"] == "release", relay.log_text()[-2000:]
    assert head["Subject"] == subject
    assert str(head["Message-ID"]).strip().startswith(message_id)
    assert [each for each in INTERNAL_ONLY if each in outside] == []
    assert len(head.get_all("Received") or []) == 1  # confide's own
    assert head["X-Confide-Rules"] is None
    if program == "outlook":
        assert head["Thread-Topic"] == subject
        assert head["Thread-Index"] is not None

    kept = email.message_from_bytes(inside, policy=email.policy.SMTP)
    assert kept["X-Confide-Verdict"] == "release"
    assert kept["X-Confide-Rules"] is not None
    assert b"janes-macbook" in inside or program == "gmail"
    came_with = email.message_from_bytes(content).get_all("Received") or []
    assert len(kept.get_all("Received")) == len(came_with) + 1


def test_ids_holding_a_written_number_go_and_pythons_ids_stay(relay: Relay, sink: Sink):
    """An NHS number inside a hex run of a Message-ID takes the ids with it (a Message-ID of
    confide's instead); an id Python's email.utils.make_msgid made keeps the copy threaded."""
    head = f"From: Priya Sharma <{SENDER}>\r\nTo: {EXTERNAL}\r\nMIME-Version: 1.0\r\n"
    made = "<179632052642.12715.17592712035442224395@riverside-carers.example.org>"
    outlook = "<DB9PR08MB66194A1C3F2E3B1D5E7F1A2BD4F62@DB9PR08MB6619.eurprd08.prod.outlook.com>"
    messages = {
        "i01": f"{head}Subject: i01\r\nMessage-ID: <x4534805012abcdef@host.example>\r\n"
        f"In-Reply-To: {outlook}\r\n\r\nSee you Thursday.\r\n",
        "i02": f"{head}Subject: i02\r\nMessage-ID: {made}\r\n\r\nSee you Thursday.\r\n",
    }
    got = _sent(relay, sink, {s: m.encode() for s, m in messages.items()}, EXTERNAL)
    assert {s: _verdict(c) for s, c in got.items()} == {"i01": "release", "i02": "release"}
    assert b"4534805012" not in got["i01"]
    first = email.message_from_bytes(got["i01"], policy=email.policy.SMTP)
    assert re.fullmatch(r"<[a-z]+@redacted\.confide\.invalid>", str(first["Message-ID"]))
    assert first["In-Reply-To"] is None
    second = email.message_from_bytes(got["i02"], policy=email.policy.SMTP)
    assert str(second["Message-ID"]) == made
