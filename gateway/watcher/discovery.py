"""The discovery report: where personal data lies in the watched folders, one CSV row per
file, with finding types and counts and the subjects by register reference, the verdict for
the folder's audience and its reasons. Never the matched text. A sub-folder, link or
special file judged by its name (``names``) has a row too, its ``kind`` saying which
("folder", "link", "pipe", "socket", "device"; a file's is "file"): its path is shown as a
file's path is, its findings are those of its name. The copies the watcher wrote (redacted
or marked CONFIDENTIAL) are left out, as on the Discovery page: they are its own, not a
user's data, and until they are judged themselves they carry the verdict they were written
for without its reasons."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from django.db.models import Q, QuerySet

from gateway.watcher.models import Origin, Placement, WatchedFile

COLUMNS = (
    "id",
    "path",
    "folder",
    "audience",
    "findings",
    "finding_count",
    "subjects",
    "verdict",
    "rules",
    "reasons",
    "not_judged_because",
    "placement",
    "scanned_at",
    "kind",
)


def write_report(target: Path, rows: Iterable[WatchedFile]) -> int:
    """Write the report to ``target``; how many rows (files, folders, links...) it lists.

    It is written to a new file (mode 0600) beside ``target`` that then takes its name, so
    a ``target`` that is a link (hard or symbolic) to someone's file is replaced, never
    written through: the file it led to stays as it was."""
    fd, partial = tempfile.mkstemp(prefix=".confide-report-", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            written = _write_rows(out, rows)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return written


def _write_rows(out: TextIO, rows: Iterable[WatchedFile]) -> int:
    """Write the header and one line per row to ``out``; how many rows."""
    written = 0
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        findings: dict[str, int] = row.findings
        writer.writerow(
            (
                row.id,
                row.path,
                row.folder,
                row.audience,
                "; ".join(f"{kind}: {n}" for kind, n in findings.items()),
                sum(findings.values()),
                "; ".join(row.subjects),
                row.action,
                "; ".join(row.rules),
                "; ".join(row.reasons),
                row.problem,
                row.placement,
                row.scanned_at.isoformat() if row.scanned_at else "",
                row.kind,
            )
        )
        written += 1
    return written


def current_files(folders: Iterable[str]) -> QuerySet[WatchedFile]:
    """The files the report covers: those users put in the watched folders that are there
    now, and those held (the watcher's own copies are not among them)."""
    return WatchedFile.objects.filter(folder__in=list(folders), origin=Origin.USER).filter(
        Q(present=True) | ~Q(placement=Placement.IN_PLACE)
    )
