"""A document through the core, as the relay puts a message through it: scan (in the same
sandboxed worker pool), attribute, judge for the folder's audience and, in an enforce
folder, plan the copy (made and read for the safety net in a worker of that pool); a report
folder's files are never copied, so no copy is made for them (``DocumentJudge.judge``). The
watcher only records and enforces what comes back.

The relay's pieces are reused as they are built for it (``gateway.relay.pipeline``): the
policy, the redaction operators, the consent book and its matcher cache; only the copies
differ (``DocumentTransforms``: a document on its own, not a message).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from gateway.config import Settings
from gateway.consent_book import DjangoConsentBook
from gateway.health.metrics import count_unscannable
from gateway.relay.pipeline import redaction_operators
from gateway.watcher.folders import Folder
from scanner.actions import Action
from scanner.attribution import Attribution, Sender
from scanner.copying import PoolCopier
from scanner.deciding import decide
from scanner.extract import FILE_NAME, UNKNOWN_KIND, UnsupportedType, named_unscannable
from scanner.filetype import FileType
from scanner.judging import MatcherCache, Organisation, attribution_of, judge_attributed
from scanner.operators import Operators
from scanner.outcome import CANNOT_TRANSFORM, DocumentTransforms
from scanner.policy.policy_file import Policy, load_policy
from scanner.policy.verdicts import Verdict
from scanner.scanning import Scanner, ScanResult
from scanner.segments import Extraction
from scanner.transform import Banner, document_refusal, load_banner
from scanner.unscannable import kinds as unscannable_kinds

# What holds a document the rules would redact when its file name holds what they redact.
NAMED_RULE = "file-name-redaction"
NAMED_REASON = "its file name holds personal data, which a redacted copy would keep"
# The rules files whose change can change a verdict: every file beside the recognizers (term
# lists, first names) and the policy, banner and redaction files.
_RULES_SUFFIXES = frozenset({".yaml", ".yml", ".txt"})

# How the watcher judges a file, where that changes what it decides: a change has every file
# judged again (2: the path within the watched folder is scanned as the file's name; 3: a
# name's ``/`` and a dash beside a digit read as spaces, and a file in a folder held for its
# name is held).
JUDGING = "3"


@dataclass(frozen=True)
class Judgement:
    """What the core said of one document for its folder's audience."""

    action: Action
    rules: tuple[str, ...]
    reasons: tuple[str, ...]
    findings: dict[str, int]  # finding type -> count
    subjects: tuple[str, ...]  # register refs
    # The copy the verdict asks for: redacted for ``redact``, else marked CONFIDENTIAL.
    copy: bytes | None


