"""A signature is no disclosure only when it is the sender's own: what follows "-- " or a
sign-off and names someone else, holds an identifier no signature holds, or reads as the
message's content is counted as any other text is (the outside tester's finding 4)."""

from __future__ import annotations

import pytest

from tests.scanner.policy.conftest import STRANGER, Check, actions

PRIYA = "priya.shah@carers.example"
HARRIET = "Harriet Blenkinsop"
SAM = "sam.green@hall.example"


def _from_priya(body: str, sender: str = f"Priya Shah <{PRIYA}>", to: str = STRANGER) -> bytes:
    """A plain message from Priya (not in the register) to someone outside, as SMTP carries
    it."""
    head = f"From: {sender}\r\nTo: {to}\r\nSubject: Tuesday\r\n\r\n"
    return (head + body.replace("\n", "\r\n")).encode()


@pytest.mark.parametrize(
    ("body", "types"),
    [
        pytest.param(
            f"Hi,\nplease call her.\n-- \n{HARRIET} 07700 900999\n",
            {"PERSON", "PHONE_NUMBER"},
            id="someone else's name and phone after dashes",
        ),
        pytest.param(
            f"Hi,\nplease call her.\n-- \n{HARRIET}, NHS 401 023 2137, 07700 900999, LS7 3QP\n",
            {"PERSON", "PHONE_NUMBER", "UK_POSTCODE", "UK_NHS"},
            id="with an NHS number",
        ),
        pytest.param(
            "Hi Sam, details below.\n\nKind regards\nPriya\n\n"
            f"Client: Please ring {HARRIET} on 07700 900999. NHS number 401 023 2137.\n",
            {"PERSON", "PHONE_NUMBER", "UK_NHS"},
            id="a client's details below the sign-off",
        ),
        pytest.param(
            f"Hi Sam,\n\nKind regards,\nPriya Shah\n07700 900456\n{HARRIET} 07700 900999\n",
            {"PERSON", "PHONE_NUMBER"},
            id="another name in the sender's signature",
        ),
        pytest.param(
            "Hi Sam,\n\nThanks,\n07700 900999\n4 Elm Grove, Leeds LS7 3QP\n",
            {"PHONE_NUMBER", "STREET_ADDRESS"},
            id="a household's phone and address, no name",
        ),
        pytest.param(
            "Yes, 10 is fine.\n\nThanks,\nPriya\n\n"
            "From: Duty Team <duty@agency.example>\nSent: 02 December 2026 16:12\n\n"
            f"Referral below.\n\nBest wishes\n{HARRIET}\n07700 900999\n",
            {"PERSON", "PHONE_NUMBER"},
            id="a stranger's signature in a quoted message",
        ),
        pytest.param(
            "Hi Sam,\n\nKind regards\nPriya\n\n"
            "She has moved to 4 Elm Grove, Leeds LS7 3QP and her mobile is 07700 900999.\n",
            {"PHONE_NUMBER", "STREET_ADDRESS"},
            id="prose after a blank line",
        ),
        pytest.param(
            "Hi Sam,\n\nKind regards\nPriya\n\n"
            "her mobile 07700 900999, 4 Elm Grove, Leeds LS7 3QP\n",
            {"PHONE_NUMBER", "STREET_ADDRESS"},
            id="a line about someone else",
        ),
    ],
)
def test_what_is_not_the_senders_signature_counts(check: Check, body: str, types: set[str]) -> None:
    """Someone else's data after "-- " or a sign-off is removed for an outside recipient."""
    verdict = check(_from_priya(body), STRANGER, sender=PRIYA)[STRANGER]
    assert verdict.action in {"redact", "hold"}, verdict.reasons
    if verdict.action == "redact":
        assert types <= {f.type for f in verdict.redactions}


@pytest.mark.parametrize(
    ("body", "sender"),
    [
        pytest.param(
            "Hi Sam,\n\nSee you Tuesday.\n\nKind regards,\nPriya\n07700 900 456\n",
            f"Priya Shah <{PRIYA}>",
            id="first name and mobile",
        ),
        pytest.param(
            "Hi Sam,\n\nSee you Tuesday.\n\nKind regards,\n"
            "Priya Shah, Carers Support Worker, 07700 900 456\n",
            f"Priya Shah <{PRIYA}>",
            id="name, title and mobile on one line",
        ),
        pytest.param(
            "Hi Sam,\n\nSee you Tuesday.\n\nThanks,\n\nPriya Shah\nCarers Support Worker\n"
            "Harbourside Carers, 12 Quay Street, Leeds LS1 4AB\n\nMobile 07700 900 456\n"
            "Registered charity no. 1123456\n",
            f"Priya Shah <{PRIYA}>",
            id="a blank line inside the signature",
        ),
        pytest.param(
            "Hi Sam,\n\nSee you Tuesday.\n\n-- \nPriya Shah\n07700 900 456\n",
            PRIYA,
            id="no display name: the address spells the name",
        ),
        pytest.param(
            "Hi Sam,\n\nSee you Tuesday.\n\n-- \nPriya Shah\n07700 900 456\n",
            "pshah@carers.example",
            id="an address of initial and surname",
        ),
        pytest.param(
            "Yes, 10 is fine.\n\nThanks,\nPriya\n\n"
            f"From: Sam Green <{SAM}>\nSent: 02 December 2026 16:12\n\n"
            "Can we start at 10?\n\nBest wishes\nSam Green\nMobile 07700 900987\n",
            f"Priya Shah <{PRIYA}>",
            id="the recipient's signature in the quoted message",
        ),
    ],
)
def test_the_senders_own_signature_is_released(check: Check, body: str, sender: str) -> None:
    """Priya's own name, job title, mobile and office address after her sign-off, and the
    signature of the person she replies to in the message she quotes: released."""
    to = SAM if SAM in body else STRANGER
    address = sender.rpartition("<")[2].rstrip(">")
    verdicts = check(_from_priya(body, sender, to), to, sender=address)
    assert actions(verdicts) == {to: "release"}
