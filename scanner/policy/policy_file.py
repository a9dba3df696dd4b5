"""rules/default.yaml: the ordered policy rules, checked as they load.

A mistake is reported as ``file:line: what is wrong; expected ...``, so whoever edits the
policy can fix it without reading Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scanner.actions import Action
from scanner.attribution import AttributionTypes
from scanner.consent import ALL_SCOPES, SUBJECT_KINDS, Scope
from scanner.findings import Finding
from scanner.rules_file import DEFAULT_POLICY, Reader, RulesError, load_yaml

CONSENT_STATES = ("missing", "partial", "given", "sender")
RECIPIENTS = ("internal", "external", "subject")
# The category of a finding type that the policy's `categories` does not list.
UNLISTED = "identifier"
# The kinds of category `personal_data` sorts every category into.
_PERSONAL_KINDS = ("alone", "with_another", "not_personal")
_CONDITIONS = frozenset(
    {"unscannable", "recipient", "found", "subject_consent", "unlinked", "with"}
)

__all__ = ["DEFAULT_POLICY", "Condition", "Policy", "PolicyRule", "RulesError"]


@dataclass(frozen=True)
class Condition:
    """What must hold for a rule to fire; ``None`` means "not asked"."""

    unscannable: bool | None = None
    recipient: str | None = None
    found: frozenset[str] | None = None
    subject_consent: str | None = None
    unlinked: frozenset[str] | None = None
    with_: frozenset[str] | None = None


@dataclass(frozen=True)
class PolicyRule:
    """One rule: it either has an ``action`` or, where it fires, gives the subjects who
    receive their own data the ``consent`` scopes (its ``action`` is then ``None``)."""

    id: str
    clause: str
    when: Condition
    action: Action | None
    reason: str
    final: bool = False
    consent: frozenset[Scope] = frozenset()


@dataclass(frozen=True)
class Policy:
    """The rules in order, and how findings map to categories, scopes and words."""

    rules: tuple[PolicyRule, ...]
    categories: dict[str, str]
    # Categories that are personal data, and those of them that count, linked to nobody,
    # only with another within ``together_within_chars``.
    personal: frozenset[str]
    need_companion: frozenset[str]
    # Pairs of finding types of one category that count together all the same, as two
    # categories do (``personal_data.together``).
    together: frozenset[frozenset[str]]
    consent_scopes: tuple[Scope, ...]  # the words a consent may be recorded with, but 'all'
    scopes: dict[str, Scope]
    labels: dict[str, str]
    together_within_chars: int
    attribution: AttributionTypes
    source: str

    def without_consent(self, fired: Iterable[str]) -> bool:
        """Whether any of the ``fired`` rules (by id) fires for personal data whose person
        has not consented to the recipient: a known person's consent missing or partial, or
        someone not in the register. The CONFIDENTIAL banner's claim of a recorded consent
        would be false for such a copy."""
        ids = set(fired)
        return any(
            rule.id in ids
            and (rule.when.subject_consent in ("missing", "partial") or rule.when.unlinked)
            for rule in self.rules
        )

    def category(self, finding: Finding) -> str:
        return self.categories.get(finding.type, UNLISTED)

    def identify_together(self, first: Finding, second: Finding) -> bool:
        """Whether two findings linked to nobody identify someone together: they are of two
        categories, or their types are a pair listed under ``personal_data.together``."""
        return (
            self.category(first) != self.category(second)
            or frozenset((first.type, second.type)) in self.together
        )

    def scope(self, finding: Finding) -> Scope:
        """The consent scope that covers ``finding``; ``ALL_SCOPES`` when no narrower one does."""
        return self.scopes.get(_group_key(finding)) or self.scopes.get(finding.type) or ALL_SCOPES

    def label(self, finding: Finding) -> str:
        """Plain words for what ``finding`` is: "NHS number", "health information"."""
        return (
            self.labels.get(_group_key(finding))
            or self.labels.get(finding.type)
            or finding.type.replace("_", " ").lower()
        )


def _group_key(finding: Finding) -> str:
    """``SPECIAL_CATEGORY:health`` for a term from that group, else the type."""
    _, _, group = finding.recognizer.partition(":")
    return f"{finding.type}:{group}" if group else finding.type


def load_policy(path: Path = DEFAULT_POLICY) -> Policy:
    """Read and check a policy file; raises ``RulesError`` naming the file and line."""
    top = Reader(path, load_yaml(path), "the policy file")
    top.unknown_keys(
        {
            "personal_data",
            "categories",
            "together_within_chars",
            "attribution",
            "consent_scopes",
            "scopes",
            "labels",
            "rules",
        }
    )
    shipped = _Sections(top)
    personal_data = shipped.section("personal_data")
    kinds = _personal_data(personal_data)
    known = frozenset(kinds)
    categories: dict[str, str] = {}
    section = top.section("categories")
    for category in _keys(section):
        if category not in known:
            raise section.fail(f"unknown category '{category}'; expected {_either(known)}")
        for entity in section.strings(category):
            categories[entity] = category
    words = _consent_scopes(shipped.section("consent_scopes"))
    scopes: dict[str, Scope] = {}
    section = top.section("scopes")
    for scope in _keys(section):
        if scope not in words:
            raise section.fail(f"unknown scope '{scope}'; expected {'|'.join(words)}")
        for entity in section.strings(scope):
            scopes[entity] = scope
    section = top.section("labels")
    labels = {key: section.get(key, str) for key in _keys(section)}
    together = _together(personal_data, categories, kinds, own=personal_data.path == top.path)
    within = top.get("together_within_chars", int, 300)
    if within < 0:
        raise top.fail("'together_within_chars' must be 0 or more")
    not_personal = {c for c, kind in kinds.items() if kind == "not_personal"}
    attribution = _attribution(
        shipped.section("attribution"),
        nobodys=frozenset(t for t, c in categories.items() if c in not_personal),
    )
    rules = _rules(top, known, (*words, ALL_SCOPES))
    return Policy(
        rules=rules,
        categories=categories,
        personal=frozenset(c for c, kind in kinds.items() if kind != "not_personal"),
        need_companion=frozenset(c for c, kind in kinds.items() if kind == "with_another"),
        together=together,
        consent_scopes=words,
        scopes=scopes,
        labels=labels,
        together_within_chars=within,
        attribution=attribution,
        source=str(path),
    )


class _Sections:
    """The sections of a policy file, or of the shipped default policy where the file leaves
    one out: a policy written before a section existed reads as it did."""

    def __init__(self, top: Reader) -> None:
        self._top = top
        self._default: Reader | None = None

    def section(self, key: str) -> Reader:
        if key in self._top.mapping or self._top.path.resolve() == DEFAULT_POLICY.resolve():
            return self._top.section(key)
        if self._default is None:
            self._default = Reader(DEFAULT_POLICY, load_yaml(DEFAULT_POLICY), "the policy file")
        return self._default.section(key)


def _personal_data(section: Reader) -> dict[str, str]:
    """Every category there is, and whether it is personal data (see rules/default.yaml)."""
    section.unknown_keys({"clause", "together", *_PERSONAL_KINDS})
    _clause(section)
    kinds: dict[str, str] = {}
    for kind in _PERSONAL_KINDS:
        for category in section.strings(kind, []):
            if category in kinds:
                raise section.fail(
                    f"category '{category}' is under both '{kinds[category]}' and '{kind}'; "
                    "keep one"
                )
            kinds[category] = kind
    if UNLISTED not in kinds:
        raise section.fail(
            f"'{UNLISTED}' is missing: it is the category of every finding type 'categories' "
            f"does not list; put it under {', '.join(_PERSONAL_KINDS)}"
        )
    return kinds


def _together(
    section: Reader, categories: dict[str, str], kinds: dict[str, str], *, own: bool
) -> frozenset[frozenset[str]]:
    """The pairs of finding types of one category that identify someone together. Read from
    the shipped policy (``own`` false: the file has no ``personal_data``), a pair naming a
    type the file's own ``categories`` do not list is left out, so it reads as it did."""
    pairs = set()
    for pair in section.get("together", list, []):
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair)
        ):
            raise section.fail(
                f"each of 'together' must be a pair of finding types, [TYPE, TYPE], not {pair!r}"
            )
        if not own and not all(kind in categories for kind in pair):
            continue
        for kind in pair:
            category = categories.get(kind)
            if category is None or kinds.get(category) != "with_another":
                raise section.fail(
                    f"'together' names '{kind}', which is not a finding type of a category "
                    "under 'with_another'; list it under 'categories' first"
                )
        if categories[pair[0]] != categories[pair[1]] or pair[0] == pair[1]:
            raise section.fail(
                f"'together' pairs {pair[0]} and {pair[1]}: a pair is two types of one "
                "category (two categories count together already)"
            )
        pairs.add(frozenset(pair))
    return frozenset(pairs)


