"""The messages the relay writes to a sender: a hold notice, a delivery failure report, and
the outcome of a manager's decision on a held recipient (not sent, or released and how).

All are pure functions of their arguments (no Django, no I/O) that return bytes ready to
send. None repeats anything from the original message but what is needed to recognise it:
the notices repeat its Subject and Message-ID; the delivery failure report (RFC 3464) carries
its header block, as the standard asks, and never its body.
"""

from __future__ import annotations

import enum
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.parser import BytesHeaderParser
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid

from scanner.mime_parts import DEFAULT_POLICY, HEADER_CLASSES


class _NoticePolicy(EmailPolicy):
    """The SMTP policy, writing a header that is one short line of printable ASCII as it is.

    The email package folds every header through a parse tree, which took more than half the
    time spent writing a notice; such a header comes out of it unchanged anyway
    (``test_notices.py`` compares the two on every kind of header a notice has)."""

    def fold_binary(self, name: str, value: str) -> bytes:
        text = str(value)
        if (
            text.isascii()
            and text.isprintable()
            and len(name) + 2 + len(text) <= (self.max_line_length or 0)
        ):
            return f"{name}: {text}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


# CRLF line ends (SMTP), and 7-bit transfer encodings throughout, so a notice passes through
# any upstream, including one that does not offer 8BITMIME.
NOTICE_POLICY = _NoticePolicy(linesep="\r\n", cte_type="7bit", header_factory=HEADER_CLASSES)

# The longest original Subject repeated in a hold notice's Subject; the rest becomes "…".
# A Subject is bounded only by the message SIZE we advertise; a notice's need not be.
SUBJECT_CHARACTERS_KEPT = 200

# The longest original Message-ID used for In-Reply-To/References. RFC 5322 sets no limit;
# a msg-id cannot be folded, and this keeps its header well inside the 998-octet line limit.
MESSAGE_ID_CHARACTERS_KEPT = 250

# Prose in the notices' text is wrapped to this width (addresses are never broken).
TEXT_WIDTH = 72

# A msg-id as RFC 5322 section 3.6.4 allows it, without obsolete forms: "<left@right>", each
# side printable ASCII other than "<", ">" and "@".
_MESSAGE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f\x41-\x7e]+@[\x21-\x3b\x3d\x3f\x41-\x7e]+>")

# A header line, as the email package's parser recognises one: a field name and a colon, or a
# continuation line starting with white space.
_HEADER_FIELD = re.compile(rb"[\x21-\x39\x3b-\x7e]+:")
_CONTINUATION = re.compile(rb"[ \t]")

# An RFC 3463 enhanced status code at the start of a reply's text, after an optional repeat of
# the three-digit reply code ("550 5.1.1 ..." or "5.1.1 ...").
_ENHANCED_STATUS = re.compile(r"\s*(?:\d{3}[ -])?([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)")


@dataclass(frozen=True)
class HeldRecipient:
    """A recipient the message was held for, and the policy engine's reasons in plain words."""

    address: str
    # Plain words from the policy engine, already free of personal data.
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class FailedRecipient:
    """A recipient the upstream refused for good, with its enhanced status code and reply."""

    address: str
    # An RFC 3463 enhanced status code such as "5.1.1" (see ``enhanced_status``).
    status: str
    # The upstream's reply, such as "550 5.1.1 <x@y>: Recipient address rejected"; it may span
    # lines, and is flattened to one before it is written anywhere.
    diagnostic: str


def enhanced_status(reply_code: int, reply_text: str) -> str:
    """The enhanced status code at the start of ``reply_text`` if its class matches
    ``reply_code``'s, otherwise the generic one for the code's class ("5.0.0")."""
    code_class = reply_code // 100
    found = _ENHANCED_STATUS.match(reply_text)
    if found and int(found[1]) == code_class:
        return f"{found[1]}.{int(found[2])}.{int(found[3])}"
    return f"{code_class}.0.0"


