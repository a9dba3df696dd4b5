"""A message that was not processed through no doing of its own is handed to a worker again
on the claim this node holds, without another attempt counted: one handed over just as the
scanning workers' pool broke or was replaced (another message's worker died), which reached
no worker; one whose worker could not read it (the database failed); one whose worker was
stopped by someone's SIGTERM. A message in the pool when a worker died is scanned alone
without one (``test_scan_suspects``); only a death while it is alone counts one (after
``MAX_SCAN_ATTEMPTS`` it is held unscanned).

The pool that breaks is a real process pool whose worker is killed with SIGKILL. The pools
that replace it scan in threads of this process, with the session's pipeline (its model
loaded once), since spawned workers cannot see the test database."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from gateway.config import Settings
from gateway.relay import service as service_module
from gateway.relay import spool, worker
from gateway.relay.models import Message, MessageState, Outcome
from gateway.relay.pipeline import Pipeline
from gateway.relay.service import RelayService
from gateway.relay.worker import ScanPool
from scanner.actions import Action
from scanner.scanning import ScanResult
from tests.gateway.relay.conftest import PIPELINE_INTERNAL_DOMAIN

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

INTERNAL = PIPELINE_INTERNAL_DOMAIN
CONTENT = b"From: priya@" + INTERNAL.encode() + b"\r\nSubject: rota\r\n\r\nRota on Friday.\r\n"


def _pools() -> Callable[[], Executor]:
    """A real process pool first (the one that breaks), then threads of this process."""
    made: list[Executor] = []

    def make() -> Executor:
        spawn = multiprocessing.get_context("spawn")
        made.append(ProcessPoolExecutor(1, mp_context=spawn) if not made else ThreadPoolExecutor(1))
        return made[-1]

    return make


@pytest.fixture
def service(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RelayService]:
    relay = RelayService(
        Settings(
            data_dir=tmp_path,
            organisation={"name": "Riverside", "internal_domains": [INTERNAL]},
            relay={"node": pipeline.node},
        )
    )
    relay._pool = ScanPool(_pools())
    monkeypatch.setattr(worker, "_pipeline", pipeline)
    yield relay
    relay._pool.shutdown()


@pytest.fixture
def stored(pipeline: Pipeline) -> uuid.UUID:
    """A clean message, stored and claimed by this node for its first attempt."""
    stored = spool.store(
        pipeline.sealer,
        mail_from=f"priya@{INTERNAL}",
        recipients=[f"colleague@{INTERNAL}"],
        content=CONTENT,
        client_address="127.0.0.1",
        node=pipeline.node,
    )
    return stored.id


def _kill_the_worker(pool: ScanPool) -> Executor:
    """SIGKILL the process pool's one worker (started first); the pool it breaks."""
    broken = pool.executor
    pid = broken.submit(os.getpid).result(timeout=60)
    os.kill(pid, signal.SIGKILL)
    return broken


async def _until_processed(
    service: RelayService, message_id: uuid.UUID, *, claimed: bool = False
) -> None:
    """Hand the message to ``_scan_one`` as the relay's dispatcher does: now, as a retry
    (claimed again) unless ``claimed``, then each time it is queued again, until it is
    processed."""
    slots = asyncio.Semaphore(1)
    queued = (message_id, claimed)
    service._scanning.add(message_id)
    deadline = time.monotonic() + 30
    while True:
        await slots.acquire()
        await service._scan_one(*queued, slots)
        if await asyncio.to_thread(_processed, message_id):
            return
        assert time.monotonic() < deadline, "the message was not processed"
        queued = await asyncio.wait_for(service._to_scan.get(), timeout=30)


def _processed(message_id: uuid.UUID) -> bool:
    return Message.objects.get(id=message_id).state == MessageState.PROCESSED


def _released(service: RelayService, message_id: uuid.UUID, attempts: int) -> None:
    """Processed and released, not held, with ``attempts`` counted."""
    message = Message.objects.get(id=message_id)
    assert (message.state, message.claimed_by) == (MessageState.PROCESSED, "")
    assert message.scan_attempts == attempts
    actions = list(Outcome.objects.filter(message=message).values_list("action", flat=True))
    assert actions == [Action.RELEASE]
    assert not service._to_deliver.empty()  # its copy, handed to the senders


