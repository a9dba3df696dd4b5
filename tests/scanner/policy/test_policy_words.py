"""The policy's words are data: what counts as personal data, whose data a finding is, the
consent scopes, the own-data exception and the attribution window are read from the rules
folder, so a charity changes them by editing YAML, and every rule read is accounted for."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.attribution import Sender
from scanner.consent import MemoryConsentBook
from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers
from scanner.extract import extract
from scanner.judging import MatcherCache, Organisation, judge
from scanner.limits import ScanLimits
from scanner.policy.policy_file import DEFAULT_POLICY, Policy, load_policy
from scanner.rules_file import DEFAULT_RULES_DIR, RulesError
from scanner.scanning import ScanResult
from tests.scanner.policy.conftest import ADVICE, INTERNAL, NOW, STRANGER, Check

IMMIGRATION = """\
# Immigration status, which a refugee support service holds in confidence.
entity: IMMIGRATION_STATUS
score: 0.7
groups:
  status: ["leave to remain", "asylum claim", "refugee status"]
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_term_list_added_to_the_rules_folder_counts_without_code(tmp_path: Path) -> None:
    """A charity writes rules/terms/immigration.yaml, names it in recognizers.yaml and gives
    its finds a category of their own in default.yaml: an immigration status in a message
    about nobody in the register is then personal data, and held for an outsider."""
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    (rules / "terms" / "immigration.yaml").write_text(IMMIGRATION, encoding="utf-8")
    _edit(
        rules / "recognizers.yaml",
        "  - terms/organisational.yaml\n",
        "  - terms/organisational.yaml\n  - terms/immigration.yaml\n",
    )
    policy_file = rules / "default.yaml"
    _edit(policy_file, "  alone: [identifier]\n", "  alone: [identifier, immigration]\n")
    _edit(
        policy_file,
        "  organisational: [ORG_CONFIDENTIAL]\n",
        "  organisational: [ORG_CONFIDENTIAL]\n  immigration: [IMMIGRATION_STATUS]\n",
    )
    _edit(
        policy_file,
        "when: {unlinked: [special_category, safeguarding]}",
        "when: {unlinked: [special_category, safeguarding, immigration]}",
    )
    policy = load_policy(policy_file)
    detector = Detector(load_recognizers(rules / "recognizers.yaml"))
    extraction = extract(b"The client's leave to remain runs out in May.", ScanLimits())
    result = ScanResult(extraction, tuple(detector.scan(extraction)))
    assert [f.type for f in result.findings] == ["IMMIGRATION_STATUS"]
    assert policy.category(result.findings[0]) in policy.personal
    book = MemoryConsentBook()
    verdict = judge(
        result,
        [STRANGER],
        sender=Sender(INTERNAL),
        policy=policy,
        book=book,
        matcher=MatcherCache().get(book),
        organisation=Organisation(internal_domains=("carers.example",)),
        at=NOW,
    )[STRANGER]
    assert (verdict.action, verdict.rules) == ("hold", ("unlinked-sensitive",))
    assert verdict.reasons == ("Immigration status of someone not in the consent register",)


def test_the_own_data_exception_is_a_rule_that_can_be_switched_off(check: Check, policy: Policy):
    """Amina's own data sent to her own address needs no consent record, by the rule
    own-data-to-subject, which the verdict names; without that rule her address is a
    recipient like any other, with no consent recorded."""
    text = "Amina Okafor, your NHS number is 945 807 3022."
    own = "amina.okafor@example.com"
    verdict = check(text, own)[own]
    assert verdict.action == "banner"
    assert verdict.rules[0] == "own-data-to-subject"
    assert "(ref C-1042)" in verdict.reasons[0]
    without = replace(policy, rules=tuple(r for r in policy.rules if r.id != "own-data-to-subject"))
    verdict = check(text, own, rules=without)[own]
    assert (verdict.action, verdict.rules) == ("hold", ("no-consent",))


def test_attribution_reads_together_within_chars_from_the_policy(check: Check, policy: Policy):
    """A diagnosis 150 characters after Amina's name is hers under the shipped 300, so the
    adviser, whose consent covers contact details only, is held; with together_within_chars
    at 100 it is nobody's, and alone it discloses nothing, so her name goes with a banner."""
    text = (
        "Amina Okafor came to the carers' group on Tuesday and stayed for lunch with everyone. "
        "She said that the doctors have now confirmed their diagnosis of dementia.\n\n"
        + "The group meets in the community room every week from ten until twelve. " * 5
        + "\n\nJohn Doe will run next month's group."
    )
    gap = text.index("dementia") - len("Amina Okafor")
    assert 100 < gap < 300 < text.index("John Doe") - text.index("dementia")
    assert check(text, ADVICE)[ADVICE].action == "hold"
    near = replace(policy, together_within_chars=100)
    assert check(text, ADVICE, rules=near)[ADVICE].action == "banner"


