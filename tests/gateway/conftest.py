"""Fixtures for the consent register: CSV files written by the tests, and a database that a
``confide`` subprocess can share with the test (PostgreSQL's test database, or a fresh
SQLite file: pytest-django's SQLite test database lives in this process's memory)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CONFIDE = Path(sys.executable).with_name("confide")
EXAMPLES = Path(__file__).parents[2] / "examples" / "register"

AGENCY_HEADER = "name,domains,addresses"
SUBJECT_HEADER = "ref,kind,name,aliases,emails,phones,dob,nhs_number,ni_number,postcode,address"
CONSENT_HEADER = (
    "subject_ref,recipient,scope,method,recorded_by,recorded_at,valid_until,withdrawn_at,evidence"
)


@pytest.fixture(autouse=True)
def no_second_factor_required(settings: Any) -> None:
    """Pages are tested signed in directly, without the second factor managers need by
    default (tests/conftest.py does the same for the confide processes tests start);
    test_second_factor.py turns it back on."""
    settings.CONFIDE_REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV file from a header and rows (each a line of CSV text) and return its path."""

    def write(name: str, header: str, *rows: str, newline: str = "\n", bom: bool = False) -> Path:
        path = tmp_path / name
        text = newline.join([header, *rows]) + newline
        path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
        return path

    return write


@pytest.fixture
def confide(database_url: str, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``confide`` console script against the test's database."""

    def run(
        *args: str | Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CONFIDE), *map(str, args)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "DATABASE_URL": database_url, **(env or {})},
            check=False,
        )

    return run


@pytest.fixture
def quarantine_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A key file of the test's own for the watcher's sealed quarantine (not the working
    directory's ``var/confide.key``), in force for this process and the ones it starts."""
    from gateway.config import load_settings
    from gateway.watcher import sealed_files

    path = tmp_path / "keys" / "confide.key"
    monkeypatch.setenv("CONFIDE_RELAY__KEY_FILE", str(path))
    load_settings.cache_clear()
    sealed_files.sealer.cache_clear()
    yield path
    load_settings.cache_clear()
    sealed_files.sealer.cache_clear()
