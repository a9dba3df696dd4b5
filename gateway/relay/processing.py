"""One stored message through the core: claim it, call the scanner (scan, judge, plan the
copies), and record what comes back (``recording``), with the notice to the sender.

This runs in scanning worker processes (``start_worker`` loads the model once per process);
the relay's event loop only hands out message ids. Anything that goes wrong with the message
itself ends as a hold; only our own outage (the database, the workers) leaves it to retry.
Every retry is a claim that counts an attempt, so even a failure we did not foresee, one
that repeats on every try, ends as a hold rather than a retry every few seconds for ever. The
exceptions are those that cannot be the message's doing (``spool``'s docstring): the message
could not be read back (``spool.NotRead``), its worker was stopped by a signal, or a worker
died while other messages were in the pool with it (it is scanned alone next).
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from gateway.relay import spool
from gateway.relay.delivery import Outbound
from gateway.relay.hold_notices import notices
from gateway.relay.pipeline import Pipeline
from gateway.relay.recording import KeptScan, NotOurs, outcomes, record, stamped
from gateway.review.scan_record import scan_record
from scanner.actions import Action
from scanner.attribution import Sender
from scanner.copying import PoolCopier
from scanner.deciding import checked_plan, decide
from scanner.extract import UNKNOWN_KIND, UnsupportedType
from scanner.filetype import FileType
from scanner.judging import judge
from scanner.outcome import PlannedOutcome
from scanner.policy.verdicts import Verdict
from scanner.scanning import ScanResult
from scanner.segments import Extraction
from scanner.unscannable import kinds as unscannable_kinds

log = logging.getLogger("confide.relay")

# A message whose scan killed its worker while alone in the pool (or failed) this many times
# is held unscanned.
MAX_SCAN_ATTEMPTS = 3
# After this many attempts in all, a message is held as it is: not scanned, judged or
# transformed, and its hold notice does not read it (whatever kept failing is skipped).
MAX_ATTEMPTS = MAX_SCAN_ATTEMPTS + 2
CANNOT_PROCESS = "cannot-process"


@dataclass(frozen=True)
class Processed:
    """A message processed: the copies to send, and the kinds of problem that kept parts of
    it from being read (``scanner.unscannable``'s fixed words, never the reasons, which
    may name files)."""

    outbound: list[Outbound]
    unscannable: tuple[str, ...] = ()


def process(pipeline: Pipeline, message: spool.Received | uuid.UUID) -> list[Outbound]:
    """Scan, decide and prepare copies for a message this node has claimed: the one just
    received, handed over as it is, or one read from the database by its id. Returns the
    copies to send, their deliveries claimed by this node.

    Raises ``NotOurs`` if the message is not this node's to process (any more).
    """
    return processed(pipeline, message).outbound


def processed(pipeline: Pipeline, message: spool.Received | uuid.UUID) -> Processed:
    """``process``, with the kinds of what could not be read in the message."""
    now = datetime.now(UTC)
    if isinstance(message, uuid.UUID):
        found = spool.claimed(pipeline.sealer, message, pipeline.node, now)
        if found is None:
            raise NotOurs(str(message))
        message = found
    if message.scan_attempts > MAX_ATTEMPTS:
        return Processed(_held_as_it_is(pipeline, message), ("scan-failed",))
    raw = message.content
    result = _scan(pipeline, message, raw)
    decided = decide(
        raw,
        result,
        message.recipients,
        sender=Sender(message.mail_from),
        policy=pipeline.policy,
        book=pipeline.book,
        matcher=pipeline.matchers.get(pipeline.book),
        organisation=pipeline.organisation,
        at=now,
        operator=pipeline.operators.of,
        copier=_copier(pipeline),
    )
    attribution, planned = decided.attribution, decided.planned
    unscannable = result.extraction.unscannable
    copies = stamped(pipeline, message, planned.copies, unscannable)
    recorded = outcomes(message.id, planned.verdicts)
    held = [o for o in recorded if o.action == Action.HOLD]
    about = sorted({ref for a in attribution.findings for ref in a.refs})
    copies += notices(pipeline, message, raw, held, about)
    kept = None
    if held:
        kept = KeptScan(pipeline.sealer.seal(scan_record(result, attribution)), about)
    outbound = record(
        pipeline.node, message.id, recorded, copies, kept, lease=pipeline.leases.delivery
    )
    log.info(  # ids, counts and rule names only: never an address or content
        "processed id=%s bytes=%d recipients=%s rules=%s findings=%s seconds=%.2f",
        message.id,
        len(raw),
        ",".join(f"{a}:{n}" for a, n in sorted(Counter(o.action for o in recorded).items())),
        ",".join(sorted({rule for o in recorded for rule in o.rules})) or "-",
        ",".join(f"{t}:{n}" for t, n in sorted(Counter(f.type for f in result.findings).items()))
        or "-",
        (datetime.now(UTC) - now).total_seconds(),
    )
    return Processed(outbound, unscannable_kinds(unscannable))


@dataclass(frozen=True)
class RedactedRelease:
    """The copy of a held message a manager releases redacted to one recipient, or, when it
    cannot be made safely, why not (``content`` is None then)."""

    content: bytes | None
    refused: str = ""


def redacted_release(
    pipeline: Pipeline, message: spool.Received, recipient: str
) -> RedactedRelease:
    """The message for ``recipient`` with every finding removed, made as the relay makes its
    own redacted copies (``plan``: the redaction operators, the transforms, and the safety
    net that scans and judges the finished copy afresh). It is refused when the message
    cannot be read in full, when nothing in it can be removed, when the copy cannot be made
    (``cannot-transform``) and when the safety net finds it still holds something to remove
    or to hold (``redaction-check``)."""
    now = datetime.now(UTC)
    result = _scan(pipeline, message, message.content)
    if result.extraction.unscannable:
        unread = "; ".join(result.extraction.unscannable)
        return RedactedRelease(
            None,
            f"part of it could not be read ({unread}), so confide "
            "cannot tell what a redacted copy would still hold",
        )
    if not result.findings:
        return RedactedRelease(
            None,
            "confide found nothing in it to remove, so a redacted "
            "copy would be the message as sent",
        )
    everything = Verdict(Action.REDACT, redactions=tuple(sorted(result.findings)))
    planned = _planned(pipeline, message, result, {recipient: everything}, now)
    final = planned.verdicts[recipient]
    if final.action == Action.HOLD:
        return RedactedRelease(None, f"{final.reasons[-1]} (rule {final.rules[-1]})")
    (copy,) = planned.copies
    return RedactedRelease(copy.content)


def scanned(pipeline: Pipeline, message: spool.Received) -> ScanResult:
    """The message scanned afresh, as the relay scans it."""
    return _scan(pipeline, message, message.content)


def verdict_now(
    pipeline: Pipeline, message: spool.Received, result: ScanResult, recipient: str
) -> Verdict:
    """The verdict the relay would give ``recipient`` now, judging ``result`` (``scanned``)
    with the register as this transaction sees it: a consent just recorded counts."""
    verdicts = judge(
        result,
        [recipient],
        sender=Sender(message.mail_from),
        policy=pipeline.policy,
        book=pipeline.book,
        matcher=pipeline.matchers.get(pipeline.book),
        organisation=pipeline.organisation,
        at=datetime.now(UTC),
    )
    return verdicts[recipient]


def _planned(
    pipeline: Pipeline,
    message: spool.Received,
    result: ScanResult,
    verdicts: dict[str, Verdict],
    now: datetime,
) -> PlannedOutcome:
    """The copies to make for ``verdicts``, each redacted copy checked by the safety net."""
    return checked_plan(
        message.content,
        result,
        verdicts,
        sender=Sender(message.mail_from),
        policy=pipeline.policy,
        book=pipeline.book,
        matcher=pipeline.matchers.get(pipeline.book),
        organisation=pipeline.organisation,
        at=now,
        operator=pipeline.operators.of,
        copier=_copier(pipeline),
    )


def _copier(pipeline: Pipeline) -> PoolCopier:
    """Each copy made and read for the safety net in one task of the worker's own sandboxed
    worker, read as a message as the relay reads mail: the copy is extracted afresh there,
    and each of its segments is checked against the message it was made from and read by
    the model only where something is odd (``scanner.outcome.net_readings``).
    A copy lost with that worker (``WorkerLost``) fails the message's processing, which is
    tried again as for any outage of ours (another attempt counted)."""
    return PoolCopier(pipeline.scanner.pool, pipeline.transforms, FileType.EMAIL)


def _held_as_it_is(pipeline: Pipeline, message: spool.Received) -> list[Outbound]:
    """Every recipient held, for a message that failed to be processed ``MAX_ATTEMPTS``
    times; the notice names no subject, so that it need not read the message."""
    failed = message.scan_attempts - 1
    reason = f"confide could not process it ({failed} attempts failed), so it was not checked"
    verdict = Verdict(Action.HOLD, (CANNOT_PROCESS,), (reason,))
    held = outcomes(message.id, dict.fromkeys(message.recipients, verdict))
    outbound = record(
        pipeline.node,
        message.id,
        held,
        notices(pipeline, message, b"", held),
        lease=pipeline.leases.delivery,
    )
    log.warning("held unprocessed id=%s attempts=%d", message.id, message.scan_attempts)
    return outbound


def _scan(pipeline: Pipeline, message: spool.Received, raw: bytes) -> ScanResult:
    if message.scan_attempts > MAX_SCAN_ATTEMPTS:
        reason = (
            f"scanning it was cut short {message.scan_attempts - 1} times (a scanning worker "
            "or the whole relay stopped while reading it)"
        )
        return ScanResult(Extraction(UNKNOWN_KIND, unscannable=(reason,)), ())
    try:
        return pipeline.scanner.scan_message(raw)
    except UnsupportedType as exc:
        return ScanResult(Extraction(UNKNOWN_KIND, unscannable=(f"the message is {exc}",)), ())
