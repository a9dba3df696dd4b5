"""The policy engine: an item's findings, its subjects' consents and one recipient in, a
verdict out. It walks the rules of a ``Policy`` in order; it decides nothing by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scanner import identifiers
from scanner.actions import Action, strictest
from scanner.attribution import EVERYONE, OWNER, Attribution, Tie
from scanner.consent import (
    ADDRESS,
    ALL_SCOPES,
    DOMAIN,
    ConsentBook,
    KnownSubject,
    RecipientConsents,
    Scope,
)
from scanner.domains import is_internal
from scanner.findings import Finding
from scanner.policy.policy_file import Policy, PolicyRule

_KIND_WORDS = {
    "carer": "carer",
    "cared_for": "cared-for person",
    "participant": "participant",
    "staff": "member of staff",
    "volunteer": "volunteer",
    "trustee": "trustee",
}


@dataclass(frozen=True)
class Verdict:
    """What happens to an item for one recipient, and why.

    ``rules`` names every rule that fired and ``not_fired`` every rule read that did not (the
    rules after a ``final`` one that fired are not read); ``reasons`` says in plain words why,
    citing subjects by their register reference and data by its kind, never by its value.
    ``redactions`` are the findings to remove when the action is ``redact``; ``banner`` says
    whether what is released is marked CONFIDENTIAL.
    """

    action: Action
    rules: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    redactions: tuple[Finding, ...] = ()
    banner: bool = False
    not_fired: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    """What the engine knows of one item, whoever it goes to."""

    attribution: Attribution
    unscannable: tuple[str, ...] = ()
    # Lone names, contact details and sensitive words linked to nobody are dropped here
    # (see ``Policy.together_within_chars``); ``unlinked`` is what counts.
    unlinked: tuple[Finding, ...] = field(default=())


@dataclass(frozen=True)
class _Fired:
    """One reason a rule fired, and what it would remove."""

    reason: str
    redactions: tuple[Finding, ...] = ()


def prepare(policy: Policy, attribution: Attribution, unscannable: Sequence[str]) -> Item:
    """The recipient-independent facts of one item."""
    loose = [
        a.finding
        for a in attribution.findings
        if not a.refs and policy.category(a.finding) in policy.personal
    ]
    # The sender's own details identify them and whoever lives with them: a diagnosis beside
    # them ("I live at ... with my husband, who has dementia") is someone's.
    senders = [a.finding for a in attribution.findings if a.refs == {attribution.sender}]
    # A correspondent's own name or address (``Attribution``) is no disclosure beside another
    # correspondent's, nor beside the sender's own details: only beside anyone else's data.
    own = {a.finding for a in attribution.findings if a.correspondent}
    window = policy.together_within_chars
    counted = tuple(
        f
        for f in loose
        if policy.category(f) not in policy.need_companion
        or any(
            o is not f
            and o.segment == f.segment
            and policy.identify_together(o, f)
            and max(o.start - f.end, f.start - o.end) <= window
            for o in (*loose, *(() if f in own else senders))
            if not (f in own and o in own)
        )
    )
    return Item(attribution, tuple(unscannable), counted)


def verdict_for(
    policy: Policy,
    item: Item,
    recipient: str,
    *,
    internal_domains: Iterable[str],
    book: ConsentBook,
    at: datetime,
) -> Verdict:
    """The verdict for sending ``item`` to the address ``recipient``."""
    context = _Recipient(policy, item, recipient, frozenset(d.lower() for d in internal_domains))
    fired: list[tuple[PolicyRule, list[_Fired]]] = []
    not_fired: list[str] = []
    for rule in policy.rules:
        reasons = context.fires(rule, book, at)
        if not reasons:
            not_fired.append(rule.id)
            continue
        fired.append((rule, reasons))
        if rule.final:
            break
    if not fired:
        why_not = ("nothing personal or confidential was found",)
        return Verdict(Action.RELEASE, reasons=why_not, not_fired=tuple(not_fired))
    acted = [rule.action for rule, _ in fired if rule.action is not None]
    action = strictest(acted)
    why = tuple(dict.fromkeys(r.reason for _, rs in fired for r in rs))
    removed: set[Finding] = set()
    if action == Action.REDACT:
        for rule, rs in fired:
            if rule.action == Action.REDACT:
                removed.update(f for r in rs for f in r.redactions)
    banner = action in (Action.BANNER, Action.REDACT) and any(
        rule.action == Action.BANNER for rule, _ in fired
    )
    return Verdict(
        action,
        tuple(rule.id for rule, _ in fired),
        why,
        tuple(sorted(removed)),
        banner,
        tuple(not_fired),
    )


class _Recipient:
    """The conditions of the rules, evaluated for one item and one recipient."""

    def __init__(self, policy: Policy, item: Item, address: str, internal: frozenset[str]) -> None:
        self.policy = policy
        self.item = item
        self.address = address.strip().lower()
        self.domain = self.address.rpartition("@")[2]
        self.internal = is_internal(self.address, internal)
        self.agencies: tuple[str, ...] | None = None  # asked of the register when needed
        self.ties = {a.finding: a.tie for a in item.attribution.findings if a.tie is not None}
        self.by_subject: dict[str, list[Finding]] = {}
        for attributed in item.attribution.findings:
            for ref in attributed.refs:
                self.by_subject.setdefault(ref, []).append(attributed.finding)
        subjects = item.attribution.subjects
        # The subjects found whose own address this is, and the consents rules gave them.
        self.own = sorted(
            ref for ref in self.by_subject if ref in subjects and self._is_subject(subjects[ref])
        )
        self.given: dict[str, frozenset[Scope]] = {}
        # What the recipient is, in the words of a rule's ``recipient``.
        self.kinds = {"internal" if self.internal else "external"}
        if self.own:
            self.kinds.add("subject")

    def fires(self, rule: PolicyRule, book: ConsentBook, at: datetime) -> list[_Fired]:
        """Why ``rule`` fires here (one entry per subject or group of data), or nothing.

        A rule with ``consent`` fires by giving it to the subjects who receive their own data,
        for the rules read after it."""
        condition = rule.when
        if not self._applies(rule):
            return []
        if rule.consent:
            for ref in self.own:
                self.given[ref] = self.given.get(ref, frozenset()) | rule.consent
            return [_Fired(f"{_capital(rule.reason)} (ref {ref})") for ref in self.own]
        if condition.subject_consent is not None:
            return self._subjects(condition.subject_consent, condition.with_, book, at)
        if condition.unlinked is not None:
            return self._unlinked(condition.unlinked, condition.with_)
        if condition.unscannable:
            details = "; ".join(_without_names(r) for r in self.item.unscannable)
            return [_Fired(f"{rule.reason} ({details})")]
        return [_Fired(rule.reason)]

    def _applies(self, rule: PolicyRule) -> bool:
        """Whether the item-wide parts of the rule's condition hold."""
        condition = rule.when
        return (
            (condition.unscannable is None or condition.unscannable == bool(self.item.unscannable))
            and (condition.recipient is None or condition.recipient in self.kinds)
            and (condition.found is None or self._found(condition.found))
        )

    def _found(self, categories: frozenset[str]) -> bool:
        return any(
            self.policy.category(a.finding) in categories for a in self.item.attribution.findings
        )

    def _subjects(
        self,
        state: str,
        narrowed: frozenset[str] | None,
        book: ConsentBook,
        at: datetime,
    ) -> list[_Fired]:
        fired = []
        for ref, findings in sorted(self.by_subject.items()):
            categories = {self.policy.category(f) for f in findings}
            if narrowed is not None and not categories & narrowed:
                continue
            subject = self.item.attribution.subjects.get(ref)
            given = self.given.get(ref, frozenset())
            own = ALL_SCOPES in given  # the rule for a subject's own data sent to them gave it
            consents = book.consents(ref, self.address, at)
            scopes = consents.scopes | given
            needed = {self.policy.scope(f) for f in findings}
            if ref == self.item.attribution.sender:
                found_state = "sender"
            elif not scopes:
                found_state = "missing"
            elif ALL_SCOPES in scopes or needed <= scopes:
                found_state = "given"
            else:
                found_state = "partial"
            if found_state != state:
                continue
            what = self._labels(findings)
            kind = _KIND_WORDS.get(subject.kind, subject.kind) if subject else "person"
            who = f"a known {kind} (ref {ref})"
            if found_state == "sender":
                detail = "the sender's own data, " + (
                    "sent to an address recorded for them" if own else "theirs to share"
                )
            elif own:
                detail = "their own data, sent to an address recorded for them"
            elif state == "missing":
                detail = self._no_consent(consents, book)
            elif state == "partial":
                covered = ", ".join(sorted(scopes))
                uncovered = self._labels(
                    [f for f in findings if self.policy.scope(f) not in scopes]
                )
                named = _recipients(consents, self.domain)
                plural = "s" if len(named) > 1 else ""
                detail = (
                    f"the consent{plural} for {_both(named)} cover{'' if plural else 's'}"
                    f" {covered} only, not {uncovered}"
                )
            else:
                detail = f"consent recorded for {_both(_recipients(consents, self.domain))}"
            detail += self._ties(findings, "them")
            fired.append(_Fired(f"{_capital(what)} of {who}; {detail}", tuple(findings)))
        return fired

    def _ties(self, findings: Iterable[Finding], whom: str) -> str:
        """Which of several people a sentence names its diagnosis was tied to, and why."""
        tied: dict[Tie, list[Finding]] = {}
        for finding in findings:
            if finding in self.ties:
                tied.setdefault(self.ties[finding], []).append(finding)
        notes = []
        for tie, these in tied.items():
            labels = list(dict.fromkeys(self.policy.label(f) for f in these))
            verb = "is" if len(labels) == 1 else "are"
            if tie.how == EVERYONE:
                notes.append(
                    f"; the {_both(labels)} {verb} tied to everyone its sentence names, which"
                    " does not make clear whom it is about"
                )
                continue
            why = (
                "whom the sentence says it is about" if tie.how == OWNER else "named nearest to it"
            )
            others = _either([f"ref {ref}" for ref in sorted(tie.others)])
            notes.append(
                f"; the {_both(labels)} {verb} tied to {whom}, {why},"
                f" not to {others} named in the same sentence"
            )
        return "".join(notes)

    def _no_consent(self, consents: RecipientConsents, book: ConsentBook) -> str:
        """Why no consent counts here, naming what the register does hold near this address:
        consents to others at a shared domain, or the agency the address belongs to."""
        agencies = [r for r in consents.records if r.agency]
        others = sum(r.addresses_there for r in consents.records if not r.agency)
        elsewhere = [  # an agency listed address by address: its domain is shared
            f"{r.to}'s consent covers {_addresses(r.addresses_there, 'listed')}" for r in agencies
        ]
        if agencies:
            elsewhere.insert(0, f"{self.domain} is shared")
        if others:  # a family member's address, say: counted, never written out
            one = "a consent covers" if others == 1 else "consents cover"
            elsewhere.append(f"{one} {_addresses(others, 'other')} at {self.domain}")
        if elsewhere:
            return f"no consent recorded for this address ({'; '.join(elsewhere)})"
        if self.agencies is None:
            self.agencies = book.agencies(self.address)
        if self.agencies:
            names = _either(list(self.agencies))
            return f"no consent recorded for this address or for {names}, which it belongs to"
        return f"no consent recorded for this address or for {self.domain}"

    def _is_subject(self, subject: KnownSubject) -> bool:
        return any(identifiers.email(e) == self.address for e in subject.emails)

    def _unlinked(
        self, categories: frozenset[str], narrowed: frozenset[str] | None
    ) -> list[_Fired]:
        findings = [f for f in self.item.unlinked if self.policy.category(f) in categories]
        if narrowed is not None and not any(
            self.policy.category(f) in narrowed for f in self.item.unlinked
        ):
            return []
        if not findings:
            return []
        what = self._labels(findings)
        reason = f"{_capital(what)} of someone not in the consent register"
        return [_Fired(reason + self._ties(findings, "that person"), tuple(findings))]

    def _labels(self, findings: Iterable[Finding]) -> str:
        return _both(list(dict.fromkeys(self.policy.label(f) for f in findings)))


