"""The known-subject matcher: register values found in text however they are written."""

from __future__ import annotations

from datetime import date

import pytest

from scanner.consent import KnownSubject
from scanner.detect.known_subjects import PARTIAL, STRONG, TITLED, SubjectMatcher

MATCHER = SubjectMatcher.from_subjects(
    [
        KnownSubject(
            "C-1",
            "carer",
            ("Siobhán O'Neill", "Mrs Shiv O'Neill-Byrne"),
            emails=("siobhan.oneill@example.com",),
            phones=("07700 900123", "0113 496 0000"),
            dob=date(1961, 3, 4),
            nhs_number="945 807 3022",
            ni_number="QQ123456C",
            postcode="LS9 6AB",
            address="14 Mill Lane, Leeds",
        ),
        KnownSubject("C-2", "carer", ("John Smith",)),
        KnownSubject("C-3", "carer", ("John Smith",)),
    ]
)


@pytest.mark.parametrize(
    ("text", "value", "kind", "refs", "strength"),
    [
        ("Spoke to siobhan oneill today", "siobhan oneill", "PERSON", {"C-1"}, STRONG),
        ("Spoke to SIOBHÁN O'NEILL's son", "SIOBHÁN O'NEILL", "PERSON", {"C-1"}, STRONG),
        ("Shiv O'Neill-Byrne rang", "Shiv O'Neill-Byrne", "PERSON", {"C-1"}, STRONG),
        ("Mrs O'Neill rang", "Mrs O'Neill", "PERSON", {"C-1"}, TITLED),
        ("Siobhan rang", "Siobhan", "PERSON", {"C-1"}, PARTIAL),
        (
            "mail Siobhan.ONeill@Example.com",
            "Siobhan.ONeill@Example.com",
            "EMAIL_ADDRESS",
            {"C-1"},
            STRONG,
        ),
        ("tel +44 (0)7700-900 123 ok", "+44 (0)7700-900 123", "PHONE_NUMBER", {"C-1"}, STRONG),
        ("tel 0113 4960000", "0113 4960000", "PHONE_NUMBER", {"C-1"}, STRONG),
        ("NHS 9458073022.", "9458073022", "UK_NHS", {"C-1"}, STRONG),
        ("NHS 945-807-3022", "945-807-3022", "UK_NHS", {"C-1"}, STRONG),
        ("NI qq 12 34 56 c", "qq 12 34 56 c", "UK_NINO", {"C-1"}, STRONG),
        ("NI QQ-12-34-56-C", "QQ-12-34-56-C", "UK_NINO", {"C-1"}, STRONG),
        ("NI QQ 123 456 C", "QQ 123 456 C", "UK_NINO", {"C-1"}, STRONG),
        ("NI QQ.12.34.56.C", "QQ.12.34.56.C", "UK_NINO", {"C-1"}, STRONG),
        ("NI Q Q 1 2 3 4 5 6 C", "Q Q 1 2 3 4 5 6 C", "UK_NINO", {"C-1"}, STRONG),
        ("NHS 945/807/3022", "945/807/3022", "UK_NHS", {"C-1"}, STRONG),
        ("at 14 mill lane", "14 mill lane", "STREET_ADDRESS", {"C-1"}, STRONG),
        ("postcode ls96ab", "ls96ab", "UK_POSTCODE", {"C-1"}, PARTIAL),
        ("born 4th March 1961", "4th March 1961", "DATE_OF_BIRTH", {"C-1"}, PARTIAL),
        ("born 04/03/61", "04/03/61", "DATE_OF_BIRTH", {"C-1"}, PARTIAL),
        ("John Smith called", "John Smith", "PERSON", {"C-2", "C-3"}, STRONG),
    ],
)
def test_register_values_are_found_however_written(text, value, kind, refs, strength):
    """Names in any case and accent, numbers with any spacing, dates in UK forms."""
    found = {(text[m.start : m.end], m.type, m.refs, m.strength) for m in MATCHER.find(text)}
    assert (value, kind, frozenset(refs), strength) in found, found


@pytest.mark.parametrize(
    "text",
    [
        "Spoke to Siobhan Murphy today",  # another Siobhan with a surname: first name only
        "NHS 997 220 0337",  # a valid NHS number, not in the register
        "tel 07700 900124",
        "John Smithson called",
        "We met on 04/03/1962",
    ],
)
def test_other_peoples_values_are_not_matched_in_full(text):
    """Near misses are not strong mentions of a registered subject."""
    assert not [m for m in MATCHER.find(text) if m.strength == STRONG]
