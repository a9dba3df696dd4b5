"""How the spaCy model is loaded: the NER component alone runs (the parser is loaded for the
few sentences whose grammar attribution needs), its matrix products on numpy's OpenBLAS
(thinc's BLIS is about three times slower here), on one BLAS thread per process, without the
vocabulary's table of strings."""

import pytest
import threadpoolctl
from thinc.api import NumpyOps

from scanner.detect._nlp import load_model
from scanner.detect.recognizers_file import load_recognizers


def test_only_the_named_entity_recogniser_is_kept():
    nlp = load_model(load_recognizers().nlp.model)
    assert nlp.pipe_names == ["ner"]


def test_the_parser_is_loaded_but_does_not_run():
    """Reading names does not pay for the parse; it is there to be called by name."""
    nlp = load_model(load_recognizers().nlp.model)
    assert nlp.disabled == ["tok2vec", "parser"]


@pytest.mark.parametrize("component", ["ner", "tok2vec", "parser"])
def test_every_layer_multiplies_matrices_with_numpy_not_blis(component):
    nlp = load_model(load_recognizers().nlp.model)
    layers = list(nlp.get_pipe(component).model.walk())
    assert len(layers) > 5
    assert all(isinstance(layer.ops, NumpyOps) and not layer.ops.use_blis for layer in layers)


def test_blas_runs_on_one_thread_once_the_model_is_loaded():
    load_model(load_recognizers().nlp.model)
    blas = threadpoolctl.threadpool_info()
    assert blas, "numpy's BLAS is not visible to threadpoolctl"
    assert all(library["num_threads"] == 1 for library in blas if library["user_api"] == "blas")


def test_the_vocabulary_string_table_is_not_read_from_disk():
    """The model's 709,000 strings, which only turn hashes back into words, are not loaded
    (over half the model's load time): "kaleidoscope", one of them, is unknown until read."""
    nlp = load_model(load_recognizers().nlp.model)
    assert "kaleidoscope" not in nlp.vocab.strings
    assert len(nlp.vocab.strings) < 100_000


def test_names_and_the_parse_read_as_text_without_the_string_table():
    """The components bring their own labels: the model's people and the parser's relations
    still read as words."""
    nlp = load_model(load_recognizers().nlp.model)
    doc = nlp("Please ring Sarah Jones about the referral.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Sarah Jones", "PERSON")]
    parsed = nlp.make_doc("Hodan has dementia.")
    for name in ("tok2vec", "parser"):  # as the grammar reader runs them
        parsed = nlp.get_pipe(name)(parsed)
    assert [t.dep_ for t in parsed] == ["nsubj", "ROOT", "dobj", "punct"]
