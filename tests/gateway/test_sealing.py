"""The key file as a running process sees it: several keys, replaced whole, or gone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gateway.sealing import Sealer, SealingError, read_keys, write_keys


def test_a_replaced_key_file_is_followed_and_written_private(tmp_path: Path) -> None:
    """A sealer reads the file again once it is replaced: it seals with the new first key and
    opens with every key; the new file is its owner's alone whatever the umask."""
    path = tmp_path / "confide.key"
    sealer = Sealer.from_key_file(path, create=True)
    sealed_before = sealer.seal(b"before")
    new_key = Fernet.generate_key()
    previous = os.umask(0o022)
    try:
        write_keys(path, [new_key, *read_keys(path)])
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Fernet(new_key).decrypt(sealer.seal(b"after")) == b"after"
    assert sealer.unseal(sealed_before) == b"before"


def test_a_key_file_gone_stops_sealing(tmp_path: Path) -> None:
    """With its key file gone, a running sealer refuses to seal (fail closed: nothing is
    stored under a key no file holds) and says which file."""
    path = tmp_path / "confide.key"
    sealer = Sealer.from_key_file(path, create=True)
    path.unlink()
    with pytest.raises(SealingError, match="there is no key file at"):
        sealer.seal(b"mail")
