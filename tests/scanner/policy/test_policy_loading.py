"""rules/default.yaml loads, and mistakes in a policy file name the file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.policy.policy_file import DEFAULT_POLICY, RulesError, load_policy

GOOD_HEAD = """categories:
  name: [PERSON]
scopes:
  contact: [PERSON]
labels:
  PERSON: name
rules:
"""


def test_the_default_policy_loads_and_every_rule_cites_a_clause():
    """Each default rule names the policy clause it implements."""
    policy = load_policy(DEFAULT_POLICY)
    assert [rule.id for rule in policy.rules][:3] == [
        "unscannable-internal",
        "unscannable",
        "internal-recipient",
    ]
    assert all(rule.clause.strip() for rule in policy.rules)


@pytest.mark.parametrize(
    ("rules", "line", "message"),
    [
        (
            "  - {id: a, clause: x, when: {unscannable: true}, action: quarantine, reason: r}\n",
            8,
            "unknown action 'quarantine'; expected release|banner|redact|hold",
        ),
        (
            "  - {id: a, clause: x, when: {recipient: partner}, action: hold, reason: r}\n",
            8,
            "unknown recipient 'partner'; expected internal|external",
        ),
        (
            "  - {id: a, clause: x, when: {found: [secrets]}, action: hold, reason: r}\n",
            8,
            "unknown category 'secrets' in 'found'",
        ),
        (
            "  - {id: a, clause: x, when: {subject_consent: maybe}, action: hold, reason: r}\n",
            8,
            "unknown subject_consent 'maybe'; expected missing|partial|given",
        ),
        (
            "  - {id: a, clause: x, when: {with: [name]}, action: hold, reason: r}\n",
            8,
            "'with' narrows 'subject_consent' or 'unlinked'",
        ),
        (
            "  - {id: a, when: {unscannable: true}, action: hold, reason: r}\n",
            8,
            "missing 'clause'",
        ),
        (
            "  - {id: a, clause: x, when: {}, action: hold, reason: r}\n",
            8,
            "'when' is empty",
        ),
        (
            "  - {id: a, clause: x, when: {unscannable: true}, action: hold, reason: r}\n"
            "  - {id: a, clause: y, when: {unscannable: true}, action: hold, reason: r}\n",
            9,
            "rule id 'a' is used twice",
        ),
    ],
)
def test_policy_mistakes_are_reported_with_file_and_line(tmp_path: Path, rules, line, message):
    """A wrong policy stops at load with `file:line: what is wrong; what to do`."""
    path = tmp_path / "policy.yaml"
    path.write_text(GOOD_HEAD + rules, encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_policy(path)
    assert str(error.value).startswith(f"{path}:{line}: ")
    assert message in str(error.value)


def test_an_unknown_scope_is_reported(tmp_path: Path):
    """Scopes are contact, health and financial ('all' needs no list)."""
    path = tmp_path / "policy.yaml"
    path.write_text(GOOD_HEAD.replace("contact: [PERSON]", "social: [PERSON]"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"policy.yaml:4: unknown scope 'social'"):
        load_policy(path)
