"""Links to the review pages in the mail confide writes (the hold notice, the managers'
alerts and digest): under ``review.base_url``, the address the pages are browsed at."""

from __future__ import annotations

import uuid

from django.urls import reverse


def item_link(base_url: str, message_id: uuid.UUID | str) -> str:
    """The held item's page, or "" when no ``base_url`` is configured (the mail then gives
    the item's reference, which the queue's search finds)."""
    if not base_url:
        return ""
    return base_url + reverse("review:item", kwargs={"message_id": message_id})
