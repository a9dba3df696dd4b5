"""What a hostile user (or bad luck) cannot do to the watcher's moves: a crash, a file it
cannot remove, a folder or file named like its own, a folder swapped for a link, a copy still
being written, a quarantine kept from an earlier database; and how a release comes back."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gateway.config import Settings, StartupError, WatchedFolderSettings
from gateway.health import running_parts
from gateway.watcher import quarantine, service
from gateway.watcher.documents import DecisionError, reject_document, release_document
from gateway.watcher.folders import resolve_folders
from gateway.watcher.models import Placement, WatchedFile, path_key
from tests.gateway.watcher.conftest import (
    DAMAGED_DOCX,
    INTERNAL_DOMAIN,
    Drive,
    held_content,
    hold_document,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quarantine_keys")]


class _Crash(BaseException):
    """The process dying at a crash point, without the test process dying with it."""


@pytest.fixture
def crash_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make the watcher "die" (raise ``_Crash``) at the named crash point."""

    def aim(point: str) -> None:
        def crash_point(name: str) -> None:
            if name == point:
                raise _Crash(name)

        monkeypatch.setattr(quarantine, "crash_point", crash_point)

    return aim


@pytest.fixture
def web(make_drive: Callable[..., Drive]) -> Drive:
    """A public folder in enforce mode, where a damaged .docx is held."""
    return make_drive({"web": ("public", "enforce")})


def _row(path: Path) -> WatchedFile:
    return WatchedFile.objects.get(path_key=path_key(str(path)))


def test_a_crash_after_the_journal_has_the_file_judged_and_moved_again(
    web: Drive, crash_at: Callable[[str], None]
) -> None:
    """Killed once the move is journalled, the watcher does not leave the held file in its
    folder for good: the next pass judges it again and moves it."""
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    assert web.watcher is not None
    crash_at(quarantine.JOURNALED)
    with pytest.raises(_Crash):
        web.watcher.reconcile()
    crash_at("")
    quarantine.recover()
    assert held.exists()
    web.watcher.reconcile()
    assert (held.exists(), _row(held).placement) == (False, Placement.QUARANTINED)


def test_a_crash_before_the_journal_has_the_file_judged_and_moved_again(
    web: Drive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed once a hold is recorded but before its move is journalled, the watcher does
    not take the file for judged and carried out: the next pass judges it again and moves
    it, rather than leaving it in its folder for good."""
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    assert web.watcher is not None
    move = quarantine.quarantine

    def killed(*_args: object, **_kwargs: object) -> None:
        raise _Crash("before the journal")

    monkeypatch.setattr(quarantine, "quarantine", killed)
    with pytest.raises(_Crash):
        web.watcher.reconcile()
    monkeypatch.setattr(quarantine, "quarantine", move)
    quarantine.recover()
    assert held.exists()
    web.watcher.reconcile()
    assert (held.exists(), _row(held).placement) == (False, Placement.QUARANTINED)


def test_a_file_that_cannot_be_removed_stays_with_a_reason_and_nothing_sealed(
    web: Drive, immutable: Callable[[Path], None]
) -> None:
    """A held file the watcher may read but not remove stays in place with its reason, no
    sealed copy is left in quarantine and no move is left half-done."""
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    immutable(held)
    assert web.watcher is not None
    web.watcher.reconcile()
    row = _row(held)
    assert (row.placement, held.exists()) == (Placement.IN_PLACE, True)
    assert "could not be removed (EPERM)" in row.problem
    assert list(web.quarantine.iterdir()) == []


def test_recovery_of_a_file_that_cannot_be_removed_lets_the_watcher_start(
    web: Drive, immutable: Callable[[Path], None], crash_at: Callable[[str], None]
) -> None:
    """Killed with the sealed copy whole and the original not removable, recovery leaves the
    file in place, removes the sealed copy, and does not raise."""
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    assert web.watcher is not None
    crash_at(quarantine.SEALED)
    with pytest.raises(_Crash):
        web.watcher.reconcile()
    immutable(held)
    assert quarantine.recover() == 1
    assert (_row(held).placement, held.exists()) == (Placement.IN_PLACE, True)
    assert list(web.quarantine.iterdir()) == []


def test_a_move_recovery_cannot_settle_is_recorded_and_the_others_are_settled(
    tmp_path: Path,
) -> None:
    """A sealed file that does not open stops neither recovery nor the other rows' settling:
    its row gets a reason (naming no file) and the next row is settled."""
    place = tmp_path / "held"
    place.mkdir()
    rows = []
    for name in ("a.docx", "b.docx"):
        source = tmp_path / "web" / name
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(DAMAGED_DOCX + name.encode())
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        rows.append(
            WatchedFile.objects.create(
                path=str(source),
                path_key=path_key(str(source)),
                folder=str(source.parent),
                content_hash=digest,
                placement=Placement.QUARANTINING,
                moving_from=str(source),
                moving_to=str(place / name),
            )
        )
    (place / "a.docx").write_bytes(b"not a sealed file\n")
    assert quarantine.recover() == 2
    broken, settled = (WatchedFile.objects.get(id=row.id) for row in rows)
    assert broken.placement == Placement.QUARANTINING
    assert broken.problem.startswith("an interrupted move could not be settled")
    assert "a.docx" not in broken.problem
    assert settled.placement == Placement.IN_PLACE


def test_a_folder_named_like_the_note_is_left_alone(web: Drive) -> None:
    """A user's folder (and a user's file) named like the note: the note takes a free name,
    the release removes the note only, and the user's folder and files stay as they were."""
    assert web.watcher is not None
    folder = web.folders["web"].path
    probe = WatchedFile.objects.create(path="probe", path_key="probe", folder=str(folder))
    last = probe.id
    probe.delete()  # the held document's id comes after this one (ids are not reused)
    for number in range(last + 1, last + 40):
        (folder / f"confide-held-{number}.txt").mkdir()
        (folder / f"confide-held-{number} (2).txt").write_text("the user's own file\n")
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    web.watcher.reconcile()
    row = _row(held)
    note = Path(row.note_path)
    assert note.name == f"confide-held-{row.id} (3).txt"
    assert note.read_bytes() == quarantine.note_content(row.id)
    (folder / f"confide-held-{row.id}.txt" / "rota.txt").write_text("garden rota\n")
    (folder / "clients.docx.partial").write_text("the user's own partial file\n")
    release_document(row.id, by="manager", note="checked")
    assert held.read_bytes() == DAMAGED_DOCX
    assert not note.exists()
    assert (folder / f"confide-held-{row.id}.txt" / "rota.txt").read_text() == "garden rota\n"
    assert (folder / f"confide-held-{row.id} (2).txt").read_text() == "the user's own file\n"
    assert (folder / "clients.docx.partial").exists()
    assert WatchedFile.objects.get(id=row.id).placement == Placement.RELEASED


