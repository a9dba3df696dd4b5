"""The relay on a small server: what it adds to the scanner's cost, its throughput, its
latency at a steady rate, and the whole product's memory, in one run.

Run from the repository root::

    .venv/bin/python bench/bench_relay.py [--quick] [--clients N] [--workers N]

The dev set under ``bench/corpus/dev/`` becomes one message per document (``.txt`` as the
body, ``.eml`` as is, ``.docx``/``.pdf`` attached), each from a colleague to one internal and one
external address, with its own Message-ID. An aiosmtpd sink stands for the upstream and notes
when each message's outcome arrives (a delivered copy for every recipient, or the hold notice
naming the held ones). Measured in this run, on loopback:

1. pass-through: an aiosmtpd relay that forwards to the sink without scanning (the SMTP cost);
2. ``confide run`` with its default settings (the relay, the review web app and the watcher
   of one folder, with all their workers) on SQLite in a scratch directory:

   a. burst: ``--clients`` clients each send a message and wait for its outcome before
      sending the next: messages per second and CPU per message;
   b. steady: a message every 1/``--rate`` seconds for ``--seconds`` (five minutes; 30 s with
      ``--quick``), each on its own connection whatever the relay's pace: the added latency
      from the client's final dot to the sink's receipt of the outcome, and what is still
      queued in the database once the last outcome has arrived (after up to 10 s for the
      deliveries on their way);
   c. the watcher: documents dropped into its folder, until each is judged;

   with the resident memory (RSS) of every process sampled throughout;
3. the scanner alone: ``Scanner.scan_message`` (each message read as a message, as the relay
   reads it) on the burst's messages in as many processes as the relay has scanning workers.

Warm-up messages (model loading) are not timed. The targets (issue 19) are each marked PASS
or MISS; the script exits 0 whatever the figures (1 if something broke). Other work on the
machine slows every figure: the load average is printed before and after.
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
import secrets
import shutil
import signal
import smtplib
import socket
import sqlite3
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Buffer, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
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

# The targets of issue 19 ("Performance of the relay on a small server").
TARGET_CPU_RATIO = 1.25  # relay CPU/message <= this x (scanner alone + pass-through)
TARGET_MSGS_PER_S = 50.0  # burst throughput on 2 cores
TARGET_STEADY_RATE = 20.0  # messages/s, for STEADY_SECONDS
STEADY_SECONDS = 300.0
TARGET_P99_ADDED_S = 2.0  # client's final dot to the sink's receipt, at the steady rate
TARGET_MEMORY_BYTES = 1.5e9  # the whole product's resident memory, summed over processes

QUICK_MESSAGES = 60
QUICK_STEADY_SECONDS = 30.0
WATCHED_FILES = 40  # documents dropped into the watched folder (QUICK: a quarter)
WARMUP_PER_WORKER = 3  # untimed messages per scanning process, sent before timing starts
OUTCOME_TIMEOUT_S = 120.0  # a message with no outcome by then means the relay is stuck
START_TIMEOUT_S = 60.0
QUEUE_SETTLE_S = 10.0  # after the last outcome, for the queues to empty
MEMORY_SAMPLE_S = 0.5
PSS_EVERY = 6  # memory samples: PSS (reading smaps is slow) on every sixth
STEADY_SENDERS = 64  # threads sending at the steady rate, each message on its own connection

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
    source: Path  # the corpus document it was made from

    def renamed(self, message_id: str) -> Mail:
        """The same message under another Message-ID (the relay takes it as a new one)."""
        content = self.content.replace(self.message_id.encode(), message_id.encode(), 1)
        return replace(self, message_id=message_id, content=content)


def bench_message_id(prefix: str) -> str:
    """A Message-ID of random letters, as confide makes its own: an id holding digits may hold
    a number someone wrote (a counter and a pid read so; so does about one UUID in fifty by
    chance), and confide drops such ids from its copies and notices, which would leave the
    sink unable to match a copy or a hold notice to its message."""
    letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(26))
    return f"<{prefix}-{letters}@bench.invalid>"


def load_mails(quick: bool, prefix: str) -> list[Mail]:
    """One message per readable corpus document (half-written ``.txt`` files are skipped)."""
    paths = sorted(
        p for p in CORPUS_DIR.rglob("*") if p.suffix in {".txt", ".eml", ".docx", ".pdf"}
    )
    mails: list[Mail] = []
    for path in paths:
        n = len(mails)
        message_id = bench_message_id(prefix)
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
        mails.append(Mail(message_id, recipients, message.as_bytes(), path))
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
        self.dots: dict[str, float] = {}  # the final dots of the steady run's messages
        self._by_confide_id: dict[str, str] = {}  # X-Confide-Id -> Message-ID
        self._unmatched: dict[str, set[str]] = {}  # X-Confide-Id -> recipients, not yet matched
        self.received = {"copies": 0, "hold notices": 0}

    def expect(self, mail: Mail) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._waiting[mail.message_id] = (set(mail.recipients), event)
        return event

    def wait(self, mail: Mail, timeout: float) -> bool:
        """Until ``mail`` (expected) has its outcome, or ``timeout`` seconds."""
        with self._lock:
            event = self._waiting[mail.message_id][1]
        return event.wait(timeout)

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
        # A redacted copy has a Message-ID of its own: it is matched by confide's id, once
        # another copy or the notice has shown which message that id is.
        confide_id = str(headers.get("X-Confide-Id", "")).strip()
        with self._lock:
            if message_id in self._waiting:
                if confide_id:
                    self._by_confide_id[confide_id] = message_id
                    accounted |= self._unmatched.pop(confide_id, set())
            elif confide_id in self._by_confide_id:
                message_id = self._by_confide_id[confide_id]
            elif confide_id:
                self._unmatched.setdefault(confide_id, set()).update(accounted)
            if message_id in self._waiting:
                remaining, event = self._waiting[message_id]
                remaining -= accounted
                if not remaining and not event.is_set():
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


class TimedSMTP(smtplib.SMTP):
    """An SMTP client that notes when it sent a message's final dot."""

    final_dot_at = 0.0

    def send(self, s: Buffer | str) -> None:
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.final_dot_at = time.perf_counter()


