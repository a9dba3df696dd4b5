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

from django.db import connection, transaction

from gateway import rows
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
    """Append the events, in order, in the caller's transaction (or one of their own: no
    savepoint, so a failure here fails the caller's transaction too). Three statements for
    any number of events: the chain's head read (and locked, on PostgreSQL), the entries
    written, the head moved on (``gateway.rows``: the relay appends a verdict for every
    message)."""
    events = list(events)
    if not events:
        return
    with transaction.atomic(savepoint=False):
        previous = _locked_head()
        at = datetime.now(UTC).replace(microsecond=0)
        entries = []
        for event in events:
            details = dict(event.details or {})
            hashed = _hash(
                at=at,
                kind=event.kind,
                actor=event.actor,
                message_id=event.message_id,
                outcome_id=event.outcome_id,
                details=details,
                previous_hash=previous,
            )
            entries.append(
                {
                    "at": at,
                    "kind": event.kind,
                    "actor": event.actor,
                    "message_id": event.message_id,
                    "outcome_id": event.outcome_id,
                    "details": details,
                    "previous_hash": previous,
                    "entry_hash": hashed,
                }
            )
            previous = hashed
        rows.insert(AuditEntry, entries)
        rows.update(AuditHead, {"id": 1}, {"last_hash": previous})


def _locked_head() -> str:
    """The hash the chain ends with, its row locked until the transaction ends (on SQLite,
    the transaction holds the only write lock already); made for the first entry ever."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.column(AuditHead, 'last_hash')} FROM {rows.table(AuditHead)} "  # noqa: S608  # names from the model
            f"WHERE {rows.column(AuditHead, 'id')} = %s{lock}",
            [1],
        )
        found = cursor.fetchone()
    if found is not None:
        return str(found[0])
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    return head.last_hash


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 of the entry's fields and the previous entry's hash, as canonical JSON."""
    return _hash(
        at=entry.at,
        kind=entry.kind,
        actor=entry.actor,
        message_id=entry.message_id,
        outcome_id=entry.outcome_id,
        details=entry.details,
        previous_hash=entry.previous_hash,
    )


def _hash(
    *,
    at: datetime,
    kind: str,
    actor: str,
    message_id: uuid.UUID | None,
    outcome_id: int | None,
    details: Any,
    previous_hash: str,
) -> str:
    fields = {
        "at": _timestamp(at),
        "kind": kind,
        "actor": actor,
        "message_id": str(message_id) if message_id else None,
        "outcome_id": outcome_id,
        "details": details,
        "previous_hash": previous_hash,
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
