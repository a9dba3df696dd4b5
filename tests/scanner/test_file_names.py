"""A file's name (its path within a watched folder) is read as the words it is made of:
what a number joined to a name by a dash or a folder's ``/`` says is found as it is when
spaced, and a dash between digits (a date, a grouped number) or letters stays."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from scanner.detect.detector import Detector
from scanner.extract import FILE_NAME, extract, name_as_text, with_file_name
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.segments import Extraction
from tests.scanner.conftest import types_of


def _found_in_name(detector: Detector, name: str) -> set[str]:
    extraction = with_file_name(Extraction(kind="text"), name)
    assert {segment.location for segment in extraction.segments} == {FILE_NAME}
    return types_of({(f.type, "") for f in detector.scan(extraction)})


@pytest.mark.parametrize(
    "name",
    [
        "Agnieszka-Thornton-4010232137.txt",
        "4010232137-Agnieszka-Thornton.txt",
        "names/4010232137 Agnieszka Thornton.txt",
        "Agnieszka Thornton 4010232137/minutes.txt",
        "cases\\Thornton 4010232137\\notes.txt",
        "Agnieszka_Thornton_4010232137.txt",
        "Agnieszka%20Thornton%204010232137.txt",
        "Agnieszka+Thornton+4010232137.txt",
        "AgnieszkaThornton4010232137.txt",
    ],
)
def test_an_nhs_number_joined_to_a_name_is_found(detector: Detector, name: str) -> None:
    assert "UK_NHS" in _found_in_name(detector, name)


@pytest.mark.parametrize(
    "name",
    [
        "2025-01-01 1234567890 invoice.txt",
        "invoices/INV-4010232137.txt",
        "REF-9434765919.txt",
        "minutes/2025-01-01 committee.docx",
        "photos/IMG-20250101-WA0001.jpg",
        "photos/IMG20250101WA0001.jpg",
        "invoices/INV4010232137.txt",
    ],
)
def test_dates_and_references_in_names_are_not_nhs_numbers(detector: Detector, name: str) -> None:
    assert "UK_NHS" not in _found_in_name(detector, name)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a/b\\c_d.txt", "a b c d.txt"),
        ("Thornton-4010232137", "Thornton 4010232137"),
        ("943-476-5919 2025-01-01", "943-476-5919 2025-01-01"),
        ("Smith-Jones jo@carers-example.org", "Smith-Jones jo@carers-example.org"),
    ],
)
def test_a_name_reads_as_its_words_character_for_character(name: str, text: str) -> None:
    assert name_as_text(name) == text


def test_a_number_joined_by_underscores_in_an_attachments_name_is_found(
    detector: Detector,
) -> None:
    """A mail attachment's name is read as written (its offsets are where a redacted copy
    cuts), so an underscore beside a number hid it from every pattern: the NHS number in
    "Fairweather_9434765919_careplan.csv" went out in the name of a clean attachment."""
    built = EmailMessage()
    built["From"], built["To"], built["Subject"] = "a@x.example", "b@y.example", "notes"
    built.set_content("Please see attached.")
    built.add_attachment(
        b"date,visit\n2025-01-01,home\n",
        maintype="text",
        subtype="csv",
        filename="Fairweather_9434765919_careplan.csv",
    )
    extraction = extract(built.as_bytes(), ScanLimits(), kind=FileType.EMAIL)
    found = {(f.type, extraction.segments[f.segment].location) for f in detector.scan(extraction)}
    assert ("UK_NHS", "attachment 1 'Fairweather_9434765919_careplan.csv' / file name") in found
