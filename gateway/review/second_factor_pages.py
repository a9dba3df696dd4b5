"""Signing in with a second factor: the code asked for after the password, the page that
sets one up, and the middleware that sends people to them.

A wrong code is a failed sign-in for django-axes (the ``user_login_failed`` signal, with
the account's name), so the same lockout per account and per address covers both steps;
a locked-out person is signed out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gateway.review import second_factor

# The pages a signed-in person who still owes a code (or a device) may open.
OPEN_PAGES = frozenset(
    {"login", "logout", "second_factor_verify", "second_factor_setup", "second_factor_start"}
)


WRONG_CODE = "That code is not right, or is out of date: try the one the app shows now."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SecondFactorMiddleware:
    """After sign-in: someone with a device gives its code before any page; a manager or
    superuser without one (when it is required) sets one up before any page."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        match = request.resolver_match
        if not user.is_authenticated or user.is_verified():
            return None
        if match is not None and match.view_name in OPEN_PAGES:
            return None
        if second_factor.has_one(user):
            wanted = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('second_factor_verify')}?{wanted}")
        if second_factor.must_have_one(user):
            return redirect("second_factor_setup")
        return None


@require_http_methods(["GET", "POST"])
@never_cache
def verify_page(request: HttpRequest) -> HttpResponse:
    """The code, after the password."""
    user: Any = request.user
    if user.is_verified() or not second_factor.has_one(user):
        return redirect(_next(request))
    credentials = {"username": user.get_username()}
    if request.method == "POST":
        form = CodeForm(request.POST)
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out(request, credentials)
        device = second_factor.verify(user, form.cleaned_data["code"]) if form.is_valid() else None
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, credentials)
        return _verify_form(request, WRONG_CODE)
    return _verify_form(request, "")


def _verify_form(request: HttpRequest, error: str) -> HttpResponse:
    return render(
        request,
        "review/second_factor_verify.html",
        {"form": CodeForm(), "error": error, "next": _next(request)},
    )


@require_http_methods(["GET", "POST"])
@never_cache
def setup_page(request: HttpRequest) -> HttpResponse:
    """Setting up an authenticator app: start (a new secret), then confirm with a code."""
    user: Any = request.user
    if second_factor.has_one(user):
        if not user.is_verified():
            return redirect("second_factor_verify")
        return render(request, "review/second_factor_setup.html", {"has_one": True})
    device = second_factor.pending_device(user)
    error = ""
    if request.method == "POST" and device is not None:
        form = CodeForm(request.POST)
        code = form.cleaned_data["code"] if form.is_valid() else ""
        confirmed = second_factor.confirm(user, code) if code else None
        if confirmed is not None:
            django_otp.login(request, confirmed)
            messages.success(request, "Your second factor is set up; sign-ins will ask for it.")
            return redirect(settings.LOGIN_REDIRECT_URL)
        error = WRONG_CODE
    return render(
        request,
        "review/second_factor_setup.html",
        {
            "device": device,
            "form": CodeForm(),
            "error": error,
            "qr_code": second_factor.qr_code_svg(device) if device else "",
            "secret": second_factor.secret_text(device) if device else "",
            "required": second_factor.must_have_one(user),
        },
    )


@require_POST
@never_cache
def start_page(request: HttpRequest) -> HttpResponse:
    """A new secret to add to the app (a POST: it replaces one not yet confirmed)."""
    if second_factor.has_one(request.user):
        return redirect("second_factor_setup")
    second_factor.start_setting_up(request.user)
    return redirect("second_factor_setup")


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked_out(request: HttpRequest, credentials: dict[str, str]) -> HttpResponse:
    logout(request)
    response: HttpResponse = get_lockout_response(request, None, credentials)
    return response
