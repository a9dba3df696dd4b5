"""Links and special files in a watched folder: one row per path, judged by its name, its
kind recorded as what it is, judged again when it changes; in the discovery report and the
managers' queue once. Real links and pipes in temporary folders, a real scanning worker."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.review.discovery import held_documents
from gateway.watcher import discovery, held_folders, names
from gateway.watcher.models import UNMOVABLE, Kind, Placement, WatchedFile, stored_path
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, Drive, one_rule_policy

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]
NAMED = "Margaret Hughes NHS 943 476 5919"


@pytest.fixture
def make_holding(
    make_drive: MakeDrive, tmp_path: Path, nhs_scanner: Scanner
) -> Callable[[str, str], Drive]:
    """A drive of one folder ``web`` (audience, mode) where an NHS number linked to nobody
    is held for anyone outside."""
    policy = one_rule_policy(tmp_path, "hold", unlinked="identifier")

    def make(audience: str, mode: str) -> Drive:
        return make_drive({"web": (audience, mode)}, policy=policy, scanner=nhs_scanner)

    return make


def _rows(path: Path) -> list[WatchedFile]:
    """The rows in view at ``path``."""
    return list(WatchedFile.objects.filter(path=stored_path(str(path)), present=True))


def test_a_named_link_and_pipe_are_one_row_each_and_listed_once(
    make_holding: Callable[[str, str], Drive], tmp_path: Path
) -> None:
    """Public, enforce: a link and a pipe named with an NHS number are each one row, of its
    own kind, held: the pipe where it is, the link taken away; a link out of the folder is
    one row held, and taken away, for where it points. The queue lists each once; the
    report lists each once, as what it is."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    (web / "fair.txt").write_bytes(CLEAN_TEXT)
    os.utime(web / "fair.txt", (0, 0))
    (web / f"{NAMED}.lnk").symlink_to("fair.txt")
    os.mkfifo(web / f"{NAMED}.pipe")
    (web / "elsewhere").symlink_to(tmp_path)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    drive.watcher.reconcile()  # nothing is recorded twice on the next pass either
    kinds = {
        web / f"{NAMED}.lnk": Kind.LINK,
        web / f"{NAMED}.pipe": Kind.PIPE,
        web / "elsewhere": Kind.LINK,
    }
    for path, kind in kinds.items():
        [row] = WatchedFile.objects.filter(path=str(path))  # never a second, even gone
        if kind == Kind.LINK:
            assert (row.kind, row.action, row.placement) == (kind, "hold", Placement.QUARANTINED)
            assert not os.path.lexists(path)
        else:
            assert (row.kind, row.action, row.placement) == (kind, "hold", Placement.IN_PLACE)
            assert row.problem == UNMOVABLE
            assert path.exists()
    named_link = WatchedFile.objects.get(path=str(web / f"{NAMED}.lnk"))
    assert named_link.findings == {"UK_NHS": 1}
    assert names.LINK_IN in named_link.reasons
    elsewhere = WatchedFile.objects.get(path=str(web / "elsewhere"))
    assert (elsewhere.rules, elsewhere.reasons) == ([names.LINK_RULE], [names.LINK_OUT])
    queue = [row.path for row in held_documents()]
    assert sorted(queue) == sorted(str(path) for path in kinds)
    report = tmp_path / "report.csv"
    assert discovery.write_report(report, discovery.current_files([str(web)])) == 4
    listed = {Path(r["path"]).name: r["kind"] for r in csv.DictReader(report.open())}
    assert listed == {
        "fair.txt": "file",
        f"{NAMED}.lnk": "link",
        f"{NAMED}.pipe": "pipe",
        "elsewhere": "link",
    }


def test_a_link_pointed_elsewhere_is_judged_again(
    make_holding: Callable[[str, str], Drive], tmp_path: Path
) -> None:
    """A link within the folder is released for the public; made again to point outside,
    with nothing else changed, it is held on the next pass."""
    drive = make_holding("public", "report")
    web = drive.folders["web"].path
    (web / "fair.txt").write_bytes(CLEAN_TEXT)
    link = web / "latest"
    link.symlink_to("fair.txt")
    assert drive.watcher is not None
    drive.watcher.reconcile()
    [row] = _rows(link)
    assert (row.action, names.LINK_IN in row.reasons) == ("release", True)
    link.unlink()
    link.symlink_to(tmp_path)
    drive.watcher.reconcile()
    [row] = _rows(link)
    assert (row.action, row.rules, row.reasons) == ("hold", [names.LINK_RULE], [names.LINK_OUT])


def test_a_file_replaced_by_a_link_leaves_one_row(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A file judged, then replaced by a link under its name, leaves one row in view at its
    path: the link's; and a row recorded as a folder at a link's path (as rows judged by
    their names were before their kind was kept) is corrected on the next pass."""
    drive = make_holding("internal", "report")
    web = drive.folders["web"].path
    path = web / "minutes.txt"
    path.write_bytes(CLEAN_TEXT)
    os.utime(path, (0, 0))
    (web / "agenda.txt").write_bytes(CLEAN_TEXT + b"Agenda.\n")
    assert drive.watcher is not None
    drive.watcher.reconcile()
    [row] = _rows(path)
    assert row.kind == Kind.FILE
    path.unlink()
    path.symlink_to("agenda.txt")  # walked as a file is, and skipped
    drive.watcher.reconcile()
    [row] = _rows(path)
    assert (row.kind, row.is_folder) == (Kind.LINK, True)
    WatchedFile.objects.filter(id=row.id).update(kind=Kind.FOLDER)
    drive.watcher.reconcile()
    row.refresh_from_db()
    assert row.kind == Kind.LINK


def test_a_link_made_while_watched_is_judged_on_its_event(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A link that arrives between reconciles, handled as the observer hands it on, is
    recorded by its name at once, in a report folder as in an enforce one."""
    drive = make_holding("public", "report")
    web = drive.folders["web"].path
    assert drive.watcher is not None
    drive.watcher.reconcile()
    link = web / f"{NAMED}.lnk"
    link.symlink_to("nowhere.txt")
    drive.watcher.handle([link])
    held_folders.after_files(
        drive.watcher.folders, drive.watcher.judge, [link], drive.watcher.quarantine_dir
    )
    [row] = _rows(link)
    assert (row.kind, row.action, row.findings) == (Kind.LINK, "hold", {"UK_NHS": 1})
