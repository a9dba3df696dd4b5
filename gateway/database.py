"""The database schema, brought up to date by the commands that need it, and connections
that recover when the server drops them.

An admin who installs confide and runs ``confide consent import`` should not have to know
about ``confide migrate`` first: commands that use the database call ``ensure_schema()``.
"""

from __future__ import annotations

import fcntl
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import close_old_connections, connection
from django.db.migrations.executor import MigrationExecutor

log = logging.getLogger("confide.database")

# The key of the PostgreSQL advisory lock that lets one process migrate while the others
# starting beside it (relay, watcher, another node) wait: any constant shared by all of them.
_MIGRATION_LOCK = 0x636F6E66  # "conf"


def ensure_schema() -> None:
    """Apply any unapplied migrations, quietly; one query when there are none.

    On SQLite the database file's directory (``data_dir``) is created first. Processes that
    start together take turns: a lock file beside the SQLite file, an advisory lock on
    PostgreSQL.
    """
    sqlite_file = _sqlite_file()
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    if not _unapplied():
        return
    with _migration_lock(sqlite_file):
        if _unapplied():  # another process may have migrated while this one waited
            log.info("applying database migrations")
            call_command("migrate", interactive=False, verbosity=0)


def on_usable_connection[**P, T](work: Callable[P, T]) -> Callable[P, T]:
    """``work``, run after dropping this thread's database connection if it has failed and no
    longer answers, or is older than ``CONN_MAX_AGE``; the next query then connects afresh.

    Django does this around every web request. The relay's threads and scanning workers live
    for as long as the relay, so each piece of their work starts with it: otherwise a
    connection the server dropped (a restart, a failover, an idle timeout) would stay broken
    in its thread, and fail everything that thread did, until confide restarted. The work
    that finds a connection broken fails as any outage does, and is retried.

    Only for work outside a transaction: a connection inside one is closed.
    """

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        close_old_connections()
        return work(*args, **kwargs)

    return run


def _unapplied() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _sqlite_file() -> Path | None:
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


@contextmanager
def _migration_lock(sqlite_file: Path | None) -> Iterator[None]:
    if sqlite_file is not None:
        with sqlite_file.with_name(sqlite_file.name + ".migrate-lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            yield
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_MIGRATION_LOCK])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_MIGRATION_LOCK])
    else:
        yield
