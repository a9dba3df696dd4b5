"""Email addresses written to dodge a filter ("jane dot smith at gmail dot com", "jane(at)
gmail(dot)com") are found as email addresses over the whole written span; "at" and "dot" in
a sentence are not."""

from __future__ import annotations

import pytest

from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.limits import ScanLimits
from scanner.normalise import normalise


def _emails(detector: Detector, text: str) -> list[str]:
    """The source text of each email address found in ``text`` read as a plain-text file."""
    extraction = extract(text.encode(), ScanLimits())
    return [text[f.start : f.end] for f in detector.scan(extraction) if f.type == "EMAIL_ADDRESS"]


@pytest.mark.parametrize(
    "written",
    [
        "jane dot smith at gmail dot com",
        "jane.smith [at] gmail [dot] com",
        "jane(at)gmail(dot)com",
        "jane @ gmail . com",
        "jane.smith at gmail.com",
        "JANE DOT SMITH AT GMAIL DOT CO DOT UK",
        "jane_smith {at} yahoo {dot} co {dot} uk",
        "jane.smith <at> btinternet <dot> com",
        "j.smith (at) nhs (dot) net",
        "jane.smith @gmail.com",
    ],
)
def test_a_written_address_is_found_whole(detector: Detector, written: str) -> None:
    """The written address is one EMAIL_ADDRESS finding covering all its words."""
    assert _emails(detector, f"Her email is {written} if you need it.") == [written]


@pytest.mark.parametrize(
    "text",
    [
        "Please email her at gmail dot com or whatever she uses.",
        "We met at Leeds . Then we went home.",
        "Lunch at noon. Dot will bring the cake.",
        "See you at the hall.com event? No, at St.Johns.",
        "Meet me at Bella.Italia for lunch.",
    ],
)
def test_at_and_dot_in_sentences_are_not_addresses(text: str) -> None:
    """Sentences with "at" and "dot" in them are read as written."""
    assert "@" not in normalise(text, "body").text


def test_a_role_mailbox_written_out_is_still_a_role_mailbox(detector: Detector) -> None:
    """A role mailbox written out ("info at ...") is an organisation's, as written plainly."""
    assert _emails(detector, "Write to info at carers dot org dot uk with questions.") == []
