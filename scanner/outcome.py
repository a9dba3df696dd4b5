"""What becomes of one scanned item: the copies to make, whom each goes to, and the holds.

``plan`` is the last step of the core, the same for every door: the relay calls it with a
message and its recipients, the shared-drive watcher will call it with a document and the
folder's audience in the place of the recipients. It groups the recipients whose copies are
identical (same action, same values removed, same banner), makes each copy once with the
door's ``Transforms``, and turns what cannot be made into a hold: a transform that fails
(``cannot-transform``), and a redacted copy that the safety net catches (``redaction-check``).

The safety net is independent of how the copy was made: each finished redacted copy is
read afresh from its bytes and judged as if it had just arrived, and so is every field of its
header, read whole as content (a scan reads only some fields, and only the display names of
addresses); every recipient for whom either still holds something to remove, or would be
held, is held instead, and so is every recipient of a copy in which a removed value is still
found, whole or in part (``LEFT_IN_COPY``). A door's ``Copier`` makes each copy and reads
it for the net (``net_readings``): ``LocalCopier`` with the door's ``Transforms`` and
``Rescan``, or the relay's and the watcher's, which make and read it in the scanning worker
(``scanner.copying``); the net judges what was read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from scanner.actions import Action
from scanner.findings import LEFT_IN_COPY, Finding
from scanner.header_fields import ENVELOPE, header_fields_message
from scanner.limits import ScanLimits
from scanner.operators import Operator
from scanner.policy.policy_file import Policy
from scanner.policy.verdicts import Verdict
from scanner.removals import Removal, removals, replace_all
from scanner.scanning import ScanResult
from scanner.segments import Extraction
from scanner.transform import (
    Banner,
    TransformError,
    marked_document,
    redacted,
    redacted_document,
    with_banner,
)

CANNOT_TRANSFORM = "cannot-transform"
# How the safety net reads a finished copy: as an item, and its header's fields as content.
_READINGS = ("item", "header fields")
REDACTION_CHECK = "redaction-check"
REDACTION_CHECK_REASON = (
    "its redacted copy, checked again, still held personal data that had to be removed"
)

# Reads an item for the safety net: a copy (its bytes), as a copy of the item scanned as the
# given result with the given values removed (``Detector.scan``), or with neither.
type Rescan = Callable[[bytes, ScanResult | None, Sequence[Removal]], ScanResult]
type Rejudge = Callable[[ScanResult, Sequence[str]], Mapping[str, Verdict]]


@dataclass(frozen=True)
class CheckedCopy:
    """A finished copy, and how it read for the safety net when it is to be checked: as an
    item, then its header's fields as content (``header_fields_message``)."""

    content: bytes
    readings: tuple[ScanResult, ...] = ()


class Transforms(Protocol):
    """How copies of one kind of item are made. Each raises ``TransformError`` for what it
    cannot do safely; ``plan`` holds that copy's recipients."""

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        """``raw`` with each removal's value replaced by its placeholder."""
        ...

    def marked(self, raw: bytes) -> bytes:
        """``raw`` marked CONFIDENTIAL."""
        ...


class Copier(Protocol):
    """Makes each copy ``plan`` asks for and reads it for the safety net. Raises
    ``TransformError`` for a copy that cannot be made (or made and read) safely; ``plan``
    holds that copy's recipients."""

    def checked_copy(
        self,
        raw: bytes,
        result: ScanResult,
        action: Action,
        removed: Sequence[Removal],
        banner: bool,
    ) -> CheckedCopy:
        """``raw`` (scanned as ``result``) redacted of ``removed`` if ``action`` is redact,
        marked if it is banner or ``banner``; read for the net when anything was removed."""
        ...


def net_readings(
    rescan: Rescan, content: bytes, result: ScanResult, removed: Sequence[Removal]
) -> tuple[ScanResult, ScanResult]:
    """How the finished copy ``content`` reads for the safety net: as an item, read as a copy
    of the item scanned as ``result`` with ``removed`` taken out (``Detector.scan``: each
    changed part checked against the part it was made from and read afresh where anything
    there is odd, every part searched for the removed values); then its header's fields as
    content (``header_fields_message``) but those whose text the first reading read as
    content already, searched for the removed values too."""
    reading = rescan(content, result, removed)
    read = [s.text for s in reading.extraction.segments if s.location not in ENVELOPE]
    fields = header_fields_message(content, read)
    if fields is None:  # nothing left to read in the header but what ``reading`` read
        return reading, ScanResult(Extraction(reading.extraction.kind), ())
    return reading, rescan(fields, result, removed)


@dataclass(frozen=True)
class LocalCopier:
    """Copies made with ``transforms`` in this process, each read with ``rescan``."""

    transforms: Transforms
    rescan: Rescan

    def checked_copy(
        self,
        raw: bytes,
        result: ScanResult,
        action: Action,
        removed: Sequence[Removal],
        banner: bool,
    ) -> CheckedCopy:
        content = made_copy(self.transforms, raw, action, removed, banner)
        if not removed:
            return CheckedCopy(content)
        return CheckedCopy(content, net_readings(self.rescan, content, result, removed))


