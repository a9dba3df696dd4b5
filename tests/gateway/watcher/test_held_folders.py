"""A sub-folder whose name holds personal data, in a folder for an audience the name may not
reach: judged by its name as a file's name is; in enforce mode taken away once every file in
it is held (one neutral note in its parent standing for it), made again by a manager's
release; shown to managers by reference; left where it is in report mode and for internal
readers. Real folders in temporary directories, and a real scanning worker."""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.review.discovery import held_documents
from gateway.watcher import discovery, held_folders, names
from gateway.watcher.documents import (
    DecisionError,
    read_document,
    release_document,
)
from gateway.watcher.folders import NOTE_PATTERN
from gateway.watcher.models import (
    BLOCKED,
    UNMOVABLE,
    Origin,
    Placement,
    WatchedFile,
    real_path,
    stored_path,
)
from gateway.watcher.observing import LiveWatch
from gateway.watcher.quarantine import FOLDER_NOTE, note_path
from gateway.watcher.sweep import Watcher
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import (
    CLEAN_TEXT,
    DAMAGED_DOCX,
    Drive,
    held_content,
    one_rule_policy,
    tree_hashes,
)
from tests.gateway.watcher.nhs_detector import NhsNumbersLast

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]
NUMBER = "943 476 5919"
PERSON = "Margaret Hughes"
NAMED = f"{PERSON} NHS {NUMBER}"
OTHER = "Joseph Okafor NHS 401 023 2137"
MINUTES = b"Minutes of the carers' meeting: the fair is on Saturday.\n"
LETTER = b"Dear Sir, thank you for your letter of the 3rd.\n"


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


def _put(drive: Drive, relative: str, content: bytes) -> Path:
    path = drive.folders["web"].path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    os.utime(path, (0, 0))
    return path


def _everything(root: Path) -> list[str]:
    """Every path (files and folders) under ``root``, relative."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


def _folder_row(path: Path) -> WatchedFile:
    return WatchedFile.objects.get(is_folder=True, path=stored_path(str(path)))


def _file_row(path: Path) -> WatchedFile:
    return WatchedFile.objects.get(is_folder=False, path=stored_path(str(path)))


def _nothing_named(root: Path) -> None:
    for left in _everything(root):
        assert NUMBER not in left
        assert PERSON not in left


def _note_stands_for(note: Path, row: WatchedFile) -> None:
    """``note`` is the held folder's neutral note: its reference, nothing of its name."""
    text = note.read_text()
    assert text == FOLDER_NOTE.format(id=row.id)
    assert NUMBER not in text
    assert PERSON not in text


