"""Sub-folders, links and special files judged by their names.

A file in a watched folder is scanned with its path within the folder as its name, so the
files in ``public/Margaret Hughes AB 12 34 56 C/`` are held; the folder itself, its name in
view, is judged here the same way: its path within the watched folder is scanned as a
file's name is (``DocumentJudge.submit_name``) and judged by the policy for the folder's
audience (``judge_name``), and it is recorded as a row of its own (``is_folder``), which the
discovery report, the Discovery page and the held documents list show as a folder. Taking a
held folder away, and bringing it back, is ``held_folders``'.
"""

from __future__ import annotations

import logging
import os
import stat
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

from django.db import DatabaseError

from gateway.watcher import lost_scans
from gateway.watcher.folders import Folder
from gateway.watcher.judging import DocumentJudge
from gateway.watcher.models import Placement, WatchedFile, path_key, real_path, stored_path
from scanner.actions import Action
from scanner.scanning import ScanResult

log = logging.getLogger("confide.watcher")


def entries(root: Path) -> list[Path]:
    """Every folder under ``root`` (never through a link), parents before their folders;
    and every entry that is neither a folder nor a regular file (a link, to a folder or a
    file, a pipe, a socket, a device), which is never read or moved: judged by its name."""
    found = []
    for top, dirs, files in os.walk(root, followlinks=False):
        here = Path(top)
        found += [here / name for name in (*dirs, *files) if not plain(here / name)]
        dirs[:] = [name for name in dirs if not (here / name).is_symlink()]
        found += [here / name for name in dirs]
    return found


def plain(path: Path) -> bool:
    """Whether ``path`` is a real folder or a regular file (or gone)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return True
    return stat.S_ISDIR(mode) or stat.S_ISREG(mode)


def judged(
    folder: Folder, found: list[Path], judge: DocumentJudge, fingerprint: str, *, whole: bool
) -> list[WatchedFile]:
    """Record each folder of ``found`` with its name's verdict (its row made, or judged
    again where the fingerprint changed); where ``found`` is the ``whole`` folder, the rows
    of those gone are marked so. The held rows in place."""
    rows = {
        row.path_key: row
        for row in WatchedFile.objects.filter(is_folder=True, folder=str(folder.path), present=True)
    }
    texts = {path_key(stored_path(str(path))): path for path in found}
    if whole:
        gone = [row.id for key, row in rows.items() if key not in texts]
        WatchedFile.objects.filter(id__in=gone).update(present=False)
    scanning: list[tuple[WatchedFile, Future[ScanResult]]] = []
    for key, path in texts.items():
        row = rows.get(key)
        if row is not None and (
            row.placement == Placement.RELEASED or row.judged_with == fingerprint
        ):
            continue  # a manager's release stands; a verdict reached as things are stands
        if row is None:
            text = stored_path(str(path))
            row = WatchedFile(path=text, path_key=key, is_folder=True)
        row.folder, row.audience = str(folder.path), folder.audience
        try:
            found_now = os.lstat(path)
        except OSError:
            continue  # gone meanwhile: seen on the next pass
        row.owner_uid, row.owner_gid = found_now.st_uid, found_now.st_gid
        row.file_mode = stat.S_IMODE(found_now.st_mode)
        scanning.append((row, judge.submit_name(_named(path, folder.path))))
    lost = []
    for row, result in scanning:
        if not _record(row, result, folder, judge, fingerprint):
            lost.append(row)
    for row in lost:  # scanned again alone, until judged (``lost_scans``)
        while not _record(
            row,
            judge.submit_name(_named(real_path(row.path), folder.path)),
            folder,
            judge,
            fingerprint,
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


def _record(
    row: WatchedFile,
    result: Future[ScanResult],
    folder: Folder,
    judge: DocumentJudge,
    fingerprint: str,
) -> bool:
    """Judge the folder of ``row`` by its name's scan ``result``; False when the scan was
    lost with its worker (``lost_scans``: the folder is left unjudged, the loss counted, to
    be scanned again alone; after ``MAX_LOST_SCANS`` in a row it is judged unscannable)."""
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
    except Exception as exc:  # noqa: BLE001 - recorded by type; the other folders go on
        row.problem, row.attempts = f"its name could not be judged ({type(exc).__name__})", 1
        row.save()
        log.error("folder name not judged id=%s error=%s", row.id, type(exc).__name__)
        return True
    row.scanned_at, row.judged_with = datetime.now(UTC), fingerprint
    row.action, row.rules, row.reasons = judgement.action, judgement.rules, judgement.reasons
    row.findings, row.subjects = judgement.findings, list(judgement.subjects)
    row.problem, row.attempts = "", 0
    if not scanned.lost:
        row.lost_scans = 0
    row.save()
    log.info(
        "folder judged id=%s action=%s findings=%s",
        row.id,
        judgement.action,
        ",".join(f"{t}:{n}" for t, n in judgement.findings.items()) or "-",
    )
    return True


def _named(path: Path, root: Path) -> str:
    """A folder's name as it is scanned: its path within its watched folder."""
    return str(path.relative_to(root))