def send_one(port: int, mail: Mail) -> float:
    """Send ``mail`` on a connection of its own; when its final dot went."""
    with TimedSMTP("127.0.0.1", port, timeout=60) as smtp:
        smtp.sendmail(SENDER, list(mail.recipients), mail.content)
        return smtp.final_dot_at


@dataclass
class Run:
    added_s: list[float]  # per message, in order: final dot to outcome at the sink
    wall_s: float  # first send to last outcome
    missing: int = 0  # messages with no outcome within OUTCOME_TIMEOUT_S


def send_all(port: int, mails: Sequence[Mail], sink: Sink, clients: int) -> Run:
    """Each client sends a message, waits for its outcome, then sends the next. Clients are
    daemon threads, so that Ctrl-C need not wait for them."""
    todo: queue.SimpleQueue[Mail] = queue.SimpleQueue()
    for mail in mails:
        todo.put(mail)
    started: dict[str, float] = {}
    dot: dict[str, float] = {}
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
                dot[mail.message_id] = send_one(port, mail)
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
    added = [sink.done_at[m.message_id] - dot[m.message_id] for m in mails]
    first = min(started.values())
    return Run(added, max(sink.done_at[m.message_id] for m in mails) - first)


@dataclass
class Steady:
    run: Run
    sent_per_s: float  # the rate the clients managed (below the target: the relay lagged)
    queued_at_end: dict[str, int]  # unfinished work in the database after the last outcome


def send_steadily(
    port: int, mails: Sequence[Mail], sink: Sink, rate: float, seconds: float
) -> list[Mail]:
    """A message every 1/``rate`` s for ``seconds``, each on its own connection, whatever
    the relay's pace (open loop: a slow relay builds a queue, it does not slow the clients).
    The messages sent, with the times of their final dots in ``sink.dots``."""
    count = int(rate * seconds)
    chosen = [mails[i % len(mails)].renamed(bench_message_id("steady"))
              for i in range(count)]  # fmt: skip
    failures: list[Exception] = []

    def send(mail: Mail) -> None:
        try:
            sink.dots[mail.message_id] = send_one(port, mail)
        except Exception as exc:  # noqa: BLE001 -- reported by the main thread
            failures.append(exc)

    start = time.perf_counter()
    with ThreadPoolExecutor(STEADY_SENDERS, thread_name_prefix="steady") as senders:
        for number, mail in enumerate(chosen):
            if failures:
                break
            pause = start + number / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            sink.expect(mail)
            senders.submit(send, mail)
    if failures:
        raise failures[0]
    return chosen


