"""Known-subject matching runs in the relay's own process, outside the scanning sandbox: its
cost must grow with the text, not with the square of the names in it."""

from __future__ import annotations

import time

import pytest

from scanner.consent import KnownSubject
from scanner.detect.known_subjects import TITLED, SubjectMatcher

pytestmark = pytest.mark.slow

MATCHER = SubjectMatcher.from_subjects(
    [
        KnownSubject("C-1", "carer", ("Margaret Okafor",)),
        KnownSubject("C-2", "carer", ("John Smith",)),
    ]
)
# Quadratic matching took 30 s for this text on the development machine; linear takes 2 s.
SECONDS_ALLOWED = 12.0


def test_a_long_text_full_of_names_is_matched_in_linear_time() -> None:
    """A 2 MB text with 60,000 full names and 30,000 titled surnames ("Mrs Okafor",
    each checked against the full names found) is matched in seconds, every mention found."""
    sentence = "Margaret Okafor rang, and Mrs Okafor asked John Smith to call back. "
    text = sentence * 30_000
    started = time.process_time()
    mentions = MATCHER.find(text)
    elapsed = time.process_time() - started
    assert len(mentions) == 3 * 30_000
    assert sum(m.strength == TITLED for m in mentions) == 30_000
    assert elapsed < SECONDS_ALLOWED
