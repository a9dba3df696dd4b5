"""A page's filter is kept in the session, never in the URL: what a manager types into a
filter (a name, an address, an NHS number) would otherwise be in the browser's history, a
proxy's log and the server's. The filter form is POSTed (with its CSRF token) to the page's
own path; a valid filter is kept in the session (the database, as the pages' messages are)
under the page's key, and the browser is sent to the page's plain path; the page then reads
its filter from the session. "Clear" forgets it. Page links carry only ``?page=N``.

Nothing here logs: the request log names the route, never a path as typed or a body
(``request_log``), and a session's data is read by nobody but its own user's pages."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

# The button that forgets a page's filter (review/filters.html).
CLEAR = "clear"


def _key(page: str) -> str:
    return f"review.filter.{page}"


def kept_filter[F: forms.Form](
    request: HttpRequest, page: str, form_class: type[F]
) -> F | HttpResponse:
    """On a POST, keep the filter sent (or forget it, for "Clear") and redirect to the page's
    plain path; an invalid filter is not kept, and its form is returned to show with its
    errors. On a GET, the page's filter as kept, bound (unbound when there is none)."""
    if request.method == "POST":
        if CLEAR in request.POST:
            request.session.pop(_key(page), None)
            return redirect(request.path)
        sent = form_class(request.POST)
        if not sent.is_valid():
            return sent
        # The values as typed (strings: the session is JSON), bound again on each GET.
        request.session[_key(page)] = {
            name: request.POST.getlist(name) for name in sent.fields if name in request.POST
        }
        return redirect(request.path)
    return kept_form(request, page, form_class)


def kept_form[F: forms.Form](request: HttpRequest, page: str, form_class: type[F]) -> F:
    """The page's filter as kept in the session, bound (unbound when there is none)."""
    kept = request.session.get(_key(page))
    if not isinstance(kept, dict):
        return form_class(None)
    data = QueryDict(mutable=True)
    for name, values in kept.items():
        data.setlist(name, [str(value) for value in values])
    return form_class(data)
