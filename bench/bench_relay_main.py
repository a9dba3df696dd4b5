"""The relay's main process alone: its CPU per message (the SMTP door, storing, handing each
message to a scanning worker and taking its copies back, delivering them and recording the
upstream's answers), with scanning workers that scan nothing.

Run from the repository root::

    .venv/bin/python bench/bench_relay_main.py [--messages N] [--clients N]

``bench_relay.py`` measures the main process with everything else running beside it on the
same cores; ``bench_relay_steps.py`` measures storing and delivering but not the door, the
hand-overs or the threads. Here ``RelayService`` runs in this process, as ``confide run``
runs it, with the dev set's messages (one internal and one external recipient each) sent by
``--clients`` clients in a process of their own, each message on its own connection, to an
SMTP sink in another. Its scanning workers are processes that release every recipient and
record the message as the relay's workers do (``recording.stamped`` and ``record``: a copy
for the internal recipient and one for the external), without scanning it, so that the
model's CPU does not crowd this process's. This process's CPU (user and system, all its
threads) is counted from the first timed message to the sink's receipt of the last copy;
warm-up messages are not counted.

Run the code before and after a change side by side (two checkouts, each with its own
``PYTHONPATH``): other work on the machine then slows both alike. The load average is
printed.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import queue
import smtplib
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import bench_relay, bench_relay_steps  # noqa: E402

WARMUP = 40
SCANNING_WORKERS = 2
_worker: dict[str, Any] = {}  # in each scanning worker: its sealer, node and stamping settings


class Counting:
    """The sink's handler: every message taken, its recipients counted."""

    def __init__(self, received: Any) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.received.get_lock():
            self.received.value += len(envelope.rcpt_tos)
        return "250 2.0.0 Ok"


def serve_sink(port: int, received: Any) -> None:
    """The sink's process."""
    from aiosmtpd.controller import Controller

    Controller(Counting(received), hostname="127.0.0.1", port=port).start()
    threading.Event().wait()


def send(port: int, mails: Sequence[bench_relay.Mail], clients: int) -> None:
    """The clients' process: ``clients`` threads send ``mails``, each on its own connection."""
    todo: queue.SimpleQueue[bench_relay.Mail] = queue.SimpleQueue()
    for mail in mails:
        todo.put(mail)

    def client() -> None:
        while True:
            try:
                mail = todo.get_nowait()
            except queue.Empty:
                return
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
                smtp.sendmail(bench_relay.SENDER, list(mail.recipients), mail.content)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def start_worker() -> None:
    """A scanning worker that scans nothing: Django, the sealer and the settings the copies
    are stamped with, and ``process`` in place of ``worker.process_in_worker``."""
    import django

    django.setup()
    from types import SimpleNamespace

    from gateway.config import load_settings
    from gateway.relay import pipeline, worker
    from gateway.sealing import Sealer
    from scanner.judging import Organisation

    settings = load_settings()
    sealer = Sealer.from_key_file(pipeline.key_file(settings))
    _worker["node"] = pipeline.node_name(settings)
    _worker["pipeline"] = SimpleNamespace(  # what recording.stamped reads of a Pipeline
        hostname=pipeline.hostname(settings),
        sealer=sealer,
        organisation=Organisation(tuple(settings.organisation.internal_domains)),
    )
    worker.process_in_worker = process  # type: ignore[assignment]


def process(message: Any) -> Any:
    """Every recipient released, the copies made and recorded as the relay's workers do."""
    from datetime import UTC, datetime

    from gateway.database import on_usable_connection
    from gateway.relay import spool
    from gateway.relay.processing import Processed
    from gateway.relay.recording import NotOurs, outcomes, record, stamped
    from scanner.actions import Action
    from scanner.outcome import PlannedCopy
    from scanner.policy.verdicts import Verdict

    def released(message: spool.Received | uuid.UUID) -> Processed:
        stamping = _worker["pipeline"]
        if isinstance(message, uuid.UUID):
            found = spool.claimed(stamping.sealer, message, _worker["node"], datetime.now(UTC))
            if found is None:
                raise NotOurs(str(message))
            message = found
        verdict = Verdict(Action.RELEASE, ("bench",), ("released unscanned",))
        recorded = outcomes(message.id, dict.fromkeys(message.recipients, verdict))
        planned = PlannedCopy(message.content, Action.RELEASE, tuple(message.recipients), ())
        copies = stamped(stamping, message, [planned], ())  # type: ignore[arg-type]
        return Processed(record(_worker["node"], message.id, recorded, copies))

    return on_usable_connection(released)(message)


