"""The audit trail: every automatic verdict and every manual action, append-only and
hash-chained, so that an entry deleted or edited in the database is found by ``verify``.

Each entry's hash covers its own fields and the previous entry's hash. Entries hold
references and types (message and outcome ids, rule names, actions, usernames), never message
text or addresses of the people written about.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from gateway.review.models import AuditEntry, AuditHead

# The hash before the first entry.
GENESIS = "0" * 64
# Entries read per query by ``verify``.
VERIFY_CHUNK = 2000


@dataclass(frozen=True)
class Event:
    """One thing to record: what happened, who did it, and what it concerns."""

    kind: str
    actor: str
    message_id: uuid.UUID | None = None
    outcome_id: int | None = None
    details: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Broken:
    """The first entry that does not fit the chain, and how."""

    entry_id: int
    problem: str


def append(events: Iterable[Event]) -> None:
    """Append the events, in order, in the caller's transaction (or one of their own)."""
    events = list(events)
    if not events:
        return
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        previous = head.last_hash
        entries = []
        for event in events:
            entry = AuditEntry(
                at=datetime.now(UTC).replace(microsecond=0),
                kind=event.kind,
                actor=event.actor,
                message_id=event.message_id,
                outcome_id=event.outcome_id,
                details=dict(event.details or {}),
                previous_hash=previous,
            )
            entry.entry_hash = entry_hash(entry)
            previous = entry.entry_hash
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries)
        head.last_hash = previous
        head.save(update_fields=["last_hash"])


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 of the entry's fields and the previous entry's hash, as canonical JSON."""
    fields = {
        "at": _timestamp(entry.at),
        "kind": entry.kind,
        "actor": entry.actor,
        "message_id": str(entry.message_id) if entry.message_id else None,
        "outcome_id": entry.outcome_id,
        "details": entry.details,
        "previous_hash": entry.previous_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def verify() -> tuple[int, Broken | None]:
    """Check the whole chain: how many entries were checked, and the first broken one.

    An edited entry no longer matches its hash; a deleted one leaves the next entry pointing
    at a hash that is not the one before it; entries cut from the end leave the head's hash
    without its entry.
    """
    previous = GENESIS
    checked = 0
    after = 0
    while True:
        chunk = list(AuditEntry.objects.filter(id__gt=after).order_by("id")[:VERIFY_CHUNK])
        if not chunk:
            break
        for entry in chunk:
            if entry.previous_hash != previous:
                return checked, Broken(entry.id, "the entry before it is missing or was changed")
            if entry_hash(entry) != entry.entry_hash:
                return checked, Broken(entry.id, "it was changed after it was written")
            previous = entry.entry_hash
            checked += 1
        after = chunk[-1].id
    head = AuditHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    if head is not None and head != previous:
        last = after or 0
        return checked, Broken(last, "entries after it were removed")
    return checked, None
