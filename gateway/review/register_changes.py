"""A manager's changes to the consent register from the review pages: subjects added and
edited, consents recorded, edited and withdrawn (never deleted: the history stays), agencies
added, and the case-management export uploaded. Each change is one transaction with its audit
entry, which names register refs, record ids and the fields changed, never their values.

The upload goes through ``gateway.register.csv_import``, the importer ``confide consent
import`` uses, so both follow the same rules.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from gateway.register.csv_import import ImportResult, import_register
from gateway.register.models import (
    Agency,
    AgencyAddress,
    AgencyDomain,
    Consent,
    Subject,
    SubjectEmail,
    SubjectName,
    SubjectPhone,
    join_known_scopes,
)
from gateway.review import audit
from gateway.review.decisions import consent_scope_words, consent_terms_problem
from scanner.consent import KnownSubject

# The files an upload may hold, in the order the importer reads them.
IMPORT_FILES = ("agencies", "subjects", "consents")


class RegisterRefused(Exception):
    """A change the register cannot take; its text says why, without personal data."""


@dataclass(frozen=True)
class ConsentTerms:
    """What a consent allows and how it was given; its recipient is fixed once recorded."""

    method: str
    scopes: tuple[str, ...]
    valid_until: datetime | None
    evidence: str


# A subject's own columns that ``KnownSubject`` holds under the same name (its full name is
# the first of its ``names``).
_OWN_FIELDS = ("kind", "dob", "nhs_number", "ni_number", "postcode", "address")


def add_subject(details: KnownSubject, *, user: Any) -> Subject:
    """A new subject with its names, emails and phones (identifiers already in the
    register's forms: ``scanner.identifiers``)."""
    with transaction.atomic():
        if Subject.objects.filter(ref=details.ref).exists():
            raise RegisterRefused(f"the register already has a subject with ref {details.ref}")
        subject = Subject.objects.create(ref=details.ref, **_own_fields(details))
        _set_identifiers(subject, details)
        _audit(user, "register_subject_added", subject=subject.ref)
    return subject


def edit_subject(subject_id: int, details: KnownSubject, *, user: Any) -> Subject:
    """Change a subject's details; its identifiers are replaced by those given."""
    with transaction.atomic():
        subject: Subject = _locked(Subject, subject_id)
        before = _subject_state(subject)
        if details.ref != subject.ref and Subject.objects.filter(ref=details.ref).exists():
            raise RegisterRefused(f"the register already has a subject with ref {details.ref}")
        old_ref = subject.ref
        subject.ref = details.ref
        for name, value in _own_fields(details).items():
            setattr(subject, name, value)
        subject.save()
        _set_identifiers(subject, details)
        after = _subject_state(subject)
        changed = sorted(name for name in after if after[name] != before[name])
        _audit(user, "register_subject_edited", subject=subject.ref, was=old_ref, fields=changed)
    return subject


def _own_fields(details: KnownSubject) -> dict[str, Any]:
    return {"display_name": details.names[0]} | {n: getattr(details, n) for n in _OWN_FIELDS}


def _subject_state(subject: Subject) -> dict[str, Any]:
    state = {name: getattr(subject, name) for name in ("ref", "display_name", *_OWN_FIELDS)}
    names = list(subject.names.order_by("position").values_list("name", flat=True))
    state["aliases"] = [name for name in names if name != subject.display_name]
    state["emails"] = sorted(subject.emails.values_list("email", flat=True))
    state["phones"] = sorted(subject.phones.values_list("phone", flat=True))
    return state


def _set_identifiers(subject: Subject, details: KnownSubject) -> None:
    """Replace the subject's names, emails and phones (each change bumps the register's
    revision through the models' signals, so the scanner's matcher is rebuilt)."""
    names = list(dict.fromkeys(details.names))
    if list(subject.names.order_by("position").values_list("name", flat=True)) != names:
        subject.names.all().delete()
        SubjectName.objects.bulk_create(
            SubjectName(subject=subject, position=i, name=name) for i, name in enumerate(names)
        )
    identifiers: tuple[tuple[Any, str, tuple[str, ...]], ...] = (
        (SubjectEmail, "email", details.emails),
        (SubjectPhone, "phone", details.phones),
    )
    for model, field, values in identifiers:
        wanted = list(dict.fromkeys(values))
        held = model.objects.filter(subject=subject)
        if sorted(held.values_list(field, flat=True)) != sorted(wanted):
            held.delete()
            model.objects.bulk_create(model(subject=subject, **{field: v}) for v in wanted)
    subject.save(update_fields=["updated_at"])  # bumps the revision once more, after bulk


def add_consent(subject_id: int, agency_id: int, terms: ConsentTerms, *, user: Any) -> Consent:
    """Record a subject's consent to share with an agency, from now."""
    _check_terms(terms)
    with transaction.atomic():
        subject = _locked(Subject, subject_id)
        agency = Agency.objects.filter(id=agency_id).first()
        if agency is None:
            raise RegisterRefused("no such agency")
        now = timezone.now()
        if terms.valid_until is not None and terms.valid_until < now:
            raise RegisterRefused("the consent would have expired already")
        consent = Consent.objects.create(
            subject=subject,
            agency=agency,
            recorded_by=str(user.get_username()),
            recorded_at=now,
            **_terms_fields(terms),
        )
        _audit(
            user,
            "register_consent_added",
            subject=subject.ref,
            consent=consent.id,
            agency=agency.id,
            method=consent.method,
            scopes=consent.scopes,
        )
    return consent


def edit_consent(consent_id: int, terms: ConsentTerms, *, user: Any) -> Consent:
    """Change a consent's scopes, method, evidence or expiry; a withdrawn one stays as it
    was (record a new consent instead)."""
    _check_terms(terms)
    with transaction.atomic():
        consent: Consent = _locked(Consent, consent_id)
        if consent.withdrawn_at is not None:
            raise RegisterRefused("a withdrawn consent is kept as it was; record a new one")
        fields = _terms_fields(terms)
        changed = sorted(name for name, value in fields.items() if getattr(consent, name) != value)
        for name, value in fields.items():
            setattr(consent, name, value)
        consent.save()
        _audit(
            user,
            "register_consent_edited",
            subject=consent.subject.ref,
            consent=consent.id,
            fields=changed,
            scopes=consent.scopes,
        )
    return consent


def withdraw_consent(consent_id: int, *, at: datetime, note: str, user: Any) -> Consent:
    """Mark a consent withdrawn from ``at`` (or from its recording, when that was later the
    same day), with the note; it is never deleted."""
    if not note.strip():
        raise RegisterRefused("say how the withdrawal was given (the note is kept)")
    with transaction.atomic():
        consent: Consent = _locked(Consent, consent_id)
        if consent.withdrawn_at is not None:
            raise RegisterRefused("this consent is already withdrawn")
        if timezone.localdate(at) < timezone.localdate(consent.recorded_at):
            raise RegisterRefused("a consent cannot be withdrawn before it was recorded")
        # Withdrawn on the day it was recorded: from the moment it was recorded, not from
        # the start of a day on which it did not yet exist.
        at = max(at, consent.recorded_at)
        consent.withdrawn_at = at
        consent.withdrawn_by = str(user.get_username())
        consent.withdrawal_note = note
        consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
        _audit(user, "register_consent_withdrawn", subject=consent.subject.ref, consent=consent.id)
    return consent


def add_agency(name: str, domains: Sequence[str], addresses: Sequence[str], *, user: Any) -> Agency:
    """A partner agency, known by its domains (lower case, no "@") and listed addresses."""
    if not domains and not addresses:
        raise RegisterRefused("an agency needs a domain or an address to be recognised by")
    try:
        with transaction.atomic():
            agency = Agency.objects.create(name=name)
            AgencyDomain.objects.bulk_create(
                AgencyDomain(agency=agency, domain=d) for d in dict.fromkeys(domains)
            )
            AgencyAddress.objects.bulk_create(
                AgencyAddress(agency=agency, address=a) for a in dict.fromkeys(addresses)
            )
            _audit(user, "register_agency_added", agency=agency.id)
    except IntegrityError:
        raise RegisterRefused("the register already has an agency of this name") from None
    return agency


def import_upload(files: Mapping[str, bytes], *, user: Any) -> ImportResult:
    """Import uploaded export files (``IMPORT_FILES`` by kind) as ``confide consent import``
    does: all or nothing. An error names the file by its kind (``subjects.csv:3: name:
    required``), not by where it was kept while importing."""
    unknown = set(files) - set(IMPORT_FILES)
    if unknown or not files:
        raise RegisterRefused(f"upload one or more of {', '.join(IMPORT_FILES)}")
    with tempfile.TemporaryDirectory(prefix="confide-upload-") as folder:
        paths: dict[str, Path] = {}
        for kind in IMPORT_FILES:
            if kind in files:
                paths[kind] = Path(folder) / f"{kind}.csv"
                paths[kind].write_bytes(files[kind])
        try:
            with transaction.atomic():
                result = import_register(scopes=consent_scope_words(), **paths)
                if result.error is None:
                    _audit(
                        user,
                        "register_imported",
                        files=sorted(files),
                        **{kind: asdict(tally) for kind, tally in result.tallies.items()},
                    )
        except DatabaseError as exc:  # its text may quote a row's values
            return ImportResult(error=f"database error ({type(exc).__name__}); nothing imported")
    if result.error is not None:
        return ImportResult(error=result.error.replace(f"{folder}/", ""))
    return result


def _check_terms(terms: ConsentTerms) -> None:
    problem = consent_terms_problem(terms.method, terms.scopes, terms.evidence)
    if problem:
        raise RegisterRefused(problem)


def _terms_fields(terms: ConsentTerms) -> dict[str, Any]:
    return {
        "method": terms.method,
        "scopes": join_known_scopes(terms.scopes, consent_scope_words()),
        "valid_until": terms.valid_until,
        "evidence": terms.evidence,
    }


def _locked(model: Any, pk: int) -> Any:
    found = model.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise RegisterRefused(f"no such {model._meta.verbose_name}")
    return found


def _audit(user: Any, kind: str, **details: Any) -> None:
    audit.append([audit.Event(kind=kind, actor=str(user.get_username()), details=details)])
