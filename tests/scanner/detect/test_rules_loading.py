"""Rules files are checked as they load, with the file, line and what to do."""

import shutil
from pathlib import Path

import pytest

from scanner.detect import recognizers_file
from scanner.detect.recognizers_file import load_recognizers
from scanner.rules_file import DEFAULT_RECOGNIZERS, RulesError


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    shutil.copytree(DEFAULT_RECOGNIZERS.parent, tmp_path / "rules")
    return tmp_path / "rules"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_shipped_rules_load():
    """The rules shipped in rules/ load without error and configure every UK identifier."""
    entities = {p.entity for p in load_recognizers().patterns}
    assert {"UK_NHS", "UK_NINO", "UK_POSTCODE", "UK_BANK_ACCOUNT", "DATE_OF_BIRTH"} <= entities


def test_each_rules_file_is_read_once(monkeypatch):
    """The about-someone evidence that two term lists name is read and checked once."""
    read: list[str] = []
    load_yaml = recognizers_file.load_yaml

    def counted(path: Path) -> object:
        read.append(path.name)
        return load_yaml(path)

    monkeypatch.setattr(recognizers_file, "load_yaml", counted)
    settings = load_recognizers()
    assert read.count("about_someone.yaml") == 1
    assert len(read) == len(set(read))
    readings = [terms.reading for terms in settings.term_lists if terms.reading.person_words]
    assert len(readings) == 2


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("validator: nhs_mod11", "validator: nhs_mod12", "unknown validator 'nhs_mod12'"),
        ("score_threshold: 0.5", "score_threshold: 5", "'score_threshold' must be between 0"),
        ("  - CreditCardRecognizer", "  - UsSsnRecognizer", "unknown builtin recognizer"),
        ("    context_before: 40\n", "    context_befor: 40\n", "unknown setting 'context_befor'"),
        ("chunk_overlap_chars: 1000", "chunk_overlap_chars: 90000", "less than half"),
    ],
)
def test_mistakes_are_reported_with_file_and_line(rules_dir, old, new, message):
    """Each mistake names the file and the line of the setting, and what is expected."""
    path = rules_dir / "recognizers.yaml"
    _edit(path, old, new)
    with pytest.raises(RulesError) as error:
        load_recognizers(path)
    assert message in str(error.value)
    assert str(error.value).startswith(f"{path}:")
    line = int(str(error.value).split(":")[1])
    assert line > 1


def test_invalid_regex_is_reported(rules_dir):
    """A pattern that is not a valid regex is named in the error."""
    path = rules_dir / "recognizers.yaml"
    _edit(path, r"'\b[A-Z][ .-]?[A-Z]", r"'\b[A-Z][ .-]?([A-Z]")
    with pytest.raises(RulesError, match="not a valid regex"):
        load_recognizers(path)


def test_missing_term_list_is_reported(rules_dir):
    """A term list that does not exist is reported with its path."""
    (rules_dir / "terms" / "safeguarding.yaml").unlink()
    with pytest.raises(RulesError, match=r"safeguarding\.yaml: cannot read"):
        load_recognizers(rules_dir / "recognizers.yaml")


def test_term_with_other_white_space_is_reported(rules_dir):
    """A term holding a non-breaking space is refused: a space in a term already matches any
    white space, and the term pattern relies on terms holding no other."""
    path = rules_dir / "terms" / "safeguarding.yaml"
    _edit(path, '"physical abuse"', '"physical\u00a0abuse"')
    with pytest.raises(RulesError, match="separate its words with spaces") as error:
        load_recognizers(rules_dir / "recognizers.yaml")
    assert str(error.value).startswith(f"{path}:")


@pytest.mark.parametrize("term", ['"physical abuse "', '" physical abuse"', '"physical  abuse"'])
def test_term_with_a_stray_space_is_reported(rules_dir, term):
    """A term with a space at either end or two spaces in a row is refused: one space already
    matches any run of white space, and the term index reads a run as one space."""
    path = rules_dir / "terms" / "safeguarding.yaml"
    _edit(path, '"physical abuse"', term)
    with pytest.raises(RulesError, match="separate its words with one space") as error:
        load_recognizers(rules_dir / "recognizers.yaml")
    assert str(error.value).startswith(f"{path}:")


def test_a_term_list_may_not_find_what_a_pattern_finds(rules_dir):
    """A term list's finds overlap others freely, so a list that found UK_NHS would keep
    numbers the NHS pattern had dropped inside a longer identifier: it is refused."""
    path = rules_dir / "terms" / "safeguarding.yaml"
    _edit(path, "entity: SAFEGUARDING", "entity: UK_NHS")
    with pytest.raises(RulesError, match="'entity' UK_NHS is what pattern 'uk_nhs") as error:
        load_recognizers(rules_dir / "recognizers.yaml")
    assert str(error.value).startswith(f"{path}:")


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        (
            "about_someone.yaml",
            "role_words: [\n  partner,",
            "role_words: [\n  colleague,",
            "'role_words': 'colleague' is not in person_words",
        ),
        (
            "safeguarding.yaml",
            "also_words: [DASH]",
            "also_words: [DASH, SPRINT]",
            "'also_words': 'SPRINT' is in none of the groups",
        ),
    ],
)
def test_term_reading_words_must_be_listed(rules_dir, path, old, new, message):
    """A role word must be a person word too, and a word that is also an acronym a term of
    the list: otherwise it would mean nothing, silently."""
    _edit(rules_dir / "terms" / path, old, new)
    with pytest.raises(RulesError, match=message):
        load_recognizers(rules_dir / "recognizers.yaml")
