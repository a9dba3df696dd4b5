"""One stored message through the scanner: findings, a verdict per recipient, the copies to
send and the notice to the sender, all recorded in one transaction.

This runs in scanning worker processes (``start_worker`` loads the model once per process);
the relay's event loop only hands out message ids. Anything that goes wrong with the message
itself ends as a hold; only our own outage (the database, the workers) leaves it to retry.
Every retry is a claim that counts an attempt, so even a failure we did not foresee, one
that repeats on every try, ends as a hold rather than a retry every few seconds for ever.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction

from gateway.config import Settings
from gateway.consent_book import DjangoConsentBook
from gateway.relay import spool
from gateway.relay.delivery import DELIVERY_LEASE, Outbound
from gateway.relay.models import (
    Copy,
    CopyKind,
    Delivery,
    Message,
    MessageState,
    Outcome,
    ReviewState,
)
from gateway.relay.notices import HeldRecipient, hold_notice
from gateway.sealing import Sealer
from scanner.attribution import Sender
from scanner.decision import MatcherCache, Organisation, judge
from scanner.extract import UNKNOWN_KIND, UnsupportedType
from scanner.policy.engine import Verdict
from scanner.policy.rules import Policy, load_policy
from scanner.redaction import removals
from scanner.scanning import Scanner, ScanResult
from scanner.segments import Extraction
from scanner.transform import (
    Banner,
    Removal,
    TransformError,
    load_banner,
    received_field,
    redacted,
    with_banner,
    with_headers,
)
from scanner.unscannable import kinds as unscannable_kinds

log = logging.getLogger("confide.relay")

# A message whose scan killed its worker (or failed) this many times is held unscanned.
MAX_SCAN_ATTEMPTS = 3
# After this many attempts in all, a message is held as it is: not scanned, judged or
# transformed, and its hold notice does not read it (whatever kept failing is skipped).
MAX_ATTEMPTS = MAX_SCAN_ATTEMPTS + 2
CANNOT_PROCESS = "cannot-process"
CANNOT_TRANSFORM = "cannot-transform"
REDACTION_CHECK = "redaction-check"
REASON_FOR_OUTSIDERS = "it may disclose personal information, so the organisation reviews it"
NOTICE_NOT_BUILT = "the sender could not be told: a notice cannot be written to their address"
REDACTION_CHECK_REASON = (
    "its redacted copy, checked again, still held personal data that had to be removed"
)


@dataclass
class Pipeline:
    """Everything a worker needs to process messages, built once per process."""

    scanner: Scanner
    policy: Policy
    book: DjangoConsentBook
    matchers: MatcherCache
    organisation: Organisation
    organisation_name: str
    banner: Banner
    sealer: Sealer
    node: str
    hostname: str
    notice_from: str

    @classmethod
    def from_settings(cls, settings: Settings, scanner: Scanner) -> Pipeline:
        organisation = settings.organisation
        return cls(
            scanner=scanner,
            policy=load_policy(organisation.policy),
            book=DjangoConsentBook(),
            matchers=MatcherCache(),
            organisation=Organisation(tuple(organisation.internal_domains)),
            organisation_name=organisation.name,
            banner=load_banner(organisation.banner, organisation.name or "the sender"),
            sealer=Sealer.from_key_file(key_file(settings)),
            node=node_name(settings),
            hostname=hostname(settings),
            notice_from=notice_from(settings),
        )


def key_file(settings: Settings) -> Path:
    return settings.relay.key_file or settings.data_dir / "confide.key"


def node_name(settings: Settings) -> str:
    return settings.relay.node or socket.gethostname()


def hostname(settings: Settings) -> str:
    return settings.relay.hostname or socket.getfqdn()


def notice_from(settings: Settings) -> str:
    if settings.relay.notice_from:
        return settings.relay.notice_from
    domains = settings.organisation.internal_domains
    return f"postmaster@{domains[0] if domains else hostname(settings)}"


class NotOurs(Exception):
    """The message is done, or another node holds it (this node's lease lapsed)."""


def process(pipeline: Pipeline, message: spool.Received | uuid.UUID) -> list[Outbound]:
    """Scan, decide and prepare copies for a message this node has claimed: the one just
    received, handed over as it is, or one read from the database by its id. Returns the
    copies to send, their deliveries claimed by this node.

    Raises ``NotOurs`` if the message is not this node's to process (any more).
    """
    now = datetime.now(UTC)
    if isinstance(message, uuid.UUID):
        found = spool.claimed(pipeline.sealer, message, pipeline.node, now)
        if found is None:
            raise NotOurs(str(message))
        message = found
    if message.scan_attempts > MAX_ATTEMPTS:
        outbound = _record(pipeline, message, _held_as_it_is(pipeline, message))
        log.warning("held unprocessed id=%s attempts=%d", message.id, message.scan_attempts)
        return outbound
    raw = message.content
    result = _scan(pipeline, message, raw)
    verdicts = _judge(pipeline, message, result, message.recipients, now)
    plan = _plan(pipeline, message, result, verdicts, now=now)
    outbound = _record(pipeline, message, plan)
    log.info(  # ids, counts and rule names only: never an address or content
        "processed id=%s bytes=%d recipients=%s rules=%s findings=%s seconds=%.2f",
        message.id,
        len(raw),
        ",".join(f"{a}:{n}" for a, n in sorted(Counter(o.action for o in plan.outcomes).items())),
        ",".join(sorted({rule for o in plan.outcomes for rule in o.rules})) or "-",
        ",".join(f"{t}:{n}" for t, n in sorted(Counter(f.type for f in result.findings).items()))
        or "-",
        (datetime.now(UTC) - now).total_seconds(),
    )
    return outbound


def _held_as_it_is(pipeline: Pipeline, message: spool.Received) -> _Plan:
    """Every recipient held, for a message that failed to be processed ``MAX_ATTEMPTS``
    times; the notice names no subject, so that it need not read the message."""
    reason = (
        f"confide could not process it ({message.scan_attempts - 1} attempts failed), "
        "so it was not checked"
    )
    outcomes = [
        Outcome(
            message_id=message.id,
            recipient=address,
            action="hold",
            rules=[CANNOT_PROCESS],
            reasons=[reason],
            review_state=ReviewState.HELD,
        )
        for address in dict.fromkeys(message.recipients)
    ]
    return _Plan(outcomes, _notices(pipeline, message, b"", outcomes))


def _judge(
    pipeline: Pipeline,
    message: spool.Received,
    result: ScanResult,
    recipients: Sequence[str],
    now: datetime,
) -> dict[str, Verdict]:
    return judge(
        result,
        recipients,
        sender=Sender(message.mail_from),
        policy=pipeline.policy,
        book=pipeline.book,
        matcher=pipeline.matchers.get(pipeline.book),
        organisation=pipeline.organisation,
        at=now,
    )


def _scan(pipeline: Pipeline, message: spool.Received, raw: bytes) -> ScanResult:
    if message.scan_attempts > MAX_SCAN_ATTEMPTS:
        reason = f"scanning it stopped a worker {message.scan_attempts - 1} times"
        return ScanResult(Extraction(UNKNOWN_KIND, unscannable=(reason,)), ())
    try:
        return pipeline.scanner.scan_message(raw)
    except UnsupportedType as exc:
        return ScanResult(Extraction(UNKNOWN_KIND, unscannable=(f"the message is {exc}",)), ())


@dataclass
class _Plan:
    outcomes: list[Outcome]
    copies: list[tuple[Copy, bytes, list[str]]]  # each copy, its content and its recipients


def _plan(
    pipeline: Pipeline,
    message: spool.Received,
    result: ScanResult,
    verdicts: dict[str, Verdict],
    *,
    now: datetime,
) -> _Plan:
    raw = message.content
    outcomes: list[Outcome] = []
    by_content: dict[tuple[str, tuple[Removal, ...], bool], list[str]] = {}
    for address, verdict in verdicts.items():
        removals = _removals(pipeline.policy, result, verdict)
        outcome = Outcome(
            message_id=message.id,
            recipient=address,
            action=verdict.action,
            rules=list(verdict.rules),
            reasons=list(verdict.reasons),
            not_fired=list(verdict.not_fired),
        )
        outcomes.append(outcome)
        if verdict.action != "hold":
            by_content.setdefault((verdict.action, removals, verdict.banner), []).append(address)
    copies: list[tuple[Copy, bytes, list[str]]] = []
    for (action, removals, banner), group in by_content.items():
        try:
            content = _content(pipeline, raw, action, removals, banner)
        except TransformError as exc:
            _hold(outcomes, group, CANNOT_TRANSFORM, str(exc))
            continue
        exposed = _still_exposed(pipeline, message, content, group, now) if removals else []
        _hold(outcomes, exposed, REDACTION_CHECK, REDACTION_CHECK_REASON)
        addresses = [a for a in group if a not in exposed]
        if not addresses:
            continue
        client, received_at = Message.objects.values_list("client_address", "received_at").get(
            id=message.id
        )
        trace = received_field(
            client_address=client,
            hostname=pipeline.hostname,
            confide_id=str(message.id),
            at=received_at,
        )
        headers = confide_headers(message.id, action, result.extraction.unscannable)
        content = with_headers(content, [trace, *headers])
        copy = Copy(
            message_id=message.id,
            kind=action,
            mail_from=message.mail_from,
            sealed=pipeline.sealer.seal(content),
        )
        copies.append((copy, content, addresses))
    held = [o for o in outcomes if o.action == "hold"]
    for outcome in held:
        outcome.review_state = ReviewState.HELD
    return _Plan(outcomes, copies + _notices(pipeline, message, raw, held))


def _hold(outcomes: list[Outcome], addresses: Sequence[str], rule: str, reason: str) -> None:
    """Turn the outcomes for ``addresses`` into holds, adding the rule and reason."""
    for outcome in outcomes:
        if outcome.recipient in addresses:
            outcome.action = "hold"
            outcome.rules = [*outcome.rules, rule]
            outcome.reasons = [*outcome.reasons, reason]


def _still_exposed(
    pipeline: Pipeline,
    message: spool.Received,
    content: bytes,
    addresses: Sequence[str],
    now: datetime,
) -> list[str]:
    """The safety net, independent of how the copy was made: the finished redacted copy is
    scanned and judged afresh, as if it had just arrived, and every address for which it
    still holds something to remove, or would be held, is returned."""
    verdicts = _judge(pipeline, message, pipeline.scanner.scan_message(content), addresses, now)
    return [a for a, v in verdicts.items() if v.action == "hold" or v.redactions]


def _removals(policy: Policy, result: ScanResult, verdict: Verdict) -> tuple[Removal, ...]:
    return removals(result.extraction, verdict.redactions, policy.label)


def _content(
    pipeline: Pipeline, raw: bytes, action: str, removals: Sequence[Removal], banner: bool
) -> bytes:
    content = raw
    if action == "redact":
        content = redacted(content, removals, pipeline.scanner.pool.limits)
    if action == "banner" or banner:
        content = with_banner(content, pipeline.banner)
    return content


def confide_headers(
    message_id: uuid.UUID, action: str, unscannable: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """confide's own fields; a copy with parts that could not be scanned (sent because the
    rules allow it, as to internal recipients) says what kind of problem it was, no more."""
    headers = [
        ("X-Confide-Processed", "yes"),
        ("X-Confide-Id", str(message_id)),
        ("X-Confide-Verdict", action),
    ]
    if unscannable:
        headers.append(("X-Confide-Unscanned", ", ".join(unscannable_kinds(unscannable))))
    return headers


def _is_internal(address: str, internal_domains: Sequence[str]) -> bool:
    domain = address.rpartition("@")[2].lower()
    return any(domain == d.lower() or domain.endswith("." + d.lower()) for d in internal_domains)


def _notices(
    pipeline: Pipeline, message: spool.Received, raw: bytes, held: list[Outcome]
) -> list[tuple[Copy, bytes, list[str]]]:
    """The hold notice to the sender, when anything is held and there is a sender to tell.

    A notice that cannot be built (a sender's address the email package refuses to write)
    must not stop the copies for everyone else: the held recipients' outcomes say that the
    sender was not told, for the manager who reviews them, and a warning names the message.
    """
    if not held or not message.mail_from:
        return []
    try:
        copy, content = _notice(pipeline, message, raw, held)
    except Exception as exc:  # noqa: BLE001 - whatever the builder raises, the copies go on
        log.warning("hold notice not built id=%s error=%s", message.id, type(exc).__name__)
        for outcome in held:
            outcome.reasons = [*outcome.reasons, NOTICE_NOT_BUILT]
        return []
    return [(copy, content, [message.mail_from])]


def _notice(
    pipeline: Pipeline, message: spool.Received, raw: bytes, held: list[Outcome]
) -> tuple[Copy, bytes]:
    """The notice; to a sender outside the organisation it names neither the subject nor the
    reasons, which could disclose what was held and who is in the consent register."""
    internal = _is_internal(message.mail_from, pipeline.organisation.internal_domains)
    content = hold_notice(
        original=raw if internal else b"",
        sender=message.mail_from,
        held=[
            HeldRecipient(o.recipient, tuple(o.reasons) if internal else (REASON_FOR_OUTSIDERS,))
            for o in held
        ],
        organisation=pipeline.organisation_name,
        from_address=pipeline.notice_from,
        confide_id=str(message.id),
        at=datetime.now(UTC),
        hostname=pipeline.hostname,
        others_not_held=len(held) < len(message.recipients),
    )
    copy = Copy(
        message_id=message.id,
        kind=CopyKind.NOTICE,
        mail_from="",
        sealed=pipeline.sealer.seal(content),
    )
    return copy, content


def _record(pipeline: Pipeline, message: spool.Received, plan: _Plan) -> list[Outbound]:
    """Record the outcomes and copies, and mark the message processed, if it is still this
    node's; the deliveries are created claimed by this node, which sends them next."""
    now = datetime.now(UTC)
    with transaction.atomic():
        finished = Message.objects.filter(
            id=message.id, state=MessageState.RECEIVED, claimed_by=pipeline.node
        ).update(state=MessageState.PROCESSED, processed_at=now, claimed_by="", claimed_until=None)
        if not finished:
            raise NotOurs(str(message.id))
        Outcome.objects.bulk_create(plan.outcomes)
        copies = Copy.objects.bulk_create(copy for copy, _, _ in plan.copies)
        outbound = [
            Outbound(
                copy,
                content,
                [
                    Delivery(
                        copy=copy,
                        recipient=address,
                        claimed_by=pipeline.node,
                        claimed_until=now + DELIVERY_LEASE,
                    )
                    for address in addresses
                ],
            )
            for copy, (_, content, addresses) in zip(copies, plan.copies, strict=True)
        ]
        Delivery.objects.bulk_create(d for copy in outbound for d in copy.deliveries)
    return outbound
