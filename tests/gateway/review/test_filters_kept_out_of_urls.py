"""What a manager types into a page's filter never reaches a URL, where the browser's
history, a proxy's log and the server's would keep it: the filter is POSTed, kept in the
session, and the page is shown at its plain URL, its page links carrying only ``?page=N``.
(The register's search is tested so in test_register_pages.py.)"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.urls import reverse

from gateway.relay.models import Message
from gateway.review import views
from tests.gateway.review.conftest import (
    ALSO_HELD_FOR,
    HELD_FOR,
    SENDER,
    Users,
    assert_typed_not_in_urls,
    filtered,
    signed_in,
)

pytestmark = pytest.mark.django_db

ONE_A_PAGE = SimpleNamespace(review=SimpleNamespace(page_size=1))


def test_the_queue_filter_stays_out_of_the_urls_and_holds_across_pages(
    users: Users, held: Message, held_from_another: Message, monkeypatch: pytest.MonkeyPatch
):
    """Filtered by a recipient typed in part, the queue's two pages both show only that
    recipient's held copies; the redirect, the page links and the forms' actions never hold
    what was typed; "Clear" forgets it."""
    monkeypatch.setattr(views, "load_settings", lambda: ONE_A_PAGE)
    client = signed_in(users, "manager")
    typed = {"recipient": "advice@citizensadvice", "sender": "", "search": ""}
    sent = client.post(reverse("review:queue"), {"state": "held", **typed})
    assert (sent.status_code, sent["Location"]) == (302, reverse("review:queue"))
    first = client.get(sent["Location"])
    assert "Page 1 of 2" in first.text
    assert 'href="?page=2">Next</a>' in first.text
    second = client.get(reverse("review:queue"), {"page": "2"})
    shown = [o.recipient for o in (*first.context["page"], *second.context["page"])]
    assert shown == [HELD_FOR, HELD_FOR]
    assert 'href="?page=1">Previous</a>' in second.text
    for page in (first, second):
        assert_typed_not_in_urls(page.text, ["advice@", "citizensadvice"])
    cleared = client.post(reverse("review:queue"), {"clear": ""})
    assert cleared["Location"] == reverse("review:queue")
    everything = client.get(cleared["Location"])
    assert everything.context["page"].paginator.count == 3
    assert ALSO_HELD_FOR in {o.recipient for o in everything.context["page"].paginator.object_list}


def test_the_queue_filter_is_the_users_own(users: Users, held: Message):
    """A manager's filter, kept in their session, does not filter the sender's queue."""
    filtered(signed_in(users, "manager"), "review:queue", {"state": "held", "sender": "nobody"})
    mine = signed_in(users, "staff").get(reverse("review:queue"))
    assert mine.context["page"].paginator.count == 2


def test_the_queue_ignores_a_filter_in_the_url(users: Users, held: Message):
    """A filter typed into the address bar (an old bookmark) filters nothing, so nobody is
    led to keep using such URLs."""
    page = signed_in(users, "manager").get(reverse("review:queue"), {"sender": "nobody"})
    assert page.context["page"].paginator.count == 2


def test_the_logbook_filter_stays_out_of_the_urls(users: Users):
    """The logbook's filter is POSTed and kept: its redirect and the page (the CSV export's
    link, the form) carry none of it."""
    client = signed_in(users, "manager")
    page = filtered(client, "review:logbook", {"kind": "breach", "awaiting_review": "on"})
    assert page.context["form"].cleaned_data["kind"] == "breach"
    assert_typed_not_in_urls(page.text, ["breach?", "kind=", "awaiting_review"])
    assert f'href="{reverse("review:logbook_csv")}"' in page.text


def test_a_kept_filter_is_not_logged(users: Users, held: Message, caplog: pytest.LogCaptureFixture):
    """Filtering, and the pages shown with the filter kept, log nothing of what was typed."""
    client = signed_in(users, "manager")
    typed = "David Price 450 557 7104"
    with caplog.at_level(logging.DEBUG):
        filtered(client, "review:queue", {"state": "", "search": typed, "sender": SENDER})
        filtered(client, "review:subjects", {"q": typed})
        client.get(reverse("review:queue"), {"page": "2"})
        client.post(reverse("review:queue"), {"received_to": "9999-12-31", "search": typed})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for words in ("David", "Price", "7104", SENDER):
        assert words not in logged
