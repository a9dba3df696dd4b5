"""Redacted text: each removed span becomes a placeholder that says what it was."""

from __future__ import annotations

import pytest

from scanner.removals import Removal, redact_text


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        (
            "Call Jo on 07700 900555.",
            [(11, 23, "phone number")],
            "Call Jo on [phone number removed].",
        ),
        (
            "Jo Bloggs, NHS 997 220 0337",
            [(0, 9, "name"), (15, 27, "NHS number")],
            "[name removed], NHS [NHS number removed]",
        ),
        ("overlap here", [(0, 7, "name"), (4, 12, "address")], "[address removed]"),
        (
            "email amina.okafor@mailbox.example.",
            [(6, 11, "name"), (6, 34, "email address")],
            "email [email address removed].",
        ),
        (
            "at 9 Cable St, E1 6AA today",
            [(3, 21, "address"), (15, 21, "postcode")],
            "at [address removed] today",
        ),
        (
            "ring 07700 900123 4567",
            [(5, 17, "phone number"), (5, 22, "bank details")],
            "ring [bank details removed]",
        ),
        ("nothing to do", [], "nothing to do"),
    ],
)
def test_redaction_replaces_spans_with_what_kind_of_thing_went(text, spans, expected):
    """Only the given spans change; overlapping and nested spans go as one, under the label
    of the longest of them."""
    removals = [(start, end, Removal(text[start:end], label)) for start, end, label in spans]
    assert redact_text(text, removals) == expected
