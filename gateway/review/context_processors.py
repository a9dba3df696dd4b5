from typing import Any

from django.http import HttpRequest

from gateway.review.roles import is_manager


def role(request: HttpRequest) -> dict[str, Any]:
    """``manager``: whether the signed-in user is one, for the menu every page shows."""
    return {"manager": is_manager(request.user)}
