"""Real servers on loopback: an aiosmtpd sink standing in for the upstream MTA, and
``confide relay`` started as the admin starts it (the console script, a confide.toml, the
example consent register imported)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

CONFIDE = Path(sys.executable).with_name("confide")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INTERNAL = "riverside-carers.example.org"
SENDER = f"priya.sharma@{INTERNAL}"
COLLEAGUE = f"colleague@{INTERNAL}"
CONSENTED = "duty@leeds-asc.example"  # Leeds Adult Social Care: contact and health for C-1001
NOT_CONSENTED = "advice@citizensadvice.example"  # consent for C-1001 does not cover health
# Generous: the first message waits for a scanning worker to load the NER model.
DELIVERY_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for[T](check: Callable[[], T], timeout: float = DELIVERY_TIMEOUT, what: str = "") -> T:
    """Poll ``check`` until it returns something true; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or check}")
        time.sleep(0.1)


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes


@dataclass
class SinkHandler:
    """The upstream MTA: records what it accepts; can refuse or defer chosen recipients and
    be slow to answer DATA."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    defer: set[str] = field(default_factory=set)
    data_delay: float = 0.0
    data_started: list[float] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        if address in self.defer:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.data_started.append(time.monotonic())
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        self.received.append(
            Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 2.0.0 Ok: queued"

    def to(self, address: str) -> list[Received]:
        """Every message accepted for ``address``."""
        return [r for r in self.received if address in r.rcpt_tos]


class Sink:
    """An aiosmtpd server on loopback that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = SinkHandler()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def sink() -> Iterator[Sink]:
    """A running upstream sink."""
    server = Sink()
    server.start()
    yield server
    server.stop()


class Relay:
    """``confide relay`` in a subprocess, against the test's database."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.port = free_port()
        self.log = folder / "relay.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, **extra_env: str) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CONFIDE), "relay", "--listen", f"127.0.0.1:{self.port}"],
                cwd=self.folder,
                env={**self.env, **extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._listening, timeout=60, what="the relay to listen")

    def _listening(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"the relay exited ({self.process.returncode}):\n{self.log_text()}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def kill(self) -> None:
        """``kill -9`` the relay and every process it started (its scanning workers)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.stop()

    def stop(self) -> None:
        """Kill whatever is left of this relay, workers included (found by their config)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        for process in _processes_with(self.env["CONFIDE_CONFIG"]):
            with contextlib.suppress(ProcessLookupError):
                os.kill(process, signal.SIGKILL)

    def died(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def client(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.port, timeout=30)

    def send(self, content: bytes, recipients: list[str], sender: str = SENDER) -> Any:
        with self.client() as client:
            return client.sendmail(sender, recipients, content)


def _processes_with(config: str) -> list[int]:
    """The processes started with ``CONFIDE_CONFIG=config``: a relay and its workers."""
    import psutil

    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("CONFIDE_CONFIG") == config:
                found.append(process.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def write_config(folder: Path, upstream_port: int, extra: str = "") -> Path:
    """A confide.toml for a test relay: fast retries, one scanning worker."""
    path = folder / "confide.toml"
    path.write_text(
        f'data_dir = "{folder / "var"}"\n'
        "[organisation]\n"
        'name = "Riverside Carers\' Centre"\n'
        f'internal_domains = ["{INTERNAL}"]\n'
        'published_contacts = ["0300 123 4567"]\n'
        "[relay]\n"
        "scan_workers = 1\n"
        "retry_initial_seconds = 0.5\n"
        "retry_max_seconds = 1.0\n"
        f'hostname = "relay.{INTERNAL}"\n'
        f"{extra}"
        "[relay.upstream]\n"
        f"port = {upstream_port}\n"
        "timeout_seconds = 10\n"
        "[review]\n"  # confide run serves the review pages: never on a port in use
        f'listen = "127.0.0.1:{free_port()}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def make_relay(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Relay]]:
    """Start a relay delivering to ``upstream_port``, with the example register imported."""
    started: list[Relay] = []

    def make(upstream_port: int, extra_config: str = "", **extra_env: str) -> Relay:
        config = write_config(tmp_path, upstream_port, extra_config)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CONFIDE_CONFIG": str(config),
            "CONFIDE_LOG_LEVEL": "INFO",
        }
        register = EXAMPLES / "register"
        imported = subprocess.run(
            [str(CONFIDE), "consent", "import",
             "--agencies", str(register / "agencies.csv"),
             "--subjects", str(register / "subjects.csv"),
             "--consents", str(register / "consents.csv")],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert imported.returncode == 0, imported.stderr
        relay = Relay(tmp_path, env)
        started.append(relay)
        relay.start(**extra_env)
        return relay

    yield make
    for relay in started:
        relay.stop()


@pytest.fixture
def relay(make_relay: Callable[..., Relay], sink: Sink) -> Relay:
    """A relay delivering to the running sink."""
    return make_relay(sink.port)
