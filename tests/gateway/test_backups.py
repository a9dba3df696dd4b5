"""confide backup and confide restore: a database with held mail and held documents backed
up while it is in use, restored by the ``confide`` command into another database and
quarantine, and the held message read and the held document released there with the key
file kept apart; what backup and restore refuse, each in one line."""

from __future__ import annotations

import base64
import fcntl
import io
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
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection

from gateway import backups
from gateway.config import load_settings
from gateway.relay.models import Outcome
from gateway.review.roles import MANAGER
from gateway.sealing import Sealer, read_keys
from gateway.watcher import sealed_files
from gateway.watcher.models import WatchedFile
from tests.conftest import CONFIDE
from tests.gateway.review.conftest import EXAMPLE, HELD_FOR, SENDER, hold
from tests.gateway.watcher.conftest import hold_document

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """The key file, in the data directory beside the database as by default."""
    return tmp_path / "data" / "confide.key"


@pytest.fixture
def held_outcome(key_file: Path) -> int:
    """A message held for a recipient in the test's database; the held recipient's id."""
    message = hold(
        Sealer.from_key_file(key_file, create=True), SENDER, [HELD_FOR], EXAMPLE.read_bytes()
    )
    return int(Outcome.objects.get(message=message).id)


@pytest.fixture
def backup_dir(tmp_path: Path, held_outcome: int) -> Path:
    """A backup of the test's database, made by `confide backup`'s command in this process."""
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the PostgreSQL backup cannot be tested")
    code, said = _backup(tmp_path / "backup")
    assert code == 0, said
    return tmp_path / "backup"


def _backup(folder: Path) -> tuple[int, str]:
    """`confide backup`'s command run in this process: its exit status and standard error."""
    errors = io.StringIO()
    try:
        call_command("backup", str(folder), stdout=io.StringIO(), stderr=errors)
    except SystemExit as exc:
        return int(exc.code or 0), errors.getvalue()
    return 0, errors.getvalue()


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
                env={
                    **os.environ,
                    "DATABASE_URL": url,
                    "CONFIDE_RELAY__KEY_FILE": str(key_file),
                    "CONFIDE_WATCH__QUARANTINE": str(tmp_path / "restored-quarantine"),
                },
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
    assert refused.returncode == 2
    assert refused.stderr.startswith("confide restore: the database already holds messages")
    assert refused.stderr.count("\n") == 1
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
    assert refused.returncode == 2
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
    assert refused.returncode == 2
    assert "install confide 9.0 or later" in refused.stderr


def test_backup_refuses_a_folder_in_use(tmp_path: Path, held_outcome: int) -> None:
    """A backup is written only into a new or empty folder, so none is overwritten."""
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "last-week.txt").write_text("kept")
    (tmp_path / "backup").chmod(0o700)
    code, said = _backup(tmp_path / "backup")
    assert code == 2
    assert "is not empty" in said
    assert (tmp_path / "backup" / "last-week.txt").read_text() == "kept"


