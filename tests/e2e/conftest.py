"""Real servers on loopback: an aiosmtpd sink standing in for the upstream MTA, and
``confide relay`` started as the admin starts it (the console script, a confide.toml, the
example consent register imported)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import os
import shutil
import signal
import smtplib
import socket
import sqlite3
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


@pytest.hookimpl(tryfirst=True)  # before -m selects by markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``e2e`` (the PostgreSQL pass of ``make test`` runs
    those marked ``both_backends``, end-to-end or not)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


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


def send_until_accepted(ports: list[int], content: bytes, recipients: list[str]) -> str:
    """Send as an MTA with these MX hosts does: to the first, and on any failure to the next,
    with the same bytes, until one answers 250 (a relay may be dead or restarting meanwhile);
    the relay's id for the message, from its 250."""
    deadline = time.monotonic() + 120
    for attempt in itertools.count():
        try:
            with smtplib.SMTP("127.0.0.1", ports[attempt % len(ports)], timeout=30) as client:
                client.ehlo()
                assert client.mail(SENDER)[0] == 250
                for address in recipients:
                    assert client.rcpt(address)[0] == 250
                code, text = client.data(content)
            if code == 250:
                return text.decode().rsplit(" ", 1)[-1]
            assert code // 100 == 4, (code, text)
        except (OSError, smtplib.SMTPException):
            pass  # that relay died under us, or is not listening yet
        assert time.monotonic() < deadline, "no relay accepted the message"
        if attempt % len(ports) == len(ports) - 1:
            time.sleep(0.2)  # every relay tried: give them a moment
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    helo: str = ""  # the name the sending relay gave in EHLO ([relay] hostname)
    at: float = 0.0  # time.time() when its DATA began


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
        began = time.time()
        self.data_started.append(time.monotonic())
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        self.received.append(
            Received(
                envelope.mail_from,
                tuple(envelope.rcpt_tos),
                envelope.original_content,
                session.host_name or "",
                began,
            )
        )
        return "250 2.0.0 Ok: queued"

    def forget(self) -> None:
        """Back to a new handler's state: nothing recorded, every recipient taken at once."""
        fresh = SinkHandler()
        for each in dataclasses.fields(self):
            setattr(self, each.name, getattr(fresh, each.name))

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

    @property
    def running(self) -> bool:
        return self._controller is not None


class Relay:
    """``confide relay`` in a subprocess, against the test's database."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.port = free_port()
        self.log = folder / "relay.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.shared = False  # the relay of the shared_relay tests: no test may stop it
        self._log_from = 0  # where the current test's part of the log begins

    def start(self, **extra_env: str) -> None:
        self._refuse_if_shared("start")
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
        self._refuse_if_shared("kill")
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.stop()

    def stop(self) -> None:
        """Kill whatever is left of this relay, workers included (found by their config)."""
        self._refuse_if_shared("stop")
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        for process in _processes_with(self.env["CONFIDE_CONFIG"]):
            with contextlib.suppress(ProcessLookupError):
                os.kill(process, signal.SIGKILL)

    def died(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def _refuse_if_shared(self, what: str) -> None:
        if self.shared:
            pytest.fail(
                f"a test may not {what} the shared relay: give it its own relay (make_relay), "
                "or take it out of shared_relay"
            )

    def begin_test(self) -> None:
        """From now on ``log_text`` shows only what the relay logs for the current test."""
        self._log_from = self.log.stat().st_size

    def log_text(self) -> str:
        """What the relay logged (a shared relay: since the current test began)."""
        with self.log.open("rb") as log:
            log.seek(self._log_from)
            return log.read().decode("utf-8", errors="replace")

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


def _import_register(folder: Path, env: dict[str, str]) -> None:
    """Import the example consent register into the database ``env`` names."""
    register = EXAMPLES / "register"
    imported = subprocess.run(
        [str(CONFIDE), "consent", "import",
         "--agencies", str(register / "agencies.csv"),
         "--subjects", str(register / "subjects.csv"),
         "--consents", str(register / "consents.csv")],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr


def _relay_env(
    folder: Path, database_url: str, upstream_port: int, extra: str = ""
) -> dict[str, str]:
    """The environment of a relay in ``folder``: its confide.toml and database."""
    config = write_config(folder, upstream_port, extra)
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONFIDE_CONFIG": str(config),
        "CONFIDE_LOG_LEVEL": "INFO",
    }


def _on_sqlite() -> bool:
    from django.db import connection

    return connection.vendor != "postgresql"


@pytest.fixture(scope="session")
def registered_sqlite(initialised_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database made by `confide init` with the example register imported, once per
    session, for the relays on SQLite to copy."""
    folder = tmp_path_factory.mktemp("registered")
    path = folder / "confide.sqlite3"
    shutil.copy(initialised_sqlite, path)
    _import_register(folder, _relay_env(folder, f"sqlite:///{path}", free_port()))
    return path


