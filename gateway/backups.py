"""``confide backup`` and ``confide restore``: a consistent snapshot of the database in a
folder, with the sealed files of the documents the watcher holds and a manifest, and that
snapshot put back.

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

Held documents: a document the watcher holds is only in its quarantine, sealed (with the key
file, so copying it needs no key). The backup copies each one a row of the snapshot refers
to into ``quarantine/<row id>``, consistently with the snapshot: every sealed file is copied
once before the snapshot is taken (so one released meanwhile is still in the backup), then
those the snapshot refers to that were quarantined, or re-sealed, meanwhile are copied
again. A row whose sealed file could be found neither time is named in the manifest
(``missing_held``), and both ``backup`` and ``restore`` say so. ``restore`` puts the files
into the configured quarantine and points the rows at them.

The manifest (``manifest.json``, written last: a folder without one is no backup) names the
confide version, the database engine, the schema migrations applied, when, and the SHA-256
of the snapshot and of each sealed file, which ``restore`` checks before it touches the
database.

Everything is created 0600 (folders 0700) from the start, and a backup folder open to other
users is refused. A backup that fails removes what it wrote; a restore into a SQLite file it
had to create removes the file when it fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q

from gateway.config import load_settings
from gateway.database import ensure_database, ensure_schema, in_use
from gateway.register.models import Agency, Consent, Subject
from gateway.relay.models import Message
from gateway.review.models import AuditEntry, LogbookEntry
from gateway.watcher.models import Placement, WatchedFile

MANIFEST = "manifest.json"
FORMAT = 1  # of the folder and its manifest
SNAPSHOT = {"sqlite": "confide.sqlite3", "postgresql": "confide.pgdump"}
QUARANTINE = "quarantine"  # the folder in a backup holding held documents' sealed files
# The tables whose rows are the organisation's: a database with any is not overwritten
# without --force (a new database has the rows migrations make, such as roles, and none of
# these). Users are found through Django's own table.
DATA_MODELS = (Message, Subject, Consent, Agency, LogbookEntry, AuditEntry, WatchedFile)
PG_TIMEOUT_SECONDS = 6 * 60 * 60  # a dump or restore taking longer has hung
# How long a restore waits for the sessions of a confide just stopped to end (its scanning
# processes leave after it, slowly on a busy machine). The tests of a refusal, which wait it
# out in full, shorten it with CONFIDE_TEST_IN_USE_WAIT_SECONDS.
IN_USE_WAIT_SECONDS = float(os.environ.get("CONFIDE_TEST_IN_USE_WAIT_SECONDS", "15"))


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
    # Held documents' sealed files in quarantine/: row id -> the file's SHA-256.
    held_documents: dict[str, str] = field(default_factory=dict)
    # Rows of the snapshot that hold a document whose sealed file was not found.
    missing_held: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Restored:
    """What ``restore`` did: the backup's manifest, the held documents left without a sealed
    file, and where the quarantine's earlier files were moved (``--force``), if anywhere."""

    manifest: Manifest
    quarantine: Path
    missing_held: list[int]
    moved_aside: Path | None


def backup(folder: Path) -> Manifest:
    """Write a snapshot of the database, the sealed files of the documents it holds and its
    manifest into ``folder`` (new, or empty and private); what was written is removed when
    it fails."""
    engine = _engine()
    if engine == "sqlite":
        _sqlite_present()
    dump_version = _pg_dump_usable() if engine == "postgresql" else ""
    created = _private_empty_folder(folder)
    try:
        return _backup_into(folder, engine, dump_version)
    except OSError as exc:  # a full disk, a folder that went away
        _remove_written(folder, created=created)
        raise BackupError(f"cannot write the backup to {folder}: {exc.strerror}") from None
    except BaseException:
        _remove_written(folder, created=created)
        raise


