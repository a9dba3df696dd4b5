"""The logbook's other two ways in, besides a manager's exception release (``decisions``):

- **emergency release**: the policy lets a staff member break confidentiality "in exceptional
  circumstances if there is immediate danger". They may release their own held recipient,
  marked CONFIDENTIAL, only by stating immediate danger and writing a note; the logbook entry
  is flagged for a manager's review and every manager is emailed at once;
- a manager's **review** of such an entry: confirmed as justified, or recorded as a breach;
- a **breach recorded** by a manager, found later, with or without a lawful reason.

Each is one transaction with its audit entry (references and types, never the notes); views
and commands call these functions and never touch the tables themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from gateway.register.models import Subject
from gateway.relay.held import Decision, DecisionRefused, decide
from gateway.relay.models import Outcome, ReviewState
from gateway.review import audit, decisions, emergency_notice
from gateway.review.held_items import visible_outcomes
from gateway.review.models import LawfulReason, LogbookEntry, LogbookKind, ReviewOutcome
from gateway.review.roles import STAFF, is_manager

# The earliest date a recorded breach may have (the charity's records begin later).
EARLIEST_BREACH = datetime(1990, 1, 1, tzinfo=UTC)

log = logging.getLogger("confide.review")

# What the released recipient's decision note starts with, so its page says how it went out.
EMERGENCY_NOTE = "Emergency release by its sender, stating immediate danger"


class NotTheirs(DecisionRefused):
    """No such held recipient among those the user sent (the page answers 404)."""


def own_held_recipient(user: Any, outcome_id: int) -> Outcome | None:
    """The held recipient ``outcome_id`` if ``user`` is a staff member (not a manager: they
    use the manager's actions) who sent it; otherwise None."""
    if is_manager(user) or not user.groups.filter(name=STAFF).exists():
        return None
    found: Outcome | None = (
        visible_outcomes(user)
        .filter(id=outcome_id, review_state=ReviewState.HELD)
        .select_related("message")
        .first()
    )
    return found


def decided_already(user: Any, outcome_id: int) -> Outcome | None:
    """The recipient ``outcome_id`` if ``user`` is a staff member who sent it and it is no
    longer held (a manager decided it first); otherwise None."""
    if is_manager(user) or not user.groups.filter(name=STAFF).exists():
        return None
    found: Outcome | None = (
        visible_outcomes(user)
        .filter(id=outcome_id)
        .exclude(review_state=ReviewState.HELD)
        .select_related("message")
        .first()
    )
    return found


def emergency_release(
    outcome_id: int, *, user: Any, immediate_danger: bool, note: str
) -> tuple[LogbookEntry, int]:
    """Release a staff member's own held recipient marked CONFIDENTIAL, log it flagged for a
    manager's review and queue a notice to every manager with an email address; returns the
    entry and how many managers are told (0: none has an address)."""
    if not immediate_danger:
        raise DecisionRefused(
            "an emergency release needs you to state that there is immediate danger"
        )
    if not note.strip():
        raise DecisionRefused("an emergency release needs a note saying what the danger is")
    with transaction.atomic():
        outcome = own_held_recipient(user, outcome_id)
        if outcome is None:
            raise NotTheirs("no such held recipient among the messages you sent")
        made = decisions.releasing()
        outcome = decide(
            outcome.id,
            Decision.RELEASE_WITH_BANNER,
            by=_name(user),
            note=f"{EMERGENCY_NOTE}:\n{note}",
            sealer=made.sealer,
            banner=made.banner_without_consent,  # no consent: an emergency
            internal_domains=made.internal_domains,
        )
        entry = LogbookEntry.objects.create(
            kind=LogbookKind.EMERGENCY,
            outcome=outcome,
            lawful_reason=LawfulReason.RISK,
            note=note,
            person_told=None,
            decided_by=user,
            flagged_for_review=True,
        )
        told = emergency_notice.tell_managers(
            entry_id=entry.id,
            released_by=_name(user),
            recipient=outcome.recipient,
            rules=list(outcome.rules),
            message_id=outcome.message_id,
            at=datetime.now(UTC),
        )
        _audit(
            "emergency_release",
            user,
            entry,
            rules=list(outcome.rules),
            managers_told=told,
        )
    log.log(
        logging.WARNING if told == 0 else logging.INFO,
        "emergency release: logbook entry=%s outcome=%s message=%s managers told=%d",
        entry.id, outcome.id, outcome.message_id, told,
    )  # fmt: skip
    return entry, told


def review_emergency(
    entry_id: int,
    *,
    user: Any,
    finding: ReviewOutcome,
    note: str,
    subjects: Sequence[Subject],
    person_told: bool,
    why_not_told: str = "",
) -> LogbookEntry:
    """A manager's review of an entry flagged for it: the release was justified, or it was a
    breach. The manager also records the subjects concerned and whether the person was told;
    an entry is reviewed once."""
    _require_manager(user)
    if finding == ReviewOutcome.NOT_REVIEWED:
        raise DecisionRefused("say whether the release was justified or a breach")
    _require_why_not_told(person_told, why_not_told)
    if not note.strip():
        raise DecisionRefused("a review needs a note saying why")
    with transaction.atomic():
        entry = LogbookEntry.objects.select_for_update().filter(id=entry_id).first()
        if entry is None:
            raise DecisionRefused("there is no such logbook entry")
        if not entry.flagged_for_review:
            done = entry.get_review_outcome_display() if entry.reviewed_by_id else "not flagged"
            raise DecisionRefused(f"this entry is not waiting for a review ({done})")
        entry.flagged_for_review = False
        entry.review_outcome = finding
        entry.review_note = note
        entry.reviewed_by = user
        entry.reviewed_at = datetime.now(UTC)
        entry.person_told = person_told
        entry.why_not_told = "" if person_told else why_not_told
        entry.save()
        entry.subjects.set(subjects)
        _audit(
            "review_emergency_release",
            user,
            entry,
            finding=str(finding),
            subjects=sorted(subject.ref for subject in subjects),
        )
    return entry


def record_breach(
    *,
    user: Any,
    happened_at: datetime,
    lawful_reason: LawfulReason | None,
    who_decided: str,
    note: str,
    subjects: Sequence[Subject],
    person_told: bool,
    why_not_told: str = "",
    reference: str = "",
) -> LogbookEntry:
    """A manager records a breach of confidentiality that did not pass through a decision
    in confide (found later): when, on what lawful reason if any, who decided, the subjects,
    whether the person was told and why not, and where it happened."""
    _require_manager(user)
    _require_why_not_told(person_told, why_not_told)
    if not note.strip():
        raise DecisionRefused("a breach needs a note saying what was disclosed and to whom")
    if not who_decided.strip():
        raise DecisionRefused("say who decided to disclose it")
    if not subjects:
        raise DecisionRefused("name at least one subject the breach concerns")
    if happened_at > datetime.now(UTC):
        raise DecisionRefused("a breach cannot have happened in the future")
    if happened_at < EARLIEST_BREACH:
        raise DecisionRefused(f"a breach is dated {EARLIEST_BREACH:%Y} or later")
    with transaction.atomic():
        entry = LogbookEntry.objects.create(
            kind=LogbookKind.BREACH,
            reference=reference,
            lawful_reason=lawful_reason or "",
            note=note,
            person_told=person_told,
            why_not_told="" if person_told else why_not_told,
            decided_by=user,
            who_decided=who_decided,
            decided_at=happened_at,
        )
        entry.subjects.set(subjects)
        _audit(
            "record_breach",
            user,
            entry,
            lawful_reason=str(lawful_reason or ""),
            subjects=sorted(subject.ref for subject in subjects),
        )
    return entry


def _require_manager(user: Any) -> None:
    if not is_manager(user):
        raise DecisionRefused("only a manager may do this")


def _require_why_not_told(person_told: bool, why_not_told: str) -> None:
    if not person_told and not why_not_told.strip():
        raise DecisionRefused("say why the person was not told (the logbook records it)")


def _name(user: Any) -> str:
    return str(user.get_username())


def _audit(action: str, user: Any, entry: LogbookEntry, **details: Any) -> None:
    audit.append(
        [
            audit.Event(
                kind=action,
                actor=_name(user),
                message_id=entry.outcome.message_id if entry.outcome else None,
                outcome_id=entry.outcome_id,
                details={"logbook_entry": entry.id, "kind": str(entry.kind), **details},
            )
        ]
    )
