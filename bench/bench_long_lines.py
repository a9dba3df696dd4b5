"""Detection time on one very long line of address-like text or of terms, which must stay linear.

Run from the repository root::

    .venv/bin/python bench/bench_long_lines.py [--chars N]

Each shape is one line of ``--chars`` characters (112,000 by default) made by repeating a short
piece: addresses with commas, flats in named buildings, lower case, postcodes, tab-separated
cells, quoted reply lines, CSV rows (quotes closed, never closed, doubled), bullet points; and
the term lists' own terms (rules/terms), alone and with the words that grow a finding before and
after it. For each it prints the seconds the street-address recognizer (for a line of terms,
the term-list recognizers) takes alone and the seconds the whole detector takes. A match used
to look back over its whole line for a flat or building before it, so such a line took about
100 s; the detector asked each match's line for its table separator, splitting the whole line
each time. Both are now bounded; a shape is marked SLOW when the recognizer alone takes more
than ``RECOGNIZER_BOUND_S`` (the spaCy model's own time on 112k characters is a few seconds).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    from scanner.detect.recognizers_file import RecognizerSettings

RECOGNIZER_BOUND_S = 3.0

SHAPES = {
    "addresses with commas": "14 Acacia Avenue, Leeds, ",
    "capitalised words": "Brunel House Cable Street ",
    "flats in buildings": "Flat 22, Brunel House, ",
    "lower case": "flat 2, 9 birchfields rd, manchester, ",
    "postcodes": "12 Mill Lane Leeds LS8 4EX ",
    "tab cells": "Address\t12 Mill Lane, Leeds\t",
    "quoted lines": "14 Mill Lane,\n> Leeds ",
    "after 'lives at'": "lives at 12 Abc Def, ",
    "CSV rows": 'Ada Obi,"Flat 3, The Maltings, Leeds",LS8 4EX,',
    "unclosed CSV quotes": 'Ada Obi,"Flat 3, The Maltings ',
    "doubled CSV quotes": '"SMITH, JOHN ""JJ""",20-00-00,',
    "bullets with commas": "- visited Mrs Okafor, her son, and the GP ",
    "house names before streets": "Braeside, Station Road, Megan Rowlands, Church Lane, ",
    "places after a name": "Noreen Hamill, Tamnamore, Moy, Dungannon BT71 6HS, ",
    "quoted CSV cells": '"4 Birch Close","Headingley","Leeds",',
    "flats by floor": "Top Flat Left, 2F1, 9 Rose St., Co. Tyrone, ",
}


def term_shapes(settings: RecognizerSettings) -> dict[str, str]:
    """Pieces made of the term lists themselves (rules/terms): every term of a list in turn,
    and, for each list, a term followed by each word that may grow a finding after it
    ("disease", "stage 3") repeated, and before it ("severe", "type 2"), so that every
    finding of the line may grow over the rest of it."""
    shapes = {}
    for terms in settings.term_lists:
        name = terms.entity.lower()
        words = [w for _, group in terms.groups for w in group]
        reading = terms.reading
        shapes[f"{name} terms"] = ", ".join(words) + ", "
        shapes[f"{name} words after"] = " ".join([words[0], *reading.words_after]) + " "
        shapes[f"{name} words before"] = " ".join([*reading.words_before, words[0]]) + " "
        listed = {w.casefold() for w in words}
        grown = [a for a in reading.words_after if a.casefold() in listed]
        if grown:  # terms that also grow a finding: each finding could reach the line's end
            shapes[f"{name} terms after terms"] = " ".join([words[0], *grown]) + " "
    return shapes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=112_000)
    args = parser.parse_args()

    from presidio_analyzer import EntityRecognizer

    from scanner.detect._address import StreetAddressRecognizer
    from scanner.detect._terms import TermListRecognizer
    from scanner.detect.detector import Detector
    from scanner.detect.recognizers_file import load_recognizers

    settings = load_recognizers()
    detector = Detector(settings)
    recognizers = detector._analyzer.registry.recognizers
    address: list[EntityRecognizer] = [
        r for r in recognizers if isinstance(r, StreetAddressRecognizer)
    ]
    terms: list[EntityRecognizer] = [r for r in recognizers if isinstance(r, TermListRecognizer)]
    detector.find("warm up: Ada Obi, 14 Mill Lane, Leeds")
    print(f"{'shape':32s} {'recognizer s':>12s} {'detector s':>11s}")
    slow = 0
    shapes = {
        **{name: (piece, address) for name, piece in SHAPES.items()},
        **{name: (piece, terms) for name, piece in term_shapes(settings).items()},
    }
    for name, (piece, alone_recognizers) in shapes.items():
        text = (piece * (args.chars // len(piece) + 1))[: args.chars]
        began = time.perf_counter()
        for recognizer in alone_recognizers:
            recognizer.analyze(text, recognizer.supported_entities, None)  # type: ignore[arg-type]
        alone = time.perf_counter() - began
        began = time.perf_counter()
        detector.find(text)
        whole = time.perf_counter() - began
        mark = "SLOW" if alone > RECOGNIZER_BOUND_S else "ok"
        slow += mark == "SLOW"
        print(f"{name:32s} {alone:12.2f} {whole:11.2f}  {mark}")
    print(f"{slow} shape(s) over {RECOGNIZER_BOUND_S} s in the recognizer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
