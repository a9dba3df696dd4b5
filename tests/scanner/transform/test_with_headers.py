"""with_headers: confide's fields on top, forged ones gone, every other byte as it was."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.transform import confide_headers, received_field, with_headers

MESSAGE = (
    b"Received: from mail.example.org by relay\r\n"
    b"\tfor <amina@example.org>; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    b"From: Jane Smith <jane@example.org>\r\n"
    b"X-Confide-Processed: yes\r\n"
    b"To: amina@example.org\r\n"
    b"x-confide-verdict: release,\r\n"
    b" folded onto a second line\r\n"
    b"\tand a third\r\n"
    b"Subject: Visit notes\r\n"
    b"X-Confidential: not ours, kept\r\n"
    b"\r\n"
    b"X-Confide-Processed: this line is in the body\r\n"
    b"\r\n"
    b"Body text\r\n"
)
KEPT_HEADERS = (
    b"Received: from mail.example.org by relay\r\n"
    b"\tfor <amina@example.org>; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    b"From: Jane Smith <jane@example.org>\r\n"
    b"To: amina@example.org\r\n"
    b"Subject: Visit notes\r\n"
    b"X-Confidential: not ours, kept\r\n"
)
OURS = [("X-Confide-Processed", "banner; rule external-consented"), ("X-Confide-Id", "42")]


def _split(raw: bytes, linesep: bytes = b"\r\n") -> tuple[bytes, bytes]:
    head, _, body = raw.partition(linesep * 2)
    return head + linesep, body


def test_body_bytes_are_identical() -> None:
    """Everything after the blank line is byte for byte the input's body, even a forged line."""
    assert _split(with_headers(MESSAGE, OURS))[1] == _split(MESSAGE)[1]


def test_forged_fields_are_removed_and_ours_are_on_top() -> None:
    """X-Confide-* fields of any case, with their continuation lines, are replaced by ours."""
    head = _split(with_headers(MESSAGE, OURS, internal=True))[0]
    assert head == (
        b"X-Confide-Processed: banner; rule external-consented\r\n"
        b"X-Confide-Id: 42\r\n" + KEPT_HEADERS
    )


def test_no_headers_given_only_removes() -> None:
    """With nothing to add, the result is the input less the forged fields."""
    assert with_headers(MESSAGE, [], internal=True) == MESSAGE.replace(
        _split(MESSAGE)[0], KEPT_HEADERS, 1
    )


def test_an_outside_copy_loses_the_trace_it_came_with() -> None:
    """To anyone outside the organisation, the sender's Received lines go too; the fields
    the scan read (Subject, X-Confidential) and From and To stay."""
    head = _split(with_headers(MESSAGE, OURS))[0]
    assert head == (
        b"X-Confide-Processed: banner; rule external-consented\r\n"
        b"X-Confide-Id: 42\r\n" + KEPT_HEADERS.split(b"+0000\r\n", 1)[1]
    )


