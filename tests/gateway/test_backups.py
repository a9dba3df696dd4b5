"""confide backup and confide restore: a database with held mail backed up while it is in
use, restored by the ``confide`` command into another database, and the held message read
there with the key file kept apart; what restore refuses."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gateway.relay.models import Outcome
from gateway.sealing import Sealer, read_keys
from tests.conftest import CONFIDE
from tests.gateway.review.conftest import EXAMPLE, HELD_FOR, SENDER, hold

pytestmark = pytest.mark.django_db(transaction=True)

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """The key file, in the data directory beside the database as by default."""
    return tmp_path / "data" / "confide.key"


@pytest.fixture
def held_outcome(key_file: Path) -> int:
    """A message held for a recipient in the test's database; the held recipient's id."""
    message = hold(Sealer.from_key_file(key_file), SENDER, [HELD_FOR], EXAMPLE.read_bytes())
    return int(Outcome.objects.get(message=message).id)


@pytest.fixture
def backup_dir(tmp_path: Path, held_outcome: int) -> Path:
    """A backup of the test's database, made by `confide backup`'s command in this process."""
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the PostgreSQL backup cannot be tested")
    call_command("backup", str(tmp_path / "backup"))
    return tmp_path / "backup"


@pytest.fixture
def restored_url(tmp_path: Path) -> Iterator[str]:
    """A ``DATABASE_URL`` for another database to restore into, that does not exist yet: a
    file on SQLite, a database of this run's own name beside the test database on
    PostgreSQL (dropped afterwards)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored' / 'confide.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restored"
    server = f"{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
    user = quote(settings["USER"] or "")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    yield f"postgres://{user}@{server}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def confide_on(tmp_path: Path, key_file: Path) -> Callable[[str], Run]:
    """Run the ``confide`` command against a given database, with the test's key file."""

    def on(url: str) -> Run:
        def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [str(CONFIDE), *map(str, args)],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "DATABASE_URL": url, "CONFIDE_RELAY__KEY_FILE": str(key_file)},
                check=False,
            )

        return run

    return on


def test_a_held_message_reads_after_backup_and_restore(
    backup_dir: Path, restored_url: str, confide_on: Callable[[str], Run], held_outcome: int
) -> None:
    """A held message backed up, restored into a new database and shown there opens with
    the key file: its headers and what confide found in it are read back."""
    confide = confide_on(restored_url)
    restored = confide("restore", backup_dir)
    assert restored.returncode == 0, restored.stderr
    shown = confide("held", "show", held_outcome, "--text")
    assert shown.returncode == 0, shown.stderr
    assert "Subject: Carer's assessment follow-up" in shown.stdout
    assert f"envelope sender: {SENDER}" in shown.stdout
    assert "UK_NHS" in shown.stdout or "NHS" in shown.stdout


def test_the_backup_holds_no_key(backup_dir: Path, key_file: Path) -> None:
    """No file of the backup holds the key, written as in the key file or as raw bytes."""
    (key,) = read_keys(key_file)
    raw = base64.urlsafe_b64decode(key)
    files = [path for path in backup_dir.rglob("*") if path.is_file()]
    assert {path.name for path in files} == {"manifest.json", _snapshot_name()}
    for path in files:
        content = path.read_bytes()
        assert key not in content
        assert raw not in content
        assert raw[:16] not in content
        assert raw[16:] not in content


def test_restore_refuses_a_database_with_data_unless_forced(
    backup_dir: Path, restored_url: str, confide_on: Callable[[str], Run]
) -> None:
    """Restoring over a database that holds messages is refused, plainly, and done with
    --force."""
    confide = confide_on(restored_url)
    assert confide("restore", backup_dir).returncode == 0
    refused = confide("restore", backup_dir)
    assert refused.returncode == 1
    assert "already holds messages" in refused.stderr
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert confide("restore", backup_dir, "--force").returncode == 0


def test_restore_refuses_a_damaged_backup(
    backup_dir: Path, restored_url: str, confide_on: Callable[[str], Run]
) -> None:
    """A snapshot whose bytes no longer match the manifest's checksum is refused before the
    database is touched."""
    snapshot = backup_dir / _snapshot_name()
    content = bytearray(snapshot.read_bytes())
    content[len(content) // 2] ^= 0xFF
    snapshot.write_bytes(bytes(content))
    refused = confide_on(restored_url)("restore", backup_dir)
    assert refused.returncode == 1
    assert "does not match the checksum" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_restore_refuses_a_backup_of_a_schema_it_does_not_know(
    backup_dir: Path, restored_url: str, confide_on: Callable[[str], Run]
) -> None:
    """A backup whose manifest lists a migration this version lacks (a newer confide's) is
    refused, naming the version to install."""
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    manifest["migrations"].append("relay.9999_from_the_future")
    manifest["confide_version"] = "9.0"
    (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    refused = confide_on(restored_url)("restore", backup_dir)
    assert refused.returncode == 1
    assert "install confide 9.0 or later" in refused.stderr


def test_backup_refuses_a_folder_in_use(tmp_path: Path, held_outcome: int) -> None:
    """A backup is written only into a new or empty folder, so none is overwritten."""
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "last-week.txt").write_text("kept")
    with pytest.raises(Exception, match="is not empty"):
        call_command("backup", str(tmp_path / "backup"))
    assert (tmp_path / "backup" / "last-week.txt").read_text() == "kept"


def test_restore_refuses_while_confide_runs(
    backup_dir: Path, restored_url: str, confide_on: Callable[[str], Run]
) -> None:
    """While something uses the database (on SQLite, the lock a running relay holds beside
    it; on PostgreSQL, another session), restore refuses and says to stop confide."""
    confide = confide_on(restored_url)
    assert confide("init").returncode == 0
    with _in_use(restored_url):
        refused = confide("restore", backup_dir)
    assert refused.returncode == 1
    assert "confide is running on this database" in refused.stderr


@contextmanager
def _in_use(url: str) -> Iterator[None]:
    if url.startswith("sqlite:///"):
        with open(url.removeprefix("sqlite:///") + ".in-use", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)  # as gateway.database.running does
            yield
        return
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)):
        yield


def _snapshot_name() -> str:
    return "confide.pgdump" if connection.vendor == "postgresql" else "confide.sqlite3"


@pytest.mark.parametrize(
    ("pg_dump", "refusal"),
    [
        ("echo 'pg_dump (PostgreSQL) 9.6.24'", "pg_dump is version 9 and the server"),
        (None, "pg_dump is not installed"),
    ],
)
def test_backup_refuses_a_pg_dump_older_than_the_server_or_missing(
    tmp_path: Path, pg_dump: str | None, refusal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL, a pg_dump older than the server, or none, is refused with what to
    install, and no snapshot is written."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is used on PostgreSQL only")
    tools = tmp_path / "bin"
    tools.mkdir()
    if pg_dump is not None:
        (tools / "pg_dump").write_text(f"#!/bin/sh\n{pg_dump}\n")
        (tools / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))
    with pytest.raises(CommandError, match=refusal):
        call_command("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup" / "manifest.json").exists()
