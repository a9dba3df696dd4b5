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
    head = _split(with_headers(MESSAGE, OURS))[0]
    assert head == (
        b"X-Confide-Processed: banner; rule external-consented\r\n"
        b"X-Confide-Id: 42\r\n" + KEPT_HEADERS
    )


def test_no_headers_given_only_removes() -> None:
    """With nothing to add, the result is the input less the forged fields."""
    assert with_headers(MESSAGE, []) == MESSAGE.replace(_split(MESSAGE)[0], KEPT_HEADERS, 1)


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
    """X-Confide-Rules lists the rules that fired for the copy's recipients, "-" when none."""
    fired = dict(confide_headers("7", "banner", ["consent-recorded", "internal-recipient"]))
    assert fired["X-Confide-Rules"] == "consent-recorded, internal-recipient"
    assert dict(confide_headers("7", "release", []))["X-Confide-Rules"] == "-"


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
    )
    raw = b"From: a@example.org\r\n" + ids + b"\r\nBody\r\n"
    assert with_headers(raw, []) == raw