def _recipients(consents: RecipientConsents, domain: str) -> list[str]:
    """The recipients of the consents that cover an address, each with how it was matched:
    "Canterbury CMHT (matched by this address)", "everyone at advice.example"."""
    named = []
    for record in consents.covering:
        if record.agency:
            how = "this address" if record.covers_by == ADDRESS else f"its domain {domain}"
            named.append(f"{record.to} (matched by {how})")
        elif record.covers_by == DOMAIN:
            named.append(f"everyone at {domain}")
        else:  # the consent names this very address
            named.append("this address")
    return list(dict.fromkeys(named))


_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _addresses(number: int, kind: str) -> str:
    """ "two listed addresses": small numbers in words, as a manager would write them."""
    said = _NUMBERS[number] if number < len(_NUMBERS) else str(number)
    return f"{said} {kind} address" + ("" if number == 1 else "es")


def _both(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _either(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _without_names(reason: str) -> str:
    """An unscannable reason without the names it quotes: filenames may name people.

    Extraction quotes every name it puts in a place ("attachment 1 'Amina Okafor.pdf'"); all
    from the first quote to the last goes, so a name with an apostrophe in it goes whole.
    """
    first, last = reason.find("'"), reason.rfind("'")
    if first == -1:
        return reason
    if first == last:  # a lone quote: keep nothing after it, it may begin a name
        return reason[:first].rstrip() or "a part could not be read"
    head, tail = reason[:first].rstrip(), reason[last + 1 :].strip()
    return head + tail if tail[:1] in (":", ";", ",", ")") else f"{head} {tail}".strip()
