"""What is judged by its name alone: sub-folders, links and special files.

A file in a watched folder is scanned with its path within the folder as its name, so the
files in ``public/Margaret Hughes AB 12 34 56 C/`` are held; the folder itself, its name in
view, is judged here the same way, as is every entry that is neither a folder nor a regular
file (a symbolic link, to a file or a folder, a pipe, a socket, a device), which is never
read or followed (a held link is taken away, its target sealed: ``held_links``; a special
file is never moved): its path within the watched folder is scanned as a file's name is
(``DocumentJudge.submit_name``) and judged by the policy for the folder's audience
(``judge_name``). Each is one row (``is_folder``, its ``kind`` saying what it is), which
the discovery report, the Discovery page and the held documents list show as what it is.

An entry whose path is longer than the system allows (``too_long``) cannot be looked at,
read or moved by its path: it is judged by its name too, recorded with that reason
(``TOO_LONG``) and, for an outside audience, held where it is; what lies in it is never
looked at.

A link says where it points in its reasons; one to outside its watched folder, in a folder
for an outside audience, is held whatever its name (what it points to may be anything).
Taking a held folder away, and bringing it back, is ``held_folders``'.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import DatabaseError

from gateway.watcher import lost_scans
from gateway.watcher.folders import INTERNAL, Folder
from gateway.watcher.judging import DocumentJudge
from gateway.watcher.models import (
    TOO_LONG,
    Kind,
    Placement,
    WatchedFile,
    path_key,
    real_path,
    stored_path,
)
from scanner.actions import Action
from scanner.scanning import ScanResult

log = logging.getLogger("confide.watcher")

# Where a link points, said in its reasons. One to outside its folder is never followed,
# and where the audience is outside, held (``LINK_RULE``), since what it points to is unknown.
LINK_OUT = "it is a symbolic link to outside the watched folder; it was not followed"
LINK_IN = "it is a symbolic link; what it points to is judged where it lies"
LINK_BROKEN = "it is a symbolic link that cannot be followed; it was not followed"
LINK_RULE = "link-out-of-folder"


# A path longer than this (in bytes) cannot be looked at, read or moved by its path: Linux's
# PATH_MAX, its terminating NUL left out.
PATH_MAX = 4095
TOO_LONG_RULE = "path-too-long"


@dataclass(frozen=True)
class _Entry:
    """A path judged by its name, as ``lstat`` found it."""

    path: Path
    kind: Kind
    link: str | None  # where a link points (``LINK_OUT``, ...); None for anything else
    too_long: bool = False  # its path is too long to be looked at (``too_long``)


def entries(root: Path) -> list[Path]:
    """Every folder under ``root`` (never through a link), parents before their folders;
    every entry that is neither a folder nor a regular file; and every entry whose path is
    too long to be looked at (``too_long``), which is not gone into."""
    found = []
    for top, dirs, files in os.walk(root, followlinks=False):
        here = Path(top)
        found += [here / name for name in (*dirs, *files) if not plain(here / name)]
        dirs[:] = [name for name in dirs if plain(here / name)]
        found += [here / name for name in dirs]
    return found


def too_long(path: Path) -> bool:
    """Whether ``path`` is too long to be looked at: a file or folder under it (a folder
    copied deep into a share, the system's limit crossed by a move) is recorded with the
    reason (``TOO_LONG``), and never looked at, read or moved by its path."""
    return len(os.fsencode(path)) > PATH_MAX


def plain(path: Path) -> bool:
    """Whether ``path`` is a real folder or a regular file (or gone), and not too long."""
    if too_long(path):
        return False
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return True
    return stat.S_ISDIR(mode) or stat.S_ISREG(mode)


def judged(
    folder: Folder, found: Sequence[Path], judge: DocumentJudge, fingerprint: str, *, whole: bool
) -> list[WatchedFile]:
    """Record each path of ``found`` with its name's verdict (its row made, or judged again
    where the fingerprint, its kind or where a link points changed); where ``found`` is the
    ``whole`` folder, the rows of those gone are marked so. The rows held in place."""
    rows = {
        row.path_key: row
        for row in WatchedFile.objects.filter(is_folder=True, folder=str(folder.path), present=True)
    }
    texts = {path_key(stored_path(str(path))): path for path in found}
    if whole:
        gone = [row.id for key, row in rows.items() if key not in texts]
        WatchedFile.objects.filter(id__in=gone).update(present=False)
    # A file's row at a path that is now a folder, a link or a special file (one row a path).
    WatchedFile.objects.filter(
        path_key__in=list(texts),
        is_folder=False,
        present=True,
        placement__in=(Placement.IN_PLACE, Placement.RELEASED),
    ).update(present=False)
    scanning: list[tuple[WatchedFile, _Entry, Future[ScanResult]]] = []
    for key, path in texts.items():
        row = rows.get(key)
        if row is not None and row.placement == Placement.RELEASED:
            continue  # a manager's release stands
        try:
            found_now = _lstat(path)
        except OSError:
            continue  # gone meanwhile: seen on the next pass
        entry = _Entry(path, Kind.of(found_now.st_mode), None, too_long(path))
        if entry.kind == Kind.LINK and not entry.too_long:
            entry = _Entry(path, Kind.LINK, _link_reason(path, folder))
        if row is not None and _as_judged(row, entry, fingerprint):
            continue  # a verdict reached as things are stands
        if row is None:
            row = WatchedFile(path=stored_path(str(path)), path_key=key, is_folder=True)
        row.folder, row.audience, row.kind = str(folder.path), folder.audience, entry.kind
        row.owner_uid, row.owner_gid = found_now.st_uid, found_now.st_gid
        row.file_mode = stat.S_IMODE(found_now.st_mode)
        scanning.append((row, entry, judge.submit_name(_named(path, folder.path))))
    lost = []
    for row, entry, result in scanning:
        if not _record(row, entry, result, folder=folder, judge=judge, fingerprint=fingerprint):
            lost.append((row, entry))
    for row, entry in lost:  # scanned again alone, until judged (``lost_scans``)
        while not _record(
            row,
            entry,
            judge.submit_name(_named(real_path(row.path), folder.path)),
            folder=folder,
            judge=judge,
            fingerprint=fingerprint,
        ):
            pass
    return list(
        WatchedFile.objects.filter(
            is_folder=True,
            folder=str(folder.path),
            present=True,
            placement=Placement.IN_PLACE,
            action=Action.HOLD,
        )
    )


def _lstat(path: Path) -> os.stat_result:
    """``lstat`` of ``path``; of one too long to be looked at, from its parent (opened by
    its own path, as the walk found it)."""
    if not too_long(path):
        return os.lstat(path)
    parent = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        return os.stat(path.name, dir_fd=parent, follow_symlinks=False)
    finally:
        os.close(parent)


def _as_judged(row: WatchedFile, entry: _Entry, fingerprint: str) -> bool:
    """Whether ``row`` was judged as ``entry`` is now."""
    return (
        row.judged_with == fingerprint
        and row.kind == entry.kind
        and (entry.link is None or entry.link in row.reasons)
        and entry.too_long == (row.problem == TOO_LONG)
    )


def _record(
    row: WatchedFile,
    entry: _Entry,
    result: Future[ScanResult],
    *,
    folder: Folder,
    judge: DocumentJudge,
    fingerprint: str,
) -> bool:
    """Judge ``entry`` (of ``row``) by its name's scan ``result``; False when the scan was
    lost with its worker (``lost_scans``: it is left unjudged, the loss counted, to be
    scanned again alone; after ``MAX_LOST_SCANS`` in a row it is judged unscannable)."""
    try:
        scanned = result.result()
        if scanned.lost:
            instead = lost_scans.counted(row, scanned)
            if instead is None:
                return False
            scanned = instead
        judgement = judge.judge_name(scanned, folder)
    except DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001 - recorded by type; the other entries go on
        row.problem, row.attempts = f"its name could not be judged ({type(exc).__name__})", 1
        row.save()
        log.error("name not judged id=%s error=%s", row.id, type(exc).__name__)
        return True
    action, rules, reasons = judgement.action, list(judgement.rules), list(judgement.reasons)
    if entry.link == LINK_OUT and folder.audience != INTERNAL:
        if action != Action.HOLD:  # held for where it points alone, not for its name
            rules, reasons = [], []
        action, rules = Action.HOLD, [*rules, LINK_RULE]
    if entry.link is not None:
        reasons.append(entry.link)
    if entry.too_long and folder.audience != INTERNAL:  # it cannot be read: fail closed
        if action != Action.HOLD:
            rules, reasons = [], []
        action, rules = Action.HOLD, [*rules, TOO_LONG_RULE]
    if entry.too_long:
        reasons.append(TOO_LONG)
    row.scanned_at, row.judged_with = datetime.now(UTC), fingerprint
    row.action, row.rules, row.reasons = action, rules, reasons
    row.findings, row.subjects = judgement.findings, list(judgement.subjects)
    row.problem, row.attempts = (TOO_LONG if entry.too_long else ""), 0
    if not scanned.lost:
        row.lost_scans = 0
    row.save()
    log.info(
        "name judged id=%s kind=%s action=%s findings=%s",
        row.id,
        row.kind,
        action,
        ",".join(f"{t}:{n}" for t, n in judgement.findings.items()) or "-",
    )
    return True


def _named(path: Path, root: Path) -> str:
    """A name as it is scanned: its path within its watched folder."""
    return str(path.relative_to(root))


def _link_reason(path: Path, folder: Folder) -> str:
    """Where the link at ``path`` points, in words."""
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):
        return LINK_BROKEN
    if target == folder.path or folder.path in target.parents:
        return LINK_IN
    return LINK_OUT