@pytest.fixture
def make_relay(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Relay]]:
    """Start a relay delivering to ``upstream_port``, with the example register imported."""
    if _on_sqlite():
        shutil.copy(request.getfixturevalue("registered_sqlite"), tmp_path / "confide.sqlite3")
        database_url = f"sqlite:///{tmp_path / 'confide.sqlite3'}"
    else:
        database_url = request.getfixturevalue("database_url")
    started: list[Relay] = []

    def make(upstream_port: int, extra_config: str = "", **extra_env: str) -> Relay:
        env = _relay_env(tmp_path, database_url, upstream_port, extra_config)
        if not _on_sqlite():  # the test database, emptied after each test
            _import_register(tmp_path, env)
        relay = Relay(tmp_path, env)
        started.append(relay)
        relay.start(**extra_env)
        return relay

    yield make
    for relay in started:
        relay.stop()


def _busy(database: Path) -> bool:
    """Whether a relay's SQLite database holds a message not yet scanned or a copy not yet
    sent (read here: a subprocess with Django would take seconds)."""
    from gateway.relay.models import Delivery, DeliveryState, Message, MessageState

    query = " OR ".join(
        f"EXISTS (SELECT 1 FROM {model._meta.db_table}"  # noqa: S608  # names from the models
        f" WHERE {model._meta.get_field('state').column} = ?)"
        for model in (Message, Delivery)
    )
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection:
        (busy,) = connection.execute(
            f"SELECT {query}", (MessageState.RECEIVED, DeliveryState.QUEUED)
        ).fetchone()
    return bool(busy)


class SharedRelay:
    """The relay that the tests marked ``shared_relay`` share, on a copy of the
    registered database of its own: started when first taken, and again after a test left
    it dead or still busy."""

    def __init__(self, folders: pytest.TempPathFactory, template: Path, upstream_port: int):
        self._folders = folders
        self._template = template
        self._upstream_port = upstream_port
        self._relay: Relay | None = None

    def take(self) -> Relay:
        """The running relay, its log shown from here on (see ``Relay.begin_test``)."""
        if self._relay is None or self._relay.died():
            self.discard()
            folder = self._folders.mktemp("shared-relay")
            shutil.copy(self._template, folder / "confide.sqlite3")
            env = _relay_env(folder, f"sqlite:///{folder / 'confide.sqlite3'}", self._upstream_port)
            self._relay = Relay(folder, env)
            self._relay.start()
            self._relay.shared = True
        self._relay.begin_test()
        return self._relay

    def give_back(self) -> None:
        """Wait until the relay has finished what the test gave it (every message scanned,
        every copy sent or failed), so that none of it reaches the next test's sink; fail,
        and discard the relay, when it died or does not finish."""
        relay = self._relay
        assert relay is not None
        try:
            if relay.died():
                pytest.fail(f"the shared relay died:\n{relay.log_text()[-2000:]}")
            database = relay.folder / "confide.sqlite3"
            wait_for(lambda: not _busy(database), what="the shared relay to finish its work")
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        if self._relay is not None:
            self._relay.shared = False
            self._relay.stop()
            self._relay = None


def _shares_a_relay(request: pytest.FixtureRequest) -> bool:
    """Whether the test or its module is marked ``shared_relay`` and the tests run on SQLite (on
    PostgreSQL pytest-django empties the one test database after each test, under a relay
    that would outlive the test: there each test starts its own)."""
    return request.node.get_closest_marker("shared_relay") is not None and _on_sqlite()


@pytest.fixture(scope="session")
def shared_sink() -> Iterator[Sink]:
    """The upstream sink of the ``shared_relay`` tests."""
    server = Sink()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shared_relay(
    shared_sink: Sink, registered_sqlite: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedRelay]:
    """The relay the tests marked ``shared_relay`` share, delivering to their sink:
    one relay, and one model loaded, for them all."""
    shared = SharedRelay(tmp_path_factory, registered_sqlite, shared_sink.port)
    yield shared
    shared.discard()


@pytest.fixture
def sink(request: pytest.FixtureRequest) -> Iterator[Sink]:
    """A running upstream sink: for a test marked ``shared_relay`` (on SQLite), the shared
    relay's, with nothing recorded yet; otherwise the test's own."""
    if not _shares_a_relay(request):
        server = Sink()
        server.start()
        yield server
        server.stop()
        return
    shared: Sink = request.getfixturevalue("shared_sink")
    shared.handler.forget()
    yield shared
    if not shared.running:  # the test stopped it
        shared.start()


@pytest.fixture
def relay(request: pytest.FixtureRequest, sink: Sink) -> Iterator[Relay]:
    """A relay delivering to the running sink: for a test marked ``shared_relay`` (on
    SQLite), the shared one, which must be done with the test's messages before the next
    test begins; otherwise the test's own."""
    if not _shares_a_relay(request):
        yield request.getfixturevalue("make_relay")(sink.port)
        return
    shared: SharedRelay = request.getfixturevalue("shared_relay")
    yield shared.take()
    shared.give_back()
