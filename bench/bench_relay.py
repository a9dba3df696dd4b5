"""Relay throughput and added latency: confide relay against a pass-through relay and the
scanner alone, in one run.

Run from the repository root::

    .venv/bin/python bench/bench_relay.py [--quick] [--clients N] [--workers N]

The dev set under ``bench/corpus/dev/`` becomes one message per document (``.txt`` as the
body, ``.eml`` as is, ``.docx``/``.pdf`` attached), each from a colleague to one internal and one
external address, with its own Message-ID. ``--clients`` SMTP clients each send a message and
wait for its outcome at an aiosmtpd sink (a delivered copy for every recipient, or the hold
notice naming the held ones) before sending the next. Measured in this run, on loopback:

1. pass-through: an aiosmtpd relay that forwards to the sink without scanning (the SMTP cost);
2. ``confide relay`` with ``--workers`` scanning processes, on SQLite in a scratch directory;
3. the scanner alone: ``Scanner.scan_bytes`` on the same messages in as many processes.

Warm-up messages (model loading) are not timed. Targets from the issue: at least 50
messages/s on a 2-core machine, and relay overhead over the scanner alone under 25%. Each is
marked PASS or FAIL; the script exits 0 whatever the figures (1 if something broke).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing
import multiprocessing.util
import os
import queue
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import Any

import psutil
from aiosmtpd.controller import Controller

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.labelled_corpus import CORPUS_DIR, CorpusError, parse  # noqa: E402

TARGET_MSGS_PER_S = 50.0
TARGET_OVERHEAD = 0.25  # (scanner-alone msgs/s / relay msgs/s) - 1

QUICK_MESSAGES = 60
WARMUP_PER_WORKER = 3  # untimed messages per scanning process, sent before timing starts
OUTCOME_TIMEOUT_S = 120.0  # a message with no outcome by then means the relay is stuck
START_TIMEOUT_S = 60.0

CONFIDE = Path(sys.executable).with_name("confide")
REGISTER = REPO_ROOT / "examples" / "register"
INTERNAL = "riverside-carers.example.org"
SENDER = f"priya.sharma@{INTERNAL}"
COLLEAGUE = f"colleague@{INTERNAL}"
# Consent for some subjects, consent that does not cover health, and an unknown agency.
EXTERNALS = ("duty@leeds-asc.example", "advice@citizensadvice.example", "office@unknown.example")
ATTACHMENT_TYPES = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("application", "pdf"),
}


@dataclass(frozen=True)
class Mail:
    message_id: str
    recipients: tuple[str, ...]
    content: bytes


def load_mails(quick: bool, prefix: str) -> list[Mail]:
    """One message per readable corpus document (half-written ``.txt`` files are skipped)."""
    paths = sorted(
        p for p in CORPUS_DIR.rglob("*") if p.suffix in {".txt", ".eml", ".docx", ".pdf"}
    )
    mails: list[Mail] = []
    for path in paths:
        n = len(mails)
        message_id = f"<{prefix}-{n}.{os.getpid()}@bench.invalid>"
        recipients = (COLLEAGUE, EXTERNALS[n % len(EXTERNALS)])
        if path.suffix == ".eml":
            message = BytesParser(policy=policy.SMTP).parsebytes(path.read_bytes())
            del message["Message-ID"]
        else:
            message = EmailMessage(policy=policy.SMTP)
            message["From"], message["To"] = SENDER, ", ".join(recipients)
            message["Subject"] = f"Re: {path.stem.replace('_', ' ')}"
            if path.suffix == ".txt":
                try:
                    text = parse(path.name, path.read_text(encoding="utf-8")).text
                except (CorpusError, UnicodeDecodeError):
                    continue
                message.set_content(text)
            else:
                message.set_content("Please see the attached.")
                maintype, subtype = ATTACHMENT_TYPES[path.suffix]
                message.add_attachment(path.read_bytes(), maintype, subtype, filename=path.name)
        message["Message-ID"] = message_id
        mails.append(Mail(message_id, recipients, message.as_bytes()))
    if quick and len(mails) > QUICK_MESSAGES:
        step = len(mails) / QUICK_MESSAGES
        mails = [mails[int(i * step)] for i in range(QUICK_MESSAGES)]
    return mails


class Sink:
    """The upstream: an aiosmtpd server that times each message's outcome by Message-ID."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, tuple[set[str], threading.Event]] = {}
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.done_at: dict[str, float] = {}
        self.received = {"copies": 0, "hold notices": 0}

    def expect(self, mail: Mail) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._waiting[mail.message_id] = (set(mail.recipients), event)
        return event

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.perf_counter()
        content = envelope.original_content
        headers = BytesHeaderParser(policy=policy.default).parsebytes(content)
        if envelope.mail_from in ("", "<>"):  # a hold notice: it names the held recipients
            message_id = str(headers.get("In-Reply-To", "")).strip()
            body = BytesParser(policy=policy.default).parsebytes(content).get_body(("plain",))
            text = body.get_content() if body is not None else ""
            accounted = {r for r in self._waiting.get(message_id, ((), None))[0] if r in text}
            self.received["hold notices"] += 1
        else:
            message_id = str(headers.get("Message-ID", "")).strip()
            accounted = set(envelope.rcpt_tos)
            self.received["copies"] += 1
        with self._lock:
            if message_id in self._waiting:
                remaining, event = self._waiting[message_id]
                remaining -= accounted
                if not remaining:
                    self.done_at[message_id] = now
                    event.set()
        return "250 2.0.0 Ok"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"the server for port {port} exited before listening")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {START_TIMEOUT_S:.0f} s")