def hold_notice(
    *,
    original: bytes,
    sender: str,
    held: Sequence[HeldRecipient],
    organisation: str,
    from_address: str,
    confide_id: str,
    at: datetime,
    hostname: str,
    others_not_held: bool = False,
    item_url: str | None = None,
) -> bytes:
    """A short plain-English notice telling ``sender`` that their message was held for the
    recipients in ``held``, why, and what happens next; ``others_not_held`` says whether the
    message had other recipients that were not held. ``item_url`` is the held item's page on
    the review pages; "" when they have no configured address (the notice says to search
    for the reference there); None to say nothing of them (a sender who cannot sign in)."""
    _require_sender_and_recipients(sender, held)
    notice = _reply(
        original,
        sender,
        "Held for review",
        organisation=organisation,
        from_address=from_address,
        confide_id=confide_id,
        at=at,
        hostname=hostname,
    )
    notice.set_content(
        _hold_notice_text(
            held, organisation, confide_id, others_not_held=others_not_held, item_url=item_url
        )
    )
    return notice.as_bytes()


def delivery_failure(
    *,
    original: bytes,
    sender: str,
    failed: Sequence[FailedRecipient],
    reporting_mta: str,
    from_address: str,
    confide_id: str,
    at: datetime,
    organisation: str,
) -> bytes:
    """An RFC 3464 delivery status notification telling ``sender`` that the upstream refused
    the recipients in ``failed``: an explanation, the machine-readable status, and the original
    message's header block (never its body)."""
    _require_sender_and_recipients(sender, failed)

    explanation = MIMEPart(policy=NOTICE_POLICY)
    explanation.set_content(_delivery_failure_text(failed, organisation, confide_id))

    per_message = MIMEPart(policy=NOTICE_POLICY)
    per_message["Reporting-MTA"] = f"dns; {reporting_mta}"
    per_recipient_blocks = []
    for recipient in failed:
        per_recipient = MIMEPart(policy=NOTICE_POLICY)
        per_recipient["Final-Recipient"] = f"rfc822; {recipient.address}"
        per_recipient["Action"] = "failed"
        per_recipient["Status"] = recipient.status
        per_recipient["Diagnostic-Code"] = f"smtp; {_diagnostic_line(recipient.diagnostic)}"
        per_recipient["Last-Attempt-Date"] = format_datetime(at)
        per_recipient_blocks.append(per_recipient)
    # The content manager would take only one header block for a message/* part; the
    # generator writes a message/delivery-status payload as its list of header blocks, each
    # followed by a blank line (RFC 3464 section 2.1).
    delivery_status = MIMEPart(policy=NOTICE_POLICY)
    delivery_status["Content-Type"] = "message/delivery-status"
    delivery_status["Content-Transfer-Encoding"] = "7bit"
    delivery_status.set_payload([per_message, *per_recipient_blocks])

    original_headers = MIMEPart(policy=NOTICE_POLICY)
    original_headers.set_content(
        _header_block(original).decode("utf-8", "replace"), subtype="rfc822-headers"
    )

    report = EmailMessage(policy=NOTICE_POLICY)
    report["From"] = Address(display_name="Mail Delivery System", addr_spec=from_address)
    report["To"] = sender
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Date"] = format_datetime(at)
    report["Message-ID"] = make_msgid(domain=reporting_mta)
    _mark_as_confide_reply(report, confide_id)
    report["MIME-Version"] = "1.0"
    report["Content-Type"] = "multipart/report; report-type=delivery-status"
    report.set_payload([explanation, delivery_status, original_headers])
    return report.as_bytes()


def _reply(
    original: bytes,
    sender: str,
    subject_prefix: str,
    *,
    organisation: str,
    from_address: str,
    confide_id: str,
    at: datetime,
    hostname: str,
) -> EmailMessage:
    """A notice to ``sender`` about ``original``, without its text: the original's Subject
    after ``subject_prefix`` (shortened), and its Message-ID to thread under."""
    original_headers = BytesHeaderParser(policy=DEFAULT_POLICY).parsebytes(original)
    original_subject = _one_line(str(original_headers.get("Subject", "")))
    if len(original_subject) > SUBJECT_CHARACTERS_KEPT:
        original_subject = original_subject[: SUBJECT_CHARACTERS_KEPT - 1].rstrip() + "…"
    notice = EmailMessage(policy=NOTICE_POLICY)
    notice["From"] = Address(display_name=organisation or "confide", addr_spec=from_address)
    notice["To"] = sender
    notice["Subject"] = f"{subject_prefix}: {original_subject or 'your message'}"
    notice["Date"] = format_datetime(at)
    notice["Message-ID"] = make_msgid(domain=hostname)
    original_message_id = _valid_message_id(original_headers)
    if original_message_id:
        notice["In-Reply-To"] = original_message_id
        notice["References"] = original_message_id
    _mark_as_confide_reply(notice, confide_id)
    return notice


