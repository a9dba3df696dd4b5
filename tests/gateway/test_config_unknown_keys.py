"""A misspelt key in confide.toml is named with its table and the closest known key."""

from __future__ import annotations

import re

import pytest

from gateway.config import ConfigError, load_settings


@pytest.fixture
def load_file(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """Load settings from a confide.toml holding the given text; the ConfigError's words."""
    path = tmp_path / "confide.toml"
    monkeypatch.setenv("CONFIDE_CONFIG", str(path))

    def load(text: str) -> str:
        path.write_text(text, encoding="utf-8")
        load_settings.cache_clear()
        try:
            with pytest.raises(ConfigError) as refused:
                load_settings()
        finally:
            load_settings.cache_clear()
        return str(refused.value)

    return load, path


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            'data_dri = "var"\n',
            "data_dri: unknown setting 'data_dri' at the top level (did you mean 'data_dir'?)",
        ),
        (
            "[relay.upstream]\nhots = 'smtp.example'\n",
            "relay.upstream.hots: unknown setting 'hots' in [relay.upstream]"
            " (did you mean 'host'?)",
        ),
        (
            "[limits]\nitem_timeout_secs = 30\n",
            "limits.item_timeout_secs: unknown setting 'item_timeout_secs' in [limits]"
            " (did you mean 'item_timeout_seconds'?)",
        ),
        (
            # The misspelt key is said, not the required one it leaves missing.
            "[[watch.folders]]\npathh = '/srv/share'\n",
            "watch.folders.0.pathh: unknown setting 'pathh' in [watch.folders]"
            " (did you mean 'path'?)",
        ),
        ("[review]\nzzzzzz = 1\n", "review.zzzzzz: unknown setting 'zzzzzz' in [review]"),
    ],
)
def test_a_misspelt_key_is_named_with_its_table_and_the_closest_key(text, said, load_file):
    """The file, the key, its table and the nearest known key, not pydantic's words."""
    load, path = load_file
    message = load(text)
    assert message == f"{path}: {said}"
    assert "Extra inputs" not in message


def test_a_misspelt_variable_is_blamed_on_the_variable(load_file, monkeypatch):
    """A misspelt CONFIDE_ variable is named, with the closest key of its table."""
    load, _ = load_file
    monkeypatch.setenv("CONFIDE_RELAY__UPSTREAM__HOTS", "smtp.example")
    message = load("")
    assert re.fullmatch(
        r"CONFIDE_RELAY__UPSTREAM__HOTS: relay\.upstream\.hots: unknown setting 'hots' in"
        r" \[relay\.upstream\] \(did you mean 'host'\?\)",
        message,
    )


def test_a_setting_from_the_environment_is_named_by_its_variable(
    load_file, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token file set by CONFIDE_METRICS__TOKEN_FILE and refused is blamed on that
    variable, not on confide.toml's "(top level)"; a list in a variable that is no JSON says
    how to write one."""
    load, _ = load_file
    token = tmp_path / "metrics.token"
    token.write_text("a-long-enough-token-read-by-all\n")
    token.chmod(0o644)
    monkeypatch.setenv("CONFIDE_METRICS__TOKEN_FILE", str(token))
    assert load("").startswith(
        f"CONFIDE_METRICS__TOKEN_FILE: metrics.token_file {token}: open to other users"
    )
    monkeypatch.delenv("CONFIDE_METRICS__TOKEN_FILE")
    monkeypatch.setenv("CONFIDE_METRICS__ALLOWED_NETWORKS", "10.0.0.0/8")
    assert "written as JSON" in load("")
