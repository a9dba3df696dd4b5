"""Anyone can write any address as the envelope sender: only the organisation's own people
(the policy's `attribution.sender_kinds`) send their own data by their own choice; a client's
address as sender makes nothing of the client's theirs to send."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.policy.policy_file import DEFAULT_POLICY, load_policy
from scanner.rules_file import RulesError
from tests.scanner.policy.conftest import STRANGER, Check

CARERS_ADDRESS = "amina.okafor@example.com"  # recorded for the carer C-1042
HER_DETAILS = (
    "Amina Okafor: NI QQ 12 34 56 C, DOB 04/03/1961, 14 Mill Lane, Leeds LS9 6AB, mobile"
    " 07700 900123. She has been diagnosed with depression."
)


def test_a_carers_address_as_sender_does_not_release_her_data(check: Check):
    """Her NI number, date of birth, address and diagnosis, sent "from" her recorded address
    to a stranger, are held for her missing consent, the diagnosis among them."""
    verdict = check(HER_DETAILS, STRANGER, sender=CARERS_ADDRESS)[STRANGER]
    assert verdict.action == "hold", verdict.reasons
    assert "senders-own-data" not in verdict.rules
    (hers,) = [r for r in verdict.reasons if "ref C-1042" in r]
    assert "no consent recorded" in hers
    assert "mental health information" in hers
    assert "sender's own data" not in " ".join(verdict.reasons)


def test_a_sender_kind_the_register_does_not_have_stops_the_policy_loading(tmp_path: Path):
    path = tmp_path / "default.yaml"
    shutil.copy(DEFAULT_POLICY, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kinds: [staff, volunteer]", "kinds: [staff, staf]"), "utf-8")
    with pytest.raises(RulesError, match="unknown subject kind 'staf'"):
        load_policy(path)
