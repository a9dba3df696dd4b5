"""A manager's four actions on a held recipient, as the pages call them: each records who,
when and why, queues what it should, and writes its audit entry."""

from __future__ import annotations

import email
import email.policy
from datetime import date, time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from gateway.config import Settings, load_settings
from gateway.register.models import Agency, Consent, ConsentMethod, Subject
from gateway.relay.models import CopyKind, Delivery, Message, Outcome, ReviewState
from gateway.relay.pipeline import Pipeline
from gateway.review import decisions
from gateway.review.models import AuditEntry, LawfulReason, LogbookEntry
from gateway.sealing import Sealer
from scanner.transform import load_banner
from tests.gateway.review.conftest import (
    BANNER,
    BANNER_WITHOUT_CONSENT,
    EXAMPLE,
    HELD_FOR,
    SENDER,
    UNSCANNED,
    Users,
    held_outcome,
    hold,
    sent_email,
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]


def _released_to() -> list[str]:
    """The recipients of the copies queued, other than the notices to the sender."""
    return [d.recipient for d in Delivery.objects.exclude(copy__kind=CopyKind.NOTICE)]


def test_release_with_banner_queues_the_marked_copy_and_audits_it(
    users: Users, held_unscanned: Message, sealer: Sealer
):
    """The copy is made by held.decide (CONFIDENTIAL), for that recipient only; the audit
    entry names the manager, the message and the recipient, not the content."""
    outcome = held_outcome(held_unscanned)
    decisions.release_with_banner(outcome.id, user=users.manager, note="consent by phone")
    (delivery,) = Delivery.objects.exclude(copy__kind=CopyKind.NOTICE)
    assert delivery.recipient == HELD_FOR
    assert sent_email(sealer, delivery)["Subject"].startswith("[CONFIDENTIAL] ")
    assert (
        Outcome.objects.get(message=held_unscanned, recipient__startswith="duty").review_state
        == "held"
    )
    (entry,) = AuditEntry.objects.all()
    assert (entry.kind, entry.actor, entry.message_id, entry.outcome_id) == (
        "release_with_banner", "jo", held_unscanned.id, outcome.id,
    )  # fmt: skip
    assert "consent by phone" not in str(entry.details)


def test_reject_tells_the_sender_with_the_managers_note(
    users: Users, held: Message, sealer: Sealer
):
    """Nothing goes to the recipient; the sender gets a notice carrying the note."""
    outcome = held_outcome(held)
    decisions.reject(outcome.id, user=users.manager, note="Please send it by the secure portal.")
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.REJECTED
    (delivery,) = Delivery.objects.all()
    assert delivery.recipient == SENDER
    assert delivery.copy.kind == CopyKind.NOTICE
    notice = sent_email(sealer, delivery)
    assert notice["Subject"].startswith("Not sent: ")
    text = notice.get_content()
    assert "Please send it by the secure portal." in text
    assert HELD_FOR in text
    assert AuditEntry.objects.get().details["sender_told"] is True


def test_release_as_exception_makes_a_logbook_entry_for_each_subject(
    users: Users, held: Message, subject: Subject
):
    """The copy goes out and the logbook records the lawful reason, the manager, the
    subjects concerned and why the person was not told."""
    outcome = held_outcome(held)
    entry = decisions.release_as_exception(
        outcome.id,
        user=users.manager,
        reason=LawfulReason.ABUSE,
        note="suspected financial abuse; the social worker must know today",
        subjects=[subject],
        person_told=False,
        why_not_told="telling her would put her at risk",
    )
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.RELEASED
    saved = LogbookEntry.objects.get(id=entry.id)
    assert list(saved.subjects.all()) == [subject]
    assert (saved.lawful_reason, saved.decided_by, saved.person_told) == ("abuse", users.manager,
                                                                         False)  # fmt: skip
    assert _released_to() == [HELD_FOR]
    assert AuditEntry.objects.get().details["logbook_entry"] == entry.id


def test_an_exception_needs_to_say_why_the_person_was_not_told(users: Users, held: Message):
    """An exception release without telling the person and without saying why is refused,
    and nothing is released."""
    outcome = held_outcome(held)
    with pytest.raises(decisions.DecisionRefused, match="not told"):
        decisions.release_as_exception(
            outcome.id, user=users.manager, reason=LawfulReason.RISK, note="risk",
            subjects=[], person_told=False,
        )  # fmt: skip
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD


def test_consent_is_saved_and_the_copy_released_together(
    users: Users, held: Message, subject: Subject, citizens_advice: Agency, redacting: Pipeline
):
    """Recording consent puts it in the register (who recorded it, oral, evidence) and
    releases the copy."""
    agency = citizens_advice
    outcome = held_outcome(held)
    consent = decisions.record_consent_and_release(
        outcome.id, user=users.manager, subject=subject, agency=agency,
        method=ConsentMethod.ORAL, scopes=["health", "contact"], valid_until=None,
        evidence="Amina agreed by phone to Jo on 2 Dec", note="consent recorded",
    )  # fmt: skip
    saved = Consent.objects.get(id=consent.id)
    assert (saved.scopes, saved.method, saved.recorded_by) == ("contact,health", "oral", "jo")
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.RELEASED
    assert _released_to() == [HELD_FOR]


