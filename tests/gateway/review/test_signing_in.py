"""Only an account with a role, or a superuser, uses the review pages: one whose roles were
removed, or never given, is refused at sign-in and loses the session it had; and the
lockout of an account is not cleared by another account signing in from the same address."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

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
