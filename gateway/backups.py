"""``confide backup`` and ``confide restore``: a consistent snapshot of the database in a
folder, with a manifest, and that snapshot put back.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the database in
one read transaction, so the relay may go on writing meanwhile; the copy is one file
(journal mode DELETE). PostgreSQL: ``pg_dump`` in its custom format, which reads in one
snapshot too; the local ``pg_dump`` must be at least the server's version (an older one
refuses or misreads a newer server), and ``pg_restore`` at least the ``pg_dump``'s.

What a backup never holds: the key file (``[relay] key_file``), without which the sealed
messages in the snapshot stay sealed, by design, and the pseudonym key (``[organisation]
pseudonym_key_file``): with it and the register's clear NHS and NI numbers, the pseudonyms
in redacted copies sent out could be traced back to people. Both are kept apart (README,
"Backups and keys"). Nothing here reads either file.

The manifest (``manifest.json``, written last: a folder without one is no backup) names the
confide version, the database engine, the schema migrations applied, when, and the
snapshot's SHA-256, which ``restore`` checks before it touches the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from gateway.database import ensure_database, ensure_schema, in_use
from gateway.register.models import Agency, Consent, Subject
from gateway.relay.models import Message
from gateway.review.models import AuditEntry, LogbookEntry

MANIFEST = "manifest.json"
FORMAT = 1  # of the folder and its manifest
SNAPSHOT = {"sqlite": "confide.sqlite3", "postgresql": "confide.pgdump"}
# The tables whose rows are the organisation's: a database with any is not overwritten
# without --force (a new database has the rows migrations make, such as roles, and none of
# these). Users are found through Django's own table.
DATA_MODELS = (Message, Subject, Consent, Agency, LogbookEntry, AuditEntry)
PG_TIMEOUT_SECONDS = 6 * 60 * 60  # a dump or restore taking longer has hung


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    format: int
    confide_version: str
    engine: str  # "sqlite" or "postgresql"
    snapshot: str  # the file's name in the folder
    sha256: str
    migrations: list[str]  # "app.name", sorted
    made_at: str  # ISO 8601, UTC
    pg_dump_version: str = ""  # PostgreSQL only: the major version that wrote the snapshot


def backup(folder: Path) -> Manifest:
    """Write a snapshot of the database and its manifest into ``folder`` (new or empty)."""
    engine = _engine()
    _empty_folder(folder)
    snapshot = folder / SNAPSHOT[engine]
    made_at = datetime.now(UTC).isoformat(timespec="seconds")
    if engine == "sqlite":
        _sqlite_backup(snapshot)
        migrations = _sqlite_migrations(snapshot)
        dump_version = ""
    else:
        dump_version = _pg_dump(snapshot)
        migrations = _applied_migrations()
    manifest = Manifest(
        format=FORMAT,
        confide_version=version("confide"),
        engine=engine,
        snapshot=snapshot.name,
        sha256=_sha256(snapshot),
        migrations=migrations,
        made_at=made_at,
        pg_dump_version=dump_version,
    )
    _write_manifest(folder, manifest)
    return manifest


def restore(folder: Path, *, force: bool = False) -> Manifest:
    """Put the snapshot in ``folder`` back in place of the database, then migrate it.

    Refuses, changing nothing, when the folder is no complete backup, its snapshot does not
    match its checksum, it is of another engine or of a schema this version does not know,
    confide is running on the database, or the database holds data and ``force`` is unset.
    """
    manifest = read_manifest(folder)
    engine = _engine()
    if manifest.engine != engine:
        raise BackupError(
            f"the backup is of a {manifest.engine} database and the database configured "
            f"(DATABASE_URL) is {engine}: restore into a {manifest.engine} database"
        )
    snapshot = folder / manifest.snapshot
    if not snapshot.is_file():
        raise BackupError(f"{snapshot} is missing: the backup is incomplete")
    if _sha256(snapshot) != manifest.sha256:
        raise BackupError(
            f"{snapshot} does not match the checksum in its manifest: the backup is damaged"
        )
    unknown = sorted(set(manifest.migrations) - _known_migrations())
    if unknown:
        raise BackupError(
            f"the backup's schema is newer than this confide knows ({len(unknown)} migration"
            f"{'s' if len(unknown) != 1 else ''} unknown, e.g. {unknown[0]}): install confide "
            f"{manifest.confide_version} or later, then restore"
        )
    if engine == "postgresql":
        _pg_tools_can_restore(manifest)
    ensure_database()
    if in_use():
        raise BackupError(
            "confide is running on this database (or another session is connected): "
            "stop it, on every node, then restore"
        )
    if not force and _holds_data():
        raise BackupError(
            "the database already holds messages, register entries, users or records: "
            "restore with --force to replace them all"
        )
    if engine == "sqlite":
        _sqlite_restore(snapshot)
    else:
        _pg_restore(snapshot)
    connection.close()
    ensure_schema()
    return manifest


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} is missing: {folder} is no complete confide backup") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise BackupError(f"{path} is not a confide backup manifest this version reads")
    try:
        return Manifest(**found)
    except TypeError:
        raise BackupError(f"{path} is not a confide backup manifest this version reads") from None


def _engine() -> str:
    if connection.vendor not in SNAPSHOT:
        raise BackupError(f"confide backs up SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def _empty_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if any(folder.iterdir()):
            raise BackupError(
                f"{folder} is not empty: give each backup a new folder (for example one "
                "named by the date)"
            )
    except OSError as exc:
        raise BackupError(f"cannot write the backup to {folder}: {exc.strerror}") from None


def _sqlite_backup(snapshot: Path) -> None:
    """Copy the database, which must exist (connecting would make an empty one), as it is:
    never migrated first, so that a backup taken before an upgrade is of the old schema."""
    name = str(connection.settings_dict["NAME"])
    if not name.startswith("file:") and not (Path(name).is_file() and Path(name).stat().st_size):
        raise BackupError(f"there is no database at {name}: nothing to back up")
    connection.ensure_connection()
    os.close(os.open(snapshot, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    copy = sqlite3.connect(snapshot)
    try:
        connection.connection.backup(copy)  # every page in one step: one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()


def _sqlite_restore(snapshot: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"{snapshot.absolute().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(f"the snapshot could not be restored: {exc}") from None
    finally:
        source.close()


def _sqlite_migrations(snapshot: Path) -> list[str]:
    copy = sqlite3.connect(f"{snapshot.absolute().as_uri()}?mode=ro", uri=True)
    try:
        rows = copy.execute("SELECT app, name FROM django_migrations").fetchall()
    finally:
        copy.close()
    return sorted(f"{app}.{name}" for app, name in rows)


def _applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def _known_migrations() -> set[str]:
    return {f"{app}.{name}" for app, name in MigrationLoader(None).graph.nodes}


def _holds_data() -> bool:
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in [model._meta.db_table for model in DATA_MODELS] + ["auth_user"]:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 - our names
                if cursor.fetchone():
                    return True
    return False


def _pg_dump(snapshot: Path) -> str:
    """Run pg_dump into ``snapshot``; returns its major version."""
    dump_version = _tool_major("pg_dump")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
        server = int(cursor.fetchone()[0])
    if dump_version < server:
        raise BackupError(
            f"pg_dump is version {dump_version} and the server {server}: install the "
            f"PostgreSQL {server} client tools (pg_dump must be at least the server's version)"
        )
    _run_pg(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={snapshot}"])
    os.chmod(snapshot, 0o600)
    return str(dump_version)


def _pg_tools_can_restore(manifest: Manifest) -> None:
    restore_version = _tool_major("pg_restore")
    if manifest.pg_dump_version and restore_version < int(manifest.pg_dump_version):
        raise BackupError(
            f"pg_restore is version {restore_version} and the backup was written by pg_dump "
            f"{manifest.pg_dump_version}: install the PostgreSQL {manifest.pg_dump_version} "
            "client tools (or later)"
        )


def _pg_restore(snapshot: Path) -> None:
    """Empty the database of confide's tables, then restore the dump into it, in one
    transaction each (a failed restore leaves the database empty, never half-filled)."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")
    connection.close()
    _run_pg(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(snapshot),
        ]
    )


def _tool_major(tool: str) -> int:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client tools of the server's "
            "version (Debian and Ubuntu: postgresql-client)"
        )
    said = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"(\d+)(?:\.\d+)?", said.stdout)
    if found is None:
        raise BackupError(f"{tool} --version said nothing confide understands: {said.stdout!r}")
    return int(found.group(1))


def _run_pg(command: list[str]) -> None:
    """Run a PostgreSQL client tool against the configured database; the connection's
    settings go in its environment, so no password is on a command line."""
    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(settings["NAME"])}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings[key]:
            env[variable] = str(settings[key])
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    try:
        done = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            timeout=PG_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{command[0]} took longer than {PG_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise BackupError(f"{command[0]} failed: {said[-1] if said else done.returncode}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    temporary = folder / f".{MANIFEST}.new"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(asdict(manifest), file, indent=2)
        file.write("\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, folder / MANIFEST)
