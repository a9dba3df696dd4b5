"""The word a copy's ``X-Confide-Unscanned`` field gives for each reason an item could not be
scanned: a table of the reasons extraction and the sandbox give, and the kind each is."""

from __future__ import annotations

import pytest

from scanner.unscannable import KINDS, kind, kinds

TABLE = [
    ("encrypted PDF: attachment 1 'Amina Okafor.pdf' needs a password to open", "encrypted"),
    ("encrypted Office document: attachment 2 'budget.xlsx' needs a password to open", "encrypted"),
    ("attachment 1 contains a PGP-encrypted message", "encrypted"),
    ("scanning took longer than 30 s", "timeout"),
    ("scanning needed more than 1,536 MiB of memory", "memory"),
    ("the scanning worker ran out of memory or died (killed by SIGKILL)", "memory"),
    (
        "scanning it was cut short 3 times (a scanning worker or the whole relay stopped "
        "while reading it)",
        "scan-failed",
    ),
    ("scanning failed (RuntimeError)", "scan-failed"),
    ("attachment 1 'scan.pdf' / page 1 has no text layer (scanned image)", "image"),
    ("attachment 1 'logo.png' is of a type confide cannot read (image)", "image"),
    ("the text is longer than 2000000 characters; the rest was not scanned", "too-large"),
    ("the message has more than 500 MIME parts; the rest were not read", "too-large"),
    ("attachment 1 'big.pdf' has 900 pages; only the first 500 were read", "too-large"),
    ("attachment 1 is nested more than 20 levels deep; it was not read", "too-large"),
    ("attachment 1 'a.bin' is of a type confide cannot read (executable)", "unsupported"),
    ("body has a transfer encoding confide does not know; it was not decoded", "unsupported"),
    ("damaged Word document: attachment 1 'x.docx' could not be opened (BadZipFile)", "damaged"),
    ("attachment 1 'x.pdf' is a PDF that could not be opened (PdfReadError)", "damaged"),
    ("the file is empty (0 bytes), so it is not a readable PDF", "damaged"),
    ("body has base64 text of an impossible length; it could not be decoded", "damaged"),
    ("something new that nobody foresaw", "unreadable"),
]


@pytest.mark.parametrize(("reason", "expected"), TABLE)
def test_each_reason_has_its_kind(reason: str, expected: str):
    """Each reason confide gives maps to the kind of problem it is."""
    assert kind(reason) == expected


def test_kinds_are_listed_once_in_a_fixed_order():
    """Several reasons give each kind once, in the vocabulary's order, and only its words."""
    reasons = [TABLE[3][0], TABLE[0][0], TABLE[1][0], TABLE[-1][0]]
    assert kinds(reasons) == ("encrypted", "timeout", "unreadable")
    assert set(kinds(reason for reason, _ in TABLE)) <= set(KINDS)
