"""``/healthz``, ``/readyz`` and ``/metrics``. The first two are open to anyone (a supervisor
or load balancer has no account), so they say only whether each part works, never anything
about mail or paths; ``/metrics`` needs a token or an allowed network. They change nothing,
so they take GET only (405 otherwise, not a CSRF 403), and a probe failing every few seconds
logs a line when readiness changes, not one per probe."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.config import load_settings
from gateway.database import database_answers
from gateway.health import running_parts
from gateway.health.metrics import REGISTRY
from gateway.health.metrics_access import CONNECTION_ADDRESS, may_scrape, metrics_enabled
from gateway.health.upstream_check import upstream_reachable

log = logging.getLogger("confide.health")


class _ReadinessChanges:
    """Logs the checks failing when they change: not ready (which), or ready again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failing: frozenset[str] = frozenset()

    def note(self, failing: frozenset[str]) -> None:
        with self._lock:
            if failing == self._failing:
                return
            self._failing = failing
        if failing:
            log.warning("not ready failing=%s", ",".join(sorted(failing)))
        else:
            log.info("ready again")


_readiness = _ReadinessChanges()


@csrf_exempt
@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process serves requests."""
    return JsonResponse({"status": "ok"})


@csrf_exempt
@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: 200 when every check is "ok", 503 otherwise."""
    checks: dict[str, str] = {
        "database": _ok(database_answers()),
        # The relay's own (``--upstream`` may have changed it); the settings' without one.
        "upstream": _ok(
            upstream_reachable(running_parts.upstream_in_use() or load_settings().relay.upstream)
        ),
    }
    workers = running_parts.scan_workers_up()
    if workers is not None:
        checks["scan_workers"] = _ok(workers)
    if (key_file := running_parts.key_file_opens()) is not None:
        checks["key_file"] = _ok(key_file)
    body: dict[str, Any] = {"checks": checks}
    folders = running_parts.folder_states()
    if folders is not None:
        checks["watcher"] = _ok(all(f.observer_running and not f.problem for f in folders))
        body["folders"] = [
            {
                "folder": folder.index,
                "observer": folder.observer,
                "observer_running": folder.observer_running,
                "problem": folder.problem,
                "holds_failing": folder.holds_failing,
                "last_reconcile": folder.last_reconcile.isoformat()
                if folder.last_reconcile
                else None,
            }
            for folder in folders
        ]
    failing = frozenset(name for name, state in checks.items() if state != "ok")
    _readiness.note(failing)
    response = JsonResponse(
        {"status": "failing" if failing else "ok", **body}, status=503 if failing else 200
    )
    # Logged above when it changed; Django would log each 503 as an ERROR.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _ok(working: bool) -> str:
    return "ok" if working else "failing"


@csrf_exempt
@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format for a scrape with the token or from an allowed network; 404
    when neither is configured (nothing to say there is such a page), 403 otherwise."""
    settings = load_settings().metrics
    if not metrics_enabled(settings):
        raise Http404
    authorization = request.headers.get("Authorization", "")
    # The connection's own address (gateway.review.web_server keeps it); under Django's test
    # client, which has no proxy in front, REMOTE_ADDR is that address.
    connection = request.META.get(CONNECTION_ADDRESS, request.META.get("REMOTE_ADDR", ""))
    if not may_scrape(settings, authorization, connection):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
