"""Person names from NER, including lower-case names and names from many cultures."""

import pytest

from tests.scanner.conftest import types_of


def _names(found, text):
    return {value for entity, value in found(text) if entity == "PERSON"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Please call Amina Okafor about the referral.", "Amina Okafor"),
        ("Mrs Patel rang this morning.", "Patel"),
        ("I spoke to Nkechi Adaeze-Okonkwo yesterday.", "Nkechi Adaeze-Okonkwo"),
        ("Thanks, Siobhan", "Siobhan"),
        ("hi sarah, can you ring john mensah back", "sarah"),
        ("hi sarah, can you ring john mensah back", "john mensah"),
        ("Referral for Nguyen Van Minh from the GP.", "Nguyen Van Minh"),
    ],
)
def test_names_are_found(found, text, name):
    """Full names, titled surnames, hyphenated names and lower-case names are found."""
    assert any(name in value or value in name for value in _names(found, text)), _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-01 12:00:03 ERROR worker=kX9 Thread-12 user_id=88 failed",
        "Build 4f3a9c2e1b passed; artefact id 77AB-99CD-1234",
        "ref: 0xDEADBEEF / session 9c1e22 / Job #4471",
        "INFO [main] Connected to db01 in 12ms",
        "Dear Sir or Madam, thanks for your letter.",
    ],
)
def test_codes_and_log_lines_are_not_names(found, text):
    """Ids, hex strings and log fields are never taken as names (Presidio's default does)."""
    assert "PERSON" not in types_of(found(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi, forwarding Kofi's ID details for the DBS.", "Kofi"),
        ("Discussed with Grace after the meeting.", "Grace"),
        ("Precious Nwosu will cover the Tuesday group.", "Precious Nwosu"),
        ("[19/11/2024, 09:14] Grace M: at the hospital till lunch", "Grace M"),
        ("The grant went to Blessing Chukwu in March.", "Blessing Chukwu"),
    ],
)
def test_first_names_that_are_words_are_found_where_they_stand_as_names(found, text, name):
    """A name that is also a word counts with a surname or mid-sentence; a possessive ends it."""
    assert name in _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "Hope you are well after the weekend.",
        "By the grace of God the roof held.",
        "SUMMER FAIR on the green, all welcome",
        "Joy all round at the coffee morning.",
    ],
)
def test_words_that_are_first_names_are_not_names_at_a_sentence_start(found, text):
    """'Hope', 'Joy' at the start of a sentence and words in capitals are not names."""
    assert "PERSON" not in types_of(found(text)), found(text)
