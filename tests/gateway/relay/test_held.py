"""A manager's decision on a held recipient: release marked CONFIDENTIAL, or reject."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gateway.relay import spool
from gateway.relay.held import Decision, DecisionRefused, decide
from gateway.relay.models import Copy, Delivery, Message, Outcome, ReviewState
from gateway.sealing import Sealer
from scanner.transform import Banner

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "carer-update.eml"
BANNER = Banner("[CONFIDENTIAL]", "CONFIDENTIAL: shared with consent.", "CONFIDENTIAL")


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(Fernet.generate_key())


@pytest.fixture
def held(sealer: Sealer) -> Outcome:
    """A stored message with one recipient held."""
    message_id = spool.store(
        sealer,
        mail_from="priya.sharma@riverside-carers.example.org",
        recipients=["advice@citizensadvice.example"],
        content=EXAMPLE.read_bytes().replace(b"\n", b"\r\n"),
        client_address="127.0.0.1",
        node="relay-1",
    ).id
    return Outcome.objects.create(
        message=Message.objects.get(id=message_id),
        recipient="advice@citizensadvice.example",
        action="hold",
        review_state=ReviewState.HELD,
    )


def test_release_queues_a_marked_copy(held: Outcome, sealer: Sealer):
    """Releasing records who and why, and queues a CONFIDENTIAL copy for that recipient only."""
    decided = decide(held.id, Decision.RELEASE_WITH_BANNER, by="Jo Manager",
                     note="consent given by phone", sealer=sealer, banner=BANNER)  # fmt: skip
    assert decided.review_state == ReviewState.RELEASED
    assert decided.decided_by == "Jo Manager"
    assert decided.decided_at is not None
    (delivery,) = Delivery.objects.all()
    assert delivery.recipient == "advice@citizensadvice.example"
    copy = email.message_from_bytes(
        sealer.unseal(bytes(delivery.copy.sealed)), policy=email.policy.default
    )
    assert copy["Subject"].startswith("[CONFIDENTIAL] ")
    assert copy["X-Confide-Verdict"] == "banner"


def test_reject_sends_nothing(held: Outcome, sealer: Sealer):
    """Rejecting records the decision and queues no copy."""
    decide(held.id, Decision.REJECT, by="Jo Manager", note="no consent",
           sealer=sealer, banner=BANNER)  # fmt: skip
    assert Outcome.objects.get(id=held.id).review_state == ReviewState.REJECTED
    assert not Copy.objects.exists()


@pytest.mark.parametrize("first", list(Decision))
def test_a_decision_is_final(held: Outcome, sealer: Sealer, first: Decision):
    """A decided recipient cannot be decided again, either way."""
    decide(held.id, first, by="Jo Manager", note="decided", sealer=sealer, banner=BANNER)
    for second in Decision:
        with pytest.raises(DecisionRefused, match="nothing to decide"):
            decide(held.id, second, by="Sam", note="again", sealer=sealer, banner=BANNER)
    assert Outcome.objects.get(id=held.id).decided_by == "Jo Manager"


@pytest.mark.parametrize(("by", "note"), [("", "why"), ("Jo", " ")])
def test_a_decision_needs_a_name_and_a_reason(held: Outcome, sealer: Sealer, by: str, note: str):
    """No anonymous or unexplained decisions."""
    with pytest.raises(DecisionRefused):
        decide(held.id, Decision.REJECT, by=by, note=note, sealer=sealer, banner=BANNER)
    assert Outcome.objects.get(id=held.id).review_state == ReviewState.HELD