def test_a_verdict_names_the_rules_read_that_did_not_fire(check: Check, policy: Policy):
    """Every rule read either fired or did not, and the verdict says which; rules after a
    final rule that fired are not read at all."""
    ids = [rule.id for rule in policy.rules]
    text = "Amina Okafor's mobile is 07700 900123."
    outside = check(text, STRANGER)[STRANGER]
    assert outside.rules == ("no-consent",)
    assert outside.not_fired == tuple(i for i in ids if i != "no-consent")
    inside = check(text, INTERNAL)[INTERNAL]
    assert inside.rules == ("internal-recipient",)
    assert inside.not_fired == ("unscannable-internal", "unscannable")
    nothing = check("The coffee morning has moved to Thursday.", STRANGER)[STRANGER]
    assert (nothing.rules, nothing.not_fired) == ((), tuple(ids))


def test_a_policy_file_without_the_new_sections_reads_them_from_the_shipped_one(
    tmp_path: Path,
) -> None:
    """A charity's policy written before personal_data, attribution and consent_scopes
    existed still counts, attributes and records consent as the shipped policy does."""
    old = tmp_path / "policy.yaml"
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    for section in ("personal_data", "attribution", "consent_scopes"):
        start = text.index(f"\n{section}:\n")
        end = text.index("\n\n", start + 1)
        text = text[:start] + text[end:]
        assert f"{section}:" not in text
    old.write_text(text, encoding="utf-8")
    shipped, own = load_policy(), load_policy(old)
    assert (own.personal, own.need_companion) == (shipped.personal, shipped.need_companion)
    assert (own.attribution, own.consent_scopes) == (shipped.attribution, shipped.consent_scopes)


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (
            "  alone: [identifier]\n",
            "  alone: [identifier, name]\n",
            '  clause: "000 1.1, 1.2"',
            "category 'name' is under both 'alone' and 'with_another'; keep one",
        ),
        (
            "  alone: [identifier]\n",
            "  alone: []\n",
            '  clause: "000 1.1, 1.2"',
            "'identifier' is missing: it is the category of every finding type",
        ),
        (
            "  name: [PERSON]\n",
            "  names: [PERSON]\n",
            "  names: [PERSON]",
            "unknown category 'names'; expected",
        ),
        (
            '    clause: "000 2.1"\n    types: [PERSON',
            '    clause: " "\n    types: [PERSON',
            '    clause: " "',
            "'clause' is empty; name the policy clause this implements",
        ),
        (
            "  scopes: [contact, health, financial]\n",
            "  scopes: [contact, health, financial, all]\n",
            '  clause: "003 Informed Consent',
            "'all' is always a scope; list only the narrower ones",
        ),
        (
            "  scopes: [contact, health, financial]\n",
            "  scopes: [contact, Health, financial]\n",
            '  clause: "003 Informed Consent',
            "scope 'Health' must be one lower-case word",
        ),
        (
            "    consent: [all]\n",
            "    consent: [housing]\n",
            "  - id: own-data-to-subject",
            "unknown scope 'housing' in 'consent'; expected contact|health|financial|all",
        ),
        (
            "    consent: [all]\n",
            "    consent: [all]\n    action: banner\n",
            "  - id: own-data-to-subject",
            "a rule with 'consent' has no 'action'",
        ),
        (
            "    when: {recipient: subject}\n",
            "    when: {recipient: external}\n",
            "  - id: own-data-to-subject",
            "its 'when' needs 'recipient: subject'",
        ),
    ],
)
def test_mistakes_in_the_policys_words_name_the_file_and_line(
    tmp_path: Path, old: str, new: str, at: str, message: str
) -> None:
    """A wrong personal_data, categories, attribution, consent_scopes or consent rule stops
    at load with `file:line: what is wrong; what to do`, the line being where the wrong
    section or rule begins."""
    path = tmp_path / "default.yaml"
    shutil.copy(DEFAULT_POLICY, path)
    _edit(path, old, new)
    text = path.read_text(encoding="utf-8")
    line = text[: text.index(at)].count("\n") + 1
    with pytest.raises(RulesError) as error:
        load_policy(path)
    assert str(error.value).startswith(f"{path}:{line}: ")
    assert message in str(error.value)


def test_a_rule_that_gives_consent_must_come_before_those_that_ask(tmp_path: Path) -> None:
    """own-data-to-subject moved below no-consent would give its consent too late to count:
    the policy does not load, and says which rule asks first."""
    path = tmp_path / "default.yaml"
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    start = text.index("  - id: own-data-to-subject")
    end = text.index("\n\n", start) + 2
    path.write_text(text[:start] + text[end:] + "\n" + text[start:end], encoding="utf-8")
    with pytest.raises(RulesError, match="must come before rule 'special-category-without"):
        load_policy(path)
