"""Held recipients and a manager's decision on them: the review state machine.

A recipient whose verdict is ``hold`` starts ``held``. A manager either releases it, marked
CONFIDENTIAL (a copy is queued for delivery), or rejects it; both are final and record who
decided, when and why. What cannot be stamped (a password-protected PDF) can be released with
the banner in the subject and body only, its documents as they are; the note records which
documents went unmarked and why. The review web app calls ``decide``; it does not touch the
tables.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from django.db import transaction

from gateway.relay.models import Copy, CopyKind, Delivery, Outcome, ReviewState
from gateway.sealing import Sealer
from scanner.actions import Action
from scanner.transform import (
    Banner,
    Marked,
    TransformError,
    confide_headers,
    with_banner,
    with_banner_where_possible,
    with_headers,
)

LEFT_UNMARKED = "Released with the banner in the message body only; documents sent as they were"


class Decision(enum.StrEnum):
    RELEASE_WITH_BANNER = "release_with_banner"
    # Documents that cannot be marked (an encrypted PDF) go as they are; the rest is marked.
    RELEASE_WITH_BANNER_IN_BODY = "release_with_banner_in_body"
    REJECT = "reject"


class DecisionRefused(Exception):
    """The decision cannot be taken; ``str()`` says why in plain words."""


def decide(
    outcome_id: int,
    decision: Decision,
    *,
    by: str,
    note: str,
    sealer: Sealer,
    banner: Banner,
) -> Outcome:
    """Record a manager's decision on one held recipient, queuing the copy if released."""
    if not by.strip():
        raise DecisionRefused("a decision needs the name of the manager taking it")
    if not note.strip():
        raise DecisionRefused("a decision needs a note saying why")
    with transaction.atomic():
        outcome = Outcome.objects.select_for_update().select_related("message").get(id=outcome_id)
        if outcome.review_state != ReviewState.HELD:
            if not outcome.decided_by:
                raise DecisionRefused("this recipient is not held, so there is nothing to decide")
            # Another manager got here first (their lock made this one wait): say who.
            raise DecisionRefused(
                f"this recipient was already {outcome.review_state} by {outcome.decided_by}, "
                "so there is nothing to decide"
            )
        if decision is Decision.REJECT:
            outcome.review_state = ReviewState.REJECTED
        else:
            left_unmarked = _queue_release(outcome, sealer, banner, decision)
            outcome.review_state = ReviewState.RELEASED
            if left_unmarked:
                note = f"{note}\n\n{LEFT_UNMARKED}: {'; '.join(left_unmarked)}"
        outcome.decided_by = by
        outcome.decided_at = datetime.now(UTC)
        outcome.decision_note = note
        outcome.save()
    return outcome


def _queue_release(
    outcome: Outcome, sealer: Sealer, banner: Banner, decision: Decision
) -> tuple[str, ...]:
    """Queue the released copy; returns why each document that went unmarked was left so."""
    message = outcome.message
    original = sealer.unseal(bytes(message.sealed))
    try:
        if decision is Decision.RELEASE_WITH_BANNER_IN_BODY:
            marked = with_banner_where_possible(original, banner)
        else:
            marked = Marked(with_banner(original, banner), ())
    except TransformError as exc:
        hint = ""
        if decision is Decision.RELEASE_WITH_BANNER:
            hint = "; it can be released with the banner in the message body only"
        raise DecisionRefused(f"it cannot be marked CONFIDENTIAL: {exc}{hint}") from None
    headers = confide_headers(str(message.id), Action.BANNER, outcome.rules)
    content = with_headers(marked.content, headers)
    copy = Copy.objects.create(
        message=message,
        kind=CopyKind.BANNER,
        mail_from=message.mail_from,
        sealed=sealer.seal(content),
    )
    Delivery.objects.create(copy=copy, recipient=outcome.recipient)
    return marked.left_unmarked
