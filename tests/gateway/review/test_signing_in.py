"""Only an account with a role, or a superuser, uses the review pages: one whose roles were
removed, or never given, is refused at sign-in and loses the session it had; and the
lockout of an account is not cleared by another account signing in from the same address."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gateway.relay.models import Message
from tests.gateway.review.conftest import Users

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password 42"  # noqa: S105 - the test accounts' password


def _sign_in(client: Client, user: User, password: str = PASSWORD) -> int:
    """The sign-in page's answer to ``user`` and ``password``."""
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    return int(response.status_code)


@pytest.fixture
def with_passwords(users: Users) -> Users:
    """``users``, each with PASSWORD."""
    for user in (users.manager, users.staff, users.other_staff):
        user.set_password(PASSWORD)
        user.save()
    return users


def test_a_removed_account_loses_its_session_and_cannot_sign_in(
    with_passwords: Users, held: Message
):
    """After ``confide webuser NAME --remove`` the staff member's open session reaches
    neither the queue nor their own item, and signing in again is refused."""
    client = Client()
    assert _sign_in(client, with_passwords.staff) == 302
    item = reverse("review:item", args=[held.id])
    assert client.get(item).status_code == 200
    call_command("webuser", with_passwords.staff.username, "--remove", stdout=io.StringIO())
    assert client.get(item).status_code == 302  # to the sign-in page
    assert client.get(reverse("review:queue")).status_code == 302
    assert _sign_in(Client(), with_passwords.staff) == 200  # the form again, refused


def test_an_account_with_no_role_is_refused(with_passwords: Users, held: Message):
    """An account whose groups were taken away in the admin site (still active) cannot
    sign in, nor use a session it already had."""
    client = Client()
    assert _sign_in(client, with_passwords.staff) == 302
    with_passwords.staff.groups.clear()
    assert client.get(reverse("review:item", args=[held.id])).status_code == 302
    assert _sign_in(Client(), with_passwords.staff) == 200


def _guessing_kim_between_priyas_sign_ins(users: Users, guess: Callable[[], int]) -> list[int]:
    """The tester's sequence from one address: guesses for the manager one short of the
    limit, then the staff member's right password, three times over; each guess's answer."""
    answers = []
    for _ in range(3):
        answers += [guess() for _ in range(django_settings.AXES_FAILURE_LIMIT - 1)]
        _sign_in(Client(), users.staff)  # refused too once the address is locked out
    return answers


def test_another_account_signing_in_does_not_clear_a_lockout(with_passwords: Users):
    """Wrong passwords for one account, broken up by right ones for another from the same
    address, are locked out at the limit, and the account stays locked."""
    answers = _guessing_kim_between_priyas_sign_ins(
        with_passwords, lambda: _sign_in(Client(), with_passwords.manager, "wrong guess")
    )
    limit = django_settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert set(answers[limit - 1 :]) == {429}
    assert _sign_in(Client(), with_passwords.manager) == 429


def test_another_account_signing_in_does_not_clear_wrong_codes(with_passwords: Users):
    """Wrong second-factor codes for one account, broken up by another account's sign-ins
    from the same address, are locked out at the limit as well."""
    TOTPDevice.objects.create(user=with_passwords.manager, name="phone", confirmed=True)

    def guess() -> int:
        client = Client()
        if _sign_in(client, with_passwords.manager) != 302:
            return 429
        response = client.post(reverse("second_factor_verify"), {"code": "000000"})
        return int(response.status_code)

    answers = _guessing_kim_between_priyas_sign_ins(with_passwords, guess)
    assert 429 in answers[: django_settings.AXES_FAILURE_LIMIT + 1]
    assert set(answers[django_settings.AXES_FAILURE_LIMIT :]) == {429}


def test_a_failed_sign_in_logs_nothing_the_client_typed_or_sent(
    with_passwords: Users, caplog: pytest.LogCaptureFixture
) -> None:
    """A failed sign-in's log lines carry neither the account name typed nor the browser's
    User-Agent, either of which may hold a person's name."""
    client = Client(HTTP_USER_AGENT="Wilhelmina Quagmire laptop")
    with caplog.at_level("DEBUG"):
        response = client.post(
            reverse("login"), {"username": "wilhelmina.quagmire", "password": "wrong"}
        )
    assert response.status_code == 200
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in logged
    assert "Wilhelmina" not in logged
    assert "wilhelmina" not in logged
