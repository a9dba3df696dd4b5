"""/healthz and /readyz: open without signing in, 503 when a part fails, and nothing about
mail or paths in what they say."""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from gateway.config import Settings
from gateway.health import running_parts, views
from gateway.health.upstream_check import forget_answers
from gateway.review.suspicious_log import OncePerKind

pytestmark = pytest.mark.both_backends


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A listening socket on loopback that the settings name as the upstream."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    settings = Settings(relay={"upstream": {"host": "127.0.0.1", "port": port}})  # type: ignore[arg-type]
    monkeypatch.setattr(views, "load_settings", lambda: settings)
    forget_answers()
    # No relay or watcher in this process but what the test reports (under xdist, others'
    # tests ran here first).
    running_parts.report_scan_workers(None)
    running_parts.report_key_file(None)
    running_parts.report_folders(None)
    running_parts.report_upstream(None)
    yield listener
    listener.close()
    forget_answers()
    running_parts.report_scan_workers(None)
    running_parts.report_key_file(None)
    running_parts.report_folders(None)
    running_parts.report_upstream(None)


def test_healthz_answers_without_signing_in(client: Client) -> None:
    """An anonymous GET of /healthz gets 200 and {"status": "ok"}."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_database_and_upstream_answer(client: Client, upstream: Any) -> None:
    """With the database and a listening upstream, /readyz is 200 with each check "ok"."""
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "upstream": "ok"}}


@pytest.mark.django_db
def test_readyz_fails_when_the_upstream_is_gone(client: Client, upstream: Any) -> None:
    """An upstream that refuses connections makes /readyz 503 and names the failing check."""
    upstream.close()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["upstream"] == "failing"


@pytest.mark.django_db
def test_readyz_fails_when_scan_workers_are_down(client: Client, upstream: Any) -> None:
    """Scan workers the relay reports down make /readyz 503; up, 200."""
    running_parts.report_scan_workers(lambda: False)
    assert client.get("/readyz").status_code == 503
    running_parts.report_scan_workers(lambda: True)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["scan_workers"] == "ok"


@pytest.mark.django_db
def test_readyz_shows_folders_by_index_never_path(
    client: Client, upstream: Any, tmp_path: Any
) -> None:
    """Each watched folder shows as its index with observer and last reconcile; a stopped
    observer makes /readyz 503 and no path appears."""
    when = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    running_parts.report_folders(
        lambda: [
            running_parts.FolderState(0, True, when, observer="native"),
            running_parts.FolderState(1, False, None, observer="polling"),
        ]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["watcher"] == "failing"
    assert body["folders"] == [
        {
            "folder": 0,
            "observer": "native",
            "observer_running": True,
            "problem": None,
            "holds_failing": 0,
            "last_reconcile": "2026-12-02T05:00:00+00:00",
        },
        {
            "folder": 1,
            "observer": "polling",
            "observer_running": False,
            "problem": None,
            "holds_failing": 0,
            "last_reconcile": None,
        },
    ]
    assert "/" not in response.content.decode().replace("+00:00", "")


@pytest.mark.django_db
def test_readyz_counts_failing_holds_without_failing(client: Client, upstream: Any) -> None:
    """A folder with documents whose hold could not be carried out shows how many, and the
    check stays ok: the node still serves the review pages where a manager sees them."""
    running_parts.report_folders(
        lambda: [running_parts.FolderState(0, True, None, holds_failing=2)]
    )
    response = client.get("/readyz")
    body = response.json()
    assert (response.status_code, body["checks"]["watcher"]) == (200, "ok")
    assert body["folders"][0]["holds_failing"] == 2


@pytest.mark.django_db
def test_readyz_fails_for_a_folder_that_is_gone(client: Client, upstream: Any) -> None:
    """A folder the watcher reports gone makes /readyz 503 with its reason, even while the
    observers of the others run."""
    running_parts.report_folders(
        lambda: [
            running_parts.FolderState(0, True, None),
            running_parts.FolderState(1, False, None, problem="unmounted"),
        ]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["watcher"] == "failing"
    assert [folder["problem"] for folder in body["folders"]] == [None, "unmounted"]


@pytest.mark.django_db
def test_readyz_fails_while_stored_mail_does_not_open(client: Client, upstream: Any) -> None:
    """Stored mail the relay reports not opening with the key file makes /readyz 503 with
    the key_file check failing; opening again, 200."""
    running_parts.report_key_file(lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["key_file"] == "failing"
    running_parts.report_key_file(lambda: True)
    assert client.get("/readyz").status_code == 200


def test_healthz_is_answered_over_http_behind_a_tls_proxy(client: Client, settings: Any) -> None:
    """With plain HTTP redirected to HTTPS (behind_tls_proxy), /healthz still answers 200
    to a probe on loopback, while the sign-in page is redirected."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301


@pytest.mark.django_db
def test_a_failing_probe_logs_when_readiness_changes(
    client: Client, upstream: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A probe failing every few seconds logs one warning naming the failing check, not an
    ERROR per 503; ready again is one line more."""
    monkeypatch.setattr(views, "_readiness", views._ReadinessChanges())
    running_parts.report_scan_workers(lambda: False)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            assert client.get("/readyz").status_code == 503
        running_parts.report_scan_workers(lambda: True)
        for _ in range(2):
            assert client.get("/readyz").status_code == 200
    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert lines == [
        ("confide.health", "WARNING", "not ready failing=scan_workers"),
        ("confide.health", "INFO", "ready again"),
    ]


@pytest.mark.parametrize("page", ["/healthz", "/readyz", "/metrics"])
def test_a_post_to_a_health_page_is_405(page: str) -> None:
    """The health pages take GET only: a POST is 405 Method Not Allowed, not a CSRF 403."""
    response = Client(enforce_csrf_checks=True).post(page)
    assert response.status_code == 405
    assert response["Allow"] == "GET"


def test_requests_naming_an_unknown_host_are_one_line_a_minute(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests naming a host not in review.hosts are logged, through confide's log set-up,
    as one warning line a minute with a count, without the host they named or a traceback."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "stderr")
    now = [1000.0]
    fresh = OncePerKind(clock=lambda: now[0])
    filters = [fresh if isinstance(f, OncePerKind) else f for f in handler.filters]
    assert fresh in filters
    monkeypatch.setattr(handler, "filters", filters)
    written = io.StringIO()
    monkeypatch.setattr(handler, "stream", written)
    for _ in range(3):
        assert client.get("/healthz", HTTP_HOST="jane-okafor.evil.example").status_code == 400
    now[0] += 61
    assert client.get("/healthz", HTTP_HOST="jane-okafor.evil.example").status_code == 400
    lines = written.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert "WARNING" in lines[0]
    assert "kind=DisallowedHost count=1" in lines[0]
    assert "kind=DisallowedHost count=3" in lines[1]
    assert "evil" not in written.getvalue()
    assert "Traceback" not in written.getvalue()
