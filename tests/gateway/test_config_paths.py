"""An empty file or folder setting is refused when the settings load: read from the
configuration file's folder, it would silently mean that folder itself (``Path("")`` is
``.``): the database made beside confide.toml, the folder read as a key file."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.config import Settings

_EMPTY_PATHS = [
    ({"data_dir": ""}, "data_dir"),
    ({"detection": {"rules": " "}}, "detection.rules"),
    ({"organisation": {"policy": ""}}, "organisation.policy"),
    ({"organisation": {"banner": ""}}, "organisation.banner"),
    ({"organisation": {"banner_without_consent": ""}}, "organisation.banner_without_consent"),
    ({"organisation": {"redaction": ""}}, "organisation.redaction"),
    ({"organisation": {"pseudonym_key_file": ""}}, "organisation.pseudonym_key_file"),
    ({"relay": {"key_file": ""}}, "relay.key_file"),
    ({"relay": {"tls_certificate": ""}}, "relay.tls_certificate"),
    ({"relay": {"tls_key": "  "}}, "relay.tls_key"),
    ({"relay": {"upstream": {"ca_file": ""}}}, "relay.upstream.ca_file"),
    ({"metrics": {"token_file": ""}}, "metrics.token_file"),
]


@pytest.mark.parametrize(("values", "key"), _EMPTY_PATHS, ids=[key for _, key in _EMPTY_PATHS])
def test_an_empty_path_setting_is_refused(values: dict, key: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(**values)
    (error,) = raised.value.errors()
    assert ".".join(str(part) for part in error["loc"]) == key
    assert "an empty path would be the configuration file's own folder" in error["msg"]


def test_a_path_setting_left_out_keeps_its_default() -> None:
    """Leaving a setting out (or None for one that may be unset) is not an empty path."""
    settings = Settings(relay={"key_file": None})
    assert settings.relay.key_file is None
    assert settings.data_dir.name == "var"
