"""Known-subject matching and attribution run in the relay's own process, outside the scanning
sandbox: their cost must grow with the text, not with the square of the names in it."""

from __future__ import annotations

import itertools
import time

import pytest

from scanner.attribution import attribute
from scanner.consent import KnownSubject
from scanner.detect.known_subjects import TITLED, SubjectMatcher
from scanner.findings import Finding
from scanner.policy.policy_file import load_policy
from scanner.segments import Extraction, Segment

pytestmark = pytest.mark.slow

MATCHER = SubjectMatcher.from_subjects(
    [
        KnownSubject("C-1", "carer", ("Margaret Okafor",)),
        KnownSubject("C-2", "carer", ("John Smith",)),
    ]
)
# Quadratic matching took 30-80 s for the first text on the development machine, linear 2 s;
# quadratic attribution about 20 s for the second, linear about 1 s.
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


def test_a_long_list_of_people_is_attributed_in_linear_time() -> None:
    """A 0.8 MB list of 16,000 registered people, each with a phone number and a stranger
    beside them, is attributed in seconds: every name to its own subject or to nobody."""
    people = 16_000
    matcher = SubjectMatcher.from_subjects(
        [KnownSubject(f"C-{n}", "carer", (f"Anna Person{n:05d}",)) for n in range(people)]
    )
    lines = [
        f"Anna Person{n:05d} 07700 900{n % 1000:03d} and Bob Stranger{n:05d}" for n in range(people)
    ]
    text = "\n".join(lines)
    offsets = itertools.accumulate((len(line) + 1 for line in lines), initial=0)
    findings = []
    for line, offset in zip(lines, offsets, strict=False):  # one offset more than lines
        stranger = offset + line.index("Bob")
        findings.append(Finding(0, offset, offset + 16, "PERSON", 0.85, "person"))
        findings.append(Finding(0, offset + 17, offset + 30, "PHONE_NUMBER", 0.7, "uk_phone"))
        findings.append(Finding(0, stranger, stranger + 16, "PERSON", 0.85, "person"))
    policy = load_policy()
    started = time.process_time()
    attribution = attribute(
        Extraction("text", (Segment(text, "body"),)),
        findings,
        matcher,
        types=policy.attribution,
        window=policy.together_within_chars,
    )
    elapsed = time.process_time() - started
    refs = [a.refs for a in attribution.findings]
    assert refs[:3] == [frozenset({"C-0"}), frozenset(), frozenset()]
    assert len(refs) == 3 * people
    assert elapsed < SECONDS_ALLOWED
