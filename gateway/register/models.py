"""The consent register's tables.

Identifiers are stored in the forms ``scanner.identifiers`` produces (e-mail addresses in lower
case, phones in E.164, NHS numbers as ten digits, NI numbers and postcodes in capitals), so
that what the register holds and what the matcher reads in a message compare directly.

Every change to a subject or its identifiers bumps ``RegisterRevision``: one ORM save or delete
does it through the signals below, a bulk write (the importer) does it once itself. The
scanner's matcher is rebuilt when ``DjangoConsentBook.version()`` changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from scanner.consent import Scope


class SubjectKind(models.TextChoices):
    CARER = "carer", "carer"
    CARED_FOR = "cared_for", "cared-for person"
    PARTICIPANT = "participant", "participant"
    STAFF = "staff", "staff member"
    VOLUNTEER = "volunteer", "volunteer"
    TRUSTEE = "trustee", "trustee"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "written"
    ORAL = "oral", "oral"


# Field lengths, shared with the importer so that a value too long for PostgreSQL is a
# row error, not a database error (SQLite does not enforce them).
REF_LENGTH = 64
NAME_LENGTH = 200
EMAIL_LENGTH = 254  # RFC 5321 path limit
DOMAIN_LENGTH = 253
PHONE_LENGTH = 16  # E.164: "+" and at most 15 digits
RECORDED_BY_LENGTH = 200
SCOPES_LENGTH = 40  # the scope words of one consent, joined by commas


class Subject(models.Model):
    """A person the organisation holds information about, as the case-management system
    knows them (``ref``), with every identifier that can point at them in a message."""

    ref = models.CharField(max_length=REF_LENGTH, unique=True)
    kind = models.CharField(max_length=16, choices=SubjectKind.choices)
    display_name = models.CharField(max_length=NAME_LENGTH)
    dob = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    ni_number = models.CharField(max_length=9, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ("ref",)

    def __str__(self) -> str:  # the ref only: an admin list or a log line shows no personal data
        return str(self.ref)


class SubjectName(models.Model):
    """One name a subject is known by: position 0 is the full name, then variants and aliases."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="names")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=NAME_LENGTH)

    class Meta:
        ordering = ("subject", "position")
        constraints = (
            models.UniqueConstraint(fields=("subject", "position"), name="subject_name_position"),
        )


class SubjectEmail(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="emails")
    email = models.CharField(max_length=EMAIL_LENGTH, db_index=True)  # lower case

    class Meta:
        ordering = ("subject", "id")
        constraints = (
            models.UniqueConstraint(fields=("subject", "email"), name="subject_email_once"),
        )


class SubjectPhone(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="phones")
    phone = models.CharField(max_length=PHONE_LENGTH, db_index=True)  # E.164

    class Meta:
        ordering = ("subject", "id")
        constraints = (
            models.UniqueConstraint(fields=("subject", "phone"), name="subject_phone_once"),
        )


