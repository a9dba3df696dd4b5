"""with_headers: confide's fields on top, forged ones gone, every other byte as it was."""

from __future__ import annotations

import pytest

from scanner.transform import with_headers

MESSAGE = (
    b"Received: from mail.example.org by relay\r\n"
    b"\tfor <amina@example.org>; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    b"From: Jane Smith <jane@example.org>\r\n"
    b"X-Confide-Processed: yes\r\n"
    b"To: amina@example.org\r\n"
    b"x-confide-verdict: release,\r\n"
    b" folded onto a second line\r\n"
    b"\tand a third\r\n"
    b"Subject: Visit notes\r\n"
    b"X-Confidential: not ours, kept\r\n"
    b"\r\n"
    b"X-Confide-Processed: this line is in the body\r\n"
    b"\r\n"
    b"Body text\r\n"
)
KEPT_HEADERS = (
    b"Received: from mail.example.org by relay\r\n"
    b"\tfor <amina@example.org>; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    b"From: Jane Smith <jane@example.org>\r\n"
    b"To: amina@example.org\r\n"
    b"Subject: Visit notes\r\n"
    b"X-Confidential: not ours, kept\r\n"
)
OURS = [("X-Confide-Processed", "banner; rule external-consented"), ("X-Confide-Id", "42")]


def _split(raw: bytes, linesep: bytes = b"\r\n") -> tuple[bytes, bytes]:
    head, _, body = raw.partition(linesep * 2)
    return head + linesep, body


def test_body_bytes_are_identical() -> None:
    """Everything after the blank line is byte for byte the input's body, even a forged line."""
    assert _split(with_headers(MESSAGE, OURS))[1] == _split(MESSAGE)[1]


def test_forged_fields_are_removed_and_ours_are_on_top() -> None:
    """X-Confide-* fields of any case, with their continuation lines, are replaced by ours."""
    head = _split(with_headers(MESSAGE, OURS))[0]
    assert head == (
        b"X-Confide-Processed: banner; rule external-consented\r\n"
        b"X-Confide-Id: 42\r\n" + KEPT_HEADERS
    )


def test_no_headers_given_only_removes() -> None:
    """With nothing to add, the result is the input less the forged fields."""
    assert with_headers(MESSAGE, []) == MESSAGE.replace(_split(MESSAGE)[0], KEPT_HEADERS, 1)


def test_lf_only_message_keeps_lf() -> None:
    """A message with bare LF line endings gets LF-ended fields and an identical body."""
    raw = MESSAGE.replace(b"\r\n", b"\n")
    result = with_headers(raw, OURS)
    assert b"\r" not in result
    assert _split(result, b"\n") == (
        b"X-Confide-Processed: banner; rule external-consented\n"
        b"X-Confide-Id: 42\n" + KEPT_HEADERS.replace(b"\r\n", b"\n"),
        _split(raw, b"\n")[1],
    )


def test_message_without_body() -> None:
    """A message that is only a header block is handled (nothing after the fields)."""
    assert with_headers(b"Subject: hi\r\nX-Confide-Id: 1\r\n", [("X-Confide-Id", "2")]) == (
        b"X-Confide-Id: 2\r\nSubject: hi\r\n"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Confide-Id", "one\r\nBcc: victim@example.com"),
        ("X-Confide-Id", "line\nbreak"),
        ("X-Confide-Id", "caf\u00e9"),
        ("X-Confide Id", "space in the name"),
        ("X-Confide-Id:", "colon in the name"),
        ("X-Confide-Id", "x" * 1000),
    ],
)
def test_values_that_are_not_one_ascii_line_are_refused(name: str, value: str) -> None:
    """A name or value that could inject a header or is not ASCII raises ValueError."""
    with pytest.raises(ValueError, match="X-Confide"):
        with_headers(MESSAGE, [(name, value)])