@dataclass
class Run:
    latency_s: list[float]  # per message, in order: start of sending to outcome at the sink
    wall_s: float  # first send to last outcome


def send_all(port: int, mails: Sequence[Mail], sink: Sink, clients: int) -> Run:
    """Each client sends a message, waits for its outcome, then sends the next. Clients are
    daemon threads, so that Ctrl-C need not wait for them."""
    todo: queue.SimpleQueue[Mail] = queue.SimpleQueue()
    for mail in mails:
        todo.put(mail)
    started: dict[str, float] = {}
    failures: list[Exception] = []

    def client() -> None:
        while not failures:
            try:
                mail = todo.get_nowait()
            except queue.Empty:
                return
            done = sink.expect(mail)
            started[mail.message_id] = time.perf_counter()
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                    smtp.sendmail(SENDER, list(mail.recipients), mail.content)
                if not done.wait(OUTCOME_TIMEOUT_S):
                    raise TimeoutError(f"no outcome for {mail.message_id} in {OUTCOME_TIMEOUT_S} s")
            except Exception as exc:  # noqa: BLE001 -- reported by the main thread
                failures.append(exc)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    latency = [sink.done_at[m.message_id] - started[m.message_id] for m in mails]
    first = min(started[m.message_id] for m in mails)
    return Run(latency, max(sink.done_at[m.message_id] for m in mails) - first)


class PassThrough:
    """Forwards each message to the sink before answering, without looking at it."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.to_thread(
            self._forward, envelope.mail_from, envelope.rcpt_tos, envelope.original_content
        )
        return "250 2.0.0 Ok: forwarded"

    def _forward(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> None:
        with smtplib.SMTP("127.0.0.1", self.upstream_port, timeout=30) as smtp:
            smtp.sendmail(mail_from, rcpt_tos, content)


def serve_pass_through(port: int, upstream_port: int) -> None:
    """The pass-through relay's process (spawned: its own interpreter, as the relay has)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops this process
    Controller(PassThrough(upstream_port), hostname="127.0.0.1", port=port).start()
    threading.Event().wait()


