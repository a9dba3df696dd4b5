"""A long-running detector's memory stays flat: the words it reads are not kept for good."""

from __future__ import annotations

import itertools
import string

import pytest

from scanner.detect import detector as detector_module
from scanner.detect._nlp import load_model
from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers

# The allowance the test gives its detector: a tenth of the product's, the same mechanism
# with a tenth of the text to read (the product's took half a minute of the model's time).
ALLOWANCE = 20_000


def _invented_words(count: int, seed: str) -> str:
    """Words no model has seen, such as a stream of reference codes: seven characters each
    with the space."""
    letters = itertools.product(string.ascii_lowercase, repeat=4)
    return " ".join(f"{seed}{''.join(next(letters))}" for _ in range(count))


def test_new_words_are_forgotten_after_the_learning_allowance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once a detector has learnt its allowance of everyday words, the new words of every
    later item are gone from the model's vocabulary when the item is done."""
    monkeypatch.setattr(detector_module, "_LEARNED_CHARS", ALLOWANCE)
    rules = load_recognizers()
    detector = Detector(rules)
    strings = load_model(rules.nlp.model).vocab.strings
    learnt_before = len(strings)
    detector.find(_invented_words(ALLOWANCE * 4 // 5 // 7, "qx"))  # 4/5 of the allowance
    assert len(strings) > learnt_before  # the allowance was learnt
    before = len(strings)
    for seed in ("zv", "wq", "jx"):  # each item more than what is left of the allowance
        detector.find(_invented_words(ALLOWANCE // 2 // 7, seed))
        assert len(strings) == before
