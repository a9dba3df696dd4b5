"""A grammatical owner reached through another person ("Gareth has a mother with dementia")
is not trusted: the diagnosis is tied to every registered person the sentence names."""

from __future__ import annotations

import pytest

from tests.scanner.policy.conftest import Check
from tests.scanner.policy.test_diagnosis_ties import AGENCY, REGISTER


@pytest.mark.parametrize(
    "text",
    [
        "Gareth Hughes has a mother with dementia called Margaret Hughes.",
        "Gareth Hughes has a wife, Margaret Hughes, with advanced dementia.",
    ],
)
def test_a_diagnosis_reached_through_a_relation_is_everyones_named(check: Check, text):
    verdict = check(text, AGENCY, consents=REGISTER)[AGENCY]
    assert verdict.action == "hold", verdict.reasons
    (hers,) = [r for r in verdict.reasons if "(ref P-4002);" in r]
    assert "covers contact only, not health information" in hers
    assert hers.endswith(
        "; the health information is tied to everyone its sentence names, which does not make"
        " clear whom it is about"
    )