def steady_run(
    port: int, mails: Sequence[Mail], sink: Sink, rate: float, seconds: float, *, database: Path
) -> Steady:
    """``send_steadily``, then wait for every outcome and look at the queues."""
    start = time.perf_counter()
    chosen = send_steadily(port, mails, sink, rate, seconds)
    sent_for = max(sink.dots[m.message_id] for m in chosen) - start
    deadline = time.perf_counter() + OUTCOME_TIMEOUT_S
    for mail in chosen:
        sink.wait(mail, max(deadline - time.perf_counter(), 0))
    done = [m for m in chosen if m.message_id in sink.done_at]
    queued = queued_work(database)
    settle = time.perf_counter() + QUEUE_SETTLE_S  # a delivery may still be on its way
    while sum(queued.values()) and time.perf_counter() < settle:
        time.sleep(0.5)
        queued = queued_work(database)
    added = [sink.done_at[m.message_id] - sink.dots[m.message_id] for m in done]
    wall = max((sink.done_at[m.message_id] for m in done), default=start) - start
    run = Run(added, wall, missing=len(chosen) - len(done))
    return Steady(run, len(chosen) / sent_for if sent_for > 0 else 0.0, queued)


def queued_work(database: Path) -> dict[str, int]:
    """Messages not yet scanned and deliveries not yet sent, in the relay's database."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        messages = db.execute("SELECT count(*) FROM relay_message WHERE state = 'received'")
        deliveries = db.execute("SELECT count(*) FROM relay_delivery WHERE state = 'queued'")
        return {"messages to scan": messages.fetchone()[0], "deliveries": deliveries.fetchone()[0]}


def judged_files(database: Path) -> int:
    """Files of the watched folder the watcher has judged."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT count(*) FROM watcher_watchedfile WHERE action != ''")
        return int(rows.fetchone()[0])


def watch_files(
    folder: Path, mails: Sequence[Mail], count: int, database: Path
) -> tuple[int, float]:
    """Copy ``count`` of the mails' documents into the watched folder; how many the watcher
    has judged, and in how many seconds: all of them, or as many as OUTCOME_TIMEOUT_S
    allowed."""
    sources = sorted({m.source for m in mails})[:count]
    start = time.perf_counter()
    for number, source in enumerate(sources):
        shutil.copyfile(source, folder / f"{number:03d}-{source.name}")
    judged = 0
    while judged < len(sources) and time.perf_counter() < start + OUTCOME_TIMEOUT_S:
        time.sleep(0.5)
        judged = judged_files(database)
    return judged, time.perf_counter() - start


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


@dataclass
class Product:
    """``confide run`` as started here: its process, SMTP port, database and watched folder."""

    process: subprocess.Popen[bytes]
    port: int
    database: Path
    watched: Path


