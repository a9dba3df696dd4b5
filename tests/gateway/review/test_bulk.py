"""Bulk reject and bulk release-redacted from the queue: chosen with checkboxes, shown on a
confirmation page that changes nothing, then applied to each recipient in turn by one POST;
a recipient refused is reported, the others done. Managers only, with the CSRF token."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from gateway.relay.models import CopyKind, Delivery, Message, Outcome, ReviewState
from gateway.relay.pipeline import Pipeline
from gateway.review import decisions
from gateway.sealing import Sealer
from tests.gateway.review.conftest import ALSO_HELD_FOR, HELD_FOR, SENDER, Users, hold, signed_in
from tests.scanner.transform.made_files import message, pdf_bytes, raw

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

NOTE = "Please use the secure portal for referrals."


def _ids(message: Message) -> list[int]:
    return list(Outcome.objects.filter(message=message).order_by("id").values_list("id", flat=True))


def _states(message: Message) -> list[str]:
    return list(Outcome.objects.filter(message=message).order_by("id").values_list(
        "review_state", flat=True))  # fmt: skip


def _told(client_response: object) -> list[str]:
    return [str(m) for m in get_messages(client_response.wsgi_request)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("role", "confirm", "apply"), [
    ("anonymous", 302, 302), ("staff", 403, 403), ("other_staff", 403, 403),
    ("manager", 200, 302),
])  # fmt: skip
def test_only_managers_reach_the_bulk_pages(
    users: Users, held: Message, role: str, confirm: int, apply: int
):
    """Anonymous users are sent to sign in; staff, even the sender, are refused both the
    confirmation page and the POST; nothing is decided but by the manager."""
    client = signed_in(users, role)
    ids = _ids(held)
    shown = client.get(reverse("review:bulk"), {"action": "reject", "outcome": ids})
    assert shown.status_code == confirm
    applied = client.post(
        reverse("review:bulk_apply"), {"action": "reject", "outcome": ids, "note": NOTE}
    )
    assert applied.status_code == apply
    decided = ReviewState.REJECTED if role == "manager" else ReviewState.HELD
    assert _states(held) == [decided, decided]


def test_the_confirmation_page_lists_what_will_happen_and_changes_nothing(
    users: Users, held: Message
):
    """The page names each chosen recipient and the action, asks for the note, is not
    stored by the browser, and decides nothing."""
    response = signed_in(users, "manager").get(
        reverse("review:bulk"), {"action": "reject", "outcome": _ids(held)}
    )
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "Reject: nothing is sent; each sender is told" in page
    for outcome in Outcome.objects.filter(message=held):
        assert outcome.recipient in page
    assert "Confirm: apply to 2 recipients" in page
    assert _states(held) == [ReviewState.HELD, ReviewState.HELD]
    assert not Delivery.objects.exists()


def test_the_queue_offers_the_checkboxes_to_managers_only(users: Users, held: Message):
    """A manager's queue has a checkbox per held recipient and the bulk form; the sender's
    own queue has neither."""
    manager = signed_in(users, "manager").get(reverse("review:queue")).content.decode()
    for outcome_id in _ids(held):
        assert f'name="outcome" value="{outcome_id}"' in manager
    assert reverse("review:bulk") in manager
    staff = signed_in(users, "staff").get(reverse("review:queue")).content.decode()
    assert 'name="outcome"' not in staff
    assert reverse("review:bulk") not in staff


def test_bulk_reject_rejects_each_and_reports_one_decided_meanwhile(
    users: Users, held_unscanned: Message, held_from_another: Message, sealer: Sealer
):
    """Of three recipients confirmed, one another manager released in the meantime is
    reported as not done; the other two are rejected and each sender is told."""
    first, second = _ids(held_unscanned)
    (third,) = _ids(held_from_another)
    decisions.release_with_banner(second, user=users.manager, note="consent by phone")
    response = signed_in(users, "manager").post(
        reverse("review:bulk_apply"),
        {"action": "reject", "outcome": [first, second, third], "note": NOTE},
    )
    assert response.status_code == 302
    assert Outcome.objects.get(id=first).review_state == ReviewState.REJECTED
    assert Outcome.objects.get(id=second).review_state == ReviewState.RELEASED
    assert Outcome.objects.get(id=third).review_state == ReviewState.REJECTED
    assert _told(response) == [
        f"{HELD_FOR}: rejected; the sender is told.",
        f"{ALSO_HELD_FOR}: not done: it is not held any more.",
        f"{HELD_FOR}: rejected; the sender is told.",
    ]
    notices = Delivery.objects.filter(
        copy__kind=CopyKind.NOTICE, copy__message=held_unscanned
    ).order_by("id")
    assert [sealer.unseal(bytes(d.copy.sealed)).count(NOTE.encode()) for d in notices] == [0, 1]


def test_a_bulk_action_needs_a_note(users: Users, held: Message):
    """Without a note the confirmation page comes back with the error, and nothing is done."""
    response = signed_in(users, "manager").post(
        reverse("review:bulk_apply"), {"action": "reject", "outcome": _ids(held), "note": " "}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert _states(held) == [ReviewState.HELD, ReviewState.HELD]


@pytest.mark.parametrize("token", [None, "forged-token-forged-token-forged-token-forged-toke"])
def test_a_bulk_post_without_the_csrf_token_is_refused(
    users: Users, held: Message, token: str | None
):
    """A manager's browser made to POST the bulk action from another site is refused."""
    data: dict[str, object] = {"action": "reject", "outcome": _ids(held), "note": NOTE}
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    response = signed_in(users, "manager", csrf=True).post(reverse("review:bulk_apply"), data)
    assert response.status_code == 403
    assert _states(held) == [ReviewState.HELD, ReviewState.HELD]


