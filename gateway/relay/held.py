"""Held recipients and a manager's decision on them: the review state machine.

A recipient whose verdict is ``hold`` starts ``held``. A manager either releases it, marked
CONFIDENTIAL or redacted (a copy is queued for delivery), or rejects it; both are final and
record who decided, when and why. A redacted copy is made by the relay's own core
(``redacted_copy``, before the decision is taken: it scans the message twice) and refused,
the recipient left held, when the core's safety net would not let it go. What cannot be
stamped (a password-protected PDF) can be released with the banner in the subject and body
only, its documents as they are; the note records which documents went unmarked and why. The
review web app calls ``decide``; it does not touch the tables.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, datetime

from django.db import transaction

from gateway.relay import spool
from gateway.relay.models import Copy, CopyKind, Delivery, Outcome, ReviewState
from gateway.relay.pipeline import Pipeline
from gateway.relay.processing import redacted_release
from gateway.sealing import Sealer
from scanner.actions import Action
from scanner.domains import is_internal
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
    # Every finding removed, as the relay removes them; made by ``redacted_copy``.
    RELEASE_REDACTED = "release_redacted"
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
    redacted: bytes | None = None,
    internal_domains: Sequence[str] = (),
) -> Outcome:
    """Record a manager's decision on one held recipient, queuing the copy if released
    (for ``RELEASE_REDACTED``, the ``redacted`` copy ``redacted_copy`` made). A recipient
    outside ``internal_domains`` (any recipient, when none are given) gets a copy with only
    the fields an outside recipient may see (``scanner.transform.with_headers``)."""
    if decision is Decision.RELEASE_REDACTED and redacted is None:
        raise DecisionRefused("a redacted release needs the redacted copy confide made")
    if not by.strip():
        raise DecisionRefused("a decision needs the name of the manager taking it")
    if not note.strip():
        raise DecisionRefused("a decision needs a note saying why")
    with transaction.atomic():
        outcome = Outcome.objects.select_for_update().select_related("message").get(id=outcome_id)
        _require_held(outcome)
        if decision is Decision.REJECT:
            outcome.review_state = ReviewState.REJECTED
        elif decision is Decision.RELEASE_REDACTED:
            assert redacted is not None  # refused above
            _queue_copy(outcome, sealer, CopyKind.REDACT, redacted, internal_domains)
            outcome.review_state = ReviewState.RELEASED
        else:
            left_unmarked = _queue_release(outcome, sealer, banner, decision, internal_domains)
            outcome.review_state = ReviewState.RELEASED
            if left_unmarked:
                note = f"{note}\n\n{LEFT_UNMARKED}: {'; '.join(left_unmarked)}"
        outcome.decided_by = by
        outcome.decided_at = datetime.now(UTC)
        outcome.decision_note = note
        outcome.save()
    return outcome


def redacted_copy(outcome_id: int, pipeline: Pipeline, sealer: Sealer) -> bytes:
    """The held recipient's copy with every finding removed, made and checked by the relay's
    core (``sealer`` opens the stored message); ``DecisionRefused`` says why when the core
    would not let it go."""
    outcome, received = held_as_received(outcome_id, sealer)
    made = redacted_release(pipeline, received, outcome.recipient)
    if made.content is None:
        raise DecisionRefused(f"it cannot be released redacted: {made.refused}")
    return made.content


def held_as_received(outcome_id: int, sealer: Sealer) -> tuple[Outcome, spool.Received]:
    """The held recipient and its message as the relay received it (``sealer`` opens it);
    ``DecisionRefused`` when the recipient is no longer held."""
    outcome = Outcome.objects.select_related("message").get(id=outcome_id)
    _require_held(outcome)
    message = outcome.message
    received = spool.Received(
        message.id,
        message.mail_from,
        list(message.recipients),
        sealer.unseal(bytes(message.sealed)),
        message.scan_attempts,
    )
    return outcome, received


def _require_held(outcome: Outcome) -> None:
    if outcome.review_state == ReviewState.HELD:
        return
    if not outcome.decided_by:
        raise DecisionRefused("this recipient is not held, so there is nothing to decide")
    # Another manager got here first (their lock made this one wait): say who.
    raise DecisionRefused(
        f"this recipient was already {outcome.review_state} by {outcome.decided_by}, "
        "so there is nothing to decide"
    )


def _queue_release(
    outcome: Outcome,
    sealer: Sealer,
    banner: Banner,
    decision: Decision,
    internal_domains: Sequence[str],
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
    _queue_copy(outcome, sealer, CopyKind.BANNER, marked.content, internal_domains)
    return marked.left_unmarked


def _queue_copy(
    outcome: Outcome,
    sealer: Sealer,
    kind: CopyKind,
    content: bytes,
    internal_domains: Sequence[str],
) -> None:
    """Queue ``content`` for the recipient, with confide's own fields saying what it is."""
    message = outcome.message
    internal = is_internal(outcome.recipient, internal_domains)
    headers = confide_headers(str(message.id), Action(kind.value), outcome.rules, internal=internal)
    copy = Copy.objects.create(
        message=message,
        kind=kind,
        mail_from=message.mail_from,
        sealed=sealer.seal(with_headers(content, headers, internal=internal)),
    )
    Delivery.objects.create(copy=copy, recipient=outcome.recipient)
