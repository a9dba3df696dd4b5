"""A sub-folder held for its name (``names``) taken out of view, and brought back.

In an enforce folder for an outside audience, a held folder is taken away once nothing of a
user's is left in it (every file in it held, as every file in a held folder is, for the
folder's name: ``in_held_folder``; none is redacted or marked there): one neutral note in
its parent stands for it, naming it by reference only; the notes of what was held from it
and the empty folders are removed. Nothing else is ever removed: a folder goes by rmdir,
which leaves a file that arrived meanwhile where it is (the folder is taken away on a later
pass, once that file is held). A held folder whose path is too long to be looked at
(``names.too_long``) is held where it is (``TOO_LONG``); a held folder above it stays. The
deepest held folders go first, so a held folder inside another goes with it. A held link
is taken away without being followed (``held_links``); a held special file is never moved:
it is held where it is (``UNMOVABLE``).

The row is the journal: ``moving_from`` is committed before anything is removed and cleared
once the folder is gone; each pass first settles what a crash left (``recover``): the folder
gone, its note is written; still there, it is emptied again, or given back (its note taken
away) when it holds anything else now. A manager's release of the folder, or of a document
held from it, makes the folder again (``moving_to`` is that journal); it then stands as a
released document does.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from gateway.relay.crash_points import crash_point
from gateway.review import audit
from gateway.watcher import held_links, moving, names, quarantine
from gateway.watcher.folders import INTERNAL, NOTE_PATTERN, Folder
from gateway.watcher.judging import DocumentJudge, Judgement
from gateway.watcher.models import (
    BLOCKED,
    LEFT,
    LOCKED_IN_PLACE,
    TOO_LONG,
    UNMOVABLE,
    Kind,
    Placement,
    WatchedFile,
    path_key,
    real_path,
    stored_path,
)
from scanner.actions import Action

log = logging.getLogger("confide.watcher")

# Crash points (``CONFIDE_TEST_CRASH_AT``) of taking a held folder away, and of a release.
JOURNALED = "folder-journaled"  # the journal is committed; nothing written or removed yet
NOTED = "folder-noted"  # the note is in the parent; the folder is still there
EMPTIED = "folder-emptied"  # the notes in it are removed; the empty folders still there
MADE = "folder-release-journaled"  # a release is committed; the folder not made yet

ARRIVED = "a file arrived in it while it was being taken away; it is tried again on the next pass"
# What holds a file lying in a folder held for its name: the folder goes once its files are
# held, and a copy written beside the file would keep the folder's name in view.
IN_HELD_FOLDER = "in-held-folder"
IN_HELD_REASON = "it lies in a folder whose name holds personal data"
# Where a note stands for what was held: a row so placed has its note in the folder.
_NOTED = (Placement.QUARANTINED, Placement.REJECTED)


def pass_over(folders: Sequence[Folder], judge: DocumentJudge, quarantine_dir: Path) -> int:
    """Judge every sub-folder, link and special file of ``folders`` by its name (again only
    when the rules, the register, the audience or the mode changed, or what it is), and take
    away the held folders (and links, their targets sealed in ``quarantine_dir``) an
    enforce folder for an outside audience may; how many were taken away."""
    fingerprints = judge.fingerprints(folders)
    taken = 0
    for folder in folders:
        found = names.entries(folder.path)
        held = names.judged(folder, found, judge, fingerprints[folder.path], whole=True)
        if not folder.enforce or folder.audience == INTERNAL:
            continue
        for row in _deepest_first(held):
            taken += _take_away(row, quarantine_dir)
    return taken


def after_files(
    folders: Sequence[Folder], judge: DocumentJudge, paths: Sequence[Path], quarantine_dir: Path
) -> int:
    """After paths handled on events: the links and special files among them judged by their
    names; and, in an enforce folder for an outside audience, the folders that hold them
    judged by their names (if they were not) and taken away if they are held and may go
    now; how many were taken away. (A folder with no file in it is seen by the next
    reconcile.)"""
    taken = 0
    fingerprints = judge.fingerprints(folders)
    for folder in folders:
        mine = [path for path in paths if folder.holds(path)]
        odd = [path for path in mine if not names.plain(path)]  # one gone is "plain"
        if not folder.enforce or folder.audience == INTERNAL:
            if odd:
                names.judged(folder, odd, judge, fingerprints[folder.path], whole=False)
            continue
        parents = {
            parent
            for path in mine
            for parent in path.parents
            if folder.holds(parent) and names.plain(parent) and parent.is_dir()
        }
        if not parents and not odd:
            continue
        keys = {path_key(stored_path(str(path))) for path in (*parents, *odd)}
        found = [*sorted(parents), *odd]
        held = names.judged(folder, found, judge, fingerprints[folder.path], whole=False)
        for row in _deepest_first([row for row in held if row.path_key in keys]):
            taken += _take_away(row, quarantine_dir)
    return taken


def in_held_folder(
    path: Path, folder: Folder, judgement: Judgement, judge: DocumentJudge, fingerprint: str
) -> Judgement:
    """``judgement`` of the file at ``path``, held when it lies in a sub-folder held for its
    name (in a folder for an outside audience), whatever the file's own path and content
    said: every file in a held folder is held, so the folder is taken away, and no copy
    is written in it. The folders above it are judged by their names first where they
    were not judged as things are (a file is judged before the reconcile's folders)."""
    above = [parent for parent in path.parents if folder.holds(parent)]
    if folder.audience == INTERNAL or not above or judgement.action == Action.HOLD:
        return judgement
    keys = {path_key(stored_path(str(parent))) for parent in above}
    rows = WatchedFile.objects.filter(is_folder=True, present=True, path_key__in=keys)
    judged = {row.path_key for row in rows if row.judged_with == fingerprint}
    if judged != keys:
        names.judged(folder, sorted(above), judge, fingerprint, whole=False)
    held = WatchedFile.objects.filter(
        is_folder=True,
        present=True,
        path_key__in=keys,
        placement=Placement.IN_PLACE,
        action=Action.HOLD,
    )
    if not held.exists():
        return judgement
    return replace(
        judgement,
        action=Action.HOLD,
        rules=(*judgement.rules, IN_HELD_FOLDER),
        reasons=(*judgement.reasons, IN_HELD_REASON),
        copy=None,
    )


def _deepest_first(rows: list[WatchedFile]) -> list[WatchedFile]:
    return sorted(rows, key=lambda row: len(real_path(row.path).parts), reverse=True)


# --- taking a held folder away ---------------------------------------------------------


def _take_away(row: WatchedFile, quarantine_dir: Path) -> int:
    """Take the held folder of ``row`` away if it holds nothing but confide's notes (a held
    link, its target sealed in ``quarantine_dir``: ``held_links``): 1 if it is gone now."""
    path = real_path(row.path)
    if row.kind == Kind.LINK and not names.too_long(path):
        return int(held_links.take_away(row, quarantine_dir))
    locked: list[WatchedFile] = []
    notes = _notes_only(path, locked) if names.plain(path) else None
    if notes is not None and not _moved_out(locked):
        notes = None
    if notes is None:
        reason = _why_left(path)
        if row.problem != reason:
            row.problem = reason
            row.save(update_fields=["problem", "updated_at"])
        return 0
    note = moving.free_name(path.parent, f"confide-held-{row.id}", ".txt")
    row.placement, row.moving_from, row.problem = Placement.QUARANTINED, row.path, ""
    row.note_path = stored_path(str(note))
    row.save()
    crash_point(JOURNALED)
    quarantine.leave_note(row)
    row.save()
    crash_point(NOTED)
    return int(_empty(row, notes))


def _notes_only(
    path: Path, locked: list[WatchedFile] | None = None
) -> list[tuple[Path, WatchedFile]] | None:
    """The notes under ``path`` (with the rows they stand for), when it holds nothing
    else but folders (and, given ``locked``, files locked where they lie, under their
    neutral names, whose rows it is filled with); None when it holds anything else (or
    cannot be read)."""
    notes = []
    try:
        for top, dirs, files in os.walk(path, followlinks=False, onerror=_raise):
            here = Path(top)
            if any((here / name).is_symlink() for name in dirs):
                return None
            for name in files:
                held = _note_of(here / name)
                if held is not None:
                    notes.append((here / name, held))
                    continue
                hidden = _locked_at(here / name) if locked is not None else None
                if hidden is None or locked is None:
                    return None
                locked.append(hidden)
    except OSError:
        return None
    return notes


def _locked_at(path: Path) -> WatchedFile | None:
    """The row of the file at ``path`` if it is one locked where it lies and renamed to its
    neutral name (``quarantine.hide_in_place``), still that file (its inode)."""
    row = (
        WatchedFile.objects.filter(
            path_key=path_key(stored_path(str(path))),
            is_folder=False,
            present=True,
            placement=Placement.IN_PLACE,
            problem__startswith=LOCKED_IN_PLACE,
        )
        .exclude(locked_from="")
        .first()
    )
    try:
        found = os.lstat(path)
    except OSError:
        return None
    if row is None or not stat.S_ISREG(found.st_mode) or found.st_ino % (1 << 63) != row.inode:
        return None
    return row


def _moved_out(locked: list[WatchedFile]) -> bool:
    """Move the files locked where they lie in a held folder out of it, to its watched
    folder (``quarantine.move_locked_out``), so that the folder can go with its name:
    never copied into quarantine, they kept it in view. Whether they all went."""
    for row in locked:
        try:
            quarantine.move_locked_out(row)
        except moving.MoveError as exc:
            log.warning("locked file not moved out id=%s error=%s", row.id, exc)
            return False
    return True


def _why_left(path: Path) -> str:
    """Why the held folder (or link, or special file) at ``path`` cannot go now."""
    if names.too_long(path):
        return TOO_LONG
    if not names.plain(path):
        return UNMOVABLE
    for top, dirs, files in os.walk(path, followlinks=False):
        inside = [Path(top) / name for name in (*dirs, *files)]
        if not all(names.plain(each) or names.too_long(each) for each in inside):
            return BLOCKED
    return LEFT


def _raise(exc: OSError) -> None:
    raise exc


def _note_of(path: Path) -> WatchedFile | None:
    """The held row whose note ``path`` is (a regular file holding exactly that note,
    reached from the row's watched folder without a link: ``moving.holds``)."""
    if not _is_note_name(path.name):
        return None
    for row in WatchedFile.objects.filter(note_path=stored_path(str(path)), placement__in=_NOTED):
        digest = hashlib.sha256(quarantine.note_of(row)).hexdigest()
        if moving.holds(path, digest, Path(row.folder) if row.folder else None):
            return row
    return None


def _is_note_name(name: str) -> bool:
    return fnmatch.fnmatchcase(name.lower(), NOTE_PATTERN)


def _empty(row: WatchedFile, notes: list[tuple[Path, WatchedFile]]) -> bool:
    """Remove the ``notes`` under the folder of ``row`` (its note already in the parent),
    then its empty folders, deepest first; whether it is gone. A folder that will not go
    (a file arrived) gives the folder back: its note is taken away, and it is tried again."""
    root, path = Path(row.folder), real_path(row.moving_from)
    for note, held in notes:
        digest = hashlib.sha256(quarantine.note_of(held)).hexdigest()
        try:
            removed = moving.remove_original(note, digest, root)
        except (OSError, moving.MoveError):
            removed = False
        if removed:
            WatchedFile.objects.filter(id=held.id).update(note_path="")
    crash_point(EMPTIED)
    try:
        for top, _dirs, _files in os.walk(path, topdown=False, followlinks=False, onerror=_raise):
            moving.remove_folder(Path(top), root)
    except (OSError, moving.MoveError) as exc:
        kind = moving.errno_name(exc) if isinstance(exc, OSError) else "unreachable"
        log.warning("held folder not taken away id=%s reason=%s", row.id, kind)
        _give_back(row, ARRIVED)
        return False
    _gone(row)
    return True


def _give_back(row: WatchedFile, reason: str) -> None:
    """The folder of ``row`` stays: its note in the parent is taken away."""
    quarantine.remove_note(row)
    row.placement, row.moving_from, row.note_path = Placement.IN_PLACE, "", ""
    row.problem = reason
    row.save()


def _gone(row: WatchedFile) -> None:
    """The folder of ``row`` is gone, its note in its parent: held, as a document is."""
    quarantine.leave_note(row)  # written already, unless a crash came first
    inside = real_path(row.moving_from)
    row.moving_from, row.present, row.problem = "", False, ""
    row.save()
    nested = WatchedFile.objects.filter(is_folder=True, folder=row.folder, present=True)
    nested_ids = [other.id for other in nested if inside in real_path(other.path).parents]
    WatchedFile.objects.filter(id__in=nested_ids).update(present=False)
    audit.append(
        [
            audit.Event(
                kind="folder-held",
                actor="confide",
                details={"document": row.id, "rules": list(row.rules)},
            )
        ]
    )
    log.info("held folder taken away id=%s", row.id)


def recover() -> int:
    """Settle every taking away and release of a folder that a crash cut short; how many
    there were. One that cannot be settled is logged by id and left for the next pass."""
    settled = held_links.recover()
    folders = WatchedFile.objects.filter(is_folder=True).exclude(kind=Kind.LINK)
    rows = list(folders.exclude(moving_from=""))
    rows += list(folders.exclude(moving_to=""))
    for row in rows:
        try:
            if row.moving_from:
                _settle_taking(row)
            else:
                _make_again(row)
        except (OSError, moving.MoveError) as exc:
            kind = moving.errno_name(exc) if isinstance(exc, OSError) else "unreachable"
            log.error("interrupted folder move not settled id=%s reason=%s", row.id, kind)
    return settled + len(rows)


def _settle_taking(row: WatchedFile) -> None:
    path = real_path(row.moving_from)
    if not os.path.lexists(path):
        _gone(row)
        return
    notes = _notes_only(path)
    if notes is None:
        _give_back(row, ARRIVED)
        return
    quarantine.leave_note(row)
    row.save()
    _empty(row, notes)


# --- a manager's release ----------------------------------------------------------------


def release(row: WatchedFile, **decision: object) -> Path:
    """Make the held folder of ``row`` again where it was (its note in the parent removed,
    the notes of what is still held from it written back in it); ``decision`` (who, when,
    why) is recorded with it. Raises ``moving.MoveError`` with the folder still held."""
    claimed = WatchedFile.objects.filter(id=row.id, placement=row.placement).update(
        placement=Placement.RELEASED, moving_to=row.path, **decision
    )
    if not claimed:
        raise moving.MoveError("another decision on it came first")
    before = row.placement
    row.refresh_from_db()
    crash_point(MADE)
    try:
        _make_again(row)
    except moving.MoveError:
        WatchedFile.objects.filter(id=row.id).update(
            placement=before, moving_to="", decided_by="", decided_at=None, decision_note=""
        )
        raise
    return real_path(row.path)


def held_around(row: WatchedFile) -> WatchedFile | None:
    """The outermost held folder taken away (awaiting a decision, or rejected) that the
    folder of ``row`` lay in (for a file locked where it lies, where it lay before it was
    renamed): ``row`` cannot be made again without it."""
    inside = real_path(row.locked_from or row.path)
    around = (
        WatchedFile.objects.filter(
            is_folder=True, folder=row.folder, present=False, placement__in=_NOTED
        )
        .exclude(id=row.id)
        .exclude(kind=Kind.LINK)
    )  # a link taken away holds nothing
    found = [other for other in around if real_path(other.path) in inside.parents]
    return min(found, key=lambda other: len(real_path(other.path).parts), default=None)


def released_with(document: WatchedFile, by: str, held_as: Path) -> None:
    """A held document released, whose folders were held (taken away, or held in place):
    the manager's release stands for the folders too, as a released document's name
    stands; but only for the folders of ``held_as``, the path it was held under, whose
    names it was judged with and the manager saw. A folder it went back into that was not
    among them (its folder renamed, since, to a name held in its own right: the release
    puts it back beside its moved note) stays held, awaiting its own decision."""
    folders = (
        WatchedFile.objects.filter(is_folder=True, folder=document.folder)
        .exclude(placement=Placement.RELEASED)
        .exclude(kind=Kind.LINK)
    )
    now = datetime.now(UTC)
    # The deepest first: a folder's notes written back are of what is still held.
    for row in _deepest_first(list(folders)):
        if real_path(row.path) not in held_as.parents:
            continue
        if row.placement == Placement.IN_PLACE and not row.present:
            continue  # gone long ago
        note = f"made again by the release of held document {document.id}"
        claimed = WatchedFile.objects.filter(id=row.id, placement=row.placement).update(
            placement=Placement.RELEASED,
            present=True,
            decided_by=by,
            decided_at=now,
            decision_note=note,
        )
        if claimed:
            row.refresh_from_db()
            quarantine.remove_note(row)
            _notes_back(row, real_path(row.path))
            WatchedFile.objects.filter(id=row.id).update(note_path="")


def _make_again(row: WatchedFile) -> None:
    """Finish a release: the folder made (again), its note removed, the notes of what is
    held from it written back."""
    path = real_path(row.moving_to)
    moving.make_folders(path, Path(row.folder))
    quarantine.remove_note(row)
    _notes_back(row, path)
    row.moving_to, row.note_path, row.present = "", "", True
    row.save()
    log.info("held folder made again id=%s", row.id)


def _notes_back(row: WatchedFile, folder: Path) -> None:
    """Write again the notes of what is still held from directly inside ``folder``, the
    folder of ``row`` (they went with it when it was taken away)."""
    held_here = WatchedFile.objects.filter(folder=row.folder, placement__in=_NOTED, note_path="")
    for held in held_here.exclude(id=row.id):
        if real_path(held.path).parent != folder:
            continue
        held.note_path = stored_path(str(quarantine.note_path(folder, held.id)))
        quarantine.leave_note(held)
        held.save(update_fields=["note_path", "updated_at"])