def start_relay(
    folder: Path, upstream_port: int, workers: int, clients: int
) -> tuple[subprocess.Popen[bytes], int]:
    """``confide relay`` on SQLite in ``folder``, with the example consent register imported."""
    config = folder / "confide.toml"
    config.write_text(
        f'data_dir = "{folder / "var"}"\n[organisation]\nname = "Riverside Carers\' Centre"\n'
        f'internal_domains = ["{INTERNAL}"]\n[relay]\nscan_workers = {workers}\n'
        f"max_connections_per_client = {max(clients, 20)}\n"
        f'hostname = "relay.{INTERNAL}"\n[relay.upstream]\nport = {upstream_port}\n',
        encoding="utf-8",
    )
    os.environ["CONFIDE_CONFIG"] = str(config)  # for the scanner-alone workers too
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    register = [f"--{part}={REGISTER / part}.csv" for part in ("agencies", "subjects", "consents")]
    subprocess.run(
        [str(CONFIDE), "init"], cwd=folder, env=env, check=True, capture_output=True, timeout=120
    )
    subprocess.run(
        [str(CONFIDE), "consent", "import", *register],
        cwd=folder, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    port = free_port()
    with (folder / "relay.log").open("wb") as log:
        relay = subprocess.Popen(
            [str(CONFIDE), "relay", "--listen", f"127.0.0.1:{port}"],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    return relay, port


def stop_relay(relay: subprocess.Popen[bytes]) -> None:
    """Stop the relay and its scanning and extraction processes (its own process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(relay.pid, sig)
            relay.wait(timeout=10)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time so far of a process (``main``), its children (``workers``) and theirs
    (``extraction``: the scanner's sandboxed parsing processes)."""
    root = psutil.Process(pid)
    tiers = {"main": [root], "workers": root.children(), "extraction": []}
    for child in tiers["workers"]:
        tiers["extraction"].extend(child.children(recursive=True))
    return {tier: sum(_cpu(p) for p in processes) for tier, processes in tiers.items()}


def own_cpu() -> float:
    """CPU time so far of this process: the clients and the sink (and nothing else while a
    relay is measured)."""
    return _cpu(psutil.Process())


def _cpu(process: psutil.Process) -> float:
    try:
        return float(sum(process.cpu_times()[:2]))
    except psutil.NoSuchProcess:
        return 0.0


def cpu_per_message(before: dict[str, float], after: dict[str, float], n: int) -> str:
    """CPU milliseconds per message of each tier, and in all."""
    spent = {tier: (after[tier] - before.get(tier, 0.0)) * 1000 / n for tier in after}
    parts = ", ".join(f"{tier} {ms:.1f}" for tier, ms in spent.items())
    return f"{sum(spent.values()):.1f} ms ({parts})"


_scanner: Any = None


def _scanner_init(ready: Any, warmup: bytes) -> None:
    global _scanner  # noqa: PLW0603 -- per-process state of a pool worker, as in the relay
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent shuts the pool down
    from gateway.scanner_setup import build_scanner

    _scanner = build_scanner(extraction_workers=1).__enter__()
    # Close its extraction process when this worker exits, or the worker waits for it forever.
    multiprocessing.util.Finalize(_scanner, _scanner.__exit__, (None, None, None), exitpriority=1)
    _scanner.scan_bytes(warmup)
    ready.put(os.getpid())


def _scan(content: bytes) -> int:
    return len(_scanner.scan_bytes(content).findings)


def scanner_alone(mails: Sequence[Mail], workers: int) -> tuple[float, str, float]:
    """Messages per second of ``Scanner.scan_bytes`` in ``workers`` spawned processes, and
    their CPU time per message (``main`` is this process, feeding them): by tier, and in
    milliseconds in all."""
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Queue()
    pool = ProcessPoolExecutor(workers, ctx, _scanner_init, (ready, mails[0].content))
    try:
        for _ in range(workers):  # spawned on demand: one per task submitted at once
            pool.submit(os.getpid)
        pids = {ready.get(timeout=START_TIMEOUT_S) for _ in range(workers)}
        assert len(pids) == workers, f"{len(pids)} scanner process(es) started, not {workers}"
        start = time.perf_counter()
        before = cpu_seconds(os.getpid())
        list(pool.map(_scan, [m.content for m in mails]))
        rate = len(mails) / (time.perf_counter() - start)
        after = cpu_seconds(os.getpid())
        spent_ms = (sum(after.values()) - sum(before.values())) * 1000 / len(mails)
        return rate, cpu_per_message(before, after, len(mails)), spent_ms
    finally:
        pool.shutdown(cancel_futures=True)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_MESSAGES} messages")
    parser.add_argument("--clients", type=int, default=8, help="concurrent SMTP clients (8)")
    parser.add_argument("--workers", type=int, default=2, help="scanning processes (2)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up as on Ctrl-C
    mails = load_mails(args.quick, "pass")
    warmup = load_mails(True, "warmup")[: WARMUP_PER_WORKER * args.workers]
    size = sorted(len(m.content) for m in mails)
    print(
        f"{len(mails)} messages (median {size[len(size) // 2]:,} bytes, max {size[-1]:,}); "
        f"{args.clients} clients, {args.workers} scanning processes; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    sink = Sink()
    sink.controller.start()
    ctx = multiprocessing.get_context("spawn")
    relay: subprocess.Popen[bytes] | None = None
    folder = tempfile.TemporaryDirectory(prefix="bench-relay-")
    try:
        port = free_port()
        forwarder = ctx.Process(
            target=serve_pass_through, args=(port, sink.controller.port), daemon=True
        )
        forwarder.start()
        try:
            wait_listening(port, forwarder.is_alive)
            send_all(port, warmup[: args.clients], sink, args.clients)
            assert forwarder.pid is not None
            pass_before, bench_before = _cpu(psutil.Process(forwarder.pid)), own_cpu()
            passed = send_all(port, mails, sink, args.clients)
            pass_cpu_each = (_cpu(psutil.Process(forwarder.pid)) - pass_before) * 1000 / len(mails)
            pass_bench_each = (own_cpu() - bench_before) * 1000 / len(mails)
        finally:
            forwarder.terminate()

        relay, port = start_relay(
            Path(folder.name), sink.controller.port, args.workers, args.clients
        )
        wait_listening(port, lambda: relay is not None and relay.poll() is None)
        send_all(port, warmup, sink, len(warmup))  # all at once: every worker loads its model
        cpu_before, bench_before = cpu_seconds(relay.pid), own_cpu()
        sink.received = dict.fromkeys(sink.received, 0)
        relayed = send_all(port, load_mails(args.quick, "relay"), sink, args.clients)
        cpu_after = cpu_seconds(relay.pid)
        relay_bench_each = (own_cpu() - bench_before) * 1000 / len(mails)
        relay_cpu = (sum(cpu_after.values()) - sum(cpu_before.values())) / relayed.wall_s
        relay_cpu_each = cpu_per_message(cpu_before, cpu_after, len(mails))
        outcomes = ", ".join(f"{n} {what}" for what, n in sink.received.items())
        stop_relay(relay)
        relay = None

        alone, alone_cpu_each, alone_ms = scanner_alone(mails, args.workers)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 -- whatever broke: one line and the relay's log
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        log = Path(folder.name) / "relay.log"
        if log.exists():
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        return 1
    finally:
        if relay is not None:
            stop_relay(relay)
        sink.controller.stop()
        folder.cleanup()

    relay_rate = len(mails) / relayed.wall_s
    pass_rate = len(mails) / passed.wall_s
    rows = {  # the same documents, in the same order
        "pass-through": passed.latency_s,
        "confide relay": relayed.latency_s,
        "added (relay - pass-through)": [
            r - p for r, p in zip(relayed.latency_s, passed.latency_s, strict=True)
        ],
    }
    print(f"\n{'end-to-end latency':30} {'p50 ms':>8} {'p99 ms':>8}")
    for name, values in rows.items():
        print(
            f"{name:30} {percentile(values, 50) * 1000:8.1f} {percentile(values, 99) * 1000:8.1f}"
        )
    overhead = alone / relay_rate - 1
    print(
        f"\nthroughput: pass-through {pass_rate:.1f} msgs/s; scanner alone {alone:.1f} msgs/s; "
        f"confide relay {relay_rate:.1f} msgs/s (its processes used {relay_cpu:.2f} cores)\n"
        f"CPU per message: confide relay {relay_cpu_each}; scanner alone {alone_cpu_each}\n"
        f"CPU per message of SMTP alone: pass-through relay {pass_cpu_each:.1f} ms, its "
        f"clients and sink {pass_bench_each:.1f} ms (with confide: {relay_bench_each:.1f} ms); "
        f"together {(pass_cpu_each + pass_bench_each) / alone_ms:.0%} of the scanner alone's "
        f"{alone_ms:.1f} ms, on the same cores\n"
        f"relay >= {TARGET_MSGS_PER_S:.0f} msgs/s: {verdict(relay_rate >= TARGET_MSGS_PER_S)}\n"
        f"relay overhead over the scanner alone {overhead:.0%} < {TARGET_OVERHEAD:.0%}: "
        f"{verdict(overhead < TARGET_OVERHEAD)}\n"
        f"the relay's outcomes at the sink: {outcomes}; load average now {os.getloadavg()[0]:.2f}"
        " (other work on the machine slows every figure)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
