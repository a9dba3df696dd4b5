"""Releasing a held recipient redacted: the copy is made by the relay's own core, checked
again by its safety net, and refused (the recipient left held) when it cannot be made safe."""

from __future__ import annotations

import email
import email.policy

import pytest

from gateway.register.models import Subject, SubjectEmail, SubjectName
from gateway.relay.models import CopyKind, Delivery, Message, Outcome, ReviewState
from gateway.relay.pipeline import Pipeline
from gateway.review import decisions
from gateway.review.models import AuditEntry
from gateway.sealing import Sealer
from scanner.outcome import CANNOT_TRANSFORM, REDACTION_CHECK
from tests.gateway.review.conftest import EXAMPLE, HELD_FOR, SENDER, Users, held_outcome, hold
from tests.scanner.copy_transforms import AddsAField, LeavesEverything
from tests.scanner.redaction_pipeline import leaks
from tests.scanner.transform.made_files import message, pdf_bytes, raw

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# What carer-update.eml says of Amina that a stranger may not read.
AMINA = ["Amina Okafor", "07700 900123"]


def _queued(sealer: Sealer, kind: CopyKind) -> list[tuple[str, bytes]]:
    return [
        (d.recipient, sealer.unseal(bytes(d.copy.sealed)))
        for d in Delivery.objects.filter(copy__kind=kind).select_related("copy")
    ]


def test_the_redacted_copy_carries_none_of_the_findings_and_goes_to_that_recipient(
    users: Users, held: Message, sealer: Sealer, redacting: Pipeline
):
    """The copy goes to the one recipient, marked as a redacted copy, and a fresh scan of it
    finds none of what was removed; the decision and its audit entry are recorded."""
    outcome = held_outcome(held)
    decisions.release_redacted(outcome.id, user=users.manager, note="names not needed")
    [(recipient, content)] = _queued(sealer, CopyKind.REDACT)
    assert recipient == HELD_FOR
    assert leaks(redacting.scanner.scan_message, content, AMINA) == []
    copy = email.message_from_bytes(content, policy=email.policy.default)
    assert copy["X-Confide-Verdict"] == "redact"
    assert "removed]" in copy.get_body().get_content()  # type: ignore[union-attr]
    decided = Outcome.objects.get(id=outcome.id)
    assert (decided.review_state, decided.decided_by) == (ReviewState.RELEASED, "jo")
    assert AuditEntry.objects.get().kind == "release_redacted"
    [(sender, notice)] = _queued(sealer, CopyKind.NOTICE)
    assert sender == SENDER
    told = " ".join(email.message_from_bytes(notice, policy=email.policy.default)
                    .get_content().split())  # type: ignore[attr-defined]  # fmt: skip
    assert f"Sent to: {HELD_FOR}" in told
    assert "personal details confide found in it taken out" in told
    assert "names not needed" in told


def test_a_pdf_that_cannot_be_redacted_is_refused_and_stays_held(
    users: Users, sealer: Sealer, redacting: Pipeline
):
    """A PDF attachment holding the NHS number cannot be rewritten: the decision is refused
    with the reason, nothing is queued, and the recipient is still held."""
    pdf = (pdf_bytes("Referral for Amina Okafor, NHS number 943 476 5919."), "application",
           "pdf", "referral.pdf")  # fmt: skip
    built = message("Referral for Amina Okafor attached.", attachments=(pdf,))
    held = hold(sealer, SENDER, [HELD_FOR], raw(built))
    outcome = held_outcome(held)
    with pytest.raises(decisions.DecisionRefused, match=CANNOT_TRANSFORM) as refused:
        decisions.release_redacted(outcome.id, user=users.manager, note="names not needed")
    assert "PDF" in str(refused.value)
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_copy_the_safety_net_catches_is_refused_and_stays_held(
    users: Users, held: Message, sealer: Sealer, redacting: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
):  # fmt: skip
    """When the first pass leaves values in (here it removes nothing), the independent scan
    of the finished copy catches it: refused under rule redaction-check, nothing sent."""
    monkeypatch.setattr(redacting, "transforms", LeavesEverything())  # made in the worker
    outcome = held_outcome(held)
    with pytest.raises(decisions.DecisionRefused, match=REDACTION_CHECK):
        decisions.release_redacted(outcome.id, user=users.manager, note="names not needed")
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()


