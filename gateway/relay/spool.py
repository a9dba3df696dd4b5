"""Received messages in the database: stored before the relay answers 250, claimed for
scanning by one node at a time.

The node that receives a message claims it as it stores it (one transaction, not two), since
it scans the message next. A claim counts a scan attempt, so a message whose scan keeps
killing workers is held after ``MAX_SCAN_ATTEMPTS`` rather than retried forever; every later
claim (a retry, a restart, another node taking over a lapsed lease) counts another. A message
not processed through no doing of its own (it reached no worker, its worker could not read it
back, or was stopped by a signal) is handed over again on the claim its node holds: the
attempt that claim counted is still to be made, and none more is counted. So is one that was
in the scanning workers' pool when a worker died (the pool fails every message in it): a
suspect, scanned alone next, and only a worker's death while it is alone counts an attempt
(``service``)."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from gateway import rows
from gateway.relay.leases import SCAN_LEASE
from gateway.relay.models import Message, MessageState
from gateway.sealing import Sealer

# How long a resent copy of the same message is recognised (MTAs retry within minutes).
RESEND_WINDOW = timedelta(hours=24)
# The end of a message's header section: its first empty line.
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# A Message-ID field with a value (perhaps on a folded line), at the start of a header line.
_MESSAGE_ID = re.compile(
    rb"^message-id[ \t]*:[ \t]*(?:\r?\n[ \t]+)*[^ \t\r\n]", re.IGNORECASE | re.MULTILINE
)
# Messages claimed at a time: far fewer than a node scans within its lease
# (``[relay] scan_lease_seconds``, ``SCAN_LEASE`` by default).
CLAIM_BATCH = 100


class Stored(NamedTuple):
    """The id a received message is stored under; ``new`` is false for a resend of an earlier
    message (the same envelope and bytes, with a Message-ID), whose id it is."""

    id: uuid.UUID
    new: bool


class NotRead(Exception):
    """The database failed as a claimed message was read back (our outage): nothing of the
    message was done, so the attempt its claim counted is still to be made."""


class Origin(NamedTuple):
    """Where a stored message came from and when, as its copies' trace field gives them."""

    client_address: str
    received_at: datetime


@dataclass(frozen=True)
class Received:
    """A stored message as a scanning worker needs it: its envelope, its content (unsealed)
    and how many scan attempts have been claimed for it. ``origin`` is handed over with it
    by the node that stored or read it, so that its copies are stamped without reading the
    message's row again; one built elsewhere has none, and its row is read for it."""

    id: uuid.UUID
    mail_from: str
    recipients: list[str]
    content: bytes
    scan_attempts: int
    origin: Origin | None = None


def store(
    sealer: Sealer,
    *,
    mail_from: str,
    recipients: list[str],
    content: bytes,
    client_address: str,
    authenticated_as: str = "",
    node: str,
    lease: timedelta = SCAN_LEASE,
    received_at: datetime | None = None,
) -> Stored:
    """Store one received message durably (the COMMIT is synchronous), claimed by ``node``
    for its first scan attempt (for ``lease``), and return its id. ``received_at`` is when
    it was received (now, unless given).

    The same envelope and bytes again within ``RESEND_WINDOW``, carrying a Message-ID, are
    the client resending after it lost our 250: the first copy's id is returned and nothing
    new is stored. Without a Message-ID nothing tells a resend from a script sending the same
    alert twice, and every message is a new one (a copy too many rather than one lost).

    ``ready`` then ``write``: a caller that writes in a shared transaction (``GroupCommit``)
    makes the message ready before, outside it.
    """
    return write(
        ready(
            sealer,
            mail_from=mail_from,
            recipients=recipients,
            content=content,
            client_address=client_address,
            authenticated_as=authenticated_as,
            node=node,
            lease=lease,
            received_at=received_at,
        )
    )


@dataclass(frozen=True)
class Ready:
    """A received message ready to store: hashed, sealed, its row made, its id chosen."""

    id: uuid.UUID
    row: dict[str, object]


def ready(
    sealer: Sealer,
    *,
    mail_from: str,
    recipients: list[str],
    content: bytes,
    client_address: str,
    authenticated_as: str = "",
    node: str,
    lease: timedelta = SCAN_LEASE,
    received_at: datetime | None = None,
) -> Ready:
    """The message hashed and sealed, before any transaction: on SQLite the write lock is
    then held for the queries alone (a message may be tens of megabytes)."""
    received_at = received_at or timezone.now()
    message_id = uuid.uuid4()
    return Ready(
        message_id,
        {
            "id": message_id,
            "digest": _digest(mail_from, recipients, content) if _has_message_id(content) else "",
            "received_at": received_at,
            "mail_from": mail_from,
            "recipients": recipients,
            "client_address": client_address,
            "authenticated_as": authenticated_as,
            "size": len(content),
            "sealed": sealer.seal(content),
            "scan_attempts": 1,
            "claimed_by": node,
            "claimed_until": received_at + lease,
        },
    )


def write(message: Ready) -> Stored:
    """Store a message made ready (``ready``), unless it is a resend (``store``): two
    statements written once (``gateway.rows``), since the main process stores every message,
    in a transaction of their own or a savepoint of the caller's (``GroupCommit``)."""
    digest = str(message.row["digest"])
    with transaction.atomic(savepoint=False):
        earlier = _earlier(digest, timezone.now() - RESEND_WINDOW) if digest else None
        if earlier is not None:
            return Stored(earlier, new=False)
        rows.insert(Message, [message.row])
    return Stored(message.id, new=True)


