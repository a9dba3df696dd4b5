"""The review pages. Every page needs a signed-in user (LoginRequiredMiddleware); the
actions and the manager's pages need the Manager group; every page that shows personal data
is sent ``Cache-Control: no-store``. A view reads through ``held_items`` and acts through
``decisions``; it never touches the tables itself."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gateway.config import load_settings
from gateway.relay.models import Outcome, ReviewState
from gateway.review import decisions, forms
from gateway.review.held_items import (
    QueueFilter,
    held_message,
    held_recipients,
    need_to_know,
    note_kept_from,
    queue,
    subjects_found,
)
from gateway.review.kept_filters import kept_filter
from gateway.review.models import AuditEntry
from gateway.review.participant_file import subject_ids
from gateway.review.roles import is_manager
from gateway.review.scan_record import highlighted
from gateway.review.staff_reasons import reasons_for_staff

type View = Callable[..., HttpResponse]

ACTION_FORMS: dict[str, type[Any]] = {
    "release": forms.ReleaseWithBannerForm,
    "redacted": forms.ReleaseRedactedForm,
    "reject": forms.RejectForm,
    "exception": forms.ReleaseAsExceptionForm,
    "consent": forms.ConsentAndReleaseForm,
}

# A held message's HTML is shown in a sandboxed srcdoc iframe, which inherits this page's
# policy: its inline styles may apply, but still no script and nothing loaded from elsewhere.
ITEM_CSP: dict[str, Collection[str] | str] = {
    **cast(dict[str, Collection[str]], settings.SECURE_CSP),
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}


def manager_required(view: View) -> View:
    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_manager(request.user):
            raise PermissionDenied("only a manager may do this")
        return view(request, *args, **kwargs)

    return checked


def paged(request: HttpRequest, items: Any, keep: Collection[str] = ()) -> dict[str, Any]:
    """The page of ``items`` the request asks for (``review.page_size`` a page), and the
    parameters named in ``keep`` for the page links to carry besides the page's number.
    Nothing a manager typed is kept so: a page's filter is in the session (``kept_filters``)."""
    page = Paginator(items, load_settings().review.page_size).get_page(request.GET.get("page"))
    query = QueryDict(mutable=True)
    for name in keep:
        if name in request.GET:
            query.setlist(name, request.GET.getlist(name))
    return {"page": page, "query": query.urlencode()}


@require_http_methods(["GET", "POST"])
@never_cache
def queue_page(request: HttpRequest) -> HttpResponse:
    form = kept_filter(request, "queue", forms.QueueFilterForm)
    if isinstance(form, HttpResponse):
        return form
    wanted = QueueFilter()
    if form.is_valid():
        wanted = QueueFilter(**form.cleaned_data)
    elif form.is_bound:
        wanted = QueueFilter(state="")
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "now": timezone.now(),
            "manager": is_manager(request.user),
            **paged(request, queue(request.user, wanted)),
        },
    )


@require_GET
@never_cache
@csp_override(ITEM_CSP)
def item_page(request: HttpRequest, message_id: uuid.UUID) -> HttpResponse:
    return _item(request, message_id, {})


def _item(
    request: HttpRequest, message_id: uuid.UUID, bound: dict[int, Any], status: int = 200
) -> HttpResponse:
    item = held_message(request.user, message_id)
    if item is None:
        raise Http404("no such held item, or not one of yours")
    manager = is_manager(request.user)
    notes_kept = note_kept_from(request.user, item.outcomes)
    # The register is the managers': staff see no subject's ref, in the reasons or the text.
    subjects = subjects_found(item.message.id)
    refs = {*subjects, *(item.read.subjects if item.read else ())}
    # An exception's subjects start as those confide found in the message.
    initial = {"exception": {"subjects": " ".join(subjects)}}
    recipients: list[dict[str, Any]] = [
        {
            "outcome": outcome,
            "reasons": outcome.reasons if manager else reasons_for_staff(outcome.reasons, refs),
            "held": outcome.review_state == ReviewState.HELD,
            "note": "" if outcome.id in notes_kept else outcome.decision_note,
            "forms": {
                name: bound.get(outcome.id, {}).get(name)
                or form_class(prefix=_prefix(name, outcome.id), initial=initial.get(name))
                for name, form_class in ACTION_FORMS.items()
                if name != "release" or not decisions.held_without_consent(outcome)
            }
            if manager and outcome.review_state == ReviewState.HELD
            else {},
        }
        for outcome in item.outcomes
    ]
    now = timezone.now()
    ids: dict[str, int] = {}
    if manager and item.read:  # the register is the manager's to read
        ids = subject_ids(item.read.subjects)
        beyond = need_to_know(item.read, [o.recipient for o in item.outcomes], now)
        for recipient in recipients:
            recipient["beyond"] = [
                (found, ids.get(found.ref))
                for found in beyond.get(recipient["outcome"].recipient, [])
            ]
    segments = [
        {
            "segment": segment,
            "runs": [
                (
                    text,
                    span,
                    [(ref, ids.get(ref)) for ref in span.subjects] if span and manager else [],
                )
                for text, span in highlighted(segment)
            ],
        }
        for segment in (item.read.segments if item.read else ())
    ]
    return render(
        request,
        "review/item.html",
        {
            "item": item,
            "recipients": recipients,
            "segments": segments,
            "manager": manager,
            "now": now,
        },
        status=status,
    )


def _prefix(action: str, outcome_id: int) -> str:
    """Each recipient's forms have their own field names and ids on the page."""
    return f"{action}-{outcome_id}"