def _backup_into(folder: Path, engine: str, dump_version: str) -> Manifest:
    snapshot = folder / SNAPSHOT[engine]
    made_at = datetime.now(UTC).isoformat(timespec="seconds")
    copies = _HeldCopies(folder / QUARANTINE)
    with connection.cursor() as cursor:  # before the snapshot: kept if released meanwhile
        for row in _held_rows(cursor, connection.introspection.table_names(cursor)):
            copies.copy(row)
    if engine == "sqlite":
        _sqlite_backup(snapshot)
        migrations, rows = _sqlite_contents(snapshot)
    else:
        migrations, rows = _pg_dump(snapshot)
    held, missing = copies.settle(rows)
    manifest = Manifest(
        format=FORMAT,
        confide_version=version("confide"),
        engine=engine,
        snapshot=snapshot.name,
        sha256=_sha256(snapshot),
        migrations=migrations,
        made_at=made_at,
        pg_dump_version=dump_version,
        held_documents=held,
        missing_held=missing,
    )
    _write_manifest(folder, manifest)
    return manifest


def restore(folder: Path, *, force: bool = False) -> Restored:
    """Put the snapshot in ``folder`` back in place of the database, then migrate it, and
    put the held documents' sealed files into the configured quarantine.

    Refuses, changing nothing, when the folder is no complete backup, a file in it does not
    match its checksum, it is of another engine or of a schema this version does not know,
    confide is running on the database, the database holds tables that are not confide's,
    or, unless ``force`` is set, the database holds data or the quarantine holds files.
    """
    manifest = read_manifest(folder)
    engine = _engine()
    if manifest.engine != engine:
        raise BackupError(
            f"the backup is of a {manifest.engine} database and the database configured "
            f"(DATABASE_URL) is {engine}: restore into a {manifest.engine} database"
        )
    snapshot = folder / manifest.snapshot
    _check_file(snapshot, manifest.sha256)
    for row_id, sha256 in manifest.held_documents.items():
        _check_file(folder / QUARANTINE / row_id, sha256)
    unknown = sorted(set(manifest.migrations) - _known_migrations())
    if unknown:
        raise BackupError(
            f"the backup's schema is newer than this confide knows ({len(unknown)} migration"
            f"{'s' if len(unknown) != 1 else ''} unknown, e.g. {unknown[0]}): install confide "
            f"{manifest.confide_version} or later, then restore"
        )
    if engine == "postgresql":
        _pg_tools_can_restore(manifest)
    place = load_settings().quarantine
    new_file = _new_sqlite_file()
    try:
        _database_ready_for(manifest, place, force=force)
        if engine == "sqlite":
            _sqlite_restore(snapshot)
        else:
            _pg_restore(snapshot)
    except BaseException:
        if new_file is not None:  # made for this restore: no empty database left behind
            _remove_sqlite_file(new_file)
        raise
    connection.close()
    ensure_schema()
    moved_aside = _quarantine_emptied(place) if manifest.held_documents else None
    missing = _put_back_held(folder / QUARANTINE, manifest, place)
    return Restored(manifest, place, missing, moved_aside)


def _still_in_use() -> bool:
    """Whether confide still runs on the database after a short wait: a PostgreSQL server
    ends the sessions of a confide just stopped a moment after it has gone, and a restore
    run straight after stopping it should not be refused for that."""
    deadline = time.monotonic() + IN_USE_WAIT_SECONDS
    while in_use():
        if time.monotonic() > deadline:
            return True
        time.sleep(0.2)
    return False


def _database_ready_for(manifest: Manifest, place: Path, *, force: bool) -> None:
    ensure_database()
    if _still_in_use():
        raise BackupError(
            "confide is running on this database (or another session is connected): "
            "stop it, on every node, then restore"
        )
    if connection.vendor == "postgresql":
        _refuse_tables_not_confides()
    if not force and _holds_data():
        raise BackupError(
            "the database already holds messages, documents, register entries, users or "
            "records: restore with --force to replace them all"
        )
    if not force and manifest.held_documents and _has_entries(place):
        raise BackupError(
            f"the quarantine {place} already holds files (held documents of another "
            "database?): restore with --force to move them aside, or point watch.quarantine "
            "(CONFIDE_WATCH__QUARANTINE) at an empty folder"
        )


