"""The logbook's pages and staff's emergency release. The logbook (its list, an entry, the
CSV export, a manager's review, a recorded breach) is for managers; the emergency release is
for a staff member, on a held recipient of their own, and a manager gets 403 (they use the
manager's actions). A view reads through ``logbook`` and acts through ``breaches``; it never
touches the tables itself."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gateway.review import breaches, decisions, forms, logbook
from gateway.review.kept_filters import kept_filter, kept_form
from gateway.review.models import LawfulReason
from gateway.review.roles import is_manager
from gateway.review.views import manager_required, paged


def _not_held(request: HttpRequest, outcome_id: int) -> HttpResponse:
    """A staff member's own recipient a manager decided first is shown as decided; any other
    is not theirs (404)."""
    decided = breaches.decided_already(request.user, outcome_id)
    if decided is None:
        raise Http404("no such held recipient among the messages you sent")
    messages.error(
        request,
        f"Not released: a manager already decided this recipient "
        f"({decided.get_review_state_display()}), so there is nothing to release.",
    )
    return redirect("review:item", message_id=decided.message_id)


@require_http_methods(["GET", "POST"])
@never_cache
def emergency_page(request: HttpRequest, outcome_id: int) -> HttpResponse:
    """A staff member's emergency release of their own held recipient: the form, then the
    release; an invalid form is shown again with what is missing."""
    if is_manager(request.user):
        raise PermissionDenied("a manager releases with the manager's actions")
    outcome = breaches.own_held_recipient(request.user, outcome_id)
    if outcome is None:
        return _not_held(request, outcome_id)
    form = forms.EmergencyReleaseForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(
            request, "review/emergency.html", {"form": form, "outcome": outcome}, status=status
        )
    try:
        _, told = breaches.emergency_release(
            outcome.id,
            user=request.user,
            immediate_danger=form.cleaned_data["immediate_danger"],
            note=form.cleaned_data["note"],
        )
    except breaches.NotTheirs:
        return _not_held(request, outcome_id)
    except decisions.DecisionRefused as exc:
        messages.error(request, f"Not released: {exc}.")
    else:
        messages.success(
            request,
            "Released, marked CONFIDENTIAL. "
            + (
                f"The managers ({told}) are told at once and will review it."
                if told
                else "No manager has an email address to be told at: tell one yourself now."
            ),
        )
    return redirect("review:item", message_id=outcome.message_id)


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def logbook_page(request: HttpRequest) -> HttpResponse:
    form = kept_filter(request, "logbook", forms.LogbookFilterForm)
    if isinstance(form, HttpResponse):
        return form
    wanted = _wanted(form)
    return render(
        request,
        "review/logbook.html",
        {
            "form": form,
            "awaiting": logbook.awaiting_review(),
            **paged(request, logbook.entries(wanted)),
        },
    )


@require_GET
@never_cache
@manager_required
def logbook_csv(request: HttpRequest) -> HttpResponse:
    """The entries the list's filter (kept in the session) chooses, as CSV for trustees and
    the regulator."""
    wanted = _wanted(kept_form(request, "logbook", forms.LogbookFilterForm))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="confide-logbook-{day}.csv"'
    csv.writer(response).writerows(logbook.csv_rows(wanted))
    return response


def _wanted(form: forms.LogbookFilterForm) -> logbook.LogbookFilter:
    if form.is_valid():
        return logbook.LogbookFilter(**form.cleaned_data)
    return logbook.LogbookFilter()


@require_GET
@never_cache
@manager_required
def logbook_entry_page(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _entry(request, entry_id, forms.ReviewEmergencyForm())


def _entry(
    request: HttpRequest, entry_id: int, form: forms.ReviewEmergencyForm, status: int = 200
) -> HttpResponse:
    found = logbook.entry(entry_id)
    if found is None:
        raise Http404("no such logbook entry")
    return render(
        request,
        "review/logbook_entry.html",
        {"entry": found, "person_told": logbook.person_told(found), "form": form},
        status=status,
    )


@require_POST
@never_cache
@manager_required
def review_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """A manager confirms an emergency release as justified or records it as a breach."""
    form = forms.ReviewEmergencyForm(request.POST)
    if not form.is_valid():
        return _entry(request, entry_id, form, status=400)
    data = form.cleaned_data
    try:
        breaches.review_emergency(
            entry_id,
            user=request.user,
            finding=data["finding"],
            note=data["note"],
            subjects=data["subjects"],
            person_told=data["person_told"],
            why_not_told=data["why_not_told"],
        )
    except decisions.DecisionRefused as exc:
        messages.error(request, f"Not recorded: {exc}.")
    else:
        messages.success(request, "Review recorded.")
    return redirect("review:logbook_entry", entry_id=entry_id)


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def breach_page(request: HttpRequest) -> HttpResponse:
    """A manager records a breach that was not decided in confide (found later)."""
    form = forms.BreachForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        reason = data["lawful_reason"]
        try:
            entry = breaches.record_breach(
                user=request.user,
                happened_at=data["happened_at"],
                lawful_reason=LawfulReason(reason) if reason else None,
                who_decided=data["who_decided"],
                note=data["note"],
                subjects=data["subjects"],
                person_told=data["person_told"],
                why_not_told=data["why_not_told"],
                reference=data["reference"],
            )
        except decisions.DecisionRefused as exc:
            form.add_error(None, f"Not recorded: {exc}.")
        else:
            messages.success(request, f"Breach recorded as logbook entry {entry.id}.")
            return redirect("review:logbook_entry", entry_id=entry.id)
    status = 400 if form.is_bound else 200
    return render(request, "review/breach.html", {"form": form}, status=status)
