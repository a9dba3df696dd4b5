"""Who may send through the relay with SMTP AUTH: active accounts in one Django group."""

from __future__ import annotations

RELAY_SENDERS = "relay senders"


def check_relay_password(login: str, password: str) -> bool:
    """Whether ``login`` is an active account in the relay senders' group with this password."""
    from django.contrib.auth import authenticate

    user = authenticate(username=login, password=password)
    return user is not None and user.groups.filter(name=RELAY_SENDERS).exists()