def _check_file(path: Path, sha256: str) -> None:
    if not path.is_file():
        raise BackupError(f"{path} is missing: the backup is incomplete")
    if _sha256(path) != sha256:
        raise BackupError(
            f"{path} does not match the checksum in its manifest: the backup is damaged"
        )


def listed(ids: list[int]) -> str:
    """Row ids for a message: the first ten, and how many more."""
    more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
    return ", ".join(map(str, ids[:10])) + more


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


def _private_empty_folder(folder: Path) -> bool:
    """Make ``folder`` (0700), or check that it is empty and open to no one else; whether
    it was made here."""
    created = not folder.exists()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if any(folder.iterdir()):
            raise BackupError(
                f"{folder} is not empty: give each backup a new folder (for example one "
                "named by the date)"
            )
        mode = stat.S_IMODE(folder.stat().st_mode)
    except OSError as exc:
        raise BackupError(f"cannot write the backup to {folder}: {exc.strerror}") from None
    if mode & 0o077:
        raise BackupError(
            f"{folder} is open to other users (mode {mode:04o}) and a backup holds personal "
            f"data: run `chmod 700 {folder}`, or give a folder that does not exist yet"
        )
    return created


def _remove_written(folder: Path, *, created: bool) -> None:
    """Remove what a failed backup wrote: the folder, if it made it; else what is in it
    (it was empty)."""
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    except OSError:
        pass  # gone, or not ours to clear: the failure itself is what is reported


def _sqlite_present() -> None:
    """Refuse when there is no database to back up: connecting would make an empty one."""
    name = str(connection.settings_dict["NAME"])
    if not name.startswith("file:") and not (Path(name).is_file() and Path(name).stat().st_size):
        raise BackupError(f"there is no database at {name}: nothing to back up")


def _sqlite_backup(snapshot: Path) -> None:
    """Copy the database as it is: never migrated first, so that a backup taken before an
    upgrade is of the old schema."""
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


def _sqlite_contents(snapshot: Path) -> tuple[list[str], list[HeldRow]]:
    """The migrations applied in the snapshot, and the held documents' rows in it."""
    copy = sqlite3.connect(f"{snapshot.absolute().as_uri()}?mode=ro", uri=True)
    try:
        cursor = copy.cursor()
        tables = [row[0] for row in cursor.execute("SELECT name FROM sqlite_master")]
        return _applied_migrations(cursor), _held_rows(cursor, tables)
    finally:
        copy.close()


def _new_sqlite_file() -> Path | None:
    """The SQLite file ``restore`` is to make (it does not exist yet), else None."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or not name or name.startswith(("file:", ":memory:")):
        return None
    path = Path(name)
    return None if path.exists() else path


def _remove_sqlite_file(path: Path) -> None:
    connection.close()
    for end in ("", "-wal", "-shm", "-journal", ".in-use", ".migrate-lock"):
        path.with_name(path.name + end).unlink(missing_ok=True)


def _applied_migrations(cursor: Any) -> list[str]:
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


def _confides_tables() -> set[str]:
    """The tables of confide's schema: its models' (Django's, django-axes' and the others
    it installs among them) and Django's record of migrations."""
    return {*connection.introspection.django_table_names(), _MIGRATIONS}


_MIGRATIONS = "django_migrations"


def _refuse_tables_not_confides() -> None:
    """Refuse a PostgreSQL database that holds tables confide did not make: restore empties
    the database of confide's tables, and another program's are not confide's to replace."""
    others = sorted(set(connection.introspection.table_names()) - _confides_tables())
    if others:
        named = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise BackupError(
            f"the database holds tables that are not confide's ({named}): restore into a "
            "database of confide's own (createdb, then DATABASE_URL)"
        )


# ---- held documents' sealed files ----


