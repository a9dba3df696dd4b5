"""The forms of the review pages: the queue's filters, the per-recipient actions, the
bulk actions chosen from the queue, and the logbook's: its filters, staff's emergency
release, a manager's review of one, and a breach recorded by a manager."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from gateway.register.models import Subject
from gateway.relay.models import ReviewState
from gateway.review.models import LawfulReason, LogbookKind, ReviewOutcome
from gateway.review.register_forms import ConsentForm
from gateway.review.widgets import DatePicker, DateTimePicker

STATES = [("", "any"), *(c for c in ReviewState.choices if c[0] != ReviewState.NOT_HELD)]


# The dates a queue filter may name: confide keeps nothing older, and the day after the
# latest must still be a date (the filter runs to the end of its day).
EARLIEST = date(1990, 1, 1)
LATEST = date(9000, 12, 31)


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(choices=STATES, required=False, initial=ReviewState.HELD)
    sender = forms.CharField(required=False, max_length=320)
    recipient = forms.CharField(required=False, max_length=320)
    rule = forms.CharField(required=False, max_length=100)
    received_from = forms.DateField(
        required=False,
        label="Received from",
        widget=DatePicker(),
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
    )
    received_to = forms.DateField(
        required=False,
        label="Received to",
        widget=DatePicker(),
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
    )
    search = forms.CharField(required=False, max_length=200, label="Search")


def _text_as_sent(value: str) -> None:
    """Refuse text that was not UTF-8 as sent: Django reads such bytes as U+FFFD, and a note
    stored so would not say what its writer meant."""
    if "\ufffd" in value:
        raise forms.ValidationError("this text is not valid UTF-8; type it again")


def _note(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        validators=[_text_as_sent],
    )


# Notes the sender is sent with the outcome (gateway/review/decisions.py says which).
SENT_NOTE = "Note (why; the sender is sent it)"


class ReleaseWithBannerForm(forms.Form):
    note = _note(SENT_NOTE)
    body_only = forms.BooleanField(
        required=False,
        label="Banner in the subject and body only; send documents that cannot be marked "
        "(an encrypted PDF) as they are",
    )


class ReleaseRedactedForm(forms.Form):
    note = _note(SENT_NOTE)


class RejectForm(forms.Form):
    note = _note("Note (sent to the sender as written)")


# The most recipients one bulk action takes: it runs within the request, and a redacted
# release scans its message twice (a few seconds each with the model loaded).
MAX_BULK = 25
# The largest id a table can hold (a signed 64-bit integer); a larger number names nothing.
LARGEST_ID = 2**63 - 1
BULK_ACTIONS = {
    "reject": "Reject: nothing is sent; each sender is told, with the note.",
    "redacted": (
        "Release redacted: each recipient is sent a copy with every finding removed, checked "
        "again first; a recipient whose copy cannot be made safely stays held."
    ),
}


class RecipientIdsField(forms.Field):
    """The ids of the recipients chosen, each once, in the order given."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            ids = list(dict.fromkeys(int(one) for one in value or ()))
        except (TypeError, ValueError):
            ids = [0]
        if any(not 0 < one <= LARGEST_ID for one in ids):
            raise forms.ValidationError("a recipient was not named by its number")
        if not ids:
            raise forms.ValidationError("choose at least one held recipient")
        if len(ids) > MAX_BULK:
            raise forms.ValidationError(f"choose at most {MAX_BULK} recipients at a time")
        return ids


class BulkChoiceForm(forms.Form):
    """What the queue's bulk form asks for: an action and the recipients chosen."""

    action = forms.ChoiceField(choices=[(name, name) for name in BULK_ACTIONS])
    outcome = RecipientIdsField()


class BulkConfirmForm(BulkChoiceForm):
    """The confirmation page's form: the same choice, and the note for every recipient."""

    action = forms.ChoiceField(choices=list(BULK_ACTIONS.items()), widget=forms.HiddenInput)
    note = _note("Note (why; each sender is sent it)")


