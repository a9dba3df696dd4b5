"""Write the frozen detection test set into ``bench/corpus/test/``.

The test set is made by a different method from the dev corpus: the dev documents were
written by hand with their labels typed inline, while these are generated from templates,
name pools and identifier generators written for this purpose (``bench/testset/``), and each
label is recorded at the moment its value is written into the document. Generation is seeded
and deterministic. The files it wrote on the day it was frozen are committed and are the test
set; running it again must reproduce them byte for byte (``--check``).

    python bench/make_test_set.py [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.testset import styles_clean as clean
from bench.testset import styles_messages as messages
from bench.testset import styles_records as records
from bench.testset import styles_tables as tables
from bench.testset.doc import Doc
from bench.testset.names import ORIGINS

OUT_DIR = Path(__file__).parent / "corpus" / "test"
MANIFEST = "labels.jsonl"
SEED = "confide-detection-test-set-v1"

# (style, how many documents, generator); clean styles carry no personal data at all.
PLAN: tuple[tuple[str, int, Callable[[random.Random], Doc]], ...] = (
    ("forwarded_chain", 14, messages.forwarded_chain),
    ("text_messages", 12, messages.text_messages),
    ("handover_email", 8, messages.handover_email),
    ("minutes", 10, records.minutes),
    ("safeguarding_report", 10, records.safeguarding_report),
    ("referral_letter", 12, records.referral_letter),
    ("case_notes", 12, records.case_notes),
    ("volunteer_application", 8, records.volunteer_application),
    ("foodbank_voucher", 8, records.foodbank_voucher),
    ("rota", 10, tables.rota),
    ("gift_aid", 10, tables.gift_aid),
    ("payment_file", 10, tables.payment_file),
    ("dbs_log", 8, tables.dbs_log),
    ("spreadsheet", 14, tables.spreadsheet),
    ("signup_sheet", 6, tables.signup_sheet),
    ("donation_log", 5, tables.donation_log),
)
CLEAN_PLAN: tuple[tuple[str, int, Callable[[random.Random], Doc]], ...] = (
    ("newsletter", 6, clean.newsletter),
    ("job_advert", 6, clean.job_advert),
    ("event_notice", 5, clean.event_notice),
    ("helpline_card", 4, clean.helpline_card),
    ("policy_extract", 4, clean.policy_extract),
    ("it_notice", 4, clean.it_notice),
    ("supplier_invoice", 5, clean.supplier_invoice),
    ("funding_report", 5, clean.funding_report),
    ("room_booking", 4, clean.room_booking),
    ("training_schedule", 4, clean.training_schedule),
)


class LabelError(ValueError):
    """A generated document whose labels do not match its text."""


def check(name: str, doc: Doc, *, clean_doc: bool) -> None:
    text = doc.text
    last_end = -1
    for start, end, kind in sorted(doc.spans):
        if not 0 <= start < end <= len(text):
            raise LabelError(f"{name}: span {start}-{end} outside the text")
        if start < last_end:
            raise LabelError(f"{name}: overlapping spans at {start}")
        if text[start:end] != text[start:end].strip():
            raise LabelError(f"{name}: {kind} span {start}-{end} starts or ends with space")
        last_end = end
    if clean_doc and doc.spans:
        raise LabelError(f"{name}: a clean document has labels")
    if not clean_doc and not doc.spans:
        raise LabelError(f"{name}: a document meant to hold personal data has none")


def generate() -> list[tuple[str, Doc]]:
    docs = []
    for plan, is_clean in ((PLAN, False), (CLEAN_PLAN, True)):
        for style, count, make in plan:
            for i in range(1, count + 1):
                rng = random.Random(f"{SEED}:{style}:{i}")
                name = f"{style}/{i:03d}_{style}{'_clean' if is_clean else ''}.txt"
                doc = make(rng)
                check(name, doc, clean_doc=is_clean)
                docs.append((name, doc))
    return docs


def manifest_line(name: str, doc: Doc) -> str:
    text = doc.text
    record = {
        "doc": name,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "spans": [
            {"start": s, "end": e, "type": t, "text": text[s:e]} for s, e, t in sorted(doc.spans)
        ],
    }
    return json.dumps(record, ensure_ascii=False)


def origins_used(names: Iterable[str]) -> Counter[str]:
    """How many of ``names`` (labelled PERSON texts) hold a surname of each origin."""
    counts: Counter[str] = Counter()
    for name in names:
        words = set(name.replace(",", " ").split())
        for origin in ORIGINS:
            surnames = (*origin.surnames, *origin.female_surnames)
            if any(set(s.split()) <= words or s.upper() in name for s in surnames):
                counts[origin.key] += 1
                break
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the files on disk")
    args = parser.parse_args()
    docs = generate()
    lines = "".join(manifest_line(n, d) + "\n" for n, d in docs)
    if args.check:
        same = (OUT_DIR / MANIFEST).read_text(encoding="utf-8") == lines and all(
            (OUT_DIR / n).read_text(encoding="utf-8") == d.text for n, d in docs
        )
        print("test set matches its generator" if same else "test set DIFFERS from generator")
        return 0 if same else 1
    for name, doc in docs:
        path = OUT_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.text, encoding="utf-8")
    (OUT_DIR / MANIFEST).write_text(lines, encoding="utf-8")
    types = Counter(t for _, d in docs for _, _, t in d.spans)
    n_clean = sum(not d.spans for _, d in docs)
    print(f"documents: {len(docs)} (clean: {n_clean}), styles: {len(PLAN) + len(CLEAN_PLAN)}")
    print(f"labelled spans: {sum(types.values())}")
    for kind, n in sorted(types.items()):
        print(f"  {kind:20} {n}")
    origins = origins_used(d.text[s:e] for _, d in docs for s, e, t in d.spans if t == "PERSON")
    print(f"name origins: {len(origins)}")
    for key, n in origins.most_common():
        print(f"  {key:20} {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