@dataclass(frozen=True)
class MessageTransforms:
    """The transforms of an RFC 5322 message, as the relay carries it."""

    banner: Banner
    limits: ScanLimits

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        return redacted(raw, removals, self.limits)

    def marked(self, raw: bytes) -> bytes:
        return with_banner(raw, self.banner)


@dataclass(frozen=True)
class DocumentTransforms:
    """The transforms of a document on its own, as the shared-drive watcher finds it."""

    banner: Banner
    limits: ScanLimits

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        return redacted_document(raw, removals, self.limits)

    def marked(self, raw: bytes) -> bytes:
        return marked_document(raw, self.banner, self.limits)


@dataclass(frozen=True)
class PlannedCopy:
    """One copy to make: its content, what was done to it (``release``, ``banner`` or
    ``redact``), whom it goes to, and the rules that fired for them."""

    content: bytes
    action: Action
    recipients: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class PlannedOutcome:
    """The final verdict for each recipient, in the order given, and the copies to make.

    A recipient that ``plan`` held has the verdict it was given with the action ``hold`` and
    the rule and reason that held it added.
    """

    verdicts: dict[str, Verdict]
    copies: tuple[PlannedCopy, ...]

    @property
    def held(self) -> dict[str, Verdict]:
        """The held recipients' verdicts, whose rules and reasons say why."""
        return {a: v for a, v in self.verdicts.items() if v.action == Action.HOLD}


def plan(
    raw: bytes,
    result: ScanResult,
    verdicts: Mapping[str, Verdict],
    *,
    policy: Policy,
    operator: Callable[[Finding], Operator] = replace_all,
    copier: Copier,
    rejudge: Rejudge,
) -> PlannedOutcome:
    """The copies of the item ``raw`` (scanned as ``result``) to make for the recipients of
    ``verdicts``, and the final verdict of each. ``copier`` makes each copy and reads it as
    the item was read; ``rejudge`` gives the verdicts on what it read for the addresses
    given. ``operator`` says how each finding leaves a redacted copy (replaced by its label
    unless the rules say otherwise)."""
    final = dict(verdicts)
    groups: dict[tuple[Action, tuple[Removal, ...], bool], list[str]] = {}
    for address, verdict in verdicts.items():
        if verdict.action != Action.HOLD:
            removed = removals(result.extraction, verdict.redactions, policy.label, operator)
            groups.setdefault((verdict.action, removed, verdict.banner), []).append(address)
    copies = []
    for (action, removed, banner), group in groups.items():
        try:
            copy = copier.checked_copy(raw, result, action, removed, banner)
        except TransformError as exc:
            _hold(final, group, CANNOT_TRANSFORM, str(exc))
            continue
        content = copy.content
        exposed = _still_exposed(copy, group, rejudge) if removed else []
        _hold(final, exposed, REDACTION_CHECK, REDACTION_CHECK_REASON)
        addresses = tuple(a for a in group if a not in exposed)
        if addresses:
            rules = tuple(dict.fromkeys(rule for a in addresses for rule in final[a].rules))
            copies.append(PlannedCopy(content, action, addresses, rules))
    return PlannedOutcome(final, tuple(copies))


def made_copy(
    transforms: Transforms, raw: bytes, action: Action, removed: Sequence[Removal], banner: bool
) -> bytes:
    """``raw`` redacted of ``removed`` if ``action`` is redact, then marked if it is banner or
    ``banner``."""
    content = raw
    if action == Action.REDACT:
        content = transforms.redacted(content, removed)
    if action == Action.BANNER or banner:
        content = transforms.marked(content)
    return content


def _still_exposed(copy: CheckedCopy, addresses: Sequence[str], rejudge: Rejudge) -> list[str]:
    """The addresses for which the finished copy, scanned and judged afresh, still holds
    something to remove, or would be held: read as a scan reads a message, and every field
    of its header read again whole, as content (``scanner.header_fields``). A copy not read
    both ways, or that still holds a value removed from it, whole or in part (a finding
    ``LEFT_IN_COPY``), is held for all of them."""
    if len(copy.readings) != len(_READINGS):
        return list(addresses)
    if any(f.recognizer == LEFT_IN_COPY for reading in copy.readings for f in reading.findings):
        return list(addresses)
    exposed: dict[str, None] = {}
    for reading in copy.readings:
        verdicts = rejudge(reading, addresses)
        exposed.update(
            (a, None) for a, v in verdicts.items() if v.action == Action.HOLD or v.redactions
        )
    return [a for a in addresses if a in exposed]


def _hold(verdicts: dict[str, Verdict], addresses: Sequence[str], rule: str, reason: str) -> None:
    """Turn the verdicts for ``addresses`` into holds, adding the rule and reason."""
    for address in addresses:
        verdict = verdicts[address]
        verdicts[address] = replace(
            verdict,
            action=Action.HOLD,
            rules=(*verdict.rules, rule),
            reasons=(*verdict.reasons, reason),
        )
