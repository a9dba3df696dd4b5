"""Taking a held document out of its folder, and putting it back, without ever losing it.

The row is the journal: ``moving_from`` and ``moving_to`` (and the placement saying which way)
are committed before a file moves, and cleared once it has moved. ``recover`` runs before the
watcher does anything else and settles every move into quarantine a crash left half-done, so
that a file is either in place or in quarantine with its note, never neither and never both.
A release (a manager's, in another process) holds a lock while it moves the file back
(``release_lock``): one cut short, its lock free, is finished by ``finish_release`` (a
release again, or the watcher's next pass), as the manager decided. A move that cannot be
settled (a file that cannot be removed, a folder gone) is recorded with its reason on its row
and tried again later: settling never stops the watcher.

A file in quarantine is kept sealed (``gateway.watcher.sealed_files``: encrypted with the
key file's newest key, never in clear), so every move is a copy: into quarantine, the sealed
file is written beside its place (under a name no other quarantine, even one kept from an
earlier database, can hold), synced, opened back and its hash checked against the row's,
renamed into place, and only then is the original removed (not while another process has it
open for writing: a copy stalled half-way is left to finish); out of it, the document is
opened into a new file beside its place (never over anything, with the original's owner and
mode), its hash checked, and only then is the sealed file removed. A document over the size
limit is neither (``lock_in_place``): never read, it is locked where it lies, so that the
quarantine holds nothing larger than ``max_item_bytes`` and never fills its disk.

The note left in a file's place names the row by its id, never the file: a file's name can
itself be personal data. It is written under a name that is free, and removed only while it
is still the note (its path on the row, its content the note's): a user's file is never.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from gateway.relay.crash_points import crash_point
from gateway.sealing import SealingError
from gateway.watcher import moving, release_lock, sealed_files
from gateway.watcher.models import (
    Kind,
    Placement,
    WatchedFile,
    path_key,
    real_path,
    stored_path,
)

log = logging.getLogger("confide.watcher")

# Crash points (``CONFIDE_TEST_CRASH_AT``) of a quarantine move.
JOURNALED = "quarantine-journaled"  # the journal is committed; the file has not moved
SEALED = "quarantine-sealed"  # the sealed file is in quarantine; the original is still there
MOVED = "quarantine-moved"  # the original is removed; no note yet
# ... and of a release.
WRITING = "release-writing"  # the document is written back in part, under its partial name
RESTORED = "release-restored"  # the file is back in place; the sealed file is still there
BUSY = "being released by another process; try again shortly"
NOTE = """This document was taken out of this folder by confide and is awaiting review by a
manager, because of what it may contain. If the manager releases it, it comes back here.

Reference: held document {id}
"""
FOLDER_NOTE = """A folder was taken out of this folder by confide, because its name may hold
personal data, and the documents that were in it are awaiting review by a manager. If the
manager releases the folder or a document from it, the folder comes back here.

Reference: held folder {id}
"""
# The partial file a note, a release, or a redacted or marked copy of the row's file is
# written under first beside its place.
_OWN_PARTIAL = re.compile(r"\.confide-(note|release|copy)-(\d+)\.partial")
# How long a copy's partial file stands unchanged before it is taken for one a kill left:
# a copy is written in seconds, and a manager's marked release may be writing one now.
COPY_QUIET_SECONDS = 300.0
# A note's name: ``note_path``'s, or a free one beside it (``moving.free_name``).
_NOTE_NAME = re.compile(r"confide-held-(\d+)(?: \(\d+\))?\.txt")
# How many taken names a note or a sealed file tries before it gives up.
NAME_TRIES = 20
DEFAULT_MODE = 0o644


def note_path(folder: Path, row_id: int) -> Path:
    """Where the note of held document ``row_id`` goes when that name is free."""
    return folder / f"confide-held-{row_id}.txt"


def note_content(row_id: int) -> bytes:
    return NOTE.format(id=row_id).encode()


def note_of(row: WatchedFile) -> bytes:
    """The note the watcher leaves for ``row``: a held document's (a held link's too: it is
    released as a document is), or a held folder's."""
    if row.is_folder and row.kind != Kind.LINK:
        return FOLDER_NOTE.format(id=row.id).encode()
    return note_content(row.id)


