"""Names after a form's labels where several fields share a line, and under a label on the
line above."""

import pytest

from tests.scanner.conftest import person_names


def _names(found, text):
    return person_names(found(text))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a line of fields typed with runs of spaces, as normalising leaves it: one space
        ("Title: Mrs First name: Eirlys Surname: Pritchard", {"Eirlys", "Pritchard"}),
        # two such lines: normalising makes the runs tabs, a table's
        (
            "Title: Mr\tFirst name: Adebayo\tSurname: Ogunleye\n"
            "Home address: 28 Beech Grove\tPostcode: LS6 3AG",
            {"Adebayo", "Ogunleye"},
        ),
        ("First name\nBrenda\nLast name\nHolroyd\nPhone\n07700 900734", {"Brenda", "Holroyd"}),
        ("Surname\n\nNowicka\n\nForename\n\nZofia", {"Nowicka", "Zofia"}),
        ("Name: Zainab Hussain Preferred name: Zee", {"Zainab Hussain", "Zee"}),
        ("Child 1: Mason Price, male, Year 5", {"Mason Price"}),  # a numbered label
    ],
)
def test_each_field_of_a_line_of_fields_and_a_value_under_its_label_is_found(found, text, names):
    """Every name field of a line of several fields is read, and a name on the line under a
    name field's label; a label after a name is no part of it."""
    assert _names(found, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "First name\nLast name\nDate of birth\nPhone",  # a blank form's labels
        "Name\n__________________\nSigned\n__________________",
        "Contact\nCall the office on 0113 496 0000 for help.",
        "Children\nYoung Carers Group meets on Tuesdays.",
        "Date: 3 May Client: to be confirmed Worker: tbc",
        "Child 2: none\nRoom 4: Sunflower Room",
    ],
)
def test_labels_with_no_name_under_or_after_them_give_none(found, text):
    """Labels over other labels, blanks, headings over paragraphs and an organisation's
    fields give no names."""
    assert not _names(found, text), _names(found, text)
