"""rules/default.yaml: the ordered policy rules, checked as they load.

A mistake is reported as ``file:line: what is wrong; expected ...``, so whoever edits the
policy can fix it without reading Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scanner.consent import Scope
from scanner.findings import Finding
from scanner.rules_file import DEFAULT_RULES_DIR, Reader, RulesError, load_yaml

DEFAULT_POLICY = DEFAULT_RULES_DIR / "default.yaml"
ACTIONS = ("release", "banner", "redact", "hold")  # from mildest to strictest
CATEGORIES = frozenset(
    {"name", "contact", "identifier", "special_category", "safeguarding", "organisational"}
)
CONSENT_STATES = ("missing", "partial", "given", "sender")
_CONDITIONS = frozenset(
    {"unscannable", "recipient", "found", "subject_consent", "unlinked", "with"}
)

__all__ = ["ACTIONS", "DEFAULT_POLICY", "Condition", "Policy", "PolicyRule", "RulesError"]


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
    id: str
    clause: str
    when: Condition
    action: str
    reason: str
    final: bool = False


@dataclass(frozen=True)
class Policy:
    """The rules in order, and how findings map to categories, scopes and words."""

    rules: tuple[PolicyRule, ...]
    categories: dict[str, str]
    scopes: dict[str, Scope]
    labels: dict[str, str]
    together_within_chars: int
    source: str

    def category(self, finding: Finding) -> str:
        return self.categories.get(finding.type, "identifier")

    def scope(self, finding: Finding) -> Scope:
        """The consent scope that covers ``finding``; ``Scope.ALL`` when no narrower one does."""
        return self.scopes.get(_group_key(finding)) or self.scopes.get(finding.type) or Scope.ALL

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
    top.unknown_keys({"categories", "together_within_chars", "scopes", "labels", "rules"})
    categories: dict[str, str] = {}
    section = top.section("categories")
    for category in _keys(section):
        if category not in CATEGORIES:
            raise section.fail(f"unknown category '{category}'; expected {_either(CATEGORIES)}")
        for entity in section.strings(category):
            categories[entity] = category
    scopes: dict[str, Scope] = {}
    section = top.section("scopes")
    narrow = sorted(s.value for s in Scope if s is not Scope.ALL)
    for scope in _keys(section):
        if scope not in narrow:
            raise section.fail(f"unknown scope '{scope}'; expected {'|'.join(narrow)}")
        for entity in section.strings(scope):
            scopes[entity] = Scope(scope)
    section = top.section("labels")
    labels = {key: section.get(key, str) for key in _keys(section)}
    together = top.get("together_within_chars", int, 300)
    if together < 0:
        raise top.fail("'together_within_chars' must be 0 or more")
    rules = []
    seen: set[str] = set()
    for entry in top.get("rules", list):
        rule = _rule(Reader(path, entry, "each rule"))
        if rule.id in seen:
            raise Reader(path, entry, "each rule").fail(f"rule id '{rule.id}' is used twice")
        seen.add(rule.id)
        rules.append(rule)
    if not rules:
        raise top.fail("'rules' is empty; list at least one rule")
    return Policy(tuple(rules), categories, scopes, labels, together, str(path))


def _rule(item: Reader) -> PolicyRule:
    item.unknown_keys({"id", "clause", "when", "action", "reason", "final"})
    action = item.get("action", str)
    if action not in ACTIONS:
        raise item.fail(f"unknown action '{action}'; expected {'|'.join(ACTIONS)}")
    return PolicyRule(
        id=item.get("id", str),
        clause=item.get("clause", str),
        when=_condition(item.section("when")),
        action=action,
        reason=item.get("reason", str),
        final=item.get("final", bool, False),
    )


def _condition(when: Reader) -> Condition:
    when.unknown_keys(set(_CONDITIONS))
    recipient = when.mapping.get("recipient")
    if recipient is not None and recipient not in ("internal", "external"):
        raise when.fail(f"unknown recipient '{recipient}'; expected internal|external")
    consent = when.mapping.get("subject_consent")
    if consent is not None and consent not in CONSENT_STATES:
        raise when.fail(f"unknown subject_consent '{consent}'; expected {'|'.join(CONSENT_STATES)}")
    unscannable = when.get("unscannable", bool, False) if "unscannable" in when.mapping else None
    condition = Condition(
        unscannable=unscannable,
        recipient=recipient,
        found=_categories(when, "found"),
        subject_consent=consent,
        unlinked=_categories(when, "unlinked"),
        with_=_categories(when, "with"),
    )
    if condition.with_ is not None and consent is None and condition.unlinked is None:
        raise when.fail("'with' narrows 'subject_consent' or 'unlinked'; add one of them")
    if condition == Condition():
        raise when.fail(f"'when' is empty; give one of {', '.join(sorted(_CONDITIONS))}")
    return condition


def _categories(when: Reader, key: str) -> frozenset[str] | None:
    if key not in when.mapping:
        return None
    values = when.strings(key)
    for value in values:
        if value not in CATEGORIES:
            raise when.fail(
                f"unknown category '{value}' in '{key}'; expected {_either(CATEGORIES)}"
            )
    return frozenset(values)


def _keys(section: Reader) -> list[str]:
    return [str(key) for key in section.mapping if key != "__line__"]


def _either(values: frozenset[str]) -> str:
    return "|".join(sorted(values))
