"""Reading held items for the pages: the queue a user may see, with its filters, and one
message as a manager reviews it (headers, text with findings, HTML, attachments, verdicts),
with what goes beyond the consent of a recipient a subject consented to (need to know);
and for ``confide held``, run by the server's admin, every held recipient."""

from __future__ import annotations

import contextlib
import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from gateway.consent_book import DjangoConsentBook
from gateway.register.models import Subject
from gateway.relay.models import Message, Outcome, ReviewState
from gateway.review import decisions, retention
from gateway.review.models import LogbookEntry, LogbookKind, ScanRecord
from gateway.review.roles import is_manager, own_addresses
from gateway.review.scan_record import ReadMessage, read_scan_record
from scanner.consent import ADDRESS, ALL_SCOPES, ConsentRecord
from scanner.mime_parts import is_body, part_filename

# The header fields shown on an item's page, in this order.
SHOWN_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID")
# The most of an HTML body put in the page; the rest is cut (it is held either way).
MAX_HTML_CHARACTERS = 2_000_000


@dataclass(frozen=True)
class QueueFilter:
    state: str = "held"  # ReviewState.HELD
    sender: str = ""
    recipient: str = ""
    rule: str = ""
    received_from: date | None = None
    received_to: date | None = None
    search: str = ""


def visible_outcomes(user: Any) -> QuerySet[Outcome]:
    """Every recipient ever held that ``user`` may see: all of them for a manager, those of
    messages sent from one of the user's own addresses for anyone else."""
    held_ever = Outcome.objects.exclude(review_state=ReviewState.NOT_HELD)
    if is_manager(user):
        return held_ever
    addresses = own_addresses(user)
    if not addresses:
        return held_ever.none()
    own = Q()
    for address in addresses:
        own |= Q(message__mail_from__iexact=address)
    return held_ever.filter(own)


def held_recipients(user: Any, ids: list[int]) -> list[Outcome]:
    """The recipients of ``ids`` that ``user`` may see and that are still held, in that
    order; the others are left out."""
    found = visible_outcomes(user).filter(id__in=ids, review_state=ReviewState.HELD)
    by_id = {outcome.id: outcome for outcome in found.select_related("message")}
    return [by_id[i] for i in ids if i in by_id]


def every_held() -> QuerySet[Outcome]:
    """Every recipient waiting for a decision, oldest first: what the server's admin sees."""
    return _filtered(Outcome.objects.all(), QueueFilter())


def queue(user: Any, wanted: QueueFilter) -> QuerySet[Outcome]:
    """The held recipients ``user`` may see that match ``wanted``, oldest first."""
    return _filtered(visible_outcomes(user), wanted, manager=is_manager(user))


def _released_as_exception() -> Q:
    return Q(
        Exists(LogbookEntry.objects.filter(outcome=OuterRef("pk"), kind=LogbookKind.EXCEPTION))
    )


def note_kept_from(user: Any, outcomes: list[Outcome]) -> set[int]:
    """The ids of ``outcomes`` whose decision note ``user`` may not read: an exception's note
    is the manager's reasoning for breaking confidentiality, kept from everyone but managers
    as it is kept from the sender's notice (``decisions``)."""
    if is_manager(user):
        return set()
    found = Outcome.objects.filter(id__in=[o.id for o in outcomes]).filter(_released_as_exception())
    return set(found.values_list("id", flat=True))


def _filtered(
    outcomes: QuerySet[Outcome], wanted: QueueFilter, *, manager: bool = True
) -> QuerySet[Outcome]:
    found = outcomes.select_related("message")
    if wanted.state:
        found = found.filter(review_state=wanted.state)
    if wanted.sender:
        found = found.filter(message__mail_from__icontains=wanted.sender)
    if wanted.recipient:
        found = found.filter(recipient__icontains=wanted.recipient)
    if wanted.rule:
        # The rules as JSON text: a quoted name matches that rule only, on every backend.
        found = found.annotate(rules_text=Cast("rules", TextField())).filter(
            rules_text__contains=f'"{wanted.rule}"'
        )
    if wanted.received_from:
        found = found.filter(message__received_at__gte=_start_of(wanted.received_from))
    if wanted.received_to:
        found = found.filter(
            message__received_at__lt=_start_of(wanted.received_to + timedelta(days=1))
        )
    if wanted.search:
        words = wanted.search.strip()
        matches = Q(message__mail_from__icontains=words) | Q(recipient__icontains=words)
        # An exception's note is searched by managers only (``note_kept_from``), and so are
        # the reasons as stored: they name register refs, which staff do not see
        # (``reasons_for_staff``), and a search for a ref would tell whose data an item holds.
        note = Q(decision_note__icontains=words)
        if manager:
            matches |= note | Q(reasons_text__icontains=words)
        else:
            matches |= note & ~_released_as_exception()
        with contextlib.suppress(ValueError):  # a reference, pasted from a notice
            matches |= Q(message_id=uuid.UUID(words))
        found = found.annotate(reasons_text=Cast("reasons", TextField())).filter(matches)
    return found.order_by("message__received_at", "id")


def _start_of(day: date) -> datetime:
    start: datetime = timezone.make_aware(datetime.combine(day, time.min))
    return start


@dataclass(frozen=True)
class Attachment:
    number: int
    filename: str
    content_type: str
    size: int
    findings: int
    inline: bool  # shown in the body (a logo) rather than attached as a file


