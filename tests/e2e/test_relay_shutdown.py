"""Stopping the relay with SIGTERM or SIGINT: everything it started stops too, what it had
claimed is finished or given back, and it exits 0 in bounded time."""

from __future__ import annotations

import contextlib
import json
import signal
import time
from collections.abc import Callable

import psutil
import pytest

from tests.e2e.conftest import SENDER, Relay, Sink, wait_for
from tests.e2e.test_relay_delivery import ALICE, plain_message, settle

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

# How long a stop may take (README: the relay exits within this after SIGTERM or SIGINT).
STOP_SECONDS = 30.0
# Words for a body whose scan takes minutes: longer than any stop.
LONG_BODY_WORDS = 600_000


def long_message() -> bytes:
    """A plain message whose scan outlasts the relay's grace at a stop (about 3.5 MB of
    ordinary words: the model takes about 12 s a megabyte)."""
    head = f"From: {SENDER}\r\nTo: {ALICE}\r\nSubject: Minutes of the trustees' meetings\r\n\r\n"
    line = "the trustees met and agreed the plan\r\n"
    return (head + line * (LONG_BODY_WORDS // 7)).encode()


def stop_with(relay: Relay, signum: signal.Signals) -> tuple[int, float, list[list[str]]]:
    """Send ``signum`` to the relay: its exit status, how long it took, and the command line
    of every process it had started that is still running once it has exited."""
    assert relay.process is not None
    started = psutil.Process(relay.process.pid).children(recursive=True)
    began = time.monotonic()
    relay.process.send_signal(signum)
    status = relay.process.wait(timeout=STOP_SECONDS + 30)
    took = time.monotonic() - began
    return status, took, still_running(started)


def still_running(processes: list[psutil.Process]) -> list[list[str]]:
    """The command lines of those of ``processes`` still running now (not even a zombie
    waiting to be reaped: a process confide started must be gone before confide exits)."""
    alive = []
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process.cmdline())
    return alive


def not_json(log: str) -> list[str]:
    """The lines of a log written as JSON lines that are not JSON (a stray warning on
    stderr, such as multiprocessing's about leaked semaphores)."""
    odd = []
    for line in log.splitlines():
        try:
            json.loads(line)
        except ValueError:
            odd.append(line)
    return odd


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_every_process_the_relay_started(
    relay: Relay, sink: Sink, signum: signal.Signals
):
    """After a message went through (so its scanning worker, that worker's fork server and
    extraction worker, and multiprocessing's resource tracker are running), SIGTERM or SIGINT
    to the relay alone: it exits 0 within the bound, and none of them survives."""
    relay.send(plain_message(), [ALICE])
    wait_for(lambda: sink.handler.to(ALICE), what="the delivery")
    assert relay.process is not None
    assert len(psutil.Process(relay.process.pid).children(recursive=True)) >= 3
    status, took, alive = stop_with(relay, signum)
    assert alive == []
    assert status == 0, relay.log_text()[-2000:]
    assert took < STOP_SECONDS
    assert "Traceback" not in relay.log_text()


def test_processes_the_relay_started_end_when_it_is_killed(relay: Relay, sink: Sink):
    """``kill -9`` of the relay alone (the OOM killer, a supervisor's last resort): its
    scanning workers notice it is gone and leave, taking their fork servers, extraction
    workers and the resource tracker with them, rather than keeping about 0.5 GB each for
    ever."""
    relay.send(plain_message(), [ALICE])
    wait_for(lambda: sink.handler.to(ALICE), what="the delivery")
    assert relay.process is not None
    started = psutil.Process(relay.process.pid).children(recursive=True)
    assert len(started) >= 3
    relay.process.send_signal(signal.SIGKILL)
    relay.process.wait(timeout=10)
    try:
        wait_for(lambda: not still_running(started), timeout=30, what="the workers to leave")
    finally:
        relay.stop()


def test_sigterm_while_a_scan_waits_for_its_extraction_worker(
    make_relay: Callable[..., Relay], sink: Sink
):
    """SIGTERM as the extraction worker starts loading the model for a message so long that
    its scan outlasts the relay's grace: the scanning worker, SIGTERMed, stops its extraction
    worker at once rather than waiting for the scan, so nothing is SIGKILLed, no semaphore
    leaks (multiprocessing would say so on stderr, outside the JSON lines), and no process
    outlives the relay."""
    relay = make_relay(
        sink.port, "[limits]\nitem_timeout_seconds = 300\n", CONFIDE_LOGGING__FORMAT="json"
    )
    relay.send(long_message(), [ALICE])
    assert relay.process is not None
    parent = psutil.Process(relay.process.pid)
    wait_for(lambda: len(parent.children(recursive=True)) >= 4, what="the extraction worker")
    status, took, alive = stop_with(relay, signal.SIGTERM)
    text = relay.log_text()
    assert (status, alive) == (0, [])
    # Still running once told to stop (busy with the message), but not after SIGTERM.
    assert text.count("scanning workers still running") == 1, text[-2000:]
    assert not_json(text) == []
    assert took < STOP_SECONDS
    assert sink.handler.to(ALICE) == []


def test_a_transaction_under_way_is_finished_and_recorded(relay: Relay, sink: Sink):
    """SIGTERM while the upstream is still taking DATA: the relay waits for its 250 and
    records it before it exits, so the next start sends nothing again."""
    sink.handler.data_delay = 3.0
    relay.send(plain_message(), [ALICE])
    wait_for(lambda: sink.handler.data_started, what="delivery to start")
    status, _, alive = stop_with(relay, signal.SIGTERM)
    sink.handler.data_delay = 0.0
    relay.start()
    settle()
    assert len(sink.handler.to(ALICE)) == 1
    assert len(sink.handler.data_started) == 1
    assert (status, alive) == (0, [])


def test_claims_are_given_back_for_another_node_to_take_at_once(
    make_relay: Callable[..., Relay], sink: Sink
):
    """Messages received just before SIGTERM (the scanning worker still loading the model):
    their claims are given back, so another node delivers them at once rather than after
    the ten-minute lease."""
    relay = make_relay(sink.port)
    recipients = [f"friend{i}@example.net" for i in range(5)]
    for address in recipients:
        relay.send(plain_message(), [address])
    status, _, _ = stop_with(relay, signal.SIGTERM)
    assert status == 0
    relay.start(CONFIDE_RELAY__NODE="another-node")
    for address in recipients:
        wait_for(lambda a=address: sink.handler.to(a), what=f"delivery to {address}")
    settle(1.0)
    assert sorted(r.rcpt_tos[0] for r in sink.handler.received) == sorted(recipients)