def test_a_folder_named_with_personal_data_is_taken_away_and_released_back(
    make_holding: Callable[[str, str], Drive], tmp_path: Path
) -> None:
    """Public, enforce: the files in ``Margaret Hughes NHS ...`` (one in a sub-folder) are
    held, and the folder goes too: one note in ``web`` names it by reference, and nothing
    under ``web`` carries the name or the number. The report lists the folder by reference
    with its finding types and verdict. A manager's release of each document puts it back
    at its own path, byte-identical, the folder made again."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    minutes = _put(drive, f"{NAMED}/minutes.txt", MINUTES)
    letter = _put(drive, f"{NAMED}/2024/letter.txt", LETTER)
    kept = _put(drive, "fair.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    assert counts["folders held"] == 2  # the folder, and its sub-folder (its path named too)
    _nothing_named(web)
    folder = _folder_row(web / NAMED)
    assert (folder.action, folder.placement, folder.present) == (
        "hold",
        Placement.QUARANTINED,
        False,
    )
    assert folder.findings == {"UK_NHS": 1}
    assert _everything(web) == sorted(["fair.txt", f"confide-held-{folder.id}.txt"])
    _note_stands_for(web / f"confide-held-{folder.id}.txt", folder)
    assert kept.read_bytes() == CLEAN_TEXT
    for path, content in ((minutes, MINUTES), (letter, LETTER)):
        row = _file_row(path)
        assert row.placement == Placement.QUARANTINED
        assert held_content(row) == content
    inner = _folder_row(web / NAMED / "2024")
    assert (inner.placement, inner.present) == (Placement.QUARANTINED, False)

    report = tmp_path / "report.csv"
    discovery.write_report(report, discovery.current_files([str(web)]))
    listed = {row["id"]: row for row in csv.DictReader(report.open())}
    shown = listed[str(folder.id)]
    assert (shown["kind"], shown["verdict"], shown["findings"]) == ("folder", "hold", "UK_NHS: 1")
    assert shown["placement"] == Placement.QUARANTINED
    assert NUMBER not in shown["findings"] + shown["reasons"] + shown["subjects"]
    with pytest.raises(DecisionError, match="folder"):
        read_document(folder.id, by="manager")

    # A document cannot come back before the folders it lay in: its path would bring back
    # their names without a manager's decision on them.
    with pytest.raises(DecisionError, match=f"release held folder {folder.id} first"):
        release_document(_file_row(letter).id, by="manager", note="checked")
    with pytest.raises(DecisionError, match=f"release held folder {folder.id} first"):
        release_document(inner.id, by="manager", note="checked")
    release_document(folder.id, by="manager", note="the name may be seen")
    release_document(inner.id, by="manager", note="the name may be seen")
    released = release_document(_file_row(letter).id, by="manager", note="checked")
    assert released.path == letter
    assert letter.read_bytes() == LETTER
    assert hashlib.sha256(LETTER).hexdigest() == _file_row(letter).content_hash
    folder.refresh_from_db()
    assert (folder.placement, folder.decided_by) == (Placement.RELEASED, "manager")
    assert not (web / f"confide-held-{folder.id}.txt").exists()  # the folder is back
    # The document still held from it has its note back where it was.
    held_minutes = _file_row(minutes)
    assert note_path(web / NAMED, held_minutes.id).is_file()
    release_document(held_minutes.id, by="manager", note="checked too")
    assert minutes.read_bytes() == MINUTES
    assert not note_path(web / NAMED, held_minutes.id).exists()
    before = tree_hashes(web)
    drive.watcher.reconcile()  # the manager's releases stand
    assert tree_hashes(web) == before


def test_an_empty_folder_named_with_personal_data_is_taken_away(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """An empty folder so named is recorded as held and removed, a note in its place; a
    manager's release makes it again, and it stays."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    (web / NAMED).mkdir()
    assert drive.watcher is not None
    drive.watcher.reconcile()
    folder = _folder_row(web / NAMED)
    assert folder.placement == Placement.QUARANTINED
    assert _everything(web) == [f"confide-held-{folder.id}.txt"]
    assert [row.id for row in WatchedFile.objects.filter(placement="quarantined")] == [folder.id]
    with pytest.raises(DecisionError, match="marked"):
        release_document(folder.id, by="manager", note="", marked=True)
    released = release_document(folder.id, by="manager", note="a name we publish")
    assert released.path == web / NAMED
    assert _everything(web) == [NAMED]
    drive.watcher.reconcile()
    assert _everything(web) == [NAMED]
    folder.refresh_from_db()
    assert (folder.placement, folder.present) == (Placement.RELEASED, True)


@pytest.fixture(scope="module")
def last_number_scanner() -> Iterator[Scanner]:
    """A sandboxed pool whose detector finds an NHS number only where it ends a text: in a
    folder's name, not in the path of a file in it."""
    pool = ExtractionPool(ScanLimits(), max_workers=1, detector=NhsNumbersLast)
    with Scanner(pool) as scanner:
        yield scanner


def test_every_file_in_a_held_folder_is_held_and_the_folder_goes(
    make_drive: MakeDrive, tmp_path: Path, last_number_scanner: Scanner
) -> None:
    """Where a file's path and content say less than its folder's name alone (the detector
    here misses the number in a path), the file is still held for its folder's name: a
    clean one the policy would release and one it would redact (no redacted copy written
    in the folder), and the folder is taken away; a later pass, by a new watcher, keeps it
    so. A file in a clean folder beside it is judged on its own."""
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=last_number_scanner)
    web = drive.folders["web"].path
    clean = _put(drive, f"{NAMED}/minutes.txt", MINUTES)
    case = b"Client: Joseph Okafor NHS 401 023 2137\n"
    redacted = _put(drive, f"{NAMED}/case.txt", case)
    beside = _put(drive, "Rota/minutes.txt", MINUTES)
    for _restart in range(2):
        watcher = Watcher(drive.judge, list(drive.folders.values()), drive.quarantine, workers=1)
        watcher.reconcile()
        folder = _folder_row(web / NAMED)
        assert (folder.action, folder.placement, folder.present) == (
            "hold",
            Placement.QUARANTINED,
            False,
        )
        for path, content in ((clean, MINUTES), (redacted, case)):
            row = _file_row(path)
            assert (row.action, row.placement) == ("hold", Placement.QUARANTINED)
            assert held_folders.IN_HELD_FOLDER in row.rules
            assert held_content(row) == content
        assert _everything(web) == sorted(
            ["Rota", "Rota/minutes.txt", f"confide-held-{folder.id}.txt"]
        )
        assert _file_row(beside).placement == Placement.IN_PLACE
    assert not WatchedFile.objects.filter(origin=Origin.REDACTED_COPY).exists()