# What Outlook on Microsoft 365, Gmail and Thunderbird (through an internal Postfix) write,
# as they arrive at confide: every family of machine field each of them adds.
OUTLOOK_HEAD = (
    b"Received: from DB9PR08MB6619.eurprd08.prod.outlook.com (2603:10a6:10:2ba::9) by\r\n"
    b" AM6PR08MB4213.eurprd08.prod.outlook.com with HTTPS; Thu, 3 Dec 2026 14:22:35 +0000\r\n"
    b"Received: from janes-macbook.riverside.local ([10.20.30.40]) by\r\n"
    b" DB9PR08MB6619.eurprd08.prod.outlook.com; Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    b"ARC-Seal: i=1; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=none; b=Qm9v\r\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=riverside.example; b=YWJj\r\n"
    b"Authentication-Results: dkim=none (message not signed) header.d=none;\r\n"
    b"From: Jane Smith <jane.smith@riverside.example>\r\n"
    b"To: Jo Bloggs <jo@agency.example>\r\n"
    b"Subject: Hall booking\r\n"
    b"Thread-Topic: Hall booking\r\n"
    b"Thread-Index: AdrFq0Vd3n1yX3pUQ0uKJ2V8m5hC7A==\r\n"
    b"Date: Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    b"Message-ID:\r\n"
    b" <DB9PR08MB66194A1C3F2E3B1D5E7F1A2BD4F62@DB9PR08MB6619.eurprd08.prod.outlook.com>\r\n"
    b"Accept-Language: en-GB, en-US\r\n"
    b"Content-Language: en-GB\r\n"
    b"X-MS-Has-Attach:\r\n"
    b"X-MS-TNEF-Correlator:\r\n"
    b"X-Originating-IP: [81.2.69.160]\r\n"
    b"X-MS-Exchange-Organization-AuthSource: DB9PR08MB6619.eurprd08.prod.outlook.com\r\n"
    b"X-MS-Exchange-CrossTenant-originalarrivaltime: 03 Dec 2026 14:22:33.1234 (UTC)\r\n"
    b"X-MS-Exchange-Transport-CrossTenantHeadersStamped: DB9PR08MB6619\r\n"
    b"X-Microsoft-Antispam: BCL:0;\r\n"
    b"X-Forefront-Antispam-Report: CIP:255.255.255.255;CTRY:;LANG:en;\r\n"
    b'Content-Type: text/plain; charset="us-ascii"\r\n'
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"MIME-Version: 1.0\r\n"
)
OUTLOOK_KEPT = (
    b"From: Jane Smith <jane.smith@riverside.example>\r\n"
    b"To: Jo Bloggs <jo@agency.example>\r\n"
    b"Subject: Hall booking\r\n"
    b"Thread-Topic: Hall booking\r\n"
    b"Thread-Index: AdrFq0Vd3n1yX3pUQ0uKJ2V8m5hC7A==\r\n"
    b"Date: Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    b"Message-ID:\r\n"
    b" <DB9PR08MB66194A1C3F2E3B1D5E7F1A2BD4F62@DB9PR08MB6619.eurprd08.prod.outlook.com>\r\n"
    b"Accept-Language: en-GB, en-US\r\n"
    b"Content-Language: en-GB\r\n"
    b'Content-Type: text/plain; charset="us-ascii"\r\n'
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"MIME-Version: 1.0\r\n"
)
GMAIL_HEAD = (
    b"Received: by mail-wm1-f41.google.com with SMTP id 5b1f17b1804b1-42cb5b3c57eso12345675e9\r\n"
    b" for <jo@agency.example>; Thu, 03 Dec 2026 06:22:33 -0800 (PST)\r\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=riverside.example; s=google;\r\n"
    b" h=to:subject:message-id:date:from:mime-version; bh=abc=; b=def=\r\n"
    b"X-Google-DKIM-Signature: v=1; a=rsa-sha256; d=1e100.net; s=20230601; b=ghi=\r\n"
    b"X-Gm-Message-State: AOJu0YwQ3x9Lx2a7tKuQ0Zb2V1=\r\n"
    b"X-Google-Smtp-Source: AGHT+IFq3bL0c9XyQk2u3fZ1TQ==\r\n"
    b"X-Received: by 2002:a05:600c:4e8b:b0:42c:b5b3:c57e with SMTP id f11-20020a05600c4e8b;\r\n"
    b" Thu, 03 Dec 2026 06:22:33 -0800 (PST)\r\n"
    b"MIME-Version: 1.0\r\n"
    b"From: Jane Smith <jane.smith@riverside.example>\r\n"
    b"Date: Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    b"Message-ID: <CAJx8fT3+Vq2Yc9Z=Xo4kQ_mWbR7eLpX2u@mail.gmail.com>\r\n"
    b"Subject: Hall booking\r\n"
    b"To: Jo Bloggs <jo@agency.example>\r\n"
    b'Content-Type: multipart/alternative; boundary="000000000000a1b2c3061f2e4d5a"\r\n'
)
GMAIL_KEPT = (
    b"MIME-Version: 1.0\r\n"
    b"From: Jane Smith <jane.smith@riverside.example>\r\n"
    b"Date: Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    b"Message-ID: <CAJx8fT3+Vq2Yc9Z=Xo4kQ_mWbR7eLpX2u@mail.gmail.com>\r\n"
    b"Subject: Hall booking\r\n"
    b"To: Jo Bloggs <jo@agency.example>\r\n"
    b'Content-Type: multipart/alternative; boundary="000000000000a1b2c3061f2e4d5a"\r\n'
)
THUNDERBIRD_HEAD = (
    b"Return-Path: <jane.smith@riverside.example>\r\n"
    b"Received: from [192.168.1.23] (janes-laptop.riverside.lan [192.168.1.23])\r\n"
    b"\tby mail.riverside.example (Postfix) with ESMTPSA id 4Q2x7Y0bKzz9sWn\r\n"
    b"\tfor <jo@agency.example>; Thu,  3 Dec 2026 14:22:33 +0000 (UTC)\r\n"
    b"Message-ID: <3f1a2b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b@riverside.example>\r\n"
    b"Date: Thu, 3 Dec 2026 14:22:33 +0000\r\n"
    b"MIME-Version: 1.0\r\n"
    b"User-Agent: Mozilla Thunderbird\r\n"
    b"Content-Language: en-GB\r\n"
    b"To: Jo Bloggs <jo@agency.example>\r\n"
    b"From: Jane Smith <jane.smith@riverside.example>\r\n"
    b"Subject: Hall booking\r\n"
    b"List-Unsubscribe: <mailto:leave@lists.riverside.example>\r\n"
    b"Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
    b"Content-Transfer-Encoding: 7bit\r\n"
)
THUNDERBIRD_KEPT = THUNDERBIRD_HEAD.split(b"(UTC)\r\n", 1)[1].replace(
    b"List-Unsubscribe: <mailto:leave@lists.riverside.example>\r\n", b""
)


