"""A scanning worker that dies (killed, out of memory) breaks the whole pool, and every message
in it fails with it: the one on the dead worker, those on the others and those waiting for
one. Each is a suspect, handed over again without an attempt counted and scanned alone; only
a death while it is alone counts one. So a poison message (one that kills its worker every
time) is held after ``MAX_SCAN_ATTEMPTS``, and the messages that were in the pool with it are
released on their next run, as are those in the pool when someone kills a worker.

The relay's own dispatcher runs (its sweep claims the messages, as after a restart). Its
workers die for real: each message is first scanned in a spawned process of a real
``ProcessPoolExecutor`` (``dying_workers.scan``, which dies by SIGKILL on a poison message
as a worker scanning it would), then processed in a thread of this process with the
session's pipeline, since spawned processes cannot see the test database. That database
(SQLite in memory, shared cache) takes one writer at a time, so the test's threads and the
relay's take turns at it."""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection as db_connection

from gateway.config import Settings
from gateway.relay import service as service_module
from gateway.relay import spool, worker
from gateway.relay.models import Message, MessageState, Outcome
from gateway.relay.pipeline import Pipeline
from gateway.relay.processing import MAX_SCAN_ATTEMPTS
from gateway.relay.service import RelayService
from gateway.relay.worker import ScanPool
from scanner.actions import Action
from tests.gateway.relay import dying_workers
from tests.gateway.relay.conftest import PIPELINE_INTERNAL_DOMAIN

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

INTERNAL = PIPELINE_INTERNAL_DOMAIN
WORKERS = 2  # four messages in the pool at once
# Each run starts as the relay does after a restart: the messages this node had claimed are
# given back and claimed again by its sweep, a second attempt.
FIRST_RUN = 2
DEADLINE_SECONDS = 35.0


def _content(n: int, *headers: bytes) -> bytes:
    return (
        b"From: priya@" + INTERNAL.encode() + b"\r\n"
        + b"".join(h + b"\r\n" for h in headers)
        + f"Subject: rota {n}\r\n\r\nRota on Friday, week {n}.\r\n".encode()
    )  # fmt: skip


class _DyingWorkers(Executor):
    """Scanning workers whose deaths are real (see the module's docstring). A death breaks
    the process pool, and so this executor: every message in it fails with
    ``BrokenProcessPool``, whether in a process or waiting for one."""

    def __init__(self, pipeline: Pipeline, database: threading.Lock) -> None:
        spawn = multiprocessing.get_context("spawn")
        self.processes = ProcessPoolExecutor(WORKERS, mp_context=spawn)
        self._threads = ThreadPoolExecutor(8)  # more than the relay puts in its pool
        self._pipeline = pipeline
        self._database = database
        self.scanning = 0  # messages in the process pool
        self._counting = threading.Lock()
        self.lost: list[uuid.UUID] = []  # those in it when it broke

    @property
    def _broken(self) -> object:  # read by ScanPool, as a ProcessPoolExecutor's
        return self.processes._broken  # type: ignore[attr-defined]

    @property
    def _processes(self) -> dict[int, multiprocessing.Process]:
        return self.processes._processes  # type: ignore[attr-defined,no-any-return]

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self._broken:
            raise BrokenProcessPool("a worker died")
        return self._threads.submit(self._process, fn, *args)

    def _process(self, process: Callable[[object], object], message: object) -> object:
        try:
            return self._process_here(process, message)
        finally:
            _close_thread_connection()

    def _process_here(self, process: Callable[[object], object], message: object) -> object:
        with self._database:
            received = (
                message
                if isinstance(message, spool.Received)
                else spool.claimed(
                    self._pipeline.sealer, message, self._pipeline.node, datetime.now(UTC)
                )
            )
        if received is not None:
            # A worker scans nothing of a message past MAX_SCAN_ATTEMPTS: it holds it.
            scanned = received.scan_attempts <= MAX_SCAN_ATTEMPTS
            scanning = self.processes.submit(
                dying_workers.scan, received.content if scanned else b""
            )
            with self._counting:
                self.scanning += 1
            try:
                scanning.result()
            except BrokenProcessPool:
                self.lost.append(received.id)
                raise
            finally:
                with self._counting:
                    self.scanning -= 1
        with self._database:
            return process(message)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.processes.shutdown(wait=wait, cancel_futures=cancel_futures)
        # Not cancelled: a message waiting for a thread fails as the broken pool fails it.
        self._threads.shutdown(wait=False)


def _alive(executor: _DyingWorkers) -> list[int]:
    return [p.pid for p in list(executor._processes.values()) if p.is_alive()]


