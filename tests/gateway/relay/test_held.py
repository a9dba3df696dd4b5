"""A manager's decision on a held recipient: release marked CONFIDENTIAL (or, for what cannot
be stamped, with the banner in the body only), or reject."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gateway.relay import spool
from gateway.relay.held import LEFT_UNMARKED, Decision, DecisionRefused, decide
from gateway.relay.models import Copy, Delivery, Message, Outcome, ReviewState
from gateway.sealing import Sealer
from scanner.transform import Banner
from tests.scanner.transform.made_files import attachment, body, message, pdf_bytes, raw

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

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


@pytest.mark.parametrize(
    ("internal_domains", "rules"),
    [(("citizensadvice.example",), "no-consent, unlinked-sensitive"), ((), None)],
    ids=["internal", "outside"],
)
def test_a_released_copy_names_the_rules_that_held_it_only_inside(
    held: Outcome, sealer: Sealer, internal_domains: tuple[str, ...], rules: str | None
):
    """The copy a manager releases to one of the organisation's own addresses carries, like
    every internal copy, the rules that fired for its recipient; released to an outside
    address, it names none of the organisation's rules."""
    held.rules = ["no-consent", "unlinked-sensitive"]
    held.save()
    decide(held.id, Decision.RELEASE_WITH_BANNER, by="Jo Manager",
           note="consent given by phone", sealer=sealer, banner=BANNER,
           internal_domains=internal_domains)  # fmt: skip
    (delivery,) = Delivery.objects.all()
    content = sealer.unseal(bytes(delivery.copy.sealed))
    copy = email.message_from_bytes(content, policy=email.policy.default)
    assert copy["X-Confide-Rules"] == rules
    assert copy["X-Confide-Verdict"] == "banner"
    assert (b"unlinked-sensitive" in content) is bool(rules)


def test_reject_sends_nothing(held: Outcome, sealer: Sealer):
    """Rejecting records the decision and queues no copy."""
    decide(held.id, Decision.REJECT, by="Jo Manager", note="no consent",
           sealer=sealer, banner=BANNER)  # fmt: skip
    assert Outcome.objects.get(id=held.id).review_state == ReviewState.REJECTED
    assert not Copy.objects.exists()


# The redacted copy a redacted release queues is made by ``redacted_copy`` (the relay's core,
# tests/gateway/review/test_release_redacted.py); the state machine only queues it.
REDACTED = b"From: priya.sharma@riverside-carers.example.org\r\nSubject: [name removed]\r\n\r\n"


@pytest.mark.parametrize("first", list(Decision))
def test_a_decision_is_final(held: Outcome, sealer: Sealer, first: Decision):
    """A decided recipient cannot be decided again, either way; the refusal says who
    decided it."""
    decide(held.id, first, by="Jo Manager", note="decided", sealer=sealer, banner=BANNER,
           redacted=REDACTED)  # fmt: skip
    for second in Decision:
        with pytest.raises(DecisionRefused, match=r"already \w+ by Jo Manager"):
            decide(held.id, second, by="Sam", note="again", sealer=sealer, banner=BANNER,
                   redacted=REDACTED)  # fmt: skip
    assert Outcome.objects.get(id=held.id).decided_by == "Jo Manager"


def test_a_redacted_release_queues_the_copy_made_for_it(held: Outcome, sealer: Sealer):
    """The redacted copy goes to that recipient as a redacted copy, with confide's fields."""
    decide(held.id, Decision.RELEASE_REDACTED, by="Jo Manager", note="names not needed",
           sealer=sealer, banner=BANNER, redacted=REDACTED)  # fmt: skip
    (delivery,) = Delivery.objects.all()
    assert (delivery.recipient, delivery.copy.kind) == ("advice@citizensadvice.example", "redact")
    content = sealer.unseal(bytes(delivery.copy.sealed))
    assert content.endswith(REDACTED)
    assert b"X-Confide-Verdict: redact" in content


