"""Reasons a manager can act on: which agency a consent is for, and how it matched."""

from __future__ import annotations

from datetime import datetime

import pytest

from scanner.consent import MemoryConsentBook, RecipientConsents, RecordedConsent
from tests.scanner.policy.conftest import (
    ADVICE,
    CONSENTS,
    COUNCIL,
    DAUGHTER,
    SUBJECTS,
    Check,
)

CMHT = ("duty.cmht@nhs.net", "canterbury.cmht@nhs.net")
REGISTER = MemoryConsentBook(
    list(SUBJECTS),
    [
        *CONSENTS,
        RecordedConsent(
            "C-1042",
            "Canterbury CMHT",
            frozenset({"all"}),
            agency_addresses=frozenset(CMHT),
        ),
    ],
)
AMINA = "Amina Okafor (NHS 945 807 3022) is home from hospital."
HODAN = "Hodan Warsame (NHS 157 368 1938) is home from hospital."


@pytest.mark.parametrize(
    ("text", "recipient", "action", "detail"),
    [
        (
            AMINA,
            CMHT[1],
            "banner",
            "consent recorded for Canterbury CMHT (matched by this address)",
        ),
        (
            AMINA,
            "ward.7@nhs.net",
            "hold",
            "no consent recorded for this address (nhs.net is shared; Canterbury CMHT's consent"
            " covers two listed addresses)",
        ),
        (
            AMINA,
            COUNCIL,
            "banner",
            "consent recorded for Leeds Adult Social Care (matched by its domain council.example)",
        ),
        (AMINA, ADVICE, "hold", "the consent for everyone at advice.example covers contact only"),
        (
            HODAN,
            COUNCIL,
            "hold",
            "no consent recorded for this address or for Leeds Adult Social Care, which it"
            " belongs to",
        ),
        (
            HODAN,
            "someone.else@gmail.com",
            "hold",
            "no consent recorded for this address (a consent covers one other address at"
            " gmail.com)",
        ),
        (HODAN, DAUGHTER, "banner", "consent recorded for this address"),
        (HODAN, "x@elsewhere.example", "hold", "no consent recorded for this address or for"),
    ],
)
def test_a_reason_names_the_agency_and_what_the_address_matched(
    check: Check, text, recipient, action, detail
):
    """On a shared domain each recipient's reason says whose consent it is and how it was
    matched (or what the register holds there instead), never another person's address."""
    verdict = check(text, recipient, consents=REGISTER)[recipient]
    assert verdict.action == action
    assert detail in verdict.reasons[0]
    assert DAUGHTER not in " ".join(verdict.reasons)


def test_a_subject_sent_their_own_data_is_told_so(check: Check):
    """A subject's own address needs no consent record, and the reason says why."""
    verdict = check(AMINA, "amina.okafor@example.com")["amina.okafor@example.com"]
    detail = "their own data, sent to an address recorded for them"
    assert verdict.rules[0] == "own-data-to-subject"
    assert any(reason.endswith(detail) for reason in verdict.reasons), verdict.reasons


class CountingBook(MemoryConsentBook):
    """A register that counts the questions it is asked."""

    def __init__(self) -> None:
        super().__init__(list(REGISTER.known), list(REGISTER.recorded))
        self.asked: list[tuple[str, str]] = []

    def consents(self, ref: str, recipient: str, at: datetime) -> RecipientConsents:
        self.asked.append((ref, recipient))
        return super().consents(ref, recipient, at)

    def agencies(self, recipient: str) -> tuple[str, ...]:
        self.asked.append(("agencies", recipient))
        return super().agencies(recipient)


def test_a_judgement_asks_the_register_each_question_once(check: Check):
    """Each rule about consent needs a subject's consents for a recipient; the register is
    asked once for each subject and recipient, not once for each rule."""
    counting = CountingBook()
    verdicts = check(AMINA, ADVICE, "ward.7@nhs.net", consents=counting)
    assert {v.action for v in verdicts.values()} == {"hold"}
    assert counting.asked
    assert len(counting.asked) == len(set(counting.asked))
