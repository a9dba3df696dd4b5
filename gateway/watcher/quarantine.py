"""Taking a held document out of its folder, and putting it back, without ever losing it.

The row is the journal: ``moving_from`` and ``moving_to`` (and the placement saying which way)
are committed before a file moves, and cleared once it has moved. ``recover`` runs before the
watcher does anything else and settles every move a crash left half-done, so that a file is
either in place or in quarantine with its note, never neither and never both.

A file in quarantine is kept sealed (``gateway.watcher.sealed_files``: encrypted with the
key file's newest key, never in clear), so every move is a copy: into quarantine, the sealed
file is written beside its place, synced, opened back and its hash checked against the row's,
renamed into place, and only then is the original removed; out of it, the document is opened
into a new file beside its place (never over anything), its hash checked, and only then is
the sealed file removed.

The note left in a file's place names the row by its id, never the file: a file's name can
itself be personal data.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from gateway.relay.crash_points import crash_point
from gateway.sealing import SealingError
from gateway.watcher import moving, sealed_files
from gateway.watcher.models import Placement, WatchedFile, path_key

log = logging.getLogger("confide.watcher")

# Crash points (``CONFIDE_TEST_CRASH_AT``) of a quarantine move.
JOURNALED = "quarantine-journaled"  # the journal is committed; the file has not moved
SEALED = "quarantine-sealed"  # the sealed file is in quarantine; the original is still there
MOVED = "quarantine-moved"  # the original is removed; no note yet
# ... and of a release.
RESTORED = "release-restored"  # the file is back in place; the sealed file is still there
NOTE = """This document was taken out of this folder by confide and is awaiting review by a
manager, because of what it may contain. If the manager releases it, it comes back here.

Reference: held document {id}
"""


def note_path(folder: Path, row_id: int) -> Path:
    return folder / f"confide-held-{row_id}.txt"


def quarantine(row: WatchedFile, source: Path, quarantine_dir: Path) -> None:
    """Move the file at ``source`` (the row's content) into quarantine, sealed, and leave the
    note. Raises ``moving.MoveError`` with the file left where it was."""
    try:
        keys = sealed_files.sealer()
    except SealingError as exc:  # fail closed: nothing moves without a key to seal it with
        raise moving.MoveError(str(exc)) from None
    quarantine_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = quarantine_dir / str(row.id)
    row.placement = Placement.QUARANTINING
    row.moving_from, row.moving_to = str(source), str(target)
    row.note_path = str(note_path(source.parent, row.id))
    row.owner_uid = _owner_uid(source)
    row.save()
    crash_point(JOURNALED)
    try:
        sealed_files.seal_into(source, target, row.content_hash, keys)
    except moving.MoveError:
        _finish(row, moved=False)
        raise
    crash_point(SEALED)
    moving.remove_original(source, row.content_hash)
    crash_point(MOVED)
    _finish(row, moved=True)


def _owner_uid(source: Path) -> int | None:
    """Who owns the file now: once it is sealed in quarantine, the watcher does."""
    try:
        return os.lstat(source).st_uid
    except OSError:
        return None


def restore(row: WatchedFile, destination: Path, **decision: object) -> None:
    """Move a quarantined file back to ``destination`` (free), byte-identical, and remove
    its note; ``decision`` (who decided, when, why) is recorded with the journal, so a
    release a crash interrupts is finished at recovery as the manager's. Raises
    ``moving.MoveError`` with the file left in quarantine, also when another decision on it
    came first."""
    claimed = WatchedFile.objects.filter(id=row.id, placement=row.placement).update(
        placement=Placement.RELEASING,
        moving_from=row.quarantined_as,
        moving_to=str(destination),
        **decision,
    )
    if not claimed:
        raise moving.MoveError("another decision on it came first")
    row.refresh_from_db()
    sealed = Path(row.quarantined_as)
    try:
        content = sealed_files.opened(sealed, sealed_files.sealer())
        moving.write_new_from(destination, content, content_hash=row.content_hash)
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


def recover() -> int:
    """Settle every move a crash interrupted; how many there were."""
    unsettled = list(
        WatchedFile.objects.filter(placement__in=(Placement.QUARANTINING, Placement.RELEASING))
    )
    for row in unsettled:
        source, target = Path(row.moving_from), Path(row.moving_to)
        if row.placement == Placement.QUARANTINING:
            moved = _settle_sealing(source, target, row.content_hash)
        else:
            moved = _settle_release(source, target, row.content_hash)
        log.warning("settled an interrupted move id=%s moved=%s", row.id, moved)
        _finish(row, moved=moved)
    return len(unsettled)


def _settle_sealing(source: Path, target: Path, content_hash: str) -> bool:
    """After a crash while ``source`` was sealed into ``target``: finish the move if the
    sealed file is whole (True), undo it otherwise (False). A sealed file that does not open
    with the key file raises ``SealingError``: the key file is wrong, and nothing is decided."""
    partial = target.with_name(target.name + moving.PARTIAL)
    partial.unlink(missing_ok=True)
    if sealed_files.holds(target, content_hash, sealed_files.sealer()):
        moving.remove_original(source, content_hash)
        return True
    return False


def _settle_release(sealed: Path, destination: Path, content_hash: str) -> bool:
    """After a crash while ``sealed`` was opened back to ``destination``: finish the release
    if the file is back whole (True), undo it otherwise (False)."""
    destination.with_name(destination.name + moving.PARTIAL).unlink(missing_ok=True)
    if moving.holds(destination, content_hash):
        _remove_sealed(sealed)
        return True
    return False


def _remove_sealed(sealed: Path) -> None:
    """Remove a held document's sealed file once the document is back in place."""
    sealed.unlink(missing_ok=True)
    moving.sync_folder(sealed.parent)


def _finish(row: WatchedFile, *, moved: bool) -> None:
    """Record where the file ended up, and put the note in place or take it away to match."""
    note = Path(row.note_path) if row.note_path else None
    into_quarantine = row.placement == Placement.QUARANTINING
    if into_quarantine and moved:
        assert note is not None
        if not note.exists():
            moving.write_new(note, NOTE.format(id=row.id).encode())
        row.placement, row.quarantined_as, row.present = Placement.QUARANTINED, row.moving_to, False
    elif into_quarantine:
        row.placement = Placement.IN_PLACE
    elif moved:  # released: back in its folder
        if note is not None:
            note.unlink(missing_ok=True)
        row.placement, row.path, row.present = Placement.RELEASED, row.moving_to, True
        row.path_key = path_key(row.path)
        row.quarantined_as = ""
    else:
        row.placement = Placement.QUARANTINED
    row.moving_from = row.moving_to = ""
    row.save()
