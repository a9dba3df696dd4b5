"""The daily digest (``confide digest``): what waits and for how long, to every manager,
naming no one and quoting nothing; ``--dry-run`` prints it and sends nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gateway.relay.models import Copy
from gateway.review.digest import OLDEST_LISTED, digest, send_digest
from gateway.sealing import Sealer
from tests.gateway.review.conftest import BASE_URL, Users
from tests.gateway.review.manager_mail_helpers import (
    PERSONAL,
    held_at,
    manager,
    queued_to_managers,
    text_of,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)


def test_the_digest_counts_what_waits_by_how_long(sealer: Sealer, users: Users) -> None:
    """Items are counted in their age band, and the oldest are listed first with pages."""
    ages = [timedelta(minutes=10), timedelta(hours=5), timedelta(hours=30), timedelta(days=10)]
    held = [held_at(sealer, NOW - waited, recipients=2) for waited in ages]
    made = digest(NOW, BASE_URL)
    assert made is not None
    text = made.text
    assert "4 held items wait for a manager (8 recipients in all)." in text
    for band in ("less than an hour: 1", "1 to 24 hours: 1", "1 to 3 days: 1"):
        assert band in text
    assert "3 to 7 days: 0" in text
    assert "a week or more: 1" in text
    assert text.index(str(held[3].id)) < text.index(str(held[0].id))
    assert f"waiting 10 days, 2 recipients; rules: no-consent\n    {BASE_URL}/held/" in text
    assert made.subject == "Held for review: 4 items wait, the oldest 10 days"


def test_the_digest_lists_only_the_oldest(sealer: Sealer, users: Users) -> None:
    """However much waits, the email lists the oldest few; the rest are in the counts."""
    held = [held_at(sealer, NOW - timedelta(hours=n + 1)) for n in range(OLDEST_LISTED + 2)]
    made = digest(NOW, BASE_URL)
    assert made is not None
    assert str(held[-1].id) in made.text
    assert str(held[0].id) not in made.text
    assert f"The oldest {OLDEST_LISTED}:" in made.text


def test_the_digest_names_no_one_and_quotes_nothing(sealer: Sealer, users: Users) -> None:
    """The held message is full of personal data; none of it is in the digest email."""
    held_at(sealer, NOW - timedelta(days=2), recipients=3)
    send_digest(NOW, BASE_URL)
    ((email, _, raw),) = queued_to_managers(sealer)
    everything = (raw.decode("ascii") + text_of(email)).lower()
    for personal in PERSONAL:
        assert personal.lower() not in everything


def test_the_digest_goes_to_every_active_manager(sealer: Sealer, users: Users) -> None:
    """One email, delivered to each active manager with an address; not to staff."""
    manager("sam", "sam@riverside-carers.example.org")
    manager("kim", "kim@riverside-carers.example.org")
    manager("former", "former@riverside-carers.example.org", active=False)
    held_at(sealer, NOW - timedelta(hours=3))
    _, sent_to = send_digest(NOW, BASE_URL)
    ((email, recipients, _),) = queued_to_managers(sealer)
    expected = [
        "jo.manager@riverside-carers.example.org",
        "kim@riverside-carers.example.org",
        "sam@riverside-carers.example.org",
    ]
    assert recipients == sent_to == expected
    assert email["Subject"].startswith("Held for review: 1 item waits")


def test_nothing_waiting_sends_nothing(sealer: Sealer, users: Users) -> None:
    """No held item: no digest (an empty one each day would teach people to skip it)."""
    out = io.StringIO()
    call_command("digest", stdout=out)
    assert "Nothing waits" in out.getvalue()
    assert not Copy.objects.exists()


def test_dry_run_prints_the_digest_and_sends_nothing(sealer: Sealer, users: Users) -> None:
    """``--dry-run`` shows the email's subject and text, and queues nothing."""
    held = held_at(sealer, NOW - timedelta(days=1))
    out = io.StringIO()
    call_command("digest", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Subject: Held for review: 1 item waits")
    assert f"reference {held.id}" in out.getvalue()
    assert Copy.objects.count() == 0


def test_the_command_queues_it_and_says_to_whom(sealer: Sealer, users: Users) -> None:
    """``confide digest`` queues the email for the relay to deliver, and says how many."""
    held_at(sealer, NOW - timedelta(days=1))
    out = io.StringIO()
    call_command("digest", stdout=out)
    assert "digest queued for 1 manager:" in out.getvalue()
    assert len(queued_to_managers(sealer)) == 1


def test_the_command_fails_when_no_manager_can_be_told(sealer: Sealer, db: None) -> None:
    """Items wait but no manager has an address: the command fails, saying how to fix it."""
    held_at(sealer, NOW - timedelta(days=1))
    with pytest.raises(CommandError, match="no active manager has an email address"):
        call_command("digest")
    assert not Copy.objects.exists()