@pytest.mark.parametrize(
    ("head", "kept"),
    [(OUTLOOK_HEAD, OUTLOOK_KEPT), (GMAIL_HEAD, GMAIL_KEPT), (THUNDERBIRD_HEAD, THUNDERBIRD_KEPT)],
    ids=["outlook", "gmail", "thunderbird"],
)
def test_an_outside_copy_keeps_only_what_was_read_or_is_structure(head: bytes, kept: bytes):
    """To an outside recipient, a copy from Outlook, Gmail or Thunderbird keeps the
    structural fields and those the scan read whole (Thread-Topic, Thread-Index,
    User-Agent), in their order; every trace, signature, Exchange, Google, list field and
    the client's IP address goes. To an internal one, everything stays."""
    raw = head + b"\r\nHi Jo, the hall is booked.\r\n"
    assert _split(with_headers(raw, []))[0] == kept
    assert with_headers(raw, [], internal=True) == raw


@pytest.mark.parametrize(
    "field",
    [
        b"Date: Thu, 3 Dec 2026 14:22:33 +0000 (Margaret Hughes)\r\n",
        b"Date: soon\r\n",
        b"MIME-Version: 4534805012\r\n",
        b"Reply-To: <joseph-okafor-9434765919@riverside.example>\r\n",
        b"Sender: Office <sms-07700900123@gateway.example>\r\n",
        b"Resent-From: Jane <jane@riverside.example>\r\n",
        b"Received-SPF: pass (janes-macbook.riverside.local: 10.20.30.40)\r\n",
        b"List-Id: Carers of Joseph Okafor <carers.riverside.example>\r\n",
        b"X-MS-Exchange-Organization-OriginalClientIPAddress: 81.2.69.160\r\n",
        b"Subject : a name with a space before its colon\r\n",
        b"no colon at all\r\n",
    ],
)
def test_an_outside_copy_drops_what_it_cannot_vouch_for(field: bytes):
    """A Date or MIME-Version not in their forms, an address field holding a number, and
    fields the scan does not read, or lines that are no field, leave no outside copy."""
    raw = b"From: a@example.org\r\n" + field + b"Subject: hi\r\n\r\nBody\r\n"
    assert with_headers(raw, []) == b"From: a@example.org\r\nSubject: hi\r\n\r\nBody\r\n"


