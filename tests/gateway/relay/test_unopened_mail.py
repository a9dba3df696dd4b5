"""A stored message that does not open with the key file (another valid key put in its
place): the relay keeps it claimed, tries it again at doubling intervals without counting
attempts, logs once as mail stops opening and once as it opens again, and processes it once
the key that sealed it is back."""

from __future__ import annotations

import asyncio
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gateway.config import Settings
from gateway.relay import spool, worker
from gateway.relay.models import Message, MessageState
from gateway.relay.pipeline import Pipeline
from gateway.relay.service import RelayService
from gateway.relay.unopened import UnopenedMail
from gateway.relay.worker import ScanPool
from gateway.sealing import Sealer
from tests.gateway.relay.conftest import PIPELINE_INTERNAL_DOMAIN

# Real scanning, in threads of this process (the session's pipeline, its model loaded once)
# rather than in worker processes that would each load it again.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

INTERNAL = PIPELINE_INTERNAL_DOMAIN
CONTENT = b"From: priya@" + INTERNAL.encode() + b"\r\nSubject: rota\r\n\r\nRota on Friday.\r\n"


def test_a_message_that_does_not_open_waits_for_its_key(
    pipeline: Pipeline,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sealed with a key the file does not hold, a message read back by id fails twice
    with one ERROR line, waiting longer each time, and stays claimed with one attempt;
    once it opens, it is processed, with one line saying mail opens again."""
    service = RelayService(
        Settings(
            data_dir=tmp_path,
            organisation={"name": "Riverside", "internal_domains": [INTERNAL]},
            relay={"node": pipeline.node},
        )
    )
    service._pool = ScanPool(lambda: ThreadPoolExecutor(1))
    service.unopened = UnopenedMail(first=0.2, most=0.4)
    monkeypatch.setattr(worker, "_pipeline", pipeline)
    stored = spool.store(
        Sealer(Fernet.generate_key()),
        mail_from=f"priya@{INTERNAL}",
        recipients=[f"colleague@{INTERNAL}"],
        content=CONTENT,
        client_address="127.0.0.1",
        node=pipeline.node,
    )

    async def scan(message_id: uuid.UUID) -> tuple[uuid.UUID, bool]:
        """One try, then what the relay queues next (failing the test if nothing)."""
        slots = asyncio.Semaphore(1)
        await slots.acquire()
        service._scanning.add(message_id)
        await service._scan_one(message_id, True, slots)
        if message_id not in service._scanning:
            return message_id, False  # done
        started = asyncio.get_running_loop().time()
        queued = await asyncio.wait_for(service._to_scan.get(), timeout=5)
        waits.append(asyncio.get_running_loop().time() - started)
        return queued

    def key_back() -> None:
        """The row sealed as the key file the pipeline reads would seal it."""
        Message.objects.filter(id=stored.id).update(sealed=pipeline.sealer.seal(CONTENT))

    waits: list[float] = []

    async def scenario() -> list[bool]:
        ready = []
        assert await scan(stored.id) == (stored.id, True)  # tried again, still claimed
        ready.append(service.unopened.all_open())
        assert await scan(stored.id) == (stored.id, True)
        await asyncio.to_thread(key_back)
        assert await scan(stored.id) == (stored.id, False)
        ready.append(service.unopened.all_open())
        return ready

    with caplog.at_level(logging.INFO, logger="confide.relay"):
        try:
            ready = asyncio.run(scenario())
        finally:
            service._pool.shutdown()
    assert ready == [False, True]
    assert [w >= least for w, least in zip(waits, (0.2, 0.4), strict=True)] == [True, True], waits
    message = Message.objects.get(id=stored.id)
    assert message.state != MessageState.RECEIVED
    assert message.scan_attempts == 1
    assert not service._to_deliver.empty()
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert [level for level, _ in said] == ["ERROR", "WARNING"], said
    assert said[0][1].startswith("stored mail does not open with the key file")
    assert said[1][1] == "stored mail opens with the key file again"


def test_the_wait_doubles_up_to_the_most() -> None:
    """Each failure in a row of one item doubles its wait, up to the most; another item
    starts at the first."""
    unopened = UnopenedMail(first=5, most=60)
    assert [unopened.failed("a") for _ in range(6)] == [5, 10, 20, 40, 60, 60]
    assert unopened.failed("b") == 5
