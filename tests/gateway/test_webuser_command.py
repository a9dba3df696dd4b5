"""`confide webuser` says what is wrong with the password it read from standard input, and
removing an account or changing its role, there or in the admin, ends its sessions."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from gateway.review.roles import MANAGER, STAFF

pytestmark = pytest.mark.django_db


def _webuser(monkeypatch: pytest.MonkeyPatch, typed: str) -> None:
    """Run ``confide webuser alex --role staff`` with ``typed`` on standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    call_command("webuser", "alex", "--role", "staff", stdout=io.StringIO())


def test_a_too_short_password_is_called_too_short_with_the_minimum(monkeypatch):
    """A short password given on standard input is refused as too short, naming the minimum,
    not as if none had been given, and the message does not repeat the password."""
    with pytest.raises(CommandError) as refused:
        _webuser(monkeypatch, "Tr0ub4dor\n")
    said = str(refused.value)
    assert said.startswith("the password on standard input was refused: ")
    assert "too short" in said
    assert "at least 12 characters" in said
    assert "give a password" not in said
    assert "Tr0ub4dor" not in said
    assert not User.objects.filter(username="alex").exists()


def test_a_common_password_is_refused_in_the_validators_words(monkeypatch):
    """A long but common password is refused in the words of the validator that refused it."""
    with pytest.raises(CommandError, match="refused: This password is too common"):
        _webuser(monkeypatch, "password1234\n")


def test_no_password_at_all_says_none_was_read(monkeypatch):
    """Empty standard input asks for a password and says none was read."""
    with pytest.raises(CommandError, match=r"give a password on standard input \(none was read\)"):
        _webuser(monkeypatch, "")


def test_a_good_password_makes_the_account(monkeypatch):
    """A long uncommon password makes the account with it."""
    _webuser(monkeypatch, "a long enough password 42\n")
    assert User.objects.get(username="alex").check_password("a long enough password 42")


def _signed_in(name: str, group: str) -> Client:
    """A browser signed in as a new account ``name`` in ``group``."""
    user = User.objects.create_user(name)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    assert client.get(reverse("review:queue")).status_code == 200
    return client


def _webuser_staff2(*args: str) -> None:
    call_command("webuser", "staff2", *args, stdout=io.StringIO())


def _roles_cleared() -> None:
    User.objects.get(username="staff2").groups.clear()


def _staff_group_emptied() -> None:
    Group.objects.get(name=STAFF).user_set.clear()


def _deactivated_in_the_admin() -> None:
    user = User.objects.get(username="staff2")
    user.is_active = False
    user.save()


@pytest.mark.both_backends
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: _webuser_staff2("--remove"), id="removed"),
        pytest.param(lambda: _webuser_staff2("--role", "manager", "--keep-password"), id="role"),
        pytest.param(_roles_cleared, id="roles-cleared"),
        pytest.param(_staff_group_emptied, id="group-emptied"),
        pytest.param(_deactivated_in_the_admin, id="deactivated"),
    ],
)
def test_removing_or_changing_an_account_ends_its_sessions(change):
    """Its sessions end, not just refused while it has no role: its old cookie does not
    sign it in again once it is given its role back; another account's session goes on."""
    client = _signed_in("staff2", STAFF)
    other = _signed_in("jo", MANAGER)
    change()
    _webuser_staff2("--role", "staff", "--keep-password")
    assert client.get(reverse("review:queue")).status_code == 302  # to sign in
    assert other.get(reverse("review:queue")).status_code == 200


def test_giving_the_same_role_again_keeps_the_sessions():
    """The same role given again changes nothing, so the account stays signed in."""
    client = _signed_in("staff2", STAFF)
    _webuser_staff2("--role", "staff", "--keep-password")
    assert client.get(reverse("review:queue")).status_code == 200