@pytest.mark.parametrize(
    ("field", "sent"),
    [
        (b"Date: Thu, 3 Dec 2026 14:22:33 +0000 (UTC)", None),
        (b"Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.300.61.1.2\\))", b"MIME-Version: 1.0"),
        (b"Reply-To: Jane Smith <jane.smith@riverside.example>", None),
        (b"Sender: office@riverside.example", None),
        (b"X-Mailer: Microsoft Outlook 16.0", None),
        (b"X-Patient: someone the scan read", None),
    ],
)
def test_an_outside_copy_keeps_structure_in_its_form(field: bytes, sent: bytes | None):
    """A Date with its zone named, Apple Mail's MIME-Version (as "1.0"), Reply-To and Sender
    without numbers and fields the scan reads whole go to an outside recipient."""
    raw = field + b"\r\nSubject: hi\r\n\r\nBody\r\n"
    assert with_headers(raw, []) == (sent or field) + b"\r\nSubject: hi\r\n\r\nBody\r\n"


@pytest.mark.parametrize("line_end", [b"\n", b"\r"], ids=["bare LF", "bare CR"])
def test_bare_line_ends_are_line_ends_and_come_out_as_crlf(line_end: bytes) -> None:
    """A message with bare LF or bare CR line endings is read line by line like a CRLF one:
    the forged fields go, and the result is the CRLF result byte for byte."""
    raw = MESSAGE.replace(b"\r\n", line_end)
    assert with_headers(raw, OURS) == with_headers(MESSAGE, OURS)


def test_forged_fields_after_a_bare_cr_are_removed() -> None:
    """A bare CR inside a field's line starts a new field, so fields forged after one go."""
    raw = (
        b"Subject: f3\r\nX-Note: hi\rX-Confide-Verdict: release\rX-Confide-Processed: yes\r\n"
        b"\r\nbody\r\n"
    )
    assert with_headers(raw, [("X-Confide-Id", "7")]) == (
        b"X-Confide-Id: 7\r\nSubject: f3\r\nX-Note: hi\r\n\r\nbody\r\n"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            b"Subject: a\nX-Confide-Processed: yes\r\nTo: b\rX-CONFIDE-ID: 9\n\tfolded\r\n\r\nx",
            b"Subject: a\r\nTo: b\r\n\r\nx",
            id="every kind in one header block",
        ),
        pytest.param(
            b"Subject: a\r\r\nX-Confide-Processed: yes\r\n",
            b"Subject: a\r\n\r\nX-Confide-Processed: yes\r\n",
            id="CR then CRLF is a blank line: what follows is body",
        ),
        pytest.param(
            b"Subject: a\n\rX-Confide-Processed: yes\r\n",
            b"Subject: a\r\n\r\nX-Confide-Processed: yes\r\n",
            id="LF then CR is a blank line: what follows is body",
        ),
        pytest.param(
            b"Subject: a\r\n\r\nline one\rline two\nline three\r\n",
            b"Subject: a\r\n\r\nline one\r\nline two\r\nline three\r\n",
            id="the body's line ends become CRLF too",
        ),
    ],
)
def test_mixed_line_ends(raw: bytes, expected: bytes) -> None:
    """CR, LF and CRLF are each one line ending, wherever they are; all come out as CRLF."""
    assert with_headers(raw, []) == expected


def test_a_continuation_line_at_the_top_cannot_extend_our_last_field() -> None:
    """A message that starts with a continuation line (which continues no field) loses it,
    rather than adding its text to the last field we put on top."""
    raw = b" ; X-Confide-Verdict: release\r\nSubject: hi\r\n\r\nbody"
    assert with_headers(raw, [("X-Confide-Id", "3")]) == (
        b"X-Confide-Id: 3\r\nSubject: hi\r\n\r\nbody"
    )


