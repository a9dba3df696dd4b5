"""A watched folder, or a folder in it, replaced while the watcher runs: a link put in its
place is never followed (nothing outside is read or moved), and a new folder put in its
place is watched in its turn."""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchdog.events import DirCreatedEvent, DirModifiedEvent

from gateway.watcher.models import WatchedFile
from gateway.watcher.observing import LiveWatch, _Events, _Watched
from gateway.watcher.sweep import Outcome
from tests.gateway.watcher.conftest import CLEAN_TEXT, DAMAGED_DOCX, Drive

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EVENT_WITHIN_SECONDS = 10.0  # an inotify event comes in milliseconds: room to spare
type Watched = tuple[Drive, LiveWatch, _Watched, queue.SimpleQueue[Path]]


def _aged(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


@pytest.fixture
def watched(make_drive: Callable[..., Drive]) -> Iterator[Watched]:
    """A public enforce folder, its observer started by the watcher's first look."""
    drive = make_drive({"public": ("public", "enforce")})
    assert drive.watcher is not None
    live = LiveWatch(drive.watcher, reconcile_seconds=3600)
    each = _Watched(drive.folders["public"], mounted=False)
    paths: queue.SimpleQueue[Path] = queue.SimpleQueue()
    live._look([each], paths, {})
    assert each.running()
    try:
        yield drive, live, each, paths
    finally:
        each.stop_observer()
        each.join_observers()


def test_a_folder_replaced_by_a_link_is_not_followed(watched: Watched, tmp_path: Path) -> None:
    """The watched folder moved away and a link to a folder outside put in its place: the
    folder is unavailable ("a-link"), not back; a pass and a handled event read nothing
    outside, and nothing there is moved or noted."""
    drive, live, each, paths = watched
    public = each.folder.path
    victim = _aged(tmp_path / "outside" / "secret" / "sub" / "victim.docx", DAMAGED_DOCX)
    public.rename(public.with_name("public_old"))
    public.symlink_to(tmp_path / "outside" / "secret")

    came_back = live._look([each], paths, {})
    live._reconcile([each], {})
    outcomes = drive.watcher.handle([public / "sub" / "victim.docx"])  # type: ignore[union-attr]

    assert (came_back, each.problem, each.running()) == (False, "a-link", False)
    assert outcomes == {public / "sub" / "victim.docx": Outcome.GONE}
    assert drive.judge.scanned == []
    assert victim.read_bytes() == DAMAGED_DOCX
    assert sorted(p.name for p in victim.parent.parent.rglob("*")) == ["sub", "victim.docx"]


def test_a_folder_replaced_by_a_new_folder_is_watched(
    watched: Watched,
) -> None:
    """The watched folder moved away and a new one made in its place: the next look starts
    an observer on the new folder and asks for a pass, and a file put in it is seen."""
    _drive, live, each, paths = watched
    public = each.folder.path
    public.rename(public.with_name("public_prev"))
    public.mkdir()

    came_back = live._look([each], paths, {})
    (public / "after.docx").write_bytes(DAMAGED_DOCX)

    assert (came_back, each.problem, each.running()) == (True, None, True)
    seen = paths.get(timeout=EVENT_WITHIN_SECONDS)
    assert seen == public / "after.docx"


def test_a_file_is_not_read_through_a_folder_replaced_by_a_link(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """A judged file's folder moved out and a link to a folder outside put at its name: the
    file at that path is taken for gone; the file outside is neither read nor moved."""
    drive = make_drive({"public": ("public", "enforce")})
    assert drive.watcher is not None
    public = drive.folders["public"].path
    path = _aged(public / "x" / "f.docx", CLEAN_TEXT)
    assert drive.watcher.handle([path]) == {path: Outcome.JUDGED}
    (public / "x").rename(tmp_path / "elsewhere")
    outside = _aged(tmp_path / "outside" / "secret3" / "f.docx", DAMAGED_DOCX)
    (public / "x").symlink_to(outside.parent)

    assert drive.watcher.handle([path]) == {path: Outcome.GONE}
    assert drive.judge.scanned == [("x/f.docx", len(CLEAN_TEXT))]
    assert outside.read_bytes() == DAMAGED_DOCX
    assert sorted(p.name for p in outside.parent.iterdir()) == ["f.docx"]
    assert not WatchedFile.objects.get(path=str(path)).present


def test_a_folder_modified_is_not_walked(tmp_path: Path) -> None:
    """A folder's "modified" event (one for each file dropped in it) queues nothing: each
    file comes with its own event, and walking the folder at each would cost n² for n files
    dropped at once; a folder created or moved in is walked."""
    folder = tmp_path / "drop"
    for number in range(3):
        _aged(folder / f"{number}.txt", CLEAN_TEXT)
    paths: queue.SimpleQueue[Path] = queue.SimpleQueue()
    events = _Events(paths)

    events.on_any_event(DirModifiedEvent(str(folder)))
    modified = paths.qsize()
    events.on_any_event(DirCreatedEvent(str(folder)))

    assert modified == 0
    assert sorted(paths.get().name for _ in range(paths.qsize())) == ["0.txt", "1.txt", "2.txt"]
