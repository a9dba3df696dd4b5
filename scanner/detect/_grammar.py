"""Whom a sentence says a diagnosis is about, read from the model's dependency parse.

"Margaret Hughes, Gareth Hughes's mother, has dementia": the dementia is Margaret's, though
Gareth is named nearer to it. The owner is the possessor of the term ("Amina's depression"),
else the subject of the clause the term sits in ("Hodan was diagnosed with dementia"), or for
"who has dementia" the person the clause describes. From the owner's phrase go possessors
("Gareth Hughes's" in "Gareth Hughes's mother Margaret") and clauses and prepositions inside
it, which name other people. Only the parser and its token-to-vector layer run, on one
sentence at a time, and only where that sentence names two people or more; a model without
a parser gives no owners, and attribution falls back to the nearest person named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Token

# Components that parse: the parser and the token-to-vector layer it listens to.
PARSING = ("tok2vec", "parser")
_SUBJECT = frozenset({"nsubj", "nsubjpass"})
# Parts of an owner's phrase that name someone else: possessors, clauses, prepositions.
_NOT_THE_OWNER = frozenset({"poss", "relcl", "acl", "advcl", "ccomp", "prep", "punct"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})
# Relations that keep a word inside its clause's argument ("has dementia", "diagnosed with
# dementia", "a dementia diagnosis", "asthma and dementia"): the walk up to the clause's
# subject goes only through these, so a word loosely attached ("...; dementia.") has no owner.
_ARGUMENT = frozenset(
    {
        "dobj",
        "pobj",
        "prep",
        "attr",
        "acomp",
        "compound",
        "amod",
        "nmod",
        "conj",
        "xcomp",
        "oprd",
        "dative",
        "pcomp",
        "agent",
    }
)


class OwnerReader:
    """Reads sentences with a loaded model's parser (``available`` says whether it has one)."""

    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp
        self.available = all(name in nlp.component_names for name in PARSING)

    def owners(
        self, sentence: str, terms: Sequence[tuple[object, int, int]]
    ) -> list[list[tuple[int, int]]]:
        """For each term (anything, start, end) of ``sentence``, the spans of the sentence
        naming whom it is about, or none where the grammar does not say. One parse each."""
        return [spans for spans, _ in self.read(sentence, terms)]

    def read(
        self, sentence: str, terms: Sequence[tuple[object, int, int]]
    ) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
        """As ``owners``, each with the spans of the words the dependency path from the term
        passed through to reach its owner."""
        if not self.available:
            return [([], []) for _ in terms]
        doc = self._nlp.make_doc(sentence)
        for name in PARSING:
            doc = self._nlp.get_pipe(name)(doc)
        found: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]] = []
        for _, start, end in terms:
            words = [t for t in doc if t.idx < end and start < t.idx + len(t)]
            inside = {t.i for t in words}
            # (by index: spaCy makes a new Token each time one is asked for, so a root's
            # head is its equal but not itself; a finding that starts with its clause's verb,
            # "has dementia", is headed by that root)
            heads = [t for t in words if t.head.i not in inside or t.head.i == t.i]
            owner, path = _owner(heads[0]) if heads else (None, [])
            if owner is None:
                found.append(([], []))
            else:
                found.append((_spans(_phrase(owner)), [(t.idx, t.idx + len(t)) for t in path]))
        return found


def _owner(term: Token) -> tuple[Token | None, list[Token]]:
    """The token heading the phrase the term is about, walking up from the term, and the
    tokens walked through (the term aside)."""
    token = term
    path: list[Token] = []
    for _ in range(len(term.doc)):
        if token is not term:
            path.append(token)
        possessors = [c for c in token.children if c.dep_ == "poss"]
        if possessors:
            return possessors[0], path
        subjects = [c for c in token.children if c.dep_ in _SUBJECT]
        if subjects:
            subject = subjects[0]
            if term in subject.subtree:  # "dementia affects ...": the term is the subject
                return None, []
            if subject.lower_ in _RELATIVE and token.dep_ == "relcl":
                return token.head, path
            return subject, path
        if token.head is token or token.dep_ not in _ARGUMENT:
            return None, []
        token = token.head
    return None, []


def _phrase(owner: Token) -> list[Token]:
    """The owner's phrase without the parts that name someone else."""
    kept = []
    stack = [owner]
    while stack:
        token = stack.pop()
        kept.append(token)
        stack.extend(c for c in token.children if c.dep_ not in _NOT_THE_OWNER)
    return sorted(kept, key=lambda t: t.i)


def _spans(tokens: Iterable[Token]) -> list[tuple[int, int]]:
    """Runs of consecutive tokens as character spans of the sentence."""
    spans: list[tuple[int, int]] = []
    last = -2
    for token in tokens:
        if token.i == last + 1 and spans:
            spans[-1] = (spans[-1][0], token.idx + len(token))
        else:
            spans.append((token.idx, token.idx + len(token)))
        last = token.i
    return spans