def quarantine(row: WatchedFile, source: Path, quarantine_dir: Path) -> None:
    """Move the file at ``source`` (the row's content) into quarantine, sealed, and leave the
    note. Raises ``moving.MoveError`` with the file left where it was."""
    try:
        keys = sealed_files.sealer()
    except SealingError as exc:  # fail closed: nothing moves without a key to seal it with
        raise moving.MoveError(str(exc)) from None
    root = _root(row)
    with moving.opened_folder(source.parent, root) as folder:  # never through a link
        if moving.open_for_writing(source.name, folder):
            raise moving.MoveError("it is still open for writing; it is tried again later")
        try:
            found = os.stat(source.name, dir_fd=folder, follow_symlinks=False)
        except OSError as exc:
            reason = f"it could not be looked at ({moving.errno_name(exc)})"
            raise moving.MoveError(reason) from None
    quarantine_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = quarantine_dir / f"{row.id}-{secrets.token_hex(8)}"
    row.placement = Placement.QUARANTINING
    row.moving_from, row.moving_to = stored_path(str(source)), stored_path(str(target))
    note = moving.free_name(source.parent, f"confide-held-{row.id}", ".txt")
    row.note_path = stored_path(str(note))
    row.owner_uid, row.owner_gid = found.st_uid, found.st_gid
    row.file_mode = stat.S_IMODE(found.st_mode)
    row.save()
    crash_point(JOURNALED)
    try:
        sealed_files.seal_into(source, target, row.content_hash, keys, root)
    except moving.MoveError:
        _finish(row, moved=False)
        raise
    crash_point(SEALED)
    try:
        removed = moving.remove_original(source, row.content_hash, root)
        reason = "it changed while it was being moved; it is judged again"
    except moving.MoveError as exc:
        removed, reason = False, str(exc)
    except OSError as exc:
        removed, reason = False, f"it could not be removed ({moving.errno_name(exc)})"
    if not removed:
        _remove_sealed(target)
        _finish(row, moved=False)
        raise moving.MoveError(reason)
    crash_point(MOVED)
    _finish(row, moved=True)


def lock_in_place(row: WatchedFile, source: Path) -> None:
    """Take the file at ``source`` (the row's, over the size limit: never read, so neither
    sealed nor copied, where a ``truncate -s 20G`` file would fill the quarantine's disk)
    out of reach where it lies: every permission is taken from it, so that no account but
    root opens it (nor, through a POSIX ACL, whose mask this clears) until a manager's
    release gives its mode back (``unlock_in_place``). Its mode and owner are kept on the
    row first. It is reached from its watched folder without a link, and a link in its
    place is never followed. Raises ``moving.MoveError`` with the file as it was: one that
    is not confide's to change (EPERM, where confide does not run as root) stays in view,
    and is tried again as a hold that could not be carried out is."""
    fd = _opened_in_place(row, source)
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise moving.MoveError("it is no longer a regular file")
        if stat.S_IMODE(found.st_mode):  # not locked already (its mode, then, is ours)
            row.file_mode = stat.S_IMODE(found.st_mode)
            row.owner_uid, row.owner_gid = found.st_uid, found.st_gid
            row.save(update_fields=["file_mode", "owner_uid", "owner_gid", "updated_at"])
            os.chmod(_by_descriptor(fd), 0)
    except OSError as exc:
        reason = f"its permissions could not be taken away ({moving.errno_name(exc)})"
        raise moving.MoveError(reason) from None
    finally:
        os.close(fd)


# What ``lock_in_place`` did, in the reason of a file it locked (after ``LOCKED_IN_PLACE``).
LOCKED = "it stays where it is, its permissions taken away until a manager releases it"


# The neutral name a file locked where it lies is renamed to, beside where it was.
_LOCKED_NAME = re.compile(r"confide-locked-(\d+)(?: \(\d+\))?")


