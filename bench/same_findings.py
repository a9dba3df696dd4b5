"""Whether a change to the scanner changed what it finds: every dev document scanned, its
findings written to a file, and two such files compared exactly.

Run from the repository root::

    .venv/bin/python bench/same_findings.py dump OUT.json [--profile OUT.prof]
    .venv/bin/python bench/same_findings.py compare BEFORE.json AFTER.json

Each dev document is read twice, as ``bench_scan.py`` and ``bench_relay.py`` read it: its text
through ``Detector.find`` (spans: offsets, type, score, recognizer), and the message
``bench_relay.py`` makes of it through extraction, ``Detector.scan`` and ``Detector.owners``
(findings with their segments, and owners), in this process, without the sandbox. ``dump``
also prints the seconds spent in each; ``--profile`` writes a cProfile of the whole run.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sys
import time
import uuid
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.labelled_corpus import load_corpus  # noqa: E402


def _message(name: str, text: str) -> bytes:
    """The message ``bench_relay.py`` makes of a ``.txt`` document, with a Message-ID that
    depends on the document's name alone, so that two runs read the same bytes."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "sam.colleague@confide-charity.example"
    message["To"] = "team@confide-charity.example, duty@leeds-asc.example"
    message["Subject"] = f"Re: {Path(name).stem.replace('_', ' ')}"
    message.set_content(text)
    message["Message-ID"] = f"<{uuid.uuid5(uuid.NAMESPACE_URL, name)}@bench.invalid>"
    return message.as_bytes()


def dump(out: Path, profile: Path | None) -> None:
    from scanner.detect.detector import Detector
    from scanner.detect.recognizers_file import load_recognizers
    from scanner.extract import extract
    from scanner.filetype import FileType
    from scanner.limits import ScanLimits

    detector = Detector(load_recognizers())
    limits = ScanLimits()
    docs = [(d.name, d.text) for d in load_corpus() if d.text.strip()]
    messages = [_message(name, text) for name, text in docs]
    # Warm up as the benches do, so that the model's lazily built caches are not timed.
    for _, text in docs[:5]:
        detector.find(text)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    results: dict[str, Any] = {}
    spent = {"find": 0.0, "extract": 0.0, "scan": 0.0, "owners": 0.0}
    for (name, text), data in zip(docs, messages, strict=True):
        t0 = time.process_time()
        spans = detector.find(text)
        t1 = time.process_time()
        extraction = extract(data, limits, kind=FileType.EMAIL)
        t2 = time.process_time()
        findings = detector.scan(extraction)
        t3 = time.process_time()
        owners = detector.owners(extraction, findings)
        t4 = time.process_time()
        for key, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            spent[key] += seconds
        results[name] = {
            "find": [[s.start, s.end, s.type, s.score, s.recognizer] for s in spans],
            "message": [
                [f.segment, f.start, f.end, f.type, f.score, f.recognizer] for f in findings
            ],
            "owners": [
                [o.finding.segment, o.finding.start, o.finding.type, o.spans, o.via] for o in owners
            ],
        }
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    out.write_text(json.dumps(results, indent=0, sort_keys=True), encoding="utf-8")
    total = sum(spent.values())
    print(
        f"{len(docs)} documents; CPU s: "
        + ", ".join(f"{k} {v:.2f}" for k, v in spent.items())
        + f"; total {total:.2f} ({total / len(docs) * 1000:.1f} ms/doc; "
        f"message path {(total - spent['find']) / len(docs) * 1000:.1f} ms/doc)"
    )


def compare(before: Path, after: Path) -> int:
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    differ = 0
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) != new.get(name):
            differ += 1
            print(f"differs: {name}")
            for key in ("find", "message", "owners"):
                a = old.get(name, {}).get(key, [])
                b = new.get(name, {}).get(key, [])
                gone = [x for x in a if x not in b]
                added = [x for x in b if x not in a]
                if gone or added:
                    print(f"  {key}: only before {gone}; only after {added}")
    print(f"{len(old)} vs {len(new)} documents; {differ} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    dump_parser = sub.add_parser("dump")
    dump_parser.add_argument("out", type=Path)
    dump_parser.add_argument("--profile", type=Path)
    compare_parser = sub.add_parser("compare")
    compare_parser.add_argument("before", type=Path)
    compare_parser.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.profile)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