def _earlier(digest: str, since: datetime) -> uuid.UUID | None:
    """The id of a message stored since ``since`` with this digest, if there is one."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.column(Message, 'id')} FROM {rows.table(Message)} "  # noqa: S608  # names from the model
            f"WHERE {rows.column(Message, 'digest')} = %s "
            f"AND {rows.column(Message, 'received_at')} >= %s LIMIT 1",
            [digest, rows.prepared(Message, "received_at", since)],
        )
        found = cursor.fetchone()
    return None if found is None else Message._meta.pk.to_python(found[0])


def _has_message_id(content: bytes) -> bool:
    """Whether the message's header section (up to its first empty line) has a Message-ID."""
    if content.startswith((b"\r\n", b"\n")):  # no header section at all
        return False
    end = _HEADER_END.search(content)
    return _MESSAGE_ID.search(content, 0, len(content) if end is None else end.start()) is not None


def _digest(mail_from: str, recipients: list[str], content: bytes) -> str:
    envelope = "\n".join([mail_from, *recipients]).encode("utf-8", "surrogateescape")
    return hashlib.sha256(envelope + b"\n\n" + content).hexdigest()


def claim_waiting(
    node: str,
    now: datetime,
    limit: int = CLAIM_BATCH,
    *,
    restarting: bool = False,
    lease: timedelta = SCAN_LEASE,
) -> list[uuid.UUID]:
    """Claim up to ``limit`` received messages nobody holds a live claim on, oldest first,
    counting an attempt for each; the ids this node won.

    Safe with several nodes claiming at once: on PostgreSQL the rows are locked as they are
    read (``FOR UPDATE SKIP LOCKED``: another node's claimer takes other rows, never waits),
    and everywhere the UPDATE checks again that each is still free.

    ``restarting``: this node's own claims are taken again too; whatever it had claimed
    before it stopped is its to redo (and that unfinished attempt counts).
    """
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    if restarting:
        free |= Q(claimed_by=node)
    until = now + lease
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(free, state=MessageState.RECEIVED)
            .order_by("received_at")
            .values_list("id", flat=True)[:limit]
        )
        _claim(Message.objects.filter(free, id__in=ids, state=MessageState.RECEIVED), node, until)
        won = set(
            Message.objects.filter(id__in=ids, claimed_by=node, claimed_until=until).values_list(
                "id", flat=True
            )
        )
    return [message_id for message_id in ids if message_id in won]


def claim_again(
    message_id: uuid.UUID, node: str, now: datetime, lease: timedelta = SCAN_LEASE
) -> bool:
    """Claim a message again for another attempt (its scan failed); ``False`` if it is done
    or another node holds it now. One conditional UPDATE: safe with other nodes claiming."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now) | Q(claimed_by=node)
    mine = Message.objects.filter(free, id=message_id, state=MessageState.RECEIVED)
    return _claim(mine, node, now + lease) == 1


def renew(
    node: str, message_ids: Collection[uuid.UUID], now: datetime, lease: timedelta = SCAN_LEASE
) -> int:
    """Extend ``node``'s claims on these messages, still to scan, to ``now + lease``
    (no attempt counted): a node renews what it holds while it lives, so that only a dead
    node's claims lapse; how many it still held."""
    mine = Message.objects.filter(id__in=message_ids, claimed_by=node, state=MessageState.RECEIVED)
    return mine.update(claimed_until=now + lease)


def give_back(node: str, *, count_attempt: bool) -> int:
    """Let go of this node's claims on messages still to scan, so that any node may take
    them at once rather than after the lease; how many.

    ``count_attempt`` false: the attempts were cut short by this node stopping, not by the
    message, and are not counted. At start, after a death nobody can tell apart from the
    message's doing, they are.
    """
    mine = Message.objects.filter(claimed_by=node, state=MessageState.RECEIVED)
    attempts = F("scan_attempts") if count_attempt else Greatest(F("scan_attempts") - 1, 0)
    return mine.update(claimed_by="", claimed_until=None, scan_attempts=attempts)


def _claim(messages: QuerySet[Message], node: str, until: datetime) -> int:
    return messages.update(
        claimed_by=node, claimed_until=until, scan_attempts=F("scan_attempts") + 1
    )


def claimed(sealer: Sealer, message_id: uuid.UUID, node: str, now: datetime) -> Received | None:
    """The message if ``node`` holds a live claim on it and it is still to be processed.

    Raises ``NotRead`` when the database fails."""
    try:
        found = (
            Message.objects.filter(
                id=message_id, state=MessageState.RECEIVED, claimed_by=node, claimed_until__gt=now
            )
            .values_list(
                "mail_from",
                "recipients",
                "sealed",
                "scan_attempts",
                "client_address",
                "received_at",
            )
            .first()
        )
    except DatabaseError as exc:
        raise NotRead(str(message_id)) from exc
    if found is None:
        return None
    mail_from, recipients, sealed, scan_attempts, client_address, received_at = found
    content = sealer.unseal(bytes(sealed))
    origin = Origin(client_address, received_at)
    return Received(message_id, mail_from, recipients, content, scan_attempts, origin)
