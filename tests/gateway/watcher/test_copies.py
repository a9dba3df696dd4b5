"""The copies the watcher writes in an enforce folder: a redacted copy beside a document the
rules redact, a CONFIDENTIAL-marked copy beside one they release with a banner, and a marked
copy as a manager's release."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from PIL import Image

from gateway.watcher import moving, quarantine
from gateway.watcher.documents import release_document
from gateway.watcher.models import Origin, Placement, WatchedFile
from gateway.watcher.quarantine import note_path
from scanner.scanning import Scanner
from scanner.transform import DEFAULT_BANNER, load_banner
from tests.gateway.watcher.conftest import CLEAN_TEXT, Drive, held_content, one_rule_policy
from tests.scanner.images import text_image

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


class _Killed(BaseException):
    """The watcher dying (``kill -9``) while it writes a copy."""


def _kill_while_writing_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next copy's writing leave what a kill leaves: its partial file holding the
    start of the copy, never linked into place, and the pass stopped there."""

    def killed(path: Path, content: bytes, *args: object, partial: str, **options: object) -> None:
        (path.parent / partial).write_bytes(content[:20])
        raise _Killed

    monkeypatch.setattr(moving, "write_new", killed)


def test_a_copy_cut_short_by_a_kill_is_removed_and_the_copy_made_once(
    make_drive: Callable[..., Drive],
    tmp_path: Path,
    nhs_scanner: Scanner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18: killed while it wrote a redacted copy, the watcher leaves its partial file
    (the start of the copy) beside the user's file. The next pass removes it unread, writes
    the copy once and quarantines the original; users' files named like it (another id, a
    longer name) are judged as theirs and stay."""
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)
    content = b"Referral: NHS number 943 476 5919, seen on Monday.\n"
    original = drive.put("web", "referral.txt", content)
    assert drive.watcher is not None
    with monkeypatch.context() as patched:
        _kill_while_writing_a_copy(patched)
        with pytest.raises(_Killed):
            drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(original))
    partial = original.with_name(quarantine.copy_partial(row))
    assert partial.read_bytes() == content[:20]
    users = [
        drive.put("web", f".confide-copy-{row.id + 1000}.partial", CLEAN_TEXT),
        drive.put("web", f"{partial.name}.txt", CLEAN_TEXT),
        drive.put("web", f"confide-copy-{row.id}.partial", CLEAN_TEXT),
    ]
    quarantine.recover()
    drive.watcher.reconcile()
    assert not partial.exists()
    copies = sorted(p.name for p in original.parent.iterdir() if "redacted" in p.name)
    assert copies == ["referral (redacted).txt"]
    assert b"5919" not in original.with_name(copies[0]).read_bytes()
    row.refresh_from_db()
    assert (row.placement, original.exists()) == (Placement.QUARANTINED, False)
    assert held_content(row) == content
    for path in users:
        assert path.read_bytes() == CLEAN_TEXT
    judged = {name for name, _ in drive.judge.scanned}
    assert {path.name for path in users} <= judged
    assert partial.name not in judged


def test_a_marked_copy_cut_short_by_a_kill_is_written_by_the_next_pass(
    make_drive: Callable[..., Drive], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed while it wrote a CONFIDENTIAL-marked copy, the watcher writes it at the next
    pass, once, and its partial file is gone; the document stays where it is."""
    drive = make_drive({"web": ("public", "enforce")}, policy=one_rule_policy(tmp_path, "banner"))
    original = drive.put("web", "fair.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    with monkeypatch.context() as patched:
        _kill_while_writing_a_copy(patched)
        with pytest.raises(_Killed):
            drive.watcher.reconcile()
    partial = original.with_name(quarantine.copy_partial(WatchedFile.objects.get()))
    assert partial.is_file()
    drive.watcher.reconcile()
    drive.watcher.reconcile()
    copy = original.with_name("fair (CONFIDENTIAL).txt")
    assert sorted(p.name for p in original.parent.iterdir()) == [copy.name, original.name]
    assert copy.read_bytes().startswith(HEADER.encode())
    assert original.read_bytes() == CLEAN_TEXT


def test_a_picture_showing_a_value_is_white_in_the_redacted_copy(
    make_drive: Callable[..., Drive], tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A .docx of text with a picture of an NHS number is held; its redacted copy has the
    number gone from the text and the picture white, and the safety net lets it out."""
    document = docx.Document()
    document.add_paragraph("Referral: NHS number 943 476 5919, seen on Monday.")
    document.add_picture(io.BytesIO(text_image("NHS number 943 476 5919")))
    buffer = io.BytesIO()
    document.save(buffer)
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)
    original = drive.put("web", "referral.docx", buffer.getvalue())
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert not original.exists()
    copy = docx.Document(original.with_name("referral (redacted).docx"))
    assert "5919" not in copy.paragraphs[0].text
    (picture,) = [Image.open(io.BytesIO(p.blob)) for p in copy.part.package.image_parts]
    assert picture.convert("L").getextrema() == (255, 255)