class DocumentJudge:
    """Everything the watcher needs to judge documents, built once."""

    def __init__(self, settings: Settings, scanner: Scanner) -> None:
        organisation = settings.organisation
        self.scanner = scanner
        self.policy: Policy = load_policy(organisation.policy)
        self.operators: Operators = redaction_operators(settings)
        self.book = DjangoConsentBook()
        self.matchers = MatcherCache()
        self.organisation = Organisation(tuple(organisation.internal_domains))
        transforms = DocumentTransforms(document_banner(settings), scanner.pool.limits)
        # Copies are made and read for the safety net in the scanning workers.
        self.copier = PoolCopier(scanner.pool, transforms)
        self._rules_digest = _rules_digest(settings)

    def fingerprints(self, folders: Sequence[Folder]) -> dict[Path, str]:
        """What a verdict for each folder is reached with, by folder path: the rules, the
        register (its subjects, and its consents and agencies as they stand now), the
        audience and the mode, and how the watcher judges (``JUDGING``). A document judged
        with another fingerprint is judged again: a report folder set to enforce, or a file
        moved from one into an enforce folder, is enforced on the next pass."""
        register = (self.book.version(), self.book.consents_version(datetime.now(UTC)))
        return {
            folder.path: hashlib.sha256(
                "\0".join(
                    (
                        JUDGING,
                        self._rules_digest,
                        *register,
                        folder.recipient,
                        "enforce" if folder.enforce else "report",
                    )
                ).encode()
            ).hexdigest()
            for folder in folders
        }

    def submit(self, data: bytes, name: str) -> Future[ScanResult]:
        """Start scanning a document's bytes in a sandboxed worker; ``name`` is its file name,
        scanned with it (and an empty ``.pdf`` is unscannable, not clean, its name's findings
        kept). A document whose content could not be read at all (a damaged ``.docx``, a
        time limit) comes back without its name: ``with_name`` scans that alone. The future
        fails only when the scanning workers stop under it (``ScanningStopped``: lent
        workers, as ``confide run`` stops)."""
        scanned = self.scanner.pool.submit(data, name=readable_name(name))
        outcome: Future[ScanResult] = Future()

        def settle(done: Future[ScanResult]) -> None:
            try:
                result = done.result()
                instead = named_unscannable(name, len(data), result.extraction)
            except UnsupportedType as exc:
                instead = named_unscannable(name, len(data), exc) or Extraction(
                    UNKNOWN_KIND, unscannable=(f"the file is {exc}",)
                )
                result = ScanResult(instead, ())
            except BaseException as exc:  # noqa: BLE001 - passed on: a callback must not raise
                outcome.set_exception(exc)
                return
            if instead is not None:  # what was read of it (its name) still counts
                extraction = Extraction(
                    instead.kind, result.extraction.segments, instead.unscannable
                )
                result = replace(result, extraction=extraction)
            outcome.set_result(result)

        scanned.add_done_callback(settle)
        return outcome

    def with_name(self, result: ScanResult, name: str) -> ScanResult:
        """``result`` with its file ``name`` scanned, where nothing of the document was read
        (no segment: it could not be read at all, was too large, or timed out): the name is
        scanned alone (waiting for it) and its findings count, whatever became of the
        content, so that a damaged ``Margaret Hughes NHS 943 476 5919.docx`` is judged by
        its name. Lost with its worker, the name's scan makes the result lost too."""
        if result.extraction.segments or not readable_name(name).strip():
            return result
        named = self.submit_name(name).result()
        extraction = Extraction(
            result.extraction.kind,
            named.extraction.segments,
            (*result.extraction.unscannable, *named.extraction.unscannable),
        )
        return ScanResult(extraction, named.findings, named.owners, result.lost or named.lost)

    def submit_name(self, name: str) -> Future[ScanResult]:
        """Start scanning a sub-folder's ``name`` (its path within the watched folder) as a
        file's name is scanned, with nothing else: an empty text beside it."""
        return self.scanner.pool.submit(b"", kind=FileType.TEXT, name=readable_name(name))

    def name_releases(self, name: str, folder: Folder) -> bool:
        """Whether ``name`` (a file's path within ``folder``) would be released for the
        folder's audience on its own, as a sub-folder's name is judged (``judge_name``): a
        file excluded by its name (an Office lock file) is not read, but its name is what it
        shares with the document it belongs to. False (judge the whole file) when the name's
        scan is lost with its worker."""
        result = self.submit_name(name).result()
        return not result.lost and self.judge_name(result, folder).action not in (
            Action.HOLD,
            Action.REDACT,
        )

    def judge_name(self, result: ScanResult, folder: Folder) -> Judgement:
        """The verdict on a sub-folder's name for ``folder``'s audience: the policy's, as
        for a document, in either mode. A name cannot be redacted or marked: what would be
        redacted is held (``NAMED_RULE``), and what would be marked stays, as a marked
        document's name does."""
        attribution, verdict = self._policy_verdict(result, folder.recipient)
        action, rules, reasons = verdict.action, verdict.rules, verdict.reasons
        if action == Action.REDACT:
            action, rules, reasons = Action.HOLD, (*rules, NAMED_RULE), (*reasons, NAMED_REASON)
        return Judgement(
            action=action,
            rules=rules,
            reasons=for_audience(reasons, folder),
            findings=dict(sorted(Counter(f.type for f in result.findings).items())),
            subjects=tuple(sorted({ref for a in attribution.findings for ref in a.refs})),
            copy=None,
        )

    def judge(self, data: bytes, result: ScanResult, folder: Folder) -> Judgement:
        """The verdict for ``folder``'s audience, and the copy it asks for.

        In an enforce folder, as the relay judges: each copy is made and the safety net reads
        every redacted one (in a scanning worker), and what cannot be made, or still holds
        what had to go, is held. In a report folder no copy is ever written, so none is
        made: the verdict is the policy's, held where its copy is refused whatever it
        holds (a kind that cannot be redacted or marked, ``document_refusal``), but not
        where only a made copy would tell (the safety net catching a redacted copy, a
        transform failing on a document of a kind it handles). The mode is in the folder's
        fingerprint, so a report folder set to enforce has each file judged again, net and
        all, before anything is moved."""
        if folder.enforce:
            attribution, verdict, made = self._decided(data, result, folder.recipient)
        else:
            attribution, verdict = self._reported(data, result, folder.recipient)
            made = []
        count_unscannable("file", unscannable_kinds(result.extraction.unscannable))
        action, rules, reasons = verdict.action, verdict.rules, verdict.reasons
        if action == Action.REDACT and found_in_name(result):
            # A redacted copy beside the file would carry its name, and what is in it.
            action, made = Action.HOLD, []
            rules, reasons = (*rules, NAMED_RULE), (*reasons, NAMED_REASON)
        return Judgement(
            action=action,
            rules=rules,
            reasons=for_audience(reasons, folder),
            findings=dict(sorted(Counter(f.type for f in result.findings).items())),
            subjects=tuple(sorted({ref for a in attribution.findings for ref in a.refs})),
            copy=made[0] if made else None,
        )

    def _decided(
        self, data: bytes, result: ScanResult, recipient: str
    ) -> tuple[Attribution, Verdict, list[bytes]]:
        """The verdict with its copies made and checked (``decide``), and the copy made."""
        decided = decide(
            data,
            result,
            [recipient],
            sender=Sender(),
            policy=self.policy,
            book=self.book,
            matcher=self.matchers.get(self.book),
            organisation=self.organisation,
            at=datetime.now(UTC),
            operator=self.operators.of,
            copier=self.copier,
        )
        made = [c.content for c in decided.planned.copies if c.content != data]
        return decided.attribution, decided.planned.verdicts[recipient], made

    def _reported(
        self, data: bytes, result: ScanResult, recipient: str
    ) -> tuple[Attribution, Verdict]:
        """The policy's verdict, no copy made: held, as ``plan`` holds it, where the copy it
        asks for would be refused whatever the document holds."""
        attribution, verdict = self._policy_verdict(result, recipient)
        if verdict.action == Action.HOLD:
            return attribution, verdict
        redact = verdict.action == Action.REDACT
        mark = verdict.action == Action.BANNER or verdict.banner
        refusal = document_refusal(data, redact=redact, mark=mark)
        if refusal is None:
            return attribution, verdict
        held = replace(
            verdict,
            action=Action.HOLD,
            rules=(*verdict.rules, CANNOT_TRANSFORM),
            reasons=(*verdict.reasons, refusal),
        )
        return attribution, held

    def _policy_verdict(self, result: ScanResult, recipient: str) -> tuple[Attribution, Verdict]:
        """The policy's verdict on what was found, for ``recipient``, no copy considered."""
        attribution = attribution_of(
            result, sender=Sender(), policy=self.policy, matcher=self.matchers.get(self.book)
        )
        verdict = judge_attributed(
            result,
            attribution,
            [recipient],
            policy=self.policy,
            book=self.book,
            organisation=self.organisation,
            at=datetime.now(UTC),
        )[recipient]
        return attribution, verdict