SUBJECTS_LABEL = "Subjects concerned (register refs, e.g. C-1001)"


class SubjectRefsField(forms.CharField):
    """Register refs separated by commas or spaces, each of a subject in the register."""

    def clean(self, value: Any) -> list[Subject]:
        text = super().clean(value)
        refs = [ref for ref in text.replace(",", " ").split() if ref]
        found = {s.ref: s for s in Subject.objects.filter(ref__in=refs)}
        unknown = [ref for ref in refs if ref not in found]
        if unknown:
            raise forms.ValidationError(f"not in the register: {', '.join(unknown)}")
        if not refs:
            raise forms.ValidationError("name at least one subject by their register ref")
        return [found[ref] for ref in dict.fromkeys(refs)]


class PersonToldForm(forms.Form):
    """Whether the person was told, and if not why not (the logbook records both)."""

    person_told = forms.BooleanField(required=False, label="The person has been told")
    why_not_told = forms.CharField(
        required=False,
        label="If not, why not",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("person_told") and not (cleaned.get("why_not_told") or "").strip():
            self.add_error("why_not_told", "say why the person was not told")
        return cleaned


class ReleaseAsExceptionForm(PersonToldForm):
    reason = forms.ChoiceField(choices=LawfulReason.choices, label="Lawful reason")
    subjects = SubjectRefsField(label=SUBJECTS_LABEL)
    note = _note("Note (why; kept in the logbook, not sent to the sender)")
    field_order = ("reason", "subjects", "person_told", "why_not_told", "note")


class ConsentAndReleaseForm(ConsentForm):
    """The register's consent form (the same terms, checked alike), with the subject it is
    about and the note the sender is sent."""

    subject = forms.CharField(label="Subject (register ref, e.g. C-1001)", max_length=64)
    note = _note(SENT_NOTE)
    field_order = ("subject", "agency", "method", "scopes", "valid_until", "evidence", "note")

    def clean_subject(self) -> Subject:
        ref = self.cleaned_data["subject"].strip()
        subject: Subject | None = Subject.objects.filter(ref=ref).first()
        if subject is None:
            raise forms.ValidationError(f"{ref} is not in the register")
        return subject


class LogbookFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "any"), *LogbookKind.choices], required=False)
    awaiting_review = forms.BooleanField(required=False, label="Only those awaiting review")


class EmergencyReleaseForm(forms.Form):
    immediate_danger = forms.BooleanField(
        label="There is immediate danger to someone, and this cannot wait for a manager",
        error_messages={"required": "an emergency release needs immediate danger"},
    )
    note = _note("What the danger is, and why it cannot wait")


class ReviewEmergencyForm(PersonToldForm):
    finding = forms.ChoiceField(
        choices=[c for c in ReviewOutcome.choices if c[0] != ReviewOutcome.NOT_REVIEWED],
        widget=forms.RadioSelect,
        label="The release was",
    )
    subjects = SubjectRefsField(label=SUBJECTS_LABEL)
    note = _note("Note (why)")
    field_order = ("finding", "subjects", "person_told", "why_not_told", "note")


class BreachForm(PersonToldForm):
    happened_at = forms.DateTimeField(label="When it happened", widget=DateTimePicker())
    lawful_reason = forms.ChoiceField(
        choices=[("", "none: there was no lawful reason"), *LawfulReason.choices],
        required=False,
        label="Lawful reason",
    )
    who_decided = forms.CharField(label="Who decided to disclose it", max_length=200)
    subjects = SubjectRefsField(label=SUBJECTS_LABEL)
    reference = forms.CharField(
        required=False,
        max_length=200,
        label="Where it happened (an email, a phone call; a confide reference if there is one)",
    )
    note = _note("What was disclosed, to whom, and what was done about it")
    field_order = (
        "happened_at", "lawful_reason", "who_decided", "subjects", "reference",
        "person_told", "why_not_told", "note",
    )  # fmt: skip