@dataclass(frozen=True)
class HeldMessage:
    message: Message
    outcomes: list[Outcome]
    headers: list[tuple[str, str]]
    read: ReadMessage | None  # None: no scan record (processed before it was kept)
    html: str
    attachments: list[Attachment]
    removed: bool = False  # its content was removed under the retention policy


def held_message(user: Any, message_id: uuid.UUID) -> HeldMessage | None:
    """The message as its page shows it, or None when ``user`` may not see it."""
    return _message_page(visible_outcomes(user).filter(message_id=message_id))


def message_of(outcome_id: int) -> HeldMessage | None:
    """The message a recipient was held from, with every recipient ever held, as the server's
    admin reads it (``confide held show``); None when there is no such held recipient."""
    held_ever = Outcome.objects.exclude(review_state=ReviewState.NOT_HELD)
    message_id = held_ever.filter(id=outcome_id).values_list("message_id", flat=True).first()
    return _message_page(held_ever.filter(message_id=message_id)) if message_id else None


def _message_page(found: QuerySet[Outcome]) -> HeldMessage | None:
    outcomes = list(found.select_related("message").order_by("id"))
    if not outcomes:
        return None
    message = outcomes[0].message
    if retention.body_removed(message):
        return HeldMessage(
            message, outcomes, headers=[], read=None, html="", attachments=[], removed=True
        )
    sealer = decisions.releasing().sealer
    parsed = email.message_from_bytes(
        sealer.unseal(bytes(message.sealed)), policy=email.policy.default
    )
    assert isinstance(parsed, EmailMessage)
    record = ScanRecord.objects.filter(message_id=message.id).first()
    read = read_scan_record(sealer.unseal(bytes(record.sealed))) if record else None
    return HeldMessage(
        message=message,
        outcomes=outcomes,
        headers=[
            (name, str(value)) for name in SHOWN_HEADERS for value in (parsed.get_all(name) or [])
        ],
        read=read,
        html=_html_body(parsed),
        attachments=_attachments(parsed, read),
    )


def subjects_found(message_id: uuid.UUID) -> list[str]:
    """The register refs of the subjects confide tied the message's findings to, sorted
    (none when its scan record was not kept or has been removed)."""
    return sorted(
        Subject.objects.filter(scan_records__message_id=message_id).values_list("ref", flat=True)
    )


def _html_body(parsed: EmailMessage) -> str:
    part = parsed.get_body(preferencelist=("html",))
    if part is None:
        return ""
    try:
        return str(part.get_content())[:MAX_HTML_CHARACTERS]
    except (LookupError, ValueError, AssertionError):  # an unknown charset, broken encoding
        return ""


def _attachments(parsed: EmailMessage, read: ReadMessage | None) -> list[Attachment]:
    """Every part that is not a text or HTML body, numbered as the scan numbers them
    (``attachment N``): files attached and pictures shown inline (a signature's logo)."""
    found = []
    leaves = (part for part in parsed.walk() if not part.is_multipart())
    parts = [part for part in leaves if not is_body(part, part.get_content_type())]
    for number, part in enumerate(parts, start=1):
        payload = part.get_payload(decode=True)
        prefix = f"attachment {number} "
        findings = sum(
            len(segment.findings)
            for segment in (read.segments if read else ())
            if segment.location.startswith(prefix) or segment.location == prefix.strip()
        )
        found.append(
            Attachment(
                number=number,
                filename=part_filename(part) or "(no name)",
                content_type=part.get_content_type(),
                size=len(payload) if isinstance(payload, bytes) else 0,
                findings=findings,
                # Shown in the body: marked inline, or referred to by its Content-ID.
                inline=part.get_content_disposition() == "inline" or "content-id" in part,
            )
        )
    return found


@dataclass(frozen=True)
class BeyondConsent:
    """For one subject who consented to share with a recipient: whom the consents name,
    the scopes they allow, and the kinds of data found about the subject that they do not
    cover (empty: all of it is within the consent)."""

    ref: str
    consented_to: tuple[str, ...]
    scopes: tuple[str, ...]
    beyond: tuple[str, ...]


def need_to_know(
    read: ReadMessage, recipients: list[str], at: datetime
) -> dict[str, list[BeyondConsent]]:
    """For each recipient, each subject of the message with a consent in force covering that
    recipient, and what of the subject's data found in the message the consent does not
    cover, by the policy's scopes (rules/default.yaml ``scopes``)."""
    policy = decisions.policy_in_force()
    book = DjangoConsentBook()
    about: dict[str, list[Any]] = {}
    for index, segment in enumerate(read.segments):
        for span in segment.findings:
            for ref in span.subjects:
                about.setdefault(ref, []).append(span.as_finding(index))
    found: dict[str, list[BeyondConsent]] = {}
    for recipient in recipients:
        for ref, findings in sorted(about.items()):
            covering = book.consents(ref, recipient, at).covering
            if not covering:
                continue
            scopes = frozenset().union(*(record.scopes for record in covering))
            beyond = [
                policy.label(f)
                for f in findings
                if ALL_SCOPES not in scopes and policy.scope(f) not in scopes
            ]
            found.setdefault(recipient, []).append(
                BeyondConsent(
                    ref=ref,
                    consented_to=tuple(_named(record) for record in covering),
                    scopes=tuple(sorted(scopes)),
                    beyond=tuple(dict.fromkeys(beyond)),
                )
            )
    return found


def _named(record: ConsentRecord) -> str:
    """Whom a consent names, as a page may show it: an agency, a domain, or "this address"
    (another address would be personal data)."""
    if record.agency or record.to.startswith("@"):
        return record.to
    return "this address" if record.covers_by == ADDRESS else "an address at this domain"
