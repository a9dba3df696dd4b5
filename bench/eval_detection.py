"""Detection quality on the labelled corpus: confide against Presidio's defaults, same run.

Prints recall and precision per type and overall, and false positives per clean document, for
both detectors. A gold span counts as found when a predicted span of the same type overlaps
it; a predicted span counts as correct when it overlaps a gold span of its type.

    python bench/eval_detection.py [--misses TYPE] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.labelled_corpus import CORPUS_DIR, LABEL_TYPES, LabelledDocument, Span, load_corpus
from bench.presidio_default import PRESIDIO_TO_LABEL, presidio_default_engine

TARGET_RECALL = 0.97
TARGET_TYPE_RECALL = 0.95
TARGET_PRECISION = 0.95
TARGET_CLEAN_FP = 0.1

Predict = Callable[[str], list[Span]]


def confide_predictor() -> Predict:
    from scanner.detect.engine import Detector
    from scanner.detect.rules import load_rules

    detector = Detector(load_rules())

    def predict(text: str) -> list[Span]:
        return [Span(s.start, s.end, s.type) for s in detector.find(text) if s.type in LABEL_TYPES]

    return predict


def presidio_predictor() -> Predict:
    engine = presidio_default_engine()

    def predict(text: str) -> list[Span]:
        return [
            Span(r.start, r.end, PRESIDIO_TO_LABEL[r.entity_type])
            for r in engine.analyze(text, language="en")
            if r.entity_type in PRESIDIO_TO_LABEL
        ]

    return predict


def _overlaps(a: Span, b: Span) -> bool:
    return a.type == b.type and a.start < b.end and b.start < a.end


class Score:
    def __init__(self) -> None:
        self.gold: Counter[str] = Counter()
        self.found: Counter[str] = Counter()
        self.predicted: Counter[str] = Counter()
        self.correct: Counter[str] = Counter()
        self.clean_fp = 0
        self.clean_docs = 0
        self.misses: list[tuple[str, Span, str]] = []
        self.false_positives: list[tuple[str, Span, str]] = []

    def add(self, doc: LabelledDocument, predicted: Iterable[Span]) -> None:
        predicted = list(predicted)
        for gold in doc.spans:
            self.gold[gold.type] += 1
            if any(_overlaps(gold, p) for p in predicted):
                self.found[gold.type] += 1
            else:
                self.misses.append((doc.name, gold, doc.text[gold.start : gold.end]))
        for p in predicted:
            self.predicted[p.type] += 1
            if any(_overlaps(p, gold) for gold in doc.spans):
                self.correct[p.type] += 1
            else:
                self.false_positives.append((doc.name, p, doc.text[p.start : p.end]))
        if doc.is_clean:
            self.clean_docs += 1
            self.clean_fp += len(predicted)

    def recall(self, kind: str | None = None) -> float:
        gold = self.gold[kind] if kind else sum(self.gold.values())
        found = self.found[kind] if kind else sum(self.found.values())
        return found / gold if gold else 1.0

    def precision(self, kind: str | None = None) -> float:
        predicted = self.predicted[kind] if kind else sum(self.predicted.values())
        correct = self.correct[kind] if kind else sum(self.correct.values())
        return correct / predicted if predicted else 1.0

    def clean_rate(self) -> float:
        return self.clean_fp / self.clean_docs if self.clean_docs else 0.0


def evaluate(docs: list[LabelledDocument], predict: Predict) -> Score:
    score = Score()
    for doc in docs:
        score.add(doc, predict(doc.text))
    return score


def report(docs: list[LabelledDocument], confide: Score, presidio: Score) -> None:
    print(
        f"corpus: {len(docs)} documents ({confide.clean_docs} clean), "
        f"{sum(confide.gold.values())} labelled spans"
    )
    print(f"{'type':20} {'gold':>5}  {'confide R':>9} {'P':>6}  {'presidio R':>10} {'P':>6}")
    for kind in sorted(confide.gold):
        print(
            f"{kind:20} {confide.gold[kind]:5}  {confide.recall(kind):9.3f} "
            f"{confide.precision(kind):6.3f}  {presidio.recall(kind):10.3f} "
            f"{presidio.precision(kind):6.3f}"
        )
    print(
        f"{'overall':20} {sum(confide.gold.values()):5}  {confide.recall():9.3f} "
        f"{confide.precision():6.3f}  {presidio.recall():10.3f} {presidio.precision():6.3f}"
    )
    print(
        f"false positives per clean document: confide {confide.clean_rate():.3f}, "
        f"presidio {presidio.clean_rate():.3f}"
    )
    worst = min(confide.recall(k) for k in confide.gold)
    checks = [
        ("overall recall", confide.recall(), ">=", TARGET_RECALL),
        ("lowest per-type recall", worst, ">=", TARGET_TYPE_RECALL),
        ("overall precision", confide.precision(), ">=", TARGET_PRECISION),
        ("false positives per clean document", confide.clean_rate(), "<=", TARGET_CLEAN_FP),
    ]
    for name, value, op, target in checks:
        ok = value >= target if op == ">=" else value <= target
        print(f"target {name}: {value:.3f} {op} {target} {'PASS' if ok else 'MISS'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--misses", metavar="TYPE", help="list confide's misses of TYPE ('all')")
    parser.add_argument("--false-positives", metavar="TYPE", help="list confide's FPs of TYPE")
    parser.add_argument("--confide-only", action="store_true", help="skip the Presidio run")
    args = parser.parse_args()
    docs = load_corpus(args.corpus)
    confide = evaluate(docs, confide_predictor())
    presidio = Score() if args.confide_only else evaluate(docs, presidio_predictor())
    report(docs, confide, presidio)
    for wanted, rows, title in (
        (args.misses, confide.misses, "missed"),
        (args.false_positives, confide.false_positives, "false positive"),
    ):
        for name, span, text in rows if wanted else []:
            if wanted in ("all", span.type):
                print(f"{title}: {name} {span.type} {text!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
