"""``confide watch`` as the admin runs it, with the real model and the example register:
``--once`` killed in the middle of a quarantine move and run again, ``--report``, ``--quiet``.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.sealing import Sealer
from gateway.watcher.quarantine import MOVED
from gateway.watcher.sealed_files import opened

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EXAMPLES = Path(__file__).parents[3] / "examples"
CONFIG = """
[organisation]
name = "Riverside Carers' Centre"
internal_domains = ["riverside-carers.example.org"]

[watch]
quarantine = "held"
# One scanning worker, not one per CPU: each loads the model (seconds of CPU), and these
# few files need no more.
scan_workers = 1

[[watch.folders]]
path = "web"
audience = "public"
mode = "enforce"

[[watch.folders]]
path = "staff"
audience = "internal"
"""

Confide = Callable[..., subprocess.CompletedProcess[str]]


def test_once_after_a_kill_and_the_discovery_report(tmp_path: Path, confide: Confide) -> None:
    """A pass killed mid-quarantine loses nothing; the next pass finishes the move, judges
    the rest, and writes a report with finding counts and subject refs but no matched text;
    a quiet pass over the unchanged tree prints nothing."""
    (tmp_path / "confide.toml").write_text(CONFIG)
    register = EXAMPLES / "register"
    imported = confide(
        "consent",
        "import",
        *("--agencies", register / "agencies.csv"),
        *("--subjects", register / "subjects.csv"),
        *("--consents", register / "consents.csv"),
    )
    assert imported.returncode == 0, imported.stderr
    for folder in ("web", "staff"):
        (tmp_path / folder).mkdir()
        shutil.copy(EXAMPLES / "case-notes.docx", tmp_path / folder / "case-notes.docx")
    shutil.copy(EXAMPLES / "newsletter.txt", tmp_path / "web" / "newsletter.txt")
    past = time.time() - 60  # written a minute ago: stable
    for path in tmp_path.glob("*/*"):
        os.utime(path, (past, past))

    killed = confide("watch", "--once", env={"CONFIDE_TEST_CRASH_AT": MOVED})
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    report = tmp_path / "report.csv"
    done = confide("watch", "--once", "--report", report)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "web" / "case-notes.docx").exists()
    [note] = (tmp_path / "web").glob("confide-held-*.txt")
    [held] = (tmp_path / "held").iterdir()
    keys = Sealer.from_key_file(tmp_path / "var" / "confide.key", create=True)
    assert b"".join(opened(held, keys)) == (EXAMPLES / "case-notes.docx").read_bytes()
    assert note.name == f"confide-held-{held.name.split('-')[0]}.txt"
    assert (tmp_path / "staff" / "case-notes.docx").is_file()

    text = report.read_text()
    assert "943 476 5919" not in text
    assert "Nowak" not in text
    rows = {
        (Path(r["folder"]).name, Path(r["path"]).name): r for r in csv.DictReader(text.splitlines())
    }
    web_notes = rows["web", "case-notes.docx"]
    assert (web_notes["verdict"], web_notes["placement"]) == ("hold", "quarantined")
    assert "UK_NHS: 1" in web_notes["findings"]
    assert "C-1002" in web_notes["subjects"]
    assert rows["staff", "case-notes.docx"]["verdict"] == "release"
    assert rows["web", "newsletter.txt"]["verdict"] == "release"

    quiet = confide("watch", "--once", "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == ""


def test_a_report_inside_a_watched_folder_is_refused(tmp_path: Path, confide: Confide) -> None:
    """The discovery report lists the files that hold personal data: written in a public
    folder it would be in view, so the command is refused before anything is judged."""
    (tmp_path / "confide.toml").write_text(CONFIG)
    for folder in ("web", "staff"):
        (tmp_path / folder).mkdir()
    shutil.copy(EXAMPLES / "case-notes.docx", tmp_path / "web" / "case-notes.docx")
    for report in (tmp_path / "web" / "discovery.csv", tmp_path / "staff" / "sub" / "r.csv"):
        refused = confide("watch", "--once", "--report", report)
        assert refused.returncode == 2
        assert "outside every watched folder" in refused.stderr
        assert not report.exists()
    assert sorted(p.name for p in (tmp_path / "web").iterdir()) == ["case-notes.docx"]


def test_numbers_in_names_joined_by_a_dash_or_a_folder_are_held(
    tmp_path: Path, confide: Confide
) -> None:
    """With the real model, in a public enforce folder: a bare NHS number joined to a name by
    dashes, one in a sub-folder's file name, and a folder named with a person and one (a
    clean file and one to redact in it) are each held, and the folder taken away, no
    redacted copy written in it; a dated invoice's number is not held."""
    (tmp_path / "confide.toml").write_text(CONFIG)
    web = tmp_path / "web"
    (web / "names").mkdir(parents=True)
    (tmp_path / "staff").mkdir()
    named = web / "Callum Achterberg 4010232137"
    named.mkdir()
    files = {
        web / "Agnieszka-Thornton-4010232137.txt": b"Summer fair rota.\n",
        web / "names" / "4010232137 Agnieszka Thornton.txt": b"Summer fair rota.\n",
        named / "minutes.txt": b"Minutes of the summer fair committee.\n",
        named / "case.txt": b"Client Dec Okafor, NHS number 943 476 5919, called.\n",
        web / "2025-01-01 1234567890 invoice.txt": b"Summer fair rota.\n",
    }
    past = time.time() - 60
    for path, content in files.items():
        path.write_bytes(content)
        os.utime(path, (past, past))
    done = confide("watch", "--once")
    assert done.returncode == 0, done.stderr
    left = sorted(str(p.relative_to(web)) for p in web.rglob("*") if "confide-held" not in p.name)
    assert left == ["2025-01-01 1234567890 invoice.txt", "names"]
    assert len(list((tmp_path / "held").iterdir())) == 4
