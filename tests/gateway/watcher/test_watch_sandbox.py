"""``confide watch`` started where its enforce folder, or its quarantine, is read-only to it,
as systemd's ``ProtectSystem=strict`` makes every path not in ``ReadWritePaths``: one line
saying which folder and what to do, before anything is scanned."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CONFIDE

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = """
[organisation]
internal_domains = ["riverside-carers.example.org"]

[watch]
quarantine = "held"

[[watch.folders]]
path = "shares/web"
audience = "public"
mode = "{mode}"
"""


Watch = Callable[[Path, str], subprocess.CompletedProcess[str]]


@pytest.fixture
def watch_read_only(tmp_path: Path, database_url: str) -> Watch:
    """Run `confide watch --once` with ``read_only`` mounted read-only for it alone (a
    private mount namespace, as systemd makes one); skipped where that is not allowed."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-m", "true"], check=False).returncode:
        pytest.skip("unshare -m (a private mount namespace) is not allowed here")
    (tmp_path / "shares" / "web").mkdir(parents=True)
    (tmp_path / "held").mkdir(mode=0o700)

    def run(read_only: Path, mode: str) -> subprocess.CompletedProcess[str]:
        (tmp_path / "confide.toml").write_text(CONFIG.format(mode=mode))
        mount = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        command = [str(CONFIDE), "watch", "--once"]
        return subprocess.run(
            [unshare, "-m", "sh", "-c", mount, str(read_only), *command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "DATABASE_URL": database_url},
            check=False,
        )

    return run


def test_a_read_only_enforce_folder_stops_the_watcher_in_one_line(
    tmp_path: Path, watch_read_only: Watch
) -> None:
    """An enforce folder confide cannot write to is refused, naming it, the reason and the
    drop-in to add."""
    started = watch_read_only(tmp_path / "shares" / "web", "enforce")
    assert started.returncode == 2
    errors = [line for line in started.stderr.splitlines() if " INFO " not in line]
    assert errors == [
        f"confide: cannot start: watch.folders[0] ({tmp_path / 'shares' / 'web'}) is in enforce "
        "mode, and confide cannot write to it (a read-only file system), so it could not take "
        "held documents out of it: let confide's user write there (under systemd, a drop-in "
        "with ReadWritePaths: README, 'Running as a service'), or set its mode to report"
    ]


def test_a_read_only_quarantine_stops_the_watcher_and_a_report_folder_may_be_read_only(
    tmp_path: Path, watch_read_only: Watch
) -> None:
    """A quarantine confide cannot write to is refused in one line; a report-mode folder
    only needs reading."""
    started = watch_read_only(tmp_path / "held", "report")
    assert started.returncode == 2
    assert f"cannot write to the quarantine {tmp_path / 'held'} (a read-only file system)" in (
        started.stderr
    )
    reading = watch_read_only(tmp_path / "shares", "report")
    assert reading.returncode == 0, reading.stderr
