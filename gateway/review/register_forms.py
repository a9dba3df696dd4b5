"""The forms of the register's pages. Identifiers are checked and put into the register's
forms by ``scanner.identifiers``, as the CSV importer does, so that a subject typed in here is
matched in a message exactly as an imported one is."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from gateway.register.csv_import import domain_of
from gateway.register.models import (
    EMAIL_LENGTH,
    NAME_LENGTH,
    REF_LENGTH,
    Agency,
    ConsentMethod,
    SubjectKind,
)
from gateway.review.decisions import consent_scope_words
from gateway.review.register_changes import IMPORT_FILES, ConsentTerms
from gateway.review.widgets import DatePicker
from scanner import identifiers
from scanner.consent import KnownSubject

# The most one uploaded export file may hold: a register of 50,000 subjects is about 15 MB
# of CSV. The view refuses a request larger than all the files together before reading it.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _lines(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text or "One a line.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _items(text: str) -> list[str]:
    """Lines (or semicolons, as in the export) of a text area, blank ones dropped."""
    return list(dict.fromkeys(i.strip() for i in re.split(r"[\n;]", text) if i.strip()))


def _normalised(
    text: str, normalise: Callable[[str], str], what: str, max_length: int = 0
) -> list[str]:
    found = []
    for number, item in enumerate(_items(text), start=1):
        value = normalise(item)
        if not value or (max_length and len(value) > max_length):
            raise forms.ValidationError(f"item {number} is not {what}")
        found.append(value)
    return list(dict.fromkeys(found))


class SubjectSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a subject",
        required=False,
        max_length=200,
        help_text="A ref, a name, an email address, a phone, NHS or NI number, a postcode, "
        "or a date of birth (1956-03-14).",
    )


class SubjectForm(forms.Form):
    ref = forms.CharField(label="Ref (from the case-management system)", max_length=REF_LENGTH)
    kind = forms.ChoiceField(choices=SubjectKind.choices)
    display_name = forms.CharField(label="Full name", max_length=NAME_LENGTH)
    aliases = _lines("Other names they are known by")
    emails = _lines("Email addresses")
    phones = _lines("Phone numbers")
    dob = forms.DateField(label="Date of birth", required=False, widget=DatePicker())
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=20)
    ni_number = forms.CharField(label="National Insurance number", required=False, max_length=20)
    postcode = forms.CharField(required=False, max_length=10)
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_ref(self) -> str:
        return str(self.cleaned_data["ref"]).strip()

    def clean_aliases(self) -> list[str]:
        names = _items(self.cleaned_data["aliases"])
        if any(len(name) > NAME_LENGTH for name in names):
            raise forms.ValidationError(f"a name is longer than {NAME_LENGTH} characters")
        return names

    def clean_emails(self) -> list[str]:
        return _normalised(
            self.cleaned_data["emails"], identifiers.email, "an email address", EMAIL_LENGTH
        )

    def clean_phones(self) -> list[str]:
        return _normalised(self.cleaned_data["phones"], identifiers.phone, "a phone number")

    def clean_dob(self) -> Any:
        dob = self.cleaned_data["dob"]
        if dob and dob > timezone.localdate():
            raise forms.ValidationError("in the future")
        return dob

    def clean_nhs_number(self) -> str:
        return self._one(
            "nhs_number", identifiers.nhs_number, "not an NHS number (10 digits, check digit)"
        )

    def clean_ni_number(self) -> str:
        return self._one(
            "ni_number",
            identifiers.ni_number,
            "not a National Insurance number (two letters, six digits, A-D)",
        )

    def clean_postcode(self) -> str:
        return self._one("postcode", identifiers.postcode, "not a UK postcode")

    def _one(self, field: str, normalise: Callable[[str], str], problem: str) -> str:
        value = str(self.cleaned_data[field]).strip()
        if not value:
            return ""
        normal = normalise(value)
        if not normal:
            raise forms.ValidationError(problem)
        return normal

    def details(self) -> KnownSubject:
        """The subject as the register's matcher knows one: the full name first."""
        data = self.cleaned_data
        return KnownSubject(
            ref=data["ref"],
            kind=data["kind"],
            names=(data["display_name"].strip(), *data["aliases"]),
            emails=tuple(data["emails"]),
            phones=tuple(data["phones"]),
            dob=data["dob"],
            nhs_number=data["nhs_number"],
            ni_number=data["ni_number"],
            postcode=data["postcode"],
            address=data["address"].strip(),
        )


