"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A ``DATABASE_URL`` for a ``confide`` subprocess, on the backend the tests run against."""
    from django.db import connection

    if connection.vendor != "postgresql":
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