def test_a_message_with_nothing_to_remove_is_not_released_as_redacted(
    users: Users, sealer: Sealer, redacting: Pipeline
):
    """A redacted copy of a message in which nothing was found would be the message as sent:
    refused, so that a manager does not release it believing it was redacted."""
    content = (
        f"From: {SENDER}\r\nTo: {HELD_FOR}\r\nSubject: Minutes\r\n\r\n"
        "The minutes of Tuesday's meeting are in the shared folder.\r\n"
    ).encode()
    outcome = held_outcome(hold(sealer, SENDER, [HELD_FOR], content))
    with pytest.raises(decisions.DecisionRefused, match="nothing in it to remove"):
        decisions.release_redacted(outcome.id, user=users.manager, note="fine to go")
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD


def test_the_example_is_real(users: Users):
    """The fixture message carries the values the first test checks are removed."""
    text = EXAMPLE.read_bytes().decode()
    assert all(value.replace(" ", "") in text.replace(" ", "").replace("=\n", "")
               for value in AMINA)  # fmt: skip


# The hostile tester's message: headers no one reads as content, naming the two registered
# people, Joseph's alias address and NHS number among them.
TESTERS_MESSAGE = (
    f"From: Priya Sharma <{SENDER}>\r\nTo: {HELD_FOR}\r\n"
    'Reply-To: "Joseph Okafor" <joe.okafor@example.net>\r\n'
    'Sender: "Amina Okafor" <amina.okafor@example.org>\r\n'
    "X-Original-To: amina.okafor@example.org\r\n"
    "References: <joseph-okafor-9434765919@riverside.example>\r\n"
    "Subject: Joseph's referral\r\n\r\n"
    "Joseph Okafor's NHS number is 943 476 5919; his daughter Amina Okafor cares for him.\r\n"
).encode()
TESTERS_VALUES = ["joe.okafor", "amina.okafor", "9434765919", "943 476 5919", "joseph-okafor"]


def _register_the_okafors() -> None:
    """Amina and Joseph as the example register has them, Joseph with an alias address."""
    amina = Subject.objects.create(ref="C-1001", kind="carer", display_name="Amina Okafor")
    SubjectName.objects.create(subject=amina, position=0, name="Amina Okafor")
    SubjectEmail.objects.create(subject=amina, email="amina.okafor@example.org")
    joseph = Subject.objects.create(
        ref="C-1002", kind="cared_for", display_name="Joseph Okafor", nhs_number="9434765919"
    )
    SubjectName.objects.create(subject=joseph, position=0, name="Joseph Okafor")
    SubjectName.objects.create(subject=joseph, position=1, name="Joe Okafor")
    SubjectEmail.objects.create(subject=joseph, email="joe.okafor@example.net")


def test_the_redacted_copy_of_the_testers_message_carries_nothing_of_its_headers(
    users: Users, sealer: Sealer, redacting: Pipeline
):
    """Released redacted, the tester's message reaches the recipient with none of the alias,
    Amina's registered address, the NHS number or the name in References."""
    _register_the_okafors()
    outcome = held_outcome(hold(sealer, SENDER, [HELD_FOR], TESTERS_MESSAGE))
    decisions.release_redacted(outcome.id, user=users.manager, note="names not needed")
    [(recipient, content)] = _queued(sealer, CopyKind.REDACT)
    assert recipient == HELD_FOR
    lowered = content.lower()
    assert [v for v in TESTERS_VALUES if v.encode() in lowered] == []
    assert leaks(redacting.scanner.scan_message, content, ["Joseph Okafor", "Amina Okafor"]) == []


def test_a_registered_address_left_in_an_unread_field_is_caught_by_the_net(
    users: Users, sealer: Sealer, redacting: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    """When the first pass leaves a field it never reads (here it adds Amina's registered
    address back in X-Original-To), the net's reading of every header field catches it:
    refused under rule redaction-check, nothing sent."""
    _register_the_okafors()
    field = b"X-Original-To: amina.okafor@example.org\r\n"
    monkeypatch.setattr(redacting, "transforms", AddsAField(redacting.transforms, field))
    outcome = held_outcome(hold(sealer, SENDER, [HELD_FOR], TESTERS_MESSAGE))
    with pytest.raises(decisions.DecisionRefused, match=REDACTION_CHECK):
        decisions.release_redacted(outcome.id, user=users.manager, note="names not needed")
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()
