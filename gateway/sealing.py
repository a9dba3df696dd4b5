"""Encryption at rest for what confide keeps of messages (Fernet, from ``cryptography``).

The key lives in a file outside the database (``[relay] key_file``), so a copy of the
database or its backups alone discloses nothing. The file is created on first use, readable
by its owner only.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken


class SealingError(Exception):
    """The key file is unusable, or a sealed value does not open with it."""


class Sealer:
    """Seals and opens bytes with one Fernet key."""

    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except ValueError:
            raise SealingError("the key is not a Fernet key (32 url-safe base64 bytes)") from None

    @classmethod
    def from_key_file(cls, path: Path) -> Sealer:
        """The sealer for the key in ``path``, creating the file (mode 0600) if it is missing."""
        if not path.exists():
            _create_key_file(path)
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise SealingError(f"{path}: cannot read the key file: {exc.strerror}") from None
        try:
            return cls(key)
        except SealingError as exc:
            raise SealingError(f"{path}: {exc}") from None

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def unseal(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise SealingError("a stored message does not open with this key file") from None


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return
    with os.fdopen(fd, "wb") as file:
        file.write(Fernet.generate_key() + b"\n")
        file.flush()
        os.fsync(file.fileno())
