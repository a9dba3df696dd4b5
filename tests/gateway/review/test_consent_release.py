"""Record consent and release goes ahead only when the consent recorded covers the release,
judged by the relay's own core with the consent in the register: a consent to another
agency, one whose scopes leave out what the message holds, one already expired, or one from
someone the message holds no data about is refused, and the consent is not saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from gateway.register.models import Agency, Consent, ConsentMethod, Subject, SubjectKind
from gateway.relay.models import Message, Outcome, ReviewState
from gateway.relay.pipeline import Pipeline
from gateway.review import decisions
from gateway.review.models import AuditEntry
from tests.gateway.review.conftest import Users, held_outcome, signed_in

pytestmark = pytest.mark.django_db


def _record(
    users: Users, held: Message, subject: Subject, agency: Agency, scopes: list[str], *,
    valid_until: datetime | None = None,
) -> Consent:  # fmt: skip
    return decisions.record_consent_and_release(
        held_outcome(held).id, user=users.manager, subject=subject, agency=agency,
        method=ConsentMethod.WRITTEN, scopes=scopes, valid_until=valid_until,
        evidence="form on file", note="consent recorded",
    )  # fmt: skip


def test_a_consent_covering_the_message_releases_it(
    users: Users, held: Message, subject: Subject, citizens_advice: Agency, redacting: Pipeline
):
    """Consent to the recipient's agency for her contact details and health is released."""
    _record(users, held, subject, citizens_advice, ["contact", "health"])
    assert held_outcome(held).review_state == ReviewState.RELEASED
    assert Consent.objects.count() == 1


def _refused(held: Message) -> None:
    """Nothing was released, saved or audited."""
    assert held_outcome(held).review_state == ReviewState.HELD
    assert not Consent.objects.exists()
    assert not AuditEntry.objects.exists()
    assert Outcome.objects.filter(review_state=ReviewState.RELEASED).count() == 0


def test_a_consent_to_another_agency_is_refused(
    users: Users, held: Message, subject: Subject, citizens_advice: Agency, redacting: Pipeline
):
    """A consent naming an agency the recipient's address is not at covers nothing here."""
    elsewhere = Agency.objects.create(name="Age UK")
    with pytest.raises(decisions.DecisionRefused, match="does not cover"):
        _record(users, held, subject, elsewhere, ["contact", "health"])
    _refused(held)


def test_a_consent_whose_scope_leaves_out_her_health_is_refused(
    users: Users, held: Message, subject: Subject, citizens_advice: Agency, redacting: Pipeline
):
    """A consent for contact details only does not cover her diagnosis and medication; the
    refusal says what is beyond it."""
    beyond = "covers contact only, not mental health information and medication"
    with pytest.raises(decisions.DecisionRefused, match=beyond):
        _record(users, held, subject, citizens_advice, ["contact"])
    _refused(held)


def test_an_expired_consent_is_refused(
    users: Users, held: Message, subject: Subject, citizens_advice: Agency, redacting: Pipeline
):
    """A valid-until date already past is refused as the register's form refuses it."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(decisions.DecisionRefused, match="passed"):
        _record(users, held, subject, citizens_advice, ["contact", "health"], valid_until=yesterday)
    _refused(held)


def test_a_consent_from_someone_the_message_is_not_about_is_refused(
    users: Users, held: Message, subject: Subject, citizens_advice: Agency, redacting: Pipeline
):
    """With her consent already in the register, a consent recorded for someone the message
    holds nothing about is refused and not kept, though the relay would now release it: it
    is not what lets the message go, and the sender is not told it went with consent."""
    Consent.objects.create(
        subject=subject, agency=citizens_advice, scopes="contact,health", method="written",
        recorded_by="jo", recorded_at=datetime.now(UTC),
    )  # fmt: skip
    zed = Subject.objects.create(ref="C-2001", kind=SubjectKind.CARER, display_name="Zed Quinn")
    outcome = held_outcome(held)
    prefix = f"consent-{outcome.id}"
    page = signed_in(users, "manager").post(
        reverse("review:act", args=[outcome.id, "consent"]),
        {
            f"{prefix}-subject": zed.ref, f"{prefix}-agency": citizens_advice.id,
            f"{prefix}-method": "oral", f"{prefix}-scopes": ["contact"],
            f"{prefix}-evidence": "by phone", f"{prefix}-note": "consent recorded",
        },
        follow=True,
    )  # fmt: skip
    assert "Not done: the message holds no data about C-2001" in page.content.decode()
    assert held_outcome(held).review_state == ReviewState.HELD
    assert list(Consent.objects.values_list("subject__ref", flat=True)) == ["C-1001"]
    assert not AuditEntry.objects.exists()
