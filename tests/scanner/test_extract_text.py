"""Plain text and HTML files."""

from __future__ import annotations

import pytest

from scanner.extract import extract
from scanner.limits import ScanLimits

LIMITS = ScanLimits()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"Jane Smith, 07700 900123", "Jane Smith, 07700 900123", id="ascii"),
        pytest.param("Zoë Kovács".encode(), "Zoë Kovács", id="utf-8"),
        pytest.param("\ufeffCafé meeting".encode(), "Café meeting", id="utf-8 with bom"),
        pytest.param("Café meeting".encode("utf-16"), "Café meeting", id="utf-16 with bom"),
        pytest.param("Café meeting".encode("utf-16-be"), "Café meeting", id="utf-16 without bom"),
        pytest.param("Café £5 \u2013 ok".encode("cp1252"), "Café £5 \u2013 ok", id="cp1252"),
        pytest.param(b"caf\xe9 \x81", "café \x81", id="latin-1 last resort"),
    ],
)
def test_text_encodings(data: bytes, expected: str) -> None:
    """Text is decoded by byte order mark, as UTF-16 or UTF-8, then cp1252 and latin-1, and
    read as one segment."""
    extraction = extract(data, LIMITS)
    assert extraction.kind == "text"
    assert [(s.location, s.text) for s in extraction.segments] == [("text", expected)]
    assert extraction.unscannable == ()


def test_text_offsets_index_the_decoded_text() -> None:
    """Offsets from detection map onto the decoded file text, after normalisation."""
    full_width = "\uff10\uff17\uff17\uff10\uff10"  # 07700 in full-width digits
    decoded = f"\u200bRing {full_width} 900123 today"
    extraction = extract(decoded.encode(), LIMITS)
    segment = extraction.segments[0]
    start = segment.text.index("07700 900123")
    begin, end = segment.to_source(start, start + len("07700 900123"))
    assert decoded[begin:end] == f"{full_width} 900123"


def test_location_prefix() -> None:
    """A location passed in prefixes the segment location."""
    extraction = extract(b"hello", LIMITS, location="notes.txt")
    assert extraction.segments[0].location == "notes.txt"


def test_pgp_message_is_unscannable() -> None:
    """An armoured PGP message is ciphertext, so the text is reported as not fully read."""
    data = b"Hi\n-----BEGIN PGP MESSAGE-----\nhQEMA...\n-----END PGP MESSAGE-----\n"
    assert "PGP-encrypted" in (extract(data, LIMITS).unscannable_reason or "")


def test_text_over_the_character_budget() -> None:
    """Text past max_text_chars is cut off and the item says so."""
    extraction = extract(b"a" * 50, ScanLimits(max_text_chars=20))
    assert extraction.segments[0].text == "a" * 20
    assert extraction.unscannable == (
        "the text is longer than 20 characters; the rest was not scanned",
    )


HTML = b"""<!DOCTYPE html><html><head><title>Referral</title>
<style>p { color: red }</style><script>var secret = "not text";</script></head>
<body><p>Dear   Jane,</p><div>NHS&nbsp;485 777 3456</div>
<table><tr><td>Name</td><td>Amina Begum</td></tr></table>
<!-- note: carer is John Carter -->
<img src="x.png" alt="photo of Amina"><a href="mailto:amina@example.org">mail</a>
</body></html>"""


@pytest.mark.parametrize(
    ("location", "present", "absent"),
    [
        ("html", "Dear Jane,", "not text"),
        ("html", "NHS 485 777 3456", "color"),
        ("html", "Name\tAmina Begum", "John Carter"),
        ("html / hidden text", "note: carer is John Carter", "Dear"),
        ("html / hidden text", "photo of Amina", "Dear"),
        ("html / hidden text", "mailto:amina@example.org", "Dear"),
    ],
)
def test_html_file(location: str, present: str, absent: str) -> None:
    """HTML gives its visible text without scripts or styles, and its hidden text apart."""
    extraction = extract(HTML, LIMITS)
    assert extraction.kind == "html"
    texts = {s.location: s.text for s in extraction.segments}
    assert present in texts[location]
    assert absent not in texts[location]


def test_base64_runs_are_blanked_keeping_offsets() -> None:
    """Runs of base64 lines are encoded data: blanked (no false findings in them), and the
    text after them keeps its offsets."""
    import base64

    encoded = base64.encodebytes(b"SW1 2AB " * 40).decode()
    text = f"Before\n{encoded}After: Jane Smith\n{'A' * 60}\nend\n"
    extraction = extract(text.encode(), LIMITS)
    (segment,) = extraction.segments
    assert encoded.split()[0] not in segment.text
    start = segment.text.index("Jane Smith")
    assert text[slice(*segment.to_source(start, start + 10))] == "Jane Smith"
    assert "A" * 60 in segment.text  # a single long line is not a run
