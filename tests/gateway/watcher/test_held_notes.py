"""The note left where a held document was names the file taken when its name was scanned
and held nothing, never when the name held personal data, and says how to ask for it back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.watcher.models import Placement, WatchedFile
from gateway.watcher.quarantine import note_content, note_of, note_path
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, Drive, one_rule_policy

pytestmark = pytest.mark.django_db

ASK_BACK = "To ask for it back, tell a manager who reviews confide's held documents"


def _held_note(drive: Drive, name: str) -> tuple[WatchedFile, str]:
    """Put ``name`` in the public enforce folder, let the watcher hold it: its row, its note."""
    path = drive.put("web", name, CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(path))
    assert row.placement == Placement.QUARANTINED
    return row, note_path(path.parent, row.id).read_text(encoding="utf-8")


def test_a_clean_name_is_named_in_the_note_with_how_to_ask_for_it_back(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A held file whose name holds nothing: the note names it, the reference, and how to
    ask a manager for it back."""
    policy = one_rule_policy(tmp_path, "hold")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)
    row, note = _held_note(drive, "minutes March.txt")
    assert note.startswith('The file "minutes March.txt" was taken out of this folder')
    assert ASK_BACK in note
    assert note.endswith(f"Reference: held document {row.id}\n")


def test_a_name_holding_personal_data_is_not_repeated_in_the_note(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A held file whose name holds an NHS number: the note says only "a file", the
    reference and how to ask for it back; the name is nowhere in it."""
    policy = one_rule_policy(tmp_path, "hold")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)
    row, note = _held_note(drive, "referral 943 476 5919.txt")
    assert note.startswith("A file was taken out of this folder")
    assert "943" not in note
    assert "referral" not in note
    assert ASK_BACK in note
    assert note.endswith(f"Reference: held document {row.id}\n")


def test_a_row_judged_before_names_were_kept_keeps_its_old_note(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A document held before ``name_clean`` was kept (None) has the note it was written
    with, so a note already in a folder is still recognised as the watcher's."""
    policy = one_rule_policy(tmp_path, "hold")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)
    row, _ = _held_note(drive, "minutes.txt")
    row.name_clean = None
    assert note_of(row) == note_content(row.id)