def hide_in_place(row: WatchedFile, source: Path) -> None:
    """Rename the file at ``source``, locked (``lock_in_place``), to a neutral name beside
    it (``confide-locked-ID``): a file held for its name kept that name, and the personal
    data in it, in view. Nothing is copied. The row is the journal: its path before is
    committed in ``locked_from`` first, so that a crash after the rename leaves a row that
    still knows the name to give back (the file is found moved, by its unread hash, at its
    neutral name); one before it leaves the file under its name, renamed at the next pass
    (``sweep`` judges again a row whose ``locked_from`` is its own path). A file under its
    neutral name already stays. Raises ``moving.MoveError``: the file stays locked, its
    name in view, and the hold is tried again."""
    if _LOCKED_NAME.fullmatch(source.name) and row.locked_from:
        return
    try:
        found = os.lstat(source)
    except OSError as exc:
        raise moving.MoveError(f"it could not be renamed ({moving.errno_name(exc)})") from None
    if not stat.S_ISREG(found.st_mode) or found.st_ino % (1 << 63) != row.inode:
        raise moving.MoveError("it could not be renamed (it changed)")
    target = moving.free_name(source.parent, f"confide-locked-{row.id}", "")
    row.locked_from = row.path
    row.save(update_fields=["locked_from", "updated_at"])
    crash_point(LOCK_JOURNALED)
    try:
        moving.rename_free(source, target)
    except OSError as exc:
        raise moving.MoveError(f"it could not be renamed ({moving.errno_name(exc)})") from None
    crash_point(LOCK_RENAMED)
    row.path = stored_path(str(target))
    row.path_key = path_key(row.path)
    row.save(update_fields=["path", "path_key", "updated_at"])


def move_locked_out(row: WatchedFile) -> None:
    """Move the file ``hide_in_place`` renamed, lying in a folder held for its name, out to
    its watched folder under its neutral name, so that the folder can be taken away: a
    rename, nothing copied. Its original path stays in ``locked_from``: a release puts it
    back there once its folder is made again. A crash between the rename and the row's new
    path has it found moved (its unread hash) at the next pass. Raises
    ``moving.MoveError``."""
    source = real_path(row.path)
    target = moving.free_name(Path(row.folder), f"confide-locked-{row.id}", "")
    try:
        moving.rename_free(source, target)
        found = os.lstat(target)
    except OSError as exc:
        raise moving.MoveError(f"it could not be moved out ({moving.errno_name(exc)})") from None
    row.path = stored_path(str(target))
    row.path_key = path_key(row.path)
    row.ctime_ns = found.st_ctime_ns  # as the watcher left it: not judged again for it
    row.save(update_fields=["path", "path_key", "ctime_ns", "updated_at"])


LOCK_JOURNALED = "lock-journaled"  # its name committed; the file not yet renamed
LOCK_RENAMED = "lock-renamed"  # renamed; the row not yet moved with it


def unhide_in_place(row: WatchedFile) -> None:
    """Give the file ``hide_in_place`` renamed its name back where it lies now (a manager
    released it, or it was moved where it is not held), refused while another file has
    taken that name (``moving.MoveError``); a file gone from its neutral name is left as
    it is."""
    if not row.locked_from:
        return
    source, original = real_path(row.path), real_path(row.locked_from)
    root = Path(row.folder)
    if source.parent != root or root not in original.parents:
        original = source.parent / original.name  # moved since: its name where it is now
    if source != original:
        taken = moving.MoveError("another file has taken its name; move that one first")
        if os.path.lexists(original):
            raise taken
        try:
            moving.rename_free(source, original)
        except FileExistsError:
            raise taken from None
        except FileNotFoundError:
            return
        except OSError as exc:
            reason = f"its name could not be given back ({moving.errno_name(exc)})"
            raise moving.MoveError(reason) from None
    row.path, row.locked_from = stored_path(str(original)), ""
    row.path_key = path_key(row.path)
    row.save(update_fields=["path", "path_key", "locked_from", "updated_at"])


