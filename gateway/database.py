"""The database schema, brought up to date by the commands that need it, and connections
that recover when the server drops them.

Only ``confide init`` (or ``confide run --init``) creates a database: every other command
that finds none refuses to start, so that confide started from the wrong directory, or with
a mistyped setting, does not quietly work on a new, empty register. Commands that use the
database call ``ensure_schema()``, which brings an existing database's schema up to date.

The SQLite database holds the register (NHS and NI numbers in clear): its directory is
created 0700 and the file 0600 (SQLite gives its WAL and journal files the database's mode),
and confide refuses to start while any of them is open to other users.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import os
import re
import secrets
import select
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connection
from django.db.migrations.executor import MigrationExecutor
from psycopg import pq

from gateway.config import StartupError

log = logging.getLogger("confide.database")

# The key of the PostgreSQL advisory lock that lets one process migrate while the others
# starting beside it (relay, watcher, another node) wait: any constant shared by all of them.
_MIGRATION_LOCK = 0x636F6E66  # "conf"


# The files SQLite keeps beside the database, which hold its data too.
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def ensure_schema(*, create: bool = False) -> None:
    """Apply any unapplied migrations, quietly; one query when there are none.

    A database that does not exist is created when ``create`` is set (``confide init``) and
    is otherwise a ``StartupError`` naming where it was looked for. Processes that start
    together take turns: a lock file beside the SQLite file, an advisory lock on PostgreSQL.
    """
    sqlite_file = _sqlite_file()
    if sqlite_file is not None:
        _sqlite_ready(sqlite_file, create=create)
    else:
        _server_ready(create=create)
    if not _unapplied():
        return
    with _migration_lock(sqlite_file):
        if _unapplied():  # another process may have migrated while this one waited
            log.info("applying database migrations")
            call_command("migrate", interactive=False, verbosity=0)


def ensure_database() -> None:
    """Create the database if there is none (as ``confide init`` does), leaving its schema as
    it is: ``confide restore`` fills it."""
    sqlite_file = _sqlite_file()
    if sqlite_file is not None:
        _sqlite_ready(sqlite_file, create=True)
    else:
        _server_ready(create=True)


@contextmanager
def running() -> Iterator[None]:
    """Mark a long-running confide (relay, run) as using the SQLite database: a shared lock
    on a file beside it, held until the block ends (or the process dies), which
    ``confide restore`` checks with ``in_use``."""
    sqlite_file = _sqlite_file()
    if sqlite_file is None:
        yield
        return
    with _file_lock(_in_use_file(sqlite_file), fcntl.LOCK_SH):
        yield


@contextmanager
def only_node_named(node: str, lost: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the relay node name ``node`` on this database until the block ends (or the
    process dies): a ``StartupError`` if another process holds it. Two relays under one
    name would each take the other's claims for their own (a node gives back its claims as
    it starts), and scan and send the same work twice.

    On PostgreSQL, a session-level advisory lock on a connection of its own, which the
    server lets go when that connection ends, so a node killed outright (``kill -9``, a
    power cut) frees its name at once; on SQLite, a lock file beside the database.

    A PostgreSQL connection can end under a running node too (a server restart, a failover,
    ``pg_terminate_backend``): the name is then taken again on a new connection as soon as
    the server answers. One can also be cut off without a word (a network or firewall
    dropping it): it stops answering, and the server, which may not see the end for hours,
    keeps the name for it; the node then ends that session, its own for sure, and takes the
    name again (``_NameKeeper``). If another process took it meanwhile, ``lost`` is called
    (from another thread) with what to say: the node must stop working on its claims at once.

    A node cut off so and then stopped (killed, or restarted with a new process) cannot end
    that session as its own: the server ends it once it has sat idle for
    ``_KEEPER_IDLE_SECONDS`` (PostgreSQL 14's idle_session_timeout, set on it alone), and a
    node starting meanwhile waits for it, saying so (``_advisory_lock_held``). An older
    server keeps it until its TCP keepalives give up (set on it too, over TCP): a node
    starting meanwhile is refused, told which session to end.
    """
    key = node_key(node)
    sqlite_file = _sqlite_file()
    if connection.vendor == "postgresql":
        application = _KEEPER_APPLICATION.format(token=secrets.token_hex(8))
        connect = functools.partial(
            _keeper_connection,
            {
                **connection.get_connection_params(),
                "application_name": application,
                "connect_timeout": _CONNECT_SECONDS,
            },
        )
        with _advisory_lock_held(key, connect, node) as (refusal, raw):
            if refusal is not None:
                raise StartupError(refusal)
            assert raw is not None
            keeper = _NameKeeper(raw, key, node, lost, connect=connect, application=application)
            keeper.start()
            try:
                yield
            finally:
                keeper.stop()
        return
    if sqlite_file is None:  # in memory: only this process sees it
        yield
        return
    lock_file = sqlite_file.with_name(f"{sqlite_file.name}.node-{key & 0xFFFFFFFFFFFF:012x}")
    with ExitStack() as held:
        try:
            held.enter_context(_file_lock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB))
        except BlockingIOError:
            raise StartupError(_node_in_use(node, "another process on this machine")) from None
        yield


