"""Detection quality on the dev and test sets: confide against Presidio's defaults, same run.

Prints, for the dev set and for the frozen test set separately, recall and precision per type
and overall, and false positives per clean document, overall and by type, for both detectors
(one model load each). A gold span counts as found when a predicted span of the same type
overlaps it; a predicted span counts as correct when it overlaps a gold span of its type.
"whole" is the share of gold spans whose every character (white space and quote marks aside)
is covered by predicted spans of their type: an address found only in part is found, but not
whole.

Only the dev set's misses and false positives can be listed (``--misses``,
``--false-positives``). The test set is never looked at one miss at a time: its scores keep
no text at all, so that nothing gets tuned to it.

    python bench/eval_detection.py [--misses TYPE] [--false-positives TYPE] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.labelled_corpus import (
    CORPUS_DIR,
    LABEL_TYPES,
    TEST_DIR,
    LabelledDocument,
    Span,
    load_corpus,
    load_test_set,
)
from bench.presidio_default import PRESIDIO_TO_LABEL, presidio_default_engine

TARGET_RECALL = 0.97
TARGET_TYPE_RECALL = 0.95
TARGET_PRECISION = 0.95
TARGET_CLEAN_FP = 0.1

Predict = Callable[[str], list[Span]]


def confide_predictor() -> Predict:
    """confide as it reads a document: the text normalised first (``scanner.normalise``, as
    extraction does), each finding mapped back to the text as written."""
    from scanner.detect.detector import Detector
    from scanner.detect.recognizers_file import load_recognizers
    from scanner.normalise import normalise

    detector = Detector(load_recognizers())

    def predict(text: str) -> list[Span]:
        segment = normalise(text, "")
        return [
            Span(*segment.to_source(s.start, s.end), s.type)
            for s in detector.find(segment.text)
            if s.type in LABEL_TYPES
        ]

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


_NOT_CONTENT = frozenset(" \t\r\n>")  # what a whole span may leave uncovered: space, quoting


def _whole(gold: Span, predicted: list[Span], text: str) -> bool:
    """Every character of ``gold`` but space and quote marks lies in a prediction of its type."""
    covered = set()
    for p in predicted:
        if _overlaps(gold, p):
            covered.update(range(max(p.start, gold.start), min(p.end, gold.end)))
    return all(i in covered or text[i] in _NOT_CONTENT for i in range(gold.start, gold.end))


class Score:
    """Counts for one detector on one set; ``keep_examples`` keeps the text of each error."""

    def __init__(self, *, keep_examples: bool = True) -> None:
        self.keep_examples = keep_examples
        self.gold: Counter[str] = Counter()
        self.found: Counter[str] = Counter()
        self.whole: Counter[str] = Counter()
        self.predicted: Counter[str] = Counter()
        self.correct: Counter[str] = Counter()
        self.clean_fp = 0
        self.clean_fp_by_type: Counter[str] = Counter()
        self.clean_docs = 0
        self.misses: list[tuple[str, Span, str]] = []
        self.false_positives: list[tuple[str, Span, str]] = []

    def add(self, doc: LabelledDocument, predicted: Iterable[Span]) -> None:
        predicted = list(predicted)
        for gold in doc.spans:
            self.gold[gold.type] += 1
            if any(_overlaps(gold, p) for p in predicted):
                self.found[gold.type] += 1
                self.whole[gold.type] += _whole(gold, predicted, doc.text)
            elif self.keep_examples:
                self.misses.append((doc.name, gold, doc.text[gold.start : gold.end]))
        for p in predicted:
            self.predicted[p.type] += 1
            if any(_overlaps(p, gold) for gold in doc.spans):
                self.correct[p.type] += 1
            elif self.keep_examples:
                self.false_positives.append((doc.name, p, doc.text[p.start : p.end]))
        if doc.is_clean:
            self.clean_docs += 1
            self.clean_fp += len(predicted)
            self.clean_fp_by_type.update(p.type for p in predicted)

    def recall(self, kind: str | None = None) -> float:
        gold = self.gold[kind] if kind else sum(self.gold.values())
        found = self.found[kind] if kind else sum(self.found.values())
        return found / gold if gold else 1.0

    def whole_share(self, kind: str | None = None) -> float:
        gold = self.gold[kind] if kind else sum(self.gold.values())
        whole = self.whole[kind] if kind else sum(self.whole.values())
        return whole / gold if gold else 1.0

    def precision(self, kind: str | None = None) -> float:
        predicted = self.predicted[kind] if kind else sum(self.predicted.values())
        correct = self.correct[kind] if kind else sum(self.correct.values())
        return correct / predicted if predicted else 1.0

    def clean_rate(self, kind: str | None = None) -> float:
        found = self.clean_fp_by_type[kind] if kind else self.clean_fp
        return found / self.clean_docs if self.clean_docs else 0.0


def evaluate(docs: list[LabelledDocument], predict: Predict, *, keep_examples: bool) -> Score:
    score = Score(keep_examples=keep_examples)
    for doc in docs:
        score.add(doc, predict(doc.text))
    return score


def _row(name: str, gold: int, c: Score, p: Score, kind: str | None) -> str:
    """One line of the table: recall and whole with no gold span, and precision with no
    prediction, are shown as '-' (they are not 1.0, whatever the formula says)."""

    def figures(s: Score) -> str:
        predicted = s.predicted[kind] if kind else sum(s.predicted.values())
        dash = f"{'-':>6}"
        recall = f"{s.recall(kind):6.3f}" if gold else dash
        precision = f"{s.precision(kind):6.3f}" if predicted else dash
        whole = f"{s.whole_share(kind):6.3f}" if gold else dash
        return f"{recall} {precision} {whole}"

    return f"{name:20} {gold:5}   {figures(c)}   {figures(p)}"


def report(
    title: str,
    docs: list[LabelledDocument],
    confide: Score,
    presidio: Score,
    *,
    compared: bool = True,
) -> None:
    print(
        f"\n== {title}: {len(docs)} documents ({confide.clean_docs} clean), "
        f"{sum(confide.gold.values())} labelled spans =="
    )
    print(f"{'':26}   {'confide':^20}   {'presidio defaults':^20}")
    print(
        f"{'type':20} {'gold':>5}   {'R':>6} {'P':>6} {'whole':>6}   {'R':>6} {'P':>6} {'whole':>6}"
    )
    kinds = sorted(set(confide.gold) | set(confide.predicted) | set(presidio.predicted))
    for kind in kinds:
        print(_row(kind, confide.gold[kind], confide, presidio, kind))
    print(_row("overall", sum(confide.gold.values()), confide, presidio, None))
    print(
        f"false positives per clean document: confide {confide.clean_rate():.3f}, "
        f"presidio {presidio.clean_rate():.3f}"
    )
    fp_kinds = sorted(set(confide.clean_fp_by_type) | set(presidio.clean_fp_by_type))
    for kind in fp_kinds:  # per type only: which kinds of finding a clean document draws
        print(
            f"  {kind:20} confide {confide.clean_rate(kind):.3f}, "
            f"presidio {presidio.clean_rate(kind):.3f}"
        )
    held = [k for k in confide.gold if confide.gold[k]]
    worst = min((confide.recall(k) for k in held), default=1.0)  # a set of clean documents only
    behind = sum(confide.recall(k) < presidio.recall(k) for k in held)
    checks = [
        ("overall recall", confide.recall(), ">=", TARGET_RECALL),
        ("lowest per-type recall", worst, ">=", TARGET_TYPE_RECALL),
        ("overall precision", confide.precision(), ">=", TARGET_PRECISION),
        ("false positives per clean document", confide.clean_rate(), "<=", TARGET_CLEAN_FP),
    ]
    if compared:
        checks.append(("types where Presidio's recall is higher", behind, "<=", 0))
    for name, value, op, target in checks:
        ok = value >= target if op == ">=" else value <= target
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"target {name}: {shown} {op} {target} {'PASS' if ok else 'MISS'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="the dev set")
    parser.add_argument("--test-set", type=Path, default=TEST_DIR, help="the frozen test set")
    parser.add_argument("--misses", metavar="TYPE", help="list confide's dev misses ('all')")
    parser.add_argument("--false-positives", metavar="TYPE", help="list confide's dev FPs")
    parser.add_argument("--confide-only", action="store_true", help="skip the Presidio run")
    parser.add_argument("--dev-only", action="store_true", help="skip the test set")
    args = parser.parse_args()
    sets = [("dev set", load_corpus(args.corpus), True)]
    if not args.dev_only:
        sets.append(
            ("test set (frozen: per-type figures only)", load_test_set(args.test_set), False)
        )
    confide_predict = confide_predictor()
    presidio_predict = None if args.confide_only else presidio_predictor()
    dev_score = Score()
    for title, docs, keep in sets:
        confide = evaluate(docs, confide_predict, keep_examples=keep)
        presidio = (
            Score(keep_examples=False)
            if presidio_predict is None
            else evaluate(docs, presidio_predict, keep_examples=False)
        )
        report(title, docs, confide, presidio, compared=presidio_predict is not None)
        if keep:
            dev_score = confide
    for wanted, rows, title in (
        (args.misses, dev_score.misses, "dev missed"),
        (args.false_positives, dev_score.false_positives, "dev false positive"),
    ):
        for name, span, text in rows if wanted else []:
            if wanted in ("all", span.type):
                print(f"{title}: {name} {span.type} {text!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
