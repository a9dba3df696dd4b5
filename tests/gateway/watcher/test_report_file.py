"""The discovery report's file: written whole under its name, never through a link."""

from __future__ import annotations

import os
from pathlib import Path

from gateway.watcher.discovery import COLUMNS, write_report


def test_a_report_named_as_a_link_replaces_the_link_not_the_file_it_leads_to(
    tmp_path: Path,
) -> None:
    """A hostile tester's ``--report`` named a hard link to a user's file in a public folder:
    the report was written into that file. The file it led to now stays as it was."""
    users = tmp_path / "public" / "existing.csv"
    users.parent.mkdir()
    users.write_text("the user's own rows\n")
    hard, soft = tmp_path / "hard.csv", tmp_path / "soft.csv"
    os.link(users, hard)
    soft.symlink_to(users)
    for target in (hard, soft):
        assert write_report(target, []) == 0
        assert not target.is_symlink()
        assert target.read_text().strip() == ",".join(COLUMNS)
        assert target.stat().st_mode & 0o777 == 0o600
    assert users.read_text() == "the user's own rows\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.csv", "public", "soft.csv"]
