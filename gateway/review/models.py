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
    "unscannable": [...]}``, sealed like the message itself (``gateway.sealing``). ``subjects``
    are the register's subjects a finding was tied to, for the subject's page; records kept
    before they were listed have none."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="scan_record")
    sealed = models.BinaryField()
    subjects = models.ManyToManyField(Subject, related_name="scan_records", blank=True)


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
    EMERGENCY = "emergency", "released by its sender in an emergency (immediate danger)"
    BREACH = "breach", "a breach of confidentiality, recorded by a manager"


class ReviewOutcome(models.TextChoices):
    """What a manager found when they reviewed an entry flagged for review (an emergency
    release by staff)."""

    NOT_REVIEWED = "", "not reviewed"
    JUSTIFIED = "justified", "confirmed: justified"
    BREACH = "breach", "recorded as a breach"


class LogbookEntry(models.Model):
    """A breach of confidentiality, as the policy asks it be recorded: the lawful reason (if
    any), who decided and when, whether the person was told and why not, the subjects it
    concerns. An exception release is decided by a manager; an emergency release by its
    sender, flagged for a manager's review until one confirms it or records it as a breach;
    a breach found later is recorded by a manager, about an item or not."""

    kind = models.CharField(max_length=16, choices=LogbookKind.choices)
    # The held recipient released; None for a breach that did not pass through confide.
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, related_name="logbook", null=True, blank=True
    )
    # Where a breach with no held item happened ("a phone call to the school, 3 March").
    reference = models.CharField(max_length=200, blank=True)
    subjects = models.ManyToManyField(Subject, related_name="logbook", blank=True)
    # "" for a breach that had no lawful reason.
    lawful_reason = models.CharField(max_length=16, choices=LawfulReason.choices, blank=True)
    note = models.TextField()
    # None until someone records it (an emergency release, before a manager's review).
    person_told = models.BooleanField(null=True)
    why_not_told = models.TextField(blank=True)
    # The user who decided in confide, or the manager who recorded a breach.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Who took the decision, when it was taken outside confide (a breach found later).
    who_decided = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    flagged_for_review = models.BooleanField(default=False)
    review_outcome = models.CharField(
        max_length=16, choices=ReviewOutcome.choices, default=ReviewOutcome.NOT_REVIEWED, blank=True
    )
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reviewed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("-flagged_for_review", "-decided_at", "-id")
        verbose_name_plural = "logbook entries"
        indexes = (models.Index(fields=["flagged_for_review", "decided_at"]),)


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
