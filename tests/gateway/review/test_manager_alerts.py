"""Managers hear of new holds promptly, in batches: an email lists every hold since the
last, at most one an interval, to every active manager with an address, naming no one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from gateway.relay.models import Outcome, ReviewState
from gateway.review import manager_alerts
from gateway.review.manager_alerts import alert_managers, keep_alerting
from gateway.sealing import Sealer
from tests.gateway.review.conftest import BASE_URL, Users
from tests.gateway.review.manager_mail_helpers import (
    PERSONAL,
    held_at,
    manager,
    queued_to_managers,
    text_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
EVERY = timedelta(minutes=5)


def test_two_holds_within_the_interval_make_one_email_and_the_next_waits_for_it(
    sealer: Sealer, users: Users
) -> None:
    """Two holds: one email lists both; a third within the interval waits until the
    interval has passed, then has an email of its own."""
    first = held_at(sealer, T0)
    second = held_at(sealer, T0 + timedelta(seconds=20))
    assert alert_managers(T0 + timedelta(seconds=30), EVERY, BASE_URL) == 2
    third = held_at(sealer, T0 + timedelta(minutes=1))
    assert alert_managers(T0 + timedelta(minutes=1, seconds=30), EVERY, BASE_URL) == 0
    assert alert_managers(T0 + timedelta(minutes=4), EVERY, BASE_URL) == 0
    assert len(queued_to_managers(sealer)) == 1

    assert alert_managers(T0 + timedelta(minutes=5, seconds=30), EVERY, BASE_URL) == 1
    emails = queued_to_managers(sealer)
    assert len(emails) == 2
    first_text, second_text = text_of(emails[0][0]), text_of(emails[1][0])
    assert f"{BASE_URL}/held/{first.id}/" in first_text
    assert f"{BASE_URL}/held/{second.id}/" in first_text
    assert str(third.id) not in first_text
    assert f"{BASE_URL}/held/{third.id}/" in second_text
    assert str(first.id) not in second_text


def test_nothing_is_sent_when_nothing_new_was_held(sealer: Sealer, users: Users) -> None:
    """Once every hold is announced, later looks send nothing, however long after."""
    held_at(sealer, T0)
    assert alert_managers(T0, EVERY, BASE_URL) == 1
    for later in (timedelta(minutes=6), timedelta(hours=2), timedelta(days=3)):
        assert alert_managers(T0 + later, EVERY, BASE_URL) == 0
    assert len(queued_to_managers(sealer)) == 1


def test_an_item_decided_before_the_alert_is_not_announced(sealer: Sealer, users: Users) -> None:
    """Only recipients still waiting for a manager are news."""
    held = held_at(sealer, T0)
    Outcome.objects.filter(message=held).update(review_state=ReviewState.REJECTED)
    assert alert_managers(T0, EVERY, BASE_URL) == 0
    assert queued_to_managers(sealer) == []


def test_the_alert_goes_to_every_active_manager_with_an_address_and_no_one_else(
    sealer: Sealer, users: Users
) -> None:
    """Managers without an address, former managers and staff are not sent it."""
    manager("sam", "Sam.Manager@riverside-carers.example.org")
    manager("alex", "")
    manager("former", "former@riverside-carers.example.org", active=False)
    held_at(sealer, T0)
    alert_managers(T0, EVERY, BASE_URL)
    ((email, recipients, _),) = queued_to_managers(sealer)
    expected = [
        "jo.manager@riverside-carers.example.org",
        "sam.manager@riverside-carers.example.org",
    ]
    assert recipients == expected
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["X-Confide-Processed"] == "yes"


def test_the_alert_names_no_one_and_quotes_nothing_of_the_message(
    sealer: Sealer, users: Users
) -> None:
    """Counts, ages, pages and rules only: no sender, recipient, subject line or body."""
    held_at(sealer, T0, recipients=3)
    alert_managers(T0 + timedelta(minutes=3), EVERY, BASE_URL)
    ((email, _, raw),) = queued_to_managers(sealer)
    text = text_of(email)
    assert "waiting 3 min, 3 recipients; rules: no-consent" in text
    assert "In all 1 held item waits for a manager; the oldest has waited 3 min." in text
    for personal in PERSONAL:
        assert personal.lower() not in raw.decode("ascii").lower()
        assert personal.lower() not in text.lower()


def test_without_a_base_url_the_alert_gives_references_to_search_for(
    sealer: Sealer, users: Users
) -> None:
    """No address configured: each item is named by its reference, and where to search."""
    held = held_at(sealer, T0)
    alert_managers(T0, EVERY, "")
    ((email, _, _),) = queued_to_managers(sealer)
    text = text_of(email)
    assert f"reference {held.id}" in text
    assert "Search for a reference on the review pages" in text


def test_with_no_manager_to_tell_the_holds_wait_for_one(sealer: Sealer, db: None) -> None:
    """No manager has an address: nothing is queued, and the holds are announced once one
    has, after the interval."""
    held_at(sealer, T0)
    assert alert_managers(T0, EVERY, BASE_URL) == 0
    manager("jo", "jo.manager@riverside-carers.example.org")
    assert alert_managers(T0 + timedelta(minutes=1), EVERY, BASE_URL) == 0
    assert alert_managers(T0 + EVERY, EVERY, BASE_URL) == 1
    assert len(queued_to_managers(sealer)) == 1


def alerting(every: timedelta) -> Any:
    """The settings ``keep_alerting`` reads."""
    return SimpleNamespace(review=SimpleNamespace(hold_alert_every=every, base_url=BASE_URL))


def closing_its_connection[**P, T](work: Callable[P, T]) -> Callable[P, T]:
    """``work``, closing the database connection of the thread it ran in (so that the test
    database can be dropped after the test)."""

    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return work(*args, **kwargs)
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_confide_runs_the_alerts_until_stopped(
    sealer: Sealer, users: Users, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop ``confide run`` starts sends the alert for a hold soon after it is made."""
    monkeypatch.setattr(
        manager_alerts, "alert_managers", closing_its_connection(manager_alerts.alert_managers)
    )
    count_queued = closing_its_connection(lambda: len(queued_to_managers(sealer)))

    async def run_until_queued() -> int:
        loop = asyncio.create_task(keep_alerting(alerting(timedelta(seconds=1))))
        try:
            for _ in range(100):
                await asyncio.sleep(0.05)
                queued = await asyncio.to_thread(count_queued)
                if queued:
                    return queued
            return 0
        finally:
            loop.cancel()

    held_at(sealer, datetime.now(UTC))
    assert asyncio.run(run_until_queued()) == 1


def test_alerts_set_off_start_no_loop() -> None:
    """``hold_alert_every = "off"``: the loop returns at once, sending nothing."""
    asyncio.run(asyncio.wait_for(keep_alerting(alerting(timedelta(0))), timeout=1))