def test_a_consent_recorded_on_the_items_page_counts_on_its_last_day(
    users: Users, held: Message, subject: Subject, citizens_advice: Agency, redacting: Pipeline
):
    """The item page's consent form is the register's: a consent valid until 31 March is
    stored as valid to the end of that day, as the register's pages and the importer store
    it."""
    agency = citizens_advice
    outcome = held_outcome(held)
    client = signed_in(users, "manager")
    prefix = f"consent-{outcome.id}"
    client.post(
        reverse("review:act", args=[outcome.id, "consent"]),
        {
            f"{prefix}-subject": subject.ref, f"{prefix}-agency": agency.id,
            f"{prefix}-method": "written", f"{prefix}-scopes": ["contact", "health"],
            f"{prefix}-valid_until": "2027-03-31", f"{prefix}-note": "form on file",
        },
    )  # fmt: skip
    valid_until = timezone.localtime(Consent.objects.get().valid_until)
    assert (valid_until.date(), valid_until.time()) == (date(2027, 3, 31), time.max)
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.RELEASED


def test_no_consent_is_saved_when_the_release_is_refused(
    users: Users, held: Message, subject: Subject
):
    """A recipient another manager has just decided: the consent is not saved either."""
    agency = Agency.objects.create(name="Citizens Advice")
    outcome = held_outcome(held)
    decisions.reject(outcome.id, user=users.manager, note="first decision")
    with pytest.raises(decisions.DecisionRefused, match="nothing to decide"):
        decisions.record_consent_and_release(
            outcome.id, user=users.manager, subject=subject, agency=agency,
            method=ConsentMethod.WRITTEN, scopes=["health"], valid_until=None,
            evidence="form on file", note="consent recorded",
        )  # fmt: skip
    assert not Consent.objects.exists()
    assert AuditEntry.objects.count() == 1


def test_oral_consent_needs_evidence(users: Users, held: Message, subject: Subject):
    """Oral consent with no note of who gave it and how is refused."""
    agency = Agency.objects.create(name="Citizens Advice")
    with pytest.raises(decisions.DecisionRefused, match="evidence"):
        decisions.record_consent_and_release(
            held_outcome(held).id, user=users.manager, subject=subject, agency=agency,
            method=ConsentMethod.ORAL, scopes=["health"], valid_until=None, evidence=" ",
            note="consent recorded",
        )  # fmt: skip
    assert not Consent.objects.exists()


def _notice_to_sender(sealer: Sealer) -> email.message.EmailMessage:
    (delivery,) = Delivery.objects.filter(copy__kind=CopyKind.NOTICE)
    assert delivery.recipient == SENDER
    return sent_email(sealer, delivery)


NOTE = "Shared with the duty team as agreed."


def _release_each_way(how: str, outcome_id: int, users: Users, subject: Subject) -> None:
    if how == "banner":
        decisions.release_with_banner(outcome_id, user=users.manager, note=NOTE)
    elif how == "body only":
        decisions.release_with_banner(outcome_id, user=users.manager, note=NOTE, body_only=True)
    elif how == "consent":
        decisions.record_consent_and_release(
            outcome_id, user=users.manager, subject=subject,
            agency=Agency.objects.get(name="Citizens Advice"), method=ConsentMethod.WRITTEN,
            scopes=["contact", "health"], valid_until=None, evidence="form on file", note=NOTE,
        )  # fmt: skip
    else:
        decisions.release_as_exception(
            outcome_id, user=users.manager, reason=LawfulReason.ABUSE, note=NOTE,
            subjects=[subject], person_told=False, why_not_told="it would put her at risk",
        )  # fmt: skip


RELEASES = {
    "banner": "marked CONFIDENTIAL.",
    "body only": "attached documents that could not be",
    "consent": "recorded the consent of the person",
    "exception": "on one of the grounds the confidentiality",
}


@pytest.mark.parametrize("how", list(RELEASES))
def test_the_sender_hears_how_each_release_went(  # noqa: PLR0917 - fixtures
    users: Users, held_unscanned: Message, sealer: Sealer, subject: Subject, how: str,
    request: pytest.FixtureRequest,
):  # fmt: skip
    """Every release queues a notice to the sender naming the recipient and how the copy
    went, with the manager's note except for an exception (its reasoning stays in the
    logbook), and nothing of the message's text; the audit entry says the sender was told."""
    if how == "consent":  # the consent is checked by the relay's core, with the scanner
        request.getfixturevalue("citizens_advice")
        request.getfixturevalue("redacting")
    _release_each_way(how, held_outcome(held_unscanned).id, users, subject)
    notice = _notice_to_sender(sealer)
    assert notice["Subject"] == "Released: Carer's assessment follow-up"
    text = " ".join(notice.get_content().split())
    assert HELD_FOR in text
    assert RELEASES[how] in text
    assert (NOTE in text) == (how != "exception")
    assert "abuse" not in text
    assert "Amina" not in text
    assert "07700" not in text
    assert AuditEntry.objects.get().details["sender_told"] is True


