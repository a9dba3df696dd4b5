"""Links in a watched folder as a charity meets them, through ``confide watch --once``,
``--report`` and ``confide documents list``: one row per path, shown as a link, once."""

from __future__ import annotations

import csv
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

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
"""
SHORTCUT = "Margaret Hughes AB 12 34 56 C.lnk"

Confide = Callable[..., subprocess.CompletedProcess[str]]


def test_a_charitys_links_are_listed_once_as_links(tmp_path: Path, confide: Confide) -> None:
    """A public enforce folder with a link named with a National Insurance number and a
    link out of the tree: ``confide watch --once`` records each once, held, and the report
    lists each once as a link, never as a folder, and without the number; both links are
    taken away (never followed: the file out of the tree is untouched), and ``confide
    documents`` lists each once, as a link, held."""
    (tmp_path / "confide.toml").write_text(CONFIG)
    web = tmp_path / "web"
    (web / "minutes").mkdir(parents=True)
    (web / "minutes" / "fair.txt").write_text("The summer fair is on Saturday.\n")
    (web / SHORTCUT).symlink_to("minutes/fair.txt")
    outside = tmp_path / "payroll.csv"
    outside.write_text("name,salary\n")
    (web / "payroll").symlink_to(outside)
    past = time.time() - 60
    os.utime(web / "minutes" / "fair.txt", (past, past))

    report = tmp_path / "report.csv"
    done = confide("watch", "--once", "--report", report)
    assert done.returncode == 0, done.stderr
    assert not os.path.lexists(web / SHORTCUT)  # taken away, never followed
    assert not os.path.lexists(web / "payroll")
    assert outside.read_text() == "name,salary\n"

    text = report.read_text()
    assert "12 34 56" not in text.replace(SHORTCUT, "")
    rows = list(csv.DictReader(text.splitlines()))
    by_name: dict[str, dict[str, str]] = {}
    for row in rows:
        name = Path(row["path"]).name
        assert name not in by_name, f"{row['kind']} {row['id']} listed twice"
        by_name[name] = row
    assert {name: by_name[name]["kind"] for name in by_name} == {
        SHORTCUT: "link",
        "payroll": "link",
        "minutes": "folder",
        "fair.txt": "file",
    }
    assert by_name[SHORTCUT]["verdict"] == "hold"
    assert "UK_NI" in by_name[SHORTCUT]["findings"]
    assert by_name["payroll"]["verdict"] == "hold"
    assert "outside the watched folder" in by_name["payroll"]["reasons"]
    assert by_name["fair.txt"]["verdict"] == "release"

    listed = confide("documents", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    for name in (SHORTCUT, "payroll"):
        row_id = by_name[name]["id"]
        mine = [line for line in lines if line.split("\t")[0].strip() == row_id]
        assert len(mine) == 1, listed.stdout
        assert mine[0].split("\t")[6] == "link"  # its kind, as in the report
        assert "still in view" not in mine[0]
    assert not [line for line in lines if "still in view" in line]
