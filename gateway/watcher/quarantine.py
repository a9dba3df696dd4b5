"""Taking a held document out of its folder, and putting it back, without ever losing it.

The row is the journal: ``moving_from`` and ``moving_to`` (and the placement saying which way)
are committed before a file moves, and cleared once it has moved. ``recover`` runs before the
watcher does anything else and settles every move a crash left half-done, so that a file is
either in place or in quarantine with its note, never neither and never both.

The note left in a file's place names the row by its id, never the file: a file's name can
itself be personal data.
"""

from __future__ import annotations

import logging
from pathlib import Path

from gateway.relay.crash_points import crash_point
from gateway.watcher import moving
from gateway.watcher.models import Placement, WatchedFile, path_key

log = logging.getLogger("confide.watcher")

# Crash points (``CONFIDE_TEST_CRASH_AT``) of a quarantine move.
JOURNALED = "quarantine-journaled"  # the journal is committed; the file has not moved
MOVED = "quarantine-moved"  # the file is in quarantine; no note yet
NOTE = """This document was taken out of this folder by confide and is awaiting review by a
manager, because of what it may contain. If the manager releases it, it comes back here.

Reference: held document {id}
"""


def note_path(folder: Path, row_id: int) -> Path:
    return folder / f"confide-held-{row_id}.txt"


def quarantine(row: WatchedFile, source: Path, quarantine_dir: Path) -> None:
    """Move the file at ``source`` (the row's content) into quarantine and leave the note.
    Raises ``moving.MoveError`` with the file left where it was."""
    quarantine_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = quarantine_dir / str(row.id)
    row.placement = Placement.QUARANTINING
    row.moving_from, row.moving_to = str(source), str(target)
    row.note_path = str(note_path(source.parent, row.id))
    row.save()
    crash_point(JOURNALED)
    try:
        moving.move(source, target, row.content_hash)
    except moving.MoveError:
        _finish(row, moved=False)
        raise
    crash_point(MOVED)
    _finish(row, moved=True)


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
    try:
        moving.move(Path(row.quarantined_as), destination, row.content_hash)
    except moving.MoveError:
        _finish(row, moved=False)
        raise
    _finish(row, moved=True)


def recover() -> int:
    """Settle every move a crash interrupted; how many there were."""
    unsettled = list(
        WatchedFile.objects.filter(placement__in=(Placement.QUARANTINING, Placement.RELEASING))
    )
    for row in unsettled:
        moved = moving.settle(Path(row.moving_from), Path(row.moving_to), row.content_hash)
        log.warning("settled an interrupted move id=%s moved=%s", row.id, moved)
        _finish(row, moved=moved)
    return len(unsettled)


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
