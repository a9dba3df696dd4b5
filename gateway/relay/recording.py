"""What processing a message leaves in the database, in one transaction: an outcome for each
recipient, the copies (stamped with the trace field and confide's own fields, and sealed)
with their deliveries claimed by this node, and the message marked processed; all only while
this node still holds the message."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from gateway import rows
from gateway.register.models import Subject
from gateway.relay.delivery import Outbound
from gateway.relay.leases import DELIVERY_LEASE
from gateway.relay.models import Copy, Delivery, Message, MessageState, Outcome, ReviewState
from gateway.relay.pipeline import Pipeline
from gateway.relay.spool import Received
from gateway.review import audit
from gateway.review.models import ScanRecord
from scanner.actions import Action
from scanner.domains import is_internal
from scanner.outcome import PlannedCopy
from scanner.policy.verdicts import Verdict
from scanner.transform import confide_headers, received_field, with_headers

type Copies = list[tuple[Copy, bytes, list[str]]]  # each copy, its content and its recipients


@dataclass(frozen=True)
class KeptScan:
    """A held message's scan record, sealed, and the register refs of the subjects it is
    about (listed unsealed, so that a subject's page finds the held items about them)."""

    sealed: bytes
    subject_refs: Sequence[str] = ()


class NotOurs(Exception):
    """The message is done, or another node holds it (this node's lease lapsed)."""


def outcomes(message_id: uuid.UUID, verdicts: Mapping[str, Verdict]) -> list[Outcome]:
    """An outcome for each recipient; a held one waits for a manager."""
    return [
        Outcome(
            message_id=message_id,
            recipient=address,
            action=verdict.action,
            rules=list(verdict.rules),
            reasons=list(verdict.reasons),
            not_fired=list(verdict.not_fired),
            review_state=ReviewState.HELD
            if verdict.action == Action.HOLD
            else ReviewState.NOT_HELD,
        )
        for address, verdict in verdicts.items()
    ]


def stamped(
    pipeline: Pipeline,
    message: Received,
    planned: Sequence[PlannedCopy],
    unscannable: Sequence[str],
) -> Copies:
    """The planned copies with the trace field and confide's own fields on top, sealed; a
    copy of a message with parts that could not be read says what kind of problem it was.
    A planned copy is made twice when it goes to both: once for the organisation's own
    recipients, as it came and with the rules that fired, and once for everyone else, with
    only the fields an outside recipient may see (``scanner.transform.with_headers``).
    The trace field gives where and when the message was received: as handed over with it,
    or read from its row."""
    if not planned:
        return []
    message_id, mail_from = message.id, message.mail_from
    client, received_at = message.origin or Message.objects.values_list(
        "client_address", "received_at"
    ).get(id=message_id)
    confide_id = str(message_id)
    trace = received_field(
        client_address=client, hostname=pipeline.hostname, confide_id=confide_id, at=received_at
    )
    domains = pipeline.organisation.internal_domains
    copies = []
    for copy in planned:
        for internal in (True, False):
            recipients = [a for a in copy.recipients if is_internal(a, domains) is internal]
            if not recipients:
                continue
            ours = confide_headers(
                confide_id, copy.action, copy.rules, unscannable, internal=internal
            )
            content = with_headers(copy.content, [trace, *ours], internal=internal)
            sealed = pipeline.sealer.seal(content)
            made = Copy(message_id=message_id, kind=copy.action, mail_from=mail_from, sealed=sealed)
            copies.append((made, content, recipients))
    return copies


def record(
    node: str,
    message_id: uuid.UUID,
    outcomes: list[Outcome],
    copies: Copies,
    scan_record: KeptScan | None = None,
    *,
    lease: timedelta = DELIVERY_LEASE,
) -> list[Outbound]:
    """Record the outcomes and copies, and mark the message processed, if it is still
    ``node``'s; the deliveries are created claimed by ``node`` (for ``lease``), which sends
    them next. Each
    verdict goes into the audit trail; ``scan_record`` (sealed, see ``ScanRecord``) is kept
    for the manager who reviews a held message, linked to the subjects it is about.

    One statement for each kind of row (``gateway.rows``: the ORM's statement building
    cost more CPU than the statements), the rows made before the transaction, so that on
    SQLite the only write lock is held for the statements alone.

    Raises ``NotOurs`` when it is not.
    """
    now = datetime.now(UTC)
    outbound = [
        Outbound(
            copy,
            content,
            [
                Delivery(recipient=address, claimed_by=node, claimed_until=now + lease)
                for address in addresses
            ],
        )
        for copy, content, addresses in copies
    ]
    with transaction.atomic():
        finished = rows.update(
            Message,
            {"id": message_id, "state": MessageState.RECEIVED, "claimed_by": node},
            {
                "state": MessageState.PROCESSED,
                "processed_at": now,
                "claimed_by": "",
                "claimed_until": None,
            },
        )
        if not finished:
            raise NotOurs(str(message_id))
        rows.insert_objects(outcomes)
        if scan_record is not None:
            (kept,) = rows.insert(
                ScanRecord, [{"message_id": message_id, "sealed": scan_record.sealed}]
            )
            _link_subjects(kept, scan_record.subject_refs)
        audit.append(verdict_events(message_id, outcomes))
        rows.insert_objects([each.copy for each in outbound])
        for each in outbound:
            for delivery in each.deliveries:
                delivery.copy = each.copy  # its id, now that it has one
        rows.insert_objects([d for each in outbound for d in each.deliveries])
    return outbound


def _link_subjects(kept: int, refs: Sequence[str]) -> None:
    """List the subjects of ``refs`` on the scan record ``kept``, just made: one INSERT of
    those found (a new record has no links to look for first, as ``subjects.set`` would)."""
    if not refs:
        return
    link = ScanRecord.subjects.through
    into = ", ".join([rows.column(link, "scanrecord"), rows.column(link, "subject")])
    found = f"{rows.column(Subject, 'ref')} IN ({', '.join(['%s'] * len(refs))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {rows.table(link)} ({into}) "  # noqa: S608  # names from the models
            f"SELECT %s, {rows.column(Subject, 'id')} FROM {rows.table(Subject)} WHERE {found}",
            [kept, *(rows.prepared(Subject, "ref", ref) for ref in refs)],
        )


def verdict_events(message_id: uuid.UUID, outcomes: Sequence[Outcome]) -> list[audit.Event]:
    """The audit trail's entries for the verdicts: rules and actions, never addresses."""
    return [
        audit.Event(
            kind="verdict",
            actor="confide",
            message_id=message_id,
            outcome_id=outcome.id,
            details={"recipient": position, "action": outcome.action, "rules": outcome.rules},
        )
        for position, outcome in enumerate(outcomes, start=1)
    ]
