"""Files that change under the watcher: replaced while being scanned, locked by another
process."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.watcher.models import WatchedFile
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, Drive
from tests.gateway.watcher.slow_extraction import SCAN_SECONDS, slow_extract

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def slow_scanner() -> Iterator[Scanner]:
    with Scanner(ExtractionPool(ScanLimits(), max_workers=1, extractor=slow_extract)) as scanner:
        yield scanner


def test_file_replaced_while_scanned_is_judged_as_it_is_now(
    make_drive: Callable[..., Drive], slow_scanner: Scanner
) -> None:
    """A file replaced while its scan runs is not recorded with the old content's verdict:
    it is read again, and its row holds the new content's hash."""
    drive = make_drive({"web": ("public", "report")}, scanner=slow_scanner)
    path = drive.put("web", "fair.txt", CLEAN_TEXT)
    replacement = CLEAN_TEXT + b"Bring a cake for the stall.\n"

    def replace() -> None:
        time.sleep(SCAN_SECONDS / 3)
        path.with_name("fair.new").write_bytes(replacement)
        path.with_name("fair.new").rename(path)

    replacing = threading.Thread(target=replace)
    replacing.start()
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    replacing.join()
    assert counts == {"judged": 1}
    assert drive.judge.scanned == [("fair.txt", len(CLEAN_TEXT)), ("fair.txt", len(replacement))]
    row = WatchedFile.objects.get(path=str(path))
    assert row.content_hash == hashlib.sha256(replacement).hexdigest()


def test_file_locked_by_another_process_is_still_judged(
    make_drive: Callable[..., Drive], tmp_path: Path
) -> None:
    """A file another process holds an exclusive lock on (advisory, as on Linux) is read
    and judged; the watcher neither waits for the lock nor fails."""
    drive = make_drive({"web": ("public", "report")})
    path = drive.put("web", "rota.txt", CLEAN_TEXT)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'rb'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        assert drive.watcher is not None
        assert drive.watcher.reconcile() == {"judged": 1}
    finally:
        holder.kill()
        holder.wait()
    assert WatchedFile.objects.get(path=str(path)).action == "release"
