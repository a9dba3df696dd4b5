"""The relay's own CPU per message, step by step, on the dev set: what ``bench_relay.py``
counts per process, taken apart.

Run from the repository root::

    .venv/bin/python bench/bench_relay_steps.py [--messages N]

One process calls, for each message in turn, what the relay's processes call: storing it
(``spool.store``, the main process), processing it with a scanning worker's pipeline
(``processing.processed``: scan, judge, make and check the copies, record), and delivering
its copies to an SMTP sink in a process of its own (``delivery.deliver``, the main process,
its SMTP client included). The model worker is the sandboxed child the pipeline's scanner
starts, as in the relay. Each step's CPU is the calling thread's (``time.thread_time``), so
the sink and the pool's threads are left out; the model worker's is its own. The same
messages are then scanned alone (``Scanner.scan_message``), the model worker's CPU beside
the relay's. Warm-up messages (model loading) are not counted.

``--queries``: the statements each step sends to the database, counted per message by kind
(the steps' CPU then includes Django's recording of them, so compare CPU without it).

Run the code before and after a change side by side (two checkouts, each with its own
``PYTHONPATH``): other work on the machine then slows both alike. The load average is
printed.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import bench_relay  # noqa: E402

WARMUP = 6
STEPS = ("store", "process", "deliver")


class Accept:
    """The sink's handler: every message taken."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 2.0.0 Ok"


def serve_sink(port: int) -> None:
    """The sink's process."""
    from aiosmtpd.controller import Controller

    Controller(Accept(), hostname="127.0.0.1", port=port).start()
    threading.Event().wait()


def configure(folder: Path, sink_port: int) -> None:
    """A confide.toml and a database in ``folder``, with the example consent register."""
    config = folder / "confide.toml"
    config.write_text(
        f'data_dir = "{folder / "var"}"\n[organisation]\nname = "Riverside Carers\' Centre"\n'
        f'internal_domains = ["{bench_relay.INTERNAL}"]\n'
        f'[relay]\nnode = "bench"\nhostname = "relay.{bench_relay.INTERNAL}"\n'
        f"[relay.upstream]\nport = {sink_port}\n",
        encoding="utf-8",
    )
    os.environ["CONFIDE_CONFIG"] = str(config)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    register = bench_relay.REGISTER
    parts = [f"--{part}={register / part}.csv" for part in ("agencies", "subjects", "consents")]
    for command in (["init"], ["consent", "import", *parts]):
        subprocess.run(
            [str(bench_relay.CONFIDE), *command], cwd=folder, env=env, check=True,
            capture_output=True, timeout=120,
        )  # fmt: skip


def children_cpu() -> float:
    """CPU seconds so far of this process's children but the sink (the model worker)."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        if child.pid not in _sinks:
            total += bench_relay._cpu(child)
    return total


_sinks: set[int] = set()


def measure(count: int, queries: bool = False) -> None:
    import multiprocessing

    sink_port = bench_relay.free_port()
    sink = multiprocessing.get_context("spawn").Process(
        target=serve_sink, args=(sink_port,), daemon=True
    )
    sink.start()
    assert sink.pid is not None
    _sinks.add(sink.pid)
    bench_relay.wait_listening(sink_port, sink.is_alive)
    configure(Path(tempfile.mkdtemp(prefix="bench-relay-steps-")), sink_port)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings")
    import django

    django.setup()
    from gateway.config import load_settings
    from gateway.relay import delivery, spool
    from gateway.relay.pipeline import Pipeline
    from gateway.relay.processing import processed
    from gateway.relay.service import RelayService
    from gateway.scanner_setup import build_scanner

    settings = load_settings()
    relay = RelayService(settings)  # its sealer and deliverer, as the main process has them
    mails = bench_relay.load_mails(False, "steps")
    mails = [
        mails[i % len(mails)].renamed(f"<steps-{i}.{os.getpid()}@bench.invalid>")
        for i in range(count + WARMUP)
    ]
    spent: dict[str, float] = dict.fromkeys(STEPS, 0.0)
    statements: collections.Counter[tuple[str, str]] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    with build_scanner(extraction_workers=1) as scanner:
        pipeline = Pipeline.from_settings(settings, scanner)
        pipeline.warm_up()

        def step(name: str, counted: bool, work: Any, *args: Any, **kwargs: Any) -> Any:
            began = time.thread_time()
            with _statements(queries) as sent:
                done = work(*args, **kwargs)
            if counted:
                spent[name] += time.thread_time() - began
                statements.update((name, sql.split(None, 1)[0].upper()) for sql in sent)
            return done

        model_before = 0.0
        for number, mail in enumerate(mails):
            counted = number >= WARMUP
            if number == WARMUP:
                model_before = children_cpu()
            recipients = list(mail.recipients)
            received_at = datetime.now(UTC)
            stored = step(
                "store", counted, spool.store, relay.sealer, mail_from=bench_relay.SENDER,
                recipients=recipients, content=mail.content, client_address="127.0.0.1",
                node=relay.node, lease=relay.leases.scan, received_at=received_at,
            )  # fmt: skip
            # Handed over with where and when it came from, as the relay's door hands it.
            received = spool.Received(
                stored.id, bench_relay.SENDER, recipients, mail.content, scan_attempts=1,
                origin=spool.Origin("127.0.0.1", received_at),
            )  # fmt: skip
            done = step("process", counted, processed, pipeline, received)
            for outbound in done.outbound:
                kinds[str(outbound.copy.kind)] += counted
                step("deliver", counted, delivery.deliver, relay.deliverer, outbound)
        model = children_cpu() - model_before
        alone_before = children_cpu()
        for mail in mails[WARMUP:]:
            scanner.scan_message(mail.content)
        alone = children_cpu() - alone_before
    sink.terminate()
    report(count, spent, model, alone, kinds)
    for (name, kind), number in sorted(statements.items()):
        print(f"  {name:9} {kind:9} {number / count:5.2f} statements per message")


@contextlib.contextmanager
def _statements(counting: bool) -> Iterator[list[str]]:
    """The SQL this thread sends inside, if ``counting``."""
    sent: list[str] = []
    if not counting:
        yield sent
        return
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        yield sent
    sent.extend(query["sql"] for query in captured.captured_queries)


def report(
    count: int, spent: dict[str, float], model: float, alone: float, kinds: dict[str, int]
) -> None:
    print(f"{count} messages; copies and notices: {dict(sorted(kinds.items()))}")
    for name, seconds in spent.items():
        print(f"  {name:28} {seconds * 1000 / count:6.2f} ms per message (its thread)")
    print(f"  {'the three steps':28} {sum(spent.values()) * 1000 / count:6.2f} ms per message")
    print(f"  {'model worker':28} {model * 1000 / count:6.2f} ms per message")
    print(f"  {'model worker, scanned alone':28} {alone * 1000 / count:6.2f} ms per message")
    print(f"load average now {os.getloadavg()[0]:.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=200, help="messages counted (200)")
    parser.add_argument(
        "--queries", action="store_true", help="count the statements each step sends"
    )
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f}", flush=True)
    measure(args.messages, args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