def start_product(folder: Path, upstream_port: int, workers: int | None) -> Product:
    """``confide run`` with its defaults, on SQLite in ``folder``, with the example consent
    register imported and one watched folder (internal, report mode). Set here besides the
    ports: connections per client (the steady run opens one per message) and, if asked,
    the relay's scanning workers (which the watcher and the review app borrow)."""
    watched = folder / "shared"
    watched.mkdir()
    relay_workers = "" if workers is None else f"scan_workers = {workers}\n"
    config = folder / "confide.toml"
    config.write_text(
        f'data_dir = "{folder / "var"}"\n[organisation]\nname = "Riverside Carers\' Centre"\n'
        f'internal_domains = ["{INTERNAL}"]\n'
        f'[relay]\nlisten = "127.0.0.1:{free_port()}"\n{relay_workers}'
        f"max_connections_per_client = {STEADY_SENDERS + 8}\n"
        f'hostname = "relay.{INTERNAL}"\n[relay.upstream]\nport = {upstream_port}\n'
        f'[review]\nlisten = "127.0.0.1:{free_port()}"\n'
        + f'[[watch.folders]]\npath = "{watched}"\naudience = "internal"\n',
        encoding="utf-8",
    )
    os.environ["CONFIDE_CONFIG"] = str(config)  # for the scanner-alone workers too
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    register = [f"--{part}={REGISTER / part}.csv" for part in ("agencies", "subjects", "consents")]
    subprocess.run(
        [str(CONFIDE), "init"], cwd=folder, env=env, check=True, capture_output=True, timeout=120
    )
    subprocess.run(
        [str(CONFIDE), "consent", "import", *register],
        cwd=folder, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    port = int(config.read_text().split('listen = "127.0.0.1:')[1].split('"')[0])
    with (folder / "run.log").open("wb") as log:
        process = subprocess.Popen(
            [str(CONFIDE), "run"],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    return Product(process, port, folder / "var" / "confide.sqlite3", watched)


def stop_product(process: subprocess.Popen[bytes]) -> None:
    """Stop ``confide run`` and its workers (its own process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=30)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class MemoryPeaks:
    """The largest resident memory seen of each process of a tree, and of the whole tree."""

    roles: dict[int, str] = field(default_factory=dict)  # pid -> what the process is
    rss: dict[int, int] = field(default_factory=dict)  # pid -> its peak RSS
    total_rss: int = 0  # the peak of the sum of RSS at one sample
    total_pss: int = 0  # the peak of the sum of PSS (shared pages divided among sharers)
    processes: int = 0  # the most processes seen at once


class MemorySampler:
    """Samples the memory of a process and its descendants on a thread, until stopped."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peaks = MemoryPeaks()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory", daemon=True)

    def __enter__(self) -> MemoryPeaks:
        self._thread.start()
        return self.peaks

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        sample = 0
        while not self._stop.wait(MEMORY_SAMPLE_S):
            with contextlib.suppress(psutil.Error):
                self._sample(with_pss=sample % PSS_EVERY == 0)
            sample += 1

    def _sample(self, *, with_pss: bool) -> None:
        peaks = self.peaks
        tree = [self.root, *self.root.children(recursive=True)]
        total_rss = total_pss = 0
        for process in tree:
            try:
                if with_pss:
                    info = process.memory_full_info()
                    total_pss += info.pss
                else:
                    info = process.memory_info()
                role(process, self.root.pid, peaks.roles)
            except psutil.Error:
                continue  # it ended meanwhile
            total_rss += info.rss
            peaks.rss[process.pid] = max(peaks.rss.get(process.pid, 0), info.rss)
        peaks.total_rss = max(peaks.total_rss, total_rss)
        peaks.total_pss = max(peaks.total_pss, total_pss)
        peaks.processes = max(peaks.processes, len(tree))


def role(process: psutil.Process, root: int, known: dict[int, str]) -> str:
    """What a process of ``confide run`` is, from its command line and its parent's role
    (kept in ``known``)."""
    if process.pid not in known:
        known[process.pid] = _role(process, root, known)
    return known[process.pid]


def _role(process: psutil.Process, root: int, known: dict[int, str]) -> str:
    if process.pid == root:
        return "confide run"
    command = " ".join(process.cmdline())
    parent = role(psutil.Process(process.ppid()), root, known)
    if "resource_tracker" in command:
        return f"resource tracker of {parent}"
    if "forkserver" in command and parent.startswith("fork server"):
        grandparent = parent.removeprefix("fork server of ")
        return f"model worker of {grandparent}"
    if "forkserver" in command:
        return f"fork server of {parent}"
    if "spawn_main" in command:
        return "relay scanning worker"
    return f"{process.name()} under {parent}"


def print_memory(peaks: MemoryPeaks) -> None:
    """Each process's peak RSS, grouped by role, and the whole tree's."""
    by_role: dict[str, list[int]] = {}
    for pid, peak in peaks.rss.items():
        by_role.setdefault(peaks.roles.get(pid, "?"), []).append(peak)
    print(f"\n{'peak memory per process (RSS)':44} {'count':>5} {'MiB each':>12}")
    for name, values in sorted(by_role.items(), key=lambda item: -max(item[1])):
        each = "/".join(f"{v / 2**20:.0f}" for v in sorted(values, reverse=True))
        print(f"{name:44} {len(values):5} {each:>12}")


def mib(size: float) -> str:
    return f"{size / 2**20:,.0f} MiB"


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
    _scanner.scan_message(warmup)
    ready.put(os.getpid())


def _scan(content: bytes) -> int:
    return len(_scanner.scan_message(content).findings)


def scanner_alone(mails: Sequence[Mail], workers: int) -> tuple[float, str, float]:
    """Messages per second of ``Scanner.scan_message`` in ``workers`` spawned processes, and
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
    """Nearest-rank percentile (0 of nothing)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)] if ordered else 0.0


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


@dataclass
class Figures:
    """What one run measured."""

    mails: int
    workers: int
    passed: Run
    pass_cpu_ms: float
    pass_bench_ms: float
    burst: Run
    burst_cpu: str
    burst_cpu_ms: float
    burst_cores: float
    outcomes: str
    steady: Steady
    steady_cpu: str
    steady_cores: float
    watched: int
    judged: int
    watch_s: float
    memory: MemoryPeaks
    alone_rate: float
    alone_cpu: str
    alone_cpu_ms: float


