"""Capitalised names the model does not tag: two rare words together, a rare word after a word
of calling, a name before "from the" and a workplace."""

import pytest

from tests.scanner.conftest import person_names


def _names(found, text):
    return person_names(found(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The sign-up for Adaobi Nwankwo is booked for Tuesday at 11am.", "Adaobi Nwankwo"),
        ("Also spoke to Gebremedhin at the council about the blue badge.", "Gebremedhin"),
        ("14/11 Okafor from the OT team rang to say the bath lift is approved.", "Okafor"),
        ("Kate Dale from the housing team will ring back.", "Kate Dale"),
        ("Grace from the school (Learning Mentor) was informed.", "Grace"),
    ],
)
def test_names_the_model_misses_are_found_by_how_they_read_and_where_they_stand(found, text, name):
    """Rare words in a pair, after calling, or a name before a workplace are names."""
    assert name in _names(found, text), _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "Prosiect Cymunedau Cryf - Quarterly Update",  # a third capitalised word: a title
        "Thursday mornings, and the Comann Eachdraidh is open again.",  # after "the"
        "Address: 17 Ladywood Middleway, Birmingham",  # after a house number: a street
        "Leaflets from the council arrived on Monday.",
        "Volunteers from the Leeds team came to help.",
        "Donations from the Rotary Club paid for it.",
        "Quizzly Bears from the Red Lion team won the cup.",  # a team's plural
        "We visited Ynyslas Dunes and the beach.",  # places are visited; a place's word after
    ],
)
def test_rare_words_of_titles_streets_and_ordinary_words_before_a_workplace_are_not_names(
    found, text
):
    """A pair inside a longer name, after a determiner or a number, and ordinary words before
    "from the" give no names."""
    assert not _names(found, text), _names(found, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Quang cares for his mother Le Thi Mai (DOB 1950-08-19).", "Le Thi Mai"),
        ("Meeting on Thu Amina rang about the rota.", "Amina"),  # "Thu", a day, is left
        ("Do Amina and Chidi need lifts?", "Amina"),  # "Do", a word, is left
    ],
)
def test_vietnamese_family_and_middle_names_join_the_given_name_found(found, text, name):
    """A Vietnamese family or middle name just before a name found opens it; a day's or an
    ordinary word does not."""
    assert name in _names(found, text), _names(found, text)