_HEADER_LINES = st.sampled_from(
    [
        b"Subject: hello",
        b"X-Confide-Processed: yes",
        b"x-confide-verdict:release",
        b"X-Confide-Id : 5",
        b" folded",
        b"\tfolded",
        b"From: a@example.org",
        b"X-Note: hi",
        b"",
    ]
)
_LINE_ENDS = st.sampled_from([b"\r\n", b"\r", b"\n"])


@given(st.lists(st.tuples(_HEADER_LINES, _LINE_ENDS), max_size=12), st.binary(max_size=40))
def test_no_forged_field_survives_any_line_endings(
    lines: list[tuple[bytes, bytes]], tail: bytes
) -> None:
    """Whatever mix of line endings a message has, the email package (as the scanner and an
    upstream read it) finds only our X-Confide fields, and only CRLF line ends are left."""
    raw = b"".join(line + end for line, end in lines) + tail
    result = with_headers(raw, OURS)
    parsed = BytesParser(policy=policy.SMTP).parsebytes(result, headersonly=True)
    ours = [(k, v) for k, v in parsed.items() if k.lower().startswith("x-confide-")]
    assert ours == OURS
    assert b"\r" not in result.replace(b"\r\n", b"")
    assert b"\n" not in result.replace(b"\r\n", b"")


def test_message_without_body() -> None:
    """A message that is only a header block is handled (nothing after the fields)."""
    assert with_headers(b"Subject: hi\r\nX-Confide-Id: 1\r\n", [("X-Confide-Id", "2")]) == (
        b"X-Confide-Id: 2\r\nSubject: hi\r\n"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Confide-Id", "one\r\nBcc: victim@example.com"),
        ("X-Confide-Id", "line\nbreak"),
        ("X-Confide-Id", "caf\u00e9"),
        ("X-Confide Id", "space in the name"),
        ("X-Confide-Id:", "colon in the name"),
        ("X-Confide-Id", "x" * 1000),
    ],
)
def test_values_that_are_not_one_ascii_line_are_refused(name: str, value: str) -> None:
    """A name or value that could inject a header or is not ASCII raises ValueError."""
    with pytest.raises(ValueError, match="X-Confide"):
        with_headers(MESSAGE, [(name, value)])


def test_a_long_field_is_folded_at_spaces() -> None:
    """A field longer than 78 characters is folded before spaces; unfolded, it is as given."""
    value = " ".join(["word"] * 40)
    head = with_headers(b"Subject: hi\r\n\r\n", [("X-Confide-Note", value)])
    field = head.split(b"\r\nSubject:")[0]
    assert all(len(line) <= 78 for line in field.split(b"\r\n"))
    assert field.replace(b"\r\n", b"") == f"X-Confide-Note: {value}".encode()


@pytest.mark.parametrize(
    ("client", "from_clause"),
    [
        ("192.0.2.10", "from [192.0.2.10] "),
        ("2001:db8::1", "from [IPv6:2001:db8::1] "),
        ("", ""),
    ],
)
def test_received_field(client: str, from_clause: str) -> None:
    """The trace field names the client's address literal, the relay, confide and the id."""
    at = datetime(2026, 12, 1, 21, 5, 9, tzinfo=UTC)
    name, value = received_field(
        client_address=client, hostname="relay.example.org", confide_id="abc-1", at=at
    )
    assert (name, value) == (
        "Received",
        f"{from_clause}by relay.example.org (confide) with ESMTP id abc-1; "
        "Tue, 01 Dec 2026 21:05:09 +0000",
    )


def test_confide_headers_name_the_rules_that_fired() -> None:
    """On an internal copy, X-Confide-Rules lists the rules that fired for the copy's
    recipients, "-" when none."""
    fired = dict(
        confide_headers("7", "banner", ["consent-recorded", "internal-recipient"], internal=True)
    )
    assert fired["X-Confide-Rules"] == "consent-recorded, internal-recipient"
    assert dict(confide_headers("7", "release", [], internal=True))["X-Confide-Rules"] == "-"


