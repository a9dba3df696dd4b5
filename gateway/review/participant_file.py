"""Reading the consent register for the pages: subjects found by any identifier the register
keeps, and one subject's "participant file" (the policy's word): its identifiers, its
consents as they stand now, the held items about it and the logbook entries about it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast

from gateway.register.models import Agency, Consent, Subject, in_force
from gateway.relay.models import Outcome, ReviewState
from gateway.review.models import LogbookEntry
from scanner import identifiers


def search_subjects(words: str, at: datetime) -> QuerySet[Subject]:
    """Subjects whose ref, names, email, phone, NHS or NI number, postcode or date of birth
    match ``words`` (every subject when it is blank), with ``consents_in_force`` counted."""
    words = words.strip()
    found = Subject.objects.all()
    if words:
        matches = (
            Q(ref__icontains=words)
            | Q(display_name__icontains=words)
            | Q(names__name__icontains=words)
            | Q(emails__email__icontains=words.lower())
        )
        for field, normalise in (
            ("phones__phone", identifiers.phone),
            ("nhs_number", identifiers.nhs_number),
            ("ni_number", identifiers.ni_number),
            ("postcode", identifiers.postcode),
        ):
            value = normalise(words)
            if value:
                matches |= Q(**{field: value})
        with contextlib.suppress(ValueError):  # a date of birth, 1956-03-14
            matches |= Q(dob=date.fromisoformat(words))
        ids = Subject.objects.filter(matches).values("id")
        found = found.filter(id__in=ids)
    return found.annotate(
        consents_in_force=Count("consents", filter=in_force(at, "consents__"))
    ).order_by("ref")


@dataclass(frozen=True)
class SubjectFile:
    subject: Subject
    aliases: list[str]
    emails: list[str]
    phones: list[str]
    current: list[Consent]
    expired: list[Consent]
    withdrawn: list[Consent]
    held: list[Outcome]
    logbook: list[LogbookEntry]


def subject_file(subject_id: int, at: datetime) -> SubjectFile | None:
    """The subject's participant file as it stands at ``at``; None if there is no such
    subject."""
    subject = Subject.objects.filter(id=subject_id).first()
    if subject is None:
        return None
    consents = list(Consent.objects.filter(subject=subject).select_related("agency"))
    withdrawn = [c for c in consents if c.withdrawn_at is not None and c.withdrawn_at <= at]
    expired = [
        c
        for c in consents
        if c not in withdrawn and c.valid_until is not None and c.valid_until < at
    ]
    return SubjectFile(
        subject=subject,
        aliases=[
            name
            for name in subject.names.order_by("position").values_list("name", flat=True)
            if name != subject.display_name
        ],
        emails=list(subject.emails.values_list("email", flat=True)),
        phones=list(subject.phones.values_list("phone", flat=True)),
        current=[c for c in consents if c not in withdrawn and c not in expired],
        expired=expired,
        withdrawn=withdrawn,
        held=list(held_about(subject)),
        logbook=list(
            LogbookEntry.objects.filter(subjects=subject)
            .select_related("outcome", "decided_by")
            .order_by("-decided_at", "-id")
        ),
    )


def held_about(subject: Subject) -> QuerySet[Outcome]:
    """Every recipient ever held of a message about the subject, newest first: the messages
    whose scan record lists them, and, for records kept before subjects were listed, those
    whose reasons cite the subject's ref (every reason about a known subject does)."""
    cited = f"(ref {subject.ref})"
    return (
        Outcome.objects.exclude(review_state=ReviewState.NOT_HELD)
        .annotate(reasons_text=Cast("reasons", TextField()))
        .filter(Q(message__scan_record__subjects=subject) | Q(reasons_text__contains=cited))
        .select_related("message")
        .distinct()
        .order_by("-message__received_at", "id")
    )


def subject(subject_id: int) -> Subject | None:
    found: Subject | None = Subject.objects.filter(id=subject_id).first()
    return found


def consent(consent_id: int) -> Consent | None:
    """A consent with its subject and agency."""
    found: Consent | None = (
        Consent.objects.select_related("subject", "agency").filter(id=consent_id).first()
    )
    return found


def subject_ids(refs: Iterable[str]) -> dict[str, int]:
    """The register's id for each of ``refs`` it holds (a page links to the subject by id)."""
    return dict(Subject.objects.filter(ref__in=set(refs)).values_list("ref", "id"))


def agencies() -> QuerySet[Agency]:
    """Every agency with its domains and addresses, by name."""
    return Agency.objects.prefetch_related("domains", "addresses").order_by("name")
