"""`confide run` with a watched folder (public, enforce), as the admin starts it: /readyz shows
the folder's observer and last reconcile; a document with personal data dropped in the
folder is taken into quarantine with its note and listed on the managers' Held documents
page, judged in the relay's scanning worker (the node's only model worker); a reject tells
its owner through the running relay; a manager's redacted release of held mail is made in
that worker too. The relay's scanning worker killed while it scans a document for the
watcher: the document is judged again, and mail goes on through the workers started in its
place; SIGTERM stops it all, leaving no process behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import smtplib
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.e2e.confide_run import ConfideRun, WebUser, confide_running
from tests.e2e.conftest import DELIVERY_TIMEOUT, NOT_CONSENTED, SENDER, Sink, wait_for
from tests.e2e.test_relay_delivery import ALICE, plain_message
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


# The held recipients' messages and outcomes.
_HELD = """
from gateway.relay.models import Outcome
held = Outcome.objects.filter(review_state="held")
print(json.dumps([[str(outcome.message_id), outcome.id] for outcome in held]))
"""


def _referral() -> bytes:
    """A message whose NHS number and health condition hold it for an agency without consent."""
    return (
        f"From: {SENDER}\r\nTo: {NOT_CONSENTED}\r\nSubject: Referral\r\n\r\n"
    ).encode() + CONTENT.replace(b"\n", b"\r\n")


def _reconciled(run: ConfideRun) -> list[dict[str, Any]] | None:
    folders: list[dict[str, Any]] | None = _readyz(run).get("folders")
    return folders if folders and folders[0]["last_reconcile"] else None


def _model_workers(run: ConfideRun) -> dict[int, list[psutil.Process]]:
    """The run's sandboxed (model) workers, the children of its fork servers, by the pid of
    the process that started each fork server."""
    assert run.process is not None
    found: dict[int, list[psutil.Process]] = {}
    for process in psutil.Process(run.process.pid).children(recursive=True):
        if "multiprocessing.forkserver" in " ".join(process.cmdline()):
            parent = process.parent()
            if parent is not None and "multiprocessing.forkserver" not in " ".join(
                parent.cmdline()
            ):
                found[parent.pid] = process.children()
    return found


def test_a_watched_folder_under_confide_run(tmp_path: Path, sink: Sink) -> None:
    """The folder's observer runs and has reconciled; a file with an NHS number and a
    health condition is quarantined, its note (naming no file) in its place, and listed for
    the manager, the relay's scanning worker having judged it; rejected, its owner is sent
    the notice; held mail released redacted from the web app, and a document redacted for
    the public, leave that worker's model worker the run's only one.

    Then kill -9 of the relay's scanning worker while it scans a long document for the
    watcher (its model worker busy with it): an outage of ours, not the document's doing, so
    the document, which holds nothing personal, is scanned again and stays, never held for a
    manager and never released unjudged; the relay starts new workers and mail goes through
    them. SIGTERM while one scans another long document: `confide run` stops within the
    bound with exit 0, no traceback and none of its processes left, and that document is not
    held. (One run for both halves: each start of `confide run` loads the model.)"""
    share = tmp_path / "website-uploads"
    share.mkdir()
    with confide_running(
        tmp_path, sink.port, [WebUser("jo", "manager")], watch=_watch(share)
    ) as run:
        assert run.process is not None
        (folder,) = wait_for(lambda: _reconciled(run), 60, "the first reconcile")
        assert (folder["folder"], folder["observer_running"]) == (0, True)
        assert folder["observer"] == "native"  # a local disk: ``auto`` takes inotify
        assert _readyz(run)["checks"]["watcher"] == "ok"

        (share / NAME).write_bytes(CONTENT)
        (note,) = wait_for(
            lambda: list(share.glob("confide-held-*.txt")), DELIVERY_TIMEOUT, "the note"
        )
        assert not (share / NAME).exists()
        # One model worker, the relay's scanning worker's: the watcher started none.
        ((scanning_worker, model_workers),) = _model_workers(run).items()
        assert scanning_worker != run.process.pid
        assert len(model_workers) == 1
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

        # A manager's redacted release is made and checked in the same scanning worker.
        with smtplib.SMTP("127.0.0.1", run.smtp_port, timeout=30) as client:
            client.sendmail(SENDER, [NOT_CONSENTED], _referral())
        ((message, outcome),) = wait_for(lambda: run.python(_HELD), DELIVERY_TIMEOUT, "a hold")
        answer = Manager(run, "jo").act(message, outcome, "redacted", threading.Barrier(1))
        assert "released redacted" in answer.page, answer.page[-2000:]
        (copy,) = wait_for(lambda: sink.handler.to(NOT_CONSENTED), 30, "the redacted copy")
        assert b"943 476 5919" not in copy.content
        # A document the rules redact for the public: its copy made and checked there too.
        (share / "stall.txt").write_bytes(b"Please ring Margaret Thompson on 07700 900999.\n")
        (redacted,) = wait_for(
            lambda: list(share.glob("stall (redacted)*.txt")), DELIVERY_TIMEOUT, "the copy"
        )
        assert b"07700 900999" not in redacted.read_bytes()
        # The original goes once its copy is written (each document is acted on as its own
        # scan ends): its note is the second.
        wait_for(
            lambda: (
                not (share / "stall.txt").exists()
                and len(list(share.glob("confide-held-*.txt"))) == 2
            ),
            60,
            "the original held",
        )
        ((scanning_worker, (model_worker,)),) = _model_workers(run).items()
        held = sorted(share.glob("confide-held-*.txt"))  # the notes of what is held so far

        # The scanning worker killed while its model worker scans a long clean document.
        (share / "fair.txt").write_bytes(b"The summer fair is on Saturday.\n")
        wait_for(lambda: _present(run, "fair.txt") == [["release", "", 0, ""]], 60, "fair.txt")
        idle = sum(model_worker.cpu_times()[:2])
        (share / "programme.txt").write_bytes(_long_clean_text())
        wait_for(lambda: sum(model_worker.cpu_times()[:2]) > idle + 0.3, 60, "the long scan")
        orphans = psutil.Process(scanning_worker).children(recursive=True)
        psutil.Process(scanning_worker).kill()
        wait_for(
            lambda: _present(run, "programme.txt") == [["release", "", 0, ""]],
            120,
            "the judgement again",
        )
        assert (share / "programme.txt").exists()
        assert (share / "fair.txt").exists()
        assert sorted(share.glob("confide-held-*.txt")) == held

        with smtplib.SMTP("127.0.0.1", run.smtp_port, timeout=30) as client:
            client.sendmail(SENDER, [ALICE], plain_message())
        wait_for(lambda: sink.handler.to(ALICE), DELIVERY_TIMEOUT, "the delivery")

        # SIGTERM while the new worker scans another long document: a stop, not a fault of
        # the document's, so it is not held; it is judged on the next start.
        ((_, (model_worker,)),) = _model_workers(run).items()
        idle = sum(model_worker.cpu_times()[:2])
        (share / "timetable.txt").write_bytes(_long_clean_text())
        wait_for(lambda: sum(model_worker.cpu_times()[:2]) > idle + 0.3, 60, "the second scan")
        started = psutil.Process(run.process.pid).children(recursive=True)
        began = time.monotonic()
        run.process.send_signal(signal.SIGTERM)
        status = run.process.wait(timeout=STOP_SECONDS + 30)
        took = time.monotonic() - began
        _, alive = psutil.wait_procs(started, timeout=5)
    for orphan in orphans:  # its fork server and model worker, left without their parent
        with contextlib.suppress(psutil.NoSuchProcess):
            orphan.kill()
    log = run.log.read_text(errors="replace")
    assert "the scanning workers stopped (one died); started new ones" in log
    assert (status, "Traceback" in log) == (0, False), log[-2000:]
    assert took < STOP_SECONDS
    assert [p.cmdline() for p in alive] == []
    assert (share / "timetable.txt").exists()
    assert sorted(share.glob("confide-held-*.txt")) == held


def _present(run: ConfideRun, name: str) -> list[object]:
    """What the watcher recorded of the file ``name`` in view: action, problem, lost scans
    and note."""
    return run.python(  # type: ignore[no-any-return]
        "from gateway.watcher.models import WatchedFile\n"
        "print(json.dumps([[r.action, r.problem, r.lost_scans, r.note_path] for r in "
        f"WatchedFile.objects.filter(path__endswith={name!r}, present=True)]))"
    )


def _long_clean_text() -> bytes:
    """About 400 KB of notice text with nothing personal in it: seconds of the model's time.
    Its lines differ (words picked by a fixed linear congruential sequence)."""
    state, lines = 19, []
    for _ in range(4500):
        picked = []
        for _ in range(14):
            state = (state * 1103515245 + 12345) % 2**31
            picked.append(_WORDS[(state >> 16) % len(_WORDS)])
        lines.append(" ".join(picked).capitalize() + ".\n")
    return "".join(lines).encode()


_WORDS = ("the", "summer", "fair", "is", "on", "saturday", "at", "community", "hall", "and")
_WORDS += ("everyone", "welcome", "to", "bring", "cakes", "games", "books", "plants", "music")
_WORDS += ("tea", "coffee", "volunteers", "set", "up", "stalls", "in", "morning", "afternoon")