def _require_sender_and_recipients(sender: str, recipients: Sequence[object]) -> None:
    """Refuse to write a notice to the null reverse-path (RFC 5321 section 4.5.5) or about
    no recipients at all: both are mistakes in the caller."""
    if not sender.strip("<> "):
        raise ValueError("no notice may be sent to the null reverse-path <>")
    if not recipients:
        raise ValueError("a notice needs at least one recipient to tell the sender about")


def _mark_as_confide_reply(notice: EmailMessage, confide_id: str) -> None:
    """The headers that mark a notice as an automatic reply from confide about ``confide_id``."""
    notice["Auto-Submitted"] = "auto-replied"
    notice["X-Confide-Processed"] = "yes"
    notice["X-Confide-Id"] = confide_id


def _one_line(text: str) -> str:
    """``text`` with control characters and every run of white space (line breaks included)
    turned into a single space, so it cannot start a new header line."""
    spaced = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(spaced.split())


def _diagnostic_line(diagnostic: str) -> str:
    """An upstream reply on one line of ASCII, as a Diagnostic-Code field needs it."""
    return _one_line(diagnostic).encode("ascii", "replace").decode("ascii")


def _valid_message_id(original_headers: EmailMessage) -> str | None:
    """The original's Message-ID, if it has exactly one, well formed and not too long."""
    # The field as written: the parsed header object would drop text after the first msg-id.
    message_ids = [
        value for name, value in original_headers.raw_items() if name.lower() == "message-id"
    ]
    if len(message_ids) != 1:
        return None
    message_id = str(message_ids[0]).strip()
    if len(message_id) > MESSAGE_ID_CHARACTERS_KEPT or not _MESSAGE_ID.fullmatch(message_id):
        return None
    return message_id


def _header_block(original: bytes) -> bytes:
    """The header lines at the top of ``original``, ending where the email package's parser
    would start the body (at the blank line, or at the first line that is not a header)."""
    header_lines: list[bytes] = []
    for line in original.splitlines(keepends=True):
        is_field = _HEADER_FIELD.match(line)
        is_continuation = header_lines and _CONTINUATION.match(line)
        if not (is_field or is_continuation):
            break
        header_lines.append(line)
    return b"".join(header_lines)


def paragraph(text: str) -> str:
    """``text`` wrapped to ``TEXT_WIDTH``, never breaking inside an address or a domain."""
    return textwrap.fill(text, TEXT_WIDTH, break_long_words=False, break_on_hyphens=False)


def _bullet(text: str) -> str:
    """``text`` as a wrapped, indented bullet point."""
    return textwrap.fill(
        _one_line(text),
        TEXT_WIDTH,
        initial_indent="  - ",
        subsequent_indent="    ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _hold_notice_text(
    held: Sequence[HeldRecipient],
    organisation: str,
    confide_id: str,
    *,
    others_not_held: bool,
    item_url: str | None,
) -> str:
    """The body of a hold notice: who the message was held for and why, grouping recipients
    held for the same reasons, then what happens next."""
    addresses_by_reasons: dict[tuple[str, ...], list[str]] = {}
    for recipient in held:
        addresses_by_reasons.setdefault(recipient.reasons, []).append(recipient.address)

    sections = [
        "Hello,",
        paragraph(
            "Your message has been held for review, so it has not yet been sent to the "
            "recipients below."
        ),
    ]
    for reasons, addresses in addresses_by_reasons.items():
        listed_addresses = "\n".join(f"  {address}" for address in addresses)
        listed_reasons = "\n".join(_bullet(reason) for reason in reasons) or _bullet(
            "No reason was recorded; a manager will look at it all the same."
        )
        sections.append(f"Held for:\n{listed_addresses}\nBecause:\n{listed_reasons}")
    next_steps = (
        "A manager will review it. If they release it, it will be delivered then; "
        "if not, you will be told."
    )
    if others_not_held:
        next_steps += " Other recipients not listed here were not held."
    sections += [
        paragraph(next_steps),
        paragraph(
            "Please do not send it again: the held copy is kept safely and will go out "
            "if it is released."
        ),
        paragraph(f"If you ask about it, please quote this reference: {confide_id}"),
    ]
    if item_url:
        sections.append(f"You can follow it on the review pages:\n  {item_url}")
    elif item_url is not None:
        sections.append(
            paragraph(
                "You can follow it on the review pages: sign in and search for the reference."
            )
        )
    sections.append(organisation or "confide")
    return "\n\n".join(sections) + "\n"


