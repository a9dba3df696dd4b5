"""`confide verdict`, run as an admin runs it: the console script against an imported register."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CONFIDE = Path(sys.executable).with_name("confide")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SENDER = "priya.sharma@riverside-carers.example.org"


def confide(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [str(CONFIDE), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory with a confide.toml and the example register imported."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "confide.toml").write_text(
        f'data_dir = "{folder / "var"}"\n'
        "[organisation]\n"
        'internal_domains = ["riverside-carers.example.org"]\n'
        'published_contacts = ["0300 123 4567"]\n',
        encoding="utf-8",
    )
    assert confide("init", cwd=folder).returncode == 0
    register = EXAMPLES / "register"
    imported = confide(
        "consent",
        "import",
        "--agencies",
        register / "agencies.csv",
        "--subjects",
        register / "subjects.csv",
        "--consents",
        register / "consents.csv",
        cwd=folder,
    )
    assert imported.returncode == 0, imported.stderr
    return folder


def test_json_gives_a_verdict_per_recipient(site: Path):
    """Consented agency: banner; agency whose consent lacks health: hold; colleague: release."""
    result = confide(
        "verdict",
        "--json",
        "--from",
        SENDER,
        "--to",
        "duty@leeds-asc.example",
        "--to",
        "adviser@citizensadvice.example",
        "--to",
        "colleague@riverside-carers.example.org",
        EXAMPLES / "carer-update.eml",
        cwd=site,
    )
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)["verdicts"]
    assert {a: v["action"] for a, v in verdicts.items()} == {
        "duty@leeds-asc.example": "banner",
        "adviser@citizensadvice.example": "hold",
        "colleague@riverside-carers.example.org": "release",
    }
    for verdict in verdicts.values():
        assert set(verdict) == {"action", "rules", "reasons"}
        assert verdict["rules"]
        assert verdict["reasons"]
    assert "ref C-1001" in verdicts["adviser@citizensadvice.example"]["reasons"][0]
    assert "Okafor" not in result.stdout
    assert "07700" not in result.stdout


def test_json_keys_each_verdict_by_the_recipient_as_given(site: Path):
    """Mixed-case addresses come back exactly as typed, each with its own verdict."""
    given = ["Duty@Leeds-ASC.example", "Colleague@Riverside-Carers.example.org"]
    result = confide(
        "verdict", "--json", "--from", SENDER, "--to", given[0], "--to", given[1],
        EXAMPLES / "carer-update.eml", cwd=site,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)["verdicts"]
    assert {a: v["action"] for a, v in verdicts.items()} == {
        given[0]: "banner",
        given[1]: "release",
    }


def test_the_table_names_rules_with_their_clauses(site: Path):
    """Without --json a manager-readable table cites each rule's policy clause."""
    result = confide(
        "verdict",
        "--from",
        SENDER,
        "--to",
        "someone@gmail.com",
        EXAMPLES / "carer-update.eml",
        cwd=site,
    )
    assert result.returncode == 0, result.stderr
    assert "someone@gmail.com: HOLD" in result.stdout
    assert "rule no-consent (000 2.1 / 003 Informed Consent)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", SENDER, "--to", "x@y.example", "missing.eml"), "missing.eml: no such file"),
        (("--from", "not-an-address", "--to", "x@y.example", "FILE"), "is not an email address"),
        (("--from", SENDER, "--to", "x@y.example", "ARCHIVE"), "archive.zip"),
        (
            ("--from", SENDER, "--to", "x@y.example", "."),
            "is a directory; confide verdict reads one",
        ),
    ],
)
def test_bad_input_is_one_line_and_status_2(site: Path, args, message):
    """A missing file, a bad address, an unsupported file or a directory gives one line and
    exit 2."""
    archive = site / "archive.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    args = tuple(
        str(EXAMPLES / "carer-update.eml") if a == "FILE" else str(archive) if a == "ARCHIVE" else a
        for a in args
    )
    result = confide("verdict", *args, cwd=site)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_damaged_document_gets_a_verdict_like_any_unscannable_item(site: Path):
    """A truncated .docx is read as confide scan reads it: unscannable, so held for an
    outside recipient and released to a colleague, not refused as an unsupported type."""
    damaged = site / "damaged.docx"
    damaged.write_bytes((EXAMPLES / "case-notes.docx").read_bytes()[:1500])
    colleague = "colleague@riverside-carers.example.org"
    result = confide(
        "verdict", "--from", SENDER, "--to", colleague, "--to", "x@y.example", "--json",
        str(damaged), cwd=site,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)["verdicts"]
    assert verdicts["x@y.example"]["action"] == "hold"
    assert verdicts[colleague]["action"] == "release"


def test_json_names_the_rules_read_that_did_not_fire(site: Path):
    """Beside the verdicts, `not_fired` names per recipient every rule read that did not
    fire: for a colleague, the two read before internal-recipient stopped the reading."""
    colleague = "colleague@riverside-carers.example.org"
    result = confide(
        "verdict", "--json", "--from", SENDER, "--to", colleague, "--to", "someone@gmail.com",
        EXAMPLES / "carer-update.eml", cwd=site,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["not_fired"][colleague] == ["unscannable-internal", "unscannable"]
    outside = output["verdicts"]["someone@gmail.com"]
    not_fired = output["not_fired"]["someone@gmail.com"]
    assert "no-consent" in outside["rules"]
    assert "consent-recorded" in not_fired
    assert not set(not_fired) & set(outside["rules"])


@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_a_saved_message_gets_the_relays_verdict(site: Path, tmp_path: Path, line_end: str):
    """The first-day tester's plain "Hi Sam" message, saved by a mail program (LF) or as SMTP
    carries it (CRLF): released, as the relay released it; read as text too, its header's
    addresses and Message-ID were findings, and the verdict said redact."""
    lines = [
        f"From: Priya Sharma <{SENDER}>",
        "To: Sam Green <sam.green@communityhall.example>",
        "Subject: Coffee morning",
        "Date: Thu, 03 Dec 2026 10:00:00 +0000",
        "Message-ID: <a1@riverside-carers.example.org>",
        "",
        "Hi Sam,",
        "",
        "Thanks for hosting our coffee morning next Tuesday.",
        "",
        "Kind regards,",
        "Priya",
    ]
    saved = tmp_path / "10-plain.eml"
    saved.write_bytes(line_end.join([*lines, ""]).encode())
    to = "sam.green@communityhall.example"
    result = confide("verdict", "--json", "--from", SENDER, "--to", to, saved, cwd=site)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["verdicts"][to]["action"] == "release"
