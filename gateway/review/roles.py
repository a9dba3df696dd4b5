"""The two roles, as Django groups: a Manager decides on held mail and reads everything; a
Staff member sees only what they sent. Admins are Django superusers (the admin site)."""

from __future__ import annotations

from typing import Any

MANAGER = "Manager"
STAFF = "Staff"
ROLES = (MANAGER, STAFF)


def is_manager(user: Any) -> bool:
    return bool(user.is_authenticated and user.groups.filter(name=MANAGER).exists())


def own_addresses(user: Any) -> set[str]:
    """The addresses a user sends from: their account's email address, and any listed for
    them (``SenderAddress``), in lower case."""
    from gateway.review.models import SenderAddress

    found = {user.email.lower()} if user.email else set()
    found |= {
        address.lower()
        for address in SenderAddress.objects.filter(user=user).values_list("address", flat=True)
    }
    return found
