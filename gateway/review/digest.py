"""The daily digest to the managers (``confide digest``): how many held items wait, in bands
of how long they have waited, and the oldest of them with their pages and rules. Like the
alerts (``manager_mail``), it names no one and quotes nothing of any message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from gateway.review import manager_mail

# The bands the waiting items are counted in: each is "less than" its limit; the last has none.
AGE_BANDS: tuple[tuple[str, timedelta | None], ...] = (
    ("less than an hour", timedelta(hours=1)),
    ("1 to 24 hours", timedelta(days=1)),
    ("1 to 3 days", timedelta(days=3)),
    ("3 to 7 days", timedelta(days=7)),
    ("a week or more", None),
)
# The oldest items listed one by one; the rest are in the counts.
OLDEST_LISTED = 10


@dataclass(frozen=True)
class Digest:
    subject: str
    text: str
    oldest: uuid.UUID  # the message the digest's copy is filed under


def digest(now: datetime, base_url: str) -> Digest | None:
    """What waits as the digest says it; None when nothing waits (no digest is sent then:
    a daily email saying nothing teaches people to stop reading it)."""
    items = manager_mail.waiting_items(manager_mail.held_outcomes())
    if not items:
        return None
    recipients = sum(item.recipients_held for item in items)
    counts = {label: 0 for label, _ in AGE_BANDS}
    for item in items:
        waited = now - item.received_at
        label = next(label for label, limit in AGE_BANDS if limit is None or waited < limit)
        counts[label] += 1
    bands = "\n".join(f"  {label}: {count}" for label, count in counts.items())
    oldest = items[:OLDEST_LISTED]
    sections = [
        "Hello,",
        f"{manager_mail.items_wait(len(items))} for a manager ({recipients} recipients in all).",
        f"How long they have waited:\n{bands}",
        f"The oldest {len(oldest)}:\n" + manager_mail.item_lines(oldest, now, base_url),
    ]
    if not base_url:
        sections.append(manager_mail.SEARCH_HINT)
    sections.append("The messages are not quoted here: open them on the review pages.")
    noun = "item waits" if len(items) == 1 else "items wait"
    return Digest(
        subject=f"Held for review: {len(items)} {noun}, the oldest "
        f"{manager_mail.age(now - items[0].received_at)}",
        text="\n\n".join(sections) + "\n",
        oldest=items[0].message_id,
    )


def send_digest(now: datetime, base_url: str) -> tuple[Digest | None, list[str]]:
    """Queue the digest to every active manager with an email address; the digest (None:
    nothing waits, nothing sent) and who it went to."""
    with transaction.atomic():
        made = digest(now, base_url)
        managers = manager_mail.manager_addresses()
        if made is None or not managers:
            return made, []
        content = manager_mail.manager_email(
            subject=made.subject, text=made.text, to=managers, at=now
        )
        manager_mail.queue_to_managers(content, managers, made.oldest)
    return made, managers
