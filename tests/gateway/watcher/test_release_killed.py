"""A manager's release of a held document killed with SIGKILL while it writes the document
back (``confide documents release`` itself, aimed with ``CONFIDE_TEST_CRASH_AT``) does not
vanish: ``confide documents list`` shows it as "release interrupted" and says how to finish
it; a release again finishes it, and so does the watcher's next pass (``confide watch
--once``, the pass ``LiveWatch`` runs on its schedule), and so does the review page's
Finish button. While another live process holds the release's lock, none of them touches
it. The finished document is byte-identical, its note and every scrap of ours gone.

Every step is a process of its own on the test's database: the kill is real, and so is the
lock (``flock``) the dead process no longer holds.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gateway.watcher.quarantine import WRITING, note_path, release_partial_name

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("quarantine_keys"),
]

Confide = Callable[..., subprocess.CompletedProcess[str]]

# Over a megabyte: the document is written back a sealed chunk (a megabyte) at a time, so
# the kill after the first chunk leaves a partial file holding its start.
CONTENT = b"PK\x05\x06" + b"\x00" * 18 + os.urandom(3 * 1024 * 1024 // 2)
CONFIG = """
[organisation]
name = "Riverside Carers' Centre"
internal_domains = ["riverside-carers.example.org"]

[watch]
quarantine = "held"

[[watch.folders]]
path = "web"
audience = "public"
mode = "enforce"
"""
STEP = """
import hashlib, sys
from pathlib import Path
import django
django.setup()
from gateway.watcher.models import WatchedFile
step, source = sys.argv[1], Path(sys.argv[2])
if step == "hold":
    from django.contrib.auth.models import Group, User
    from gateway.review.roles import MANAGER
    from gateway.watcher import quarantine
    from gateway.watcher.models import path_key
    User.objects.create_user("jo").groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    row = WatchedFile.objects.create(
        path=str(source), path_key=path_key(str(source)), folder=str(source.parent),
        audience="public", content_hash=hashlib.sha256(source.read_bytes()).hexdigest(),
        action="hold", rules=["no-consent"],
    )
    quarantine.quarantine(row, source, source.parents[1] / "held")
    print(row.id)
elif step == "lock":
    from gateway.watcher import release_lock
    with release_lock.held(WatchedFile.objects.get()):
        print("locked", flush=True)
        sys.stdin.read()
elif step == "web-finish":
    from django.contrib.auth.models import User
    from django.contrib.messages import get_messages
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(username="jo"))
    row = WatchedFile.objects.get()
    listed = client.get("/documents/").content.decode()
    print("listed:", "Release interrupted" in listed)
    page = client.get(f"/documents/{row.id}/").content.decode()
    print("button:", f"/documents/{row.id}/finish/" in page)
    done = client.post(f"/documents/{row.id}/finish/")
    print("said:", *(str(m) for m in get_messages(done.wsgi_request)))
print("now:", WatchedFile.objects.get().placement)
"""


def _step(step: str, source: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-c", STEP, step, str(source)],
        cwd=source.parents[1],
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "gateway.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


@contextmanager
def _lock_held(source: Path, database_url: str) -> Iterator[None]:
    """Another live process holding the release's lock, as a release under way does."""
    holder = subprocess.Popen(
        [sys.executable, "-c", STEP, "lock", str(source)],
        cwd=source.parents[1],
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "gateway.settings",
        },
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0


