"""/readyz's database check is bounded: a PostgreSQL server that takes connections and never
answers, or a SQLite file another process keeps locked, is "failing" within the check's own
limit (``gateway.database.ANSWER_SECONDS``), never waited on. The test's limit on waiting is
many times that: it only tells a bounded check from one that waits for ever."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from django.db import connection

from gateway import database
from gateway.database import database_answers
from tests.gateway.silent_network import silent_network

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

# How long the test waits for the check before it counts it as hung.
HUNG_SECONDS = 30.0


def _answer_in_thread() -> bool | None:
    """What ``database_answers`` says, asked on a thread of its own (with a database
    connection of its own); None if it has not answered within ``HUNG_SECONDS``."""
    said: list[bool] = []

    def ask() -> None:
        try:
            said.append(database_answers())
        finally:
            connection.close()

    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(timeout=HUNG_SECONDS)
    return said[0] if said else None


def test_a_server_that_takes_connections_and_never_answers_is_failing(
    monkeypatch: pytest.MonkeyPatch,
):
    """Every connection to PostgreSQL crosses a network cut without a word (accepted, never
    answered): the check says the database does not answer, rather than wait for it."""
    if connection.vendor != "postgresql":
        pytest.skip("a database server's: SQLite's is the next test")
    connection.ensure_connection()  # the test's own, straight to the server
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)
    with silent_network(host, port) as network:
        network.cut(new_too=True)
        monkeypatch.setitem(settings, "HOST", "127.0.0.1")
        monkeypatch.setitem(settings, "PORT", str(network.port))
        assert _answer_in_thread() is False
    monkeypatch.undo()
    assert database_answers() is True


def test_a_database_file_locked_by_another_process_is_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Another process keeps the SQLite file locked (an sqlite3 shell in exclusive locking
    mode, say): the check says the database does not answer, rather than wait for the lock;
    once it is let go, the database answers."""
    if connection.vendor == "postgresql":
        pytest.skip("a SQLite file's: PostgreSQL's is the test before")
    path = tmp_path / "confide.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES (1)")
    monkeypatch.setattr(database, "_sqlite_file", lambda: path)
    try:
        assert _answer_in_thread() is False
    finally:
        holder.close()
    assert _answer_in_thread() is True
