"""ensure_schema(): `confide init` creates the database schema, however many run at once."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.conftest import CONFIDE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment for a database with no tables yet, on the backend under test.

    SQLite: no ``DATABASE_URL``, so the default file in ``data_dir`` (a directory that does
    not exist yet). PostgreSQL: a database created for the test beside the test database.
    """
    from django.db import connection

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if connection.vendor != "postgresql":
        (tmp_path / "confide.toml").write_text('data_dir = "state/confide"\n')
        yield env
        assert (tmp_path / "state" / "confide" / "confide.sqlite3").is_file()
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_schema"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
    yield {**env, "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{name}"}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_commands_started_together_on_an_empty_database_all_succeed(empty_database, tmp_path):
    """Several `confide init` at once on an empty database: one migrates, all succeed."""
    processes = [
        subprocess.Popen(
            [str(CONFIDE), "init"],
            cwd=tmp_path,
            env=empty_database,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert (process.returncode, err) == (0, "")
        assert out.startswith("database: ")
    listed = subprocess.run(
        [str(CONFIDE), "consent", "list"],
        cwd=tmp_path,
        env=empty_database,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (listed.returncode, listed.stdout) == (0, "the register holds no subjects\n")
