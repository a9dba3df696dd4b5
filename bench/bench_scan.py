"""Scan speed, model load time and memory: confide against Presidio's defaults, in one run.

Run from the repository root::

    .venv/bin/python bench/bench_scan.py [--rounds N] [--quick] [--json] [--profile]
                                         [--rules rules/recognizers.yaml]

Every figure is measured in this run, on the labelled dev set under ``bench/corpus/dev/``,
with Presidio's default analyzer (same spaCy model, ``en_core_web_md``) as the baseline:

1. model load: importing and building each engine in a fresh (spawned) process;
2. one process: per-document latency and documents per second for each engine, each in its
   own fresh process so that its peak memory is its own;
3. every core: a spawn pool of ``os.cpu_count()`` confide workers against a pool of one
   worker (same harness), giving scaling and efficiency;
4. peak memory (``ru_maxrss``) of every process above and of this one.

Targets from the issue: one-process throughput at least 1.5x Presidio's defaults, near-linear
scaling across cores (efficiency at least 0.8) and model load under 3 s. Each is marked PASS
or FAIL; the script reports and exits 0 whatever the figures (1 only if an engine cannot be
built). Figures from a busy machine are flagged: see the CPU/wall columns.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import math
import multiprocessing
import multiprocessing.queues
import os
import pstats
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.context import SpawnContext
from pathlib import Path
from typing import Any, NamedTuple

# `python bench/bench_scan.py` puts bench/ on sys.path, not the repository root that holds
# the `bench` and `scanner` packages. Spawned workers inherit this sys.path from the parent.
REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.labelled_corpus import CORPUS_DIR, CorpusError, load_corpus, parse  # noqa: E402

# Targets, from the issue.
TARGET_SPEEDUP = 1.5  # confide docs/s over Presidio-default docs/s, one process each
TARGET_EFFICIENCY = 0.8  # "near-linear": (N-worker docs/s / 1-worker docs/s) / N
TARGET_LOAD_S = 3.0  # imports + engine construction in a fresh process

# Harness settings.
WARMUP_DOCS = 5  # scanned before timing starts: spaCy and the regex caches warm up lazily
QUICK_DOCS = 24  # --quick: this many documents, spread evenly over the sorted corpus
LOAD_PROBES = 3  # fresh processes per engine for the load time (1 with --quick)
WORKER_READY_TIMEOUT_S = 300  # a pool worker that has not built its engine by now is stuck
PROFILE_TOP = 10  # --profile: entries listed, by cumulative time
# A scanning process given less than this share of a core was kept waiting by other work on
# the machine (both engines are single-threaded: an idle machine gives about 1.00).
BUSY_CPU_PER_WALL = 0.9

ENGINES = ("confide", "presidio")

Scan = Callable[[str], int]  # scans one text; returns how many spans it found


# ---------------------------------------------------------------------------------------------
# Engines. Imports happen inside the builders so that a spawned worker pays for exactly one
# engine, and so that the load probe times the imports as part of the model load.


def _build_confide(rules: Path | None) -> Scan:
    from scanner.detect.detector import Detector
    from scanner.detect.recognizers_file import load_recognizers

    detector = Detector(load_recognizers() if rules is None else load_recognizers(rules))
    return lambda text: len(detector.find(text))


def _build_presidio(rules: Path | None) -> Scan:
    del rules  # Presidio's defaults: confide's rules do not apply
    from bench.presidio_default import presidio_default_engine

    analyzer = presidio_default_engine()
    return lambda text: len(analyzer.analyze(text, language="en"))


_BUILDERS: dict[str, Callable[[Path | None], Scan]] = {
    "confide": _build_confide,
    "presidio": _build_presidio,
}


def _source_stamp() -> float:
    """Latest modification time of the files under rules/ and scanner/. Every spawned process
    reads both afresh, so an edit during a run means its processes measured different code."""
    latest = 0.0
    for folder in ("rules", "scanner"):
        for path in (REPO_ROOT / folder).rglob("*"):
            if "__pycache__" not in path.parts:
                with contextlib.suppress(OSError):  # deleted since it was listed
                    latest = max(latest, path.stat().st_mtime)
    return latest


def _peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------
# Work done in spawned processes. Each function runs in a fresh interpreter.


def _probe_load(engine: str, rules: Path | None) -> dict[str, float]:
    """Seconds to build ``engine`` (imports included) and to scan a first document."""
    start = time.perf_counter()
    scan = _BUILDERS[engine](rules)
    built = time.perf_counter()
    scan("Please ring Sarah Jones on 07700 900123 about the referral.")
    first = time.perf_counter()
    return {"load_s": built - start, "first_scan_s": first - built, "rss_mib": _peak_rss_mib()}


@dataclass
class SingleRun:
    """One engine scanning the corpus in one process, document after document."""

    engine: str
    load_s: float
    latencies_s: list[float]
    wall_s: float
    cpu_s: float
    spans: int
    rss_mib: float


def _single_process(
    engine: str, rules: Path | None, texts: Sequence[str], rounds: int
) -> SingleRun:
    start = time.perf_counter()
    scan = _BUILDERS[engine](rules)
    load_s = time.perf_counter() - start
    for text in texts[:WARMUP_DOCS]:
        scan(text)
    latencies: list[float] = []
    spans = 0
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            spans += scan(text)
            latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    return SingleRun(engine, load_s, latencies, wall, cpu, spans, _peak_rss_mib())


def _profile_confide(rules: Path | None, texts: Sequence[str], top: int) -> str:
    """cProfile of confide's ``find`` over the corpus after warm-up: top entries by cumulative
    and by internal time."""
    scan = _build_confide(rules)
    for text in texts[:WARMUP_DOCS]:
        scan(text)
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        scan(text)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    # Cumulative time shows the call chain; internal time shows where the time is spent.
    for order in ("cumulative", "tottime"):
        stats.sort_stats(order).print_stats(top)
    return out.getvalue()


# Pool workers keep their engine and the corpus in module globals, set by the initializer.
_worker_scan: Scan | None = None
_worker_texts: Sequence[str] = ()


class _Ready(NamedTuple):
    """A pool worker that has built its engine and warmed up."""

    pid: int
    load_s: float
    cpu_s: float  # process CPU time so far, to subtract from its last _Scanned.cpu_s
    rss_mib: float  # peak so far: a worker may get no documents at all


class _Scanned(NamedTuple):
    """One document scanned by a pool worker."""

    pid: int
    seconds: float
    spans: int
    rss_mib: float  # peak so far
    cpu_s: float  # process CPU time so far


def _pool_init(
    rules: Path | None, texts: Sequence[str], ready: multiprocessing.queues.Queue[_Ready]
) -> None:
    global _worker_scan, _worker_texts  # noqa: PLW0603 -- per-process state of a pool worker
    start = time.perf_counter()
    _worker_scan = _build_confide(rules)
    load_s = time.perf_counter() - start
    _worker_texts = texts
    for text in texts[:WARMUP_DOCS]:
        _worker_scan(text)
    ready.put(_Ready(os.getpid(), load_s, time.process_time(), _peak_rss_mib()))


def _pool_scan(index: int) -> _Scanned:
    assert _worker_scan is not None
    t0 = time.perf_counter()
    spans = _worker_scan(_worker_texts[index])
    seconds = time.perf_counter() - t0
    return _Scanned(os.getpid(), seconds, spans, _peak_rss_mib(), time.process_time())


# ---------------------------------------------------------------------------------------------
# The parent: runs the workers and reports.


@dataclass
class PoolRun:
    workers: int
    startup_s: float  # pool created until every worker has built its engine and warmed up
    load_s: list[float]  # engine build time in each worker, all building at once
    latencies_s: list[float]
    wall_s: float
    cpu_s: float  # CPU time of all workers while documents were being scanned
    spans: int
    docs_per_worker: list[int]
    rss_mib: list[float]


def _run_pool(
    ctx: SpawnContext, workers: int, rules: Path | None, texts: Sequence[str], rounds: int
) -> PoolRun:
    ready: multiprocessing.queues.Queue[_Ready] = ctx.Queue()
    started = time.perf_counter()
    with ctx.Pool(workers, initializer=_pool_init, initargs=(rules, texts, ready)) as pool:
        # Time only once every worker has its engine, so start-up is not counted as scanning.
        readies = {
            r.pid: r for r in (ready.get(timeout=WORKER_READY_TIMEOUT_S) for _ in range(workers))
        }
        startup = time.perf_counter() - started
        jobs = [i for _ in range(rounds) for i in range(len(texts))]
        t0 = time.perf_counter()
        results = list(pool.imap_unordered(_pool_scan, jobs, chunksize=1))
        wall = time.perf_counter() - t0
    last: dict[int, _Scanned] = {}
    docs = dict.fromkeys(readies, 0)
    for result in results:
        docs[result.pid] += 1
        last[result.pid] = result  # CPU time and ru_maxrss only grow
    return PoolRun(
        workers=workers,
        startup_s=startup,
        load_s=[r.load_s for r in readies.values()],
        latencies_s=[r.seconds for r in results],
        wall_s=wall,
        cpu_s=sum(last[pid].cpu_s - r.cpu_s for pid, r in readies.items() if pid in last),
        spans=sum(r.spans for r in results),
        docs_per_worker=list(docs.values()),
        rss_mib=[last[pid].rss_mib if pid in last else r.rss_mib for pid, r in readies.items()],
    )


def _in_fresh_process[T](ctx: SpawnContext, func: Callable[..., T], *args: Any) -> T:
    with ctx.Pool(1) as pool:
        return pool.apply(func, args)


def _percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``pct``% of values <= it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _load_documents(quick: bool) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, text) of every readable corpus document, and the names of any that were skipped.

    The corpus is still being written, so a half-written file is skipped, not fatal.
    """
    skipped: list[str] = []
    try:
        docs = [(d.name, d.text) for d in load_corpus()]
    except (CorpusError, UnicodeDecodeError):
        docs = []
        for path in sorted(CORPUS_DIR.rglob("*.txt")):
            name = str(path.relative_to(CORPUS_DIR))
            try:
                docs.append((name, parse(name, path.read_text(encoding="utf-8")).text))
            except (CorpusError, UnicodeDecodeError):
                skipped.append(name)
    docs = [(name, text) for name, text in docs if text.strip()]
    if quick and len(docs) > QUICK_DOCS:
        step = len(docs) / QUICK_DOCS
        docs = [docs[int(i * step)] for i in range(QUICK_DOCS)]
    return docs, skipped


