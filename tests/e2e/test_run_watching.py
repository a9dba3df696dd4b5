"""`confide run` with a watched folder (public, enforce), as the admin starts it: /readyz shows
the folder's observer and last reconcile; a document with personal data dropped in the
folder is taken into quarantine with its note and listed on the managers' Held documents
page; a reject tells its owner through the running relay; SIGTERM stops it all, leaving no
process behind."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.e2e.confide_run import ConfideRun, WebUser, confide_running
from tests.e2e.conftest import DELIVERY_TIMEOUT, SENDER, Sink, wait_for
from tests.e2e.test_relay_shutdown import STOP_SECONDS
from tests.e2e.test_review_two_managers import Manager

pytestmark = pytest.mark.slow

NAME = "amina-okafor-care-plan.txt"  # a file name that is itself personal data
CONTENT = b"Mrs Amina Okafor's NHS number is 943 476 5919; she is diabetic.\n"


def _watch(share: Path) -> str:
    """One public folder in enforce mode; the test's own account is the files' owner."""
    return (
        "[watch]\nscan_workers = 1\n"
        f'[watch.owners]\n"{os.getuid()}" = "{SENDER}"\n'
        f'[[watch.folders]]\npath = "{share}"\naudience = "public"\nmode = "enforce"\n'
        'observer = "native"\nstable_seconds = 0.5\n'
    )


def _readyz(run: ConfideRun) -> dict[str, Any]:
    """/readyz's answer, ready (200) or not yet (503)."""
    try:
        with urllib.request.urlopen(run.url("/readyz"), timeout=10) as answer:  # noqa: S310
            found: dict[str, Any] = json.load(answer)
    except urllib.error.HTTPError as exc:
        found = json.load(exc)
    return found


def _reconciled(run: ConfideRun) -> list[dict[str, Any]] | None:
    folders: list[dict[str, Any]] | None = _readyz(run).get("folders")
    return folders if folders and folders[0]["last_reconcile"] else None


def test_a_watched_folder_under_confide_run(tmp_path: Path, sink: Sink) -> None:
    """The folder's observer runs and has reconciled; a file with an NHS number and a
    health condition is quarantined, its note (naming no file) in its place, and listed for
    the manager; rejected, its owner is sent the notice; SIGTERM stops `confide run` with
    exit 0, no traceback and none of its processes left."""
    share = tmp_path / "website-uploads"
    share.mkdir()
    with confide_running(
        tmp_path, sink.port, [WebUser("jo", "manager")], watch=_watch(share)
    ) as run:
        assert run.process is not None
        (folder,) = wait_for(lambda: _reconciled(run), 60, "the first reconcile")
        assert (folder["folder"], folder["observer"]) == (0, "running")
        assert _readyz(run)["checks"]["watcher"] == "ok"

        (share / NAME).write_bytes(CONTENT)
        (note,) = wait_for(
            lambda: list(share.glob("confide-held-*.txt")), DELIVERY_TIMEOUT, "the note"
        )
        assert not (share / NAME).exists()
        document = note.stem.rpartition("-")[2]
        assert f"Reference: held document {document}" in note.read_text()
        assert "amina" not in note.read_text().lower()

        with Manager(run, "jo").opener.open(run.url("/documents/"), timeout=30) as page:
            listing = page.read().decode()
        assert f'href="/documents/{document}/"' in listing
        assert str(share) in listing

        said = run.confide("documents", "reject", document, "--note", "no", "--as", "jo")
        assert f"its owner {SENDER} is told" in said
        (notice,) = wait_for(lambda: sink.handler.to(SENDER), 30, "the owner's notice")
        assert f"held document {document}".encode() in notice.content
        assert b"amina" not in notice.content.lower()

        started = psutil.Process(run.process.pid).children(recursive=True)
        began = time.monotonic()
        run.process.send_signal(signal.SIGTERM)
        status = run.process.wait(timeout=STOP_SECONDS + 30)
        took = time.monotonic() - began
        _, alive = psutil.wait_procs(started, timeout=5)
    log = run.log.read_text(errors="replace")
    assert status == 0, log[-2000:]
    assert took < STOP_SECONDS
    assert [p.cmdline() for p in alive] == []
    assert "Traceback" not in log