def test_a_pool_replaced_while_a_message_is_claimed_does_not_count_an_attempt(
    service: RelayService, stored: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message is being claimed again (held at that step here) when another message's
    worker is killed and the pool replaced: it goes to the new pool, not the old one."""
    claiming, go_on = threading.Event(), threading.Event()
    claim_again = spool.claim_again

    def held_claim(message_id: uuid.UUID, node: str, now: datetime, lease: timedelta) -> bool:
        claiming.set()
        assert go_on.wait(60)
        return claim_again(message_id, node, now, lease)

    monkeypatch.setattr(spool, "claim_again", held_claim)
    assert service._pool is not None
    pool = service._pool

    async def scenario() -> None:
        keeping = asyncio.create_task(pool.keep_up(every=0.05))
        try:
            processing = asyncio.create_task(_until_processed(service, stored))
            assert await asyncio.to_thread(claiming.wait, 30)
            broken = await asyncio.to_thread(_kill_the_worker, pool)
            deadline = time.monotonic() + 30
            while pool.executor is broken:  # replaced by the pool's own check
                assert time.monotonic() < deadline, "the broken pool was not replaced"
                await asyncio.sleep(0.05)
            go_on.set()
            await processing
        finally:
            go_on.set()
            keeping.cancel()

    asyncio.run(scenario())
    _released(service, stored, attempts=2)  # the store's, the retry's


def test_a_pool_found_broken_as_a_message_is_handed_over_does_not_count_an_attempt(
    service: RelayService, stored: uuid.UUID
) -> None:
    """A worker died while idle and the pool is not yet replaced: handing the message over
    fails at once; the pool is replaced and the message goes to the new one."""
    assert service._pool is not None
    pool = service._pool
    broken = _kill_the_worker(pool)
    deadline = time.monotonic() + 30
    while pool.up():  # the executor's own thread notices the death
        assert time.monotonic() < deadline, "the pool did not break"
        time.sleep(0.05)

    asyncio.run(_until_processed(service, stored))
    assert pool.executor is not broken
    _released(service, stored, attempts=2)  # the store's, the retry's


@pytest.fixture
def in_threads(service: RelayService) -> RelayService:
    """The service with its workers in threads of this process from the start."""
    assert service._pool is not None
    service._pool.shutdown()
    service._pool = ScanPool(lambda: ThreadPoolExecutor(1))
    return service


def test_a_message_its_worker_could_not_read_does_not_count_an_attempt(
    in_threads: RelayService, stored: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database fails as the worker reads the message back (its table is away, a real
    error from the database): the message is handed over again once the database answers,
    on its first attempt still."""
    monkeypatch.setattr(service_module, "POLL_SECONDS", 0.2)
    table = Message._meta.db_table

    async def scenario() -> None:
        slots = asyncio.Semaphore(1)
        in_threads._scanning.add(stored)
        await asyncio.to_thread(_rename, table, f"{table}_away")
        try:
            await slots.acquire()
            await in_threads._scan_one(stored, True, slots)
        finally:
            await asyncio.to_thread(_rename, f"{table}_away", table)
        assert not await asyncio.to_thread(_processed, stored)
        queued = await asyncio.wait_for(in_threads._to_scan.get(), timeout=30)
        await slots.acquire()
        await in_threads._scan_one(*queued, slots)

    asyncio.run(scenario())
    _released(in_threads, stored, attempts=1)


def _rename(table: str, to: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{to}"')


def test_a_worker_stopped_by_someone_elses_sigterm_does_not_count_an_attempt(
    in_threads: RelayService,
    stored: uuid.UUID,
    pipeline: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM reaches the worker mid-scan, the relay not stopping (its handler, run here as
    the signal would run it, gives the message up): the message is tried again on its first
    attempt still."""
    scan_message = pipeline.scanner.scan_message
    stopped: list[bytes] = []

    def stopped_once(raw: bytes) -> ScanResult:
        if not stopped:
            stopped.append(raw)
            worker._exit_on_sigterm(signal.SIGTERM, None)
        return scan_message(raw)

    monkeypatch.setattr(worker, "_stopping", False)  # restored: the handler sets it
    monkeypatch.setattr(pipeline.scanner, "scan_message", stopped_once)
    asyncio.run(_until_processed(in_threads, stored, claimed=True))
    assert stopped  # the scan was stopped once
    _released(in_threads, stored, attempts=1)