def _consent_scopes(section: Reader) -> tuple[Scope, ...]:
    section.unknown_keys({"clause", "scopes"})
    _clause(section)
    words = section.strings("scopes")
    for word in words:
        if word == ALL_SCOPES:
            raise section.fail(f"'{ALL_SCOPES}' is always a scope; list only the narrower ones")
        if not word.isidentifier() or word != word.lower():
            raise section.fail(
                f"scope '{word}' must be one lower-case word (letters, digits and _), as the "
                "register records it"
            )
    if len(set(words)) != len(words):
        raise section.fail("'scopes' lists a scope twice")
    return words


def _attribution(section: Reader, nobodys: frozenset[str]) -> AttributionTypes:
    section.unknown_keys({"matched_by_value", "signature", "sender_kinds", "relationship_words"})

    def types(key: str) -> frozenset[str]:
        entry = section.section(key)
        entry.unknown_keys({"clause", "types"})
        _clause(entry)
        return frozenset(entry.strings("types"))

    entry = section.section("sender_kinds")
    entry.unknown_keys({"clause", "kinds"})
    _clause(entry)
    kinds = frozenset(entry.strings("kinds"))
    unknown = sorted(kinds - SUBJECT_KINDS)
    if unknown:
        raise entry.fail(f"unknown subject kind '{unknown[0]}'; expected {_either(SUBJECT_KINDS)}")
    entry = section.section("relationship_words")
    entry.unknown_keys({"clause", "words"})
    _clause(entry)
    words = frozenset(w.lower() for w in entry.strings("words"))
    return AttributionTypes(types("matched_by_value"), types("signature"), nobodys, kinds, words)


