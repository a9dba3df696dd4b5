"""The safety net's reading of a finished copy's header (``header_fields_message``): ids are
read without the runs mail programs make in them, so a logo's Content-ID made by Python's
``make_msgid`` no longer reads as a card number, while a name or a written number in an id
is still read."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from scanner.header_fields import header_fields_message

# make_msgid's three numbers: hundredths of a second, the process id, 64 random bits.
MADE = "<176478305412.48213.4539148803436467@riverside-carers.example.org>"


def _read(field: str, value: str) -> str:
    """The text the net reads for a copy whose inline logo part has ``field: value``."""
    copy = EmailMessage()
    copy["From"], copy["To"], copy["Subject"] = "a@riverside.example", "b@x.example", "Hi"
    copy.set_content("Hello\n")
    copy.add_related(b"\x89PNG\r\n\x1a\n", "image", "png", cid="<logo@x>")
    logo = copy.get_payload()[-1]  # type: ignore[index]
    if field == "Content-ID":
        logo.replace_header(field, value)
    else:
        logo[field] = value
    return header_fields_message(copy.as_bytes()).decode()


@pytest.mark.parametrize("field", ["Content-ID", "References", "In-Reply-To"])
def test_the_numbers_a_program_made_in_an_id_are_not_read(field: str):
    read = _read(field, MADE)
    assert "4539148803436467" not in read
    assert "176478305412" not in read
    assert "riverside-carers" in read  # the rest of the id is read


@pytest.mark.parametrize(
    ("value", "still_read"),
    [
        ("<x4534805012abcdef@host.example>", "4534805012"),  # an NHS number in a hex run
        ("<nhs-4534805012-hughes@host.example>", "4534805012"),
        ("<joseph-okafor@host.example>", "joseph okafor"),  # a name, read apart
        ("<176478305412.48213.4534805012@host.example>", "4534805012"),
    ],
)
def test_what_a_person_wrote_in_an_id_is_still_read(value: str, still_read: str):
    assert still_read in _read("Content-ID", value)
