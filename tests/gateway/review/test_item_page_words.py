"""What the held item page and the audit trail say, in words a manager reads: the inline
picture listed among the attachments, the state of an emergency release, times on the 24-hour
clock, the recipient's address after an action, and the audit details as words."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.urls import reverse
from django.utils import timezone

from gateway.relay.models import Message, Outcome, ReviewState
from gateway.review import audit
from gateway.sealing import Sealer
from tests.gateway.review.conftest import (
    HELD_FOR,
    SENDER,
    UNSCANNED,
    Users,
    held_outcome,
    hold,
    signed_in,
)

pytestmark = pytest.mark.django_db

LOGO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _outlook_message() -> bytes:
    """Text and HTML bodies, the HTML with its signature logo inline (multipart/related)."""
    built = EmailMessage()
    built["From"], built["To"], built["Subject"] = SENDER, HELD_FOR, "Coffee morning"
    built.set_content("Hi Sam, see you on Tuesday.\n")
    built.add_alternative('<p>Hi Sam, see you on Tuesday.</p><img src="cid:logo@x">', "html")
    html = built.get_payload()[1]  # type: ignore[index]
    html.add_related(LOGO, "image", "png", cid="<logo@x>", filename="image001.png")
    return built.as_bytes().replace(b"\n", b"\r\n")


def test_a_logo_shown_inline_is_listed_among_the_attachments(users: Users, sealer: Sealer):
    """A picture in a multipart/related part is listed, marked as shown in the message:
    the page said "None" while its findings listed the picture."""
    held = hold(sealer, SENDER, [HELD_FOR], _outlook_message())
    page = signed_in(users, "manager").get(reverse("review:item", args=[held.id]))
    attachments = page.context["item"].attachments
    assert [(a.number, a.filename, a.inline) for a in attachments] == [(1, "image001.png", True)]
    assert "image001.png (shown in the message)" in page.content.decode()


def test_an_emergency_release_by_staff_is_not_called_a_managers(
    users: Users, held_unscanned: Message
):
    """A recipient released by priya (staff) reads "released by priya", not "released by a
    manager by priya"; times are on the 24-hour clock, with no "p.m.."."""
    outcome = held_outcome(held_unscanned)
    decided = timezone.make_aware(timezone.datetime(2026, 12, 3, 18, 10))
    Outcome.objects.filter(id=outcome.id).update(
        review_state=ReviewState.RELEASED, decided_by="priya", decided_at=decided
    )
    page = signed_in(users, "manager").get(reverse("review:item", args=[held_unscanned.id]))
    text = " ".join(page.content.decode().split())
    assert "released</strong> by priya on 3 Dec 2026, 18:10" in text
    assert "by a manager by" not in text
    assert "p.m." not in text


def test_an_action_names_the_recipient_by_address(users: Users, sealer: Sealer):
    """After an action the page says to whom it was done, not "Recipient 38"."""
    held = hold(sealer, SENDER, [HELD_FOR], _outlook_message(), UNSCANNED)
    outcome = held_outcome(held)
    client = signed_in(users, "manager")
    response = client.post(
        reverse("review:act", args=[outcome.id, "reject"]),
        {f"reject-{outcome.id}-note": "use the portal"},
        follow=True,
    )
    told = [str(m) for m in response.context["messages"]]
    assert told == [f"{HELD_FOR}: rejected; the sender is told."]


def test_the_audit_trail_shows_details_as_words(users: Users, held_unscanned: Message):
    """Each detail shows as its name in words and its value, lists joined, not as a
    program's dictionary."""
    audit.append(
        [
            audit.Event(
                kind="release_as_exception",
                actor="jo",
                message_id=held_unscanned.id,
                details={"logbook_entry": 2, "subjects": ["C-1001", "C-1002"], "sender_told": True},
            )
        ]
    )
    page = signed_in(users, "manager").get(reverse("review:audit")).content.decode()
    assert "<dt>logbook entry</dt><dd>2</dd>" in page
    assert "<dt>subjects</dt><dd>C-1001, C-1002</dd>" in page
    assert "{&#x27;" not in page