def unlock_in_place(row: WatchedFile) -> None:
    """Give the file ``lock_in_place`` locked its mode back (a manager released it), if it
    is still that file, and still locked; a file gone or replaced since is left as it is.
    Raises ``moving.MoveError`` when it cannot be done."""
    if row.file_mode is None:
        return
    try:
        fd = _opened_in_place(row, real_path(row.path))
    except moving.MoveError:
        if os.path.lexists(real_path(row.path)):
            raise
        return  # gone: nothing to give back
    try:
        found = os.fstat(fd)
        same = stat.S_ISREG(found.st_mode) and found.st_ino % (1 << 63) == row.inode
        if same and not stat.S_IMODE(found.st_mode):
            os.chmod(_by_descriptor(fd), original_mode(row))
    except OSError as exc:
        reason = f"its permissions could not be given back ({moving.errno_name(exc)})"
        raise moving.MoveError(reason) from None
    finally:
        os.close(fd)


def _opened_in_place(row: WatchedFile, path: Path) -> int:
    """A descriptor (``O_PATH``: nothing is read, whatever its mode) of the entry at ``path``,
    reached from the row's watched folder without a link, a link itself never followed."""
    root = _root(row)
    try:
        if root is None:
            return os.open(path, os.O_PATH | os.O_NOFOLLOW)
        return moving.open_beneath(path, root, os.O_PATH)
    except (OSError, ValueError) as exc:
        reason = moving.errno_name(exc) if isinstance(exc, OSError) else "outside its folder"
        raise moving.MoveError(f"it could not be reached ({reason})") from None


def _by_descriptor(fd: int) -> str:
    """The path that changes the file ``fd`` (opened ``O_PATH``) itself: ``fchmod`` does not
    take such a descriptor, and a path by name could be swapped for a link meanwhile."""
    return f"/proc/self/fd/{fd}"


def restore(row: WatchedFile, destination: Path, **decision: object) -> None:
    """Move a quarantined file back to ``destination`` (free), byte-identical, with its
    owner, mode and modification time, and remove its note; ``decision`` (who decided,
    when, why) is recorded with the journal, so a release a crash interrupts is finished
    (``finish_release``) as the manager's. The release holds its lock (``release_lock``)
    from before the journal is written until it is done, so a release cut short is told
    from one under way. Raises ``moving.MoveError`` with the file left in quarantine, also
    when another decision on it came first or another process is releasing it."""
    try:
        with release_lock.held(row):
            _restore(row, destination, decision)
    except release_lock.Busy:
        raise moving.MoveError(f"it is {BUSY}") from None
    except release_lock.Unlockable as exc:  # nothing was claimed
        raise moving.MoveError(f"the quarantine is not writable ({exc})") from None


def _restore(row: WatchedFile, destination: Path, decision: dict[str, object]) -> None:
    claimed = WatchedFile.objects.filter(id=row.id, placement=row.placement).update(
        placement=Placement.RELEASING,
        moving_from=row.quarantined_as,
        moving_to=stored_path(str(destination)),
        **decision,
    )
    if not claimed:
        raise moving.MoveError("another decision on it came first")
    row.refresh_from_db()
    sealed = Path(row.quarantined_as)
    try:
        _write_back(row, destination)
    except (OSError, SealingError) as exc:
        _finish(row, moved=False)
        reason = moving.errno_name(exc) if isinstance(exc, OSError) else str(exc)
        raise moving.MoveError(f"the document could not be opened back ({reason})") from None
    except moving.MoveError:
        _finish(row, moved=False)
        raise
    crash_point(RESTORED)
    _remove_sealed(sealed)
    _finish(row, moved=True)


def _write_back(row: WatchedFile, destination: Path) -> None:
    """Write the document of ``row`` (being released) from its sealed file into the new
    file ``destination``, as it was: its hash checked, its owner, mode and times."""
    content = sealed_files.opened(real_path(row.moving_from), sealed_files.sealer())
    root = _root(row)
    if root is not None:  # its folder taken away with it (``held_folders``): made again
        moving.make_folders(destination.parent, root)
    moving.write_new_from(
        destination,
        _crashing(content),
        original_mode(row),
        row.content_hash,
        root=root,
        owner=original_owner(row),
        partial=release_partial(row),
        mtime_ns=row.mtime_ns,
    )


