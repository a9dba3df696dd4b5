"""What the relay keeps: received messages, a verdict per recipient, the copies it sends out
and their deliveries.

Message bodies live only in the database, encrypted (``gateway.sealing``), so any relay node
can take any piece of work. Work is claimed with a lease (``claimed_by``/``claimed_until``,
see ``leases``): the rows are read with ``SELECT ... FOR UPDATE SKIP LOCKED`` (on PostgreSQL;
SQLite has one writer at a time), then taken by a conditional UPDATE that checks again that
each is free.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from scanner.actions import Action


class MessageState(models.TextChoices):
    RECEIVED = "received", "received, not yet scanned"
    PROCESSED = "processed", "scanned and decided"


class Message(models.Model):
    """One message as received: the envelope and the raw bytes (sealed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    mail_from = models.CharField(max_length=320, blank=True)  # "" is the null sender
    recipients = models.JSONField()  # the RCPT TO addresses, in order
    client_address = models.CharField(max_length=64)
    authenticated_as = models.CharField(max_length=150, blank=True)
    size = models.PositiveIntegerField()
    # SHA-256 of the envelope and bytes: a client that resends after losing our 250 gets the
    # first copy's id back instead of a second delivery. Empty for a message without a
    # Message-ID (never taken for a resend) and once purged.
    digest = models.CharField(max_length=64, db_index=True)
    sealed = models.BinaryField()
    state = models.CharField(
        max_length=16, choices=MessageState.choices, default=MessageState.RECEIVED
    )
    scan_attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True)
    processed_at = models.DateTimeField(null=True)

    class Meta:
        indexes = (models.Index(fields=["state", "received_at"]),)


class ReviewState(models.TextChoices):
    NOT_HELD = "", "not held"
    HELD = "held", "held for a manager"
    RELEASED = "released", "released by a manager"
    REJECTED = "rejected", "rejected by a manager"


class Outcome(models.Model):
    """The verdict for one recipient of a message, and a manager's decision if it was held."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="outcomes")
    recipient = models.CharField(max_length=320)
    action = models.CharField(max_length=16, choices=[(a.value, a.value) for a in Action])
    rules = models.JSONField(default=list)  # the rules that fired
    reasons = models.JSONField(default=list)
    not_fired = models.JSONField(default=list)  # the rules read that did not fire
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.NOT_HELD, blank=True
    )
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["message", "recipient"], name="one_outcome_each"),
        )
        indexes = (models.Index(fields=["review_state"]),)


class CopyKind(models.TextChoices):
    """What a copy is: one of the verdicts' actions that makes a copy (``hold`` makes none),
    or a message the relay writes itself."""

    RELEASE = Action.RELEASE.value, "the message as sent"
    BANNER = Action.BANNER.value, "marked CONFIDENTIAL"
    REDACT = Action.REDACT.value, "with data removed"
    NOTICE = "notice", "hold notice to the sender"
    BOUNCE = "bounce", "delivery failure report to the sender"


class Copy(models.Model):
    """One version of a message that leaves the relay, for one or more recipients."""

    # None for a notice about no message: the reject of a held document, told its owner.
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="copies", null=True)
    kind = models.CharField(max_length=16, choices=CopyKind.choices)
    mail_from = models.CharField(max_length=320, blank=True)  # "" for notices and bounces
    sealed = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "waiting to be sent"
    SENT = "sent", "accepted by the upstream"
    FAILED = "failed", "refused or given up; the sender was told"


class Delivery(models.Model):
    """One recipient of one copy, and how sending it to the upstream went."""

    copy = models.ForeignKey(Copy, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.CharField(max_length=320)
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True)
    last_reply = models.TextField(blank=True)  # the upstream's last answer (code and text)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        indexes = (models.Index(fields=["state", "next_attempt_at"]),)


class KeyCheck(models.Model):
    """One known value, sealed by the first relay to start on this database: a node whose
    key file does not open it has another key file than the nodes before it, and is refused
    at start-up (``gateway.startup_checks``) rather than sealing what they cannot open. A
    rotation re-seals it as it does every sealed value."""

    sealed = models.BinaryField()