def test_the_confirmation_page_posts_with_its_token(users: Users, held: Message):
    """The confirmation page's own form, token included, applies the action (so the refusal
    above is the token's)."""
    client = signed_in(users, "manager", csrf=True)
    client.get(reverse("review:bulk"), {"action": "reject", "outcome": _ids(held)})
    data = {"action": "reject", "outcome": _ids(held), "note": NOTE,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value}  # fmt: skip
    assert client.post(reverse("review:bulk_apply"), data).status_code == 302
    assert _states(held) == [ReviewState.REJECTED, ReviewState.REJECTED]


def test_a_get_never_applies_a_bulk_action(users: Users, held: Message):
    """The apply URL refuses GET (a link, an image in an email)."""
    response = signed_in(users, "manager").get(
        reverse("review:bulk_apply"), {"action": "reject", "outcome": _ids(held), "note": NOTE}
    )
    assert response.status_code == 405
    assert _states(held) == [ReviewState.HELD, ReviewState.HELD]


@pytest.mark.slow
def test_bulk_release_redacted_releases_what_it_can_and_reports_the_rest(
    users: Users, held_from_another: Message, sealer: Sealer, redacting: Pipeline
):
    """The carer update is released redacted; the message whose PDF cannot be redacted is
    reported with the reason and stays held."""
    pdf = (pdf_bytes("Referral for Amina Okafor, NHS number 943 476 5919."), "application",
           "pdf", "referral.pdf")  # fmt: skip
    built = message("Referral for Amina Okafor attached.", attachments=(pdf,))
    (with_pdf,) = _ids(hold(sealer, SENDER, ["advice@citizensadvice.example"], raw(built)))
    (carer_update,) = _ids(held_from_another)
    response = signed_in(users, "manager").post(
        reverse("review:bulk_apply"),
        {"action": "redacted", "outcome": [with_pdf, carer_update], "note": "names not needed"},
    )
    refused, done = _told(response)
    assert refused.startswith("advice@citizensadvice.example: not done: it cannot be released")
    assert "PDF" in refused
    assert done == f"{HELD_FOR}: released redacted."
    assert Outcome.objects.get(id=with_pdf).review_state == ReviewState.HELD
    assert Outcome.objects.get(id=carer_update).review_state == ReviewState.RELEASED
    assert [d.copy.kind for d in Delivery.objects.exclude(copy__kind=CopyKind.NOTICE)] == [
        CopyKind.REDACT
    ]
