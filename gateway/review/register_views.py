"""The consent register's pages, for managers only: find subjects, read a subject's file,
add and edit subjects and consents, withdraw a consent, list and add agencies, and upload
the case-management export. A view reads through ``participant_file`` and changes through
``register_changes``; it never touches the tables itself. Every page is ``no-store``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gateway.register.models import Consent, Subject
from gateway.review import participant_file, register_changes, register_forms
from gateway.review.kept_filters import kept_filter
from gateway.review.participant_file import agencies, search_subjects, subject_file
from gateway.review.register_changes import RegisterRefused
from gateway.review.views import manager_required, paged

# Bytes of a request besides its files (the form fields, the multipart boundaries).
UPLOAD_OVERHEAD = 64 * 1024


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def subjects_page(request: HttpRequest) -> HttpResponse:
    form = kept_filter(request, "subjects", register_forms.SubjectSearchForm)
    if isinstance(form, HttpResponse):
        return form
    words = form.cleaned_data["q"] if form.is_valid() else ""
    found = search_subjects(words, timezone.now())
    return render(
        request,
        "review/subjects.html",
        {"form": form, "searched": bool(words), **paged(request, found)},
    )


@require_GET
@never_cache
@manager_required
def subject_page(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = subject_file(subject_id, timezone.now())
    if found is None:
        raise Http404("no such subject")
    return render(request, "review/subject.html", {"file": found, "now": timezone.now()})


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def subject_new(request: HttpRequest) -> HttpResponse:
    form = register_forms.SubjectForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda: register_changes.add_subject(form.details(), user=request.user),
        done=lambda added: (f"Subject {added.ref} added.", _file_of(added.id)),
        title="Add a subject",
        button="Add the subject",
    )


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def subject_edit(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = subject_file(subject_id, timezone.now())
    if found is None:
        raise Http404("no such subject")
    subject = found.subject
    initial = {
        "ref": subject.ref,
        "kind": subject.kind,
        "display_name": subject.display_name,
        "aliases": "\n".join(found.aliases),
        "emails": "\n".join(found.emails),
        "phones": "\n".join(found.phones),
        "dob": subject.dob,
        "nhs_number": subject.nhs_number,
        "ni_number": subject.ni_number,
        "postcode": subject.postcode,
        "address": subject.address,
    }
    form = register_forms.SubjectForm(request.POST or None, initial=initial)
    return _form_view(
        request,
        form,
        lambda: register_changes.edit_subject(subject.id, form.details(), user=request.user),
        done=lambda _: ("Subject saved.", _file_of(subject.id)),
        title=f"Edit subject {subject.ref}",
        button="Save",
        subject=subject,
    )


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def consent_new(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _subject(subject_id)
    form = register_forms.ConsentForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda: register_changes.add_consent(
            subject.id, form.cleaned_data["agency"].id, form.terms(), user=request.user
        ),
        done=lambda _: ("Consent recorded.", _file_of(subject.id)),
        title=f"Record a consent for {subject.ref}",
        button="Record the consent",
        subject=subject,
        intro="The agencies offered are those on the Agencies page; add one there first.",
    )


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def consent_edit(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = _consent(consent_id)
    initial = {
        "method": consent.method,
        "scopes": sorted(consent.scope_set),
        "valid_until": timezone.localtime(consent.valid_until).date()
        if consent.valid_until
        else None,
        "evidence": consent.evidence,
    }
    form = register_forms.ConsentForm(request.POST or None, initial=initial, with_agency=False)
    return _form_view(
        request,
        form,
        lambda: register_changes.edit_consent(consent.id, form.terms(), user=request.user),
        done=lambda _: ("Consent saved.", _file_of(consent.subject_id)),
        title=f"Edit the consent of {consent.subject.ref} for {_to(consent)}",
        button="Save",
        subject=consent.subject,
    )


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = _consent(consent_id)
    form = register_forms.WithdrawForm(
        request.POST or None, initial={"withdrawn_on": timezone.localdate()}
    )
    return _form_view(
        request,
        form,
        lambda: register_changes.withdraw_consent(
            consent.id, at=form.moment(), note=form.cleaned_data["note"], user=request.user
        ),
        done=lambda _: (
            "Consent withdrawn; it stays in the subject's file.",
            _file_of(consent.subject_id),
        ),
        title=f"Withdraw the consent of {consent.subject.ref} for {_to(consent)}",
        button="Withdraw the consent",
        subject=consent.subject,
        intro="The consent is kept, marked withdrawn from that day: mail about this subject "
        "to this recipient is held again from then.",
    )


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def agencies_page(request: HttpRequest) -> HttpResponse:
    form = register_forms.AgencyForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda: register_changes.add_agency(
            form.cleaned_data["name"],
            form.cleaned_data["domains"],
            form.cleaned_data["addresses"],
            user=request.user,
        ),
        done=lambda _: ("Agency added.", redirect("review:agencies")),
        template="review/agencies.html",
        agencies=agencies(),
    )


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def register_upload(request: HttpRequest) -> HttpResponse:
    """Upload the export; a request larger than its files may be is refused unread."""
    limit = len(register_changes.IMPORT_FILES) * register_forms.MAX_UPLOAD_BYTES
    if request.method == "POST" and _content_length(request) > limit + UPLOAD_OVERHEAD:
        return HttpResponse("The upload is too large.", status=413, content_type="text/plain")
    form = register_forms.RegisterUploadForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = register_changes.import_upload(form.files_read(), user=request.user)
        if result.error is None:
            messages.success(request, f"Imported: {result.summary()}.")
            return redirect("review:subjects")
        error = result.error
    status = 400 if form.is_bound else 200
    return render(
        request,
        "review/register_upload.html",
        {"form": form, "error": error, "max_mb": register_forms.MAX_UPLOAD_BYTES // 2**20},
        status=status,
    )


def _form_view[T](
    request: HttpRequest,
    form: Any,
    change: Callable[[], T],
    *,
    done: Callable[[T], tuple[str, HttpResponse]],
    template: str = "review/register_form.html",
    **context: Any,
) -> HttpResponse:
    """A register page with one form: sent and valid, ``change()`` is made and ``done`` says
    what to tell the manager and where to go next; otherwise (nothing sent, a field wrong, or
    the register refused the change, which the form then says above its fields) the page is
    shown with the form, 400 if it was sent."""
    if request.method == "POST" and form.is_valid():
        try:
            made = change()
        except RegisterRefused as exc:
            form.add_error(None, str(exc))
        else:
            said, then = done(made)
            messages.success(request, said)
            return then
    status = 400 if form.is_bound else 200
    return render(request, template, {"form": form, **context}, status=status)


def _file_of(subject_id: int) -> HttpResponse:
    """Back to the subject's file."""
    return redirect("review:subject", subject_id=subject_id)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _subject(subject_id: int) -> Subject:
    found = participant_file.subject(subject_id)
    if found is None:
        raise Http404("no such subject")
    return found


def _consent(consent_id: int) -> Consent:
    found = participant_file.consent(consent_id)
    if found is None:
        raise Http404("no such consent")
    return found


def _to(consent: Consent) -> str:
    return consent.recipient_label if consent.agency_id or consent.domain else "an address"