def node_key(node: str) -> int:
    """The number standing for node name ``node``: its advisory lock's on PostgreSQL."""
    key = int.from_bytes(hashlib.sha256(b"confide node " + node.encode()).digest()[:8], "big")
    return key - (1 << 63) if key >= 1 << 63 else key  # PostgreSQL's bigint is signed


# How long a node starting waits for its name to come free: the server may take a moment
# to see that the connection of a node just killed (and restarted by its supervisor) ended.
_NODE_NAME_WAIT_SECONDS = 5.0
# How often a running node asks the connection holding its name whether it is still there,
# and, when it is not, tries to take the name again: a connection the server ends is seen
# at once (its socket becomes readable), one cut off silently within this and ANSWER_SECONDS.
_NODE_NAME_CHECK_SECONDS = 1.0
# How long a check of the database (the node name's, /readyz's) waits for an answer,
# connecting included, before it counts the database as not answering: a server that hangs,
# or a network that drops a connection without a word, is never waited on. Timed here, in
# confide, not by the server (a statement_timeout): a server that does not answer, or never
# receives the query, cannot time it out. libpq's connect_timeout is in whole seconds, 2 at
# least; a readiness probe's own timeout is often 5 s (docker/Dockerfile).
ANSWER_SECONDS = 2.0
_CONNECT_SECONDS = max(2, round(ANSWER_SECONDS))
# The application_name a node's name is held under: with a random part of its own, so that
# the node can tell its own session holding the name (one cut off silently, which the
# server has not yet ended) from any other, which it never ends.
_KEEPER_APPLICATION = "confide node {token}"
# How long the server lets the session holding a node's name sit idle before ending it
# (idle_session_timeout, on that session alone): its node asks it something every
# _NODE_NAME_CHECK_SECONDS, so only a session cut off from its node, or whose node is gone
# without its close reaching the server, sits idle that long. Otherwise the server keeps
# such a session until TCP gives up on it (hours by default), and with it the name.
_KEEPER_IDLE_SECONDS = 15.0
# The first PostgreSQL with idle_session_timeout (14), as server_version_num gives it.
_IDLE_TIMEOUT_SINCE = 140000
# The server's TCP keepalives on that session, for servers without idle_session_timeout:
# a peer gone without a word is given up after about idle + interval x count = 25 s (over
# TCP; a local socket has none). The server's defaults follow the system's: two hours.
_KEEPER_KEEPALIVES = {
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
}
# A node's session that has said nothing for this long has lost its node (a live node asks
# it something every _NODE_NAME_CHECK_SECONDS): a node starting under that name waits for
# the server to end it.
_KEEPER_SILENT_SECONDS = 3 * _NODE_NAME_CHECK_SECONDS


