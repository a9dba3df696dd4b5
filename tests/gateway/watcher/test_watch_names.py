"""Names in a watched folder: a file or folder name that is not UTF-8 is held from where it
lies and released under its own bytes; the path within the folder (sub-folders too) is
scanned as the file's name, also when a released document is renamed; and confide's own
data is never inside a watched folder."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.config import ConfigError, load_settings
from gateway.watcher.documents import release_document
from gateway.watcher.models import Placement, WatchedFile, real_path, stored_path
from gateway.watcher.quarantine import note_path
from scanner.limits import ScanLimits
from scanner.policy.policy_file import DEFAULT_POLICY
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, DAMAGED_DOCX, Drive
from tests.gateway.watcher.nhs_detector import NhsNumbers

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]
NHS_NAME = "Joseph Okafor NHS 943 476 5919"


def _put_raw(folder: Path, relative: bytes, content: bytes) -> Path:
    """A file at ``folder``/``relative`` (bytes, folders made), stable; its path."""
    raw = os.path.join(os.fsencode(folder), relative)
    os.makedirs(os.path.dirname(raw), exist_ok=True)
    with open(raw, "wb") as file:
        file.write(content)
    os.utime(raw, (0, 0))
    return Path(os.fsdecode(raw))


def _row(path: Path) -> WatchedFile:
    return WatchedFile.objects.get(path=stored_path(str(path)))


def _held_then_released(drive: Drive, path: Path, content: bytes) -> None:
    """``path`` is held from where it lies (its note beside it), and a release puts the
    same bytes back under the same name."""
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = _row(path)
    assert (row.placement, row.problem) == (Placement.QUARANTINED, "")
    assert not os.path.lexists(path)
    assert note_path(path.parent, row.id).is_file()
    assert real_path(row.path) == path
    released = release_document(row.id, by="manager", note="checked")
    assert released.path == path
    assert path.read_bytes() == content
    assert not note_path(path.parent, row.id).exists()


@pytest.mark.parametrize(
    "relative",
    [b"d\xe9r/c.docx", b"\xff" * 200 + b".docx"],
    ids=["in-a-folder-not-utf8", "escaped-name-too-long"],
)
def test_a_name_not_utf8_is_held_from_where_it_lies(make_drive: MakeDrive, relative: bytes) -> None:
    """A held file in a folder whose name is not UTF-8, or whose own name escaped would be
    longer than a name may be, is taken into quarantine and released under its bytes."""
    drive = make_drive({"web": ("public", "enforce")})
    path = _put_raw(drive.folders["web"].path, relative, DAMAGED_DOCX)
    _held_then_released(drive, path, DAMAGED_DOCX)


def test_a_name_not_utf8_is_held_beside_a_file_named_as_it_escapes(
    make_drive: MakeDrive,
) -> None:
    """``caf\\xe9`` (not UTF-8) is held though a user's file is named ``caf\\\\xe9`` (its
    escaped form): each has its own row and key, and the user's file is left as it is."""
    drive = make_drive({"web": ("public", "enforce")})
    web = drive.folders["web"].path
    odd = _put_raw(web, b"caf\xe9.txt", DAMAGED_DOCX)
    users = _put_raw(web, b"caf\\xe9.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    rows = list(WatchedFile.objects.values_list("path", "path_key"))
    assert len({path for path, _ in rows}) == len({key for _, key in rows}) == len(rows) == 2
    assert _row(users).placement == Placement.IN_PLACE
    _held_then_released(drive, odd, DAMAGED_DOCX)
    assert users.read_bytes() == CLEAN_TEXT


# --- names scanned ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def nhs_scanner() -> Iterator[Scanner]:
    """A sandboxed pool whose detector finds NHS numbers by their shape."""
    with Scanner(ExtractionPool(ScanLimits(), max_workers=1, detector=NhsNumbers)) as scanner:
        yield scanner


@pytest.fixture
def holding_drive(make_drive: MakeDrive, tmp_path: Path, nhs_scanner: Scanner) -> Drive:
    """A public enforce folder where an NHS number linked to nobody is held."""
    sections = DEFAULT_POLICY.read_text().split("\nrules:\n")[0]
    policy = tmp_path / "hold.yaml"
    policy.write_text(
        sections + "\nrules:\n"
        "  - id: hold-identifiers\n"
        '    clause: "003 Third parties"\n'
        "    when: {recipient: external, unlinked: [identifier]}\n"
        "    action: hold\n"
        "    reason: identifiers are held here\n"
    )
    return make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)


def test_a_folder_name_holding_personal_data_is_judged(holding_drive: Drive) -> None:
    """A clean file whose sub-folder is named with an NHS number is held for the public."""
    path = holding_drive.put("web", "notes.txt", CLEAN_TEXT)
    inner = path.parent / f"{NHS_NAME} DOB 02-11-1941"
    inner.mkdir()
    path = path.rename(inner / path.name)
    assert holding_drive.watcher is not None
    holding_drive.watcher.reconcile()
    row = _row(path)
    assert (row.action, row.placement) == ("hold", Placement.QUARANTINED)
    assert not path.exists()


def test_a_released_document_renamed_to_personal_data_is_held_again(
    holding_drive: Drive,
) -> None:
    """A manager's release covers the document under its name: renamed to a clean name it
    stays; renamed to a name holding an NHS number, it is held again."""
    watcher = holding_drive.watcher
    assert watcher is not None
    content = b"Referral: NHS number 943 476 5919.\n"
    path = holding_drive.put("web", "referral.txt", content)
    watcher.reconcile()
    row = _row(path)
    assert row.placement == Placement.QUARANTINED
    release_document(row.id, by="manager", note="published with consent")
    clean = path.rename(path.with_name("final.txt"))
    watcher.reconcile()
    row.refresh_from_db()
    assert (row.placement, row.path) == (Placement.RELEASED, str(clean))
    assert clean.read_bytes() == content
    named = clean.rename(clean.with_name(f"{NHS_NAME}.txt"))
    watcher.reconcile()
    row.refresh_from_db()
    assert (row.placement, row.action) == (Placement.QUARANTINED, "hold")
    assert not named.exists()
    assert hashlib.sha256(content).hexdigest() == row.content_hash


# --- confide's own data -----------------------------------------------------------------


def test_a_data_dir_inside_a_watched_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """confide's database inside a watched folder stops it, naming both settings."""
    config = tmp_path / "confide.toml"
    config.write_text(
        'data_dir = "share/var"\n[watch]\nquarantine = "held"\n'
        '[[watch.folders]]\npath = "share"\naudience = "public"\n'
    )
    monkeypatch.setenv("CONFIDE_CONFIG", str(config))
    load_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"data_dir .* watch\.folders\[0\]"):
            load_settings()
    finally:
        load_settings.cache_clear()
