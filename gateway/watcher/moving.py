"""Writing and removing a user's file safely: a new file is written whole (synced) beside
its place and linked into it, never over anything; an original is removed only once it is
verified to be the content that is safe elsewhere. Only our own ``.partial`` files are ever
removed otherwise. (``gateway.watcher.quarantine`` puts these together into moves a crash
cannot lose a file in.)
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

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


def remove_original(source: Path, content_hash: str) -> None:
    """Remove ``source`` once its content is safe elsewhere, unless it changed meanwhile (a
    user's newer version stays where it is)."""
    if holds(source, content_hash):
        source.unlink()
        sync_folder(source.parent)


def holds(path: Path, content_hash: str) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and file_hash(path) == content_hash
    except OSError:
        return False


def write_new(path: Path, content: bytes, mode: int = 0o644) -> None:
    """Write ``content`` to a new file at ``path`` (fsync'd, whole or not at all); raises
    ``FileExistsError`` rather than overwrite anything."""
    write_new_from(path, (content,), mode)


def write_new_from(
    path: Path, chunks: Iterable[bytes], mode: int = 0o644, content_hash: str = ""
) -> None:
    """``write_new`` of the content ``chunks`` yield; with ``content_hash``, the written
    file is checked against it before it is linked into place (``MoveError`` if it differs).
    Whatever ``chunks`` raises leaves nothing behind."""
    partial = path.with_name(path.name + PARTIAL)
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as writing:
            for chunk in chunks:
                writing.write(chunk)
            writing.flush()
            os.fsync(writing.fileno())
        if content_hash and file_hash(partial) != content_hash:
            raise MoveError("the copy did not match the original")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
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
    sync_folder(path.parent)


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or with " (2)", " (3)"... before the suffix, whichever is free."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)