def _holding[**P, T](lock: threading.Lock, work: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            with lock:
                return work(*args, **kwargs)
        finally:
            _close_thread_connection()

    return run


def _close_thread_connection() -> None:
    """Close this worker thread's database session on PostgreSQL, where one left open
    outlives the test and is counted as a running confide by later tests (``confide
    restore`` refuses). On SQLite in memory the test's threads share its database, which
    closes with its last connection, so theirs stay."""
    if threading.current_thread() is not threading.main_thread() and (
        db_connection.vendor == "postgresql"
    ):
        db_connection.close()


class _Relay:
    def __init__(self, service: RelayService, made: list[_DyingWorkers], database: threading.Lock):
        self.service = service
        self.made = made  # the executors, the first and each one that replaced a broken one
        self.database = database


@pytest.fixture
def relay(pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Relay]:
    service = RelayService(
        Settings(
            data_dir=tmp_path,
            organisation={"name": "Riverside", "internal_domains": [INTERNAL]},
            relay={"node": pipeline.node, "scan_workers": WORKERS},
        )
    )
    database = threading.Lock()
    made: list[_DyingWorkers] = []

    def make() -> Executor:
        made.append(_DyingWorkers(pipeline, database))
        return made[-1]

    service._pool = ScanPool(make, WORKERS)
    monkeypatch.setattr(worker, "_pipeline", pipeline)
    in_thread = service_module._in_thread

    async def one_writer_at_a_time(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await in_thread(_holding(database, work), *args, **kwargs)

    monkeypatch.setattr(service_module, "_in_thread", one_writer_at_a_time)
    yield _Relay(service, made, database)
    service._pool.shutdown()
    for executor in made:
        executor.shutdown(wait=True)


def _store(pipeline: Pipeline, content: bytes, to: str = f"colleague@{INTERNAL}") -> uuid.UUID:
    return spool.store(
        pipeline.sealer,
        mail_from=f"priya@{INTERNAL}",
        recipients=[to],
        content=content,
        client_address="127.0.0.1",
        node=pipeline.node,
    ).id


def _waiting() -> int:
    return Message.objects.filter(state=MessageState.RECEIVED).count()


async def _run_until_all_processed(
    relay: _Relay, meanwhile: Callable[[], Any] | None = None
) -> None:
    """The relay's dispatcher, until no message waits; ``meanwhile`` runs alongside."""
    service = relay.service
    dispatching = asyncio.create_task(service._dispatch())
    beside = asyncio.create_task(meanwhile()) if meanwhile else None
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while await asyncio.to_thread(_holding(relay.database, _waiting)):
            assert time.monotonic() < deadline, "messages still wait to be processed"
            assert not dispatching.done(), dispatching
            await asyncio.sleep(0.1)
        if beside is not None:
            await beside
    finally:
        service._stopping = True
        dispatching.cancel()
        if beside is not None:
            beside.cancel()
        await asyncio.gather(dispatching, return_exceptions=True)
        if service._scans:
            await asyncio.wait(service._scans, timeout=10)


def _released(message_id: uuid.UUID) -> int:
    """Its scan attempts, once it is checked to be processed and released."""
    message = Message.objects.get(id=message_id)
    assert (message.state, message.claimed_by) == (MessageState.PROCESSED, "")
    actions = list(Outcome.objects.filter(message=message).values_list("action", flat=True))
    assert actions == [Action.RELEASE], (message_id, actions)
    return message.scan_attempts


def test_a_poison_message_is_held_and_those_in_the_pool_with_it_are_released(
    relay: _Relay, pipeline: Pipeline
) -> None:
    """Six clean messages and, third, one that kills its worker every time: the poison
    breaks the pool with others in it, then alone until MAX_SCAN_ATTEMPTS are counted, and
    is held unscanned; every clean one is released on the attempt its claim counted."""
    clean = [_store(pipeline, _content(n)) for n in range(2)]
    # To an outside recipient: unscanned, it is held (fail closed).
    poison = _store(pipeline, _content(2, dying_workers.POISON), to="friends@example.net")
    clean += [_store(pipeline, _content(n)) for n in range(3, 7)]

    asyncio.run(_run_until_all_processed(relay))

    # The poison's first death took clean messages with it.
    assert poison in relay.made[0].lost
    assert set(relay.made[0].lost) & set(clean), relay.made[0].lost
    assert {m: _released(m) for m in clean} == dict.fromkeys(clean, FIRST_RUN)
    message = Message.objects.get(id=poison)
    assert message.scan_attempts == MAX_SCAN_ATTEMPTS + 1
    (outcome,) = Outcome.objects.filter(message=message)
    assert outcome.action == Action.HOLD
    assert any("scanning it was cut short" in r for r in outcome.reasons), outcome.reasons
    # Its deaths: once in the pool with others, then alone on each attempt left to count.
    assert len(relay.made) == 1 + 1 + (MAX_SCAN_ATTEMPTS + 1 - FIRST_RUN)
    assert not relay.service._suspects


def test_a_worker_killed_with_messages_in_the_pool_holds_none_of_them(
    relay: _Relay, pipeline: Pipeline
) -> None:
    """kill -9 of one scanning worker from outside while several messages are in the pool:
    every one is released, on the attempt its claim counted."""
    messages = [_store(pipeline, _content(n)) for n in range(6)]
    killed: list[int] = []

    async def kill_one_worker() -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not (relay.made and relay.made[0].scanning >= 3 and _alive(relay.made[0])):
            assert time.monotonic() < deadline, "the messages did not reach the workers"
            await asyncio.sleep(0.02)
        killed.append(_alive(relay.made[0])[0])
        os.kill(killed[0], signal.SIGKILL)

    asyncio.run(_run_until_all_processed(relay, kill_one_worker))

    assert killed
    assert len(relay.made) == 2  # broken once, replaced once
    assert len(relay.made[0].lost) >= 3
    assert {m: _released(m) for m in messages} == dict.fromkeys(messages, FIRST_RUN)
    assert not relay.service._suspects


def test_suspects_are_handed_out_before_new_mail() -> None:
    """Suspects wait behind no new message, each kind in the order queued."""
    from gateway.relay.service import _ToScan  # here: the others import without it

    new_1, suspect_1, new_2, suspect_2 = (uuid.uuid4() for _ in range(4))
    to_scan = _ToScan({suspect_1, suspect_2}.__contains__)
    for message_id in (new_1, suspect_1, new_2, suspect_2):
        to_scan.put_nowait((message_id, True))

    async def handed_out() -> list[uuid.UUID]:
        return [(await to_scan.get())[0] for _ in range(4)]

    assert asyncio.run(handed_out()) == [suspect_1, suspect_2, new_1, new_2]