@require_POST
@never_cache
@manager_required
@csp_override(ITEM_CSP)
def act(request: HttpRequest, outcome_id: int, action: str) -> HttpResponse:
    """One manager's action on one held recipient; an invalid form shows the page again."""
    form_class = ACTION_FORMS.get(action)
    outcome = Outcome.objects.filter(id=outcome_id).only("id", "message_id", "recipient").first()
    if form_class is None or outcome is None:
        raise Http404("no such action or recipient")
    form = form_class(request.POST, prefix=_prefix(action, outcome.id))
    if not form.is_valid():
        return _item(request, outcome.message_id, {outcome.id: {action: form}}, status=400)
    data = form.cleaned_data
    try:
        if action == "release":
            decisions.release_with_banner(
                outcome.id, user=request.user, note=data["note"], body_only=data["body_only"]
            )
            done = "released, marked CONFIDENTIAL"
        elif action == "redacted":
            decisions.release_redacted(outcome.id, user=request.user, note=data["note"])
            done = "released redacted; the copy was checked again first"
        elif action == "reject":
            decisions.reject(outcome.id, user=request.user, note=data["note"])
            done = "rejected; the sender is told"
        elif action == "exception":
            decisions.release_as_exception(
                outcome.id,
                user=request.user,
                reason=data["reason"],
                note=data["note"],
                subjects=data["subjects"],
                person_told=data["person_told"],
                why_not_told=data["why_not_told"],
            )
            done = "released as an exception; the logbook records it"
        else:
            terms = form.terms()
            decisions.record_consent_and_release(
                outcome.id,
                user=request.user,
                subject=data["subject"],
                agency=data["agency"],
                method=terms.method,
                scopes=terms.scopes,
                valid_until=terms.valid_until,
                evidence=terms.evidence,
                note=data["note"],
            )
            done = "consent recorded and the copy released, marked CONFIDENTIAL"
    except decisions.DecisionRefused as exc:
        messages.error(request, f"Not done: {exc}.")
    else:
        messages.success(request, f"{outcome.recipient}: {done}.")
    return redirect("review:item", message_id=outcome.message_id)


# What a bulk action does to one recipient, and the words for it done.
BULK_DECISIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "reject": (decisions.reject, "rejected; the sender is told"),
    "redacted": (decisions.release_redacted, "released redacted"),
}


@require_GET
@never_cache
@manager_required
def bulk_confirm(request: HttpRequest) -> HttpResponse:
    """What a bulk action chosen on the queue would do, to confirm with a note; nothing is
    done until that form is sent."""
    chosen = forms.BulkChoiceForm(request.GET)
    if not chosen.is_valid():
        problems = [str(problem) for found in chosen.errors.values() for problem in found]
        messages.error(request, f"Not done: {'; '.join(problems)}.")
        return redirect("review:queue")
    action, ids = chosen.cleaned_data["action"], chosen.cleaned_data["outcome"]
    recipients = held_recipients(request.user, ids)
    form = forms.BulkConfirmForm(
        initial={"action": action, "outcome": [outcome.id for outcome in recipients]}
    )
    return _bulk_page(request, form, action, ids)


def _bulk_page(
    request: HttpRequest, form: Any, action: str, ids: list[int], status: int = 200
) -> HttpResponse:
    recipients = held_recipients(request.user, ids)
    return render(
        request,
        "review/bulk.html",
        {
            "form": form,
            "what": forms.BULK_ACTIONS[action],
            "recipients": recipients,
            "left_out": len(ids) - len(recipients),
            "now": timezone.now(),
        },
        status=status,
    )


@require_POST
@never_cache
@manager_required
def bulk_apply(request: HttpRequest) -> HttpResponse:
    """Apply the confirmed bulk action to each recipient in turn: each is decided on its own,
    and each refusal is reported for that recipient while the rest are done."""
    form = forms.BulkConfirmForm(request.POST)
    if not form.is_valid():
        chosen = forms.BulkChoiceForm(request.POST)
        if not chosen.is_valid():
            return HttpResponseBadRequest("no such bulk action or recipients")
        action, ids = chosen.cleaned_data["action"], chosen.cleaned_data["outcome"]
        return _bulk_page(request, form, action, ids, status=400)
    decide, done = BULK_DECISIONS[form.cleaned_data["action"]]
    ids = form.cleaned_data["outcome"]
    held = {outcome.id for outcome in held_recipients(request.user, ids)}
    # Messages are kept in the session (settings.MESSAGE_STORAGE), never in a cookie, so they
    # may name the recipient's address.
    addresses = dict(Outcome.objects.filter(id__in=ids).values_list("id", "recipient"))
    for outcome_id in ids:
        recipient = addresses.get(outcome_id, f"Recipient {outcome_id}")
        try:
            if outcome_id not in held:
                raise decisions.DecisionRefused("it is not held any more")
            decide(outcome_id, user=request.user, note=form.cleaned_data["note"])
        except decisions.DecisionRefused as exc:
            messages.error(request, f"{recipient}: not done: {exc}.")
        else:
            messages.success(request, f"{recipient}: {done}.")
    return redirect("review:queue")


@require_GET
@never_cache
@manager_required
def audit_page(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.order_by("-id")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    rows = [(entry, _readable(entry.details)) for entry in page]
    return render(request, "review/audit.html", {"page": page, "rows": rows})


def _readable(details: object) -> list[tuple[str, str]]:
    """An audit entry's details as words: each key with its underscores as spaces, and
    lists joined; the entry itself is kept as written (``confide audit verify``)."""
    if not isinstance(details, dict):
        return [("details", str(details))] if details else []
    return [
        (
            str(key).replace("_", " "),
            ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value),
        )
        for key, value in details.items()
    ]
