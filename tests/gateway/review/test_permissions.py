"""Who may see and do what in the review app: every page for anonymous users, staff and
managers; forged and token-less POSTs refused; the security headers on every page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gateway.relay.models import Delivery, Message, Outcome, ReviewState
from tests.gateway.review.conftest import HELD_FOR, Users, held_outcome, signed_in

pytestmark = pytest.mark.django_db

ACTIONS = {
    "release": {"release-note": "consent given by phone"},
    "redacted": {"redacted-note": "names not needed"},
    "reject": {"reject-note": "not needed"},
    "exception": {
        "exception-reason": "risk",
        "exception-subjects": "",
        "exception-person_told": "on",
        "exception-note": "risk to life",
    },
    "consent": {
        "consent-subject": "C-1",
        "consent-method": "oral",
        "consent-scopes": ["health"],
        "consent-evidence": "by phone",
        "consent-note": "consent given",
    },
}


def _data(action: str, outcome: Outcome) -> dict[str, object]:
    """The action's form as the page names its fields for this recipient."""
    return {
        name.replace(f"{action}-", f"{action}-{outcome.id}-", 1): value
        for name, value in ACTIONS[action].items()
    }


# (role, the page of their own item, of someone else's, the manager's pages)
PAGES = [
    ("anonymous", 302, 302, 302),
    ("other_staff", 404, 404, 403),
    ("staff", 200, 404, 403),
    ("manager", 200, 200, 200),
]


@pytest.mark.parametrize("expected", PAGES, ids=[row[0] for row in PAGES])
def test_pages_by_role(
    users: Users, held: Message, held_from_another: Message, expected: tuple[str, int, int, int]
):
    """Anonymous users are sent to sign in; staff see their own item only; the logbook and
    the audit trail are for managers."""
    role, own, others, managers = expected
    client = signed_in(users, role)
    queue = client.get(reverse("review:queue"))
    assert queue.status_code == (302 if role == "anonymous" else 200)
    assert client.get(reverse("review:item", args=[held.id])).status_code == own
    assert client.get(reverse("review:item", args=[held_from_another.id])).status_code == others
    for page in ("review:logbook", "review:audit"):
        assert client.get(reverse(page)).status_code == managers
    if role == "anonymous":
        assert queue["Location"].startswith(reverse("login"))


def test_the_queue_shows_staff_only_what_they_sent(
    users: Users, held: Message, held_from_another: Message
):
    """A staff member's queue lists the recipients of their own message and no one else's;
    a manager's lists both."""
    staff_page = signed_in(users, "staff").get(reverse("review:queue")).content.decode()
    assert str(held.id) in staff_page
    assert str(held_from_another.id) not in staff_page
    manager_page = signed_in(users, "manager").get(reverse("review:queue")).content.decode()
    assert str(held.id) in manager_page
    assert str(held_from_another.id) in manager_page


def test_staff_see_no_release_button(users: Users, held_unscanned: Message):
    """Staff see their item's reasons and state, and no action form; a manager sees them."""
    page = (
        signed_in(users, "staff")
        .get(reverse("review:item", args=[held_unscanned.id]))
        .content.decode()
    )
    assert "could not be scanned" in page
    assert "held for a manager" in page
    assert '<form method="post" action="/held/recipient' not in page
    managers = signed_in(users, "manager").get(reverse("review:item", args=[held_unscanned.id]))
    assert "Release with banner</button>" in managers.content.decode()
    assert "Release redacted</button>" in managers.content.decode()


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("staff", 403),
                                              ("other_staff", 403)])  # fmt: skip
def test_only_managers_act(users: Users, held: Message, action: str, role: str, status: int):
    """No action by anyone but a manager, not even on their own item: nothing is decided
    and nothing queued."""
    outcome = held_outcome(held)
    response = signed_in(users, role).post(
        reverse("review:act", args=[outcome.id, action]), _data(action, outcome)
    )
    assert response.status_code == status
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()


def test_a_manager_releases(users: Users, held_unscanned: Message):
    """The manager's POST releases the recipient and queues its copy."""
    outcome = held_outcome(held_unscanned)
    response = signed_in(users, "manager").post(
        reverse("review:act", args=[outcome.id, "release"]), _data("release", outcome)
    )
    assert response.status_code == 302
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.RELEASED
    assert Delivery.objects.get(copy__kind="banner").recipient == HELD_FOR


def test_a_get_never_acts(users: Users, held: Message):
    """An action asked for by GET (a link, an image in an email) is refused."""
    outcome = held_outcome(held)
    response = signed_in(users, "manager").get(reverse("review:act", args=[outcome.id, "release"]))
    assert response.status_code == 405
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD


@pytest.mark.parametrize("token", [None, "forged-token-forged-token-forged-token-forged-toke"])
def test_a_post_without_the_csrf_token_is_refused(users: Users, held: Message, token: str | None):
    """A manager's browser made to POST from another site (no token, or a made-up one) is
    refused, and the recipient stays held."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.manager)
    outcome = held_outcome(held)
    data = _data("release", outcome)
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    response = client.post(reverse("review:act", args=[outcome.id, "release"]), data)
    assert response.status_code == 403
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD


def test_a_post_with_the_csrf_token_is_accepted(users: Users, held_unscanned: Message):
    """The same POST with the page's own token works (so the refusal above is the token's)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.manager)
    client.get(reverse("review:item", args=[held_unscanned.id]))
    outcome = held_outcome(held_unscanned)
    data = {**_data("release", outcome), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    response = client.post(reverse("review:act", args=[outcome.id, "release"]), data)
    assert response.status_code == 302
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.RELEASED


@pytest.mark.parametrize("page", ["queue", "item", "logbook", "audit"])
def test_pages_with_personal_data_are_not_stored_and_never_framed(
    users: Users, held: Message, page: str
):
    """Every page is sent no-store, with a CSP that allows no script, loads nothing from
    elsewhere and forbids framing."""
    args = [held.id] if page == "item" else []
    response = signed_in(users, "manager").get(reverse(f"review:{page}", args=args))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_the_login_page_is_open_and_the_admin_is_for_superusers(users: Users):
    """Anyone may reach the sign-in page; a manager who is not a superuser gets no admin."""
    assert Client().get(reverse("login")).status_code == 200
    admin = signed_in(users, "manager").get(reverse("admin:index"))
    assert admin.status_code == 302
    assert "/admin/login/" in admin["Location"]
