"""A manager's actions on one held recipient, each in one transaction with its audit entry:
release with the banner, release redacted, reject, release as an exception (a logbook entry),
and record consent and release. The copy is made by ``gateway.relay.held``; views and
commands call these functions and never touch the tables themselves.

The sender is told the outcome of every decision by email: not sent, with the manager's
note; or released, to whom and how, with the note, except for an exception. An exception's
note is the manager's reasoning for breaking confidentiality (suspected abuse, a police
enquiry, a person's capacity): it belongs in the logbook, and the sender, who may be the
person concerned or close to them, is told only that the policy's grounds were used."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from gateway.config import load_settings
from gateway.register.models import Agency, Consent, ConsentMethod, Subject, join_known_scopes
from gateway.relay import processing
from gateway.relay.held import (
    Decision,
    DecisionRefused,
    decide,
    held_as_received,
    redacted_copy,
)
from gateway.relay.models import Copy, CopyKind, Delivery, Outcome
from gateway.relay.notices import Released, decision_notice
from gateway.relay.pipeline import Pipeline, hostname, key_file, notice_from
from gateway.relay.spool import Received
from gateway.review import audit
from gateway.review.models import LawfulReason, LogbookEntry, LogbookKind
from gateway.scanner_setup import build_scanner
from gateway.sealing import Sealer
from scanner.actions import Action
from scanner.attribution import Sender
from scanner.consent import ALL_SCOPES
from scanner.domains import is_internal
from scanner.judging import attribution_of
from scanner.policy.policy_file import Policy, load_policy
from scanner.scanning import Scanner, ScanningWorkers, ScanResult
from scanner.transform import Banner, load_banner

__all__ = ["DecisionRefused"]

WITHOUT_CONSENT = (
    "it was held because someone whose data it holds has not consented to this recipient, "
    "and the banner would tell the recipient they had: record their consent and release, "
    "release it redacted, or release it as an exception (the logbook records it)"
)

log = logging.getLogger("confide.review")

# The web server's threads make redacted copies one at a time: the scanner has one worker,
# and neither building it nor starting its worker may happen twice at once.
_REDACTING = threading.Lock()


@dataclass(frozen=True)
class Releasing:
    """What releasing and telling senders needs, built once per process from the settings."""

    sealer: Sealer
    banner: Banner
    banner_without_consent: Banner  # an exception, an emergency release
    organisation: str
    notice_from: str
    hostname: str
    base_url: str  # review.base_url: where the mail links to the review pages
    internal_domains: tuple[str, ...]  # a sender outside them is told less (_tell_sender)


@functools.cache
def releasing() -> Releasing:
    settings = load_settings()
    organisation = settings.organisation
    return Releasing(
        sealer=Sealer.from_key_file(key_file(settings)),
        banner=load_banner(organisation.banner, organisation.name or "the sender"),
        banner_without_consent=load_banner(
            organisation.banner_without_consent, organisation.name or "the sender"
        ),
        organisation=organisation.name,
        notice_from=notice_from(settings),
        hostname=hostname(settings),
        base_url=settings.review.base_url,
        internal_domains=tuple(organisation.internal_domains),
    )


def policy_in_force() -> Policy:
    """The organisation's policy, read again only when its file changes: the review pages
    ask it for each held recipient they show."""
    path = load_settings().organisation.policy
    stat = path.stat()
    return _policy(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _policy(path: Path, modified_ns: int, size: int) -> Policy:
    del modified_ns, size  # the cache's key: a file edited in place is read again
    return load_policy(path)


# The scanning workers this process's redacted releases use instead of a pool of their own
# (``redact_with``): in ``confide run``, the relay's.
_lent_workers: ScanningWorkers | None = None


def redact_with(workers: ScanningWorkers) -> None:
    """Make this process's redacted copies with ``workers`` (``confide run`` lends the
    relay's, so a release starts no model worker of its own)."""
    global _lent_workers  # noqa: PLW0603  # one setting per process, made as it starts
    _lent_workers = workers
    redacting.cache_clear()


@functools.cache
def redacting() -> Pipeline:
    """The relay's core as this process makes redacted copies with it: the scanner (the
    workers ``redact_with`` lent, or one of its own whose worker loads the model on the
    first redacted release), the policy and the operators."""
    scanner = build_scanner() if _lent_workers is None else Scanner(_lent_workers)
    return Pipeline.from_settings(load_settings(), scanner)


