"""Requests no page sends, as a tester types them: a date at the end of the calendar, a
recipient number too large for any table, too many recipients at once. Each is answered
with a clear refusal, never a server error."""

from __future__ import annotations

import logging

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from gateway.relay.models import Message, ReviewState
from gateway.review.forms import MAX_BULK
from tests.gateway.review.conftest import Users, held_outcome, signed_in

pytestmark = pytest.mark.django_db

TOO_LARGE = "99999999999999999999"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_at_the_end_of_the_calendar_is_a_form_error(users: Users, held: Message, day: str):
    """The queue filtered to received_to 9999-12-31 shows the form's error, not a 500, and
    the filter is not kept."""
    client = signed_in(users, "manager")
    page = client.post(reverse("review:queue"), {"received_to": day})
    assert page.status_code == 200
    assert page.context["form"].errors["received_to"]
    assert not client.get(reverse("review:queue")).context["form"].is_bound


def _bulk_error(users: Users, outcomes: list[str]) -> str:
    client = signed_in(users, "manager")
    response = client.get(reverse("review:bulk"), {"action": "reject", "outcome": outcomes})
    assert response.status_code == 302
    (message,) = get_messages(response.wsgi_request)
    return str(message)


def test_a_recipient_number_too_large_is_refused(users: Users, held: Message):
    """Choosing recipient 99999999999999999999 is refused on the confirmation page and in
    the POST that applies it."""
    assert "not named by its number" in _bulk_error(users, [TOO_LARGE])
    applied = signed_in(users, "manager").post(
        reverse("review:bulk_apply"), {"action": "reject", "outcome": [TOO_LARGE], "note": "x"}
    )
    assert applied.status_code == 400


def test_too_many_recipients_are_refused_with_the_limit(users: Users, held: Message):
    """More than MAX_BULK recipients at once: the refusal says the limit."""
    ids = [str(n) for n in range(1, MAX_BULK + 2)]
    assert f"at most {MAX_BULK}" in _bulk_error(users, ids)


def test_a_note_that_is_not_utf8_is_a_form_error(users: Users, held: Message):
    """A reject note sent as the bytes FF FE is refused on the form, and nothing is decided."""
    outcome = held_outcome(held)
    response = signed_in(users, "manager").post(
        reverse("review:act", args=[outcome.id, "reject"]),
        f"reject-{outcome.id}-note=%FF%FE",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    assert held_outcome(held).review_state == ReviewState.HELD


def test_a_refused_request_is_logged_as_one_line(
    users: Users, held: Message, caplog: pytest.LogCaptureFixture
):
    """A staff member refused a manager's page leaves one warning with the path and their
    id, and no traceback."""
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert signed_in(users, "staff").get(reverse("review:logbook")).status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert (
        record.getMessage() == f"forbidden path={reverse('review:logbook')} user={users.staff.pk}"
    )
    assert record.exc_info is None


def test_a_path_that_matches_no_page_is_not_logged(
    users: Users, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
):
    """The hostile tester's 404 for a path holding a name, an email address and an NI
    number: the line says which status and user, never the path."""
    path = "/search/Margaret%20Hughes%20margaret.hughes77@gmail.example%20QQ123456C/"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert signed_in(users, "staff").get(path).status_code == 404
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"not found path=(no such page) user={users.staff.pk}"
    assert "Hughes" not in capfd.readouterr().err
