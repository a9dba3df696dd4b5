"""`confide webuser` says what is wrong with the password it read from standard input."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

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
