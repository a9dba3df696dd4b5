"""One release of a held document at a time, across processes: a manager's release (the
``confide documents`` command, the review app) holds an OS lock (``flock``) on a lock file
of the document's in the quarantine while it writes the document back, and so does whoever
finishes a release that was cut short (a release again, the watcher's passes). A release in
a process that died (``kill -9``) holds no lock any more, the kernel having let it go, so
it is told from one still under way, which is left to finish.

The lock file is removed by its holder while it still holds it; whoever opened it before
that and takes the lock after finds the name gone (or another file under it) and opens it
again, so that two never hold locks on two files of one name. One left by a process that
died is taken, and removed, by the next.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gateway.watcher.models import WatchedFile, real_path


class Unlockable(Exception):
    """The lock file cannot be made (the quarantine not writable): nothing was done."""


class Busy(Unlockable):
    """Another process is releasing the document now."""


def lock_path(row: WatchedFile) -> Path:
    """The lock file of ``row``'s release, beside its sealed file in the quarantine (a name
    no sealed file has)."""
    sealed = real_path(row.quarantined_as or row.moving_from)
    return sealed.parent / f".releasing-{row.id}.lock"


@contextmanager
def held(row: WatchedFile) -> Iterator[None]:
    """Hold the lock of ``row``'s release for the ``with`` block. Raises ``Busy`` when
    another process holds it, ``Unlockable`` when the lock file cannot be made."""
    path = lock_path(row)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise Unlockable(errno.errorcode.get(exc.errno or 0, "OSError")) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Busy from None
        if _still_named(path, fd):
            break
        os.close(fd)  # removed by the holder before this took it: open the name again
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def in_progress(row: WatchedFile) -> bool:
    """Whether another process holds the lock of ``row``'s release now: a release under way,
    not one cut short. Only looks: it makes no lock file."""
    try:
        fd = os.open(lock_path(row), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False  # no lock file: nobody is releasing it
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # lets go of the shared lock too
    return False


def _still_named(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the file open at ``fd``."""
    try:
        return os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False
