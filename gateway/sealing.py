"""Encryption at rest for what confide keeps of messages (Fernet, from ``cryptography``).

The keys live in a file outside the database (``[relay] key_file``), so a copy of the
database or its backups alone discloses nothing. The file is created on first use, readable
by its owner only, and holds one key per line: the first seals, and every one opens
(Fernet's ``MultiFernet``). ``confide keys rotate`` puts a new key first and re-seals what
is stored (``gateway.key_rotation``); ``confide keys retire`` then drops the older keys.

A sealer made from the key file looks at the file (one ``stat``) each time it seals or
opens, and reads it again when it has been replaced: the relay, its scanning workers and
the web app go on running through a rotation, open what it re-sealed, and seal with the new
key from the moment the file changes. The file is only ever replaced whole (``write_keys``).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SealingError(Exception):
    """The key file is unusable, or a sealed value does not open with it."""


class Sealer:
    """Seals with the first of its keys and opens with any of them."""

    # What its keys are, in the words of a value that does not open.
    _described = "these keys"

    def __init__(self, *keys: bytes) -> None:
        self._fernet = _multi_fernet(keys)

    @classmethod
    def from_key_file(cls, path: Path, *, create: bool = False) -> Sealer:
        """The sealer for the keys in ``path``, following the file when it is replaced. Only
        a door starting (``gateway.startup_checks``) passes ``create``, making the file (mode
        0600) if it is missing: anything else that finds no file says so when it first seals
        or opens, rather than putting a new key where a restored one belongs."""
        if create and not path.exists():
            _create_key_file(path)
        return _KeyFileSealer(path)

    def seal(self, data: bytes) -> bytes:
        return self._keys().encrypt(data)

    def unseal(self, token: bytes) -> bytes:
        try:
            return self._keys().decrypt(token)
        except InvalidToken:
            raise SealingError(
                f"a stored message does not open with {self._described}: it was sealed with "
                "another key (another node's key file, or a key file put in this one's place); "
                "every node needs a copy of the key file that sealed it"
            ) from None

    def _keys(self) -> MultiFernet:
        return self._fernet


class _KeyFileSealer(Sealer):
    def __init__(self, path: Path) -> None:  # the keys are read at first use
        self._path = path
        self._described = f"the key file {path}"
        self._seen: tuple[int, int, int] | None = None

    def _keys(self) -> MultiFernet:
        now = _identity(self._path)
        if now != self._seen:  # new, or replaced: a rotation or a retirement
            self._fernet = _multi_fernet(read_keys(self._path))
            self._seen = now
        return self._fernet


# The mark of a staged key's line: Fernet keys are url-safe base64, which has no colon.
STAGED = b"staged:"


@dataclass(frozen=True)
class Keys:
    """A key file's keys: ``sealing`` newest first (the first seals, each opens), and
    ``staged``, keys that open but seal nothing until ``rotate`` puts one first."""

    sealing: list[bytes]
    staged: list[bytes]

    @property
    def opening(self) -> list[bytes]:
        """Every key, the one that seals first."""
        return [*self.sealing, *self.staged]


def read_keys(path: Path) -> list[bytes]:
    """The keys in the file that open, newest (the one that seals) first."""
    return read_key_file(path).opening


def read_key_file(path: Path) -> Keys:
    """The keys in the file, sealing and staged."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as exc:
        raise SealingError(f"{path}: cannot read the key file: {exc.strerror}") from None
    sealing: list[bytes] = []
    staged: list[bytes] = []
    for line in (line.strip() for line in lines):
        if line.startswith(STAGED):
            staged.append(line.removeprefix(STAGED).strip())
        elif line:
            sealing.append(line)
    try:
        _multi_fernet(sealing)
        if staged:
            _multi_fernet(staged)
    except SealingError as exc:
        raise SealingError(f"{path}: {exc}") from None
    return Keys(sealing, staged)


def write_keys(path: Path, keys: list[bytes], *, staged: list[bytes] | None = None) -> None:
    """Replace the key file with ``keys`` (newest first) and the ``staged`` ones at once:
    written beside it (mode 0600), flushed to disk, then renamed over it, so that no process
    ever reads half a file and a crash leaves the old file or the new one."""
    _multi_fernet(keys)
    lines = [key + b"\n" for key in keys] + [STAGED + key + b"\n" for key in staged or []]
    temporary = path.with_name(f".{path.name}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(b"".join(lines))
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)


@contextmanager
def changing_keys(path: Path) -> Iterator[Keys]:
    """The keys in the file, while this process alone may change it (a lock beside it)."""
    lock_file = path.with_name(f".{path.name}.lock")
    with os.fdopen(os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield read_key_file(path)


def _multi_fernet(keys: tuple[bytes, ...] | list[bytes]) -> MultiFernet:
    if not keys:
        raise SealingError("the key file holds no key that seals")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise SealingError("the key is not a Fernet key (32 url-safe base64 bytes)") from None


def _identity(path: Path) -> tuple[int, int, int]:
    try:
        found = path.stat()
    except FileNotFoundError:  # fail closed: nothing is sealed with a key that may be gone
        raise SealingError(
            f"there is no key file at {path} (relay.key_file): put it back from its backup "
            "(a door starting on a new database makes one)"
        ) from None
    except OSError as exc:
        raise SealingError(f"{path}: cannot read the key file: {exc.strerror}") from None
    return found.st_ino, found.st_mtime_ns, found.st_size


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