@dataclass(frozen=True)
class HeldRow:
    """A row of the snapshot whose document is (or may be) sealed in the quarantine."""

    id: int
    sealed: Path
    required: bool  # False while a move is under way: the file may be half-made, or gone


def _held_rows(cursor: Any, tables: Iterable[str]) -> list[HeldRow]:
    """The rows, read with ``cursor`` (of the database or of a snapshot), whose documents
    are sealed in the quarantine: held, rejected, released marked (the original stays), or
    being moved in or out."""
    table = WatchedFile._meta.db_table
    if table not in tables:
        return []
    moving = (Placement.QUARANTINING.value, Placement.RELEASING.value)
    cursor.execute(
        "SELECT id, placement, quarantined_as, moving_from, moving_to"  # noqa: S608 - ours
        f" FROM {table} WHERE quarantined_as <> '' OR placement IN {moving!r}"
    )
    found = []
    for row_id, placement, held, moving_from, moving_to in cursor.fetchall():
        if placement == Placement.QUARANTINING:
            found.append(HeldRow(row_id, Path(moving_to), required=False))
        elif placement == Placement.RELEASING:
            found.append(HeldRow(row_id, Path(moving_from), required=False))
        else:
            found.append(HeldRow(row_id, Path(held), required=True))
    return found


Signature = tuple[str, int, int, int, int]  # path, device, inode, size, mtime (ns)


class _HeldCopies:
    """The sealed files copied into a backup's quarantine folder, with where each came
    from, as the file was then."""

    def __init__(self, place: Path) -> None:
        self.place = place
        self.copied: dict[int, Signature] = {}

    def copy(self, row: HeldRow) -> None:
        """Copy the row's sealed file (again), if it is there."""
        self.place.mkdir(mode=0o700, exist_ok=True)
        try:
            self.copied[row.id] = _copy_private(row.sealed, self.place / str(row.id))
        except FileNotFoundError:
            return
        except OSError as exc:
            raise BackupError(
                f"cannot copy held document {row.id}'s sealed file: {exc.strerror}"
            ) from None

    def settle(self, rows: list[HeldRow]) -> tuple[dict[str, str], list[int]]:
        """Make the copies match the snapshot's ``rows``: copy those quarantined or re-sealed
        since the first copy, drop those the snapshot does not hold; the copies' SHA-256 by
        row id, and the rows whose file was found neither time."""
        wanted = {row.id for row in rows}
        for row_id in set(self.copied) - wanted:
            self._drop(row_id)
        missing = []
        for row in rows:
            now = _signature(row.sealed)
            if now is not None and self.copied.get(row.id) != now:
                self.copy(row)
            copied = self.copied.get(row.id)
            if copied is None or copied[0] != str(row.sealed):
                self._drop(row.id)
                if row.required:
                    missing.append(row.id)
        if self.place.is_dir() and not self.copied:
            self.place.rmdir()
        held = {str(row_id): _sha256(self.place / str(row_id)) for row_id in sorted(self.copied)}
        return held, sorted(missing)

    def _drop(self, row_id: int) -> None:
        (self.place / str(row_id)).unlink(missing_ok=True)
        self.copied.pop(row_id, None)