def measure(count: int, clients: int) -> None:
    spawn = multiprocessing.get_context("spawn")
    received = spawn.Value("i", 0)
    sink_port = bench_relay.free_port()
    sink = spawn.Process(target=serve_sink, args=(sink_port, received), daemon=True)
    sink.start()
    bench_relay.wait_listening(sink_port, sink.is_alive)
    folder = Path(tempfile.mkdtemp(prefix="bench-relay-main-"))
    bench_relay_steps.configure(folder, sink_port)
    port = bench_relay.free_port()
    config = Path(os.environ["CONFIDE_CONFIG"])
    config.write_text(
        config.read_text().replace(
            "[relay]\n",
            f'[relay]\nlisten = "127.0.0.1:{port}"\nmax_connections_per_client = {clients + 8}\n'
            f"scan_workers = {SCANNING_WORKERS}\n",
        ),
        encoding="utf-8",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings")
    os.environ["CONFIDE_LOG_LEVEL"] = "INFO"  # as confide run logs
    import django

    django.setup()
    import logging

    log_file = (folder / "relay.log").open("w", encoding="utf-8")
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(log_file)
    from gateway.config import load_settings
    from gateway.relay import worker
    from gateway.relay.service import RelayService

    worker.ScanPool.of_processes = staticmethod(  # type: ignore[method-assign]
        lambda workers: worker.ScanPool(
            lambda: ProcessPoolExecutor(workers, mp_context=spawn, initializer=start_worker),
            workers,
        )
    )
    relay = RelayService(load_settings())
    mails = bench_relay.load_mails(False, "main")
    warmup = [
        mails[i % len(mails)].renamed(bench_relay.bench_message_id("w")) for i in range(WARMUP)
    ]
    timed = [mails[i % len(mails)].renamed(bench_relay.bench_message_id("t")) for i in range(count)]
    copies_warmup = sum(len(m.recipients) for m in warmup)
    copies_all = copies_warmup + sum(len(m.recipients) for m in timed)

    def sent(chosen: list[bench_relay.Mail], copies: int) -> None:
        clients_process = spawn.Process(target=send, args=(port, chosen, clients))
        clients_process.start()
        clients_process.join()
        deadline = time.monotonic() + bench_relay.OUTCOME_TIMEOUT_S
        while received.value < copies:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{copies - received.value} copies did not arrive")
            time.sleep(0.005)

    def drive(loop: asyncio.AbstractEventLoop, ready: threading.Event, stop: asyncio.Event) -> None:
        try:
            ready.wait(bench_relay.START_TIMEOUT_S)
            sent(warmup, copies_warmup)
            began, began_at = os.times(), time.perf_counter()
            sent(timed, copies_all)
            ended, ended_at = os.times(), time.perf_counter()
            report(count, ended_at - began_at, ended.user - began.user, ended.system - began.system)
        finally:
            loop.call_soon_threadsafe(stop.set)

    async def run() -> None:
        stop, ready = asyncio.Event(), asyncio.Event()
        listening = threading.Event()
        loop = asyncio.get_running_loop()
        threading.Thread(target=drive, args=(loop, listening, stop), daemon=True).start()
        told = loop.create_task(ready.wait())
        told.add_done_callback(lambda _: listening.set())
        await relay.run(ready=ready, stop=stop)

    asyncio.run(run())
    sink.terminate()


def report(count: int, wall: float, user: float, system: float) -> None:
    print(f"{count} messages in {wall:.2f} s ({count / wall:.1f} messages/s)")
    print(f"  main process CPU {1000 * (user + system) / count:6.2f} ms per message", end="")
    print(f" (user {1000 * user / count:.2f}, system {1000 * system / count:.2f})")
    print(f"load average now {os.getloadavg()[0]:.2f}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=400, help="messages counted (400)")
    parser.add_argument("--clients", type=int, default=8, help="clients at once (8)")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f}", flush=True)
    measure(args.messages, args.clients)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