def _delivery_failure_text(
    failed: Sequence[FailedRecipient], organisation: str, confide_id: str
) -> str:
    """The human-readable part of a delivery failure report: who could not be reached, what
    their mail server said, and that other recipients were not affected."""
    refused = "\n\n".join(
        f"  {recipient.address}\n"
        + textwrap.fill(
            f"The server replied: {_diagnostic_line(recipient.diagnostic)}",
            TEXT_WIDTH,
            initial_indent="    ",
            subsequent_indent="    ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        for recipient in failed
    )
    sections = [
        f"This is the mail system at {organisation or 'confide'}.",
        paragraph(
            "Your message could not be delivered to the recipients below: their mail "
            "server refused it, and it will not be tried again."
        ),
        refused,
        paragraph("Delivery to any other recipients of your message was not affected."),
        paragraph(f"If you ask about it, please quote this reference: {confide_id}"),
        paragraph(
            "The headers of your message are attached below for reference; its text and "
            "attachments are not."
        ),
    ]
    return "\n\n".join(sections) + "\n"


class Released(enum.StrEnum):
    """How a manager released a held message to one recipient, as the sender is told it."""

    BANNER = "marked CONFIDENTIAL."
    BANNER_IN_BODY = (
        "marked CONFIDENTIAL in its subject and text; attached documents that could not be "
        "marked went as they were."
    )
    REDACTED = (
        "with the personal details confide found in it taken out, each replaced by a "
        "placeholder; the rest went as you wrote it."
    )
    CONSENT = (
        "marked CONFIDENTIAL, once the manager had recorded the consent of the person it is about."
    )
    EXCEPTION = (
        "marked CONFIDENTIAL, without the consent of the person it is about, on one of the "
        "grounds the confidentiality policy allows; the manager's reasons are kept in the "
        "organisation's logbook."
    )


def decision_notice(
    *,
    original: bytes,
    sender: str,
    recipient: str,
    released: Released | None,
    note: str | None,
    organisation: str,
    from_address: str,
    confide_id: str,
    at: datetime,
    hostname: str,
) -> bytes:
    """A notice telling ``sender`` what a manager decided on their message held for
    ``recipient``: released, and how (``released``), or not sent (``None``); with the
    manager's ``note`` as they wrote it, where one is given."""
    _require_sender_and_recipients(sender, [recipient])
    notice = _reply(
        original,
        sender,
        "Not sent" if released is None else "Released",
        organisation=organisation,
        from_address=from_address,
        confide_id=confide_id,
        at=at,
        hostname=hostname,
    )
    if released is None:
        outcome = [
            paragraph(
                "A manager has reviewed your held message and decided that it will not be "
                "sent to the recipient below."
            ),
            f"Not sent to:\n  {recipient}",
        ]
    else:
        outcome = [
            paragraph(
                "A manager has reviewed your held message and released it to the recipient below."
            ),
            f"Sent to:\n  {recipient}",
            paragraph(f"It was sent {released.value}"),
        ]
    if note is not None:
        lines = "\n".join(f"  {line}" for line in note.strip().splitlines())
        outcome.append(f"The manager's note:\n{lines}")
    sections = [
        "Hello,",
        *outcome,
        paragraph(f"If you ask about it, please quote this reference: {confide_id}"),
        organisation or "confide",
    ]
    notice.set_content("\n\n".join(sections) + "\n")
    return notice.as_bytes()