def _clause(section: Reader) -> None:
    """Check that a section names the policy clause it implements: every one does."""
    if not section.get("clause", str).strip():
        raise section.fail("'clause' is empty; name the policy clause this implements")


def _rules(
    top: Reader, categories: frozenset[str], scopes: tuple[Scope, ...]
) -> tuple[PolicyRule, ...]:
    rules: list[PolicyRule] = []
    seen: set[str] = set()
    asking: tuple[str, Reader] | None = None  # the first rule that asks for consent
    for entry in top.get("rules", list):
        item = Reader(top.path, entry, "each rule")
        rule = _rule(item, categories, scopes)
        if rule.id in seen:
            raise item.fail(f"rule id '{rule.id}' is used twice")
        seen.add(rule.id)
        if rule.when.subject_consent is not None and asking is None:
            asking = (rule.id, item)
        if rule.consent and asking is not None:
            raise item.fail(
                f"rule '{rule.id}' gives consent, so it must come before rule '{asking[0]}' "
                f"(line {asking[1].line}), which asks for it"
            )
        rules.append(rule)
    if not rules:
        raise top.fail("'rules' is empty; list at least one rule")
    return tuple(rules)


def _rule(item: Reader, categories: frozenset[str], scopes: tuple[Scope, ...]) -> PolicyRule:
    item.unknown_keys({"id", "clause", "when", "action", "consent", "reason", "final"})
    if "consent" in item.mapping:
        return _consent_rule(item, categories, scopes)
    action = item.get("action", str)
    if action not in set(Action):
        raise item.fail(f"unknown action '{action}'; expected {'|'.join(Action)}")
    return PolicyRule(
        id=item.get("id", str),
        clause=item.get("clause", str),
        when=_condition(item.section("when"), categories),
        action=Action(action),
        reason=item.get("reason", str),
        final=item.get("final", bool, False),
    )


def _consent_rule(
    item: Reader, categories: frozenset[str], scopes: tuple[Scope, ...]
) -> PolicyRule:
    """A rule that gives the subjects who receive their own data consent, instead of acting."""
    for key in ("action", "final"):
        if key in item.mapping:
            raise item.fail(f"a rule with 'consent' has no '{key}'; it only gives consent")
    rule_id, clause = item.get("id", str), item.get("clause", str)
    when = _condition(item.section("when"), categories)
    if when.recipient != "subject" or any(
        v is not None for v in (when.subject_consent, when.unlinked, when.with_)
    ):
        raise item.fail(
            "a rule with 'consent' gives it to the subjects who receive their own data: its "
            "'when' needs 'recipient: subject' and takes no subject_consent, unlinked or with"
        )
    given = item.strings("consent")
    for scope in given:
        if scope not in scopes:
            raise item.fail(f"unknown scope '{scope}' in 'consent'; expected {'|'.join(scopes)}")
    return PolicyRule(
        id=rule_id,
        clause=clause,
        when=when,
        action=None,
        reason=item.get("reason", str),
        consent=frozenset(given),
    )


def _condition(when: Reader, categories: frozenset[str]) -> Condition:
    when.unknown_keys(set(_CONDITIONS))
    recipient = when.mapping.get("recipient")
    if recipient is not None and recipient not in RECIPIENTS:
        raise when.fail(f"unknown recipient '{recipient}'; expected {'|'.join(RECIPIENTS)}")
    consent = when.mapping.get("subject_consent")
    if consent is not None and consent not in CONSENT_STATES:
        raise when.fail(f"unknown subject_consent '{consent}'; expected {'|'.join(CONSENT_STATES)}")
    unscannable = when.get("unscannable", bool, False) if "unscannable" in when.mapping else None
    condition = Condition(
        unscannable=unscannable,
        recipient=recipient,
        found=_categories(when, "found", categories),
        subject_consent=consent,
        unlinked=_categories(when, "unlinked", categories),
        with_=_categories(when, "with", categories),
    )
    if condition.with_ is not None and consent is None and condition.unlinked is None:
        raise when.fail("'with' narrows 'subject_consent' or 'unlinked'; add one of them")
    if condition == Condition():
        raise when.fail(f"'when' is empty; give one of {', '.join(sorted(_CONDITIONS))}")
    return condition


def _categories(when: Reader, key: str, categories: frozenset[str]) -> frozenset[str] | None:
    if key not in when.mapping:
        return None
    values = when.strings(key)
    for value in values:
        if value not in categories:
            raise when.fail(
                f"unknown category '{value}' in '{key}'; expected {_either(categories)}"
            )
    return frozenset(values)


def _keys(section: Reader) -> list[str]:
    return [str(key) for key in section.mapping if key != "__line__"]


def _either(values: frozenset[str]) -> str:
    return "|".join(sorted(values))