def _crashing(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks``, with the crash point ``WRITING`` once the first is written."""
    for number, chunk in enumerate(chunks):
        if number:
            crash_point(WRITING)
        yield chunk


def finish_release(row: WatchedFile) -> bool | None:
    """Finish the release of ``row`` that a crash cut short (``RELEASING`` with its lock
    free): the document written back whole where the release was putting it (beside it,
    under a free name, if a user's file has taken that name since), its sealed file and
    its note removed, as the manager decided. Whether it is released now (False: it could
    not be, the reason on its row, and it stays as it is to be tried again); None when it
    was not being released any more (its own process finished it meanwhile, or put it
    back). Raises ``release_lock.Busy`` while the release is still under way in another
    process, and ``release_lock.Unlockable`` when the lock file cannot be made."""
    with release_lock.held(row):
        row.refresh_from_db()
        if row.placement != Placement.RELEASING:
            return None
        return _settle(row)


def original_mode(row: WatchedFile) -> int:
    """The permission bits the file had when it was taken (0644 for rows from before)."""
    return DEFAULT_MODE if row.file_mode is None else row.file_mode & 0o777


def original_owner(row: WatchedFile) -> tuple[int, int] | None:
    """Whose the file was when it was taken; None (the folder's owner) when not known."""
    if row.owner_uid is None or row.owner_gid is None:
        return None
    return row.owner_uid, row.owner_gid


def release_partial(row: WatchedFile) -> str:
    """The name (in the destination's folder) a release writes the document under first."""
    return release_partial_name(row.id)


def release_partial_name(row_id: int) -> str:
    """``release_partial`` of the held document ``row_id``."""
    return f".confide-release-{row_id}{moving.PARTIAL}"


def note_partial(row: WatchedFile) -> str:
    """The name (in the note's folder) the note of ``row`` is written under first."""
    return f".confide-note-{row.id}{moving.PARTIAL}"


def copy_partial(row: WatchedFile) -> str:
    """The name (in the copy's folder) a redacted or marked copy of ``row``'s file is
    written under first."""
    return f".confide-copy-{row.id}{moving.PARTIAL}"


def write_copy(
    row: WatchedFile,
    target: Path,
    content: bytes,
    mode: int = DEFAULT_MODE,
    *,
    root: Path | None = None,
    owner: tuple[int, int] | None = None,
) -> None:
    """Write a redacted or marked copy of ``row``'s file at ``target`` (free), first under
    ``copy_partial``, which a kill may have left there before (removed first, if it is
    ours: ``moving.remove_abandoned``). Raises as ``moving.write_new`` does."""
    with suppress(OSError, moving.MoveError):  # writing the copy says why
        moving.remove_abandoned(target.parent / copy_partial(row), root)  # a crash's
    moving.write_new(target, content, mode, root=root, owner=owner, partial=copy_partial(row))


def note_row(path: Path, root: Path) -> WatchedFile | None:
    """The row whose note the file at ``path`` (in the watched folder ``root``) is, by its
    name (``confide-held-ID.txt``, or with " (2)"...) and its content, exactly that note (a
    regular file, reached from ``root`` without a link: ``moving.holds``)."""
    named = _NOTE_NAME.fullmatch(path.name)
    row = WatchedFile.objects.filter(id=int(named[1])).first() if named else None
    if row is None or not moving.holds(path, hashlib.sha256(note_of(row)).hexdigest(), root):
        return None
    return row


def own_file(path: Path, root: Path) -> bool:  # noqa: PLR0911 - a return per kind of file
    """Whether the file at ``path`` (in the watched folder ``root``) is the watcher's own,
    never read: a note (``own_note``), or a partial file a note or a release was written
    under first, cut short by a kill, holding the start of that note or held document, or
    one a copy of a file of ``root`` was (``_own_copy_partial``); it is removed. Anything
    else, whatever its name, is a user's file."""
    if _NOTE_NAME.fullmatch(path.name):
        return own_note(path, root)
    named = _OWN_PARTIAL.fullmatch(path.name)
    row = WatchedFile.objects.filter(id=int(named[2])).first() if named else None
    if named is None or row is None:
        return False
    if named[1] == "copy":
        return _own_copy_partial(path, row, root)
    if named[1] == "release" and row.placement == Placement.RELEASING:
        return True  # being released now, or cut short and not yet settled
    if named[1] == "release" and row.placement not in (Placement.QUARANTINED, Placement.REJECTED):
        return False
    try:
        removed = _remove_started(path, functools.partial(_started_as, row, named[1]), root)
    except (OSError, moving.MoveError, SealingError) as exc:
        log.warning("partial file left id=%s error=%s", row.id, type(exc).__name__)
        return False
    if removed:
        log.info("partial file of ours removed id=%s kind=%s", row.id, named[1])
    return removed


def _own_copy_partial(path: Path, row: WatchedFile, root: Path) -> bool:
    """Whether the partial file of a copy at ``path`` is ours (removed, or left alone while
    it may still be being written). A copy is the scanner's work, not to be made again
    just to compare, so it is told by what it is (``moving.remove_abandoned``): our exact
    name for a copy of a file in this watched folder, a regular file (not a link) owned by
    confide's own account, unchanged for ``COPY_QUIET_SECONDS``. A user cannot make a file
    confide's account owns, so none of theirs is taken; one confide running as root had
    given to the folder's owner before a kill stays, and is judged as a user's file."""
    if row.folder != str(root):
        return False
    try:
        ours = moving.remove_abandoned(path, root, COPY_QUIET_SECONDS)
    except (OSError, moving.MoveError) as exc:
        log.warning("partial file left id=%s error=%s", row.id, type(exc).__name__)
        return False
    if ours:
        log.info("partial file of ours removed or left to finish id=%s kind=copy", row.id)
    return ours


def _started_as(row: WatchedFile, kind: str) -> Iterator[bytes]:
    """What a partial file of ``kind`` (note, release) for ``row`` is the start of."""
    if kind == "note":
        return iter((note_of(row),))
    return sealed_files.opened(Path(row.quarantined_as), sealed_files.sealer())


def own_note(path: Path, root: Path) -> bool:
    """Whether the file at ``path`` (in the watched folder ``root``) is a note of the
    watcher's own, never read: one it left for a held document or folder, wherever a
    user's renaming or moving of folders has taken it since (its row then records where
    it lies now, so a release finds it); one whose row is no longer held is removed, as it
    would say "awaiting review" for ever. A file named like a note that holds anything
    else is a user's."""
    row = note_row(path, root)
    if row is None:
        return False
    text = stored_path(str(path))
    digest = hashlib.sha256(note_of(row)).hexdigest()
    if row.placement in (Placement.IN_PLACE, Placement.RELEASED):
        try:
            moving.remove_original(path, digest, root)
            log.info("stale note removed id=%s", row.id)
        except (OSError, moving.MoveError) as exc:
            reason = moving.errno_name(exc) if isinstance(exc, OSError) else "unreachable"
            log.warning("stale note not removed id=%s reason=%s", row.id, reason)
    elif _moved_note(row, text, digest, root):
        WatchedFile.objects.filter(id=row.id).update(note_path=text)
        log.info("note moved with its folder id=%s", row.id)
    return True


def _moved_note(row: WatchedFile, text: str, digest: str, root: Path) -> bool:
    """Whether the note of held ``row`` (of ``digest``) found at ``text`` (in the watched
    folder ``root``) is its note moved there: no longer where it was left (a copy beside it
    is not)."""
    if row.note_path == text or row.placement not in (Placement.QUARANTINED, Placement.REJECTED):
        return False
    return not (row.note_path and moving.holds(real_path(row.note_path), digest, root))


def found_note(row: WatchedFile) -> Path | None:
    """Where the note of held ``row`` lies now: where it was left, or (its folder renamed
    or moved since, the note with it) wherever in its watched folder a note of the row
    lies; None when there is none."""
    digest, root = hashlib.sha256(note_of(row)).hexdigest(), _root(row)
    if row.note_path and moving.holds(real_path(row.note_path), digest, root):
        return real_path(row.note_path)
    if root is None:
        return None
    for top, _dirs, files in os.walk(root, followlinks=False):
        for name in files:
            named = _NOTE_NAME.fullmatch(name)
            if named and int(named[1]) == row.id and moving.holds(Path(top) / name, digest, root):
                return Path(top) / name
    return None


def remove_note(row: WatchedFile) -> None:
    """Remove the held document's note, if it is still the note the watcher wrote there."""
    if not row.note_path:
        return
    note = real_path(row.note_path)
    digest = hashlib.sha256(note_of(row)).hexdigest()
    try:
        moving.remove_original(note, digest, _root(row))
    except (OSError, moving.MoveError) as exc:
        reason = moving.errno_name(exc) if isinstance(exc, OSError) else "unreachable"
        log.warning("note not removed id=%s reason=%s", row.id, reason)


def recover() -> int:
    """Settle every move into quarantine a crash interrupted; how many there were. One that
    cannot be settled is recorded on its row (and logged by id) and left for the next
    start. (A release cut short is finished by ``finish_release``, under its lock.)"""
    unsettled = list(
        WatchedFile.objects.filter(placement=Placement.QUARANTINING).exclude(kind=Kind.LINK)
    )  # a link's is ``held_links.recover``'s
    for row in unsettled:
        _settle(row)
    return len(unsettled)


def _settle(row: WatchedFile) -> bool:
    """Settle the interrupted move of ``row`` (one out of quarantine under its lock):
    whether it is settled now."""
    try:
        if row.placement == Placement.QUARANTINING:
            moved = _settle_sealing(row)
        else:
            moved = _settle_release(row)
        log.warning("settled an interrupted move id=%s moved=%s", row.id, moved)
        _finish(row, moved=moved)
    except Exception as exc:  # noqa: BLE001 - recorded by type; the other rows are settled
        kind = moving.errno_name(exc) if isinstance(exc, OSError) else type(exc).__name__
        when = "start" if row.placement == Placement.QUARANTINING else "next pass"
        WatchedFile.objects.filter(id=row.id).update(
            problem=f"an interrupted move could not be settled ({kind}); tried again at the "
            f"watcher's {when}"
        )
        log.error("interrupted move not settled id=%s error=%s", row.id, kind)
        return False
    return True


def _settle_sealing(row: WatchedFile) -> bool:
    """After a crash while the file was sealed into quarantine: finish the move if the sealed
    file is whole and the original could be removed (True), undo it otherwise (False). A
    sealed file that does not open with the key file raises ``SealingError``: the key file is
    wrong, and nothing is decided."""
    source, target = real_path(row.moving_from), real_path(row.moving_to)
    partial = target.with_name(target.name + moving.PARTIAL)
    partial.unlink(missing_ok=True)  # ours: the quarantine holds nothing else
    if not sealed_files.holds(target, row.content_hash, sealed_files.sealer()):
        return False
    try:
        moving.remove_original(source, row.content_hash, _root(row))
    except (OSError, moving.MoveError):
        _remove_sealed(target)  # it stays in place, and is judged and moved again
        return False
    return True


def _settle_release(row: WatchedFile) -> bool:
    """After a crash while the sealed file was opened back to its place: finish the release,
    writing the document again if it is not back whole (under a free name beside its place
    if a user's file has taken that name meanwhile). True, or an exception saying why not."""
    sealed, destination = real_path(row.moving_from), real_path(row.moving_to)
    _remove_release_partial(row, sealed, destination)
    if not moving.holds(destination, row.content_hash, _root(row)):
        if os.path.lexists(destination):
            own = real_path(row.path)
            destination = moving.free_name(destination.parent, own.stem, own.suffix)
            row.moving_to = stored_path(str(destination))
            row.save(update_fields=["moving_to", "updated_at"])
        _write_back(row, destination)
    _remove_sealed(sealed)
    row.problem = ""
    return True


def _remove_release_partial(row: WatchedFile, sealed: Path, destination: Path) -> None:
    """Remove what a release cut short left under its partial name, if it is that: the
    start of the held document (anything else there is not ours, and stays)."""
    try:
        _remove_started(
            destination.parent / release_partial(row),
            lambda: sealed_files.opened(sealed, sealed_files.sealer()),
            _root(row),
        )
    except (OSError, moving.MoveError, SealingError) as exc:
        log.warning("release partial file left id=%s error=%s", row.id, type(exc).__name__)


def _remove_started(path: Path, content: Callable[[], Iterator[bytes]], root: Path | None) -> bool:
    """Remove the file at ``path`` (reached from ``root`` without a link) if it is a
    regular file holding the start of (or all of) ``content``: a partial file of the
    watcher's own cut short. Whether nothing of ours is left there (so a file there that
    holds anything else is a user's, and stays: False)."""
    with moving.opened_folder(path.parent, root) as folder:
        try:
            fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
        except FileNotFoundError:
            return True
        with os.fdopen(fd, "rb") as written:
            ours = stat.S_ISREG(os.fstat(fd).st_mode) and _starts(written, content())
        if ours:
            os.unlink(path.name, dir_fd=folder)
            os.fsync(folder)
        return ours


def _starts(written: BinaryIO, content: Iterator[bytes]) -> bool:
    """Whether the file ``written`` holds the start of (or all of) ``content``'s chunks."""
    for chunk in content:
        part = written.read(len(chunk))
        if part != chunk[: len(part)]:
            return False
        if len(part) < len(chunk):
            return True
    return not written.read(1)


def _remove_sealed(sealed: Path) -> None:
    """Remove a held document's sealed file once the document is back in place."""
    sealed.unlink(missing_ok=True)
    moving.sync_folder(sealed.parent)


def _root(row: WatchedFile) -> Path | None:
    """The watched folder a row's file lies in, from which its folder is reached."""
    return Path(row.folder) if row.folder else None


def _finish(row: WatchedFile, *, moved: bool) -> None:
    """Record where the file ended up, and put the note in place or take it away to match."""
    into_quarantine = row.placement == Placement.QUARANTINING
    if into_quarantine and moved:
        leave_note(row)
        row.placement, row.quarantined_as, row.present = Placement.QUARANTINED, row.moving_to, False
    elif into_quarantine:
        row.placement = Placement.IN_PLACE
        row.judged_with = ""  # judged again on the next pass, and moved then
    elif moved:  # released: back in its folder
        remove_note(row)
        row.placement, row.path, row.present = Placement.RELEASED, row.moving_to, True
        row.path_key = path_key(row.path)
        row.quarantined_as = ""
    else:
        row.placement = Placement.QUARANTINED
    row.moving_from = row.moving_to = ""
    row.save()


def leave_note(row: WatchedFile) -> None:
    """Write the note where the file was, under a free name (kept on the row); a note that
    cannot be written is logged: the document is safe in quarantine all the same."""
    content = note_of(row)
    if row.note_path:
        note = real_path(row.note_path)
    else:
        note = note_path(real_path(row.moving_from).parent, row.id)
    partial = note.parent / note_partial(row)
    with suppress(OSError, moving.MoveError):  # writing the note says why
        _remove_started(partial, lambda: iter((content,)), _root(row))  # a crash's
    if moving.holds(note, hashlib.sha256(content).hexdigest(), _root(row)):
        return  # written before a crash
    # Readable as its document was; written by its owner alone (a link's mode, 0777, made
    # every note of a held link writable by all).
    mode = original_mode(row) & 0o644 | 0o600
    for _ in range(NAME_TRIES):
        try:
            moving.write_new_from(
                note,
                (content,),
                mode,
                root=_root(row),
                owner=original_owner(row),
                partial=partial.name,
            )
        except FileExistsError:
            note = moving.free_name(note.parent, f"confide-held-{row.id}", ".txt")
            continue
        except (OSError, moving.MoveError) as exc:
            reason = moving.errno_name(exc) if isinstance(exc, OSError) else "unreachable"
            log.warning("note not written id=%s reason=%s", row.id, reason)
        break
    row.note_path = stored_path(str(note))