@pytest.fixture
def killed_release(tmp_path: Path, confide: Confide, database_url: str) -> tuple[Path, int]:
    """A document held in the public enforce folder "web", whose release by the manager jo
    (``confide documents release``) was killed once the first megabyte was written back."""
    (tmp_path / "confide.toml").write_text(CONFIG)
    source = tmp_path / "web" / "clients.docx"
    source.parent.mkdir()
    source.write_bytes(CONTENT)
    row_id = int(_step("hold", source, database_url).stdout.split()[0])
    assert not source.exists()
    killed = confide(
        "documents", "release", row_id, "--as", "jo", "--note", "checked",
        env={"CONFIDE_TEST_CRASH_AT": WRITING},
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    partial = source.with_name(release_partial_name(row_id))
    assert partial.read_bytes() == CONTENT[: 1024 * 1024]  # killed mid-write
    assert not source.exists()
    return source, row_id


def _listed(confide: Confide) -> str:
    listed = confide("documents", "list")
    assert listed.returncode == 0, listed.stderr
    return listed.stdout


def _finished(source: Path, row_id: int) -> None:
    """The document is back byte-identical; its note, its partial file, its sealed file and
    its lock file are gone."""
    assert source.read_bytes() == CONTENT
    assert hashlib.sha256(source.read_bytes()).hexdigest() == hashlib.sha256(CONTENT).hexdigest()
    assert sorted(p.name for p in source.parent.iterdir()) == [source.name]
    assert not note_path(source.parent, row_id).exists()
    assert list((source.parents[1] / "held").iterdir()) == []


def _untouched(source: Path, row_id: int) -> None:
    """As the kill left it: the start of the document under the release's partial name, its
    note in its place."""
    partial = source.with_name(release_partial_name(row_id))
    assert partial.read_bytes() == CONTENT[: 1024 * 1024]
    assert note_path(source.parent, row_id).is_file()
    assert not source.exists()


def _listed_as_interrupted(confide: Confide, row_id: int) -> None:
    [line] = _listed(confide).splitlines()
    assert line.startswith(f"{row_id}\t")
    assert line.endswith(f"\trelease interrupted: `confide documents release {row_id}` finishes it")


def test_a_killed_release_is_listed_left_while_locked_and_released_again(
    killed_release: tuple[Path, int], confide: Confide, database_url: str
) -> None:
    """Killed mid-write, the release is listed as interrupted with how to finish it; while
    another process holds its lock, a release again is refused and the watcher's pass
    leaves it; then a release again finishes it, byte-identical, as jo's release."""
    source, row_id = killed_release
    _listed_as_interrupted(confide, row_id)

    with _lock_held(source, database_url):
        assert _listed(confide).splitlines()[0].endswith("\tbeing released")
        refused = confide("documents", "release", row_id, "--as", "jo", "--note", "again")
        assert refused.returncode != 0
        assert "being released by another process; try again shortly" in refused.stderr
        passed = confide("watch", "--once", "--quiet")
        assert passed.returncode == 0, passed.stderr
        _untouched(source, row_id)

    done = confide("documents", "release", row_id, "--as", "jo", "--note", "again")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"document {row_id}: released; now at {source}\n"
    _finished(source, row_id)
    assert _listed(confide) == ""


def test_a_killed_release_is_finished_by_the_watchers_pass(
    killed_release: tuple[Path, int], confide: Confide
) -> None:
    """The watcher's next pass finishes a killed release, byte-identical. (That it leaves
    one whose lock another process holds is shown above: the same lock, the same pass.)"""
    source, row_id = killed_release
    _listed_as_interrupted(confide, row_id)
    done = confide("watch", "--once", "--quiet")
    assert done.returncode == 0, done.stderr
    _finished(source, row_id)
    assert _listed(confide) == ""


def test_a_killed_release_is_finished_from_the_review_page(
    killed_release: tuple[Path, int], confide: Confide, database_url: str
) -> None:
    """The held documents' page lists a killed release as interrupted, its page has a
    Finish button, and posting it finishes the release."""
    source, row_id = killed_release
    said = _step("web-finish", source, database_url).stdout.splitlines()
    assert said[:2] == ["listed: True", "button: True"]
    assert said[2] == (
        "said: Release finished: the document is back in its folder, as it was. "
        f"It is now at {source}."
    )
    assert said[3] == "now: released"
    _finished(source, row_id)
