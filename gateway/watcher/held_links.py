"""A symbolic link held in an enforce folder for an outside audience, taken out of reach
without ever being followed, and put back by a manager's release.

A link is held for its name (``names``) or, in a folder for an outside audience, for
pointing outside its watched folder: a web server or a sync tool that publishes the folder
may follow it there, and what lies there was never judged. Left where it is, it would be
held in name only. What a link holds is where it points, its target, which ``readlink``
gives without following it; so a held link is taken away as a held document is, its
target as its content: sealed into the quarantine (a target can itself name someone), then
the link is removed, only while it is still the link whose target was sealed, and a note
takes its place. A release makes the same link again there (``symlink``, which never
replaces anything: beside it under a free name when a user's file has taken the name)
before its sealed target and note are removed.

The row is the journal, as a document's is (``quarantine``): ``moving_from`` and
``moving_to`` are committed (placement ``QUARANTINING``) before anything is written, and
``recover`` settles what a crash left: the sealed target whole and the link still the same,
the link is removed and the move finished; otherwise it is undone. A release holds the
document's release lock (``release_lock``) and makes the link before the decision is
recorded: a crash between leaves the link back and still held, to be released again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from pathlib import Path

from gateway.relay.crash_points import crash_point
from gateway.review import audit
from gateway.sealing import SealingError
from gateway.watcher import moving, quarantine, release_lock, sealed_files
from gateway.watcher.models import (
    LINK_LEFT,
    Kind,
    Placement,
    WatchedFile,
    path_key,
    real_path,
    stored_path,
)

log = logging.getLogger("confide.watcher")

# Crash points (``CONFIDE_TEST_CRASH_AT``) of taking a link away.
JOURNALED = "link-journaled"  # the journal is committed; nothing written yet
SEALED = "link-sealed"  # its target is sealed in quarantine; the link is still there


def take_away(row: WatchedFile, quarantine_dir: Path) -> bool:
    """Take the held link of ``row`` out of its folder, its target sealed in
    ``quarantine_dir`` and a note in its place: whether it is gone now. One that cannot
    be (gone, changed meanwhile, the quarantine not writable) stays where it is, with the
    reason on its row (``LINK_LEFT``), and is tried again on the next pass."""
    path, root = real_path(row.path), Path(row.folder)
    try:
        target = _target(path, root)
        keys = sealed_files.sealer()
        quarantine_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, moving.MoveError, SealingError) as exc:
        return _left(row, exc)
    sealed = quarantine_dir / f"{row.id}-{secrets.token_hex(8)}"
    row.placement, row.problem = Placement.QUARANTINING, ""
    row.moving_from, row.moving_to = row.path, stored_path(str(sealed))
    row.content_hash = hashlib.sha256(target).hexdigest()
    row.note_path = stored_path(
        str(moving.free_name(path.parent, f"confide-held-{row.id}", ".txt"))
    )
    row.save()
    crash_point(JOURNALED)
    try:
        sealed_files.seal_content(target, sealed, keys)
    except moving.MoveError as exc:
        _finish(row, moved=False)
        return _left(row, exc)
    crash_point(SEALED)
    try:
        removed = _remove_link(path, target, root)
    except (OSError, moving.MoveError) as exc:
        _discard(sealed)
        _finish(row, moved=False)
        return _left(row, exc)
    if not removed:  # changed meanwhile: in view, judged again as it is now
        _discard(sealed)
        _finish(row, moved=False)
        return _left(row, moving.MoveError("it changed while it was being taken away"))
    _finish(row, moved=True)
    return True


def recover() -> int:
    """Settle every taking away of a link a crash cut short; how many there were."""
    rows = list(WatchedFile.objects.filter(kind=Kind.LINK, placement=Placement.QUARANTINING))
    for row in rows:
        sealed, path = real_path(row.moving_to), real_path(row.moving_from)
        sealed.with_name(sealed.name + moving.PARTIAL).unlink(missing_ok=True)  # ours
        try:
            whole = sealed_files.holds(sealed, row.content_hash, sealed_files.sealer())
            target = b"".join(sealed_files.opened(sealed, sealed_files.sealer())) if whole else b""
            moved = whole and _remove_link(path, target, Path(row.folder))
        except (OSError, moving.MoveError, SealingError) as exc:
            kind = moving.errno_name(exc) if isinstance(exc, OSError) else type(exc).__name__
            log.error("interrupted link move not settled id=%s error=%s", row.id, kind)
            continue
        if not moved:
            _discard(sealed)
        log.warning("settled an interrupted link move id=%s moved=%s", row.id, moved)
        _finish(row, moved=moved)
    return len(rows)


def release(row: WatchedFile, **decision: object) -> Path:
    """Make the held link of ``row`` again where it was (beside it, under a free name, when
    a user's file has that name now), pointing where it pointed, and record ``decision``
    (who, when, why); then its sealed target and its note are removed. Where it went.
    Raises ``moving.MoveError`` with it still held."""
    try:
        with release_lock.held(row):
            row.refresh_from_db()
            if row.placement not in (Placement.QUARANTINED, Placement.REJECTED):
                raise moving.MoveError("another decision on it came first")
            sealed = real_path(row.quarantined_as)
            try:
                target = b"".join(sealed_files.opened(sealed, sealed_files.sealer()))
            except (OSError, SealingError):
                raise moving.MoveError("its target cannot be opened from the quarantine") from None
            if hashlib.sha256(target).hexdigest() != row.content_hash:
                raise moving.MoveError("its sealed target is not the one held")
            where = _make_link(real_path(row.path), target, Path(row.folder))
            text = stored_path(str(where))
            WatchedFile.objects.filter(id=row.id).update(
                placement=Placement.RELEASED,
                path=text,
                path_key=path_key(text),
                present=True,
                quarantined_as="",
                content_hash="",  # its target's: never to be taken for a file's content
                **decision,
            )
            quarantine.remove_note(row)
            _discard(sealed)
    except release_lock.Busy:
        raise moving.MoveError(f"it is {quarantine.BUSY}") from None
    except release_lock.Unlockable as exc:
        raise moving.MoveError(f"the quarantine is not writable ({exc})") from None
    log.info("released link id=%s", row.id)
    return where


def _target(path: Path, root: Path) -> bytes:
    """Where the link at ``path`` points, read from its folder (reached from ``root``
    without a link) without following it. Raises ``moving.MoveError`` when it is no link
    now, ``OSError`` otherwise."""
    with moving.opened_folder(path.parent, root) as folder:
        try:
            return os.readlink(os.fsencode(path.name), dir_fd=folder)
        except OSError as exc:
            raise moving.MoveError(f"it is no longer a link ({moving.errno_name(exc)})") from None


def _remove_link(path: Path, target: bytes, root: Path) -> bool:
    """Remove the link at ``path`` if it still points at ``target``: whether it is gone now
    (True too when it was gone already; False when it is something else now)."""
    with moving.opened_folder(path.parent, root) as folder:
        name = os.fsencode(path.name)
        try:
            now = os.readlink(name, dir_fd=folder)
        except FileNotFoundError:
            return True
        except OSError:  # not a link now: a user's file or folder
            return False
        if now != target:
            return False
        os.unlink(name, dir_fd=folder)
        os.fsync(folder)
    return True


def _make_link(path: Path, target: bytes, root: Path) -> Path:
    """A new link at ``path`` (or beside it under a free name) to ``target``; where."""
    for _ in range(quarantine.NAME_TRIES):
        with moving.opened_folder(path.parent, root) as folder:
            try:
                os.symlink(target, os.fsencode(path.name), dir_fd=folder)
            except FileExistsError:
                path = moving.free_name(path.parent, path.stem, path.suffix)
                continue
            except OSError as exc:
                reason = f"it could not be made again ({moving.errno_name(exc)})"
                raise moving.MoveError(reason) from None
            os.fsync(folder)
            return path
    raise moving.MoveError("no free name beside it")


def _finish(row: WatchedFile, *, moved: bool) -> None:
    """Record where the link ended up: taken away (its note left), or still in place."""
    if moved:
        quarantine.leave_note(row)
        row.placement, row.quarantined_as, row.present = (
            Placement.QUARANTINED,
            row.moving_to,
            False,
        )
        audit.append(
            [
                audit.Event(
                    kind="document-held",
                    actor="confide",
                    details={"document": row.id, "rules": list(row.rules)},
                )
            ]
        )
        log.info("held link taken away id=%s", row.id)
    else:
        row.placement, row.note_path, row.content_hash = Placement.IN_PLACE, "", ""
        row.judged_with = ""  # judged again on the next pass, as it is then
    row.moving_from = row.moving_to = ""
    row.save()


def _left(row: WatchedFile, exc: Exception) -> bool:
    """Record why the held link of ``row`` stays in view for now (logged by id and kind)."""
    kind = moving.errno_name(exc) if isinstance(exc, OSError) else type(exc).__name__
    log.warning("held link not taken away id=%s error=%s", row.id, kind)
    if row.problem != LINK_LEFT:
        WatchedFile.objects.filter(id=row.id).update(problem=LINK_LEFT)
        row.problem = LINK_LEFT
    return False


def _discard(sealed: Path) -> None:
    sealed.unlink(missing_ok=True)
    moving.sync_folder(sealed.parent)