def _summarise(latencies: Sequence[float], wall_s: float) -> dict[str, float]:
    return {
        "docs": len(latencies),
        "docs_per_s": len(latencies) / wall_s,
        "p50_ms": _percentile(latencies, 50) * 1000,
        "p99_ms": _percentile(latencies, 99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "max_ms": max(latencies) * 1000,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, help="passes over the corpus (default 2, 1 quick)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DOCS} documents: a smoke run")
    parser.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    parser.add_argument(
        "--profile", action="store_true", help="also profile confide's find() (cProfile)"
    )
    parser.add_argument(
        "--rules", type=Path, help="confide's recognizers file (default rules/recognizers.yaml)"
    )
    args = parser.parse_args(argv)
    rounds = args.rounds if args.rounds is not None else (1 if args.quick else 2)
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    cores = os.cpu_count() or 1
    ctx = multiprocessing.get_context("spawn")

    stamp = _source_stamp()
    docs, skipped = _load_documents(args.quick)
    if not docs:
        print("no corpus documents under bench/corpus/dev/; nothing to measure")
        return 0
    texts = [text for _, text in docs]
    chars = [len(t) for t in texts]
    print(
        f"corpus: {len(texts)} documents{' (quick subset)' if args.quick else ''}, "
        f"{sum(chars):,} characters (median {statistics.median(chars):,.0f}, "
        f"max {max(chars):,}); {rounds} round(s); {cores} cores; "
        f"Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}"
    )
    if skipped:
        print(f"skipped {len(skipped)} unreadable corpus file(s): {', '.join(skipped)}")

    # 1. Model load, each probe in a fresh process; engines alternate so neither is always
    # the one that meets a cold page cache.
    probes = 1 if args.quick else LOAD_PROBES
    load: dict[str, list[dict[str, float]]] = {engine: [] for engine in ENGINES}
    for _ in range(probes):
        for engine in ENGINES:
            try:
                load[engine].append(_in_fresh_process(ctx, _probe_load, engine, args.rules))
            except Exception as exc:  # noqa: BLE001 -- any build failure: one line, not a trace
                print(f"cannot build {engine}: {type(exc).__name__}: {exc}", file=sys.stderr)
                return 1
    print(f"\n1. Model load in a fresh process (imports + build; median of {probes})")
    load_rows = []
    load_summary: dict[str, dict[str, float]] = {}
    for engine in ENGINES:
        seconds = [p["load_s"] for p in load[engine]]
        median = statistics.median(seconds)
        first = statistics.median(p["first_scan_s"] for p in load[engine])
        load_summary[engine] = {"median_s": median, "min_s": min(seconds), "first_scan_s": first}
        target = f"< {TARGET_LOAD_S:.0f} s {_verdict(median < TARGET_LOAD_S)}"
        load_rows.append(
            [
                engine,
                f"{median:.2f}",
                f"{min(seconds):.2f}",
                f"{max(seconds):.2f}",
                f"{first * 1000:.0f}",
                target if engine == "confide" else "",
            ]
        )
    print(_table(["engine", "median s", "min s", "max s", "1st scan ms", "target"], load_rows))

    # 2. One process per engine, run one after the other.
    singles = {
        engine: _in_fresh_process(ctx, _single_process, engine, args.rules, texts, rounds)
        for engine in ENGINES
    }
    single_summary = {e: _summarise(r.latencies_s, r.wall_s) for e, r in singles.items()}
    # Documents per CPU-second hardly move when other work shares the machine; docs/s do.
    per_cpu_s = {e: len(r.latencies_s) / r.cpu_s for e, r in singles.items()}
    print(f"\n2. One process, documents in sequence ({WARMUP_DOCS} warm-up documents untimed)")
    print(
        _table(
            [
                "engine",
                "docs",
                "docs/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "CPU/wall",
                "docs/CPU-s",
                "spans",
            ],
            [
                [
                    e,
                    s["docs"],
                    f"{s['docs_per_s']:.1f}",
                    f"{s['p50_ms']:.1f}",
                    f"{s['p99_ms']:.1f}",
                    f"{s['max_ms']:.1f}",
                    f"{singles[e].cpu_s / singles[e].wall_s:.2f}",
                    f"{per_cpu_s[e]:.1f}",
                    singles[e].spans,
                ]
                for e, s in single_summary.items()
            ],
        )
    )
    speedup = single_summary["confide"]["docs_per_s"] / single_summary["presidio"]["docs_per_s"]
    cpu_speedup = per_cpu_s["confide"] / per_cpu_s["presidio"]
    print(
        f"confide / Presidio throughput: {speedup:.2f}x (per CPU-second {cpu_speedup:.2f}x) "
        f"target >= {TARGET_SPEEDUP}x {_verdict(speedup >= TARGET_SPEEDUP)}"
    )

    # 3. Every core: a pool of one worker, then a pool of every core, same harness.
    pools = [_run_pool(ctx, 1, args.rules, texts, rounds)]
    if cores > 1:
        pools.append(_run_pool(ctx, cores, args.rules, texts, rounds))
    pool_summary = [_summarise(p.latencies_s, p.wall_s) for p in pools]
    base = pool_summary[0]["docs_per_s"]
    print(f"\n3. confide in a spawn pool (documents shared out one at a time; {cores} cores)")
    pool_rows = []
    for run, summary in zip(pools, pool_summary, strict=True):
        scaling = summary["docs_per_s"] / base
        pool_rows.append(
            [
                f"{run.workers} worker(s)",
                f"{summary['docs_per_s']:.1f}",
                f"{summary['p50_ms']:.1f}",
                f"{summary['p99_ms']:.1f}",
                f"{scaling:.2f}x",
                f"{scaling / run.workers:.2f}",
                f"{run.startup_s:.1f}",
                "/".join(f"{s:.1f}" for s in run.load_s),
                "/".join(str(n) for n in run.docs_per_worker),
                f"{run.cpu_s / (run.wall_s * run.workers):.2f}",
            ]
        )
    print(
        _table(
            [
                "pool",
                "docs/s",
                "p50 ms",
                "p99 ms",
                "scaling",
                "efficiency",
                "start-up s",
                "build s each",
                "docs each",
                "CPU/wall",
            ],
            pool_rows,
        )
    )
    scaling = pool_summary[-1]["docs_per_s"] / base
    efficiency = scaling / pools[-1].workers
    vs_single = pool_summary[-1]["docs_per_s"] / single_summary["confide"]["docs_per_s"]
    print(
        f"{pools[-1].workers} workers / 1 worker: {scaling:.2f}x, efficiency {efficiency:.2f} "
        f"(target >= {TARGET_EFFICIENCY}) {_verdict(efficiency >= TARGET_EFFICIENCY)}; "
        f"{vs_single:.2f}x the one-process run in section 2"
    )
    if cores == 1:
        print("only one core here: scaling cannot be measured")
    shares = {
        **{f"{e}, one process": r.cpu_s / r.wall_s for e, r in singles.items()},
        **{f"pool of {p.workers}": p.cpu_s / (p.wall_s * p.workers) for p in pools},
    }
    busy = [f"{name} ({share:.2f})" for name, share in shares.items() if share < BUSY_CPU_PER_WALL]
    if busy:
        print(
            f"warning: other work on this machine held back: {', '.join(busy)} CPU/wall; "
            f"load average now {os.getloadavg()[0]:.2f}. Re-run on an idle machine."
        )
    counts = {singles["confide"].spans, *(p.spans for p in pools)}
    if len(counts) > 1:
        print(f"warning: confide found different span totals across runs: {sorted(counts)}")
    if _source_stamp() != stamp:
        print(
            "warning: rules/ or scanner/ changed during this run, "
            "so its processes did not all measure the same code"
        )

    # 4. Peak memory of each process.
    memory = [
        ["this process (corpus, no engine)", f"{_peak_rss_mib():.0f}"],
        *([f"{e}, load probe", f"{max(p['rss_mib'] for p in load[e]):.0f}"] for e in ENGINES),
        *([f"{e}, one process", f"{r.rss_mib:.0f}"] for e, r in singles.items()),
    ]
    for run in pools:
        for n, rss in enumerate(run.rss_mib, 1):
            memory.append([f"confide pool of {run.workers}, worker {n}", f"{rss:.0f}"])
    print("\n4. Peak memory per process (ru_maxrss)")
    print(_table(["process", "MiB"], memory))

    if args.profile:
        print(f"\nProfile of confide find() over {len(texts)} documents (top {PROFILE_TOP})")
        print(_in_fresh_process(ctx, _profile_confide, args.rules, texts, PROFILE_TOP))

    if args.json:
        summary = {
            "corpus": {"documents": len(texts), "characters": sum(chars), "skipped": skipped},
            "rounds": rounds,
            "cores": cores,
            "load": load_summary,
            "single_process": single_summary,
            "speedup": speedup,
            "speedup_per_cpu_s": cpu_speedup,
            "pool": [
                {
                    **s,
                    "workers": p.workers,
                    "startup_s": p.startup_s,
                    "load_s": p.load_s,
                    "rss_mib": p.rss_mib,
                    "cpu_per_wall": p.cpu_s / (p.wall_s * p.workers),
                }
                for p, s in zip(pools, pool_summary, strict=True)
            ],
            "scaling": scaling,
            "cpu_per_wall": shares,
            "efficiency": efficiency,
            "rss_mib": {
                "main": _peak_rss_mib(),
                **{f"{e}_single": r.rss_mib for e, r in singles.items()},
            },
            "targets": {
                "speedup": {"target": TARGET_SPEEDUP, "pass": speedup >= TARGET_SPEEDUP},
                "efficiency": {
                    "target": TARGET_EFFICIENCY,
                    "pass": efficiency >= TARGET_EFFICIENCY,
                },
                "load_s": {
                    "target": TARGET_LOAD_S,
                    "pass": load_summary["confide"]["median_s"] < TARGET_LOAD_S,
                },
            },
            "single_runs": {
                e: {k: v for k, v in asdict(r).items() if k != "latencies_s"}
                for e, r in singles.items()
            },
        }
        print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
