"""The sentence around a span: text in, the sentence holding the marked word out."""

from __future__ import annotations

import pytest

from scanner.sentences import sentence_around

TABLE = [
    ("First one. Hodan has [dementia] now. Next one.", "Hodan has dementia now."),
    # mail is wrapped mid-sentence: a line break alone does not end one
    (
        "She was diagnosed with\n[depression] last year. Then",
        "She was diagnosed with\ndepression last year.",
    ),
    # titles and abbreviations keep their full stops
    ("Mrs. Begum has [asthma], e.g. at night. Next.", "Mrs. Begum has asthma, e.g. at night."),
    # a blank line ends a paragraph, and with it a sentence
    ("Dear Dr Ahmed,\n\nAmina has [dementia]\n\nKind regards", "Amina has dementia"),
    ("Is it [HIV]? Yes.", "Is it HIV?"),
]


@pytest.mark.parametrize(("marked", "sentence"), TABLE)
def test_sentence_around(marked, sentence):
    start = marked.index("[")
    end = marked.index("]") - 1
    text = marked.replace("[", "").replace("]", "")
    first, last = sentence_around(text, start, end)
    assert text[first:last] == sentence


def test_a_sentence_without_an_end_is_cut_at_the_reach():
    """A table row or a list with no full stop is read at most ``reach`` either side."""
    text = "word " * 200 + "dementia" + " word" * 200
    start = text.index("dementia")
    first, last = sentence_around(text, start, start + 8, reach=50)
    assert (first, last) == (start - 50, start + 58)
