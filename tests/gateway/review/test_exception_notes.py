"""An exception release: its note is the manager's reasoning for breaking confidentiality, so
the sender reads neither it on the item's page nor finds the item by it, while a rejection's
note, which their notice carries too, stays theirs to read; and its logbook entry names at
least one of the people confide found in the message, whom its form starts with."""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse

from gateway.register.models import Subject, SubjectKind
from gateway.relay.models import Message
from gateway.review import decisions
from gateway.review.models import LawfulReason, ScanRecord
from tests.gateway.review.conftest import ALSO_HELD_FOR, Users, filtered, held_outcome, signed_in

pytestmark = pytest.mark.django_db

REASONING = "suspected financial abuse by her son"


@pytest.fixture
def released_as_exception(users: Users, held: Message) -> Message:
    """``held`` released to one recipient as an exception, rejected for the other."""
    decisions.release_as_exception(
        held_outcome(held).id, user=users.manager, reason=LawfulReason.ABUSE, note=REASONING,
        subjects=[], person_told=False, why_not_told="it would put her at risk",
    )  # fmt: skip
    decisions.reject(held_outcome(held, ALSO_HELD_FOR).id, user=users.manager, note="not needed")
    return held


@pytest.mark.parametrize(("role", "shown"), [("staff", False), ("manager", True)])
def test_the_exception_note_is_shown_to_managers_only(
    users: Users, released_as_exception: Message, role: str, shown: bool
):
    """The sender's page leaves the exception's note out and keeps the rejection's."""
    page = signed_in(users, role).get(reverse("review:item", args=[released_as_exception.id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert (REASONING in text) is shown
    assert "not needed" in text


@pytest.mark.parametrize(("role", "found"), [("staff", 0), ("manager", 1)])
def test_staff_cannot_search_by_an_exception_note(
    users: Users, released_as_exception: Message, role: str, found: int
):
    """Searching the queue for words of the exception's note finds nothing for the sender."""
    client = signed_in(users, role)
    page = filtered(client, "review:queue", {"state": "", "search": "financial abuse"})
    assert len(page.context["page"].object_list) == found
    by_reject_note = filtered(client, "review:queue", {"state": "", "search": "not needed"})
    assert len(by_reject_note.context["page"].object_list) == 1


@pytest.fixture
def found_amina(held: Message, subject: Subject) -> Subject:
    """``held``'s scan record tied its findings to ``subject``."""
    ScanRecord.objects.get(message=held).subjects.set([subject])
    return subject


def test_the_exception_form_starts_with_the_subjects_found(
    users: Users, held: Message, found_amina: Subject
):
    """The item page's exception form lists the subjects confide found in the message."""
    page = signed_in(users, "manager").get(reverse("review:item", args=[held.id]))
    form = page.context["recipients"][0]["forms"]["exception"]
    assert form["subjects"].value() == found_amina.ref


def test_an_exception_must_name_someone_the_message_is_about(
    users: Users, held: Message, found_amina: Subject
):
    """An exception naming only people confide did not find in the message is refused;
    naming one it found, with others, is accepted."""
    stranger = Subject.objects.create(ref="C-9999", kind=SubjectKind.CARER, display_name="X")
    release = functools.partial(
        decisions.release_as_exception, held_outcome(held).id, user=users.manager,
        reason=LawfulReason.RISK, note="risk", person_told=True,
    )  # fmt: skip
    with pytest.raises(decisions.DecisionRefused, match="C-1001"):
        release(subjects=[stranger])
    entry = release(subjects=[stranger, found_amina])
    assert {s.ref for s in entry.subjects.all()} == {"C-1001", "C-9999"}
