"""A watcher killed with SIGKILL while it takes a held folder away loses nothing: after the
next start's recovery every document is in quarantine (sealed, whole), a user's file is
where it was, and the folder is either gone with its one note in the parent, or still there
with no note standing for it; never a note for a folder that is there, nor the name left
in view once it can go.

As in ``test_crash_safety``, the kill is aimed with ``CONFIDE_TEST_CRASH_AT`` in a process
of its own sharing the test's database, and another process recovers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.sealing import Sealer
from gateway.watcher.held_folders import EMPTIED, JOURNALED, NOTED
from gateway.watcher.quarantine import FOLDER_NOTE
from gateway.watcher.sealed_files import opened

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("quarantine_keys"),
]

NAMED = "Margaret Hughes NHS 943 476 5919"
CONTENTS = {"report.docx": b"PK\x05\x06" + b"\x00" * 18, "letter.txt": b"Dear Sir,\n"}
STEP = """
import hashlib, sys
from pathlib import Path
import django
django.setup()
from gateway.watcher import held_folders, quarantine
from gateway.watcher.models import WatchedFile, path_key
step, web, place = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
named = web / sys.argv[4]
if step == "hold":
    for source in sorted(p for p in named.iterdir() if p.is_file()):
        content_hash = hashlib.sha256(source.read_bytes()).hexdigest()
        row = WatchedFile.objects.create(
            path=str(source), path_key=path_key(str(source)), folder=str(web),
            audience="public", content_hash=content_hash, action="hold",
        )
        quarantine.quarantine(row, source, place)
    folder = WatchedFile.objects.create(
        path=str(named), path_key=path_key(str(named)), folder=str(web), audience="public",
        is_folder=True, action="hold",
    )
    held_folders._take_away(folder, place)
elif step == "again":  # what the next pass does with a held folder still there
    for row in WatchedFile.objects.filter(is_folder=True, placement="in_place", action="hold"):
        held_folders._take_away(row, place)
else:
    held_folders.recover()
folder = WatchedFile.objects.get(is_folder=True)
print(folder.id, folder.placement)
"""


def _step(
    step: str, web: Path, place: Path, database_url: str, crash_at: str = ""
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-c", STEP, step, str(web), str(place), NAMED],
        cwd=web.parent,
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
    if not crash_at:
        assert done.returncode == 0, done.stderr
    return done


def _documents_safe(place: Path) -> None:
    """Every document is sealed whole in the quarantine, once."""
    keys = Sealer.from_key_file(Path(os.environ["CONFIDE_RELAY__KEY_FILE"]), create=True)
    sealed = [p for p in place.iterdir() if not p.name.endswith(".partial")]
    assert sorted(b"".join(opened(p, keys)) for p in sealed) == sorted(CONTENTS.values())


def _where(web: Path, folder_id: int) -> str:
    """ "gone" (its note in ``web``) or "there" (no note for it); fails for anything else."""
    notes = sorted(p.name for p in web.glob("confide-held-*.txt"))
    named = web / NAMED
    for name in CONTENTS:
        assert not (named / name).exists()  # held: never both
    if not named.exists():
        assert notes == [f"confide-held-{folder_id}.txt"]
        assert (web / notes[0]).read_text() == FOLDER_NOTE.format(id=folder_id)
        return "gone"
    assert notes == []
    return "there"


@pytest.mark.parametrize("crash_at", [JOURNALED, NOTED, EMPTIED])
def test_kill_while_a_folder_is_taken_away_loses_nothing(
    tmp_path: Path, database_url: str, crash_at: str
) -> None:
    """Killed at each step, the recovery finishes taking the folder away."""
    web, place = tmp_path / "web", tmp_path / "q"
    for name, content in CONTENTS.items():
        (web / NAMED).mkdir(parents=True, exist_ok=True)
        (web / NAMED / name).write_bytes(content)
    (web / "fair.txt").write_bytes(b"fair\n")
    killed = _step("hold", web, place, database_url, crash_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    _documents_safe(place)
    folder_id, _ = _step("recover", web, place, database_url).stdout.split()
    _documents_safe(place)
    assert _where(web, int(folder_id)) == "gone"
    assert (web / "fair.txt").read_bytes() == b"fair\n"


@pytest.mark.parametrize("crash_at", [NOTED, EMPTIED])
def test_a_file_arriving_after_a_kill_is_left_with_its_folder(
    tmp_path: Path, database_url: str, crash_at: str
) -> None:
    """A user's file put in the folder before the recovery stays there, and so does the
    folder, its note in the parent taken back; a later pass leaves it too."""
    web, place = tmp_path / "web", tmp_path / "q"
    for name, content in CONTENTS.items():
        (web / NAMED).mkdir(parents=True, exist_ok=True)
        (web / NAMED / name).write_bytes(content)
    killed = _step("hold", web, place, database_url, crash_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    arrived = web / NAMED / "minutes.txt"
    arrived.write_bytes(b"minutes\n")
    folder_id, placement = _step("recover", web, place, database_url).stdout.split()
    assert (_where(web, int(folder_id)), placement) == ("there", "in_place")
    assert arrived.read_bytes() == b"minutes\n"
    _step("again", web, place, database_url)
    assert _where(web, int(folder_id)) == "there"
    assert arrived.read_bytes() == b"minutes\n"
    _documents_safe(place)
