"""Moving a user's file so that a crash at any moment leaves it in one place or the other,
never neither: an atomic rename on one filesystem; across filesystems a copy (fsync'd, its
hash verified) that is renamed into place before the original is removed.

``settle`` finishes or undoes a move that a crash interrupted. Nothing here overwrites a file:
a destination that exists is refused, and only our own ``.partial`` files are ever removed.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from gateway.relay.crash_points import crash_point

# Crash points (``CONFIDE_TEST_CRASH_AT``) inside a move across filesystems.
COPIED = "move-copied"  # the copy is in place; the original is not yet removed
CHUNK = 1024 * 1024
PARTIAL = ".partial"
# What a filesystem without hard links (some network shares) answers os.link with.
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV})


class MoveError(Exception):
    """The move did not happen; the file is where it was."""


def file_hash(path: Path) -> str:
    """SHA-256 of the file's content, read in chunks without following a link."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def move(source: Path, target: Path, content_hash: str) -> None:
    """Move ``source`` (whose content must hash to ``content_hash``) to ``target``, which
    must not exist. Raises ``MoveError`` and leaves ``source`` as it was otherwise."""
    if target.exists() or target.is_symlink():
        raise MoveError("the destination exists")
    try:
        if file_hash(source) != content_hash:
            raise MoveError("the file changed since it was scanned")
        if os.stat(source.parent).st_dev == os.stat(target.parent).st_dev:
            os.rename(source, target)
            _sync_folder(target.parent)
            _sync_folder(source.parent)
            return
        partial = target.with_name(target.name + PARTIAL)
        _copy_synced(source, partial)
        if file_hash(partial) != content_hash:
            partial.unlink()
            raise MoveError("the copy did not match the original")
        os.rename(partial, target)
        _sync_folder(target.parent)
    except OSError as exc:
        raise MoveError(f"the file could not be moved ({_errno_name(exc)})") from None
    crash_point(COPIED)
    _remove_original(source, content_hash)


def settle(source: Path, target: Path, content_hash: str) -> bool:
    """After a crash during ``move(source, target, content_hash)``: finish it if the file
    reached ``target`` whole (True), undo it otherwise (False). Never removes anything but a
    verified duplicate of the file or our own partial copy."""
    partial = target.with_name(target.name + PARTIAL)
    if _holds(target, content_hash):
        _remove_original(source, content_hash)
        partial.unlink(missing_ok=True)
        return True
    partial.unlink(missing_ok=True)
    return False


def _remove_original(source: Path, content_hash: str) -> None:
    """Remove ``source`` once its content is safe elsewhere, unless it changed meanwhile (a
    user's newer version stays where it is)."""
    if _holds(source, content_hash):
        source.unlink()
        _sync_folder(source.parent)


def _holds(path: Path, content_hash: str) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and file_hash(path) == content_hash
    except OSError:
        return False


def _copy_synced(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)  # our partial copy from an earlier attempt
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "rb") as reading, os.fdopen(out, "wb") as writing:
        while chunk := reading.read(CHUNK):
            writing.write(chunk)
        writing.flush()
        os.fsync(writing.fileno())


def write_new(path: Path, content: bytes, mode: int = 0o644) -> None:
    """Write ``content`` to a new file at ``path`` (fsync'd, whole or not at all); raises
    ``FileExistsError`` rather than overwrite anything."""
    partial = path.with_name(path.name + PARTIAL)
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as writing:
        writing.write(content)
        writing.flush()
        os.fsync(writing.fileno())
    try:
        os.link(partial, path)  # fails if ``path`` exists, where a rename would replace it
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            partial.unlink()
            raise
        if path.exists() or path.is_symlink():  # a share without hard links: check, rename
            partial.unlink()
            raise FileExistsError(errno.EEXIST, "exists") from None
        os.rename(partial, path)
    else:
        partial.unlink()
    _sync_folder(path.parent)


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or with " (2)", " (3)"... before the suffix, whichever is free."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)
