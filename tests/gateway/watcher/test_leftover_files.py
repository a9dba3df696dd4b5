"""Excluded names in a public enforce folder once they are no longer what such names are: a
temporary file left over from a save, a "lock file" too large to be one, a thumbnail cache.
Each is read and judged like any file; a lock file beside a document open all morning, and a
temporary file of a save under way, are still left alone."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from gateway.watcher.models import Placement, WatchedFile, stored_path
from tests.gateway.watcher.conftest import DAMAGED_DOCX, Drive
from tests.gateway.watcher.test_own_files import LIBREOFFICE_LOCK, WORD_OWNER

pytestmark = [pytest.mark.django_db]

TWO_HOURS = 2 * 3600.0


def _aged(path: os.PathLike[str], seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_leftovers_under_excluded_names_are_judged_in_a_public_folder(
    make_drive: Callable[..., Drive],
) -> None:
    """Two hours after they were last written, Word's temporary file of a save (a whole
    document), a ``~$`` file too large to be a lock file and ``Thumbs.db`` are read and
    held for the public; Word's lock file of the same age, a temporary file written a
    minute ago and the same leftovers in an internal folder stay, unread and in place."""
    drive = make_drive({"web": ("public", "enforce"), "staff": ("internal", "enforce")})
    held = {
        "~WRL0001.tmp": DAMAGED_DOCX,
        "~$notes.docx": DAMAGED_DOCX.ljust(4096, b"\x00"),
        "Thumbs.db": DAMAGED_DOCX,
    }
    left = {"~$referral.docx": WORD_OWNER, "~WRL0002.tmp": DAMAGED_DOCX}
    for name, content in {**held, **left}.items():
        path = drive.put("web", name, content)
        _aged(path, 60.0 if name == "~WRL0002.tmp" else TWO_HOURS)
    drive.put("web", "referral.docx", DAMAGED_DOCX)  # the document its lock file locks
    for name, content in held.items():
        _aged(drive.put("staff", name, content), TWO_HOURS)
    assert drive.watcher is not None
    drive.watcher.reconcile()

    web = drive.folders["web"].path
    for name in held:
        row = WatchedFile.objects.get(path=stored_path(str(web / name)))
        assert (row.action, row.placement) == ("hold", Placement.QUARANTINED), name
        assert not (web / name).exists()
    for name, content in left.items():
        assert (web / name).read_bytes() == content
    staff = drive.folders["staff"].path
    for name, content in held.items():
        assert (staff / name).read_bytes() == content
    scanned = {name for name, _ in drive.judge.scanned}
    assert scanned == {*held, "referral.docx"}


def test_a_small_file_named_as_a_lock_file_with_no_document_beside_it_is_judged(
    make_drive: Callable[..., Drive],
) -> None:
    """A lock file locks a document beside it: a 128-byte note named ``~$x.txt`` or
    ``.~lock.notes.txt#`` with none was left unread in a public folder for good, whatever it
    held; so was a temporary file dated ahead, until its date came. Each is read and held.
    A lock file whose document is beside it (Word's ``~$`` over a long name's first two
    characters, LibreOffice's) stays."""
    drive = make_drive({"web": ("public", "enforce")})
    held = {
        "~$x.txt": DAMAGED_DOCX[:128],
        ".~lock.notes.txt#": DAMAGED_DOCX[:128],
        "later.tmp": DAMAGED_DOCX,
    }
    left = {"~$port.docx": WORD_OWNER, ".~lock.minutes.odt#": LIBREOFFICE_LOCK}
    for name, content in {**held, **left}.items():
        _aged(drive.put("web", name, content), TWO_HOURS)
    ahead = time.time() + 50 * 60
    os.utime(drive.folders["web"].path / "later.tmp", (ahead, ahead))
    for document in ("report.docx", "minutes.odt"):
        drive.put("web", document, DAMAGED_DOCX)
    assert drive.watcher is not None
    drive.watcher.reconcile()

    web = drive.folders["web"].path
    for name in held:
        row = WatchedFile.objects.get(path=stored_path(str(web / name)))
        assert row.placement == Placement.QUARANTINED, name
        assert not (web / name).exists()
    for name, content in left.items():
        assert (web / name).read_bytes() == content
