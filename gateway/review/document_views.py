"""The managers' pages about the shared drive: the documents the watcher holds, one held
document with the manager's decisions (release, release marked CONFIDENTIAL, reject), and
Discovery, personal data by folder. The watcher knows no document's owner, so staff see none
of them (403). A view reads through ``discovery`` and acts through the watcher's
``documents``; it never touches the tables itself."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gateway.review import discovery
from gateway.review.participant_file import subject_ids
from gateway.review.views import manager_required, paged
from gateway.watcher import documents

DONE = {
    "release": "Released: the document is back in its folder, as it was.",
    "marked": "Released marked CONFIDENTIAL: a marked copy is in its folder, the original "
    "stays in quarantine.",
    "reject": "Rejected: the document stays in quarantine.",
}


class DocumentDecisionForm(forms.Form):
    note = forms.CharField(
        label="Note (kept with the decision)", widget=forms.Textarea(attrs={"rows": 2})
    )


class WouldHoldForm(forms.Form):
    would_hold = forms.BooleanField(
        label="Only files that would be held for their folder's audience", required=False
    )


@require_GET
@never_cache
@manager_required
def documents_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "review/documents.html",
        {"now": timezone.now(), **paged(request, discovery.held_documents())},
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
    try:
        if action == "reject":
            documents.reject_document(document_id, by, note)
        else:
            documents.release_document(document_id, by, note, marked=action == "marked")
    except documents.DecisionError as exc:
        messages.error(request, f"Not done: {exc}.")
    else:
        messages.success(request, DONE[action])
    return redirect("review:document", document_id=document_id)


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
                    }
                    for summary in folders
                ],
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
    context = paged(request, discovery.folder_files(folder, would_hold=would_hold))
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
