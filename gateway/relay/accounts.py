"""Who may send through the relay with SMTP AUTH: active accounts in one Django group."""

from __future__ import annotations

RELAY_SENDERS = "relay senders"


def check_relay_password(login: str, password: str) -> bool:
    """Whether ``login`` is an active account in the relay senders' group with this password.

    Django's model backend, not ``authenticate()``: the review app's login throttle (axes) is
    a backend that needs a web request and refuses a call without one; the relay throttles
    its own AUTH attempts (``login_attempts``)."""
    from django.contrib.auth.backends import ModelBackend

    user = ModelBackend().authenticate(None, username=login, password=password)
    return user is not None and user.groups.filter(name=RELAY_SENDERS).exists()
