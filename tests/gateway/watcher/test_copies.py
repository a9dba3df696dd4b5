"""The copies the watcher writes in an enforce folder: a redacted copy beside a document the
rules redact, a CONFIDENTIAL-marked copy beside one they release with a banner, and a marked
copy as a manager's release."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.watcher.documents import release_document
from gateway.watcher.models import Origin, Placement, WatchedFile
from gateway.watcher.quarantine import note_path
from scanner.scanning import Scanner
from scanner.transform import DEFAULT_BANNER, load_banner
from tests.gateway.watcher.conftest import CLEAN_TEXT, Drive, held_content, one_rule_policy

pytestmark = pytest.mark.django_db

HEADER = load_banner(DEFAULT_BANNER, "Riverside Carers").document_header
# What the domain functions mark with: the settings in force, here the defaults (no name).
UNNAMED_HEADER = load_banner(DEFAULT_BANNER, "the organisation").document_header


def test_a_redacted_document_is_written_beside_and_the_original_quarantined(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """Redacted for its folder's audience, a document gets a redacted copy beside it and the
    original goes to quarantine, a note in its place; the copy is never redacted again."""
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)
    content = b"Referral: NHS number 943 476 5919, seen on Monday.\n"
    original = drive.put("web", "referral.txt", content)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(original))
    copy = original.with_name("referral (redacted).txt")
    assert not original.exists()
    assert held_content(row) == content
    assert note_path(original.parent, row.id).is_file()
    assert b"5919" not in copy.read_bytes()
    assert b"seen on Monday" in copy.read_bytes()
    drive.watcher.reconcile()
    names = sorted(p.name for p in original.parent.iterdir())
    assert names == [note_path(original.parent, row.id).name, copy.name]
    assert WatchedFile.objects.get(path=str(copy)).origin == Origin.REDACTED_COPY


def test_a_bannered_document_gets_a_marked_copy_beside_it_once(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """Released with a banner, a document stays as it is and a copy marked CONFIDENTIAL is
    written beside it, once: the copy is the watcher's own and is never copied again."""
    drive = make_drive({"web": ("public", "enforce")}, policy=one_rule_policy(tmp_path, "banner"))
    original = drive.put("web", "fair.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    copy = original.with_name("fair (CONFIDENTIAL).txt")
    assert original.read_bytes() == CLEAN_TEXT
    assert copy.read_bytes().startswith(HEADER.encode())
    drive.watcher.reconcile()
    drive.watcher.reconcile()
    assert sorted(p.name for p in original.parent.iterdir()) == [copy.name, original.name]
    assert WatchedFile.objects.get(path=str(copy)).origin == Origin.MARKED_COPY


def test_a_manager_can_release_a_marked_copy_and_keep_the_original(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """Released as a marked copy, a held document's place takes a copy marked CONFIDENTIAL,
    its note goes, and the original stays in quarantine."""
    drive = make_drive({"web": ("public", "enforce")}, policy=one_rule_policy(tmp_path, "hold"))
    original = drive.put("web", "fair.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(original))
    assert row.placement == Placement.QUARANTINED
    released = release_document(row.id, by="manager", note="for the website", marked=True)
    assert released.path == original
    assert original.read_bytes() == UNNAMED_HEADER.encode() + b"\n\n" + CLEAN_TEXT
    assert not note_path(original.parent, row.id).exists()
    row.refresh_from_db()
    assert row.placement == Placement.RELEASED
    assert held_content(row) == CLEAN_TEXT
    drive.watcher.reconcile()  # the marked copy is the watcher's own: it stays where it is
    assert original.is_file()


def test_a_redacted_copy_is_written_once_while_the_original_cannot_be_moved(
    make_drive: Callable[..., Drive],
    tmp_path: Path,
    nhs_scanner: Scanner,
    immutable: Callable[[Path], None],
) -> None:
    """An original the watcher cannot remove stays with its reason, and each pass that tries
    again finds the redacted copy it already wrote rather than writing another."""
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)
    original = drive.put("web", "referral.txt", b"Referral: NHS number 943 476 5919.\n")
    immutable(original)
    assert drive.watcher is not None
    for _ in range(3):
        drive.watcher.reconcile()
    assert "could not be removed" in WatchedFile.objects.get(path=str(original)).problem
    names = sorted(p.name for p in original.parent.iterdir())
    assert names == ["referral (redacted).txt", "referral.txt"]
