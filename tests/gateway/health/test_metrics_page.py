"""/metrics: refused unless a token or network is configured and offered; with it, the
families read from the database, and no address or text of the mail."""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError

from gateway.config import Settings
from gateway.health import views
from gateway.health.metrics import DOORS, REGISTRY, count_unscannable
from gateway.relay import spool
from gateway.relay.models import Copy, Delivery, Outcome, ReviewState
from gateway.review.web_server import WebServer
from gateway.sealing import Sealer
from scanner.unscannable import KINDS, kinds
from tests.e2e.conftest import free_port

TOKEN = "a-metrics-token-for-tests-0123456789"  # noqa: S105  # a test's own token
SENDER = "priya.sharma@riverside-carers.example.org"
HELD_FOR = "advice@citizensadvice.example"


def configure(monkeypatch: pytest.MonkeyPatch, **metrics: Any) -> None:
    settings = Settings(metrics=metrics)  # type: ignore[arg-type]
    monkeypatch.setattr(views, "load_settings", lambda: settings)


@pytest.fixture
def stored(db: None) -> None:
    """One message: one recipient held by a rule, one copy queued for delivery twice tried."""
    message = spool.store(
        Sealer(Fernet.generate_key()),
        mail_from=SENDER,
        recipients=[HELD_FOR],
        content=b"Subject: Amina\r\n\r\nNHS 943 476 5919\r\n",
        client_address="127.0.0.1",
        node="relay-1",
    )
    Outcome.objects.create(
        message_id=message.id,
        recipient=HELD_FOR,
        action="hold",
        rules=["no-consent"],
        reasons=["NHS number of a known carer; no consent recorded"],
        review_state=ReviewState.HELD,
    )
    copy = Copy.objects.create(message_id=message.id, kind="notice", sealed=b"x")
    Delivery.objects.create(copy=copy, recipient=SENDER, attempts=2)


