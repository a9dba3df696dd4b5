"""A checksum-valid NHS number split over table cells, <br> or line ends in its own 3-3-4
grouping is found with no NHS word near, when its pieces are the whole number; columns and
rows of other values, phone numbers, dates and references split the same way are not."""

from __future__ import annotations

import pytest

from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.policy.policy_file import load_policy
from tests.scanner.redaction_pipeline import redact_for_stranger

HEAD = "From: grace.mwangi@carers.example\nTo: someone@elsewhere.example\nSubject: notes\n"


def _message(body: str, content_type: str = "text/plain; charset=utf-8") -> bytes:
    return f"{HEAD}MIME-Version: 1.0\nContent-Type: {content_type}\n\n{body}\n".encode()


def _nhs_numbers(detector: Detector, raw: bytes) -> list[str]:
    """The digits of each NHS number found in the message ``raw``."""
    extraction = extract(raw, ScanLimits(), kind=FileType.EMAIL)
    found = []
    for finding in detector.scan(extraction):
        if finding.type == "UK_NHS":
            segment = extraction.segments[finding.segment]
            start, end = segment.from_source(finding.start, finding.end)
            found.append("".join(c for c in segment.text[start:end] if c.isdigit()))
    return found


HTML = "text/html; charset=utf-8"
SPLIT = [
    pytest.param(
        "<table><tr><td>Margaret Hughes</td><td>482</td><td>981</td><td>7062</td></tr></table>",
        HTML,
        id="table cells",
    ),
    pytest.param("<p>Margaret Hughes<br>482<br>981<br>7062</p>", HTML, id="br"),
    pytest.param("Margaret Hughes\n482\n981\n7062\nSeen at home.", "text/plain", id="lines"),
    pytest.param("Margaret Hughes  482\n981\n7062", "text/plain", id="over two line ends"),
    pytest.param("Client notes:\r\n482\r\n981\r\n7062\r\nSeen.", "text/plain", id="crlf"),
]


def test_a_split_number_beside_its_context_is_found_over_crlf(detector: Detector) -> None:
    """Lines ended as mail ends them (CRLF) split a number as line feeds do: beside "NHS"
    it is found in any grouping."""
    raw = _message("Client Margaret Hughes NHS no:\r\n45\r\n649\r\n70224\r\n")
    assert _nhs_numbers(detector, raw) == ["4564970224"]


@pytest.mark.parametrize(("body", "content_type"), SPLIT)
def test_a_split_nhs_number_is_found_without_context(
    detector: Detector, body: str, content_type: str
) -> None:
    """The pieces, read as one 3-3-4 number that passes the checksum, are an NHS number."""
    assert _nhs_numbers(detector, _message(body, content_type)) == ["4829817062"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param("left\n720\n360\n1440\n943\n476\n5919\n", "text/plain", id="value column"),
        pytest.param(
            "<table><tr><td>Leeds</td><td>12</td><td>482</td><td>981</td><td>7062</td></tr>"
            "</table>",
            HTML,
            id="row of counts",
        ),
        pytest.param("Invoice ref\n482\n981\n7062", "text/plain", id="negative word"),
        pytest.param("Margaret Hughes\n48\n29\n817062", "text/plain", id="other grouping"),
        pytest.param(
            "<table><tr><td>Margaret Hughes</td><td>0113</td><td>496</td><td>0777</td></tr>"
            "</table>",
            HTML,
            id="landline",
        ),
    ],
)
def test_other_values_split_the_same_way_are_no_nhs_number(
    detector: Detector, body: str, content_type: str
) -> None:
    """Pieces that are part of a longer run of values, grouped another way, or beside a
    negative word are not joined into an NHS number without context."""
    assert _nhs_numbers(detector, _message(body, content_type)) == []


def test_a_redacted_copy_loses_every_piece(detector: Detector) -> None:
    """Redacting a split NHS number removes each of its pieces."""
    raw = _message("<p>Margaret Hughes<br>482<br>981<br>7062</p>", HTML)
    copy = redact_for_stranger(detector, load_policy(), raw).decode()
    assert "981" not in copy
    assert "7062" not in copy
