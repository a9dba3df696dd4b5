"""The start-up checks that the key file is the one that sealed what is stored, and the one
the database's other nodes use: a different valid key in its place is refused in one line,
before the relay reads anything back or seals anything."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gateway.config import Settings, StartupError
from gateway.relay import spool
from gateway.relay.models import KeyCheck
from gateway.sealing import Sealer, write_keys
from gateway.startup_checks import check_key_is_this_databases, check_key_opens_what_is_stored

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

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


def test_the_first_key_file_seals_the_key_check_and_only_it_opens_it(tmp_path: Path) -> None:
    """With nothing stored, the first node's key file seals the key check; the same key (even
    second in the file after a rotation) passes, another valid key is refused, saying to
    give every node a copy of one key file."""
    first = Fernet.generate_key()
    for node in "abc":
        (tmp_path / node).mkdir()
    check_key_is_this_databases(_settings(tmp_path / "a", first))
    assert KeyCheck.objects.count() == 1
    check_key_is_this_databases(_settings(tmp_path / "b", Fernet.generate_key(), first))
    with pytest.raises(StartupError) as refused:
        check_key_is_this_databases(_settings(tmp_path / "c", Fernet.generate_key()))
    assert str(refused.value).startswith(
        f"the key file {tmp_path / 'c' / 'confide.key'} is not the one this database was "
        "first used with"
    )
    assert "a copy of one key file" in str(refused.value)
    assert KeyCheck.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_node_with_its_own_key_file_is_refused(
    tmp_path: Path, confide: Callable[..., subprocess.CompletedProcess[str]], database_url: str
) -> None:
    """Two processes on one empty database with key files of their own: the first seals
    the key check; `confide relay` with the other key file exits 2 in one line naming its
    key file, before it listens."""
    first, second = tmp_path / "first" / "confide.key", tmp_path / "second" / "confide.key"
    for path in (first, second):
        path.parent.mkdir(mode=0o700)
        write_keys(path, [Fernet.generate_key()])
    sealed = subprocess.run(
        [sys.executable, "-c", _FIRST_NODE],
        env={**os.environ, "DATABASE_URL": database_url, "CONFIDE_RELAY__KEY_FILE": str(first)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert sealed.returncode == 0, sealed.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = confide(
        "relay", "--listen", f"127.0.0.1:{port}", env={"CONFIDE_RELAY__KEY_FILE": str(second)}
    )
    assert refused.returncode == 2, refused.stderr
    errors = [line for line in refused.stderr.splitlines() if " INFO " not in line]
    assert errors == [
        f"confide: cannot start: the key file {second} is not the one this database was first "
        "used with (the key check the first node sealed does not open): this node and the "
        "others would each seal what the rest cannot open. Give every node a copy of one key "
        "file (from a node that has run on this database; relay.key_file says where each looks)"
    ]


# The first node's start-up check, in a process of its own.
_FIRST_NODE = """
import django
django.setup()
from gateway.config import load_settings
from gateway.startup_checks import check_key_is_this_databases
check_key_is_this_databases(load_settings())
"""