def _keeper_connection(params: dict[str, Any]) -> Any:
    """A new connection (``params``) to hold a node's name on, in autocommit, carrying the
    server's bounds on a silent peer (``_KEEPER_IDLE_SECONDS`` where the server has
    idle_session_timeout, which an older one would refuse, and ``_KEEPER_KEEPALIVES``)."""
    raw = connection.get_new_connection(params)
    try:
        raw.autocommit = True
        settings = dict(_KEEPER_KEEPALIVES)
        if raw.info.server_version >= _IDLE_TIMEOUT_SINCE:
            settings["idle_session_timeout"] = str(round(_KEEPER_IDLE_SECONDS * 1000))  # ms
        calls = ", ".join(
            f"set_config(${2 * n + 1}, ${2 * n + 2}, false)" for n in range(len(settings))
        )
        answer_within(raw, f"SELECT {calls}", [part for pair in settings.items() for part in pair])
    except BaseException:
        raw.close()
        raise
    return raw


@contextmanager
def _advisory_lock_held(
    key: int, connect: Callable[[], Any], node: str
) -> Iterator[tuple[str | None, Any]]:
    """Take node ``node``'s session-level advisory lock ``key`` on a new connection
    (``connect``), kept until the block ends; yields (None, the connection) once taken, or,
    when another session holds it, (what to say, None).

    Waits ``_NODE_NAME_WAIT_SECONDS`` for the name; longer, up to ``_KEEPER_IDLE_SECONDS``,
    for a node's session fallen silent (``_Holder.silent``) that the server will end."""
    deadline = time.monotonic() + _NODE_NAME_WAIT_SECONDS
    waited_for: int | None = None  # the silent session waited for
    while True:
        raw, holder = _take_lock(connect, key)
        if raw is not None:
            break
        silent = holder is not None and holder.silent and holder.ended_when_idle
        if silent and holder is not None and waited_for != holder.pid:
            waited_for = holder.pid
            left = _KEEPER_IDLE_SECONDS - holder.silent_seconds + _NODE_NAME_WAIT_SECONDS
            deadline = max(deadline, time.monotonic() + left)
            log.warning(
                "node name %r is held by a session silent for %.0f s (server process %d), "
                "as a node cut off from the database leaves it: waiting up to %.0f s for the "
                "server to end it (idle_session_timeout)",
                node,
                holder.silent_seconds,
                holder.pid,
                left,
            )
        if time.monotonic() >= deadline:
            yield _refusal(node, holder), None
            return
        time.sleep(0.5)
    try:
        yield None, raw
    finally:
        raw.close()


@dataclass(frozen=True)
class _Holder:
    """The session holding an advisory lock: its server process, where it connected from,
    the application_name it carries, how long it has sat idle (0 when it is not idle, or
    the server does not show it), and whether the server ends a session left idle
    (``_IDLE_TIMEOUT_SINCE``)."""

    pid: int
    address: str
    application: str
    silent_seconds: float = 0.0
    ended_when_idle: bool = False

    @property
    def silent(self) -> bool:
        """Whether it is a node's session (by its application_name) that has lost its node."""
        node_session = self.application.startswith(_KEEPER_APPLICATION.format(token=""))
        return node_session and self.silent_seconds >= _KEEPER_SILENT_SECONDS


# Who holds an advisory lock (its high and low 32 bits, as pg_locks shows them), how long it
# has been idle, and whether this server has idle_session_timeout.
_HOLDER = (
    "SELECT l.pid, coalesce(host(a.client_addr), 'a local socket'), a.application_name,"
    " CASE WHEN a.state = 'idle' THEN extract(epoch FROM clock_timestamp() - a.state_change)"
    " ELSE 0 END, current_setting('server_version_num')::int >= $3"
    " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1"
)


