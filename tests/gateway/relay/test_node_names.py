"""A relay node's name is its own on the database: a second relay under a name in use refuses
to start, and a name comes free when its holder ends, even by ``kill -9``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from gateway import database
from gateway.config import StartupError
from gateway.database import only_node_named

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

_HOLD = """
import sys, time
import django
django.setup()
from gateway.database import only_node_named
with only_node_named(sys.argv[1]):
    print("held", flush=True)
    time.sleep(120)
"""


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
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, "relay-1"],
        env={**os.environ, "DATABASE_URL": database_file},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
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
