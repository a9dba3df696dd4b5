"""The start-up check that the key file is the one that sealed what is stored: a different
valid key in its place is refused in one line, before the relay reads anything back."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gateway.config import Settings, StartupError
from gateway.relay import spool
from gateway.sealing import Sealer, write_keys
from gateway.startup_checks import check_key_opens_what_is_stored

pytestmark = pytest.mark.django_db

SEALING_KEY = Fernet.generate_key()


def _store() -> None:
    spool.store(
        Sealer(SEALING_KEY),
        mail_from="priya@riverside-carers.example.org",
        recipients=["colleague@riverside-carers.example.org"],
        content=b"Subject: rota\r\n\r\nRota on Friday.\r\n",
        client_address="127.0.0.1",
        node="relay-1",
    )


def _settings(tmp_path: Path, *keys: bytes) -> Settings:
    write_keys(tmp_path / "confide.key", list(keys))
    return Settings(data_dir=tmp_path)


def test_a_different_valid_key_over_stored_mail_is_refused(tmp_path: Path) -> None:
    """Stored mail and a key file holding only another valid key: refused, saying so."""
    _store()
    settings = _settings(tmp_path, Fernet.generate_key())
    with pytest.raises(StartupError) as refused:
        check_key_opens_what_is_stored(settings)
    assert str(refused.value).startswith(
        f"the key file {tmp_path / 'confide.key'} opens none of the stored messages; "
        "was it replaced?"
    )


@pytest.mark.parametrize("stored", [True, False], ids=["stored mail", "nothing stored"])
def test_the_key_that_sealed_what_is_stored_passes(tmp_path: Path, stored: bool) -> None:
    """The sealing key, even second in the file after a rotation, passes; with nothing
    stored, any key does."""
    if stored:
        _store()
    check_key_opens_what_is_stored(_settings(tmp_path, Fernet.generate_key(), SEALING_KEY))
    if not stored:
        check_key_opens_what_is_stored(_settings(tmp_path, Fernet.generate_key()))
