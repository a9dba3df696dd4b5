"""Header fields made with ``KeptHeaderClasses`` (each field name's class made once) read and
write as the standard library's own registry makes them."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest

from scanner.mime_parts import DEFAULT_POLICY, HEADER_CLASSES, ParsedOnce

FIELDS = [
    ("Subject", "Re: =?utf-8?q?Mrs_B=C3=A9gum=27s?= referral"),
    ("From", '"Green, Sam" <sam.green@riverside.example>'),
    ("To", "a@riverside.example, Jo Hill <jo@agency.example>, Team: x@y.example;"),
    ("Date", "Fri, 4 Dec 2026 10:00:00 +0000"),
    ("Message-ID", "<abc.123@riverside.example>"),
    ("Content-Type", 'text/plain; charset="utf-8"; format=flowed'),
    ("Content-Disposition", 'attachment; filename="notes.docx"'),
    ("MIME-Version", "1.0"),
    ("X-Patient", "Margaret Hughes"),
    ("Cc", "not an address @@ list"),
]


@pytest.mark.parametrize(("name", "value"), FIELDS)
def test_a_field_reads_as_with_the_standard_registry(name: str, value: str) -> None:
    ours = DEFAULT_POLICY.header_fetch_parse(name, value)
    theirs = policy.default.header_fetch_parse(name, value)
    assert str(ours) == str(theirs)
    assert type(ours).__mro__[1:] == type(theirs).__mro__[1:]
    assert [str(d) for d in ours.defects] == [str(d) for d in theirs.defects]
    assert DEFAULT_POLICY.fold("Subject", ours) == policy.default.fold("Subject", theirs)


def test_each_field_names_class_is_made_once() -> None:
    """The standard registry makes a new class every time a field is parsed or set."""
    first = DEFAULT_POLICY.header_fetch_parse("Subject", "one")
    second = DEFAULT_POLICY.header_fetch_parse("SUBJECT", "two")
    assert type(first) is type(second)
    assert HEADER_CLASSES["subject"] is type(first)


def test_a_message_parsed_once_reads_as_with_the_default_policy() -> None:
    raw = b"".join(f"{name}: {value}\r\n".encode() for name, value in FIELDS) + b"\r\nHello\r\n"
    ours = BytesParser(policy=ParsedOnce.new()).parsebytes(raw)
    theirs = BytesParser(policy=policy.default).parsebytes(raw)
    assert [(k, str(v)) for k, v in ours.items()] == [(k, str(v)) for k, v in theirs.items()]
    assert ours.as_bytes() == theirs.as_bytes()