def test_metrics_refused_when_nothing_is_configured(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no token and no network configured, /metrics is 404 even to a bearer."""
    configure(monkeypatch)
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 404


def test_metrics_refuses_a_scrape_without_the_token(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token configured: no Authorization, or a wrong token, is 403."""
    configure(monkeypatch, token=TOKEN)
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("stored")
def test_metrics_with_the_token_give_the_families(
    client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The token (read from token_file) gets every family, counted from the database, and
    nothing of the addresses or the message."""
    token_file = tmp_path / "metrics.token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    configure(monkeypatch, token_file=token_file)
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    text = response.content.decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name in (
        "confide_recipient_verdicts",
        "confide_unscannable_recipients",
        "confide_recipients_held",
        "confide_oldest_held_age_seconds",
        "confide_deliveries",
        "confide_delivery_queue_depth",
        "confide_delivery_queue_oldest_age_seconds",
        "confide_deliveries_retried",
        "confide_watched_files",
        "confide_scan_seconds",
    ):
        assert name in families, name
    verdicts = {
        (s.labels["action"], s.labels["rule"]): s.value
        for s in families["confide_recipient_verdicts"].samples
    }
    assert verdicts == {("hold", "no-consent"): 1}
    assert families["confide_recipients_held"].samples[0].value == 1
    assert families["confide_delivery_queue_depth"].samples[0].value == 1
    assert families["confide_deliveries_retried"].samples[0].value == 1
    for personal in ("priya", "citizensadvice", "Amina", "476 5919"):
        assert personal not in text


@pytest.mark.django_db
def test_metrics_from_an_allowed_network_need_no_token(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scrape from an allowed network is served; from another address it is 403."""
    configure(monkeypatch, allowed_networks=["127.0.0.0/8"])
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403


@pytest.fixture
def web_behind_the_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The review app served by waitress on loopback as ``confide run`` serves it, behind
    the TLS proxy, with /metrics open to 10.9.9.0/24 or the token; gives its URL."""
    settings = Settings(
        review={"listen": f"127.0.0.1:{free_port()}", "behind_tls_proxy": True},  # type: ignore[arg-type]
        metrics={"token": TOKEN, "allowed_networks": ["10.9.9.0/24"]},  # type: ignore[arg-type]
    )
    monkeypatch.setattr(views, "load_settings", lambda: settings)
    web = WebServer(settings)
    web.start()
    yield web.url
    web.stop()


def _scrape(url: str, **headers: str) -> int:
    request = urllib.request.Request(f"{url}metrics", headers=headers)  # noqa: S310  # loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.mark.django_db(transaction=True)
def test_a_forwarded_address_does_not_open_metrics(web_behind_the_proxy: str) -> None:
    """Behind the proxy, a request from this machine naming an allowed address in
    X-Forwarded-For is refused (anything here can send that header); the token still
    works through the proxy."""
    forwarded = {"X-Forwarded-For": "10.9.9.5", "X-Forwarded-Proto": "https"}
    assert _scrape(web_behind_the_proxy, **forwarded) == 403
    assert _scrape(web_behind_the_proxy, Authorization=f"Bearer {TOKEN}", **forwarded) == 200


def test_a_network_holding_the_proxy_is_refused_behind_it() -> None:
    """Behind the proxy, an allowed network that holds the proxy's address (every request
    through it) is a configuration error that says to use the token."""
    with pytest.raises(ValidationError, match=r"127\.0\.0\.0/8 holds the proxy's address"):
        Settings(
            review={"behind_tls_proxy": True},  # type: ignore[arg-type]
            metrics={"allowed_networks": ["10.9.9.0/24", "127.0.0.0/8"]},  # type: ignore[arg-type]
        )
    Settings(metrics={"allowed_networks": ["127.0.0.0/8"]})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (None, "cannot read it"),
        ("short\n", "at least 16 characters"),
        ("\n", "at least 16 characters"),
        ("a-long-enough-token-read-by-all\n", r"open to other users \(mode 0644\).*chmod 640"),
        ("FIFO", "is not a file"),
    ],
)
def test_a_token_file_is_checked_as_the_settings_load(
    tmp_path: Path, content: str | None, error: str
) -> None:
    """A token_file that is missing, empty, holds a short token or is open to other users
    stops the settings loading with the file's name, as a short token does, rather than
    failing each scrape or starting with a token anyone on the server can read."""
    token_file = tmp_path / "metrics.token"
    if content == "FIFO":  # read, it would wait for a writer for ever
        os.mkfifo(token_file, 0o600)
    elif content is not None:
        token_file.write_text(content)
        token_file.chmod(0o644 if "open to other users" in error else 0o600)
    named = re.escape(f"metrics.token_file {token_file}")
    with pytest.raises(ValidationError, match=f"{named}: .*{error}"):
        Settings(metrics={"token_file": token_file})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"metrics\.token: .*at least 16 characters"):
        Settings(metrics={"token": "short"})  # type: ignore[arg-type]


def test_a_token_file_its_group_may_read_is_taken(tmp_path: Path) -> None:
    """root:confide 0640, as the service layout keeps confide.toml: confide's group reads it,
    nobody else does."""
    token_file = tmp_path / "metrics.token"
    token_file.write_text(TOKEN)
    token_file.chmod(0o640)
    settings = Settings(metrics={"token_file": token_file})  # type: ignore[arg-type]
    assert settings.metrics.bearer_token() == TOKEN


def test_token_and_token_file_together_are_refused(tmp_path: Path) -> None:
    """Both token and token_file set is an error rather than one silently winning."""
    token_file = tmp_path / "metrics.token"
    token_file.write_text(TOKEN)
    with pytest.raises(ValidationError, match=r"metrics\.token or metrics\.token_file, not both"):
        Settings(metrics={"token": TOKEN, "token_file": token_file})  # type: ignore[arg-type]


def _unscannable(door: str, reason: str) -> float:
    value = REGISTRY.get_sample_value(
        "confide_unscannable_items_total", {"door": door, "reason": reason}
    )
    assert value is not None, (door, reason)
    return value


@pytest.mark.django_db
def test_metrics_count_unscannable_items_by_kind_of_problem_only(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every door and kind of problem is a series from the start; an item counts once under
    each kind it has; the scrape carries the kinds, never the words of a reason."""
    configure(monkeypatch, token=TOKEN)
    before = {reason: _unscannable("mail", reason) for reason in KINDS}
    reasons = [
        "the attachment 'Amina Khan referral.pdf' is encrypted with a password",
        "the attachment 'Amina Khan notes.pdf' is encrypted with a password",
        "scanning took longer than 30 s",
    ]
    count_unscannable("mail", kinds(reasons))
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    [family] = [
        f for f in text_string_to_metric_families(text) if f.name == "confide_unscannable_items"
    ]
    series = {
        (s.labels["door"], s.labels["reason"]) for s in family.samples if s.name.endswith("_total")
    }
    assert series == {(door, reason) for door in DOORS for reason in KINDS}
    added = {reason: _unscannable("mail", reason) - before[reason] for reason in KINDS}
    assert added == {reason: float(reason in {"encrypted", "timeout"}) for reason in KINDS}
    assert "Amina" not in text
    assert "referral" not in text


def test_count_unscannable_refuses_words_outside_the_fixed_lists() -> None:
    """A reason's own words, or an unknown door, never become a label."""
    with pytest.raises(ValueError, match="not a door and kind"):
        count_unscannable("mail", ["the attachment 'Amina Khan referral.pdf' is encrypted"])
    with pytest.raises(ValueError, match="not a door and kind"):
        count_unscannable("fax", ["encrypted"])


def test_a_network_holding_a_configured_proxy_is_refused_behind_it() -> None:
    """A metrics network holding a trusted proxy other than loopback (a container's bridge
    gateway) is refused behind the proxy, as one holding 127.0.0.1 is."""
    review = {"behind_tls_proxy": True, "trusted_proxies": ["172.17.0.1"]}
    with pytest.raises(ValidationError, match=r"172\.16\.0\.0/12 holds the proxy's address"):
        Settings(review=review, metrics={"allowed_networks": ["172.16.0.0/12"]})  # type: ignore[arg-type]
    Settings(review=review, metrics={"allowed_networks": ["127.0.0.0/8"]})  # type: ignore[arg-type]