def test_a_redacted_release_without_its_copy_is_refused(held: Outcome, sealer: Sealer):
    """Nothing goes out as 'redacted' unless the redacted copy was made."""
    with pytest.raises(DecisionRefused, match="redacted copy"):
        decide(held.id, Decision.RELEASE_REDACTED, by="Jo Manager", note="names not needed",
               sealer=sealer, banner=BANNER)  # fmt: skip
    assert Outcome.objects.get(id=held.id).review_state == ReviewState.HELD
    assert not Copy.objects.exists()


@pytest.mark.parametrize(("by", "note"), [("", "why"), ("Jo", " ")])
def test_a_decision_needs_a_name_and_a_reason(held: Outcome, sealer: Sealer, by: str, note: str):
    """No anonymous or unexplained decisions."""
    with pytest.raises(DecisionRefused):
        decide(held.id, Decision.REJECT, by=by, note=note, sealer=sealer, banner=BANNER)
    assert Outcome.objects.get(id=held.id).review_state == ReviewState.HELD


@pytest.fixture
def held_locked_pdf(sealer: Sealer) -> tuple[Outcome, bytes]:
    """A stored message with a password-protected PDF attached, its recipient held; and the
    PDF as it was sent."""
    locked = pdf_bytes("Referral notes for Amina Okafor.", password="s3cret")
    pdf = (locked, "application", "pdf", "Amina Okafor.pdf")
    built = message("Please see the attached referral.", attachments=(pdf,))
    message_id = spool.store(
        sealer,
        mail_from="priya.sharma@riverside-carers.example.org",
        recipients=["advice@citizensadvice.example"],
        content=raw(built),
        client_address="127.0.0.1",
        node="relay-1",
    ).id
    outcome = Outcome.objects.create(
        message=Message.objects.get(id=message_id),
        recipient="advice@citizensadvice.example",
        action="hold",
        review_state=ReviewState.HELD,
    )
    return outcome, locked


def test_a_pdf_that_cannot_be_stamped_refuses_a_full_release_and_says_what_can(
    held_locked_pdf: tuple[Outcome, bytes], sealer: Sealer
):
    """Releasing marked throughout is refused for a password-protected PDF, the refusal
    names the body-only release, and the recipient stays held with nothing queued."""
    outcome, _ = held_locked_pdf
    with pytest.raises(DecisionRefused, match="banner in the message body only"):
        decide(outcome.id, Decision.RELEASE_WITH_BANNER, by="Jo Manager",
               note="consent given by phone", sealer=sealer, banner=BANNER)  # fmt: skip
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()


def test_a_pdf_that_cannot_be_stamped_is_released_as_it_is_with_the_banner_in_the_body(
    held_locked_pdf: tuple[Outcome, bytes], sealer: Sealer
):
    """A manager can release what cannot be stamped: the subject and body carry the banner,
    the PDF goes byte for byte as it was sent, and the decision note keeps the manager's
    reason and records which document went unmarked and why, without its filename."""
    outcome, locked = held_locked_pdf
    decided = decide(outcome.id, Decision.RELEASE_WITH_BANNER_IN_BODY, by="Jo Manager",
                     note="the GP asked for it; consent on file", sealer=sealer,
                     banner=BANNER)  # fmt: skip
    assert decided.review_state == ReviewState.RELEASED
    (delivery,) = Delivery.objects.all()
    assert delivery.recipient == "advice@citizensadvice.example"
    sent = sealer.unseal(bytes(delivery.copy.sealed))
    copy = email.message_from_bytes(sent, policy=email.policy.default)
    assert copy["Subject"].startswith("[CONFIDENTIAL] ")
    assert copy["X-Confide-Verdict"] == "banner"
    assert body(sent, "plain").startswith(BANNER.text)
    assert attachment(sent, "Amina Okafor.pdf") == locked
    note = Outcome.objects.get(id=outcome.id).decision_note
    assert note.startswith("the GP asked for it; consent on file\n\n")
    assert LEFT_UNMARKED in note
    assert "the PDF attachment no. 1 is encrypted" in note
    assert "Okafor" not in note
