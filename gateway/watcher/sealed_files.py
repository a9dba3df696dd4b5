"""Held documents encrypted at rest: a quarantined file is kept sealed with the same keys as
held mail (``gateway.sealing``), never in clear.

A sealed file is a sequence of lines, each the Fernet token of one chunk (at most
``moving.CHUNK`` bytes) of the document, in order: sealing, opening and re-sealing read and
write a chunk at a time, so memory stays bounded whatever the document's size (a file over
the scanner's size limit is never sealed: it is locked where it lies,
``quarantine.lock_in_place``). Fernet authenticates each chunk; that the chunks are
all there and in order is checked against the content hash the row keeps, every time a
sealed file is written or opened back.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import BinaryIO

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from gateway.config import load_settings
from gateway.relay.pipeline import key_file
from gateway.sealing import Sealer, SealingError
from gateway.watcher import moving

# A chunk's token is about 4/3 of the chunk; a longer line is not one of ours.
LINE_LIMIT = 2 * moving.CHUNK
RESEALING = ".resealing"  # a copy being re-sealed with the newest key, beside the original


@cache
def sealer() -> Sealer:
    """The sealer for the configured key file (it follows the file through a rotation)."""
    return Sealer.from_key_file(key_file(load_settings()), create=True)  # a door


def seal_into(
    source: Path, target: Path, content_hash: str, keys: Sealer, root: Path | None = None
) -> None:
    """Write ``source`` sealed to ``target`` (which must not exist), ``source`` read from its
    watched folder ``root`` without a link on its way (``moving.open_beneath``): to a partial file,
    synced, opened back and its hash checked, then renamed into place and the folder synced.
    Raises ``moving.MoveError`` with ``source`` untouched and nothing left at ``target``."""
    if target.exists() or target.is_symlink():
        raise moving.MoveError("the destination exists")
    partial = target.with_name(target.name + moving.PARTIAL)
    with _nothing_left_on_failure(partial):
        partial.unlink(missing_ok=True)  # our partial file from an earlier attempt
        digest = hashlib.sha256()
        if root is None:
            fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
        else:
            fd = moving.open_beneath(source, root, os.O_RDONLY)
        out = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "rb") as reading, os.fdopen(out, "wb") as writing:
            while chunk := reading.read(moving.CHUNK):
                digest.update(chunk)
                writing.write(keys.seal(chunk) + b"\n")
            writing.flush()
            os.fsync(writing.fileno())
        if digest.hexdigest() != content_hash:
            partial.unlink()
            raise moving.MoveError("the file changed since it was scanned")
        if opened_hash(partial, keys) != content_hash:
            partial.unlink()
            raise moving.MoveError("the sealed copy did not open to the original")
        os.rename(partial, target)
        moving.sync_folder(target.parent)


def seal_content(content: bytes, target: Path, keys: Sealer) -> None:
    """Write ``content`` (small: a held link's target) sealed to ``target`` (which must not
    exist), as ``seal_into`` writes a file: to a partial file, synced, opened back and
    checked, renamed into place and the folder synced. Raises ``moving.MoveError`` with
    nothing left at ``target``."""
    if target.exists() or target.is_symlink():
        raise moving.MoveError("the destination exists")
    partial = target.with_name(target.name + moving.PARTIAL)
    with _nothing_left_on_failure(partial):
        partial.unlink(missing_ok=True)  # our partial file from an earlier attempt
        out = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(out, "wb") as writing:
            for start in range(0, max(len(content), 1), moving.CHUNK):
                writing.write(keys.seal(content[start : start + moving.CHUNK]) + b"\n")
            writing.flush()
            os.fsync(writing.fileno())
        if opened_hash(partial, keys) != hashlib.sha256(content).hexdigest():
            partial.unlink()
            raise moving.MoveError("the sealed copy did not open to the original")
        os.rename(partial, target)
        moving.sync_folder(target.parent)


@contextmanager
def _nothing_left_on_failure(partial: Path) -> Iterator[None]:
    """Remove the partial file of a sealing that failed, and say why in confide's words."""
    try:
        yield
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise moving.MoveError(f"the file could not be sealed ({moving.errno_name(exc)})") from None
    except SealingError as exc:
        partial.unlink(missing_ok=True)
        raise moving.MoveError(str(exc)) from None


def opened(path: Path, keys: Sealer) -> Iterator[bytes]:
    """The document's content, a chunk at a time. Raises ``SealingError`` when the file is
    not a sealed file or does not open with the key file."""
    with path.open("rb") as reading:
        yield from opened_from(reading, keys)


def opened_from(reading: BinaryIO, keys: Sealer) -> Iterator[bytes]:
    """``opened`` of a sealed file already open, from where it is read."""
    while line := reading.readline(LINE_LIMIT):
        if not line.endswith(b"\n"):
            raise SealingError("a held document's sealed file is cut short or malformed")
        yield keys.unseal(line[:-1])


def opened_hash(path: Path, keys: Sealer) -> str:
    """SHA-256 of the content sealed in ``path``."""
    digest = hashlib.sha256()
    for chunk in opened(path, keys):
        digest.update(chunk)
    return digest.hexdigest()


def holds(path: Path, content_hash: str, keys: Sealer) -> bool:
    """Whether ``path`` is a sealed file of the content ``content_hash`` (False when it is
    missing, half-written or of other content); ``SealingError`` if it does not open."""
    if not path.is_file() or path.is_symlink():
        return False
    try:
        return opened_hash(path, keys) == content_hash
    except OSError:
        return False


def key_of(path: Path, newest: Fernet, every: MultiFernet) -> str:
    """Which key ``path`` is sealed with: "newest", "older" (some chunk needs an older key)
    or "unopenable" (some chunk opens with no key in the file)."""
    found = "newest"
    with path.open("rb") as reading:
        while line := reading.readline(LINE_LIMIT):
            token = line.rstrip(b"\n")
            if _opens(newest, token):
                continue
            if not _opens(every, token):
                return "unopenable"
            found = "older"
    return found


def resealed_copy(path: Path, every: MultiFernet) -> Path:
    """Write beside ``path`` (synced) a copy of it sealed with the newest key, and return
    the copy's path, for the caller to check and rename over ``path`` (``replace``).
    Raises ``InvalidToken`` when a chunk opens with no key in the file."""
    partial = path.with_name(path.name + RESEALING)
    partial.unlink(missing_ok=True)  # ours, from a re-sealing cut short
    out = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with path.open("rb") as reading, os.fdopen(out, "wb") as writing:
            while line := reading.readline(LINE_LIMIT):
                writing.write(every.rotate(line.rstrip(b"\n")) + b"\n")
            writing.flush()
            os.fsync(writing.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial


def replace(copy: Path, path: Path) -> None:
    """Put the re-sealed ``copy`` in the place of ``path``, durably."""
    os.replace(copy, path)
    moving.sync_folder(path.parent)


def _opens(fernet: Fernet | MultiFernet, token: bytes) -> bool:
    try:
        fernet.decrypt(token)
    except InvalidToken:
        return False
    return True
