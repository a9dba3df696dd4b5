"""The mail confide writes to the managers about what waits for them (the alert to new holds,
the daily digest, the notice of an emergency release), and queuing it for the relay to
deliver.

The alert and the digest name held items by their page (or reference), their age, how many
recipients wait and the rules that held them: never a sender, a recipient, a subject line or
anything of the message, any of which can be personal data. Who it was is on the page, behind
sign-in. (The emergency notice also says who released what to whom: ``emergency_notice``.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.contrib.auth.models import User
from django.db.models import QuerySet

from gateway.relay.models import Copy, CopyKind, Delivery, Outcome, ReviewState
from gateway.relay.notices import NOTICE_POLICY
from gateway.review import decisions
from gateway.review.links import item_link
from gateway.review.roles import MANAGER

# Where an item's page can be found when no review.base_url is configured.
SEARCH_HINT = "Search for a reference on the review pages to open its item."


@dataclass(frozen=True)
class WaitingItem:
    """A held message, as the managers' mail names it."""

    message_id: uuid.UUID
    received_at: datetime
    recipients_held: int
    rules: tuple[str, ...]


def held_outcomes() -> QuerySet[Outcome]:
    """Every recipient waiting for a manager, oldest first."""
    return (
        Outcome.objects.filter(review_state=ReviewState.HELD)
        .select_related("message")
        .order_by("message__received_at", "id")
    )


def waiting_items(outcomes: Iterable[Outcome]) -> list[WaitingItem]:
    """The held recipients grouped by message, in the order their messages first appear."""
    grouped: dict[uuid.UUID, list[Outcome]] = {}
    for outcome in outcomes:
        grouped.setdefault(outcome.message_id, []).append(outcome)
    return [
        WaitingItem(
            message_id=message_id,
            received_at=held[0].message.received_at,
            recipients_held=len(held),
            rules=tuple(sorted({str(rule) for outcome in held for rule in outcome.rules})),
        )
        for message_id, held in grouped.items()
    ]


def manager_addresses() -> list[str]:
    """The addresses of the active managers who have one, each once."""
    addresses = User.objects.filter(is_active=True, groups__name=MANAGER).exclude(email="")
    return sorted(
        {address.strip().lower() for address in addresses.values_list("email", flat=True)}
    )


def age(waited: timedelta) -> str:
    """How long something has waited, in the largest units that say it plainly."""
    minutes = max(int(waited.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} days"


def items_wait(count: int) -> str:
    """ "1 held item waits", "3 held items wait"."""
    return "1 held item waits" if count == 1 else f"{count} held items wait"


def item_lines(items: Sequence[WaitingItem], now: datetime, base_url: str) -> str:
    """One entry per item: how long it has waited, for how many recipients, the rules, and
    its page (or its reference)."""
    entries = []
    for item in items:
        recipients = (
            "1 recipient" if item.recipients_held == 1 else (f"{item.recipients_held} recipients")
        )
        rules = ", ".join(item.rules) or "no rule recorded"
        where = item_link(base_url, item.message_id) or f"reference {item.message_id}"
        entries.append(
            f"  - waiting {age(now - item.received_at)}, {recipients}; rules: {rules}\n    {where}"
        )
    return "\n".join(entries)


def manager_email(*, subject: str, text: str, to: Sequence[str], at: datetime) -> bytes:
    """An automatic message to the managers (or a held document's owner), from the address
    hold notices come from."""
    made = decisions.releasing()
    email = EmailMessage(policy=NOTICE_POLICY)
    email["From"] = Address(display_name=made.organisation or "confide", addr_spec=made.notice_from)
    email["To"] = ", ".join(to)
    email["Subject"] = subject
    email["Date"] = format_datetime(at)
    email["Message-ID"] = make_msgid(domain=made.hostname)
    email["Auto-Submitted"] = "auto-generated"
    # So that the mail system in front (the Microsoft 365 rule, say) does not send it back.
    email["X-Confide-Processed"] = "yes"
    email.set_content(text)
    return email.as_bytes()


def queue_to_managers(content: bytes, to: Sequence[str], about: uuid.UUID | None) -> Copy:
    """Queue ``content`` for the relay to deliver to each of ``to``, filed under the held
    message it is most about (``about``), or none (a notice about a held document)."""
    copy: Copy = Copy.objects.create(
        message_id=about,
        kind=CopyKind.NOTICE,
        mail_from="",
        sealed=decisions.releasing().sealer.seal(content),
    )
    Delivery.objects.bulk_create([Delivery(copy=copy, recipient=address) for address in to])
    return copy
