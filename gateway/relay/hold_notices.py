"""The hold notice for a processed message: whether the sender is told, what the notice may
say to them, and the copy that carries it. ``notices.hold_notice`` writes its text."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from gateway.relay import spool
from gateway.relay.models import Copy, CopyKind, Outcome
from gateway.relay.notices import HeldRecipient, hold_notice
from gateway.relay.pipeline import Pipeline
from gateway.relay.recording import Copies
from gateway.review.links import item_link
from gateway.review.staff_reasons import reasons_for_staff
from scanner.domains import is_internal

log = logging.getLogger("confide.relay")

REASON_FOR_OUTSIDERS = "it may disclose personal information, so the organisation reviews it"
NOTICE_NOT_BUILT = "the sender could not be told: a notice cannot be written to their address"


def notices(
    pipeline: Pipeline,
    message: spool.Received,
    raw: bytes,
    held: Sequence[Outcome],
    refs: Collection[str] = (),
) -> Copies:
    """The hold notice to the sender, when anything is held and there is a sender to tell;
    ``refs`` are the register refs of the subjects the message's findings are tied to, which
    the notice never names (the register is the managers').

    A notice that cannot be built (a sender's address the email package refuses to write)
    must not stop the copies for everyone else: the held recipients' outcomes say that the
    sender was not told, for the manager who reviews them, and a warning names the message.
    """
    if not held or not message.mail_from:
        return []
    try:
        copy, content = _notice(pipeline, message, raw, held, refs)
    except Exception as exc:  # noqa: BLE001 - whatever the builder raises, the copies go on
        log.warning("hold notice not built id=%s error=%s", message.id, type(exc).__name__)
        for outcome in held:
            outcome.reasons = [*outcome.reasons, NOTICE_NOT_BUILT]
        return []
    return [(copy, content, [message.mail_from])]


def _notice(
    pipeline: Pipeline,
    message: spool.Received,
    raw: bytes,
    held: Sequence[Outcome],
    refs: Collection[str],
) -> tuple[Copy, bytes]:
    """The notice; to a sender outside the organisation it names neither the subject nor the
    reasons, which could disclose what was held and who is in the consent register, nor the
    review pages, where they cannot sign in. A sender inside gets the item's page (or, with
    no ``review.base_url``, is told to search for its reference there)."""
    internal = is_internal(message.mail_from, pipeline.organisation.internal_domains)
    content = hold_notice(
        original=raw if internal else b"",
        sender=message.mail_from,
        held=[
            HeldRecipient(
                o.recipient,
                tuple(reasons_for_staff(o.reasons, refs)) if internal else (REASON_FOR_OUTSIDERS,),
            )
            for o in held
        ],
        organisation=pipeline.organisation_name,
        from_address=pipeline.notice_from,
        confide_id=str(message.id),
        at=datetime.now(UTC),
        hostname=pipeline.hostname,
        others_not_held=len(held) < len(message.recipients),
        item_url=item_link(pipeline.review_base_url, message.id) if internal else None,
    )
    copy = Copy(
        message_id=message.id,
        kind=CopyKind.NOTICE,
        mail_from="",
        sealed=pipeline.sealer.seal(content),
    )
    return copy, content
