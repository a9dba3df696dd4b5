"""Telling the managers of new holds promptly, without a message for each one: an email
lists every hold since the last, and goes at most every ``review.hold_alert_every``.

``confide run`` looks every ``POLL_SECONDS``. What has been announced is in the database (a
row per held recipient, and the time of the last alert on a row that is locked while an
alert is made), so any number of processes can look, and a restart neither repeats an
alert nor loses one."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from django.db import transaction

from gateway.config import Settings
from gateway.database import on_usable_connection
from gateway.review import manager_mail
from gateway.review.models import AnnouncedHold, HoldAlertClock

log = logging.getLogger("confide.review")

# How often confide run looks for holds to announce (when the interval is longer): the
# longest a first hold after a quiet spell waits before the managers hear of it.
POLL_SECONDS = 30.0


def alert_managers(now: datetime, every: timedelta, base_url: str) -> int:
    """Queue an email to the managers about the holds not yet announced, unless one went
    less than ``every`` ago; how many held recipients it announced (0: none sent)."""
    with transaction.atomic():
        clock, _ = HoldAlertClock.objects.select_for_update().get_or_create(pk=1)
        if clock.last_sent_at is not None and now - clock.last_sent_at < every:
            return 0
        new = list(
            manager_mail.held_outcomes().exclude(id__in=AnnouncedHold.objects.values("outcome_id"))
        )
        if not new:
            return 0
        # Sent or not, this counts as the last alert: without a manager to tell, the warning
        # comes once an interval, and the holds are announced once someone can be told.
        clock.last_sent_at = now
        clock.save(update_fields=["last_sent_at"])
        managers = manager_mail.manager_addresses()
        if not managers:
            log.warning("new holds=%d but no active manager has an email address", len(new))
            return 0
        new_items = manager_mail.waiting_items(new)
        content = manager_mail.manager_email(
            subject=_subject(len(new_items)),
            text=_text(
                new_items, manager_mail.waiting_items(manager_mail.held_outcomes()), now, base_url
            ),
            to=managers,
            at=now,
        )
        copy = manager_mail.queue_to_managers(content, managers, new_items[-1].message_id)
        AnnouncedHold.objects.bulk_create(
            [AnnouncedHold(outcome=outcome, announced_at=now) for outcome in new]
        )
    log.info("hold alert queued copy=%s holds=%d managers=%d", copy.id, len(new), len(managers))
    return len(new)


async def keep_alerting(settings: Settings) -> None:
    """Alert the managers to new holds until cancelled (nothing when alerts are off)."""
    every = settings.review.hold_alert_every
    if every <= timedelta(0):
        return
    alert = on_usable_connection(alert_managers)
    while True:
        try:
            await asyncio.to_thread(alert, datetime.now(UTC), every, settings.review.base_url)
        except Exception as exc:  # noqa: BLE001  # our outage (database): the next look
            log.error("could not alert the managers to new holds (%s)", type(exc).__name__)
        await asyncio.sleep(min(every.total_seconds(), POLL_SECONDS))


def _subject(items: int) -> str:
    if items == 1:
        return "Held for review: 1 new item waits for a manager"
    return f"Held for review: {items} new items wait for a manager"


def _text(
    new: list[manager_mail.WaitingItem],
    waiting: list[manager_mail.WaitingItem],
    now: datetime,
    base_url: str,
) -> str:
    oldest = manager_mail.age(now - waiting[0].received_at) if waiting else ""
    sections = [
        "Hello,",
        f"New since the last alert ({len(new)}):\n" + manager_mail.item_lines(new, now, base_url),
        f"In all {manager_mail.items_wait(len(waiting))} for a manager; the oldest has waited "
        f"{oldest}.",
    ]
    if not base_url:
        sections.append(manager_mail.SEARCH_HINT)
    sections.append("The messages are not quoted here: open them on the review pages.")
    return "\n\n".join(sections) + "\n"