def _signature(path: Path) -> Signature | None:
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return (str(path), found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def _copy_private(source: Path, target: Path) -> Signature:
    """Copy ``source`` (never through a link) to ``target``, 0600, whole or not at all; the
    source's signature as copied."""
    partial = target.with_name(target.name + ".partial")
    reading = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(reading, "rb") as source_file:
        found = os.fstat(source_file.fileno())
        writing = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(writing, "wb") as target_file:
            shutil.copyfileobj(source_file, target_file, 1 << 20)
            target_file.flush()
            os.fsync(target_file.fileno())
    os.replace(partial, target)
    return (str(source), found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def _has_entries(place: Path) -> bool:
    try:
        return any(place.iterdir())
    except FileNotFoundError:
        return False


def _quarantine_emptied(place: Path) -> Path | None:
    """Move a quarantine that holds files aside (``--force``), beside itself; where to."""
    if not _has_entries(place):
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = place.with_name(f"{place.name}.before-restore-{stamp}")
    try:
        place.rename(aside)
    except OSError as exc:
        raise BackupError(
            f"the database is restored, but the quarantine {place} could not be moved aside "
            f"({exc.strerror}): move it yourself, then restore again with --force"
        ) from None
    return aside


def _put_back_held(copies: Path, manifest: Manifest, place: Path) -> list[int]:
    """Copy the backup's sealed files into the quarantine at ``place`` and point the restored
    rows at them; the ids of the rows holding a document that now has no sealed file."""
    try:
        place.mkdir(mode=0o700, parents=True, exist_ok=True)
        for row_id in manifest.held_documents:
            _copy_private(copies / row_id, place / row_id)
    except OSError as exc:
        raise BackupError(
            f"the database is restored, but the held documents' sealed files could not all be "
            f"copied into the quarantine {place} ({exc.strerror}): put that right, then "
            "restore again with --force"
        ) from None
    missing = []
    rows = WatchedFile.objects.filter(
        Q(quarantined_as__gt="") | Q(placement__in=(Placement.QUARANTINING, Placement.RELEASING))
    )
    for row in rows.order_by("id"):
        sealed = str(place / str(row.id))
        if row.quarantined_as:
            row.quarantined_as = sealed
        if row.placement == Placement.QUARANTINING:
            row.moving_to = sealed
        elif row.placement == Placement.RELEASING:
            row.moving_from = sealed
        row.save(update_fields=["quarantined_as", "moving_from", "moving_to"])
        if row.placement != Placement.QUARANTINING and str(row.id) not in manifest.held_documents:
            missing.append(row.id)
    return missing


# ---- PostgreSQL ----


def _pg_dump_usable() -> str:
    """The major version of the local pg_dump, checked against the server's."""
    dump_version = _tool_major("pg_dump")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
        server = int(cursor.fetchone()[0])
    if dump_version < server:
        raise BackupError(
            f"pg_dump is version {dump_version} and the server {server}: install the "
            f"PostgreSQL {server} client tools (pg_dump must be at least the server's version)"
        )
    return str(dump_version)


def _pg_dump(snapshot: Path) -> tuple[list[str], list[HeldRow]]:
    """Run pg_dump into ``snapshot`` (made 0600 first), in a snapshot this transaction
    exports; the migrations applied and held documents' rows, read in that snapshot."""
    written = os.open(snapshot, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        exported = cursor.fetchone()[0]
        with os.fdopen(written, "wb") as output:
            _run_pg(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={exported}",
                ],
                stdout=output,
            )
        tables = connection.introspection.table_names(cursor)
        return _applied_migrations(cursor), _held_rows(cursor, tables)


def _pg_tools_can_restore(manifest: Manifest) -> None:
    restore_version = _tool_major("pg_restore")
    if manifest.pg_dump_version and restore_version < int(manifest.pg_dump_version):
        raise BackupError(
            f"pg_restore is version {restore_version} and the backup was written by pg_dump "
            f"{manifest.pg_dump_version}: install the PostgreSQL {manifest.pg_dump_version} "
            "client tools (or later)"
        )


def _pg_restore(snapshot: Path) -> None:
    """Empty the database of confide's tables (it holds no others: checked before), then
    restore the dump into it, in one transaction each (a failed restore leaves the database
    empty, never half-filled)."""
    quote = connection.ops.quote_name
    ours = _confides_tables()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in ours:
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


def _run_pg(command: list[str], stdout: IO[bytes] | None = None) -> None:
    """Run a PostgreSQL client tool against the configured database; the connection's
    settings go in its environment, so no password is on a command line. Its output goes
    to ``stdout`` when given."""
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
            stdout=stdout if stdout is not None else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=PG_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{command[0]} took longer than {PG_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
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
