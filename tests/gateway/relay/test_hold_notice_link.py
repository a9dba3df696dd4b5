"""The hold notice points a sender inside the organisation to the held item's page (or, with
no ``review.base_url``, to its reference on the review pages), and an outsider to neither."""

from __future__ import annotations

import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet

from gateway.relay import spool
from gateway.relay.hold_notices import notices
from gateway.relay.models import Outcome
from gateway.sealing import Sealer
from scanner.judging import Organisation

MESSAGE_ID = uuid.UUID("6f1c1b9e-6a53-4d5c-9a51-0b8f3c1f2d7e")
ORIGINAL = (
    b"From: priya@riverside-carers.example.org\r\nTo: advice@citizensadvice.example\r\n"
    b"Subject: Amina's benefits\r\n\r\nHer NHS number is 943 476 5919.\r\n"
)


def pipeline(base_url: str) -> Any:
    """The parts of a scanning worker's pipeline that writing a hold notice reads."""
    return SimpleNamespace(
        organisation=Organisation(("riverside-carers.example.org",)),
        organisation_name="Riverside Carers' Centre",
        notice_from="postmaster@riverside-carers.example.org",
        hostname="relay.riverside-carers.example.org",
        sealer=Sealer(Fernet.generate_key()),
        review_base_url=base_url,
    )


def notice_text(
    base_url: str,
    sender: str,
    reasons: tuple[str, ...] = ("no consent",),
    refs: tuple[str, ...] = (),
) -> str:
    """The text of the hold notice written for a message from ``sender``, held for one."""
    message = spool.Received(
        MESSAGE_ID, sender, ["advice@citizensadvice.example"], ORIGINAL, scan_attempts=1
    )
    held = [Outcome(recipient="advice@citizensadvice.example", reasons=list(reasons))]
    ((_, content, recipients),) = notices(pipeline(base_url), message, ORIGINAL, held, refs)
    assert recipients == [sender]
    parsed = message_from_bytes(content, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.mark.parametrize(
    "base_url", ["https://confide.riverside-carers.example.org", "https://example.org/review"]
)
def test_the_notice_links_to_the_items_page(base_url: str) -> None:
    """A sender inside the organisation is given the address of the held item's page."""
    text = notice_text(base_url, "priya@riverside-carers.example.org")
    assert f"{base_url}/held/{MESSAGE_ID}/" in text


def test_without_a_base_url_the_notice_says_to_search_for_the_reference() -> None:
    """No address configured: the notice says how to find the item (its reference)."""
    text = " ".join(notice_text("", "priya@riverside-carers.example.org").split())
    assert "sign in and search for the reference" in text
    assert str(MESSAGE_ID) in text
    assert "https://" not in text


def test_a_sender_outside_the_organisation_is_not_sent_to_the_review_pages() -> None:
    """An outsider cannot sign in: their notice names no review page and no link."""
    text = notice_text("https://confide.riverside-carers.example.org", "x@elsewhere.example")
    assert "review pages" not in text
    assert "https://" not in text


def test_the_notice_to_a_sender_inside_names_no_register_ref() -> None:
    """Staff read why their message was held, but not whom the register holds: the refs the
    policy's reasons name (and any of the message's subjects' refs) are not in the notice."""
    reasons = (
        "Name and health information of a known carer (ref C-1001); no consent for"
        " citizensadvice.example; the health information is tied to them, named nearest to"
        " it, not to ref C-1002 named in the same sentence",
        "tied to C-1003 by its recorded phone number",
    )
    text = notice_text(
        "", "priya@riverside-carers.example.org", reasons, ("C-1001", "C-1002", "C-1003")
    )
    assert "no consent for citizensadvice.example" in " ".join(text.split())
    for ref in ("C-1001", "C-1002", "C-1003"):
        assert ref not in text
