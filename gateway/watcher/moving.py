"""Writing and removing a user's file safely: a new file is written whole (synced) under a
name of our own beside its place and linked into it, never over anything; a file is removed
only once it is verified to be the content that is safe elsewhere, so nothing the watcher did
not write (or did not judge) is ever removed. A folder is reached from its watched folder one
component at a time, never through a link, so a folder replaced by a link cannot lead a write
or a removal outside the watched tree. (``gateway.watcher.quarantine`` puts these together
into moves a crash cannot lose a file in.)
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import signal
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

CHUNK = 1024 * 1024
PARTIAL = ".partial"
# What a filesystem without hard links (some network shares) answers os.link with.
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV})
# What fcntl answers a lease on a file another process has open for writing with.
_OPEN_ELSEWHERE = frozenset({errno.EAGAIN, errno.EBUSY})
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


class MoveError(Exception):
    """The move did not happen; the file is where it was."""


def file_hash(path: Path, root: Path | None = None) -> str:
    """SHA-256 of the file's content, read in chunks without following a link; with
    ``root``, reached from it without a link anywhere on its way (``open_beneath``)."""
    if root is None:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    else:
        fd = open_beneath(path, root, os.O_RDONLY)
    try:
        return _digest(fd)
    finally:
        os.close(fd)


def open_beneath(path: Path, root: Path, flags: int) -> int:
    """A descriptor of the file at ``path`` (opened with ``flags``), reached from its watched
    folder ``root`` one component at a time with none of them a link (``_reach``), nor the
    file itself. Raises ``FileNotFoundError`` when a folder on its way is a link or no
    folder (the file is not in the watched folder at that path), ``OSError`` otherwise."""
    folder = _reach(path.parent, root)
    try:
        return os.open(path.name, flags | os.O_NOFOLLOW, dir_fd=folder)
    finally:
        os.close(folder)


def stat_beneath(path: Path, root: Path) -> os.stat_result:
    """``lstat`` of ``path``, reached from ``root`` as ``open_beneath`` reaches it."""
    folder = _reach(path.parent, root)
    try:
        return os.stat(path.name, dir_fd=folder, follow_symlinks=False)
    finally:
        os.close(folder)


def _reach(folder: Path, root: Path) -> int:
    """A descriptor of ``folder``, opened from ``/`` one component at a time, none of them
    a link: the watched folder ``root`` is resolved when the configuration loads, so a link
    anywhere on the way (the watched folder, a folder above it, or one in it, replaced by a
    link) is one put there since, and is never followed. Raises ``ValueError`` when
    ``folder`` lies outside ``root``, ``FileNotFoundError`` when a component is gone, a link
    or no folder, ``OSError`` otherwise."""
    parts = folder.relative_to(root).parts
    if not root.is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise ValueError("not a path within the watched folder")
    fd = os.open("/", os.O_PATH | os.O_DIRECTORY)
    try:
        above = root.parts[1:]
        for depth, part in enumerate((*above, *parts)):
            flags = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW
            if depth >= len(above) - 1:
                flags = _FOLDER  # the watched folder and below: read, synced
            try:
                inner = os.open(part, flags, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT):
                    raise FileNotFoundError(
                        errno.ENOENT, "a folder on its way is gone, a link or no folder"
                    ) from None
                raise
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def opened_folder(folder: Path, root: Path | None = None) -> Iterator[int]:
    """A descriptor of ``folder`` opened from its watched folder ``root`` one component at a
    time, none of them a link, nor any folder above ``root`` (``_reach``); without ``root``,
    of ``folder`` itself (not a link). Raises ``MoveError`` when it lies outside ``root`` or
    cannot be reached so."""
    try:
        fd = os.open(folder, _FOLDER) if root is None else _reach(folder, root)
    except ValueError:
        raise MoveError("its folder lies outside the watched folder") from None
    except OSError as exc:
        raise MoveError(
            f"its folder cannot be reached ({errno_name(exc)}): moved, or a link"
        ) from None
    try:
        yield fd
    finally:
        os.close(fd)


def make_folders(folder: Path, root: Path) -> None:
    """Make ``folder`` and whichever of its parents are missing, from its watched folder
    ``root`` one component at a time, none of them a link (``opened_folder``), each new one
    with its parent's mode and owner (where this process may give it away): a held folder
    taken away is made again so a document released from it goes back to its own path.
    Raises ``MoveError`` when it lies outside ``root`` or cannot be made so."""
    try:
        parts = folder.relative_to(root).parts
    except ValueError:
        raise MoveError("its folder lies outside the watched folder") from None
    for depth, part in enumerate(parts):
        parent = root.joinpath(*parts[:depth])
        with opened_folder(parent, root) as fd:
            found = os.fstat(fd)
            try:
                os.mkdir(part, stat.S_IMODE(found.st_mode), dir_fd=fd)
            except FileExistsError:
                continue  # there already (a link there is refused at the next step)
            except OSError as exc:
                raise MoveError(f"its folder could not be made ({errno_name(exc)})") from None
            inner = os.open(part, _FOLDER, dir_fd=fd)
            try:
                os.fchmod(inner, stat.S_IMODE(found.st_mode))  # whatever the umask
                with suppress(OSError):
                    os.fchown(inner, found.st_uid, found.st_gid)
            finally:
                os.close(inner)
            os.fsync(fd)
    with opened_folder(folder, root):
        pass  # made, and reachable without a link


def remove_folder(folder: Path, root: Path) -> None:
    """Remove the empty ``folder`` (rmdir: never anything in it), reached from ``root``
    without a link. Raises ``OSError`` when it is not empty (a user's file arrived), or
    ``MoveError`` when it cannot be reached so."""
    with opened_folder(folder.parent, root) as fd:
        os.rmdir(folder.name, dir_fd=fd)
        os.fsync(fd)


def remove_original(source: Path, content_hash: str, root: Path | None = None) -> bool:
    """Remove ``source`` once its content is safe elsewhere (True); leave it (False) when it
    is gone or changed meanwhile (a user's newer version stays where it is). Raises
    ``MoveError`` when it is still open for writing, ``OSError`` when it cannot be removed."""
    with opened_folder(source.parent, root) as folder:
        if not _holds_at(folder, source.name, content_hash):
            return False
        if open_for_writing(source.name, folder):
            raise MoveError("it is still open for writing; it is tried again later")
        os.unlink(source.name, dir_fd=folder)
        os.fsync(folder)
    return True


def holds(path: Path, content_hash: str, root: Path | None = None) -> bool:
    """Whether ``path`` is a regular file (not a link) of ``content_hash``; with ``root``,
    reached from it without a link (``open_beneath``)."""
    try:
        if root is not None:
            return stat.S_ISREG(stat_beneath(path, root).st_mode) and (
                file_hash(path, root) == content_hash
            )
        return path.is_file() and not path.is_symlink() and file_hash(path) == content_hash
    except (OSError, ValueError):
        return False


def open_for_writing(name: str | Path, folder: int | None = None) -> bool:
    """Whether another process has the file open for writing, as Linux tells it (a read
    lease cannot be taken on such a file); False where leases are not to be had (another
    system, a network share, a file not ours to lease)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return False
    try:
        # A lease broken in the instant it is held signals SIGWINCH (ignored), not SIGIO.
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGWINCH)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    except OSError as exc:
        return exc.errno in _OPEN_ELSEWHERE
    finally:
        os.close(fd)
    return False


def write_new(
    path: Path,
    content: bytes,
    mode: int = 0o644,
    *,
    root: Path | None = None,
    owner: tuple[int, int] | None = None,
    partial: str,
) -> None:
    """Write ``content`` to a new file at ``path`` (fsync'd, whole or not at all); raises
    ``FileExistsError`` rather than overwrite anything."""
    write_new_from(path, (content,), mode, root=root, owner=owner, partial=partial)


def write_new_from(
    path: Path,
    chunks: Iterable[bytes],
    mode: int = 0o644,
    content_hash: str = "",
    *,
    root: Path | None = None,
    owner: tuple[int, int] | None = None,
    partial: str,
    mtime_ns: int | None = None,
) -> None:
    """``write_new`` of the content ``chunks`` yield, into ``path``'s folder reached from
    ``root`` (``opened_folder``), with ``mode`` (whatever the umask) and ``owner`` (uid, gid;
    by default the folder's, where this process may give a file away), and ``mtime_ns`` as
    its modification time when given (a document put back is as it was, not new). With
    ``content_hash``, the written file is checked against it before it is linked into place
    (``MoveError`` if it differs). It is written first under ``partial`` (a hidden name of
    ours, tied to what it is written for), created anew: an existing file of that name is
    never touched. Whatever ``chunks`` raises leaves nothing behind."""
    with opened_folder(path.parent, root) as folder:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(partial, flags, 0o600, dir_fd=folder)
        try:
            with os.fdopen(fd, "wb") as writing:
                for chunk in chunks:
                    writing.write(chunk)
                writing.flush()
                _give(writing.fileno(), folder, owner)
                os.fchmod(writing.fileno(), mode)
                if mtime_ns is not None:
                    os.utime(writing.fileno(), ns=(time.time_ns(), mtime_ns))
                os.fsync(writing.fileno())
            if content_hash and _hash_at(folder, partial) != content_hash:
                raise MoveError("the copy did not match the original")
            _link_into_place(folder, partial, path.name)
        except BaseException:
            _unlink_quietly(folder, partial)
            raise
        os.fsync(folder)


def remove_abandoned(path: Path, root: Path | None = None, quiet_for: float = 0.0) -> bool:
    """Remove the file at ``path`` (reached from ``root`` without a link) if it is a partial
    file ``write_new_from`` left when a kill cut it short, told by what it is, not by its
    content: a regular file (not a link) of this process's own user, unchanged for
    ``quiet_for`` seconds (a younger one may be being written now, by another process).
    Whether nothing but ours is there: True when it was removed, is gone, or is too young;
    False when it is anything else (a user's file: it stays). Raises ``OSError`` (or
    ``MoveError``) when it cannot be looked at or removed."""
    with opened_folder(path.parent, root) as folder:
        try:
            found = os.stat(path.name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            return True
        if not stat.S_ISREG(found.st_mode) or found.st_uid != os.geteuid():
            return False
        if quiet_for and time.time() - found.st_mtime < quiet_for:
            return True  # perhaps being written now: left alone, unread, until it is quiet
        os.unlink(path.name, dir_fd=folder)
        os.fsync(folder)
        return True


def _give(fd: int, folder: int, owner: tuple[int, int] | None) -> None:
    """Give the file at ``fd`` to ``owner`` (or the folder's owner), where this process may."""
    if owner is None:
        found = os.fstat(folder)
        owner = (found.st_uid, found.st_gid)
    with suppress(OSError):  # not root: the file stays this process's own
        os.fchown(fd, *owner)


def _link_into_place(folder: int, temporary: str, name: str) -> None:
    try:  # a link fails if ``name`` exists, where a rename would replace it
        os.link(temporary, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        try:  # a share without hard links: check, then rename
            os.stat(name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            os.rename(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            return
        raise FileExistsError(errno.EEXIST, "exists") from None
    _unlink_quietly(folder, temporary)


def _unlink_quietly(folder: int, name: str) -> None:
    with suppress(OSError):
        os.unlink(name, dir_fd=folder)


def _holds_at(folder: int, name: str, content_hash: str) -> bool:
    """Whether ``name`` in ``folder`` is a regular file (not a link) of ``content_hash``."""
    try:
        found = os.stat(name, dir_fd=folder, follow_symlinks=False)
        return stat.S_ISREG(found.st_mode) and _hash_at(folder, name) == content_hash
    except OSError:
        return False


def _hash_at(folder: int, name: str) -> str:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
    try:
        return _digest(fd)
    finally:
        os.close(fd)


def _digest(fd: int) -> str:
    digest = hashlib.sha256()
    while chunk := os.read(fd, CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


_RENAME_NOREPLACE = 1  # <linux/fs.h>
_AT_FDCWD = -100


def rename_free(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target`` only while ``target`` is free (``renameat2`` with
    RENAME_NOREPLACE): a user's file arriving there meanwhile is never replaced, as a
    plain rename would. Where the filesystem cannot (EINVAL), it is checked, then renamed.
    Raises ``FileExistsError``, or the rename's ``OSError``."""
    libc = ctypes.CDLL(None, use_errno=True)
    done = libc.renameat2(
        _AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE
    )
    if done == 0:
        return
    code = ctypes.get_errno()
    if code not in (errno.EINVAL, errno.ENOSYS):
        raise OSError(code, os.strerror(code))
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, "exists")
    os.rename(source, target)


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