def release_with_banner(
    outcome_id: int, *, user: Any, note: str, body_only: bool = False
) -> Outcome:
    """Release the held copy marked CONFIDENTIAL (``body_only``: the banner in the subject
    and body only, documents that cannot be marked sent as they are)."""
    decision = Decision.RELEASE_WITH_BANNER_IN_BODY if body_only else Decision.RELEASE_WITH_BANNER
    released = Released.BANNER_IN_BODY if body_only else Released.BANNER
    with transaction.atomic():
        if held_without_consent(Outcome.objects.get(id=outcome_id)):
            raise DecisionRefused(WITHOUT_CONSENT)
        outcome = _decide(outcome_id, decision, user, note)
        told = _tell_sender(outcome, released, note)
        _audit(outcome, user, decision.value, sender_told=told)
    return outcome


def held_without_consent(outcome: Outcome) -> bool:
    """Whether ``outcome`` was held for personal data whose person has not consented to its
    recipient. Its copy cannot go with the banner, which tells the recipient a consent was
    recorded: the policy lets it go only with a consent recorded, redacted, or as an
    exception, which the logbook records (policy 000 3.1-3.2, 003)."""
    return policy_in_force().without_consent(outcome.rules)


def release_redacted(
    outcome_id: int, *, user: Any, note: str, pipeline: Pipeline | None = None
) -> Outcome:
    """Release a copy with every finding removed, made and checked again by the relay's core
    (``pipeline``, this process's own by default). Refused, the recipient left held, when the
    message cannot be read in full or redacted, or the redacted copy still holds something
    the relay would remove or hold."""
    if not note.strip():  # before the scans, which take seconds
        raise DecisionRefused("a decision needs a note saying why")
    with _REDACTING:
        copy = redacted_copy(outcome_id, pipeline or redacting(), releasing().sealer)
    with transaction.atomic():
        outcome = _decide(outcome_id, Decision.RELEASE_REDACTED, user, note, redacted=copy)
        told = _tell_sender(outcome, Released.REDACTED, note)
        _audit(outcome, user, Decision.RELEASE_REDACTED.value, sender_told=told)
    return outcome


def reject(outcome_id: int, *, user: Any, note: str) -> Outcome:
    """Reject: nothing goes to the recipient, and the sender is told, with the note."""
    with transaction.atomic():
        outcome = _decide(outcome_id, Decision.REJECT, user, note)
        told = _tell_sender(outcome, None, note)
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
    logbook entry records the ground, the note, whether each person was told and why not.
    Where confide tied the message's findings to subjects in the register, the entry must
    name at least one of them (the item's page starts with all of them listed), so that it
    is filed with the people the message is about; others may be added."""
    if not person_told and not why_not_told.strip():
        raise DecisionRefused("say why the person was not told (the logbook records it)")
    found = sorted(
        Subject.objects.filter(scan_records__message__outcomes__id=outcome_id).values_list(
            "ref", flat=True
        )
    )
    if found and not {subject.ref for subject in subjects} & set(found):
        raise DecisionRefused(
            "the logbook entry must name at least one of the people confide found in the "
            f"message: {', '.join(found)}"
        )
    with transaction.atomic():
        outcome = _decide(
            outcome_id, Decision.RELEASE_WITH_BANNER, user, note, without_consent=True
        )
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
        # The note stays in the logbook: see this module's docstring.
        told = _tell_sender(outcome, Released.EXCEPTION, None)
        _audit(
            outcome,
            user,
            "release_as_exception",
            sender_told=told,
            lawful_reason=str(reason),
            logbook_entry=entry.id,
            subjects=sorted(subject.ref for subject in subjects),
        )
    return entry


def consent_scope_words() -> tuple[str, ...]:
    """The words a consent may be recorded with: the policy's ``consent_scopes`` and ``all``,
    in the policy's order (the order the register keeps them in)."""
    return (*policy_in_force().consent_scopes, ALL_SCOPES)


def consent_terms_problem(method: str, scopes: Sequence[str], evidence: str) -> str:
    """What keeps these terms from being recorded as a consent, in words for the manager;
    "" when nothing does (the register's pages check their consents with it too)."""
    if not scopes:
        return "a consent needs at least one scope"
    words = consent_scope_words()
    unknown = [scope for scope in scopes if scope not in words]
    if unknown:
        return f"{unknown[0]!r} is not a consent scope of the policy"
    if method not in ConsentMethod.values:
        return "a consent is written or oral"
    if method == ConsentMethod.ORAL and not evidence.strip():
        return "oral consent needs an evidence note: who gave it, when, how"
    return ""


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
    pipeline: Pipeline | None = None,
) -> Consent:
    """Save the subject's consent to the register and release the copy with the banner, in
    one transaction: if the release is refused, no consent is saved either.

    The consent must cover the release: the message is scanned afresh by the relay's core
    (``pipeline``, this process's own by default) and judged for the recipient with the
    consent in the register; unless the relay would now release it (as it is or with the
    banner), it is refused with the verdict's reasons, which say what the consent leaves
    uncovered (another agency, a kind of data beyond its scopes, someone else's data).

    A consent from someone the message holds no data about (no finding of the scan is tied
    to them) is refused first: it cannot be what lets the message go, even when consents
    already in the register would now release it."""
    problem = consent_terms_problem(method, scopes, evidence)
    if problem:
        raise DecisionRefused(problem)
    now = datetime.now(UTC)
    if valid_until is not None and valid_until <= now:
        raise DecisionRefused("the consent's valid-until date has passed")
    core = pipeline or redacting()
    with _REDACTING:  # the scan, which takes seconds, before the transaction
        outcome, received = held_as_received(outcome_id, releasing().sealer)
        result = processing.scanned(core, received)
        about = _subjects_of(core, received, result, outcome.recipient)
    if subject.ref not in about:
        raise DecisionRefused(
            f"the message holds no data about {subject.ref}, so their consent is not what"
            " would release it: record the consent of someone whose data it holds"
        )
    with transaction.atomic():
        consent = Consent.objects.create(
            subject=subject,
            agency=agency,
            scopes=join_known_scopes(scopes, consent_scope_words()),
            method=method,
            evidence=evidence,
            recorded_by=_name(user),
            recorded_at=now,
            valid_until=valid_until,
        )
        with _REDACTING:
            verdict = processing.verdict_now(core, received, result, outcome.recipient)
        if verdict.action not in (Action.RELEASE, Action.BANNER):
            raise DecisionRefused(
                "the consent does not cover this release: " + "; ".join(verdict.reasons)
            )
        outcome = _decide(outcome_id, Decision.RELEASE_WITH_BANNER, user, note)
        told = _tell_sender(outcome, Released.CONSENT, note)
        _audit(
            outcome,
            user,
            "record_consent_and_release",
            sender_told=told,
            consent=consent.id,
            subject=subject.ref,
            agency=agency.id,
            method=str(method),
            scopes=consent.scopes,
        )
    return consent


