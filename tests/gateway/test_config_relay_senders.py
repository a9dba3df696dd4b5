"""Whom clients relaying by network may send as: the relay's sender settings are checked as
they load, with what to do, and the door gets the organisation's domains and the extra ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from gateway.config import ConfigError, RelaySettings, Settings, load_settings
from gateway.relay.service import no_sender_domains_warning, sender_domains


def test_by_default_clients_relaying_by_network_send_only_as_the_organisation() -> None:
    """No extra domain and no network allowed any sender: closed unless the file says so."""
    relay = RelaySettings()
    assert (relay.extra_sender_domains, relay.any_sender_networks) == ([], [])


def test_the_door_gets_the_internal_and_the_extra_domains() -> None:
    """The internal domains and the extra ones, lower-cased, each once, in order."""
    settings = Settings(
        organisation={"internal_domains": ["Riverside-Carers.example.org", "rc.example"]},
        relay={"extra_sender_domains": ["Appeals.example", "rc.example"]},
    )
    assert sender_domains(settings) == (
        "riverside-carers.example.org",
        "rc.example",
        "appeals.example",
    )


def test_no_domain_for_clients_relaying_by_network_is_a_warning() -> None:
    """With clients allowed by network and no domain for them, the relay warns (once it
    listens) that they can send only bounces; with a domain, or no such client, it does not."""
    assert sender_domains(Settings()) == ()
    warning = no_sender_domains_warning(Settings())
    assert warning is not None
    assert "organisation.internal_domains" in warning
    everyone = Settings(relay={"any_sender_networks": ["127.0.0.0/8", "::1/128"]})
    assert no_sender_domains_warning(everyone) is None
    ours = Settings(organisation={"internal_domains": ["riverside-carers.example.org"]})
    assert no_sender_domains_warning(ours) is None


@pytest.mark.parametrize(
    "domain",
    ["@appeals.example", "fundraising@appeals.example", "*.appeals.example", ".appeals.example",
     "appeals", "appeals.example.", "appeals..example", "-appeals.example", "appeals example"],
)  # fmt: skip
def test_an_extra_sender_domain_must_be_a_domain_name(domain: str) -> None:
    """An address, a wildcard, a leading dot or anything else that is not a domain name is
    refused, saying how to write it (subdomains come with it)."""
    with pytest.raises(ValidationError, match=r"is not a domain name: write it as e\.g\."):
        RelaySettings(extra_sender_domains=[domain])


def test_a_network_for_any_sender_must_be_a_network_inside_the_allowed_ones() -> None:
    """``any_sender_networks`` takes networks, each inside ``allowed_networks``."""
    kept = RelaySettings(
        allowed_networks=["127.0.0.0/8", "10.0.0.0/8"], any_sender_networks=["10.1.0.0/16"]
    )
    assert kept.any_sender_networks == ["10.1.0.0/16"]
    with pytest.raises(ValidationError, match="is not a network"):
        RelaySettings(any_sender_networks=["loopback"])
    with pytest.raises(ValidationError, match=r"is not inside relay\.allowed_networks"):
        RelaySettings(any_sender_networks=["192.0.2.0/24"])
    with pytest.raises(ValidationError, match=r"is not inside relay\.allowed_networks"):
        RelaySettings(allowed_networks=["127.0.0.0/8"], any_sender_networks=["::1/128"])


def test_a_bad_sender_domain_in_the_file_stops_confide_with_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """confide.toml with a wildcard domain stops confide with the file, the key and the fix."""
    config = tmp_path / "confide.toml"
    config.write_text('[relay]\nextra_sender_domains = ["*.appeals.example"]\n', encoding="utf-8")
    monkeypatch.setenv("CONFIDE_CONFIG", str(config))
    load_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"relay\.extra_sender_domains: .*domain name"):
            load_settings()
    finally:
        load_settings.cache_clear()