def measure(args: argparse.Namespace, sink: Sink, folder: Path) -> Figures:
    """Every phase of the run (see the module's docstring)."""
    workers = args.workers or os.cpu_count() or 1
    seconds = args.seconds or (QUICK_STEADY_SECONDS if args.quick else STEADY_SECONDS)
    mails = load_mails(args.quick, "pass")
    warmup = load_mails(True, "warmup")[: WARMUP_PER_WORKER * workers]
    ctx = multiprocessing.get_context("spawn")
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
        pass_cpu_ms = (_cpu(psutil.Process(forwarder.pid)) - pass_before) * 1000 / len(mails)
        pass_bench_ms = (own_cpu() - bench_before) * 1000 / len(mails)
    finally:
        forwarder.terminate()

    product = start_product(folder, sink.controller.port, args.workers)
    pid = product.process.pid
    try:
        wait_listening(product.port, lambda: product.process.poll() is None)
        with MemorySampler(pid) as memory:
            send_all(product.port, warmup, sink, len(warmup))  # all at once: every worker loads
            before = cpu_seconds(pid)
            sink.received = dict.fromkeys(sink.received, 0)
            burst = send_all(product.port, load_mails(args.quick, "relay"), sink, args.clients)
            after = cpu_seconds(pid)
            outcomes = ", ".join(f"{n} {what}" for what, n in sink.received.items())
            steady = steady_run(
                product.port, mails, sink, args.rate, seconds, database=product.database
            )
            steady_after = cpu_seconds(pid)
            watched = WATCHED_FILES // 4 if args.quick else WATCHED_FILES
            judged, watch_s = watch_files(product.watched, mails, watched, product.database)
    finally:
        stop_product(product.process)
    alone_rate, alone_cpu, alone_cpu_ms = scanner_alone(mails, workers)
    done = len(steady.run.added_s)
    return Figures(
        mails=len(mails),
        workers=workers,
        passed=passed,
        pass_cpu_ms=pass_cpu_ms,
        pass_bench_ms=pass_bench_ms,
        burst=burst,
        burst_cpu=cpu_per_message(before, after, len(mails)),
        burst_cpu_ms=(sum(after.values()) - sum(before.values())) * 1000 / len(mails),
        burst_cores=(sum(after.values()) - sum(before.values())) / burst.wall_s,
        outcomes=outcomes,
        steady=steady,
        steady_cpu=cpu_per_message(after, steady_after, max(done, 1)),
        steady_cores=(sum(steady_after.values()) - sum(after.values())) / max(steady.run.wall_s, 1),
        watched=watched,
        judged=judged,
        watch_s=watch_s,
        memory=memory,
        alone_rate=alone_rate,
        alone_cpu=alone_cpu,
        alone_cpu_ms=alone_cpu_ms,
    )


