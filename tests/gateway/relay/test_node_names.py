"""A relay node's name is its own on the database: a second relay under a name in use refuses
to start, and a name comes free when its holder ends, even by ``kill -9``."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from gateway import database
from gateway.config import StartupError
from gateway.database import only_node_named
from tests.gateway.conftest import CONFIDE
from tests.gateway.silent_network import SilentNetwork, silent_network

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

_HOLD = """
import sys, time
import django
django.setup()
from gateway import database
from gateway.database import only_node_named
if len(sys.argv) > 2:  # the idle time after which the server ends the name's session
    database._KEEPER_IDLE_SECONDS = float(sys.argv[2])
with only_node_named(sys.argv[1]):
    print("held", flush=True)
    time.sleep(120)
"""


def _holding(node: str, database_url: str, *idle_seconds: str) -> subprocess.Popen[str]:
    """A process holding node name ``node`` on ``database_url`` (its session ended by the
    server after ``idle_seconds`` idle, if given), once it holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, node, *idle_seconds],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
    except BaseException:
        holder.kill()
        holder.wait(timeout=10)
        raise
    return holder


@pytest.fixture
def database_file(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test's database as the processes it starts see it; on SQLite the test's own
    connection is to a database in memory, so here the names are held beside the file the
    processes use instead."""
    monkeypatch.setattr(database, "_NODE_NAME_WAIT_SECONDS", 0.5)
    if connection.vendor != "postgresql":
        path = Path(database_url.removeprefix("sqlite:///"))
        monkeypatch.setattr(database, "_sqlite_file", lambda: path)
    return database_url


def test_a_name_is_held_once_and_comes_free_when_its_holder_ends(database_file: str):
    """While one holder has ``relay-1``, another is refused it (saying what to change) but
    may have ``relay-2``; once the first ends, ``relay-1`` is free again."""
    with only_node_named("relay-1"):
        with only_node_named("relay-2"):
            pass
        with (
            pytest.raises(StartupError, match=r"node 'relay-1'.*relay\.node"),
            only_node_named("relay-1"),
        ):
            pass
    with only_node_named("relay-1"):
        pass


def test_a_name_comes_free_when_its_holder_is_killed(
    database_file: str, monkeypatch: pytest.MonkeyPatch
):
    """A process killed outright (``kill -9``) frees its name, so its supervisor can start
    it again at once."""
    holder = _holding("relay-1", database_file)
    try:
        with pytest.raises(StartupError), only_node_named("relay-1"):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    # The server may take a moment to see that the holder's connection ended.
    monkeypatch.setattr(database, "_NODE_NAME_WAIT_SECONDS", 5.0)
    with only_node_named("relay-1"):
        pass


def test_a_second_relay_under_a_name_in_use_refuses_to_start(
    database_file: str, confide: Callable[..., subprocess.CompletedProcess[str]]
):
    """`confide relay` as ``relay-1`` while another holds that name: exit status 2 and one
    line saying to give each node its own ``relay.node``, before it listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with only_node_named("relay-1"):
        refused = confide(
            "relay", "--listen", f"127.0.0.1:{port}", env={"CONFIDE_RELAY__NODE": "relay-1"}
        )
    assert refused.returncode == 2, refused.stderr
    assert "cannot start: another relay is running as node 'relay-1'" in refused.stderr
    assert "relay.node" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_clean_exit_leaves_no_lock_files(database_file: str):
    """On SQLite, the node-name and in-use files beside the database go when their holder
    ends cleanly, unless another process still holds the in-use one."""
    if connection.vendor == "postgresql":
        pytest.skip("the lock files are SQLite's")
    folder = Path(database_file.removeprefix("sqlite:///")).parent
    before = set(folder.iterdir())
    with database.running(), only_node_named("relay-1"):
        assert {p.name.rpartition(".")[2][:5] for p in set(folder.iterdir()) - before} == {
            "in-us",
            "node-",
        }
        assert database.in_use()
    assert set(folder.iterdir()) == before
    assert not database.in_use()
    assert set(folder.iterdir()) == before


def test_a_lock_file_removed_while_waited_for_is_made_again(tmp_path: Path):
    """One waiting for a lock file whose holder removes it as it ends takes the file made
    anew, not the removed one: so a third process is refused, never let in beside it."""
    path = tmp_path / "x.node-lock"
    waiter_holds = threading.Event()
    release = threading.Event()

    def wait_then_hold() -> None:
        with database._file_lock(path, fcntl.LOCK_EX):
            waiter_holds.set()
            release.wait(timeout=30)

    with database._file_lock(path, fcntl.LOCK_EX):
        waiter = threading.Thread(target=wait_then_hold)
        waiter.start()
        _wait_until_blocked_on(path)
    try:
        assert waiter_holds.wait(timeout=10)
        with (
            pytest.raises(BlockingIOError),
            database._file_lock(path, fcntl.LOCK_EX | fcntl.LOCK_NB),
        ):
            pass
    finally:
        release.set()
        waiter.join(timeout=10)
    assert not path.exists()


def _wait_until_blocked_on(path: Path) -> None:
    """Wait until a lock request on ``path`` waits (Linux lists it in /proc/locks as "->")."""
    inode = f":{path.stat().st_ino} "
    for _ in range(1000):
        if any(
            line.split()[1] == "->" and inode in line
            for line in Path("/proc/locks").read_text().splitlines()
        ):
            return
        time.sleep(0.01)
    pytest.fail("nobody waited for the lock")


def wait_for[T](check: Callable[[], T], timeout: float, what: str) -> T:
    """Poll ``check`` until it returns something true; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)
    return value


def _relay(tmp_path: Path, database_url: str, node: str) -> tuple[subprocess.Popen[str], str]:
    """`confide relay` as node ``node``, started and listening; its process, and the
    application name its database sessions carry."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sessions = f"confide-test-{uuid.uuid4().hex[:12]}"
    relay = subprocess.Popen(
        [str(CONFIDE), "relay", "--listen", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "CONFIDE_RELAY__NODE": node,
            "CONFIDE_RELAY__SCAN_WORKERS": "1",
            "PGAPPNAME": sessions,  # libpq names its sessions so: only they are ended
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def listening() -> bool:
        if relay.poll() is not None:
            pytest.fail(f"confide relay exited: {relay.stderr.read() if relay.stderr else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return True
        return False

    wait_for(listening, timeout=60, what="the relay to listen")
    return relay, sessions


def _node_lock(node: str, *, granted: bool = True) -> list[int]:
    """The server processes holding (or, with ``granted`` false, waiting for) node
    ``node``'s name."""
    key = database.node_key(node)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted = %s"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1",
            [granted, (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF],
        )
        return [row[0] for row in cursor.fetchall()]


def _end_sessions(application: str, node: str) -> None:
    """End the relay's database sessions (those named ``application``, and the one holding
    node ``node``'s name under a name of its own), as an administrator's
    pg_terminate_backend would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s OR pid = ANY(%s)",
            [application, _node_lock(node)],
        )


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a name lost with its connection is PostgreSQL's (SQLite's is a file)")


def test_a_node_takes_its_name_again_when_its_connection_ends(
    postgresql: None,
    database_file: str,
    tmp_path: Path,
    confide: Callable[..., subprocess.CompletedProcess[str]],
):
    """The server ends every session of a running relay (pg_terminate_backend): it takes its
    name again on a new connection, so a second relay under that name is still refused."""
    relay, sessions = _relay(tmp_path, database_file, "k2")
    try:
        (first,) = wait_for(lambda: _node_lock("k2"), timeout=10, what="the name held")
        _end_sessions(sessions, "k2")
        wait_for(lambda: _node_lock("k2") not in ([], [first]), 10, "the name taken again")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        refused = confide(
            "relay", "--listen", f"127.0.0.1:{port}", env={"CONFIDE_RELAY__NODE": "k2"}
        )
        assert refused.returncode == 2, refused.stderr
        assert "cannot start: another relay is running as node 'k2'" in refused.stderr
        assert relay.poll() is None
    finally:
        relay.terminate()
        relay.wait(timeout=60)
    assert relay.returncode == 0, relay.stderr.read() if relay.stderr else ""


def test_a_node_whose_name_was_taken_meanwhile_stops_plainly(
    postgresql: None, database_file: str, tmp_path: Path
):
    """Another process takes the name while the relay's connection is down (it waited for
    the name, so it has it the moment the relay's session ends): the relay stops, exit 1,
    saying why in one line."""
    relay, sessions = _relay(tmp_path, database_file, "k2")
    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = True
    taker = threading.Thread(
        target=lambda: other.execute("SELECT pg_advisory_lock(%s)", [database.node_key("k2")])
    )
    try:
        wait_for(lambda: _node_lock("k2"), timeout=10, what="the name held")
        taker.start()
        wait_for(lambda: _node_lock("k2", granted=False), timeout=10, what="the other waiting")
        _end_sessions(sessions, "k2")
        taker.join(timeout=30)
        relay.wait(timeout=60)
    finally:
        if relay.poll() is None:
            relay.kill()
            relay.wait()
        other.close()
    assert relay.returncode == 1
    assert relay.stderr is not None
    stderr = relay.stderr.read()
    said = [line for line in stderr.splitlines() if line.startswith("confide:")]
    assert said == [
        "confide: stopped: the database connection holding node name 'k2' ended, and another "
        "relay took the name before this one could take it back (a session from 127.0.0.1); "
        "two nodes under one name could send the same mail twice. Give each node its own name "
        "with relay.node in confide.toml"
    ], stderr


@pytest.fixture
def name_network(postgresql: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[SilentNetwork]:
    """The connections this process makes from now on to hold node names go through a
    ``SilentNetwork`` to the database server (the test's own connection, open already, goes
    straight there)."""
    connection.ensure_connection()
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)
    with silent_network(host, port) as network:
        monkeypatch.setitem(settings, "HOST", "127.0.0.1")
        monkeypatch.setitem(settings, "PORT", str(network.port))
        yield network


def _sessions() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity")
        return [row[0] for row in cursor.fetchall()]


def _application(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT application_name FROM pg_stat_activity WHERE pid = %s", [pid])
        return str(cursor.fetchone()[0])


def test_a_node_cut_off_silently_ends_its_own_old_session_and_keeps_its_name(
    name_network: SilentNetwork,
):
    """The connection holding a node's name goes silent, and the server, unaware, still
    holds the name for it: the node ends that session of its own and holds the name again
    on a new connection, without stopping."""
    lost: list[str] = []
    with only_node_named("cut-1", lost.append):
        (first,) = _node_lock("cut-1")
        name_network.cut()
        (again,) = wait_for(
            lambda: [pid for pid in _node_lock("cut-1") if pid != first], 30, "the name again"
        )
        assert lost == []
        assert first not in _sessions()
        assert _application(again).startswith("confide node ")
    # Let go as the node stops: its session ends once the server reads the close, which
    # here crosses the SilentNetwork's proxy (a moment later, not at once).
    wait_for(lambda: _node_lock("cut-1") == [], 10, "the name let go")


def test_a_node_ends_no_session_but_its_own(
    name_network: SilentNetwork, monkeypatch: pytest.MonkeyPatch
):
    """Its connection gone silent, a node finds its name held by another session, one
    carrying even its own application name but not the session it held the name on: it ends
    nothing, and stops (``lost``)."""
    monkeypatch.setattr(database.secrets, "token_hex", lambda size: "0" * 2 * size)
    lost: list[str] = []
    key = database.node_key("cut-2")
    other = connection.get_new_connection(
        {
            **connection.get_connection_params(),
            "host": name_network.target[0],
            "port": name_network.target[1],
            "application_name": "confide node " + "0" * 16,
        }
    )
    other.autocommit = True
    taker = threading.Thread(target=lambda: other.execute("SELECT pg_advisory_lock(%s)", [key]))
    try:
        with only_node_named("cut-2", lost.append):
            (first,) = _node_lock("cut-2")
            taker.start()
            wait_for(lambda: _node_lock("cut-2", granted=False), 10, "the other waiting")
            name_network.cut()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [first])
            taker.join(timeout=30)
            wait_for(lambda: lost, 30, "the node to give up its name")
            assert _node_lock("cut-2") == [other.info.backend_pid]
    finally:
        other.close()
    assert lost[0].startswith("stopped: the database connection holding node name 'cut-2'")


def _silent_for(pid: int) -> float:
    """How long the session ``pid`` has sat idle, in seconds (0 if it is not idle)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(extract(epoch FROM clock_timestamp() - state_change), 0)"
            " FROM pg_stat_activity WHERE pid = %s AND state = 'idle'",
            [pid],
        )
        found = cursor.fetchone()
    return 0.0 if found is None else float(found[0])


def test_a_node_restarted_after_a_silent_cut_waits_for_its_old_session_then_starts(
    database_file: str,
    name_network: SilentNetwork,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    """A node cut off without a word, then killed and started again, finds its old session
    still holding its name, the server unaware: it says it waits for that session, which the
    server ends once it has sat idle (idle_session_timeout, set on that session alone), and
    then starts, rather than refusing until TCP gives up on the dead connection (hours)."""
    parts = urlsplit(database_file)
    credentials = parts.netloc.rpartition("@")[0]
    through = parts._replace(netloc=f"{credentials}@127.0.0.1:{name_network.port}").geturl()
    holder = _holding("cut-3", through, "3")
    try:
        (old,) = _node_lock("cut-3")
        name_network.cut()
    finally:
        holder.send_signal(signal.SIGKILL)  # its close never crosses the silent network
        holder.wait(timeout=10)
    monkeypatch.setattr(database, "_KEEPER_SILENT_SECONDS", 1.0)
    wait_for(lambda: _silent_for(old) > 1.0, 10, "the old session to fall silent")
    with caplog.at_level("WARNING", logger="confide.database"), only_node_named("cut-3"):
        assert old not in _sessions()
    said = " ".join(record.getMessage() for record in caplog.records)
    assert "node name 'cut-3' is held by a session silent for" in said
    assert "waiting up to" in said


def test_a_name_held_by_a_silent_session_is_refused_plainly_on_a_server_that_keeps_it(
    database_file: str, postgresql: None, monkeypatch: pytest.MonkeyPatch
):
    """On a server older than PostgreSQL 14 (no idle_session_timeout), a name held by a
    node's silent session is refused at once, saying which session to end and how, rather
    than waited for without bound."""
    monkeypatch.setattr(database, "_IDLE_TIMEOUT_SINCE", 10**9)  # as if this server had none
    monkeypatch.setattr(database, "_KEEPER_SILENT_SECONDS", 0.0)
    other = connection.get_new_connection(
        {**connection.get_connection_params(), "application_name": "confide node " + "0" * 16}
    )
    other.autocommit = True
    pid = other.info.backend_pid
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [database.node_key("cut-4")])
        with (
            pytest.raises(StartupError) as refused,
            only_node_named("cut-4"),
        ):
            pass
    finally:
        other.close()
    said = str(refused.value)
    assert f"SELECT pg_terminate_backend({pid})" in said
    assert "PostgreSQL 14" in said


def test_the_session_holding_a_name_is_ended_by_the_server_when_it_falls_silent(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
):
    """The session a node holds its name on carries the server's own bounds on a silent
    peer: idle_session_timeout (PostgreSQL 14 and later), and TCP keepalives (any version);
    on an older server, no idle_session_timeout, which it would refuse."""
    params = {**connection.get_connection_params(), "connect_timeout": 2}

    def settings() -> dict[str, str | None]:
        raw = database._keeper_connection(params)
        try:
            names = ("idle_session_timeout", "tcp_keepalives_idle", "tcp_keepalives_count")
            return {name: database.answer_within(raw, f"SHOW {name}")[0][0] for name in names}
        finally:
            raw.close()

    assert settings() == {
        "idle_session_timeout": "15s",
        "tcp_keepalives_idle": "10",
        "tcp_keepalives_count": "3",
    }
    monkeypatch.setattr(database, "_IDLE_TIMEOUT_SINCE", 10**9)  # as if this server had none
    assert settings()["idle_session_timeout"] == "0"
