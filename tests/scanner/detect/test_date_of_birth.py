"""Dates of birth: a date beside birth context, never every date."""

import pytest

from scanner.normalise import normalise
from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("DOB: 03/04/1958", "03/04/1958"),
        ("She was born 12 March 1961 in Lagos.", "12 March 1961"),
        ("d.o.b 1961-03-12", "1961-03-12"),
        ("Date of birth: 4th May 1979", "4th May 1979"),
        ("Name | DOB\nAda | 14.02.1950\n", "14.02.1950"),
        ("born on March 3, 1944", "March 3, 1944"),
        ("DOB: 12-Mar-1985", "12-Mar-1985"),
        ("d.o.b. 3 Mar 85", "3 Mar 85"),
        ("DOB 03 03 1985", "03 03 1985"),
        ("D/O/B 1985/03/12", "1985/03/12"),
        ("Date of birth ........................ 14/07/1962", "14/07/1962"),
        ("Date of birth of the cared-for person (if known): 14/07/1962", "14/07/1962"),
        ("Name\tAda Obi\nDate of birth\t14.02.1950\n", "14.02.1950"),
        ("Name | Ada Obi\nDOB | 14-Feb-1950\n", "14-Feb-1950"),
        ("Name,DOB,Postcode\nAda Obi,14-Feb-1950,LS8 4EX\n", "14-Feb-1950"),
        ("Client       DOB           Seen\nAda Obi      14/02/1950    12/05/2024\n", "14/02/1950"),
    ],
)
def test_dates_of_birth_are_found(found, text, value):
    """A date next to DOB, born or date of birth, or under a DOB column, is found."""
    assert ("DATE_OF_BIRTH", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "The meeting is on 12/05/2024.",
        "DOB: 03/04/1958. The review is on 12/05/2024.",
        "See you today, back in a moment.",
        "Letter dated 4th May 2023.",
        "Appointment tomorrow at 10:30.",
        "Client       Referred      Seen\nAda Obi      12/05/2024    13/05/2024\n",
        "Date of referral\t12/05/2024\nDate seen\t13/05/2024\n",
        "Meeting on 12-May-2024, then 03 06 2024.",
    ],
)
def test_other_dates_are_not_dates_of_birth(found, text):
    """Meetings, letters, "today" and "a moment" are not dates of birth or any date finding."""
    findings = found(text)
    assert ("DATE_OF_BIRTH", "12/05/2024") not in findings
    assert "DATE_TIME" not in types_of(findings)
    if "DOB" not in text:
        assert "DATE_OF_BIRTH" not in types_of(findings)


def test_a_date_under_a_dob_column_laid_out_with_spaces_is_found_after_normalising(found):
    """A pasted report's columns survive normalisation as cells, so its DOB header counts."""
    text = normalise("Client       DOB           Seen\nAda Obi      14/02/1950    12/05/2024\n", "")
    found_here = found(text.text)
    assert ("DATE_OF_BIRTH", "14/02/1950") in found_here
    assert ("DATE_OF_BIRTH", "12/05/2024") not in found_here
