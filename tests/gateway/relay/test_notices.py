"""The hold notice and the delivery failure report the relay writes to a sender, read back
with the email package's parser."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, MIMEPart

import pytest

from gateway.relay import notices
from gateway.relay.notices import (
    FailedRecipient,
    HeldRecipient,
    delivery_failure,
    enhanced_status,
    hold_notice,
)

AT = datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
SENDER = "priya@carers-hub.example"
NHS_NUMBER_IN_BODY = "NHS 943 476 5919"
ATTACHMENT_TEXT = "Care plan for Margaret Oduya"
NO_CONSENT_AGENCY = "NHS number of a known carer; no consent recorded for agency.example"
HEALTH = "Health information (special category); no consent recorded for agency.example"

HELD_IN_TWO_GROUPS = (
    HeldRecipient("ana@agency.example", (NO_CONSENT_AGENCY,)),
    HeldRecipient("ben@council.example", (NO_CONSENT_AGENCY, HEALTH)),
    HeldRecipient("cat@agency.example", (NO_CONSENT_AGENCY,)),
)
TWO_FAILED = (
    FailedRecipient(
        "ana@agency.example", "5.1.1", "550 5.1.1 <ana@agency.example>: Recipient unknown"
    ),
    FailedRecipient("ben@council.example", "5.7.1", "554 5.7.1 Relay access denied"),
)


def original_message(
    subject: str | None = "Carer's assessment",
    message_id: str | None = "<20260601.1@carers-hub.example>",
) -> bytes:
    """A sent message with a personal-data body and an attachment, as the relay receives it."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = SENDER
    message["To"] = "ana@agency.example, ben@council.example"
    message["Cc"] = "manager@carers-hub.example"
    if subject is not None:
        message["Subject"] = subject
    if message_id is not None:
        message["Message-ID"] = message_id
    message.set_content(f"Her number is {NHS_NUMBER_IN_BODY}.\n")
    # A 7bit text attachment, so that any leak of it would show verbatim.
    message.add_attachment(ATTACHMENT_TEXT, filename="assessment.txt")
    return message.as_bytes()


def with_raw_header(field: bytes, raw_value: bytes) -> bytes:
    """``original_message()`` with its ``field`` header written as ``raw_value``, byte for byte."""
    headers, separator, body = original_message().partition(b"\r\n\r\n")
    other_lines = [
        line for line in headers.split(b"\r\n") if not line.lower().startswith(field.lower() + b":")
    ]
    return b"\r\n".join([*other_lines, field + b": " + raw_value]) + separator + body


def write_hold_notice(original: bytes | None = None, **changes: object) -> bytes:
    """A hold notice about ``original`` (by default ``original_message()``) for the held
    recipients above, with any argument changed."""
    arguments: dict[str, object] = {
        "original": original_message() if original is None else original,
        "sender": SENDER,
        "held": HELD_IN_TWO_GROUPS,
        "organisation": "Carers' Hub, Leeds",
        "from_address": "confide@carers-hub.example",
        "confide_id": "CF-2026-000123",
        "at": AT,
        "hostname": "gateway.carers-hub.example",
    }
    # Keyword arguments from a dict of objects: the call itself checks their types.
    return hold_notice(**{**arguments, **changes})  # type: ignore[arg-type]


def write_delivery_failure(original: bytes | None = None, **changes: object) -> bytes:
    """A delivery failure report about ``original`` (by default ``original_message()``) for
    the failed recipients above, with any argument changed."""
    arguments: dict[str, object] = {
        "original": original_message() if original is None else original,
        "sender": SENDER,
        "failed": TWO_FAILED,
        "reporting_mta": "gateway.carers-hub.example",
        "from_address": "MAILER-DAEMON@carers-hub.example",
        "confide_id": "CF-2026-000124",
        "at": AT,
        "organisation": "Carers' Hub, Leeds",
    }
    # Keyword arguments from a dict of objects: the call itself checks their types.
    return delivery_failure(**{**arguments, **changes})  # type: ignore[arg-type]


