"""`confide run` as the admin starts it (the relay and the review pages in one process), for
the tests that use the web app: its own confide.toml delivering to the test's sink, a
database, the example consent register and the web users the test names."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CONFIDE, EXAMPLES, free_port, wait_for, write_config

PASSWORD = "a long review password 42"  # noqa: S105 - the test accounts'


@dataclass(frozen=True)
class WebUser:
    """A review app account made with `confide webuser`, signed in with ``PASSWORD``."""

    name: str
    role: str  # manager | staff
    email: str = ""


class ConfideRun:
    """`confide run` in ``folder``: SMTP on ``smtp_port``, the review pages on ``web_port``,
    on the database ``database_url`` names (None: its own SQLite under ``folder``)."""

    def __init__(
        self,
        folder: Path,
        upstream_port: int,
        database_url: str | None,
        review: str = "",
        watch: str = "",
    ) -> None:
        self.folder = folder
        self.smtp_port = free_port()
        self.web_port = free_port()
        config = write_config(folder, upstream_port)
        listen = f'listen = "127.0.0.1:{self.web_port}"\n'
        text = re.sub(r'listen = "127\.0\.0\.1:\d+"\n', listen, config.read_text("utf-8"))
        # [review] is the last section; [watch] and its tables may follow it.
        config.write_text(text + review + watch, encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if database_url is not None:
            self.env["DATABASE_URL"] = database_url
        self.env["CONFIDE_CONFIG"] = str(config)
        self.log = folder / "run.log"
        # More of `confide run`'s command line (``--upstream HOST:PORT``, say).
        self.run_args: list[str] = []
        self.process: subprocess.Popen[bytes] | None = None

    def confide(self, *args: str, stdin: str = "") -> str:
        """Run a `confide` command against the same configuration; its output."""
        done = subprocess.run(
            [str(CONFIDE), *args], cwd=self.folder, env=self.env, input=stdin,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def python(self, code: str, *args: str) -> Any:
        """Run ``code`` with Django set up on the same database; its JSON output."""
        setup = "import json, sys\nimport django\ndjango.setup()\n"
        done = subprocess.run(
            [sys.executable, "-c", setup + code, *args], cwd=self.folder,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "gateway.settings"},
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def import_register(self) -> None:
        """Import the example consent register."""
        register = EXAMPLES / "register"
        self.confide(
            "consent", "import", "--agencies", str(register / "agencies.csv"),
            "--subjects", str(register / "subjects.csv"),
            "--consents", str(register / "consents.csv"),
        )  # fmt: skip

    def add(self, user: WebUser) -> None:
        email = ("--email", user.email) if user.email else ()
        self.confide("webuser", user.name, "--role", user.role, *email, stdin=PASSWORD + "\n")

    def start(self) -> None:
        """Start `confide run` and wait until both its SMTP door and its pages answer."""
        self.launch()
        self.wait_until_serving()

    def launch(self) -> None:
        """Start `confide run` in a process group of its own (see ``kill``)."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CONFIDE), "run", "--listen", f"127.0.0.1:{self.smtp_port}", *self.run_args],
                cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def wait_until_serving(self) -> None:
        """Wait until both its SMTP door and its pages answer."""
        for port in (self.smtp_port, self.web_port):
            wait_for(lambda port=port: self._listening(port), timeout=60, what=f"port {port}")

    def _listening(self, port: int) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"confide run exited:\n{self.log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def kill(self) -> None:
        """``kill -9`` its whole process group: `confide run` and every process it started
        (scanning workers and their sandboxed workers) die at the same moment."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def url(self, path: str = "/") -> str:
        """``path`` on the review pages."""
        return f"http://127.0.0.1:{self.web_port}{path}"


@contextmanager
def confide_running(
    folder: Path,
    upstream_port: int,
    users: Sequence[WebUser],
    *,
    database_url: str | None = None,
    review: str = "",
    watch: str = "",
) -> Iterator[ConfideRun]:
    """`confide run` with ``users`` (and the ``[watch]`` section ``watch``), stopped on
    leaving. Without ``database_url`` it makes its own SQLite database (`confide init`) and
    imports the example register; with one (the test's database, already migrated) it adds
    only the users."""
    made = ConfideRun(folder, upstream_port, database_url, review, watch)
    if database_url is None:
        made.confide("init")
        made.import_register()
    for user in users:
        made.add(user)
    made.start()
    try:
        yield made
    finally:
        made.stop()
