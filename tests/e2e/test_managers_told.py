"""`confide run` with a real relay and an upstream sink on loopback: a held message's sender
is sent a hold notice linking to its page, the manager is sent an alert listing it, and
`confide digest` sends them the day's summary; neither manager's email names anyone or
quotes the message."""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    CONFIDE,
    DELIVERY_TIMEOUT,
    EXAMPLES,
    INTERNAL,
    NOT_CONSENTED,
    SENDER,
    Sink,
    free_port,
    wait_for,
    write_config,
)

pytestmark = pytest.mark.slow

BASE_URL = f"https://confide.{INTERNAL}"
MANAGER = f"jo.manager@{INTERNAL}"
PASSWORD = "a long review password 42"  # noqa: S105 - a test account's
SUBJECT = "Mrs Okafor's care plan"
MESSAGE = (
    f"From: {SENDER}\r\nTo: {NOT_CONSENTED}\r\nSubject: {SUBJECT}\r\n\r\n"
    "Mrs Okafor's NHS number is 943 476 5919; she is diabetic.\r\n"
).encode()
PERSONAL = ("Okafor", "943 476 5919", "diabetic", "care plan", SENDER, NOT_CONSENTED)


class Run:
    """`confide run` in ``folder``: its own confide.toml and SQLite database."""

    def __init__(self, folder: Path, upstream_port: int) -> None:
        self.folder = folder
        self.smtp_port = free_port()
        config = write_config(folder, upstream_port)
        with config.open("a", encoding="utf-8") as review:  # [review] is the file's last section
            review.write(f'base_url = "{BASE_URL}"\nhold_alert_every = "1s"\n')
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["CONFIDE_CONFIG"] = str(config)
        self.log = folder / "run.log"
        self.process: subprocess.Popen[bytes] | None = None

    def confide(self, *args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [str(CONFIDE), *args], cwd=self.folder, env=self.env, input=stdin,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CONFIDE), "run", "--listen", f"127.0.0.1:{self.smtp_port}"],
                cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(self._listening, timeout=60, what="confide run to listen")

    def _listening(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"confide run exited:\n{self.log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", self.smtp_port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def run(tmp_path: Path, sink: Sink) -> Iterator[Run]:
    made = Run(tmp_path, sink.port)
    made.confide("init")
    register = EXAMPLES / "register"
    made.confide(
        "consent", "import", "--agencies", str(register / "agencies.csv"),
        "--subjects", str(register / "subjects.csv"), "--consents", str(register / "consents.csv"),
    )  # fmt: skip
    made.confide("webuser", "jo", "--role", "manager", "--email", MANAGER, stdin=PASSWORD + "\n")
    made.start()
    yield made
    made.stop()


def _text(raw: bytes) -> str:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    return f"Subject: {parsed['Subject']}\n\n{body.get_content()}"


def test_the_sender_gets_a_link_and_the_manager_an_alert_and_a_digest(run: Run, sink: Sink) -> None:
    """The hold notice links to the item's page; within seconds the manager is alerted to
    it, and `confide digest` lists it; neither manager's email holds personal data."""
    with smtplib.SMTP("127.0.0.1", run.smtp_port, timeout=30) as client:
        client.sendmail(SENDER, [NOT_CONSENTED], MESSAGE)

    (notice,) = wait_for(lambda: sink.handler.to(SENDER), DELIVERY_TIMEOUT, "the hold notice")
    notice_text = _text(notice.content)
    link = next(line.strip() for line in notice_text.splitlines() if BASE_URL in line)
    assert link.startswith(f"{BASE_URL}/held/")
    assert sink.handler.to(NOT_CONSENTED) == []

    (alert,) = wait_for(lambda: sink.handler.to(MANAGER), 30, "the managers' alert")
    alert_text = _text(alert.content)
    assert "1 new item waits for a manager" in alert_text
    assert link in alert_text

    assert "digest queued for 1 manager" in run.confide("digest")
    digest = wait_for(lambda: sink.handler.to(MANAGER)[1:], 30, "the digest")[0]
    digest_text = _text(digest.content)
    assert "1 held item waits for a manager" in digest_text
    assert link in digest_text
    for personal in PERSONAL:
        assert personal.lower() not in alert.content.decode("ascii").lower()
        assert personal.lower() not in digest.content.decode("ascii").lower()
