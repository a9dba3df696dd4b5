"""confide backup beside a running relay, and confide restore, which waits for it to stop."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.e2e.conftest import COLLEAGUE, CONFIDE, Relay, Sink, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.both_backends, pytest.mark.django_db(transaction=True)]

NEWSLETTER = b"From: a@riverside-carers.example.org\r\nSubject: tea\r\n\r\nTea on Friday.\r\n"
LATER = b"From: a@riverside-carers.example.org\r\nSubject: cake\r\n\r\nCake on Monday.\r\n"


def test_a_running_relay_is_backed_up_and_restored_once_stopped(
    make_relay: Callable[..., Relay], sink: Sink
) -> None:
    """Backed up while the relay runs, the snapshot restores over mail it took later only
    once the relay has stopped; started again, the relay works on the restored database."""
    relay = make_relay(sink.port)
    relay.send(NEWSLETTER, [COLLEAGUE])
    wait_for(lambda: sink.handler.to(COLLEAGUE))
    backup = relay.folder / "backups" / "first"

    def confide(*args: str | Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CONFIDE), *map(str, args)],
            cwd=relay.folder, env={**relay.env, **extra_env}, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip

    made = confide("backup", backup)
    assert made.returncode == 0, made.stderr
    assert "the key file is not in it" in made.stdout
    relay.send(LATER, [COLLEAGUE])
    wait_for(lambda: len(sink.handler.to(COLLEAGUE)) == 2)
    connection.close()  # on PostgreSQL this test's own session would count as confide's
    # Refused once it has waited this long for the database to come free (the relay runs).
    refused = confide("restore", backup, "--force", CONFIDE_TEST_IN_USE_WAIT_SECONDS="1")
    assert refused.returncode == 2
    assert "confide is running on this database" in refused.stderr
    relay.stop()
    assert _messages(relay.env["DATABASE_URL"]) == 2
    gc.collect()  # sessions of threads of earlier tests in this process, gone but not closed
    restored = confide("restore", backup, "--force")
    assert restored.returncode == 0, restored.stderr
    assert _messages(relay.env["DATABASE_URL"]) == 1  # as it was when backed up
    relay.start()
    sink.handler.forget()
    relay.send(LATER, [COLLEAGUE])
    wait_for(lambda: sink.handler.to(COLLEAGUE))


def _messages(url: str) -> int:
    """How many messages the database at ``url`` holds, read without confide."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as database:
            return int(database.execute("SELECT count(*) FROM relay_message").fetchone()[0])
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as database:
        found = database.execute("SELECT count(*) FROM relay_message").fetchone()
        return int(found[0]) if found else 0
