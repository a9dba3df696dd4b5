"""Settings that cannot work are refused when they load, with what to do."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.config import MIN_WORKER_MEMORY_BYTES, ConfigError, Settings, load_settings


def test_a_worker_memory_limit_too_small_for_the_model_is_refused():
    """Below the model's own size every item would fail, each for a different reason."""
    with pytest.raises(ValidationError, match="worker_memory_bytes must be at least"):
        Settings(limits={"worker_memory_bytes": 512 * 1024 * 1024})


def test_a_worker_memory_limit_with_room_for_the_model_is_accepted():
    """The floor itself, and the default, load."""
    assert Settings(limits={"worker_memory_bytes": MIN_WORKER_MEMORY_BYTES})
    assert Settings().limits.worker_memory_bytes >= MIN_WORKER_MEMORY_BYTES


def test_a_configuration_file_named_but_missing_is_refused(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    """CONFIDE_CONFIG naming a file that is not there stops confide: running on the defaults
    instead would use another database."""
    monkeypatch.setenv("CONFIDE_CONFIG", str(tmp_path / "nope.toml"))
    load_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="no such configuration file"):
            load_settings()
    finally:
        load_settings.cache_clear()


def test_a_bad_value_in_the_environment_is_blamed_on_its_variable(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    """A value set in the environment is reported under its variable, not the file."""
    monkeypatch.setenv("CONFIDE_CONFIG", str(tmp_path / "confide.toml"))
    (tmp_path / "confide.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("CONFIDE_LIMITS__ITEM_TIMEOUT_SECONDS", "abc")
    load_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"^CONFIDE_LIMITS__ITEM_TIMEOUT_SECONDS: limits\."):
            load_settings()
    finally:
        load_settings.cache_clear()
