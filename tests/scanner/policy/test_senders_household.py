"""A diagnosis written beside only the sender's own details is someone's, never the sender's
own data: it is held as someone's not in the register, or as the household member's whose
address it shares."""

from __future__ import annotations

from scanner.consent import KnownSubject, MemoryConsentBook
from tests.scanner.policy.conftest import INTERNAL, STRANGER, Check

HOME = {"postcode": "LS2 7EW", "address": "7 Harbour View, Leeds"}
GRACE = KnownSubject("S-0007", "staff", ("Grace Mwangi",), emails=(INTERNAL,), **HOME)
JOE = KnownSubject("P-3002", "cared_for", ("Joe Mwangi",), **HOME)


def test_a_diagnosis_beside_the_senders_address_is_held_as_someones(check: Check):
    register = MemoryConsentBook([GRACE], [])
    text = "I live at 7 Harbour View, Leeds LS2 7EW with my husband, who has dementia."
    verdict = check(text, STRANGER, consents=register)[STRANGER]
    assert verdict.action == "hold", verdict.reasons
    assert "unlinked-sensitive" in verdict.rules
    assert "Health information of someone not in the consent register" in verdict.reasons


def test_the_senders_own_data_never_lists_a_diagnosis(check: Check):
    """Her address is also the cared-for person's: the dementia is tied to him, not to her,
    and her own data's reason does not say health information."""
    register = MemoryConsentBook([GRACE, JOE], [])
    text = "I live at 7 Harbour View, Leeds LS2 7EW with my husband, who has dementia."
    verdict = check(text, STRANGER, consents=register)[STRANGER]
    assert verdict.action == "hold", verdict.reasons
    for reason in verdict.reasons:
        if "sender's own data" in reason:
            assert "health" not in reason, reason
    assert any("ref P-3002" in r and "health information" in r for r in verdict.reasons)
