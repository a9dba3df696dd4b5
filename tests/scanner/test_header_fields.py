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
    made = header_fields_message(copy.as_bytes())
    assert made is not None
    return made.decode()


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


def _body(fields: list[tuple[str, str]], read: tuple[str, ...] = ()) -> str:
    """What the net reads of a copy's header fields, written exactly as given, given the
    texts its reading of the copy read already."""
    header = "".join(f"{name}: {value}\r\n" for name, value in fields)
    copy = f"From: a@riverside.example\r\nTo: b@x.example\r\n{header}\r\nHello\r\n"
    made = header_fields_message(copy.encode(), read)
    return "" if made is None else made.decode().replace("\r\n", "\n").split("\n\n", 1)[1]


@pytest.mark.parametrize(
    "field",
    [
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Type", "text/plain; charset=iso-8859-1; format=flowed; delsp=yes"),
        ("Content-Transfer-Encoding", "quoted-printable"),
        ("Content-Disposition", "inline"),
        ("Date", "Wed, 02 Dec 2026 04:58:34 +0000"),
        ("Date", "2 Dec 2026 04:58 GMT"),
    ],
)
def test_a_field_in_mime_words_alone_is_not_read_again(field: tuple[str, str]):
    """A field that holds nothing but MIME's own words (a version, a known media type and
    charset, an encoding, a bare disposition, an RFC 5322 date) is left out of the net's
    reading: no one wrote anything there."""
    assert f"{field[0]}:" not in _body([field])


@pytest.mark.parametrize(
    "field",
    [
        ("Content-Type", "text/plain; charset=Chidi-Eze-6426212997"),
        ("Content-Type", "text/x-chidi-eze"),
        ("Content-Type", 'text/plain; name="Chidi Eze.txt"'),
        ("Content-Type", "text/plain; format=Chidi"),
        ("Content-Disposition", 'attachment; filename="Chidi Eze.txt"'),
        ("Content-Transfer-Encoding", "base64 Chidi Eze"),
        ("MIME-Version", "1.0 (Chidi Eze)"),
        ("Date", "Wed, 02 Dec 2026 04:58:34 +0000 (Chidi Eze)"),
        ("Date", "14/02/1950, Chidi's birthday"),
    ],
)
def test_a_field_with_anything_more_than_mime_words_is_read(field: tuple[str, str]):
    """A field of those names that holds anything else (a word no media type or charset
    is, a file name, a comment, a date not in RFC 5322's form) is read whole."""
    assert "chidi" in _body([field]).lower()


def test_a_field_the_copy_reading_read_already_is_not_read_again():
    """A Subject whose text the net read already in the copy, white space aside, is left
    out; one it did not read, or that holds an address, is read."""
    subject = [("Subject", "Re: the  [name removed]\r\n family")]
    assert "Subject:" not in _body(subject, ("Re: the [name removed] family",))
    assert "Subject:" in _body(subject, ("Re: the family",))
    address = [("Subject", "Re: chidi.eze@mailbox.example")]
    assert "chidi.eze" in _body(address, ("Re: chidi.eze@mailbox.example",))


def test_a_header_with_nothing_left_to_read_makes_no_message():
    """A copy whose header holds only its envelope and fields in MIME's words gives no
    message to read: its own reading has read its envelope already."""
    copy = (
        b"From: Jane Smith <a@riverside.example>\r\nTo: b@x.example\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nSubject: Hi\r\n\r\nHello\r\n"
    )
    assert header_fields_message(copy, ("Hi",)) is None
    assert header_fields_message(copy) is not None
