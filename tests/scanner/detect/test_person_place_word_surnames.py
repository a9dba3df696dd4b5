"""Names whose surname is a street's or a place's word ("Sam Green", "Ruth Street"), found
where the text means a person, and the streets and parks named so that stay places."""

import pytest

from tests.scanner.conftest import person_names


def _names(found, text):
    return person_names(found(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Spoke to Sam Green this morning about his rent arrears.", "Sam Green"),
        ("Priya Hill rang to say she can't make Tuesday.", "Priya Hill"),
        ("I met Tom Lane at the drop-in; he is sleeping rough again.", "Tom Lane"),
        ("Ruth Street came in with her son for the food parcel.", "Ruth Street"),
        ("Ruth Street's daughter rang about the lunch club.", "Ruth Street"),
        ("Priya Hill (volunteer) covered the front desk.", "Priya Hill"),
        ("Our volunteer Amy Park drove her to the hospital.", "Amy Park"),
        ("Referral for Ben Marsh, aged 34, housing support.", "Ben Marsh"),
        ("Can someone call Owen Moor back?", "Owen Moor"),
        ("Thanks, Nadia Grove", "Nadia Grove"),
        ("On 2 Dec 2026, at 16:12, Tom Lane <tom.lane@example.net> wrote:", "Tom Lane"),
        # the same name signing a quoted message, once the text has named her so
        ("Lucy Bridge said she can drive.\n> Lucy Bridge", "Lucy Bridge"),
    ],
)
def test_a_first_name_and_a_place_word_are_a_name_where_a_person_is_meant(found, text, name):
    """A known first name and a place word that is a surname are a name beside a person's
    words: calling, speaking, a pronoun, a person's noun, an age, a mail address."""
    assert name in _names(found, text), _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "The session is at Hope Street Community Centre.",
        "Meet at Grace Lane car park at 10; she will bring the flask.",
        "She lives on Rose Hill Lane.",
        "Turn left into Green Lane and then up to Hill Top.",
        "He lives at 3 Tom Lane.",
        "Flat 2, 14 Victoria Court, Leeds",
        "Amy Park Road is closed for works; he said to go round.",
        "Kate Hill Farm shop is open.",
        "We took her round Stanley Park and she loved it.",
        "Meet at the Victoria Park gates; she will be there.",
        "The ward is Albert Hall, 14 beds.",
        "Victoria Park is lovely in spring.",
        "Victoria Park was packed and he loved the bandstand.",  # a place's verb first
    ],
)
def test_streets_and_parks_named_like_people_stay_places(found, text):
    """A house number, a word of where or a determiner before, a capitalised word after,
    or nothing that says a person: the pair is a place."""
    assert not _names(found, text), _names(found, text)
