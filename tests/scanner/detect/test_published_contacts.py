"""The organisation's own published contacts (``published_contacts``) are no finding however
people write them; anyone else's address still is."""

from __future__ import annotations

import pytest

from scanner.detect._contact import PublishedContacts
from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers
from tests.outlook_mail import PUBLISHED

_ADDRESS_TYPES = {"STREET_ADDRESS", "UK_POSTCODE"}


@pytest.fixture(scope="module")
def published_detector() -> Detector:
    return Detector(load_recognizers(), allow_list=PUBLISHED)


@pytest.mark.parametrize(
    "text",
    [
        "Come to Riverside House, 1 River Street, Leeds LS1 4AP on Tuesday.",
        "Come to Riverside House 1 River Street Leeds LS1 4AP on Tuesday.",
        "Our office:\nRiverside House\n1 River Street\nLeeds\nLS1 4AP\n",
        "Riverside House, 1 River Street, Leeds, LS1 4AP",
        "Post it to 1 River Street, Leeds.",
        "The hall's postcode is LS1 4AP.",
        "Tel: 0113 496 0000 | Main office: 0300 123 4567",
    ],
    ids=["as listed", "no commas", "split over lines", "comma before postcode", "street line",
         "postcode alone", "office phones"],
)  # fmt: skip
def test_the_organisations_own_address_is_no_finding(published_detector: Detector, text: str):
    """The office's address as listed, without its commas, split over a signature's lines,
    in part, or its postcode on its own, and its phone lines: nothing found."""
    found = {s.type for s in published_detector.find(text)}
    assert not found & (_ADDRESS_TYPES | {"PHONE_NUMBER"}), found


@pytest.mark.parametrize(
    "text",
    [
        "She lives at 2 River Street, Leeds LS1 4AQ.",
        "She lives at Flat 3, 1 River Street, Leeds LS7 3RT.",
    ],
)
def test_anyone_elses_address_is_still_found(published_detector: Detector, text: str):
    """Another number in the same street, or the office's street with another postcode, is
    someone's address."""
    found = {s.type for s in published_detector.find(text)}
    assert found & _ADDRESS_TYPES, found


@pytest.mark.parametrize(
    ("kind", "value", "covered"),
    [
        ("UK_POSTCODE", "ls14ap", True),
        ("UK_POSTCODE", "LS1 4AQ", False),
        ("STREET_ADDRESS", "River Street", True),
        ("STREET_ADDRESS", "Leeds", False),
        ("STREET_ADDRESS", "River Street, 1", False),
        ("PHONE_NUMBER", "+44 113 496 0000", True),
        ("PHONE_NUMBER", "114", False),
        ("PHONE_NUMBER", "0161 496 0123", True),
    ],
)
def test_published_contacts_cover(kind: str, value: str, covered: bool):
    """A postcode in any spacing, a run of two of the address's words or more in order, a
    phone number in any form; never a town alone, the words out of order, or the digits of
    the address read as a phone number."""
    listed = PublishedContacts([*PUBLISHED, "Tel: 0161 496 0123"])
    assert listed.covers(kind, value) is covered
