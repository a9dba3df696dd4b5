"""Paths longer than the system allows (PATH_MAX, 4096 bytes with its NUL), made with
folder descriptors as a deep copy onto a share makes them: recorded with the reason and
held in view for managers, never crashing the pass for every folder; a document whose
note would be too long to write is listed as held in view; and an unexpected error is
said by its type, never with a path."""

from __future__ import annotations

import errno
import logging
import os
import queue
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from watchdog.events import DirCreatedEvent

from gateway import cli
from gateway.review.discovery import held_documents
from gateway.watcher import held_folders
from gateway.watcher.documents import DecisionError, reject_document, release_document
from gateway.watcher.models import (
    NOT_MOVED,
    TOO_LONG,
    Placement,
    WatchedFile,
    real_path,
    stored_path,
)
from gateway.watcher.names import PATH_MAX, TOO_LONG_RULE, too_long
from gateway.watcher.observing import LiveWatch, _Events
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, DAMAGED_DOCX, Drive, one_rule_policy

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]
LEVEL = "sub_" + "y" * 220


def _deep(top: Path, levels: int, leaf: str, content: bytes) -> Path:
    """``levels`` folders named ``LEVEL`` under ``top``, and ``leaf`` in the deepest,
    made through folder descriptors (a path this long cannot be opened); its path."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(levels):
            os.mkdir(LEVEL, dir_fd=fd)
            deeper = os.open(LEVEL, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = deeper
        written = os.open(leaf, os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd)
        os.write(written, content)
        os.utime(leaf, (0, 0), dir_fd=fd)
        os.close(written)
    finally:
        os.close(fd)
    return top.joinpath(*[LEVEL] * levels, leaf)


def test_a_path_too_long_is_held_in_view_and_the_pass_goes_on(make_drive: MakeDrive) -> None:
    """A tree deeper than PATH_MAX in a public folder, beside a folder for internal readers:
    the pass finishes; the first entry too long to be looked at is held in view for
    managers (what lies under it is never looked at); every other file is judged."""
    drive = make_drive({"web": ("public", "enforce"), "staff": ("internal", "enforce")})
    web, staff = drive.folders["web"].path, drive.folders["staff"].path
    (web / "case").mkdir()
    deep = _deep(web / "case", 20, "notes.txt", CLEAN_TEXT)
    fair = drive.put("web", "fair.txt", CLEAN_TEXT)
    rota = drive.put("staff", "rota.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    first = next(p for p in [*deep.parents][::-1] if len(os.fsencode(p)) > PATH_MAX)
    row = WatchedFile.objects.get(path=stored_path(str(first)))
    assert (row.action, row.placement, row.problem) == ("hold", Placement.IN_PLACE, TOO_LONG)
    assert (row.kind, TOO_LONG_RULE in row.rules) == ("folder", True)
    assert row.id in {queued.id for queued in held_documents()}
    assert not WatchedFile.objects.filter(path=stored_path(str(deep))).exists()
    for path in (fair, rota):
        assert WatchedFile.objects.get(path=stored_path(str(path))).action == "release"
    drive.watcher.reconcile()  # and again, as it stands: one row for it
    assert WatchedFile.objects.filter(path=stored_path(str(first))).count() == 1
    assert staff.is_dir()


def test_a_document_whose_note_would_be_too_long_is_held_in_view(make_drive: MakeDrive) -> None:
    """A held document at a path just within PATH_MAX, its note's path beyond it: it cannot
    be taken into quarantine, so it is listed for managers as held in view."""
    drive = make_drive({"web": ("public", "enforce")})
    web = drive.folders["web"].path
    leaf = "a.docx"
    room = PATH_MAX - len(os.fsencode(web)) - 1 - len(leaf)  # what the folders may take
    levels, rest = divmod(room, len(LEVEL) + 1)
    top = web / ("x" * (rest - 1))
    top.mkdir()
    path = _deep(top, levels, leaf, DAMAGED_DOCX)
    assert len(os.fsencode(path)) == PATH_MAX
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=stored_path(str(path)))
    assert (row.action, row.placement) == ("hold", Placement.IN_PLACE)
    assert row.problem.startswith(NOT_MOVED)
    assert row.held_in_place
    assert [real_path(queued.path) for queued in held_documents()] == [path]
    with pytest.raises(DecisionError, match=r"held file .* can be released, not kept"):
        reject_document(row.id, by="manager", note="")
    release_document(row.id, by="manager", note="it may stay")
    row.refresh_from_db()
    assert (row.placement, list(held_documents())) == (Placement.RELEASED, [])


# Long enough for many looks at the folder (a tick is 0.25 s); the reconcile is an hour away.
JUDGED_WITHIN_SECONDS = 30.0


@pytest.mark.parametrize("observer", ["native", "polling"])
@pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")  # watchdog's, harmless
def test_a_path_too_long_made_while_watched_is_judged_on_its_event(
    make_drive: MakeDrive,
    tmp_path: Path,
    nhs_scanner: Scanner,
    *,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    observer: str,
) -> None:
    """A folder named with personal data made in a public folder while it is watched (by
    either observer), a tree deeper than PATH_MAX made in it: the event for the first entry
    too long (or the walk of a folder made, finding it) does not stop the observer; that
    entry is held in view, and the folder above it, held for its name, is listed for
    managers at once, not at the next reconcile."""
    drive = make_drive(
        {"web": ("public", "enforce")},
        policy=one_rule_policy(tmp_path, "hold", unlinked="identifier"),
        scanner=nhs_scanner,
        observer=observer,
    )
    assert drive.watcher is not None
    named = drive.folders["web"].path / "Winifred Okonkwo NHS 943 476 5919 b"
    started, judged, stop = threading.Event(), threading.Event(), threading.Event()
    reconciled: list[dict[str, int]] = []
    reconcile, after_files = drive.watcher.reconcile, held_folders.after_files

    def counted_reconcile(*, later: Callable[[Path], None] | None = None) -> dict[str, int]:
        reconciled.append(reconcile(later=later))
        started.set()
        return reconciled[-1]

    def told(*args: object) -> int:
        taken = after_files(*args)  # type: ignore[arg-type]
        if any(too_long(path) for path in args[2]):  # type: ignore[attr-defined]
            judged.set()
        return taken

    monkeypatch.setattr(drive.watcher, "reconcile", counted_reconcile)
    monkeypatch.setattr(held_folders, "after_files", told)

    def make_the_tree() -> None:
        try:
            if started.wait(JUDGED_WITHIN_SECONDS):
                named.mkdir()
                _deep(named, 20, "notes.txt", CLEAN_TEXT)
                judged.wait(JUDGED_WITHIN_SECONDS)
        finally:
            stop.set()

    user = threading.Thread(target=make_the_tree)
    user.start()
    with caplog.at_level(logging.WARNING, logger="confide.watcher"):
        LiveWatch(drive.watcher, reconcile_seconds=3600).run(stop)
    user.join()

    assert judged.is_set()
    assert reconciled == [{}]  # the pass at start only, over an empty folder
    assert "observer of watched folder=0 stopped" not in caplog.text
    folder = WatchedFile.objects.get(path=stored_path(str(named)))
    assert (folder.action, folder.placement, folder.kind) == ("hold", Placement.IN_PLACE, "folder")
    deep = named.joinpath(*[LEVEL] * 20, "notes.txt")
    first = next(p for p in [*deep.parents][::-1] if too_long(p))
    entry = WatchedFile.objects.get(path=stored_path(str(first)))
    assert (entry.action, entry.problem, TOO_LONG_RULE in entry.rules) == ("hold", TOO_LONG, True)
    assert {folder.id, entry.id} <= {queued.id for queued in held_documents()}


def test_an_event_whose_folder_cannot_be_looked_at_is_queued_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder's event that fails to be looked at (an I/O error on a share) does not raise
    into the observer's thread, which it would stop: the path is queued as it is, to be
    looked at (and recorded with its reason) by the watcher."""
    made = tmp_path / "made"
    made.mkdir()

    def fails(path: Path) -> bool:
        raise OSError(errno.EIO, "Input/output error", str(path))

    monkeypatch.setattr(Path, "is_dir", fails)
    paths: queue.SimpleQueue[Path] = queue.SimpleQueue()
    _Events(paths).on_any_event(DirCreatedEvent(str(made)))
    assert [paths.get_nowait()] == [made]
    assert paths.empty()


def test_an_unexpected_error_is_said_without_its_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error no part of confide expected stops the command with its type, its errno
    and where in the code it came from: never its message, which names the file."""
    named = "/shares/web/Kwame Fitzgerald 4010232137 case/notes.txt"

    class Fails:
        def __init__(self, argv: list[str]) -> None:
            pass

        def execute(self) -> None:
            raise OSError(errno.ENAMETOOLONG, "File name too long", named)

    monkeypatch.setattr(cli, "_confide_utility", Fails)
    monkeypatch.setattr(sys, "argv", ["confide", "watch", "--once"])
    # cli.main sets the process's umask and threading.excepthook, as the command it starts
    # would: both are put back, or later tests in this process run under them.
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    umask = os.umask(0o077)
    try:
        with pytest.raises(SystemExit) as stopped:
            cli.main()
    finally:
        os.umask(umask)
    assert stopped.value.code == 1
    said = capsys.readouterr().err
    assert "OSError (ENAMETOOLONG) at test_long_paths.py:" in said
    assert "Kwame" not in said
    assert "4010232137" not in said
