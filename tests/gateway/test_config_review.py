"""The review pages' settings for sign-in and for the mail that links to them: checked as
they load, with what to do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from gateway.config import ReviewSettings


def test_managers_need_a_second_factor_unless_the_setting_says_otherwise() -> None:
    """The default asks managers and admins for a second factor."""
    assert ReviewSettings().require_second_factor is True
    assert ReviewSettings(require_second_factor=False).require_second_factor is False


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://confide.example.org", "https://confide.example.org"),
        ("https://confide.example.org/", "https://confide.example.org"),
        ("https://example.org/confide/", "https://example.org/confide"),
        ("http://127.0.0.1:8025", "http://127.0.0.1:8025"),
        ("", ""),
    ],
)
def test_a_base_url_is_kept_without_its_last_slash(given: str, kept: str) -> None:
    """An HTTPS address (or plain HTTP on this machine) loads, ready to put a path after."""
    assert ReviewSettings(base_url=given).base_url == kept


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("http://confide.example.org", "must start with https://"),
        ("confide.example.org", "must start with https://"),
        ("https://", "is not the review pages' address"),
        ("https://confide.example.org/?x=1", "is not the review pages' address"),
        ("https://confide.example.org/#top", "is not the review pages' address"),
    ],
)
def test_a_base_url_that_cannot_be_linked_to_is_refused(given: str, problem: str) -> None:
    """Links sent by mail must reach the pages over TLS, and be a plain address."""
    with pytest.raises(ValidationError, match=problem):
        ReviewSettings(base_url=given)


@pytest.mark.parametrize(
    ("given", "every"),
    [
        ("5m", timedelta(minutes=5)),
        ("90s", timedelta(seconds=90)),
        ("1h", timedelta(hours=1)),
        ("0", timedelta(0)),
        ("off", timedelta(0)),
        (" 10M ", timedelta(minutes=10)),
    ],
)
def test_hold_alert_every_reads_a_duration(given: str, every: timedelta) -> None:
    """How often managers may be emailed about new holds, in seconds, minutes or hours."""
    assert ReviewSettings(hold_alert_every=given).hold_alert_every == every


@pytest.mark.parametrize("given", ["5", "m", "-5m", "5 minutes", "1d"])
def test_hold_alert_every_that_is_not_a_duration_is_refused(given: str) -> None:
    """A value without its unit (or with another) is refused, saying how to write it."""
    with pytest.raises(ValidationError, match=r"write e\.g\. 90s, 5m or 1h"):
        ReviewSettings(hold_alert_every=given)


def test_trusted_proxies_are_addresses_or_networks_believed_only_behind_the_proxy() -> None:
    """trusted_proxies takes addresses and networks, refuses a name with an example, and
    counts for nothing unless behind_tls_proxy is set."""
    review = ReviewSettings(behind_tls_proxy=True, trusted_proxies=["172.17.0.1", "fd00::/64"])
    assert [str(n) for n in review.proxy_networks()] == ["172.17.0.1/32", "fd00::/64"]
    assert ReviewSettings(trusted_proxies=["172.17.0.1"]).proxy_networks() == []
    with pytest.raises(ValidationError, match=r"'nginx' is not an address or network \(e\.g\."):
        ReviewSettings(trusted_proxies=["nginx"])
