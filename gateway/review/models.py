"""What the review app keeps: the findings a held message was scanned to (sealed, for the
manager's page), the logbook of confidentiality breaches, and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from gateway.register.models import Subject
from gateway.relay.models import Message, Outcome


class ScanRecord(models.Model):
    """What the scanner read in a message that was held, and where it found what: JSON of
    ``{"segments": [{"location", "text", "findings": [{"type", "start", "end"}]}],
    "unscannable": [...]}``, sealed like the message itself (``gateway.sealing``)."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="scan_record")
    sealed = models.BinaryField()


class LawfulReason(models.TextChoices):
    """The confidentiality policy's grounds for sharing without consent."""

    RISK = "risk", "risk of harm to the person or to others"
    ABUSE = "abuse", "suspected abuse"
    CRIME = "crime", "prevention or detection of a crime"
    LEGAL_DUTY = "legal_duty", "a legal duty to disclose"
    CAPACITY = "capacity", "lack of mental capacity, in the person's best interests"
    MISSING_CHILD = "missing_child", "a police enquiry about a missing child"


class LogbookKind(models.TextChoices):
    EXCEPTION = "exception", "released without consent as an exception"


class LogbookEntry(models.Model):
    """A breach of confidentiality decided by a manager, as the policy asks it be recorded:
    the lawful reason, who decided and when, whether the person was told and why not."""

    kind = models.CharField(max_length=16, choices=LogbookKind.choices)
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="logbook")
    subjects = models.ManyToManyField(Subject, related_name="logbook", blank=True)
    lawful_reason = models.CharField(max_length=16, choices=LawfulReason.choices)
    note = models.TextField()
    person_told = models.BooleanField()
    why_not_told = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-decided_at", "-id")
        verbose_name_plural = "logbook entries"


class AuditEntry(models.Model):
    """One event, chained to the one before by ``previous_hash`` (``gateway.review.audit``).

    ``details`` holds references and types (ids, rule names, actions), never message text.
    """

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32)
    actor = models.CharField(max_length=150)  # a username, or "confide" for a verdict
    message_id = models.UUIDField(null=True)
    outcome_id = models.BigIntegerField(null=True)
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ("id",)
        verbose_name_plural = "audit entries"


class AuditHead(models.Model):
    """One row (pk 1), locked while an entry is appended, so that entries chain one by one
    even when several processes append at once."""

    last_hash = models.CharField(max_length=64)


class SenderAddress(models.Model):
    """Another address a user sends mail from (a shared mailbox, an alias), besides their
    account's email address: a staff member sees the held items sent from any of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sender_addresses"
    )
    address = models.EmailField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("user", "address"), name="sender_address_once"),
        )


class HoldAlertClock(models.Model):
    """One row (pk 1), locked while the managers are alerted to new holds
    (``gateway.review.manager_alerts``), so that however many processes look, one sends
    each alert; when the last one was sent."""

    last_sent_at = models.DateTimeField(null=True)


class AnnouncedHold(models.Model):
    """A held recipient the managers have been alerted to. A row each, rather than a mark
    of the last one announced: holds recorded by several relay processes commit in any
    order, and one committed late behind a newer one would be missed."""

    outcome = models.OneToOneField(
        Outcome, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    announced_at = models.DateTimeField()