def _subjects_of(
    core: Pipeline, received: Received, result: ScanResult, recipient: str
) -> set[str]:
    """The refs of the subjects the relay ties ``result``'s findings to, for ``recipient``,
    as ``processing.verdict_now`` ties them before judging."""
    attribution = attribution_of(
        result,
        sender=Sender(received.mail_from),
        policy=core.policy,
        matcher=core.matchers.get(core.book),
        addressees=[recipient],
    )
    return {ref for found in attribution.findings for ref in found.refs}


def _decide(
    outcome_id: int,
    decision: Decision,
    user: Any,
    note: str,
    redacted: bytes | None = None,
    *,
    without_consent: bool = False,
) -> Outcome:
    made = releasing()
    return decide(
        outcome_id,
        decision,
        by=_name(user),
        note=note,
        sealer=made.sealer,
        banner=made.banner_without_consent if without_consent else made.banner,
        redacted=redacted,
        internal_domains=made.internal_domains,
    )


def _name(user: Any) -> str:
    return str(user.get_username())


def _tell_sender(outcome: Outcome, released: Released | None, note: str | None) -> bool:
    """Queue the notice of the decision to the sender: released and how, or not sent
    (``None``), with the ``note`` if given. False when there is no sender to tell, or a
    notice cannot be written to their address (the decision stands: the audit entry says
    they were not told). A sender outside the organisation is told as the hold notice tells
    them (``gateway.relay.hold_notices``): neither the message's subject nor the note, which
    could disclose what was held and why."""
    message = outcome.message
    if not message.mail_from:
        return False
    made = releasing()
    internal = is_internal(message.mail_from, made.internal_domains)
    try:
        content = decision_notice(
            original=made.sealer.unseal(bytes(message.sealed)) if internal else b"",
            sender=message.mail_from,
            recipient=outcome.recipient,
            released=released,
            note=note if internal else None,
            organisation=made.organisation,
            from_address=made.notice_from,
            confide_id=str(message.id),
            at=datetime.now(UTC),
            hostname=made.hostname,
        )
    except Exception as exc:  # noqa: BLE001 - whatever the builder raises, the decision stands
        log.warning("decision notice not built id=%s error=%s", message.id, type(exc).__name__)
        return False
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