def _take_lock(connect: Callable[[], Any], key: int) -> tuple[Any, _Holder | None]:
    """A new connection (``connect``) holding the session-level advisory lock ``key``, and
    None; or, when another session holds it, None and that session (None too if it let go
    as it was asked). Each answer is waited for ``ANSWER_SECONDS`` at most."""
    raw = connect()
    try:
        raw.autocommit = True
        if answer_within(raw, "SELECT pg_try_advisory_lock($1)", [key]) == [("t",)]:
            raw, taken = None, raw
            return taken, None
        found = answer_within(
            raw, _HOLDER, [(key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF, _IDLE_TIMEOUT_SINCE]
        )
    finally:
        if raw is not None:
            raw.close()
    if not found:
        return None, None
    pid, address, application, silent_seconds, ended_when_idle = found[0]
    return None, _Holder(
        int(pid or 0),
        address or "",
        application or "",
        float(silent_seconds or 0),
        ended_when_idle == "t",
    )


def answer_within(
    raw: Any, query: str, params: Sequence[object] = (), seconds: float = ANSWER_SECONDS
) -> list[tuple[str | None, ...]]:
    """The rows ``query`` (one statement, parameters as ``$1``...) returns on the psycopg
    connection ``raw``, as text; ``TimeoutError`` when the answer has not come within
    ``seconds`` (the connection is then unusable: close it), psycopg's errors otherwise.

    Through libpq's asynchronous calls (psycopg.pq) rather than a cursor, whose wait for
    the server has no end of its own.
    """
    pgconn = raw.pgconn
    deadline = time.monotonic() + seconds
    pgconn.send_query_params(
        query.encode(), [None if value is None else str(value).encode() for value in params]
    )
    while pgconn.flush():  # a non-blocking connection may not have sent it all yet
        _wait_for(pgconn.socket, deadline, writing=True)
    results = []
    while True:
        while pgconn.is_busy():
            _wait_for(pgconn.socket, deadline, writing=False)
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            break
        results.append(result)
    rows: list[tuple[str | None, ...]] = []
    for result in results:
        if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
            said = (result.error_message or b"").decode(errors="replace").strip()
            raise psycopg.DatabaseError(said or str(result.status))
        for row in range(result.ntuples):
            rows.append(
                tuple(
                    None if (value := result.get_value(row, column)) is None else value.decode()
                    for column in range(result.nfields)
                )
            )
    return rows


def _wait_for(socket: int, deadline: float, *, writing: bool) -> None:
    """Until ``socket`` may be written (``writing``) or read; ``TimeoutError`` at
    ``deadline``."""
    left = deadline - time.monotonic()
    reading, written = ([], [socket]) if writing else ([socket], [])
    if left <= 0 or not any(select.select(reading, written, [], left)):
        raise TimeoutError("the database did not answer in time")


class _NameKeeper(threading.Thread):
    """Watches the connection holding a node's name (``only_node_named``) and, when it ends
    or stops answering, takes the name again on a new one, ending first its own session still
    holding it if it has to; calls ``lost`` if another process has it."""

    def __init__(
        self,
        raw: Any,
        key: int,
        node: str,
        lost: Callable[[str], None] | None,
        *,
        connect: Callable[[], Any],
        application: str,
    ) -> None:
        super().__init__(name="node-name", daemon=True)
        self._raw = raw
        self._key = key
        self._node = node
        self._lost = lost
        self._connect = connect
        # This node's session holding the name: its server process and application_name.
        self._held_on = (raw.info.backend_pid, application)
        self._stopping = threading.Event()
        self._wake_reader, self._wake_writer = os.pipe()

    def stop(self) -> None:
        """Stop watching, and let the name go."""
        self._stopping.set()
        os.write(self._wake_writer, b"x")
        self.join()
        os.close(self._wake_reader)
        os.close(self._wake_writer)
        self._raw.close()  # the one it took the name again on, if it did

    def run(self) -> None:
        while not self._stopping.is_set():
            select.select([self._raw.fileno(), self._wake_reader], [], [], _NODE_NAME_CHECK_SECONDS)
            if self._stopping.is_set() or self._answers():
                continue
            log.warning("the connection holding node name %s ended: taking it again", self._node)
            if not self._take_again():
                return

    def _answers(self) -> bool:
        try:
            answer_within(self._raw, "SELECT 1")
        except Exception:  # noqa: BLE001  # ended, cut off, or silent: no longer held for sure
            return False
        return True

    def _take_again(self) -> bool:
        """Take the name on a new connection, trying until the server answers; False (and
        ``lost`` told) when another process holds it, or when stopped meanwhile.

        The session that held the name may still hold it: the server has not yet seen the
        end of a connection cut off without a word (it may not for hours), or is ending it.
        That one is ended here (``pg_terminate_backend``), and only when it is this node's
        own for sure: the server process the name was held on, carrying this node's own
        application_name (a random part in it), which no other node's session carries."""
        self._raw.close()
        while True:
            try:
                raw, holder = _take_lock(self._connect, self._key)
            except Exception as exc:  # noqa: BLE001  # the server not back yet: try again
                log.debug("node name not taken again yet (%s)", type(exc).__name__)
                raw, holder = None, None
            if raw is not None:
                self._raw = raw
                self._held_on = (raw.info.backend_pid, self._held_on[1])
                log.warning("node name %s held again", self._node)
                return True
            if holder is not None and (holder.pid, holder.application) != self._held_on:
                said = _name_taken(self._node, f"a session from {holder.address}")
                log.error("%s", said)
                if self._lost is not None:
                    self._lost(said)
                return False
            # Not the server's answer yet, or the lock let go as we asked who held it: again
            # after a check's wait; this node's own old session ended just now: again, soon.
            # (While that session holds the name, no other process can take it.)
            ended = holder is not None and self._end_own_session(holder.pid)
            if self._stopping.wait(0.2 if ended else _NODE_NAME_CHECK_SECONDS):
                return False

    def _end_own_session(self, pid: int) -> bool:
        """End this node's own old session still holding its name (``_take_again`` checked
        that it is); its server process lets the name go as it exits. Whether it was told
        to end."""
        log.warning("ending this node's own old session holding node name %s", self._node)
        try:
            raw = self._connect()
            try:
                raw.autocommit = True
                answer_within(raw, "SELECT pg_terminate_backend($1)", [pid])
            finally:
                raw.close()
        except Exception as exc:  # noqa: BLE001  # not allowed, or the server gone: tried again
            log.warning("could not end the old session (%s)", type(exc).__name__)
            return False
        return True


def _name_taken(node: str, holder: str) -> str:
    return (
        f"stopped: the database connection holding node name {node!r} ended, and another "
        f"relay took the name before this one could take it back ({holder}); two nodes under "
        "one name could send the same mail twice. Give each node its own name with "
        "relay.node in confide.toml"
    )


def _refusal(node: str, holder: _Holder | None) -> str:
    """What a node starting under name ``node`` says when ``holder`` keeps it."""
    if holder is not None and holder.silent:
        return (
            f"node name {node!r} is held on this database by a session from {holder.address} "
            f"that has said nothing for {holder.silent_seconds:.0f} s, as a relay cut off from "
            "the database leaves it; "
            + (
                "the server did not end it in time"
                if holder.ended_when_idle
                else "this server keeps it until its TCP keepalives give up (PostgreSQL 14 "
                "or later ends it after its idle_session_timeout)"
            )
            + ". Once sure no relay runs as that node, end it with "
            f"`SELECT pg_terminate_backend({holder.pid})`, or give each node its own name "
            "with relay.node in confide.toml"
        )
    return _node_in_use(
        node, f"a session from {holder.address}" if holder is not None else "another session"
    )


def _node_in_use(node: str, holder: str) -> str:
    return (
        f"another relay is running as node {node!r} on this database ({holder}): give each "
        "node its own name with relay.node in confide.toml (the default is the machine's host "
        "name, so two on one machine need one each)"
    )


def database_answers() -> bool:
    """Whether the database answers a query within ``ANSWER_SECONDS``, connecting included,
    on a connection of its own (``/readyz``): on PostgreSQL a new connection (libpq's
    connect_timeout, then ``answer_within``); on SQLite a read of its schema, waiting for a
    lock another process holds on the file for that long at most (SQLite's busy timeout)."""
    sqlite_file = _sqlite_file()
    try:
        if connection.vendor == "postgresql":
            raw = connection.get_new_connection(
                {**connection.get_connection_params(), "connect_timeout": _CONNECT_SECONDS}
            )
            try:
                answer_within(raw, "SELECT 1")
            finally:
                raw.close()
        elif sqlite_file is not None:
            # mode=rw: a file that is not there is not made.
            opened = sqlite3.connect(
                f"{sqlite_file.as_uri()}?mode=rw", uri=True, timeout=ANSWER_SECONDS
            )
            try:
                opened.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                opened.close()
        else:  # in memory: only this process's connection sees it
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001  # any failure to answer is "not ready"
        return False
    return True


def in_use() -> bool:
    """Whether a confide is running on this database: on SQLite, one holding the lock
    ``running`` takes; on PostgreSQL, any other session on the database (any node's)."""
    sqlite_file = _sqlite_file()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return bool(cursor.fetchone()[0])
    if sqlite_file is None:  # in memory: only this process sees it
        return False
    try:
        with _file_lock(_in_use_file(sqlite_file), fcntl.LOCK_EX | fcntl.LOCK_NB):
            return False
    except BlockingIOError:
        return True


def _in_use_file(sqlite_file: Path) -> Path:
    return sqlite_file.with_name(sqlite_file.name + ".in-use")


@contextmanager
def _file_lock(path: Path, kind: int) -> Iterator[None]:
    """Hold the ``flock`` ``kind`` (``LOCK_SH`` or ``LOCK_EX``, with ``LOCK_NB`` to raise
    ``BlockingIOError`` rather than wait) on the lock file ``path``, made 0600 if need be,
    until the block ends; then remove the file unless another process holds it too, so a
    clean exit leaves none behind (one killed outright leaves it, unlocked, for the next).

    Removing a lock file is safe only because every holder checks, once it has the lock,
    that ``path`` is still the file it locked: one that waited on a file its last holder
    removed would otherwise hold a lock nobody else sees, beside whoever made the new file.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, kind)
        except BaseException:
            os.close(fd)
            raise
        if _is_file_at(fd, path):
            break
        os.close(fd)  # removed (and perhaps made again) while we waited: lock the one there
    try:
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another process holds it: it removes the file when it is the last
        else:
            path.unlink(missing_ok=True)
        os.close(fd)


def _is_file_at(fd: int, path: Path) -> bool:
    try:
        found = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (found.st_dev, found.st_ino) == (opened.st_dev, opened.st_ino)


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


def database_description() -> str:
    """Where the database is, for the start-up log: its file, or its server and name."""
    sqlite_file = _sqlite_file()
    if sqlite_file is not None:
        return str(sqlite_file)
    settings = connection.settings_dict
    return f"{connection.vendor} {settings['NAME']} on {_server(settings)}"


def _sqlite_ready(sqlite_file: Path, *, create: bool) -> None:
    folder = sqlite_file.parent
    # An empty file is no database: what an `init` refused part-way (a data directory open
    # to others) leaves behind, which only `init` may turn into one.
    if not sqlite_file.exists() or (not create and sqlite_file.stat().st_size == 0):
        if not create:
            raise StartupError(
                f"there is no database at {sqlite_file}: run `confide init` to create one, "
                "or start confide from the folder of its confide.toml (or set CONFIDE_CONFIG)"
            )
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(sqlite_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # another process created it first
        except OSError as exc:
            raise StartupError(
                f"cannot create the database in {folder}: {exc.strerror} (data_dir)"
            ) from None
        log.info("created the database %s", sqlite_file)
    for path in (folder, sqlite_file, *_companions(sqlite_file)):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            private = "700" if path.is_dir() else "600"
            raise StartupError(
                f"{path} is open to other users (mode {mode:04o}) and holds personal data: "
                f"run `chmod {private} {path}`"
            )
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise StartupError(f"cannot write to the data directory {folder} (data_dir)")
    if not os.access(sqlite_file, os.R_OK | os.W_OK):
        raise StartupError(f"cannot read and write the database {sqlite_file}")


def _companions(sqlite_file: Path) -> list[Path]:
    found = (sqlite_file.with_name(sqlite_file.name + end) for end in _SQLITE_COMPANIONS)
    return [path for path in found if path.exists()]


def _server_ready(*, create: bool) -> None:
    """Connect to the database server; a database missing there is created when ``create``
    is set and the role may, and is otherwise a ``StartupError`` saying what to run, as is
    one without confide's tables."""
    settings = connection.settings_dict
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        refused = _server_refusal(exc)
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    else:
        # As an empty SQLite file: a database confide never initialised (a mistyped name,
        # or one made by hand) is not quietly given confide's tables by any command.
        if not create and "django_migrations" not in connection.introspection.table_names():
            raise StartupError(
                f'database "{settings["NAME"]}" on {_server(settings)} holds no confide '
                "tables: run `confide init` (or `confide run --init`) to create them"
            )
        return
    name = settings["NAME"]
    if refused == _NO_ROLE:
        raise StartupError(
            f'the database server {_server(settings)} has no role "{settings["USER"]}" '
            "(the user name in DATABASE_URL): check DATABASE_URL, or ask its administrator "
            f"to create the role (`createuser -h {settings['HOST'] or 'localhost'} "
            f"-p {settings['PORT'] or 5432} -P {settings['USER']}`)"
        )
    if refused == _BAD_PASSWORD:
        raise StartupError(
            f'the database server {_server(settings)} refused the password of role "'
            f'{settings["USER"]}": check the password in DATABASE_URL (a / ? # @ : or % in '
            "it must be percent-encoded: %2F %3F %23 %40 %3A %25)"
        )
    if refused != _NO_DATABASE:
        raise StartupError(
            f"cannot reach the database on {_server(settings)} ({reason}): check DATABASE_URL"
        )
    createdb = f"createdb -h {settings['HOST'] or 'localhost'} -p {settings['PORT'] or 5432}"
    if settings["USER"]:
        createdb += f" -U {settings['USER']}"
    createdb += f" {name}"
    if not create:
        raise StartupError(
            f'database "{name}" does not exist on {_server(settings)}: run `confide init` '
            f"(it creates it when the role may), or `{createdb}`"
        )
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    except Exception as exc:  # noqa: BLE001  # not allowed, or the server refused: say what to run
        raise StartupError(
            f'cannot create database "{name}" ({str(exc).strip().splitlines()[0]}): '
            f"ask its administrator to run `{createdb}` (as a role that may create databases)"
        ) from None
    log.info("created the database %s on %s", name, _server(settings))
    connection.close()


# What the server said when it refused a connection, by SQLSTATE (PostgreSQL's appendix A).
# libpq reports a refused connection as text, without the SQLSTATE, so the server's message
# (its English wording, which a server with lc_messages set to another language changes) is
# read when there is no code: anything else is said as the server said it.
_NO_DATABASE = "3D000"  # invalid_catalog_name
_NO_ROLE = "28000"  # invalid_authorization_specification: role "x" does not exist
_BAD_PASSWORD = "28P01"  # noqa: S105  # a SQLSTATE (invalid_password), not a password
_SERVER_SAID = (
    (_NO_ROLE, re.compile(r'FATAL:\s+role ".*" does not exist')),
    (_BAD_PASSWORD, re.compile(r'FATAL:\s+password authentication failed for user ".*"')),
    (_NO_DATABASE, re.compile(r'FATAL:\s+database ".*" does not exist')),
)


def _server_refusal(error: OperationalError) -> str | None:
    """The SQLSTATE of the server's refusal to connect (one of those above), or None when it
    is not one of them or the server was not reached."""
    code = getattr(error.__cause__, "sqlstate", None)
    if code in (_NO_DATABASE, _BAD_PASSWORD):  # 28000 covers pg_hba.conf refusals too
        return str(code)
    for known, said in _SERVER_SAID:
        if said.search(str(error)):
            return known
    return None


def _server(settings: dict[str, object]) -> str:
    return f"{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"


@contextmanager
def _migration_lock(sqlite_file: Path | None) -> Iterator[None]:
    if sqlite_file is not None:
        with _file_lock(sqlite_file.with_name(sqlite_file.name + ".migrate-lock"), fcntl.LOCK_EX):
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