def parse(raw: bytes) -> EmailMessage:
    """``raw`` as the email package's modern parser reads it."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(notice: EmailMessage) -> str:
    """The decoded text/plain body of a hold notice, or the first part of a report."""
    part = notice.get_body(preferencelist=("plain",))
    assert part is not None
    text = part.get_content()
    assert isinstance(text, str)
    return text


def parts_of(report: EmailMessage) -> list[MIMEPart]:
    """The parts of a multipart report, in order."""
    return list(report.iter_parts())


def delivery_status_blocks(report: EmailMessage) -> list[EmailMessage]:
    """The header blocks of a report's message/delivery-status part, per-message block first."""
    blocks = parts_of(report)[1].get_payload()
    assert isinstance(blocks, list)
    header_blocks = [block for block in blocks if isinstance(block, EmailMessage)]
    assert len(header_blocks) == len(blocks)
    return header_blocks


def test_hold_notice_lists_held_addresses_grouped_by_their_reasons() -> None:
    """Recipients held for the same reasons share one section listing those reasons."""
    text = text_of(parse(write_hold_notice()))
    first, second = text.split("Held for:")[1:]
    assert "ana@agency.example" in first
    assert "cat@agency.example" in first
    assert "ben@council.example" not in first
    assert "- NHS number of a known carer; no consent recorded for agency.example" in first
    assert "special category" not in first
    assert "ben@council.example" in second
    assert "- Health information (special category); no consent" in second


def test_hold_notice_says_what_happens_next_and_quotes_the_reference() -> None:
    """The notice says a manager will review it, not to resend, and the reference to quote."""
    text = " ".join(text_of(parse(write_hold_notice())).split())
    assert "A manager will review it. If they release it, it will be delivered then;" in text
    assert "if not, you will be told." in text
    assert "Please do not send it again" in text
    assert "please quote this reference: CF-2026-000123" in text


@pytest.mark.parametrize(("others_not_held", "mentions_others"), [(True, True), (False, False)])
def test_hold_notice_mentions_other_recipients_only_if_there_were_any(
    others_not_held: bool, mentions_others: bool
) -> None:
    """Recipients that were not held are mentioned only when the message had some."""
    text = " ".join(text_of(parse(write_hold_notice(others_not_held=others_not_held))).split())
    assert ("Other recipients not listed here were not held." in text) is mentions_others


def test_hold_notice_without_reasons_still_gives_a_line_for_them() -> None:
    """A recipient held with no recorded reason gets a line saying so, not an empty list."""
    text = text_of(parse(write_hold_notice(held=[HeldRecipient("ana@agency.example", ())])))
    assert "- No reason was recorded" in text


