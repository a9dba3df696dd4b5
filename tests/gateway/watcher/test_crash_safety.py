"""A watcher killed with SIGKILL in the middle of a quarantine move (or a release) loses no
file: after the restart's recovery the file is either in place or in quarantine with its
note, never neither and never both.

The kill is aimed with ``CONFIDE_TEST_CRASH_AT`` (the process sends itself SIGKILL at that
point), in a process of its own that shares the test's database; another process recovers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.sealing import Sealer
from gateway.watcher.quarantine import JOURNALED, MOVED, RESTORED, SEALED, note_path
from gateway.watcher.sealed_files import opened

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("quarantine_keys"),
]

CONTENT = b"PK\x05\x06" + b"\x00" * 18 + b"client list"
STEP = """
import hashlib, sys
from pathlib import Path
import django
django.setup()
from gateway.watcher import quarantine
from gateway.watcher.documents import finish_interrupted_releases, release_document
from gateway.watcher.models import WatchedFile, path_key
step, source, place = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if step == "hold":
    content_hash = hashlib.sha256(source.read_bytes()).hexdigest()
    row = WatchedFile.objects.create(
        path=str(source), path_key=path_key(str(source)), folder=str(source.parent),
        audience="public", content_hash=content_hash, action="hold",
    )
    quarantine.quarantine(row, source, place)
elif step == "release":
    release_document(WatchedFile.objects.get().id, by="manager", note="")
else:  # the watcher starting again: its recovery, then its first pass's finishing
    quarantine.recover()
    finish_interrupted_releases()
row = WatchedFile.objects.get()
print(row.id, row.placement, row.decided_by or "-")
"""


@pytest.fixture
def other_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A quarantine on a tmpfs (/dev/shm), another device than the temporary folder."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no tmpfs on another device than the temporary folder")
    place = shm / f"confide-crash-{os.getpid()}-{tmp_path.name}"
    yield place
    shutil.rmtree(place, ignore_errors=True)


def _step(
    step: str, source: Path, place: Path, database_url: str, crash_at: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", STEP, step, str(source), str(place)],
        cwd=source.parents[1],
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "gateway.settings",
            "CONFIDE_TEST_CRASH_AT": crash_at,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _where(source: Path, place: Path, row_id: int) -> str:
    """ "in place" or "quarantined"; fails the test for neither or both."""
    note = note_path(source.parent, row_id)
    sealed = [path for path in place.glob(f"{row_id}-*") if not path.name.endswith(".partial")]
    held = sealed[0] if sealed else place / str(row_id)
    in_place = source.is_file() and source.read_bytes() == CONTENT and not note.exists()
    quarantined = not source.exists() and held.is_file() and note.is_file()
    assert in_place != quarantined, "the file is in neither place, or in both"
    if quarantined:
        keys = Sealer.from_key_file(Path(os.environ["CONFIDE_RELAY__KEY_FILE"]), create=True)
        assert b"".join(opened(held, keys)) == CONTENT
        assert b"client list" not in held.read_bytes()
    assert list(place.glob("*.partial")) == []
    return "in place" if in_place else "quarantined"


@pytest.mark.parametrize(
    "case",
    [
        (JOURNALED, False, "in place"),
        (SEALED, False, "quarantined"),
        (MOVED, False, "quarantined"),
        (JOURNALED, True, "in place"),
        (SEALED, True, "quarantined"),
        (MOVED, True, "quarantined"),
    ],
    ids=["journaled", "sealed", "moved", "tmpfs-journaled", "tmpfs-sealed", "tmpfs-moved"],
)
def test_kill_during_quarantine_loses_nothing(
    tmp_path: Path, database_url: str, request: pytest.FixtureRequest, case: tuple[str, bool, str]
) -> None:
    """Killed at each point of a quarantine move (crash point, quarantine on a tmpfs, where
    the file must end), the file ends whole in one place."""
    crash_at, on_tmpfs, ends = case
    place = request.getfixturevalue("other_filesystem") if on_tmpfs else tmp_path / "q"
    source = tmp_path / "web" / "clients.docx"
    source.parent.mkdir()
    source.write_bytes(CONTENT)
    killed = _step("hold", source, place, database_url, crash_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    recovered = _step("recover", source, place, database_url)
    assert recovered.returncode == 0, recovered.stderr
    row_id, placement, _ = recovered.stdout.split()
    assert _where(source, place, int(row_id)) == ends
    assert placement == ("quarantined" if ends == "quarantined" else "in_place")


@pytest.mark.parametrize("on_tmpfs", [False, True], ids=["one-filesystem", "tmpfs"])
def test_kill_during_release_loses_nothing(
    tmp_path: Path, database_url: str, request: pytest.FixtureRequest, on_tmpfs: bool
) -> None:
    """Killed after the released file is back but before its sealed file is removed, the
    release is finished when the watcher starts again: the file is back, once."""
    place = request.getfixturevalue("other_filesystem") if on_tmpfs else tmp_path / "q"
    source = tmp_path / "web" / "clients.docx"
    source.parent.mkdir()
    source.write_bytes(CONTENT)
    held = _step("hold", source, place, database_url)
    assert held.stdout.split()[1] == "quarantined", held.stderr
    killed = _step("release", source, place, database_url, RESTORED)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    recovered = _step("recover", source, place, database_url)
    row_id, placement, decided_by = recovered.stdout.split()
    assert _where(source, place, int(row_id)) == "in place"
    assert (placement, decided_by) == ("released", "manager")
