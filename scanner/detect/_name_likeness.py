"""How much like a person's name a word is, by the spaCy model's word vectors.

The model's vectors put names near each other: surnames of many origins share a few rows of
its pruned table ("Smith", "Begum", "Chowdhury" sit about 0.6 from the mean of the first
names' vectors, "Patel" and "Khan" 0.35), while ordinary words sit far from them ("Toddler"
0.1, "Vestry" 0.2, "Outcome" -0.1). A span that only the NER model calls a person, made of
nothing but such ordinary words, with no first name or title among them, is a capitalised
common noun: a heading's word, a product, a dish. Surnames that are ordinary words ("Green",
"Price") fall with them there; they stay names after a title or an initial, in a name column
or after a label, and where the text gives the full name once.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from spacy.vocab import Vocab


class NameLikeness:
    """The cosine of a word's vector with the mean vector of the known first names the
    model has vectors for; worked out once per vocabulary (one model per process)."""

    def __init__(self, first_names: Iterable[str]) -> None:
        self._first_names = tuple(sorted(first_names))
        self._vocab: Vocab | None = None
        self._centre: np.ndarray | None = None

    def __call__(self, word: str, vocab: Vocab) -> float | None:
        """The likeness of ``word`` (as written), or None when the model has no vector for it."""
        if not vocab.has_vector(word):
            return None
        centre = self._centre_of(vocab)
        if centre is None:
            return None
        vector = np.asarray(vocab.get_vector(word), dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        return float(vector @ centre) / norm if norm else None

    def _centre_of(self, vocab: Vocab) -> np.ndarray | None:
        if vocab is not self._vocab:
            self._vocab = vocab
            vectors = [
                np.asarray(vocab.get_vector(name.capitalize()), dtype=np.float32)
                for name in self._first_names
                if vocab.has_vector(name.capitalize())
            ]
            if vectors:
                centre = np.mean(vectors, axis=0)
                self._centre = centre / np.linalg.norm(centre)
            else:
                self._centre = None
        return self._centre