# The policy's words for the recipient's address ("no consent recorded for this address or
# for outside.invalid, ..."): a folder's recipient is an address made up for its audience
# (``folders._recipient``), which the manager never set and the register never holds.
_NO_CONSENT_HERE = re.compile(r"no consent recorded for this address or for [^;()]*?(?=;|$)")
_THIS_ADDRESS = re.compile(r"\bthis address\b")


def for_audience(reasons: Sequence[str], folder: Folder) -> tuple[str, ...]:
    """The policy's reasons with the folder's audience, as the manager set it, where they
    speak of "this address" (the address the audience plays as a recipient): "no consent
    recorded for this folder's audience (public)"."""
    audience = f"this folder's audience ({folder.audience})"
    no_consent = f"no consent recorded for {audience}"
    return tuple(
        _THIS_ADDRESS.sub(audience, _NO_CONSENT_HERE.sub(no_consent, reason)) for reason in reasons
    )


def held_for(result: ScanResult, rule: str, reasons: Sequence[str]) -> Judgement:
    """A hold for ``rule`` with ``reasons``, not the policy's, of a document scanned as
    ``result``: its finding types counted, no copy."""
    findings = dict(sorted(Counter(f.type for f in result.findings).items()))
    return Judgement(Action.HOLD, (rule,), tuple(reasons), findings, (), None)


def readable_name(name: str) -> str:
    """A file name as text to scan: bytes that are not UTF-8 read as Windows-1252 (what a
    Latin-1 name from an old share most likely is)."""
    raw = name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def found_in_name(result: ScanResult) -> bool:
    segments = result.extraction.segments
    named = [i for i, segment in enumerate(segments) if segment.location == FILE_NAME]
    return any(finding.segment in named for finding in result.findings)


def document_banner(settings: Settings) -> Banner:
    """The CONFIDENTIAL marking of the organisation's documents."""
    organisation = settings.organisation
    return load_banner(organisation.banner, organisation.name or "the organisation")


def _rules_digest(settings: Settings) -> str:
    """SHA-256 over the rules files in force, their names and contents."""
    organisation = settings.organisation
    paths = {organisation.policy, organisation.banner, organisation.redaction}
    rules_folder = settings.detection.rules.parent
    paths.update(p for p in rules_folder.rglob("*") if p.suffix in _RULES_SUFFIXES)
    paths.add(settings.detection.rules)
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"-")
    # What the scanner and policy are told beside the files.
    digest.update(repr((organisation.internal_domains, organisation.published_contacts)).encode())
    return digest.hexdigest()
