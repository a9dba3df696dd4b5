"""Real SMTP servers on loopback: the relay's door, and one standing in for the upstream MTA."""

import asyncio
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from gateway.config import Settings, UpstreamSettings
from gateway.relay.pipeline import Pipeline
from gateway.relay.receiving import CheckPassword, DoorRules, RelayHandler, RelayServer
from gateway.scanner_setup import build_scanner
from tests.e2e.conftest import free_port

PIPELINE_INTERNAL_DOMAIN = "riverside-carers.example.org"
# The door's rules in these tests: loopback relays by network, as the organisation's domain.
RULES = DoorRules(
    allowed_networks=DoorRules.networks(["127.0.0.0/8"]),
    max_recipients=1000,
    max_connections_per_client=5,
    session_timeout_seconds=60,
    auth_failures_allowed=3,
    auth_failure_window_seconds=60,
    sender_domains=(PIPELINE_INTERNAL_DOMAIN,),
)


class _RelayController(Controller):  # type: ignore[misc]
    def factory(self) -> SMTP:
        return RelayServer(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def door() -> Iterator[Callable[..., int]]:
    """Start the door on loopback with the given store and stored callbacks (and password
    check); gives its port."""
    controllers: list[Controller] = []

    def start(
        store: Callable[[Envelope, Session], uuid.UUID],
        stored: Callable[..., None],
        rules: DoorRules = RULES,
        check_password: CheckPassword | None = None,
        **server_options: Any,
    ) -> int:
        port = free_port()
        handler = RelayHandler(rules, store, stored, check_password)
        controller = _RelayController(handler, hostname="127.0.0.1", port=port, **server_options)
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """A scanning worker's pipeline with a real scanner (the model loaded once for every
    module that asks), for the organisation at ``PIPELINE_INTERNAL_DOMAIN``."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("pipeline"),
        organisation={
            "name": "Riverside Carers' Centre",
            "internal_domains": [PIPELINE_INTERNAL_DOMAIN],
        },
        relay={"node": "relay-1", "hostname": f"relay.{PIPELINE_INTERNAL_DOMAIN}"},
    )
    with build_scanner(extraction_workers=1) as scanner:
        yield Pipeline.from_settings(settings, scanner)


@dataclass
class Upstream:
    """Counts the connections it greets and keeps what it accepts; refuses chosen recipients,
    and takes ``rcpt_seconds`` to answer each RCPT, ``data_seconds`` the final dot."""

    greetings: int = 0
    accepted: list[tuple[str, ...]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    rcpt_seconds: float = 0.0
    data_seconds: float = 0.0  # to answer the final dot
    contents: list[bytes] = field(default_factory=list)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        await asyncio.sleep(self.rcpt_seconds)
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.data_seconds)
        self.accepted.append(tuple(envelope.rcpt_tos))
        self.contents.append(envelope.original_content)
        return "250 2.0.0 Ok: queued"


@pytest.fixture
def upstream() -> Iterator[tuple[Upstream, UpstreamSettings]]:
    handler = Upstream()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, UpstreamSettings(host="127.0.0.1", port=controller.port, timeout_seconds=5)
    controller.stop()