def test_a_null_sender_is_not_told(users: Users, sealer: Sealer):
    """A message with the null reverse-path (a bounce) has no one to tell: the release still
    happens, and the audit entry says the sender was not told."""
    content = EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    outcome = held_outcome(hold(sealer, "", [HELD_FOR], content, UNSCANNED))
    decisions.release_with_banner(outcome.id, user=users.manager, note=NOTE)
    assert _released_to() == [HELD_FOR]
    assert not Delivery.objects.filter(copy__kind=CopyKind.NOTICE).exists()
    assert AuditEntry.objects.get().details["sender_told"] is False


@pytest.mark.parametrize("decide", ["reject", "release"])
def test_a_sender_outside_the_organisation_is_told_neither_subject_nor_note(
    users: Users, sealer: Sealer, decide: str
):
    """As the hold notice to an outsider, the decision's notice leaves out the message's
    subject line and the manager's note; it still says what was decided."""
    content = EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    outcome = held_outcome(
        hold(sealer, "someone@elsewhere.example", [HELD_FOR], content, UNSCANNED)
    )
    if decide == "reject":
        decisions.reject(outcome.id, user=users.manager, note=NOTE)
    else:
        decisions.release_with_banner(outcome.id, user=users.manager, note=NOTE)
    (delivery,) = Delivery.objects.filter(copy__kind=CopyKind.NOTICE)
    notice = sent_email(sealer, delivery)
    assert notice["Subject"] in {"Not sent: your message", "Released: your message"}
    text = " ".join(notice.get_content().split())
    assert NOTE not in text
    assert "Carer's assessment" not in text
    assert "A manager has reviewed your held message" in text


def test_an_exception_goes_out_with_the_banner_that_claims_no_consent(
    users: Users, held: Message, sealer: Sealer
):
    """The copy released as an exception carries the banner for releases without consent,
    not the one saying the person's consent was recorded."""
    decisions.release_as_exception(
        held_outcome(held).id, user=users.manager, reason=LawfulReason.RISK, note="risk",
        subjects=[], person_told=True,
    )  # fmt: skip
    (delivery,) = Delivery.objects.exclude(copy__kind=CopyKind.NOTICE)
    text = sent_email(sealer, delivery).get_body(preferencelist=("plain",)).get_content()
    assert BANNER_WITHOUT_CONSENT.text in text
    assert BANNER.text not in text


def test_the_shipped_banner_without_consent_says_so():
    """The default wording for releases without consent names no consent as recorded."""
    banner = load_banner(Settings().organisation.banner_without_consent, "Riverside")
    assert "without the consent" in banner.text
    assert "recorded consent" not in banner.text


def test_a_hold_for_missing_consent_cannot_go_with_the_banner_that_claims_one(
    users: Users, held: Message, sealer: Sealer
):
    """The banner tells the recipient a consent was recorded: for a recipient held because
    one is missing, the manager is offered the consent, redaction and exception routes
    instead (the exception goes to the logbook), and a banner release is refused."""
    outcome = held_outcome(held)
    manager = signed_in(users, "manager")
    page = manager.get(reverse("review:item", args=[held.id])).content.decode()
    assert "Release with banner</button>" not in page
    assert "Release as an exception</button>" in page
    assert "cannot go with the banner" in page
    with pytest.raises(decisions.DecisionRefused, match="has not consented"):
        decisions.release_with_banner(outcome.id, user=users.manager, note="consent by phone")
    assert Outcome.objects.get(id=outcome.id).review_state == "held"
    assert not Delivery.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_policy_is_read_again_only_when_its_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """The review pages ask the policy about each held recipient: it is read once, and again
    after the organisation edits it, without a restart."""
    from scanner.policy.policy_file import DEFAULT_POLICY

    policy = tmp_path / "policy.yaml"
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    policy.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CONFIDE_ORGANISATION__POLICY", str(policy))
    load_settings.cache_clear()
    request.addfinalizer(load_settings.cache_clear)
    first = decisions.policy_in_force()
    assert decisions.policy_in_force() is first
    old = "  scopes: [contact, health, financial]\n"
    assert old in text
    policy.write_text(text.replace(old, "  scopes: [contact, health, financial, housing]\n"))
    edited = decisions.policy_in_force()
    assert "housing" in edited.consent_scopes
    assert "housing" not in first.consent_scopes
