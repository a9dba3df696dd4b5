"""Which envelope addresses the door accepts: a table of addresses in, replies out; and a check
that every address the notice builders cannot write is refused before it is accepted."""

from __future__ import annotations

import datetime

import pytest

from gateway.relay import notices
from gateway.relay.envelope_addresses import (
    notice_headers_accept,
    recipient_refusal,
    sender_refusal,
)

INTERNAL = "riverside-carers.example.org"

# Every C0 control character and DEL.
CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"]


@pytest.mark.parametrize(
    ("address", "code"),
    [
        (f"priya.sharma@{INTERNAL}", None),
        ("duty+referrals@leeds-asc.example", None),
        ("o'brien@example.net", None),
        ("postmaster", None),
        ("a@[192.0.2.1]", None),
        ("<>", "501 5.1.3"),
        (f"user%ext.example@{INTERNAL}", "553 5.1.3"),
        (f'"user@ext.example"@{INTERNAL}', "553 5.1.3"),
        (f'"plain"@{INTERNAL}', "553 5.1.3"),
        (f"ext.example!user@{INTERNAL}", "553 5.1.3"),
        ("ext.example!user", "553 5.1.3"),
        (f"a\x0bb@{INTERNAL}", "553 5.1.3"),
        (f"ab@{INTERNAL}\x7f", "553 5.1.3"),
        ("café@example.net", "553 5.1.3"),
    ],
)
def test_recipients(address: str, code: str | None):
    """A plain address is accepted; the null address, one that routes elsewhere, and one with
    a control character are refused with a reply that does not repeat it."""
    refusal = recipient_refusal(address)
    if code is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert refusal.startswith(code)
        assert address not in refusal


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        (f"priya.sharma@{INTERNAL}", False),
        ("<>", False),  # the null reverse-path: bounces and notices are sent from it
        (f'"office printer"@{INTERNAL}', False),
        (f"pri\x0bya@{INTERNAL}", True),
        (f"priya@{INTERNAL}\x1c", True),
        (f"pri\x00ya@{INTERNAL}", True),
    ],
)
def test_senders(address: str, refused: bool):
    """A sender is refused only when a notice could not be written to it."""
    refusal = sender_refusal(address)
    assert (refusal is not None) is refused
    if refusal is not None:
        assert refusal.startswith("553 5.1.7")
        assert address not in refusal


def _builders_fail(sender: str, recipient: str) -> bool:
    """Whether either notice builder raises for this sender and recipient."""
    at = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    original = b"Subject: Coffee\r\n\r\nFriday.\r\n"
    try:
        notices.hold_notice(
            original=original,
            sender=sender,
            held=[notices.HeldRecipient(recipient, ("a reason",))],
            organisation="Riverside Carers' Centre",
            from_address=f"postmaster@{INTERNAL}",
            confide_id="id",
            at=at,
            hostname=f"relay.{INTERNAL}",
        )
        notices.delivery_failure(
            original=original,
            sender=sender,
            failed=[notices.FailedRecipient(recipient, "5.1.1", "550 5.1.1 no such user")],
            reporting_mta=f"relay.{INTERNAL}",
            from_address=f"postmaster@{INTERNAL}",
            confide_id="id",
            at=at,
            organisation="Riverside Carers' Centre",
        )
    except Exception:  # noqa: BLE001  # any failure is one
        return True
    return False


@pytest.mark.parametrize("control", CONTROLS, ids=[f"0x{ord(c):02x}" for c in CONTROLS])
def test_control_characters_are_refused_wherever_they_are(control: str):
    """RFC 5321 allows no control character in an address: the door refuses one at the start,
    in the middle or at the end, as sender and as recipient."""
    for address in (f"{control}priya@{INTERNAL}", f"pri{control}ya@{INTERNAL}",
                    f"priya@{INTERNAL}{control}"):  # fmt: skip
        assert sender_refusal(address) is not None
        assert recipient_refusal(address) is not None


ODD_BUT_WRITABLE = [f"pri{control}ya@{INTERNAL}" for control in CONTROLS] + [
    f'"office printer"@{INTERNAL}',
    f'"a\\"b"@{INTERNAL}',
    f"{'x' * 900}@{INTERNAL}",
    f"priya@{'sub.' * 60}{INTERNAL}",
    "a@[192.0.2.1]",
    "(comment)a@example.net",
]


@pytest.mark.parametrize("address", ODD_BUT_WRITABLE, ids=range(len(ODD_BUT_WRITABLE)))
def test_the_check_is_the_notice_builders_own(address: str):
    """Asked about an address, the door's check answers as the notice builders do: it refuses
    what they raise on, as sender or as recipient, and accepts what they can write."""
    builders_fail = _builders_fail(address, "r@example.net") or _builders_fail(
        f"s@{INTERNAL}", address
    )
    assert notice_headers_accept(address) is not builders_fail


def test_an_address_seen_again_is_not_asked_about_again(monkeypatch: pytest.MonkeyPatch):
    """The email package is asked once about an address however often it comes (it costs a
    tenth of a millisecond, and the door sees the same addresses over and over), and the
    answer stays the same: accepted, or refused, each time."""
    from gateway.relay import envelope_addresses

    asked: list[str] = []

    def counted(address: str) -> bool:
        asked.append(address)
        return notice_headers_accept(address)

    monkeypatch.setattr(envelope_addresses, "notice_headers_accept", counted)
    good, bad = f"seen-again@{INTERNAL}", "seen-again@[192.0.2.1"  # unclosed: refused
    bad_refused = sender_refusal(bad)
    assert bad_refused is not None
    for _ in range(3):
        assert sender_refusal(good) is None
        assert recipient_refusal(good) is None
        assert sender_refusal(bad) == bad_refused
    assert asked.count(good) == 1
    assert asked.count(bad) == 1
