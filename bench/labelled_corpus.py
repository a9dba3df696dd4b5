"""The labelled detection corpus: charity-style documents with inline span labels.

Each document is a UTF-8 ``.txt`` file under ``bench/corpus/``. A labelled span is written
inline as ``[[TYPE|text]]``; the loader strips the markup and records ``(start, end, TYPE)``
offsets into the plain text. A file whose name contains ``_clean`` must carry no labels: it is
one of the documents with no personal data at all.

Run ``python bench/labelled_corpus.py`` to validate the corpus and print its counts.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "corpus"

LABEL_TYPES = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "UK_POSTCODE",
        "UK_NHS",
        "UK_NINO",
        "UK_BANK_ACCOUNT",
        "IBAN_CODE",
        "CREDIT_CARD",
        "UK_PASSPORT",
        "UK_DRIVING_LICENCE",
        "DATE_OF_BIRTH",
        "STREET_ADDRESS",
        "SPECIAL_CATEGORY",
        "SAFEGUARDING",
    }
)

_LABEL = re.compile(r"\[\[([A-Z_]+)\|(.+?)\]\]", re.DOTALL)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class LabelledDocument:
    name: str
    text: str
    spans: tuple[Span, ...]

    @property
    def is_clean(self) -> bool:
        return "_clean" in self.name


class CorpusError(ValueError):
    """A corpus file whose markup is wrong."""


def parse(name: str, marked: str) -> LabelledDocument:
    """Strip ``[[TYPE|text]]`` markup from one document and return its text and spans."""
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in _LABEL.finditer(marked):
        before = marked[pos : m.start()]
        out.append(before)
        length += len(before)
        label, inner = m.group(1), m.group(2)
        if label not in LABEL_TYPES:
            raise CorpusError(f"{name}: unknown label {label!r}")
        if "[[" in inner or "|" in inner:
            raise CorpusError(f"{name}: nested or malformed label near offset {m.start()}")
        spans.append(Span(length, length + len(inner), label))
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(marked[pos:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise CorpusError(f"{name}: unmatched [[ or ]] left after parsing")
    doc = LabelledDocument(name, text, tuple(spans))
    if doc.is_clean and spans:
        raise CorpusError(f"{name}: a _clean document must have no labels")
    return doc


def load_corpus(directory: Path = CORPUS_DIR) -> list[LabelledDocument]:
    """Every labelled document under ``directory``, sorted by path."""
    return [
        parse(str(path.relative_to(directory)), path.read_text(encoding="utf-8"))
        for path in sorted(directory.rglob("*.txt"))
    ]


def main() -> int:
    try:
        docs = load_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS_DIR)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = Counter(span.type for doc in docs for span in doc.spans)
    print(f"documents: {len(docs)} (clean: {sum(d.is_clean for d in docs)})")
    print(f"labelled spans: {sum(counts.values())}")
    for label, n in sorted(counts.items()):
        print(f"  {label:20} {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