def test_an_unreadable_file_is_judged_by_its_name(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """The policy here releases what cannot be read (no rule for it): a damaged ``.docx``
    (a zip without Word's parts) and an empty one under a clean name stay. Named with an
    NHS number, each is held for its name whatever became of its content, and so is one in
    a folder so named, which goes too: nothing under ``web`` carries the name or number."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    damaged = _put(drive, f"{NAMED}.docx", DAMAGED_DOCX)
    empty = _put(drive, f"{OTHER}.docx", b"")
    inside = _put(drive, f"{NAMED}/referral.docx", DAMAGED_DOCX)
    kept = [_put(drive, "fair.docx", DAMAGED_DOCX), _put(drive, "poster.docx", b"")]
    assert drive.watcher is not None
    drive.watcher.reconcile()
    for path in kept:  # unreadable, and released by this policy
        row = _file_row(path)
        assert (row.action, row.placement, path.exists()) == ("release", Placement.IN_PLACE, True)
    for path, content in ((damaged, DAMAGED_DOCX), (empty, b""), (inside, DAMAGED_DOCX)):
        row = _file_row(path)
        assert (row.action, row.placement) == ("hold", Placement.QUARANTINED)
        assert row.findings == {"UK_NHS": 1}
        assert held_content(row) == content
    folder = _folder_row(web / NAMED)
    assert (folder.placement, folder.present) == (Placement.QUARANTINED, False)
    _nothing_named(web)
    assert "Okafor" not in " ".join(_everything(web))


def test_a_file_arriving_during_the_pass_stays_and_the_folder_goes_later(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A user's file put in the folder while the pass runs (after the walk) is left where it
    is, and so is the folder, with a reason; the next pass holds the file, then the folder."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    _put(drive, f"{NAMED}/report.txt", MINUTES)
    arrived = web / NAMED / "minutes.txt"

    def arrive(done: int, total: int) -> None:
        if done == total:
            arrived.write_bytes(LETTER)

    assert drive.watcher is not None
    drive.watcher.reconcile(arrive)
    assert arrived.read_bytes() == LETTER
    folder = _folder_row(web / NAMED)
    assert (folder.placement, folder.problem) == (Placement.IN_PLACE, held_folders.LEFT)
    assert not list(web.glob(NOTE_PATTERN))
    drive.watcher.reconcile()
    _nothing_named(web)
    assert held_content(_file_row(arrived)) == LETTER


def test_a_file_arriving_as_the_folder_is_removed_is_left_and_the_note_taken_back(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A file that arrives after the folder was found to hold only notes (the rmdir then
    fails) is left where it is, the folder given back (its note in the parent taken away)."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    _put(drive, f"{NAMED}/report.txt", MINUTES)
    assert drive.watcher is not None
    drive.watcher.handle(drive.watcher.walk())  # the files only
    judge = drive.watcher.judge
    fingerprint = judge.fingerprints(drive.watcher.folders)[web]
    (held,) = names.judged(drive.folders["web"], [web / NAMED], judge, fingerprint, whole=False)
    notes = held_folders._notes_only(web / NAMED)
    assert notes is not None
    held.placement, held.moving_from = Placement.QUARANTINED, held.path
    held.note_path = str(note_path(web, held.id))
    held.save()
    arrived = _put(drive, f"{NAMED}/minutes.txt", LETTER)
    assert not held_folders._empty(held, notes)
    assert arrived.read_bytes() == LETTER
    held.refresh_from_db()
    assert (held.placement, held.problem) == (Placement.IN_PLACE, held_folders.ARRIVED)
    assert _everything(web) == [NAMED, f"{NAMED}/minutes.txt"]
    drive.watcher.reconcile()
    _nothing_named(web)


def test_nested_folders_named_with_personal_data(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A named folder two levels down goes, its clean parents stay (its note in the nearest);
    a named folder in a named folder goes with it, one note standing for both."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    deep = _put(drive, f"cases/2024/{NAMED}/letter.txt", LETTER)
    both = _put(drive, f"{OTHER}/{NAMED}/letter.txt", LETTER)
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    assert counts["folders held"] == 3
    _nothing_named(web)
    assert "401 023 2137" not in " ".join(_everything(web))
    deep_folder = _folder_row(web / "cases/2024" / NAMED)
    outer = _folder_row(web / OTHER)
    assert _everything(web) == sorted(
        [
            "cases",
            "cases/2024",
            f"cases/2024/confide-held-{deep_folder.id}.txt",
            f"confide-held-{outer.id}.txt",
        ]
    )
    assert _folder_row(web / "cases").action == "release"
    assert _folder_row(web / OTHER / NAMED).placement == Placement.QUARANTINED
    with pytest.raises(DecisionError, match=f"release held folder {outer.id} first"):
        release_document(_file_row(both).id, by="manager", note="")
    release_document(outer.id, by="manager", note="")
    release_document(_folder_row(web / OTHER / NAMED).id, by="manager", note="")
    release_document(_file_row(both).id, by="manager", note="")
    assert both.read_bytes() == LETTER
    release_document(deep_folder.id, by="manager", note="")
    release_document(_file_row(deep).id, by="manager", note="")
    assert deep.read_bytes() == LETTER
    assert not list(web.rglob(NOTE_PATTERN))


def test_an_internal_folder_moves_nothing(make_holding: Callable[[str, str], Drive]) -> None:
    """For internal readers, the same folder and files stay as they are."""
    drive = make_holding("internal", "enforce")
    web = drive.folders["web"].path
    _put(drive, f"{NAMED}/report.txt", LETTER)
    (web / OTHER).mkdir()
    before, listed = tree_hashes(web), _everything(web)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert (tree_hashes(web), _everything(web)) == (before, listed)
    assert _folder_row(web / NAMED).placement == Placement.IN_PLACE


def test_report_mode_flags_the_folder_and_moves_nothing(
    make_holding: Callable[[str, str], Drive], tmp_path: Path
) -> None:
    """In report mode the folder (and an empty one) is recorded as it would be held, in
    the discovery report, and nothing moves, not even an empty folder."""
    drive = make_holding("public", "report")
    web = drive.folders["web"].path
    _put(drive, f"{NAMED}/report.txt", LETTER)
    (web / OTHER).mkdir()
    before, listed = tree_hashes(web), _everything(web)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    drive.watcher.reconcile()
    assert (tree_hashes(web), _everything(web)) == (before, listed)
    report = tmp_path / "report.csv"
    discovery.write_report(report, discovery.current_files([str(web)]))
    folders = {
        Path(row["path"]).name: row
        for row in csv.DictReader(report.open())
        if row["kind"] == "folder"
    }
    assert set(folders) == {NAMED, OTHER}
    for row in folders.values():
        assert (row["verdict"], row["placement"], row["findings"]) == (
            "hold",
            "in_place",
            "UK_NHS: 1",
        )


@pytest.mark.slow
def test_followed_by_events_the_folder_goes_with_its_last_file(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """Followed by events alone (no reconcile after the first): a folder so named, made
    with a file in it, goes as soon as the file is held, not at the next reconcile."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    stop = threading.Event()

    def use_the_drive() -> None:
        try:
            time.sleep(0.5)  # the first reconcile is done
            (web / NAMED).mkdir()
            (web / NAMED / "report.txt").write_bytes(MINUTES)
            deadline = time.monotonic() + 20
            while (web / NAMED).exists() and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            stop.set()

    assert drive.watcher is not None
    user = threading.Thread(target=use_the_drive)
    user.start()
    LiveWatch(drive.watcher, reconcile_seconds=3600).run(stop)
    user.join()
    _nothing_named(web)
    folder = _folder_row(web / NAMED)
    assert _everything(web) == [f"confide-held-{folder.id}.txt"]
    assert held_content(_file_row(web / NAMED / "report.txt")) == MINUTES


def test_a_folder_inside_a_held_folder_is_released_only_after_it(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """Releasing the inner of two held folders is refused, naming the outer (making it
    again would bring the outer back in view): nothing moves. Released outer first, then
    inner, both stay on the next pass, and nothing is held again."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    _put(drive, f"{NAMED}/{OTHER}/inner.txt", LETTER)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    outer, inner = _folder_row(web / NAMED), _folder_row(web / NAMED / OTHER)
    listed = _everything(web)
    with pytest.raises(DecisionError, match=f"release held folder {outer.id} first"):
        release_document(inner.id, by="manager", note="")
    assert _everything(web) == listed
    release_document(outer.id, by="manager", note="")
    release_document(inner.id, by="manager", note="")
    held = set(WatchedFile.objects.values_list("id", flat=True))
    drive.watcher.reconcile()
    assert set(WatchedFile.objects.values_list("id", flat=True)) == held
    assert (web / NAMED / OTHER).is_dir()
    assert not list(web.glob(NOTE_PATTERN))


def test_what_cannot_be_taken_away_is_held_in_view_for_a_manager(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A named folder holding a link, one holding a pipe, and a link to a folder named so:
    every file in them is held; the links (their paths named too) are taken away, never
    followed, and the folder the one lay in with it; the pipe (never moved) and its folder
    are held where they are, in the managers' queue with what keeps them there. Released,
    the link is made again and is not held again; the pipe removed, its folder is taken
    away on the next pass."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    held = [_put(drive, f"{NAMED}/a.txt", LETTER), _put(drive, f"{OTHER}/b.txt", MINUTES)]
    (web / NAMED / "shortcut").symlink_to("a.txt")
    os.mkfifo(web / OTHER / "pipe")
    (web / "target").mkdir()
    (web / f"Link {OTHER}").symlink_to("target")
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert all(_file_row(path).placement == Placement.QUARANTINED for path in held)
    in_view = {web / OTHER: BLOCKED, web / OTHER / "pipe": UNMOVABLE}
    for path, reason in in_view.items():
        row = _folder_row(path)
        assert (row.action, row.placement, row.problem) == ("hold", Placement.IN_PLACE, reason)
    taken = [web / NAMED, web / f"Link {OTHER}", web / NAMED / "shortcut"]
    for path in taken:
        row = _folder_row(path)
        assert (row.action, row.placement, row.present) == ("hold", Placement.QUARANTINED, False)
        assert not os.path.lexists(path)
    queue = {real_path(row.path) for row in held_documents() if row.is_folder}
    assert queue == {*in_view, *taken}
    link = _folder_row(web / f"Link {OTHER}")
    release_document(link.id, by="manager", note="our partner's name")
    (web / OTHER / "pipe").unlink()
    drive.watcher.reconcile()
    link.refresh_from_db()
    assert (link.placement, os.readlink(web / f"Link {OTHER}")) == (Placement.RELEASED, "target")
    assert _folder_row(web / OTHER).placement == Placement.QUARANTINED
    queue = {real_path(row.path) for row in held_documents() if row.is_folder}
    assert queue == {web / NAMED, web / NAMED / "shortcut", web / OTHER}


def test_a_release_never_goes_back_into_a_folder_renamed_to_a_held_name(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A document held from ``cases``, beside a file released; then ``cases`` renamed
    ``Margaret Hughes NHS ...`` and the document released before any pass judged the new
    name: it goes back into ``cases``, made again, so the next pass holds the renamed
    folder's file and takes the folder out of view; beside its note, it would have kept
    the folder in view for good."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    letter = _put(drive, "cases/letter.txt", f"NHS {NUMBER}\n".encode())
    rota = _put(drive, "cases/rota.txt", MINUTES)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    document = _file_row(letter)
    assert (document.placement, _file_row(rota).action) == (Placement.QUARANTINED, "release")
    (web / "cases").rename(web / NAMED)

    released = release_document(document.id, by="manager", note="checked")
    assert (released.path, released.folder_made) == (letter, True)
    assert letter.read_text() == f"NHS {NUMBER}\n"
    assert sorted(os.listdir(web / NAMED)) == ["rota.txt"]  # its note went
    drive.watcher.reconcile()
    assert not (web / NAMED).exists()
    folder = _folder_row(web / NAMED)
    assert (folder.action, folder.placement, folder.present) == (
        "hold",
        Placement.QUARANTINED,
        False,
    )
    moved = WatchedFile.objects.get(path=stored_path(str(web / NAMED / "rota.txt")))
    assert (moved.action, moved.placement) == ("hold", Placement.QUARANTINED)
    assert letter.is_file()


def test_a_folder_renamed_to_a_held_name_stays_held_after_a_release_from_it(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A document held from ``sub``; then ``sub`` renamed ``Margaret Hughes NHS ...``,
    which holds a pipe (so it is held in view, with its own row in the queue). The
    document's release puts it back where it was held from, ``sub`` made again, not
    beside its moved note in the renamed folder (the note goes); the manager decided on
    the document and the path it was held under, not on the folder's new name, so the
    folder stays held, in the queue, until it is decided on itself."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    letter = _put(drive, "sub/letter.txt", f"NHS {NUMBER}\n".encode())
    os.mkfifo(web / "sub" / "pipe")
    assert drive.watcher is not None
    drive.watcher.reconcile()
    document = _file_row(letter)
    assert document.placement == Placement.QUARANTINED
    (web / "sub").rename(web / NAMED)
    drive.watcher.reconcile()
    folder = _folder_row(web / NAMED)
    assert (folder.placement, folder.problem) == (Placement.IN_PLACE, BLOCKED)
    assert folder.id in {row.id for row in held_documents()}

    released = release_document(document.id, by="manager", note="checked")
    assert (released.path, released.folder_made) == (web / "sub" / "letter.txt", True)
    assert released.path.read_text() == f"NHS {NUMBER}\n"
    assert sorted(os.listdir(web / NAMED)) == ["pipe"]
    folder.refresh_from_db()
    assert (folder.placement, folder.decided_by) == (Placement.IN_PLACE, "")
    drive.watcher.reconcile()
    folder.refresh_from_db()
    assert (folder.placement, folder.action, folder.problem) == (
        Placement.IN_PLACE,
        "hold",
        BLOCKED,
    )
    assert folder.id in {row.id for row in held_documents()}
    release_document(folder.id, by="manager", note="the name may be seen")
    folder.refresh_from_db()
    assert folder.placement == Placement.RELEASED
    assert folder.id not in {row.id for row in held_documents()}


def test_a_held_folder_holding_a_file_over_the_size_limit_goes_too(
    make_holding: Callable[[str, str], Drive],
) -> None:
    """A file over the size limit in a held folder, locked where it lies (never copied
    into quarantine), is moved out of the folder to its watched folder under its neutral
    name, so the folder goes with its name: it stayed in view, said to hold files not
    held. Its release is refused until the folder's, then puts it back in the folder,
    under its own name and mode."""
    drive = make_holding("public", "enforce")
    web = drive.folders["web"].path
    _put(drive, f"{NAMED}/agenda.txt", MINUTES)
    big = web / NAMED / "big.bin.txt"
    with big.open("wb") as file:
        file.truncate(1 << 30)  # sparse: nothing on disk
    big.chmod(0o640)
    past = os.stat(big).st_mtime - 60
    os.utime(big, (past, past))
    assert drive.watcher is not None
    drive.watcher.reconcile()

    folder = _folder_row(web / NAMED)
    locked = WatchedFile.objects.get(locked_from=stored_path(str(big)))
    assert (folder.placement, folder.present) == (Placement.QUARANTINED, False)
    assert not (web / NAMED).exists()
    assert f"confide-locked-{locked.id}" in _everything(web)
    _nothing_named(web)
    assert locked.held_in_place
    assert stat.S_IMODE(os.stat(web / f"confide-locked-{locked.id}").st_mode) == 0

    with pytest.raises(DecisionError, match=f"release held folder {folder.id} first"):
        release_document(locked.id, by="manager", note="")
    release_document(folder.id, by="manager", note="")
    release_document(locked.id, by="manager", note="a recording for the website")
    assert stat.S_IMODE(os.stat(big).st_mode) == 0o640
    assert not (web / f"confide-locked-{locked.id}").exists()
