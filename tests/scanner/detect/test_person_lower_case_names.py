"""Lower-case names in text-message style that no list holds, found by how they read (the
model's vectors) and where they stand."""

import pytest

from tests.scanner.conftest import person_names


def _names(found, text):
    return person_names(found(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ta. frank says his physio moved his appt so he wont be in", "frank"),
        ("- dean asked us to send post to the hostel", "dean"),
        ("- visited ola at her mums, ok but no heating", "ola"),
        ("morning, dean here, yes ill drive on sat", "dean"),
        ("and the cousin mason d.o.b 12th june 2012", "mason"),
        ("jaydens dob is 03/03/15 and kaylas is 12/9/17", "jaydens"),
        ("jaydens dob is 03/03/15 and kaylas is 12/9/17", "kaylas"),
        ("- nothing else, phones quiet after 4.\n\nkat\n", "kat"),  # signing the note
        # named once so, the same word again in the text
        ("ola says shes bringing the flask\nme: can ola come at 10?", "ola"),
    ],
)
def test_a_lower_case_word_that_reads_as_a_name_is_one_where_a_person_stands(found, text, name):
    """A lower-case word like first names, rare or a known first name, before a verb of
    speaking, after calling, signing a text or before a date of birth's cue, is a name."""
    assert name in _names(found, text), _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "my nan says hi to everyone",
        "the dean said the course is full",
        "mum says thanks for the parcel",
        "to be frank about it the van is a mess",
        "the landlord says the boiler is fixed",
        "the school rang and the nurse said she was fine",
        "everyone said the lunch was lovely",
        "spoke to the council about the bins",
        "staff here are lovely",
        "see you all thursday\n\nthanks\n",
        "the van is back in the yard\n\nok",
    ],
)
def test_ordinary_words_where_a_name_may_stand_are_not_names(found, text):
    """Words unlike names by the model's vectors, or after a determiner or a possessive,
    are no names in lower-case text."""
    assert not _names(found, text), _names(found, text)
