"""Known-subject matching with a large register: scan time per document, with and without it.

Run from the repository root::

    .venv/bin/python bench/bench_subjects.py [--subjects 50000] [--rounds 3] [--json]

Three configurations scan the labelled corpus under ``bench/corpus/`` in this one process,
interleaved round by round so that a busy machine slows them alike:

1. detection only (the generic recognizers), the baseline;
2. detection, then attribution against an empty register;
3. detection, then attribution against a register of ``--subjects`` synthetic people, some
   of them named as in the corpus so that mentions are really found and attributed.

It prints per-document p50 and mean, the rise of (3) over (1), and how long building the
matcher takes (it is built once and rebuilt only when the register's version changes).
Target from the issue: with 50,000 subjects, scan time per document rises by no more than
25%. The script reports and exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.labelled_corpus import load_corpus  # noqa: E402
from scanner.attribution import Sender, attribute  # noqa: E402
from scanner.consent import KnownSubject, MemoryConsentBook  # noqa: E402
from scanner.detect.detector import Detector  # noqa: E402
from scanner.detect.known_subjects import SubjectMatcher  # noqa: E402
from scanner.detect.recognizers_file import load_recognizers  # noqa: E402
from scanner.judging import MatcherCache  # noqa: E402
from scanner.policy.policy_file import load_policy  # noqa: E402
from scanner.segments import Extraction, Segment  # noqa: E402

TARGET_RISE = 0.25
KINDS = ("carer", "cared_for", "participant", "staff", "volunteer", "trustee")
SYLLABLES = ("ka", "mo", "ri", "ten", "war", "sa", "ok", "af", "lo", "bel", "nu", "dre", "ash")


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def synthetic_register(count: int, corpus_names: list[str], seed: int = 7) -> list[KnownSubject]:
    """``count`` people with every identifier; one in fifty carries a name from the corpus."""
    rng = random.Random(seed)
    first_names = [
        line.strip().title()
        for line in (REPO_ROOT / "rules" / "first_names.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    subjects = []
    for number in range(count):
        if corpus_names and number % 50 == 0:
            name = corpus_names[number // 50 % len(corpus_names)]
        else:
            surname = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
            name = f"{rng.choice(first_names)} {surname}"
        first = name.split()[0].lower()
        subjects.append(
            KnownSubject(
                ref=f"R-{number:06d}",
                kind=rng.choice(KINDS),
                names=(name, f"{name.split()[0][0]}. {name.split()[-1]}"),
                emails=(f"{first}.{number}@example.com",),
                phones=(f"07700 {number % 1000000:06d}",),
                dob=date(1930, 1, 1) + timedelta(days=rng.randint(0, 30000)),
                nhs_number=_nhs_number(rng),
                ni_number=f"QQ{number % 1000000:06d}C",
                postcode=f"LS{rng.randint(1, 29)} {rng.randint(0, 9)}AB",
                address=f"{rng.randint(1, 200)} {rng.choice(SYLLABLES).title()}ton Road",
            )
        )
    return subjects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    documents = load_corpus()
    corpus_names = sorted(
        {d.text[s.start : s.end] for d in documents for s in d.spans if s.type == "PERSON"}
    )
    corpus_names = [n for n in corpus_names if len(n.split()) >= 2]
    detector = Detector(load_recognizers())
    policy = load_policy()
    register = synthetic_register(args.subjects, corpus_names)

    started = time.perf_counter()
    cache = MatcherCache()
    large = cache.get(MemoryConsentBook(register))
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    cache.get(MemoryConsentBook(register))  # a new book object: a new version, rebuilt
    rebuild_s = time.perf_counter() - started
    empty = SubjectMatcher()

    extractions = [Extraction("text", (Segment(d.text, "text"),)) for d in documents]
    for extraction in extractions[:5]:  # warm up spaCy and the regex caches
        detector.scan(extraction)
    times: dict[str, list[float]] = {"detection only": [], "empty register": [], "large": []}
    attributed = 0
    for _ in range(args.rounds):
        for extraction in extractions:
            for label, matcher in (
                ("detection only", None),
                ("empty register", empty),
                ("large", large),
            ):
                started = time.perf_counter()
                findings = detector.scan(extraction)
                if matcher is not None:
                    result = attribute(
                        extraction,
                        findings,
                        matcher,
                        Sender(),
                        types=policy.attribution,
                        window=policy.together_within_chars,
                    )
                    if matcher is large:
                        attributed += sum(1 for a in result.findings if a.refs)
                times[label].append(time.perf_counter() - started)

    rows = {
        label: {
            "p50_ms": statistics.median(values) * 1000,
            "mean_ms": statistics.fmean(values) * 1000,
        }
        for label, values in times.items()
    }
    rise = rows["large"]["mean_ms"] / rows["detection only"]["mean_ms"] - 1
    report = {
        "subjects": args.subjects,
        "documents": len(documents),
        "rounds": args.rounds,
        "matcher_build_s": build_s,
        "matcher_rebuild_s": rebuild_s,
        "rows": rows,
        "attributed_findings_per_round": attributed // args.rounds,
        "rise": rise,
        "target_rise": TARGET_RISE,
        "pass": rise <= TARGET_RISE,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"register: {args.subjects} synthetic subjects; corpus: {len(documents)} documents")
    print(f"matcher build: {build_s:.2f} s (rebuilt only when the register changes)")
    print(f"{'configuration':<28} {'p50 ms':>8} {'mean ms':>8}")
    labels = {"large": f"register of {args.subjects}"}
    for label, row in rows.items():
        print(f"{labels.get(label, label):<28} {row['p50_ms']:8.1f} {row['mean_ms']:8.1f}")
    print(f"findings attributed to a subject per round: {report['attributed_findings_per_round']}")
    verdict = "PASS" if report["pass"] else "FAIL"
    print(
        f"rise with {args.subjects} subjects: {rise:+.1%} (target <= +{TARGET_RISE:.0%}) {verdict}"
    )


if __name__ == "__main__":
    main()
