"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

CONFIDE = Path(sys.executable).with_name("confide")

# Managers must sign in with a second factor by default (review.require_second_factor). Tests
# that sign people in directly do without it, here and in the confide processes they start;
# tests/gateway/review/test_second_factor.py turns it back on where it is what is tested.
os.environ.setdefault("CONFIDE_REVIEW__REQUIRE_SECOND_FACTOR", "false")
# Log lines are JSON when standard error is not a terminal ([logging] format = "auto"); the
# tests that read a confide process's log lines read them as text, here and in the processes
# they start. tests/gateway/health/test_log_lines.py asks for JSON where it is what is tested.
os.environ.setdefault("CONFIDE_LOGGING__FORMAT", "text")


@pytest.fixture(scope="session")
def initialised_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database made by `confide init`, once per session, for tests to copy."""
    path = tmp_path_factory.mktemp("template") / "confide.sqlite3"
    subprocess.run(
        [str(CONFIDE), "init"],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{path}"},
        capture_output=True,
        timeout=120,
        check=True,
    )
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A ``DATABASE_URL`` for a ``confide`` subprocess, on the backend the tests run against
    (on SQLite, a fresh copy of a database `confide init` made)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        shutil.copy(request.getfixturevalue("initialised_sqlite"), tmp_path / "confide.sqlite3")
        return f"sqlite:///{tmp_path / 'confide.sqlite3'}"
    request.getfixturevalue("transactional_db")  # committed rows, flushed after the test
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"])
    return (
        f"postgres://{credentials}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}"
    )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.fixture(autouse=True)
def _umask_kept() -> Iterator[None]:
    """A test leaves the process's umask as it found it: ``confide``'s entry point sets 077,
    and a test that ran it in-process once made a later test's folders unreadable to the
    Postfix it started (in the same pytest worker)."""
    before = _umask()
    yield
    assert _umask() == before, f"the test left the umask {_umask():03o}, not {before:03o}"
