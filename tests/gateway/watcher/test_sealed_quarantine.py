"""A held document is kept sealed in the quarantine (never in clear), in chunks whatever
its size, and comes back byte-identical; a sealed file that is not whole is never released."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.watcher.documents import DecisionError, release_document
from gateway.watcher.models import Placement, WatchedFile
from gateway.watcher.quarantine import note_path
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import Drive, held_content, hold_document, one_rule_policy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quarantine_keys")]

REFERRAL = b"Referral for Amina Okafor, NHS number 943 476 5919, carer of her mother.\n"
IN_CLEAR = (b"Okafor", b"943 476 5919", b"9434765919", b"Referral", b"carer of her mother")


@pytest.fixture(params=[False, True], ids=["one-filesystem", "tmpfs"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """The quarantine: beside the watched folders, or on a tmpfs (another device)."""
    if not request.param:
        yield tmp_path / "held"
        return
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no tmpfs on another device than the temporary folder")
    where = shm / f"confide-sealed-{os.getpid()}-{tmp_path.name}"
    yield where
    shutil.rmtree(where, ignore_errors=True)


def _in_clear(place: Path) -> list[str]:
    """The quarantine's files in which some of the document can be read as it was."""
    return [
        path.name
        for path in place.rglob("*")
        if path.is_file() and any(text in path.read_bytes() for text in IN_CLEAR)
    ]


def test_a_held_document_is_sealed_and_released_byte_identical(
    make_drive: Callable[..., Drive],
    tmp_path: Path,
    nhs_scanner: Scanner,
    place: Path,
) -> None:
    """Held by the watcher, a document with a name and an NHS number in it can be read in
    no file of the quarantine, and a manager's release puts it back byte-identical."""
    drive = make_drive(
        {"web": ("public", "enforce")},
        policy=one_rule_policy(tmp_path, "hold"),
        scanner=nhs_scanner,
        quarantine=place,
    )
    held = drive.put("web", "referral.txt", REFERRAL)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(held))
    assert (row.placement, held.exists()) == (Placement.QUARANTINED, False)
    assert [path.name for path in place.iterdir()] == [Path(row.quarantined_as).name]
    assert _in_clear(place) == []
    assert held_content(row) == REFERRAL
    release_document(row.id, by="manager", note="checked with the carer")
    assert held.read_bytes() == REFERRAL
    assert list(place.iterdir()) == []
    assert not note_path(held.parent, row.id).exists()


def test_a_document_larger_than_a_chunk_round_trips(tmp_path: Path, place: Path) -> None:
    """A document of several chunks is sealed a chunk per line, none of it in clear, and
    comes back byte-identical."""
    content = REFERRAL + os.urandom(2 * 1024 * 1024 + 100) + REFERRAL
    source = tmp_path / "web" / "archive.zip"
    row = hold_document(source, content, place)
    sealed = Path(row.quarantined_as).read_bytes()
    assert sealed.count(b"\n") == 3
    assert _in_clear(place) == []
    release_document(row.id, by="manager", note="")
    assert source.read_bytes() == content


def test_a_sealed_file_cut_short_is_not_released(tmp_path: Path, place: Path) -> None:
    """A sealed file missing its last chunk does not match the document's hash: the release
    is refused, the sealed file stays in quarantine, and nothing is left in the folder."""
    content = REFERRAL + os.urandom(1024 * 1024)
    source = tmp_path / "web" / "referral.txt"
    row = hold_document(source, content, place)
    sealed = Path(row.quarantined_as)
    first_chunk = sealed.read_bytes().split(b"\n")[0]
    sealed.write_bytes(first_chunk + b"\n")
    with pytest.raises(DecisionError, match="did not match"):
        release_document(row.id, by="manager", note="")
    row.refresh_from_db()
    assert row.placement == Placement.QUARANTINED
    assert sealed.is_file()
    assert sorted(path.name for path in source.parent.iterdir()) == [
        note_path(source.parent, row.id).name
    ]
