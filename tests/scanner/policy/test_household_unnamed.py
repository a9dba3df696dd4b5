"""A household's shared address belongs to everyone who shares it when the item also refers to
someone it does not name: "her husband", "Mr H", a name not in the register."""

from __future__ import annotations

import pytest

from scanner.consent import MemoryConsentBook, RecordedConsent
from tests.scanner.policy.conftest import Check
from tests.scanner.policy.test_shared_identifiers import ABOUT_MARGARET, AGENCY, ARTHUR, MARGARET

# Her consent covers everything: only his missing consent can hold the copy.
REGISTER = MemoryConsentBook(
    [MARGARET, ARTHUR], [RecordedConsent("C-3001", "@agency.example", frozenset({"all"}))]
)


@pytest.mark.parametrize(
    "more",
    [
        " Her husband has advanced dementia and cannot be left alone.",
        " Mr H has advanced dementia.",
        " Her husband (born 09/09/1931) has advanced dementia.",
    ],
)
def test_a_household_member_referred_to_without_his_name_holds_the_copy(check: Check, more):
    verdict = check(ABOUT_MARGARET + more, AGENCY, consents=REGISTER)[AGENCY]
    assert verdict.action == "hold", verdict.reasons
    (his,) = [r for r in verdict.reasons if "ref P-3002" in r]
    assert "no consent recorded" in his
