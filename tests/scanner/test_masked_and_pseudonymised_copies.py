"""Masked and pseudonymised copies, in plain text, HTML and Word documents, hold no value in
clear (a masked number keeps only its last four digits), and pass the relay's safety net:
scanned and judged again as if just received, they need nothing more removed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.operators import Hash, Operators, load_operators, pseudonym_key
from scanner.policy.policy_file import Policy, load_policy
from scanner.removals import Removal, redact_text
from tests.scanner.redaction_pipeline import (
    key,
    leaks,
    redact_for_stranger,
    scan,
    verdict_for_stranger,
)
from tests.scanner.test_redaction_leaks import EMAIL, NAME, NHS, PHONE, POSTCODE, _from_grace
from tests.scanner.test_redaction_leaks import FORMS as LEAK_FORMS

pytestmark = pytest.mark.slow

VALUES = [NAME, NHS, PHONE, EMAIL, POSTCODE, "chidi.eze"]
BODY = (
    f"Referral for {NAME}, NHS number {NHS}, mobile {PHONE}, email {EMAIL}, "
    f"postcode {POSTCODE}. Please call back."
)
FORMS = tuple(LEAK_FORMS)  # plain text, HTML, a Word document, quoted-printable
MASK = "    operator: mask\n    keep_last_digits: 4\n    clause: '003 Need to Know'\n"
HASH = "    operator: hash\n    clause: '003 Principle c'\n"
RULES = {
    "numbers masked": f"  - types: [UK_NHS, PHONE_NUMBER]\n{MASK}",
    "pseudonyms": f"  - types: [PERSON, EMAIL_ADDRESS, UK_NHS]\n{HASH}",
    "numbers masked, names pseudonymised": (
        f"  - types: [UK_NHS, PHONE_NUMBER]\n{MASK}  - types: [PERSON, EMAIL_ADDRESS]\n{HASH}"
    ),
}
# What the copy says in the body's place; {name}, {nhs} and {email} stand for those values'
# pseudonyms under the installation's key.
IN_PLACE = {
    "numbers masked": (
        "Referral for [name removed], NHS number ********2997, mobile ********0461, "
        "email [email address removed], postcode [postcode removed]."
    ),
    "pseudonyms": (
        "Referral for {name}, NHS number {nhs}, mobile [phone number removed], "
        "email {email}, postcode [postcode removed]."
    ),
    "numbers masked, names pseudonymised": (
        "Referral for {name}, NHS number ********2997, mobile ********0461, "
        "email {email}, postcode [postcode removed]."
    ),
}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data") / "pseudonym.key"


@pytest.fixture
def operators_for(tmp_path: Path, key_file: Path) -> Callable[[str], Operators]:
    """The operators of a redaction file with the given ``by_type`` entries."""

    def load(rules: str) -> Operators:
        path = tmp_path / "redaction.yaml"
        path.write_text(f"default: {{operator: replace, clause: '000 2.3'}}\nby_type:\n{rules}")
        return load_operators(path, key_file)

    return load


@pytest.fixture
def copy_for(
    detector: Detector, policy: Policy, operators_for: Callable[[str], Operators]
) -> Callable[[str, str], bytes]:
    """The stranger's copy of the body in a form, redacted with a set of ``RULES``."""

    def redact(rules: str, form: str) -> bytes:
        data = _from_grace(LEAK_FORMS[form](BODY))
        return redact_for_stranger(detector, policy, data, operators_for(RULES[rules]))

    return redact


def _text(copy: bytes) -> str:
    extraction = extract(copy, ScanLimits(), kind=FileType.EMAIL)
    return "\n".join(segment.text for segment in extraction.segments)


def _digit_runs(value: str, length: int = 5) -> set[str]:
    digits = "".join(c for c in value if c.isdigit())
    return {digits[i : i + length] for i in range(len(digits) - length + 1)}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("rules", RULES)
def test_a_masked_or_pseudonymised_copy_holds_no_value_and_passes_the_safety_net(
    detector: Detector, policy: Policy, copy_for: Callable[[str, str], bytes], rules: str, form: str
) -> None:
    """No value is left whole, no five digits of a number are left together, and the copy,
    scanned and judged again for the same recipient, needs nothing removed and is not held."""
    copy = copy_for(rules, form)
    assert leaks(partial(scan, detector), copy, VALUES) == []
    text = _text(copy)
    kept = {run for value in VALUES for run in _digit_runs(value) if run in key(text)}
    assert kept == set()
    again, _ = verdict_for_stranger(detector, policy, copy)
    assert (again.action, again.redactions) in {("release", ()), ("banner", ())}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("rules", RULES)
def test_each_value_goes_the_way_its_type_is_given(
    copy_for: Callable[[str, str], bytes], key_file: Path, rules: str, form: str
) -> None:
    """A masked number keeps its last four digits, for a partner to match its own record; a
    pseudonym is the one its value has under the installation's key, whether the value was
    in the text, the HTML or a Word document; other types are replaced by their label."""
    hashed = Hash(pseudonym_key(key_file))

    def pseudonym(value: str, label: str) -> str:
        return redact_text(value, [(0, len(value), Removal(value, label, hashed))])

    expected = IN_PLACE[rules].format(
        name=pseudonym(NAME, "name"),
        nhs=pseudonym(NHS, "NHS number"),
        email=pseudonym(EMAIL, "email address"),
    )
    assert expected in _text(copy_for(rules, form))