class ConsentForm(forms.Form):
    """A consent's terms; with ``agency`` when it is first recorded."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), to_field_name="id")
    method = forms.ChoiceField(choices=ConsentMethod.choices, widget=forms.RadioSelect)
    scopes = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)
    valid_until = forms.DateField(
        required=False,
        label="Valid until (blank: until withdrawn)",
        widget=DatePicker(),
    )
    evidence = forms.CharField(
        label="Evidence (who gave it, when, how; where the written form is kept)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args: Any, with_agency: bool = True, **kwargs: Any) -> None:
        """The scopes offered are the policy's words (``consent_scopes``) and ``all``."""
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(w, w) for w in consent_scope_words()]  # type: ignore[attr-defined]
        if not with_agency:
            del self.fields["agency"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("method") == ConsentMethod.ORAL and not cleaned.get("evidence", "").strip():
            self.add_error("evidence", "oral consent needs an evidence note")
        return cleaned

    def terms(self) -> ConsentTerms:
        data = self.cleaned_data
        until = data["valid_until"]
        return ConsentTerms(
            method=data["method"],
            scopes=tuple(data["scopes"]),
            # A consent valid until 31 March still counts on 31 March, as in the importer.
            valid_until=timezone.make_aware(datetime.combine(until, time.max)).astimezone(UTC)
            if until
            else None,
            evidence=data["evidence"].strip(),
        )


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(
        label="Withdrawn on",
        widget=DatePicker(),
        help_text="The day the person withdrew it; it counts from the start of that day.",
    )
    note = forms.CharField(
        label="Note (how it was withdrawn, who recorded it where)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def clean_withdrawn_on(self) -> Any:
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("in the future")
        return day

    def moment(self) -> datetime:
        day = self.cleaned_data["withdrawn_on"]
        start: datetime = timezone.make_aware(datetime.combine(day, time.min))
        return start.astimezone(UTC)


class AgencyForm(forms.Form):
    name = forms.CharField(max_length=NAME_LENGTH)
    domains = _lines("Domains", "One a line, as in agency.example: everyone there belongs to it.")
    addresses = _lines(
        "Addresses",
        "One a line: for an agency on a shared domain (nhs.net), each address of it.",
    )

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()

    def clean_domains(self) -> list[str]:
        return _normalised(self.cleaned_data["domains"], domain_of, "a domain (agency.example)")

    def clean_addresses(self) -> list[str]:
        return _normalised(
            self.cleaned_data["addresses"], identifiers.email, "an email address", EMAIL_LENGTH
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("domains") and not cleaned.get("addresses") and not self.errors:
            self.add_error("domains", "give a domain or an address the agency is known by")
        return cleaned


class RegisterUploadForm(forms.Form):
    """The export's three files, each optional, as ``confide consent import`` takes them."""

    agencies = forms.FileField(label="Agencies file (CSV)", required=False)
    subjects = forms.FileField(label="Subjects file (CSV)", required=False)
    consents = forms.FileField(label="Consents file (CSV)", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [kind for kind in IMPORT_FILES if cleaned.get(kind)]
        if not given and not self.errors:
            raise forms.ValidationError("choose at least one file")
        for kind in given:
            if cleaned[kind].size > MAX_UPLOAD_BYTES:
                self.add_error(kind, f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        return cleaned

    def files_read(self) -> dict[str, bytes]:
        return {
            kind: self.cleaned_data[kind].read()
            for kind in IMPORT_FILES
            if self.cleaned_data.get(kind)
        }