def test_a_release_does_not_follow_a_folder_swapped_for_a_link(web: Drive, tmp_path: Path) -> None:
    """A held file's folder replaced by a link to elsewhere: the release is refused, nothing
    is written there, and a file there named like the note stays."""
    assert web.watcher is not None
    folder = web.folders["web"].path
    (folder / "cases").mkdir()
    held = web.put("web", "cases/clients.docx", DAMAGED_DOCX)
    web.watcher.reconcile()
    row = _row(held)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / Path(row.note_path).name).write_text("someone else's file\n")
    for name in os.listdir(folder / "cases"):
        (folder / "cases" / name).unlink()
    (folder / "cases").rmdir()
    (folder / "cases").symlink_to(elsewhere)
    with pytest.raises(DecisionError, match="a link"):
        release_document(row.id, by="manager", note="checked")
    assert sorted(os.listdir(elsewhere)) == [Path(row.note_path).name]
    assert WatchedFile.objects.get(id=row.id).placement == Placement.QUARANTINED


def test_a_file_still_open_for_writing_is_not_moved(web: Drive) -> None:
    """A copy stalled longer than the stable interval, still open for writing, is left
    where it is (with its reason) rather than moved with its second half lost."""
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    assert web.watcher is not None
    with held.open("ab"):
        os.utime(held, (0, 0))
        web.watcher.reconcile()
        row = _row(held)
        assert (row.placement, held.exists()) == (Placement.IN_PLACE, True)
        assert "open for writing" in row.problem
    web.watcher.reconcile()
    assert (held.exists(), _row(held).placement) == (False, Placement.QUARANTINED)


@pytest.fixture
def umask_077() -> Iterator[None]:
    """The umask ``confide`` runs with."""
    previous = os.umask(0o077)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask_077")
def test_a_release_gives_back_owner_group_and_mode(web: Drive) -> None:
    """The released file has its owner, group and mode back; the note was the owner's and
    readable as the file was, whatever the watcher's umask."""
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another account")
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    os.chown(held, 1234, 2345)
    held.chmod(0o640)
    assert web.watcher is not None
    web.watcher.reconcile()
    row = _row(held)
    note = os.stat(row.note_path)
    assert (note.st_uid, note.st_gid, note.st_mode & 0o777) == (1234, 2345, 0o640)
    release_document(row.id, by="manager", note="checked")
    back = os.stat(held)
    assert (back.st_uid, back.st_gid, back.st_mode & 0o777) == (1234, 2345, 0o640)


def test_a_release_gives_back_the_modification_time(web: Drive) -> None:
    """A released file is as it was when it was taken, its modification time included, not
    a new file dated now."""
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    taken = 1_700_000_000_123_456_789  # November 2023
    os.utime(held, ns=(taken, taken))
    assert web.watcher is not None
    web.watcher.reconcile()
    assert not held.exists()
    release_document(_row(held).id, by="manager", note="checked")
    assert os.stat(held).st_mtime_ns == taken