@pytest.mark.parametrize(
    ("organisation", "display_name"),
    [("Carers' Hub, Leeds", "Carers' Hub, Leeds"), ("", "confide")],
)
def test_hold_notice_headers(organisation: str, display_name: str) -> None:
    """The notice goes to the sender from the organisation, marked as confide's auto-reply."""
    notice = parse(write_hold_notice(organisation=organisation))
    (sender,) = notice["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (display_name, "confide@carers-hub.example")
    assert notice["To"] == SENDER
    assert notice["Date"].datetime == AT
    assert notice["Message-ID"].endswith("@gateway.carers-hub.example>")
    assert notice["Auto-Submitted"] == "auto-replied"
    assert notice["X-Confide-Processed"] == "yes"
    assert notice["X-Confide-Id"] == "CF-2026-000123"
    assert notice.get_content_type() == "text/plain"
    assert notice.get_content_charset() == "utf-8"


def test_hold_notice_repeats_nothing_of_the_original_but_its_subject() -> None:
    """Neither the original's body, its attachment nor its other headers reach the notice."""
    raw = write_hold_notice()
    notice = parse(raw)
    text = text_of(notice)
    for leaked in (NHS_NUMBER_IN_BODY, ATTACHMENT_TEXT, "assessment.txt", "manager@"):
        assert leaked not in text
        assert leaked.encode() not in raw
    assert notice["Cc"] is None
    assert not notice.is_multipart()


@pytest.mark.parametrize(
    ("raw_subject", "notice_subject"),
    [
        (b"Carer's assessment", "Held for review: Carer's assessment"),
        (
            b"=?utf-8?q?Caf=C3=A9_f=C3=BCr_J=C3=BCrgen_=E2=80=93_=F0=9F=93=8E?=",
            "Held for review: Café für Jürgen – 📎",
        ),
        ("Café plans".encode(), "Held for review: Café plans"),
        (b"Quarterly\r\n  report", "Held for review: Quarterly report"),
        (b"=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?=", "Held for review: Hi Bcc: x@evil.example"),
        (b"=?utf-8?q?a=0Bb=E2=80=A8c=00d?=", "Held for review: a b c d"),
        (b"", "Held for review: your message"),
        (b"x" * 300, "Held for review: " + "x" * 199 + "…"),
    ],
    ids=["plain", "encoded-word", "raw-utf-8", "folded", "crlf", "other-breaks", "empty", "long"],
)
def test_hold_notice_subject(raw_subject: bytes, notice_subject: str) -> None:
    """The subject is the original's, decoded, on one line, and bounded in length."""
    assert (
        parse(write_hold_notice(with_raw_header(b"Subject", raw_subject)))["Subject"]
        == notice_subject
    )


def test_hold_notice_without_an_original_subject() -> None:
    """A message without a Subject header is called "your message"."""
    notice = parse(write_hold_notice(original_message(subject=None)))
    assert notice["Subject"] == "Held for review: your message"


def test_subject_with_an_encoded_line_break_cannot_add_a_header() -> None:
    """An encoded-word hiding a line break and a Bcc field stays inside the one Subject line."""
    raw = write_hold_notice(with_raw_header(b"Subject", b"=?utf-8?q?Hi=0ABcc:_x@evil.example?="))
    notice = parse(raw)
    assert notice["Bcc"] is None
    assert notice.get_all("Subject") == ["Held for review: Hi Bcc: x@evil.example"]
    header_block = raw.partition(b"\r\n\r\n")[0]
    assert [line for line in header_block.split(b"\r\n") if line.startswith(b"Subject:")] == [
        b"Subject: Held for review: Hi Bcc: x@evil.example"
    ]
    assert b"\r\nBcc" not in raw


def test_non_ascii_subject_is_encoded_and_reads_back_unchanged() -> None:
    """A non-ASCII subject is written as RFC 2047 encoded-words and decodes to the same text."""
    raw = write_hold_notice(original_message(subject="Jürgen’s care plan 📎"))
    assert b"=?utf-8?" in raw.partition(b"\r\n\r\n")[0]
    assert parse(raw)["Subject"] == "Held for review: Jürgen’s care plan 📎"


@pytest.mark.parametrize(
    ("raw_message_id", "in_reply_to"),
    [
        (b"<20260601.1@carers-hub.example>", "<20260601.1@carers-hub.example>"),
        (b"\r\n <20260601.1@carers-hub.example> ", "<20260601.1@carers-hub.example>"),
        (b"junk", None),
        (b"<no-at-sign>", None),
        (b"<a@b> <c@d>", None),
        (b"<a@b> (a comment)", None),
        (b"<caf\xc3\xa9@carers-hub.example>", None),
        (b"<" + b"x" * 300 + b"@carers-hub.example>", None),
    ],
    ids=["valid", "folded", "junk", "no-at", "two-ids", "comment", "8-bit", "too-long"],
)
def test_hold_notice_threads_on_a_valid_original_message_id(
    raw_message_id: bytes, in_reply_to: str | None
) -> None:
    """In-Reply-To and References name the original's Message-ID only when it is valid."""
    notice = parse(write_hold_notice(with_raw_header(b"Message-ID", raw_message_id)))
    assert notice["In-Reply-To"] == in_reply_to
    assert notice["References"] == in_reply_to


def test_hold_notice_without_an_original_message_id_is_not_threaded() -> None:
    """An original without a Message-ID gives a notice without In-Reply-To or References."""
    notice = parse(write_hold_notice(original_message(message_id=None)))
    assert notice["In-Reply-To"] is None
    assert notice["References"] is None


def test_hold_notice_ignores_a_repeated_message_id() -> None:
    """An original with two Message-ID fields is not threaded on either."""
    original = original_message().replace(
        b"\r\nMessage-ID:", b"\r\nMessage-ID: <other@carers-hub.example>\r\nMessage-ID:", 1
    )
    assert parse(write_hold_notice(original))["In-Reply-To"] is None


@pytest.mark.parametrize("write", [write_hold_notice, write_delivery_failure])
def test_output_has_crlf_line_ends_and_seven_bit_text(write: Callable[..., bytes]) -> None:
    """Every line ends in CRLF (no bare LF or CR) and every octet is ASCII, whatever the input."""
    raw = write(original_message(subject="Jürgen’s care plan"), organisation="Cåfé Hub")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"\r" not in raw.replace(b"\r\n", b"")
    assert raw.isascii()


@pytest.mark.parametrize("write", [write_hold_notice, write_delivery_failure])
@pytest.mark.parametrize("null_sender", ["", "<>"])
def test_no_notice_goes_to_the_null_reverse_path(
    write: Callable[..., bytes], null_sender: str
) -> None:
    """A message with the null reverse-path (itself a notice) gets no notice back."""
    with pytest.raises(ValueError, match="null reverse-path"):
        write(sender=null_sender)


def test_no_notice_about_no_recipients() -> None:
    """Writing a notice about nobody is refused as the caller's mistake."""
    with pytest.raises(ValueError, match="at least one recipient"):
        write_hold_notice(held=[])
    with pytest.raises(ValueError, match="at least one recipient"):
        write_delivery_failure(failed=[])


def test_delivery_failure_is_a_three_part_rfc_3464_report() -> None:
    """The report is multipart/report (delivery-status): explanation, status, headers."""
    report = parse(write_delivery_failure())
    assert report.get_content_type() == "multipart/report"
    assert report.get_param("report-type") == "delivery-status"
    assert [part.get_content_type() for part in parts_of(report)] == [
        "text/plain",
        "message/delivery-status",
        "text/rfc822-headers",
    ]
    assert report.defects == []
    assert all(part.defects == [] for part in report.walk())


def test_delivery_failure_headers() -> None:
    """The report comes from the Mail Delivery System to the sender, marked as an auto-reply."""
    report = parse(write_delivery_failure())
    (sender,) = report["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Mail Delivery System",
        "MAILER-DAEMON@carers-hub.example",
    )
    assert report["To"] == SENDER
    assert report["Subject"] == "Undelivered Mail Returned to Sender"
    assert report["Date"].datetime == AT
    assert report["Message-ID"].endswith("@gateway.carers-hub.example>")
    assert report["MIME-Version"] == "1.0"
    assert report["Auto-Submitted"] == "auto-replied"
    assert report["X-Confide-Processed"] == "yes"
    assert report["X-Confide-Id"] == "CF-2026-000124"


def test_delivery_status_has_a_block_per_failed_recipient() -> None:
    """After the per-message block, each failed recipient has its own block of fields."""
    per_message, *per_recipient = delivery_status_blocks(parse(write_delivery_failure()))
    assert per_message["Reporting-MTA"] == "dns; gateway.carers-hub.example"
    fields = [
        (block["Final-Recipient"], block["Action"], block["Status"], block["Diagnostic-Code"])
        for block in per_recipient
    ]
    assert fields == [
        (
            "rfc822; ana@agency.example",
            "failed",
            "5.1.1",
            "smtp; 550 5.1.1 <ana@agency.example>: Recipient unknown",
        ),
        ("rfc822; ben@council.example", "failed", "5.7.1", "smtp; 554 5.7.1 Relay access denied"),
    ]
    last_attempts = {block["Last-Attempt-Date"] for block in per_recipient}
    assert last_attempts == {"Mon, 01 Jun 2026 12:30:00 +0000"}


def test_delivery_failure_explains_itself() -> None:
    """The text names each refused recipient with its server's reply and the reference."""
    text = " ".join(text_of(parse(write_delivery_failure())).split())
    assert "could not be delivered" in text
    assert "ana@agency.example The server replied: 550 5.1.1 <ana@agency.example>" in text
    assert "ben@council.example The server replied: 554 5.7.1 Relay access denied" in text
    assert "any other recipients of your message was not affected" in text
    assert "CF-2026-000124" in text


def test_delivery_failure_carries_the_original_headers_but_not_its_body() -> None:
    """The text/rfc822-headers part holds the original's header block, and nothing after it."""
    raw = write_delivery_failure()
    report = parse(raw)
    original_headers = parts_of(report)[2].get_content()
    assert "Subject: Carer's assessment" in original_headers
    assert "Message-ID: <20260601.1@carers-hub.example>" in original_headers
    assert "Cc: manager@carers-hub.example" in original_headers
    for leaked in (NHS_NUMBER_IN_BODY, ATTACHMENT_TEXT, "assessment.txt"):
        assert leaked.encode() not in raw
    assert "multipart/mixed" in original_headers


def test_original_header_block_ends_at_the_first_line_that_is_not_a_header() -> None:
    """An original with no blank line before its body still gives up only its header lines."""
    original = (
        b"From: priya@carers-hub.example\r\n"
        b"Subject: Missing separator\r\n"
        b" continued\r\n"
        b"Her number is " + NHS_NUMBER_IN_BODY.encode() + b"\r\n"
        b"X-Not-A-Header: because the body started above\r\n"
    )
    report = parse(write_delivery_failure(original))
    assert parts_of(report)[2].get_content().splitlines() == [
        "From: priya@carers-hub.example",
        "Subject: Missing separator",
        " continued",
    ]


def test_original_header_block_with_bare_cr_and_lf_line_ends() -> None:
    """A bare CR or LF ends a header line there as it does for a parser (not the body's
    start), and the report's copy of the block has CRLF line ends only."""
    original = (
        b"From: priya@carers-hub.example\rSubject: Bare CR\nX-Confide-Processed: yes\r\n"
        b"\r\nHer number is " + NHS_NUMBER_IN_BODY.encode() + b"\r\n"
    )
    raw = write_delivery_failure(original)
    assert b"\r" not in raw.replace(b"\r\n", b"")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert parts_of(parse(raw))[2].get_content().splitlines() == [
        "From: priya@carers-hub.example",
        "Subject: Bare CR",
        "X-Confide-Processed: yes",
    ]
    assert NHS_NUMBER_IN_BODY.encode() not in raw


def test_diagnostic_spanning_lines_is_flattened_to_one() -> None:
    """A multi-line upstream reply becomes one Diagnostic-Code line, with no CR or LF left."""
    failed = [
        FailedRecipient(
            "ana@agency.example",
            "5.1.1",
            "550-5.1.1 <ana@agency.example>: Recipient\r\n"
            "550-5.1.1 address\n"
            "550 5.1.1 rejected\r\n",
        )
    ]
    raw = write_delivery_failure(failed=failed)
    _, block = delivery_status_blocks(parse(raw))
    assert block["Diagnostic-Code"] == (
        "smtp; 550-5.1.1 <ana@agency.example>: Recipient 550-5.1.1 address 550 5.1.1 rejected"
    )
    assert b"\r\n550" not in raw


@pytest.mark.parametrize(
    ("reply_code", "reply_text", "status"),
    [
        (550, "5.1.1 <ana@agency.example>: Recipient address rejected", "5.1.1"),
        (550, "550 5.1.1 <ana@agency.example>: Recipient address rejected", "5.1.1"),
        (554, "5.7.1 Relay access denied\n5.7.1 See policy", "5.7.1"),
        (451, "4.7.1 Greylisted, try again later", "4.7.1"),
        (552, "5.3.4 Message too big", "5.3.4"),
        (550, "5.1.10 Recipient address has null MX", "5.1.10"),
        (550, "Mailbox unavailable", "5.0.0"),
        (421, "Service not available", "4.0.0"),
        (550, "4.1.1 class does not match the reply code", "5.0.0"),
        (550, "", "5.0.0"),
        (550, "5.1 is not a full status", "5.0.0"),
        (550, "5.1.1.2 has a fourth part", "5.0.0"),
        (550, "See 5.1.1 later in the text", "5.0.0"),
    ],
)
def test_enhanced_status(reply_code: int, reply_text: str, status: str) -> None:
    """The status at the start of the reply is used when its class matches the reply code."""
    assert enhanced_status(reply_code, reply_text) == status


@pytest.mark.parametrize("write", [write_hold_notice, write_delivery_failure])
@pytest.mark.parametrize(
    ("organisation", "subject"),
    [
        ("Carers' Hub, Leeds", "Carer's assessment"),
        ("Dr. Okafor & Partners", "Re: [Ext] meeting; notes (draft) <v2>"),
        ('A "quoted" name', "x" * 90),
        ("Cåfé Hub", "Jürgen’s care plan"),
        ("", ""),
    ],
)
def test_short_ascii_headers_are_written_as_the_email_package_would(
    write: Callable[..., bytes],
    organisation: str,
    subject: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Notices write a short printable-ASCII header without folding it through a parse tree;
    byte for byte, that is what the stock SMTP policy writes."""
    monkeypatch.setattr(notices, "make_msgid", lambda domain: f"<fixed@{domain}>")

    def written() -> bytes:
        random.seed(1)  # the same MIME boundaries
        return write(original_message(subject=subject), organisation=organisation)

    ours = written()
    monkeypatch.setattr(notices, "NOTICE_POLICY", policy.SMTP.clone(cte_type="7bit"))
    assert written() == ours
