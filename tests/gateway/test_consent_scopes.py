"""The scopes a consent may be recorded with are the policy's words (`consent_scopes` in
rules/default.yaml), not a list in Python: a charity that adds one can record it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.policy.policy_file import DEFAULT_POLICY
from tests.gateway.conftest import CONSENT_HEADER, EXAMPLES

pytestmark = pytest.mark.django_db(transaction=True)

HOUSING = "C-1001,@housing.example,housing;Contact,written,Priya Sharma,2026-03-01,,,Signed form"


def test_a_scope_the_policy_adds_can_be_recorded(confide, write_csv, tmp_path: Path):
    """With `housing` added to the policy's consent_scopes, a consent for housing and contact
    imports and is stored in the policy's order; with the shipped policy it is refused."""
    consents = write_csv("consents.csv", CONSENT_HEADER, HOUSING)
    files = ("--subjects", EXAMPLES / "subjects.csv", "--consents", consents)
    refused = confide("consent", "import", *files)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"{consents}:2: scope: item 1 is not a scope; expected contact, health, financial, all\n"
    )
    policy = tmp_path / "policy.yaml"
    shutil.copy(DEFAULT_POLICY, policy)
    text = policy.read_text(encoding="utf-8")
    old = "  scopes: [contact, health, financial]\n"
    assert old in text
    policy.write_text(text.replace(old, "  scopes: [contact, health, financial, housing]\n"))
    own = {"CONFIDE_ORGANISATION__POLICY": str(policy)}
    imported = confide("consent", "import", *files, env=own)
    assert imported.returncode == 0, imported.stderr
    shown = confide("consent", "show", "C-1001", env=own)
    assert "@housing.example: contact, housing; written" in shown.stdout
