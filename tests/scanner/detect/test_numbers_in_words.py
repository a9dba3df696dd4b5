"""Numbers written as words ("four five three ...", "oh seven seven double oh ...") are read
as the digits they say, for the number recognizers, and a finding covers the words, so that a
redacted copy loses them. Runs too short to be an identifier or a phone number stay words."""

from __future__ import annotations

import pytest

from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.limits import ScanLimits
from scanner.normalise import normalise
from scanner.policy.policy_file import load_policy
from tests.scanner.redaction_pipeline import redact_for_stranger

WRITTEN = [
    pytest.param(
        "NHS number four five three four eight zero five zero one two.",
        "UK_NHS",
        "four five three four eight zero five zero one two",
        id="nhs in words",
    ),
    pytest.param(
        "Her NHS no is Four Five Three, Four Eight Zero, Five Zero One Two.",
        "UK_NHS",
        "Four Five Three, Four Eight Zero, Five Zero One Two",
        id="nhs grouped with commas, capitalised",
    ),
    pytest.param(
        "call me on oh seven seven double oh nine hundred one two three",
        "PHONE_NUMBER",
        "oh seven seven double oh nine hundred one two three",
        id="phone read aloud with double and hundred",
    ),
    pytest.param(
        "mobile: nought seven seven double oh, nine double oh, one two three",
        "PHONE_NUMBER",
        "nought seven seven double oh, nine double oh, one two three",
        id="phone in spoken groups",
    ),
    pytest.param(
        "ring her on 07700 nine zero zero one two three tonight",
        "PHONE_NUMBER",
        "07700 nine zero zero one two three",
        id="figures then words",
    ),
    pytest.param(
        "Tel oh one one three, four nine six, oh seven seven seven",
        "PHONE_NUMBER",
        "oh one one three, four nine six, oh seven seven seven",
        id="landline in groups",
    ),
    pytest.param(
        "phone oh seven seven double oh nine triple oh four six",
        "PHONE_NUMBER",
        "oh seven seven double oh nine triple oh four six",
        id="triple",
    ),
]


def _findings(detector: Detector, text: str) -> list[tuple[str, str]]:
    """``(type, source text)`` of each finding in ``text`` read as a plain-text file."""
    extraction = extract(text.encode(), ScanLimits())
    return [(f.type, text[f.start : f.end]) for f in detector.scan(extraction)]


@pytest.mark.parametrize(("text", "kind", "words"), WRITTEN)
def test_numbers_written_as_words_are_found_over_their_words(
    detector: Detector, text: str, kind: str, words: str
) -> None:
    """A number written in words is found as its type, and the finding covers its words."""
    assert (kind, words) in _findings(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Oh, one or two of them came, nine hundred in all.",
        "We need two, maybe three, volunteers for the one o'clock session.",
        "Forty five, twenty, oh nine and then ten more.",
        "She's one of five, the eldest of seven.",
        "Book a double room for two nights.",
    ],
)
def test_short_runs_of_number_words_stay_words(text: str) -> None:
    """Number words in prose, too few to make an identifier, are left as they are."""
    assert normalise(text, "body").text == text


def test_a_redacted_copy_loses_the_words_of_a_number(detector: Detector) -> None:
    """Redacting a phone number written in words removes every word of it."""
    body = "Client rang from oh seven seven double oh nine hundred four six one, call back."
    raw = (
        "From: grace.mwangi@carers.example\nTo: someone@elsewhere.example\nSubject: call\n"
        f"Content-Type: text/plain; charset=utf-8\n\nDear Amina Okafor,\n{body}\n"
    ).encode()
    copy = redact_for_stranger(detector, load_policy(), raw).decode()
    assert "seven seven" not in copy
    assert "hundred four six one" not in copy
    assert "call back" in copy
