"""confide.toml, read once and checked as it loads.

The file named by ``CONFIDE_CONFIG`` (default ``./confide.toml``; a missing file means all
defaults) and ``CONFIDE_*`` environment variables (``CONFIDE_LIMITS__MAX_ITEM_BYTES=...``)
override the defaults here. A wrong value stops the program with the key and what to do.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from scanner.detect.rules import DEFAULT_RULES
from scanner.limits import ScanLimits
from scanner.policy.rules import DEFAULT_POLICY


class ConfigError(ValueError):
    """A configuration file or variable that cannot be used."""


class DetectionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The recognizers file; term lists and the first-name list are found beside it.
    rules: Path = DEFAULT_RULES


class OrganisationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    internal_domains: list[str] = []
    # The organisation's own published contact details (helpline, info@ address): never
    # personal data, so never a finding.
    published_contacts: list[str] = []
    # The policy rules that decide what happens to each item (see rules/default.yaml).
    policy: Path = DEFAULT_POLICY


def config_path() -> Path:
    return Path(os.environ.get("CONFIDE_CONFIG", "confide.toml"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CONFIDE_", env_nested_delimiter="__", extra="forbid"
    )
    # Where the SQLite database and other local state live.
    data_dir: Path = Path("var")
    detection: DetectionSettings = DetectionSettings()
    organisation: OrganisationSettings = OrganisationSettings()
    limits: ScanLimits = ScanLimits()

    @model_validator(mode="before")
    @classmethod
    def _known_limits(cls, values: Any) -> Any:
        limits = values.get("limits") if isinstance(values, dict) else None
        if isinstance(limits, dict):
            known = {f.name for f in dataclasses.fields(ScanLimits)}
            unknown = sorted(set(limits) - known)
            if unknown:
                raise ValueError(
                    f"unknown setting limits.{unknown[0]}; expected one of {sorted(known)}"
                )
        return values

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return init_settings, env_settings, toml


@functools.cache
def load_settings() -> Settings:
    """The settings in force, loaded once per process."""
    path = config_path()
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: {key}: {first['msg']}") from None
    except ValueError as exc:  # a TOML syntax error
        raise ConfigError(f"{path}: {exc}") from None