def test_a_quarantine_kept_from_an_earlier_database_does_not_block_holds(
    tmp_path: Path,
) -> None:
    """Sealed files named by an earlier database's ids do not stop a hold: sealed names are
    unique whatever the ids, and the old files stay."""
    place = tmp_path / "held"
    place.mkdir()
    source = tmp_path / "web" / "clients.docx"
    source.parent.mkdir()
    source.write_bytes(DAMAGED_DOCX)
    row = WatchedFile.objects.create(
        path=str(source),
        path_key=path_key(str(source)),
        folder=str(source.parent),
        content_hash=hashlib.sha256(DAMAGED_DOCX).hexdigest(),
        action="hold",
    )
    (place / str(row.id)).write_bytes(b"an older database's held document\n")
    quarantine.quarantine(row, source, place)
    row.refresh_from_db()
    assert (row.placement, source.exists()) == (Placement.QUARANTINED, False)
    assert held_content(row) == DAMAGED_DOCX
    assert (place / str(row.id)).read_bytes() == b"an older database's held document\n"


def test_a_release_cut_short_is_finished_by_the_next_release(
    tmp_path: Path, crash_at: Callable[[str], None]
) -> None:
    """A release killed once the file is back is finished when a manager releases again,
    not refused until the watcher restarts."""
    source = tmp_path / "web" / "clients.docx"
    row = hold_document(source, DAMAGED_DOCX, tmp_path / "held")
    crash_at(quarantine.RESTORED)
    with pytest.raises(_Crash):
        release_document(row.id, by="manager", note="checked")
    crash_at("")
    released = release_document(row.id, by="manager", note="checked")
    assert released.path == source
    assert source.read_bytes() == DAMAGED_DOCX
    assert list((tmp_path / "held").iterdir()) == []
    assert WatchedFile.objects.get(id=row.id).placement == Placement.RELEASED


def test_overlapping_watched_folders_are_refused(tmp_path: Path) -> None:
    """A watched folder inside another is refused at load, naming both settings."""
    (tmp_path / "team" / "web").mkdir(parents=True)
    configured = [
        WatchedFolderSettings(path=tmp_path / "team", audience="internal", mode="enforce"),
        WatchedFolderSettings(path=tmp_path / "team" / "web", audience="public", mode="enforce"),
    ]
    with pytest.raises(StartupError, match=r"folders\[1\]\.path lies inside watch\.folders\[0\]"):
        resolve_folders(configured, [INTERNAL_DOMAIN])
    with pytest.raises(StartupError, match="same folder"):
        resolve_folders([configured[0], configured[0]], [INTERNAL_DOMAIN])


def test_a_watcher_that_stops_is_logged_shown_down_and_started_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Under ``confide run``, a watcher that fails is logged by the error's type (never its
    message, which may name a file), its folders show as down, and it is started again."""
    (tmp_path / "web").mkdir()
    settings = Settings(
        data_dir=tmp_path / "var",
        organisation={"name": "Riverside Carers", "internal_domains": [INTERNAL_DOMAIN]},
        watch={"folders": [{"path": tmp_path / "web", "audience": "public"}]},
    )
    watch = service.BackgroundWatch(settings)
    failed = threading.Event()

    @contextmanager
    def failing(_settings: Settings, _lent: object = None) -> Iterator[None]:
        if watch.failures >= 1:
            failed.set()
        raise PermissionError(1, "Operation not permitted", str(tmp_path / "web" / "secret"))
        yield

    monkeypatch.setattr(service, "running_watcher", failing)
    monkeypatch.setattr(service, "RESTART_SECONDS", 0.01)
    watch.start()
    try:
        assert failed.wait(30), "the watcher was not started again"
        states = running_parts.folder_states()
        assert states is not None
        assert [state.observer_running for state in states] == [False]
    finally:
        watch.stop()
    assert "error=PermissionError" in caplog.text
    assert "secret" not in caplog.text


def test_a_note_written_over_is_read_like_any_file(web: Drive) -> None:
    """The watcher leaves its own note unread only while it holds what the watcher wrote:
    a note someone wrote over (here with a damaged document, held for the public) is a
    user's file, judged and held, also once its document has been rejected."""
    assert web.watcher is not None
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    web.watcher.reconcile()
    row = _row(held)
    note = Path(row.note_path)
    web.watcher.reconcile()
    assert note.read_bytes() == quarantine.note_content(row.id)  # its own note: left alone
    reject_document(row.id, by="manager", note="not for the web")
    note.write_bytes(DAMAGED_DOCX)
    web.watcher.reconcile()
    assert _row(note).placement == Placement.QUARANTINED
    assert not note.exists() or note.read_bytes() != DAMAGED_DOCX


@pytest.mark.usefixtures("umask_077")
def test_a_note_is_written_by_its_owner_alone(web: Drive) -> None:
    """A document anyone may write (a link's mode is 0777): its note is readable as it was,
    but nobody else may write it (a world-writable note could be made to say anything)."""
    held = web.put("web", "clients.docx", DAMAGED_DOCX)
    held.chmod(0o666)
    assert web.watcher is not None
    web.watcher.reconcile()
    assert os.stat(_row(held).note_path).st_mode & 0o777 == 0o644
