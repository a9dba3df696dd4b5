from typing import Any

from django.http import HttpRequest

from gateway.review.discovery import held_documents
from gateway.review.roles import is_manager


def role(request: HttpRequest) -> dict[str, Any]:
    """``manager``: whether the signed-in user is one, for the menu every page shows; and for a
    manager, ``documents_held``: how many documents wait for one (the menu says so)."""
    if not is_manager(request.user):
        return {"manager": False}
    return {"manager": True, "documents_held": held_documents().count()}
