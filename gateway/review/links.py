"""Links to the review pages in the mail confide writes (the hold notice, the managers'
alerts, digest and emergency notice): under ``review.base_url``, the address the pages are
browsed at. Without one configured each gives "", and the mail says where to look instead."""

from __future__ import annotations

import uuid

from django.urls import reverse


def item_link(base_url: str, message_id: uuid.UUID | str) -> str:
    """The held item's page, or "" (the mail then gives the item's reference, which the
    queue's search finds)."""
    return _under(base_url, reverse("review:item", kwargs={"message_id": message_id}))


def logbook_entry_link(base_url: str, entry_id: int) -> str:
    """The logbook entry's page, or "" (the mail then gives the entry's number, listed on the
    Logbook page)."""
    return _under(base_url, reverse("review:logbook_entry", args=[entry_id]))


def _under(base_url: str, path: str) -> str:
    return base_url + path if base_url else ""