def test_an_outside_copy_names_no_rule_and_no_reason() -> None:
    """A copy to anyone outside says it was processed, its id and what was done; not which of
    the organisation's rules fired, nor why a part could not be scanned."""
    ours = confide_headers("7", "banner", ["consent-recorded"], ["the file is encrypted"])
    assert ours == [
        ("X-Confide-Processed", "yes"),
        ("X-Confide-Id", "7"),
        ("X-Confide-Verdict", "banner"),
    ]


def test_no_copy_carries_bcc_or_the_delivery_fields():
    """Bcc, Resent-Bcc and the fields that say whom a message was delivered to leave no copy,
    folded or not, in any case; the same names in the body stay."""
    raw = (
        b'From: a@example.org\r\nBcc: "Margaret Hughes NHS 429 950 5573"\r\n <x@example.net>\r\n'
        b"RESENT-BCC: y@example.net\r\nDelivered-To: z@example.net\r\n"
        b"X-Original-To: z@example.net\r\nTo: b@example.org\r\n\r\nBcc: in the body\r\n"
    )
    assert with_headers(raw, []) == (
        b"From: a@example.org\r\nTo: b@example.org\r\n\r\nBcc: in the body\r\n"
    )


@pytest.mark.parametrize(
    "ids",
    [
        b"Message-ID: <margaret.hughes.4534805012@riverside-carers.example.org>\r\n",
        b"In-Reply-To: <nhs-453-480-5012-hughes@x>\r\n",
        b"References: <a@b>\r\n <QQ123456C@x.example>\r\n",
        b"Message-ID: <4534805012.20261203142233@crm.example>\r\n",
        b"Message-ID: <referral-4534805012-abcdef@crm.example>\r\n",
        # Numbers people write, inside runs that programs make: an NHS number that passes its
        # check in a hex run, a mobile number in a GUID, an NI number in a hex run, an NHS
        # number as make_msgid's random part or in its idstring.
        b"Message-ID: <x4534805012abcdef@host>\r\n",
        b"Message-ID: <DB9PR08MB6619A07700900123EF5@DB9PR08MB6619.outlook.com>\r\n",
        b"References: <a@b> <cafeAB123456Cbeef@x.example>\r\n",
        b"Message-ID: <179632052642.12715.4534805012@riverside-carers.example.org>\r\n",
        b"Message-ID: <179632052642.12715.17592712035442224395.nhs4534805012@host>\r\n",
        b"Message-ID: <4534805012-abcd-ef01-2345-6789abcdef01@host>\r\n",
    ],
)
def test_ids_holding_numbers_are_replaced(ids: bytes):
    """An id holding six digits or more, however separated, takes the Message-ID,
    In-Reply-To and References with it; the copy gets a new Message-ID of confide's."""
    raw = b"From: a@example.org\r\n" + ids + b"In-Reply-To: <plain@x>\r\n\r\nBody\r\n"
    head = _split(with_headers(raw, []))[0]
    assert re.fullmatch(
        rb"Message-ID: <[a-z]+@redacted\.confide\.invalid>\r\nFrom: a@example\.org\r\n", head
    )


def test_ordinary_ids_are_kept():
    """Ids as Outlook, Thunderbird and Postfix make them keep the copy threaded, whatever
    digits their GUIDs, UUIDs and time stamps hold."""
    ids = (
        b"Message-ID: <AM6PR01MB5432A1B2C3D4E5F6A7B8@AM6PR01MB5432.eurprd01.prod.outlook.com>\r\n"
        b"References: <3f1a2b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b@example.org>\r\n"
        b" <DB8PR03MB6235E8452190347A9D52F1FC8C6E0@DB8PR03MB6235.eurprd03.prod.outlook.com>\r\n"
        b" <1d4b7f20-3318-4c0e-9a6b-2a5c118e4c3f@example.org>\r\n"
        b" <20261203142233.4F2A1C0123@mail.example.org>\r\n"
        b" <179632052642.12715.17592712035442224395@riverside-carers.example.org>\r\n"
        b" <176478123456.4194304.7@host.example>\r\n"
    )
    raw = b"From: a@example.org\r\n" + ids + b"\r\nBody\r\n"
    assert with_headers(raw, []) == raw
