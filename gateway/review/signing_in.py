"""Who may sign in to the review pages: an active account with a role (Manager or Staff) or
a superuser (the admin site). An account without one, its roles taken away by ``confide
webuser NAME --remove`` or never given, is refused at sign-in and on every request of a
session it already has, since Django reads the session's user through this backend."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from gateway.review.roles import ROLES


class RoleBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return bool(user.is_superuser or user.groups.filter(name__in=ROLES).exists())


def sign_in_client(
    username: str, ip_address: str, user_agent: str, path_info: str, request: object
) -> str:
    """What django-axes logs of a failed sign-in's client (its ``AXES_CLIENT_STR_CALLABLE``):
    the page alone. The account name, the address and the browser's User-Agent are what the
    client typed or sent, and may hold a person's name; the lockout counts them in the
    database, and the audit trail names the account."""
    return f'{{path_info: "{path_info}"}}'
