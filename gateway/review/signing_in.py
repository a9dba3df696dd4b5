"""Who may sign in to the review pages: an active account with a role (Manager or Staff) or
a superuser (the admin site). An account without one, its roles taken away by ``confide
webuser NAME --remove`` or never given, is refused at sign-in and on every request of a
session it already has, since Django reads the session's user through this backend.

Refusing is not enough: the session would be good again once the account had a role again
(``confide webuser NAME --role staff --keep-password``), for up to SESSION_COOKIE_AGE. So
any change of an account's roles, and its deactivation, ends its sessions, however it is
made (``confide webuser``, the admin site): ``connect_session_endings``."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db.models.signals import m2m_changed, post_save
from django.utils import timezone

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


def end_sessions(user_ids: Iterable[int]) -> int:
    """End every session signed in as one of ``user_ids``; how many ended. Sessions are kept
    in the database (Django's ``db`` engine, the default: SESSION_ENGINE is not set), in
    the same transaction as the change that ends them."""
    ids = {str(user_id) for user_id in user_ids}
    if not ids:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") in ids:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def _roles_changed(
    instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A user's groups changed (from either side, ``user.groups`` or ``group.user_set``)."""
    if action in ("post_add", "post_remove"):
        end_sessions((pk_set or ()) if reverse else [instance.pk])
    elif action == "pre_clear":  # after it, whom it cleared is not known
        end_sessions(instance.user_set.values_list("pk", flat=True) if reverse else [instance.pk])


def _saved(instance: User, **kwargs: Any) -> None:
    if not instance.is_active:
        end_sessions([instance.pk])


def connect_session_endings() -> None:
    """Called once, by the app's ``ready``."""
    m2m_changed.connect(_roles_changed, sender=User.groups.through, dispatch_uid="roles")
    post_save.connect(_saved, sender=User, dispatch_uid="deactivated")