class Agency(models.Model):
    """A partner organisation: who belongs to it is said by its domains and its addresses.

    Several agencies may share a domain (nhs.net): such an agency is listed by addresses.
    """

    name = models.CharField(max_length=NAME_LENGTH, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return str(self.name)


class AgencyDomain(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=DOMAIN_LENGTH, db_index=True)  # lower case, no "@"

    class Meta:
        ordering = ("agency", "domain")
        constraints = (
            models.UniqueConstraint(fields=("agency", "domain"), name="agency_domain_once"),
        )


class AgencyAddress(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(max_length=EMAIL_LENGTH, db_index=True)  # lower case

    class Meta:
        ordering = ("agency", "address")
        constraints = (
            models.UniqueConstraint(fields=("agency", "address"), name="agency_address_once"),
        )


class Consent(models.Model):
    """A subject's consent to share information of some scopes with one recipient.

    The recipient is exactly one of: an agency (anyone at its domains or addresses), a whole
    domain (``domain``, lower case without "@"), or one address (``address``, lower case).
    It counts from when it was recorded until ``valid_until`` has passed or ``withdrawn_at``
    has come; one consent is identified by subject, recipient and ``recorded_at``.
    """

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="consents")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    domain = models.CharField(max_length=DOMAIN_LENGTH, null=True, blank=True)
    address = models.CharField(max_length=EMAIL_LENGTH, null=True, blank=True)
    # Scope words joined by commas in the policy's order ("contact,health"): a plain column,
    # since a JSON one makes Django's system checks open the database for every command.
    scopes = models.CharField(max_length=SCOPES_LENGTH)
    method = models.CharField(max_length=8, choices=ConsentMethod.choices)
    evidence = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=RECORDED_BY_LENGTH)
    recorded_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Who recorded the withdrawal on the review pages, and what they were told (an import
    # carries only the date).
    withdrawn_by = models.CharField(max_length=RECORDED_BY_LENGTH, blank=True)
    withdrawal_note = models.TextField(blank=True)

    class Meta:
        ordering = ("subject", "recorded_at", "id")
        constraints = (
            models.CheckConstraint(
                condition=(
                    Q(agency__isnull=False, domain__isnull=True, address__isnull=True)
                    | Q(agency__isnull=True, domain__isnull=False, address__isnull=True)
                    | Q(agency__isnull=True, domain__isnull=True, address__isnull=False)
                ),
                name="consent_one_recipient",
            ),
            models.UniqueConstraint(
                fields=("subject", "agency", "recorded_at"),
                condition=Q(agency__isnull=False),
                name="consent_once_per_agency",
            ),
            models.UniqueConstraint(
                fields=("subject", "domain", "recorded_at"),
                condition=Q(domain__isnull=False),
                name="consent_once_per_domain",
            ),
            models.UniqueConstraint(
                fields=("subject", "address", "recorded_at"),
                condition=Q(address__isnull=False),
                name="consent_once_per_address",
            ),
        )

    @property
    def recipient_label(self) -> str:
        """The recipient as the import file writes it: agency name, ``@domain`` or address."""
        if self.agency is not None:
            return self.agency.name
        if self.domain is not None:
            return f"@{self.domain}"
        return str(self.address)

    @property
    def scope_set(self) -> frozenset[Scope]:
        return parse_scopes(self.scopes)

    @property
    def scopes_text(self) -> str:
        """The scope words as a page shows them: "contact, health"."""
        return self.scopes.replace(",", ", ")


def join_scopes(scopes: Iterable[Scope]) -> str:
    """Scopes as the ``Consent.scopes`` column holds them, in the order given."""
    return ",".join(dict.fromkeys(scopes))


def join_known_scopes(scopes: Iterable[Scope], known: Sequence[Scope]) -> str:
    """The ``scopes`` that ``known`` (the policy's words) lists, as the ``Consent.scopes``
    column holds them: in the order of ``known``, whatever order they were given in."""
    given = set(scopes)
    return join_scopes(scope for scope in known if scope in given)


def parse_scopes(column: str) -> frozenset[Scope]:
    """The words of a ``Consent.scopes`` column, whether or not the policy lists them now (a
    word it does not list covers nothing)."""
    return frozenset(value for value in column.split(",") if value)


def in_force(at: datetime, prefix: str = "") -> Q:
    """Consents neither withdrawn nor expired at ``at`` (``prefix`` reaches them by a relation).

    Withdrawn means ``withdrawn_at <= at``; expired means ``valid_until < at``, as in
    ``scanner.consent.RecordedConsent.in_force``.
    """
    return (
        Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gt": at})
    ) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": at}))


class RegisterRevision(models.Model):
    """One row (pk 1) whose number goes up whenever a subject or its identifiers change.

    A counter rather than the latest ``updated_at`` alone: clocks on several nodes need not
    agree, and a deleted identifier leaves no timestamp behind.
    """

    number = models.BigIntegerField(default=0)


_bulk_change: ContextVar[bool] = ContextVar("register_bulk_change", default=False)


@contextmanager
def bulk_change() -> Iterator[None]:
    """Skip the per-row change signals inside; the caller calls ``mark_subjects_changed``."""
    token = _bulk_change.set(True)
    try:
        yield
    finally:
        _bulk_change.reset(token)


def mark_subjects_changed() -> None:
    """Bump the register revision, in the caller's transaction."""
    if not RegisterRevision.objects.filter(pk=1).update(number=F("number") + 1):
        RegisterRevision.objects.get_or_create(pk=1, defaults={"number": 1})


def _subject_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    if not _bulk_change.get():
        mark_subjects_changed()


def _identifier_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    if not _bulk_change.get():
        Subject.objects.filter(pk=instance.subject_id).update(updated_at=timezone.now())
        mark_subjects_changed()


def connect_change_signals() -> None:
    """Called once from the app's ``ready()``."""
    for event, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_subject_changed, sender=Subject, dispatch_uid=f"register-Subject-{event}")
        for model in (SubjectName, SubjectEmail, SubjectPhone):
            signal.connect(
                _identifier_changed,
                sender=model,
                dispatch_uid=f"register-{model.__name__}-{event}",
            )