def report(f: Figures, rate: float) -> None:
    """The figures, and each target marked PASS or MISS."""
    print(f"\n{'latency, final dot to outcome':30} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in {
        "pass-through": f.passed.added_s,
        "confide, burst": f.burst.added_s,
        f"confide, steady {rate:g}/s": f.steady.run.added_s,
    }.items():
        p50, p99 = percentile(values, 50) * 1000, percentile(values, 99) * 1000
        print(f"{name:30} {p50:8.0f} {p99:8.0f} {max(values, default=0) * 1000:8.0f}")
    burst_rate = f.mails / f.burst.wall_s
    allowed = TARGET_CPU_RATIO * (f.alone_cpu_ms + f.pass_cpu_ms)
    steady = f.steady
    p99 = percentile([*steady.run.added_s, *[math.inf] * steady.run.missing], 99)  # none: never
    queued = sum(steady.queued_at_end.values()) + steady.run.missing
    memory = f.memory
    print(
        f"\nthroughput: pass-through {f.mails / f.passed.wall_s:.1f} msgs/s; scanner alone "
        f"{f.alone_rate:.1f} msgs/s; confide {burst_rate:.1f} msgs/s "
        f"(its processes used {f.burst_cores:.2f} cores)\n"
        f"CPU per message: confide {f.burst_cpu} (steady run: {f.steady_cpu}); scanner alone "
        f"{f.alone_cpu}; pass-through relay {f.pass_cpu_ms:.1f} ms (its clients and sink "
        f"{f.pass_bench_ms:.1f} ms)\n"
        f"steady run: {rate:g} msgs/s asked, {steady.sent_per_s:.1f} sent, for "
        f"{len(steady.run.added_s) + steady.run.missing} messages; confide used "
        f"{f.steady_cores:.2f} cores; {steady.run.missing} without an outcome after "
        f"{OUTCOME_TIMEOUT_S:.0f} s; still queued (up to {QUEUE_SETTLE_S:g} s after the last "
        "outcome): "
        + ", ".join(f"{n} {what}" for what, n in steady.queued_at_end.items())
        + f"\nthe watcher judged {f.judged} of {f.watched} dropped documents in {f.watch_s:.1f} s\n"
        f"memory of confide run ({memory.processes} processes at most): peak sum of RSS "
        f"{mib(memory.total_rss)}, of PSS {mib(memory.total_pss)} (PSS shares each shared "
        "page among the processes that map it; the sum of RSS counts it in each)\n"
        f"the burst's outcomes at the sink: {f.outcomes}"
    )
    print_memory(memory)
    print(
        "\ntargets (issue 19):\n"
        f"  CPU per message {f.burst_cpu_ms:.1f} ms <= {TARGET_CPU_RATIO:g} x (scanner alone "
        f"{f.alone_cpu_ms:.1f} + pass-through {f.pass_cpu_ms:.1f}) = {allowed:.1f} ms "
        f"({f.burst_cpu_ms / (f.alone_cpu_ms + f.pass_cpu_ms):.2f}x): "
        f"{verdict(f.burst_cpu_ms <= allowed)}\n"
        f"  throughput {burst_rate:.1f} >= {TARGET_MSGS_PER_S:g} msgs/s on {os.cpu_count()} cores: "
        f"{verdict(burst_rate >= TARGET_MSGS_PER_S)}\n"
        f"  steady {steady.sent_per_s:.1f} >= {TARGET_STEADY_RATE:g} msgs/s sent for "
        f"{(len(steady.run.added_s) + steady.run.missing) / max(steady.sent_per_s, 1e-9):.0f} s, "
        f"p99 added latency "
        f"{p99:.2f} s < {TARGET_P99_ADDED_S:g} s; nothing queued (without an outcome or "
        f"still queued: {queued}): "
        f"{verdict(steady.sent_per_s >= TARGET_STEADY_RATE * 0.98 and p99 < TARGET_P99_ADDED_S)}"
        f" / {verdict(queued == 0)}\n"
        f"  whole product resident, sum of RSS {memory.total_rss / 1e9:.2f} GB < "
        f"{TARGET_MEMORY_BYTES / 1e9:g} GB: {verdict(memory.total_rss < TARGET_MEMORY_BYTES)} "
        f"(sum of PSS {memory.total_pss / 1e9:.2f} GB: "
        f"{verdict(memory.total_pss < TARGET_MEMORY_BYTES)})\n"
        f"load average now {os.getloadavg()[0]:.2f} (other work on the machine slows every "
        "figure and makes the steady run's latency longer)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_MESSAGES} messages, a {QUICK_STEADY_SECONDS:g} s steady run",
    )
    parser.add_argument("--clients", type=int, default=8, help="burst SMTP clients (8)")
    parser.add_argument(
        "--workers", type=int, help="the relay's scanning processes (confide's default)"
    )
    parser.add_argument("--rate", type=float, default=TARGET_STEADY_RATE, help="steady msgs/s")
    parser.add_argument("--seconds", type=float, help=f"steady run ({STEADY_SECONDS:g} s)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up as on Ctrl-C
    size = sorted(len(m.content) for m in load_mails(args.quick, "size"))
    print(
        f"{len(size)} messages (median {size[len(size) // 2]:,} bytes, max {size[-1]:,}); "
        f"{args.clients} burst clients; relay scanning processes: "
        f"{args.workers or 'default'} (the watcher's and the review app's too); "
        f"{os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    sink = Sink()
    sink.controller.start()
    folder = tempfile.TemporaryDirectory(prefix="bench-relay-")
    try:
        figures = measure(args, sink, Path(folder.name))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 -- whatever broke: one line and confide's log
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        log = Path(folder.name) / "run.log"
        if log.exists():
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        return 1
    finally:
        sink.controller.stop()
        folder.cleanup()
    report(figures, args.rate)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