def test_restore_refuses_while_confide_runs(
    backup_dir: Path,
    restored_url: str,
    confide_on: Callable[[str], Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While something uses the database (on SQLite, the lock a running relay holds beside
    it; on PostgreSQL, another session), restore refuses and says to stop confide."""
    # The restore waits this long for the database to come free before it refuses.
    monkeypatch.setenv("CONFIDE_TEST_IN_USE_WAIT_SECONDS", "1")
    confide = confide_on(restored_url)
    assert confide("init").returncode == 0
    with _in_use(restored_url):
        refused = confide("restore", backup_dir)
    assert refused.returncode == 2
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
    install, in one line with exit status 2, and the folder is not left behind."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is used on PostgreSQL only")
    tools = tmp_path / "bin"
    tools.mkdir()
    if pg_dump is not None:
        (tools / "pg_dump").write_text(f"#!/bin/sh\n{pg_dump}\n")
        (tools / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))
    code, said = _backup(tmp_path / "backup")
    assert (code, said.count("\n")) == (2, 1)
    assert said.startswith(f"confide backup: {refusal}")
    assert not (tmp_path / "backup").exists()


DOCUMENT = b"Care plan for a carer's assessment.\n" * 200  # several chunks' worth is not needed


@pytest.fixture
def hold_a_document(
    tmp_path: Path, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], WatchedFile]]:
    """Hold a document named ``name`` in the quarantine ``tmp_path/quarantine``, sealed with
    the test's key file, as the watcher does; a manager ``jo`` may decide on it."""
    monkeypatch.setenv("CONFIDE_RELAY__KEY_FILE", str(key_file))
    load_settings.cache_clear()
    sealed_files.sealer.cache_clear()
    manager = User.objects.create_user("jo")
    manager.groups.add(Group.objects.get_or_create(name=MANAGER)[0])

    def held(name: str) -> WatchedFile:
        source = tmp_path / "drive" / "Care plans" / name
        return hold_document(source, DOCUMENT + name.encode(), tmp_path / "quarantine")

    yield held
    load_settings.cache_clear()
    sealed_files.sealer.cache_clear()


def _released(confide: Run, row: WatchedFile) -> bytes:
    """Release a held document with ``confide documents`` as jo; its content back in place."""
    done = confide("documents", "release", row.id, "--as", "jo", "--note", "checked")
    assert done.returncode == 0, done.stderr
    return Path(row.path).read_bytes()


def test_a_held_document_releases_byte_identical_after_backup_and_restore(
    tmp_path: Path,
    hold_a_document: Callable[[str], WatchedFile],
    restored_url: str,
    confide_on: Callable[[str], Run],
) -> None:
    """A held document is in the backup: restored into a new database and an empty
    quarantine, after the first quarantine is lost, it is released byte-identical."""
    row = hold_a_document("assessment.txt")
    backup_dir = tmp_path / "backup"
    assert _backup(backup_dir) == (0, "")
    assert {path.name for path in (backup_dir / "quarantine").iterdir()} == {str(row.id)}
    assert (backup_dir / "quarantine" / str(row.id)).stat().st_mode & 0o777 == 0o600
    shutil.rmtree(tmp_path / "quarantine")
    confide = confide_on(restored_url)
    restored = confide("restore", backup_dir)
    assert restored.returncode == 0, restored.stderr
    assert "1 held document" in restored.stdout
    assert _released(confide, row) == DOCUMENT + b"assessment.txt"


def test_documents_quarantined_or_released_while_the_backup_runs_are_in_it(
    tmp_path: Path,
    hold_a_document: Callable[[str], WatchedFile],
    restored_url: str,
    confide_on: Callable[[str], Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A document quarantined just before the snapshot, and one released just after it
    (its sealed file gone), are both in the backup, as the snapshot's rows say."""
    released_later = hold_a_document("released-after-the-snapshot.txt")
    snapshot = "_sqlite_backup" if connection.vendor == "sqlite" else "_pg_dump"
    taken = getattr(backups, snapshot)
    held_during: list[WatchedFile] = []

    def during(*args: Path) -> object:
        held_during.append(hold_a_document("held-during-the-backup.txt"))
        found = taken(*args)
        Path(released_later.quarantined_as).unlink()  # as a release removes it
        return found

    monkeypatch.setattr(backups, snapshot, during)
    assert _backup(tmp_path / "backup") == (0, "")
    shutil.rmtree(tmp_path / "quarantine")
    confide = confide_on(restored_url)
    assert confide("restore", tmp_path / "backup").returncode == 0
    for row in (released_later, held_during[0]):
        assert _released(confide, row) == DOCUMENT + Path(row.path).name.encode()


def test_a_held_document_without_its_sealed_file_is_named_by_backup_and_restore(
    tmp_path: Path,
    hold_a_document: Callable[[str], WatchedFile],
    restored_url: str,
    confide_on: Callable[[str], Run],
) -> None:
    """A held document whose sealed file is gone from the quarantine is named, in one line
    with exit status 2, by the backup (which is still written) and by the restore."""
    kept, lost = hold_a_document("kept.txt"), hold_a_document("lost.txt")
    Path(lost.quarantined_as).unlink()
    code, said = _backup(tmp_path / "backup")
    assert code == 2
    assert said.startswith(f"confide backup: held documents {lost.id} have no sealed file")
    restored = confide_on(restored_url)("restore", tmp_path / "backup")
    assert restored.returncode == 2
    assert restored.stderr.startswith(f"confide restore: held documents {lost.id} have no")
    assert "1 held document" in restored.stdout
    assert _released(confide_on(restored_url), kept) == DOCUMENT + b"kept.txt"


def test_backup_refuses_a_folder_open_to_others(tmp_path: Path, held_outcome: int) -> None:
    """A backup folder that exists open to other users is refused, saying the chmod to run,
    and left as it was; a new one is made 0700."""
    (tmp_path / "open").mkdir(mode=0o755)
    (tmp_path / "open").chmod(0o755)
    code, said = _backup(tmp_path / "open")
    assert code == 2
    assert f"run `chmod 700 {tmp_path / 'open'}`" in said
    assert not any((tmp_path / "open").iterdir())
    assert _backup(tmp_path / "new" / "backup")[0] == 0
    assert (tmp_path / "new" / "backup").stat().st_mode & 0o777 == 0o700


def test_the_snapshot_is_private_while_it_is_written(
    tmp_path: Path, held_outcome: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_dump writes into a file that is 0600 from the start, whatever the umask (it used
    to create it 0644 and confide to chmod it afterwards)."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is used on PostgreSQL only")
    real = shutil.which("pg_dump")
    if real is None:
        pytest.skip("pg_dump is not installed")
    tools = tmp_path / "bin"
    tools.mkdir()
    seen = tmp_path / "mode-while-written"
    (tools / "pg_dump").write_text(
        "#!/bin/sh\n"
        f'[ "$1" = --version ] && exec {real} --version\n'
        f'{real} "$@" || exit 1\n'
        'out=/proc/$$/fd/1; for a; do case "$a" in --file=*) out="${a#--file=}";; esac; done\n'
        'mode=$(stat -L -c %a "$out")\n'
        f'echo "$mode" > {seen}\n'
    )
    (tools / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    old = os.umask(0o022)
    try:
        assert _backup(tmp_path / "backup") == (0, "")
    finally:
        os.umask(old)
    assert seen.read_text().strip() == "600"


def test_restore_refuses_a_database_holding_other_tables(
    backup_dir: Path, restored_url: str, confide_on: Callable[[str], Run]
) -> None:
    """On PostgreSQL, a database that holds a table confide did not make is refused, even
    with --force, and the table is left as it was."""
    if connection.vendor != "postgresql":
        pytest.skip("a SQLite database is confide's own file")
    confide = confide_on(restored_url)
    assert confide("init").returncode == 0
    target = restored_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(target, autocommit=True) as other:
        other.execute("CREATE TABLE rota_shifts (id int)")
        other.execute("INSERT INTO rota_shifts VALUES (1)")
    refused = confide("restore", backup_dir, "--force")
    assert refused.returncode == 2
    assert "holds tables that are not confide's (rota_shifts)" in refused.stderr
    with psycopg.connect(target) as other:
        assert other.execute("SELECT count(*) FROM rota_shifts").fetchone() == (1,)


def test_a_refused_restore_into_a_new_sqlite_file_leaves_no_file(
    backup_dir: Path, tmp_path: Path, confide_on: Callable[[str], Run]
) -> None:
    """A restore into a folder open to others (as /tmp/try made by a plain mkdir) is refused
    with the chmod to run, and leaves no empty database file behind."""
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite file")
    (tmp_path / "try").mkdir(mode=0o755)
    (tmp_path / "try").chmod(0o755)
    database = tmp_path / "try" / "confide.sqlite3"
    refused = confide_on(f"sqlite:///{database}")("restore", backup_dir)
    assert refused.returncode == 2
    assert "chmod 700" in refused.stderr
    assert list((tmp_path / "try").iterdir()) == []
