"""The managers' pages about the shared drive: the documents the watcher holds, one held
document with the manager's decisions (release, release marked CONFIDENTIAL, reject) and its
content to read (audited), and Discovery, personal data by folder. Staff see none of them
(403): a held document's owner is known only to configuration, not to the accounts. A view
reads through ``discovery`` and acts through the watcher's ``documents``; it never touches
the tables itself."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gateway.review import discovery
from gateway.review.participant_file import subject_ids
from gateway.review.roles import is_manager
from gateway.review.views import manager_required, paged
from gateway.watcher import documents

DONE = {
    "release": "Released: the document is back in its folder, as it was.",
    "marked": "Released marked CONFIDENTIAL: a marked copy is in its folder, the original "
    "stays in quarantine.",
    "reject": "Rejected: the document stays in quarantine.",
}
FINISHED = "Release finished: the document is back in its folder, as it was."
TOLD = "Its owner, {owner}, is sent a notice naming its reference and folder."
NOBODY_TOLD = "No owner is known for it, so nobody was told."


class DocumentDecisionForm(forms.Form):
    note = forms.CharField(
        label="Note (kept with the decision)", widget=forms.Textarea(attrs={"rows": 2})
    )


class WouldHoldForm(forms.Form):
    """A tick box, nothing typed: it stays in the URL (kept_filters is for typed filters)."""

    would_hold = forms.BooleanField(
        label="Only files that would be held for their folder's audience", required=False
    )


@require_GET
@never_cache
@manager_required
def documents_page(request: HttpRequest) -> HttpResponse:
    context = paged(request, discovery.held_documents())
    rows = [(row, documents.release_state(row)) for row in context["page"]]
    return render(
        request, "review/documents.html", {"now": timezone.now(), "rows": rows, **context}
    )


@require_GET
@never_cache
@manager_required
def document_page(request: HttpRequest, document_id: int) -> HttpResponse:
    return _document(request, document_id, {})


def _document(
    request: HttpRequest, document_id: int, bound: dict[str, forms.Form], status: int = 200
) -> HttpResponse:
    row = discovery.document(document_id)
    if row is None:
        raise Http404("no such held document")
    return render(
        request,
        "review/document.html",
        {
            "document": row,
            "now": timezone.now(),
            "findings": sorted(row.findings.items(), key=lambda item: (-item[1], item[0])),
            "subjects": _linked(row.subjects),
            "owner": documents.owner_of(row),
            "release_state": documents.release_state(row),
            "forms": {
                action: bound.get(action) or DocumentDecisionForm(prefix=action) for action in DONE
            },
        },
        status=status,
    )


@require_POST
@never_cache
@manager_required
def decide(request: HttpRequest, document_id: int, action: str) -> HttpResponse:
    """A manager's decision on a held document, with its note."""
    if action not in DONE:
        raise Http404("no such decision")
    form = DocumentDecisionForm(request.POST, prefix=action)
    if not form.is_valid():
        return _document(request, document_id, {action: form}, status=400)
    by, note = request.user.get_username(), form.cleaned_data["note"]
    done = DONE[action]
    try:
        if action == "reject":
            owner = documents.reject_document(document_id, by, note).owner_told
            done += " " + (TOLD.format(owner=owner) if owner else NOBODY_TOLD)
        else:
            released = documents.release_document(document_id, by, note, marked=action == "marked")
            done += f" It is {released.where()}."
    except documents.DecisionError as exc:
        messages.error(request, f"Not done: {exc}.")
    else:
        messages.success(request, done)
    return redirect("review:document", document_id=document_id)


@require_POST
@never_cache
@manager_required
def finish_release(request: HttpRequest, document_id: int) -> HttpResponse:
    """Finish a release of a held document that was cut short (the process releasing it
    killed), as its manager decided."""
    try:
        released = documents.finish_release(document_id, request.user.get_username())
    except documents.DecisionError as exc:
        messages.error(request, f"Not done: {exc}.")
    else:
        messages.success(request, f"{FINISHED} It is {released.where()}.")
    return redirect("review:document", document_id=document_id)


@require_GET
@never_cache
def document_content(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """A held document as it was, for a manager to read without releasing it (an
    attachment: the browser never renders it on the review pages' origin); each reading,
    and each refusal of someone else (403), is recorded in the audit trail."""
    if not is_manager(request.user):
        documents.refused_reading(document_id, request.user.get_username())
        raise PermissionDenied("only a manager may read a held document")
    if discovery.document(document_id) is None:
        raise Http404("no such held document")
    try:
        held = documents.read_document(document_id, request.user.get_username())
    except documents.DecisionError as exc:
        messages.error(request, f"Not opened: {exc}.")
        return redirect("review:document", document_id=document_id)
    response = StreamingHttpResponse(held.chunks, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{held.filename}"'
    if held.size is not None:
        response["Content-Length"] = str(held.size)
    return response


@require_GET
@never_cache
@manager_required
def discovery_page(request: HttpRequest) -> HttpResponse:
    form = WouldHoldForm(request.GET or None)
    would_hold = form.is_valid() and form.cleaned_data["would_hold"]
    folders = discovery.folders(would_hold=would_hold)
    return render(
        request,
        "review/discovery.html",
        {
            "form": form,
            "would_hold": would_hold,
            **paged(
                request,
                [
                    {
                        "summary": summary,
                        "by_type": discovery.chart(summary.by_type),
                        "by_verdict": discovery.chart(summary.by_verdict),
                        "named_by_verdict": discovery.chart(summary.named_by_verdict),
                    }
                    for summary in folders
                ],
                ["would_hold"],
            ),
        },
    )


@require_GET
@never_cache
@manager_required
def discovery_folder(request: HttpRequest) -> HttpResponse:
    """A folder's files (the folder is a parameter: it is a path)."""
    folder = request.GET.get("folder", "")
    form = WouldHoldForm(request.GET)
    would_hold = form.is_valid() and form.cleaned_data["would_hold"]
    context = paged(
        request, discovery.folder_files(folder, would_hold=would_hold), ["folder", "would_hold"]
    )
    if not context["page"].paginator.count and not would_hold:
        raise Http404("no files in that folder")
    return render(
        request,
        "review/discovery_folder.html",
        {
            "folder": folder,
            "form": form,
            "would_hold": would_hold,
            "files": [(row, _linked(row.subjects)) for row in context["page"]],
            **context,
        },
    )


def _linked(refs: list[str]) -> list[tuple[str, int | None]]:
    """Each subject ref with its register id, to link to (None: not in the register now)."""
    ids = subject_ids(refs)
    return [(ref, ids.get(ref)) for ref in refs]
