"""A manager's actions on one held recipient, each in one transaction with its audit entry:
release with the banner, reject (the sender is told), release as an exception (a logbook
entry), and record consent and release. The copy is made by ``gateway.relay.held.decide``;
views and commands call these functions and never touch the tables themselves."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from gateway.config import load_settings
from gateway.register.models import Agency, Consent, ConsentMethod, Subject, join_scopes
from gateway.relay.held import Decision, DecisionRefused, decide
from gateway.relay.models import Copy, CopyKind, Delivery, Outcome
from gateway.relay.notices import rejection_notice
from gateway.relay.pipeline import hostname, key_file, notice_from
from gateway.review import audit
from gateway.review.models import LawfulReason, LogbookEntry, LogbookKind
from gateway.sealing import Sealer
from scanner.consent import ALL_SCOPES
from scanner.policy.policy_file import load_policy
from scanner.transform import Banner, load_banner

__all__ = ["DecisionRefused"]


@dataclass(frozen=True)
class Releasing:
    """What releasing and telling senders needs, built once per process from the settings."""

    sealer: Sealer
    banner: Banner
    organisation: str
    notice_from: str
    hostname: str


@functools.cache
def releasing() -> Releasing:
    settings = load_settings()
    organisation = settings.organisation
    return Releasing(
        sealer=Sealer.from_key_file(key_file(settings)),
        banner=load_banner(organisation.banner, organisation.name or "the sender"),
        organisation=organisation.name,
        notice_from=notice_from(settings),
        hostname=hostname(settings),
    )


def release_with_banner(
    outcome_id: int, *, user: Any, note: str, body_only: bool = False
) -> Outcome:
    """Release the held copy marked CONFIDENTIAL (``body_only``: the banner in the subject
    and body only, documents that cannot be marked sent as they are)."""
    decision = Decision.RELEASE_WITH_BANNER_IN_BODY if body_only else Decision.RELEASE_WITH_BANNER
    with transaction.atomic():
        outcome = _decide(outcome_id, decision, user, note)
        _audit(outcome, user, decision.value)
    return outcome


def reject(outcome_id: int, *, user: Any, note: str) -> Outcome:
    """Reject: nothing goes to the recipient, and the sender is told, with the note."""
    with transaction.atomic():
        outcome = _decide(outcome_id, Decision.REJECT, user, note)
        told = _tell_sender(outcome, note)
        _audit(outcome, user, Decision.REJECT.value, sender_told=told)
    return outcome


def release_as_exception(
    outcome_id: int,
    *,
    user: Any,
    reason: LawfulReason,
    note: str,
    subjects: Sequence[Subject],
    person_told: bool,
    why_not_told: str = "",
) -> LogbookEntry:
    """Release without consent on a lawful ground: the copy goes marked CONFIDENTIAL and a
    logbook entry records the ground, the note, whether each person was told and why not."""
    if not person_told and not why_not_told.strip():
        raise DecisionRefused("say why the person was not told (the logbook records it)")
    with transaction.atomic():
        outcome = _decide(outcome_id, Decision.RELEASE_WITH_BANNER, user, note)
        entry = LogbookEntry.objects.create(
            kind=LogbookKind.EXCEPTION,
            outcome=outcome,
            lawful_reason=reason,
            note=note,
            person_told=person_told,
            why_not_told=why_not_told,
            decided_by=user,
        )
        entry.subjects.set(subjects)
        _audit(
            outcome,
            user,
            "release_as_exception",
            lawful_reason=str(reason),
            logbook_entry=entry.id,
            subjects=sorted(subject.ref for subject in subjects),
        )
    return entry


def consent_scope_words() -> tuple[str, ...]:
    """The words a consent may be recorded with: the policy's ``consent_scopes`` and ``all``,
    in the policy's order (the order the register keeps them in)."""
    return (*load_policy(load_settings().organisation.policy).consent_scopes, ALL_SCOPES)


def record_consent_and_release(
    outcome_id: int,
    *,
    user: Any,
    subject: Subject,
    agency: Agency,
    method: ConsentMethod,
    scopes: Sequence[str],
    valid_until: datetime | None,
    evidence: str,
    note: str,
) -> Consent:
    """Save the subject's consent to the register and release the copy with the banner, in
    one transaction: if the release is refused, no consent is saved either."""
    if not scopes:
        raise DecisionRefused("a consent needs at least one scope")
    words = consent_scope_words()
    unknown = [scope for scope in scopes if scope not in words]
    if unknown:
        raise DecisionRefused(f"{unknown[0]!r} is not a consent scope of the policy")
    if method == ConsentMethod.ORAL and not evidence.strip():
        raise DecisionRefused("oral consent needs an evidence note: who gave it, when, how")
    now = datetime.now(UTC)
    with transaction.atomic():
        consent = Consent.objects.create(
            subject=subject,
            agency=agency,
            scopes=join_scopes(word for word in words if word in scopes),
            method=method,
            evidence=evidence,
            recorded_by=_name(user),
            recorded_at=now,
            valid_until=valid_until,
        )
        outcome = _decide(outcome_id, Decision.RELEASE_WITH_BANNER, user, note)
        _audit(
            outcome,
            user,
            "record_consent_and_release",
            consent=consent.id,
            subject=subject.ref,
            agency=agency.id,
            method=str(method),
            scopes=consent.scopes,
        )
    return consent


def _decide(outcome_id: int, decision: Decision, user: Any, note: str) -> Outcome:
    made = releasing()
    return decide(
        outcome_id, decision, by=_name(user), note=note, sealer=made.sealer, banner=made.banner
    )


def _name(user: Any) -> str:
    return str(user.get_username())


def _tell_sender(outcome: Outcome, note: str) -> bool:
    """Queue the rejection notice to the sender; False when there is no sender to tell."""
    message = outcome.message
    if not message.mail_from:
        return False
    made = releasing()
    content = rejection_notice(
        original=made.sealer.unseal(bytes(message.sealed)),
        sender=message.mail_from,
        recipient=outcome.recipient,
        note=note,
        organisation=made.organisation,
        from_address=made.notice_from,
        confide_id=str(message.id),
        at=datetime.now(UTC),
        hostname=made.hostname,
    )
    copy = Copy.objects.create(
        message=message, kind=CopyKind.NOTICE, mail_from="", sealed=made.sealer.seal(content)
    )
    Delivery.objects.create(copy=copy, recipient=message.mail_from)
    return True


def _audit(outcome: Outcome, user: Any, action: str, **details: Any) -> None:
    audit.append(
        [
            audit.Event(
                kind=action,
                actor=_name(user),
                message_id=outcome.message_id,
                outcome_id=outcome.id,
                details={"rules": list(outcome.rules), **details},
            )
        ]
    )
