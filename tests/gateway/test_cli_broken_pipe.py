"""A ``confide`` command whose reader closes the pipe (``confide consent show REF | head``)
stops quietly: no traceback, no "unexpected error", the status a shell gives SIGPIPE."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.gateway.conftest import CONFIDE, EXAMPLES

pytestmark = pytest.mark.django_db(transaction=True)

SIGPIPE_STATUS = 141


def _into_closed_pipe(database_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``confide ARGS`` with standard output a pipe whose reader has already gone."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [str(CONFIDE), *args],
            cwd=cwd,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env={**os.environ, "DATABASE_URL": database_url},
            check=False,
        )
    finally:
        os.close(writer)


def test_consent_show_and_list_stop_quietly_when_the_reader_goes(confide, database_url, tmp_path):
    """`consent show` and `consent list` into a closed pipe say nothing on stderr."""
    imported = confide(
        "consent",
        "import",
        "--agencies",
        EXAMPLES / "agencies.csv",
        "--subjects",
        EXAMPLES / "subjects.csv",
        "--consents",
        EXAMPLES / "consents.csv",
    )
    assert imported.returncode == 0, imported.stderr
    for args in (("consent", "show", "P-2001"), ("consent", "list")):
        result = _into_closed_pipe(database_url, tmp_path, *args)
        assert result.stderr == "", args
        assert result.returncode == SIGPIPE_STATUS, args


def test_the_usage_stops_quietly_when_the_reader_goes(database_url, tmp_path):
    """`confide help` into a closed pipe says nothing on stderr."""
    result = _into_closed_pipe(database_url, tmp_path, "help")
    assert result.stderr == ""
    assert result.returncode == SIGPIPE_STATUS
