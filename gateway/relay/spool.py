"""Received messages in the database: stored before the relay answers 250, claimed for
scanning by one node at a time."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gateway.relay.models import Message, MessageState
from gateway.sealing import Sealer

# How long a resent copy of the same message is recognised (MTAs retry within minutes).
RESEND_WINDOW = timedelta(hours=24)


def store(
    sealer: Sealer,
    *,
    mail_from: str,
    recipients: list[str],
    content: bytes,
    client_address: str,
    authenticated_as: str = "",
) -> uuid.UUID:
    """Store one received message durably (the COMMIT is synchronous) and return its id.

    The same envelope and bytes again within ``RESEND_WINDOW`` are the client resending after
    it lost our 250: the first copy's id is returned and nothing new is stored.
    """
    digest = _digest(mail_from, recipients, content)
    with transaction.atomic():
        earlier = (
            Message.objects.filter(digest=digest, received_at__gte=timezone.now() - RESEND_WINDOW)
            .values_list("id", flat=True)
            .first()
        )
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]  # Django ships no type information
        message = Message.objects.create(
            digest=digest,
            mail_from=mail_from,
            recipients=recipients,
            client_address=client_address,
            authenticated_as=authenticated_as,
            size=len(content),
            sealed=sealer.seal(content),
        )
    return message.id  # type: ignore[no-any-return]


def _digest(mail_from: str, recipients: list[str], content: bytes) -> str:
    envelope = "\n".join([mail_from, *recipients]).encode("utf-8", "surrogateescape")
    return hashlib.sha256(envelope + b"\n\n" + content).hexdigest()


def waiting(node: str) -> list[uuid.UUID]:
    """Messages not yet processed, oldest first, after forgetting this node's own claims.

    Called when a node starts: whatever it had claimed before it stopped is its to redo.
    """
    Message.objects.filter(state=MessageState.RECEIVED, claimed_by=node).update(
        claimed_by="", claimed_until=None
    )
    return list(
        Message.objects.filter(state=MessageState.RECEIVED)
        .order_by("received_at")
        .values_list("id", flat=True)
    )


def claim(message_id: uuid.UUID, node: str, lease: timedelta, now: datetime) -> Message | None:
    """Claim a received message for scanning, counting the attempt; ``None`` if it is done
    or another node holds it."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now) | Q(claimed_by=node)
    with transaction.atomic():
        claimed = Message.objects.filter(free, id=message_id, state=MessageState.RECEIVED).update(
            claimed_by=node, claimed_until=now + lease
        )
        if not claimed:
            return None
        message = Message.objects.get(id=message_id)
        message.scan_attempts += 1
        message.save(update_fields=["scan_attempts"])
    return message  # type: ignore[no-any-return]  # Django ships no type information


def unclaimed(now: datetime) -> list[uuid.UUID]:
    """Received messages nobody holds a live claim on, oldest first."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return list(
        Message.objects.filter(free, state=MessageState.RECEIVED)
        .order_by("received_at")
        .values_list("id", flat=True)
    )
