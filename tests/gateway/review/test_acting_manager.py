"""``--as USER`` on ``confide held`` and ``confide documents``: the one check both commands
share (``gateway.management.deciding``) refuses every account but an active manager's."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from gateway.review.models import AuditEntry
from tests.gateway.review.conftest import Users

pytestmark = pytest.mark.django_db


def _as(users: Users, who: str) -> str:
    """The login to pass to ``--as``, after making the account what ``who`` names."""
    if who == "inactive manager":
        users.manager.is_active = False
        users.manager.save(update_fields=["is_active"])
        return users.manager.get_username()
    if who == "superuser without the Manager role":
        User.objects.create_superuser("root", email="root@riverside-carers.example.org")
        return "root"
    return {"staff": users.staff.get_username(), "unknown": "nobody"}[who]


@pytest.mark.parametrize("command", ["held", "documents"])
@pytest.mark.parametrize(
    "who", ["inactive manager", "superuser without the Manager role", "staff", "unknown"]
)
def test_only_an_active_managers_account_may_decide(users: Users, command: str, who: str):
    """Each account but an active manager's is refused with exit status 1 before any id is
    looked at, and nothing is recorded."""
    login = _as(users, who)
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command(command, "reject", "1", "--as", login, "--note", "n", stderr=err)
    assert stopped.value.code == 1
    assert err.getvalue() == (
        f"confide {command} reject: {login!r} is not an active manager's account\n"
    )
    assert not AuditEntry.objects.exists()
