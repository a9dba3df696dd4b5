"""A held document's note is read only from within its watched folder: a sub-folder replaced
by a link to a folder outside, holding a file with the note's very content, is not taken
for the note, by the sweep, a release, or the taking away of a held folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.watcher import held_folders, quarantine
from gateway.watcher.models import Placement, WatchedFile, path_key, stored_path

pytestmark = pytest.mark.django_db


def _held_with_note_in(root: Path, sub: str) -> tuple[WatchedFile, Path]:
    """A document held from ``root/sub`` (the watched folder ``root``), its note recorded
    as left in ``sub``; the note's path."""
    path = root / sub / "carer_details.docx"
    row = WatchedFile.objects.create(
        path=stored_path(str(path)),
        path_key=path_key(stored_path(str(path))),
        folder=str(root),
        audience="public",
        action="hold",
        placement=Placement.QUARANTINED,
        present=False,
    )
    note = root / sub / f"confide-held-{row.id}.txt"
    row.note_path = stored_path(str(note))
    row.save()
    return row, note


def test_a_note_behind_a_linked_folder_is_not_read(tmp_path: Path) -> None:
    """``sub`` replaced by a link to a folder outside that holds the note's content: neither
    the note checks nor the search for a moved note read it; the same file in a real
    ``sub`` is the note."""
    root, outside = (tmp_path / "web").resolve(), (tmp_path / "outside").resolve()
    root.mkdir()
    outside.mkdir()
    row, note = _held_with_note_in(root, "sub")
    (outside / note.name).write_bytes(quarantine.note_content(row.id))
    (root / "sub").symlink_to(outside, target_is_directory=True)

    assert quarantine.note_row(note, root) is None
    assert quarantine.found_note(row) is None
    assert held_folders._note_of(note) is None

    (root / "sub").unlink()
    (outside).rename(root / "sub")  # the same file, in the watched folder itself
    assert quarantine.note_row(note, root) == row
    assert quarantine.found_note(row) == note
    assert held_folders._note_of(note) == row
