"""What is not a disclosure: a lone name, the sender's own details, the envelope."""

from __future__ import annotations

from tests.scanner.policy.conftest import INTERNAL, STRANGER, Check, actions

SIGNED = """Dear Dr Ahmed,

Thank you for hosting the carers' forum yesterday; the room was perfect.

Kind regards,
Grace Mwangi
Carers Support Worker
Harbourside Carers, 12 Quay Street, Leeds LS1 4AB
0113 496 0101
"""


def test_an_ordinary_email_with_a_signature_releases_to_anyone(check: Check):
    """A greeting, the sender's name, address and phone in the signature disclose nothing."""
    assert actions(check(SIGNED, STRANGER)) == {STRANGER: "release"}


def test_a_lone_name_is_not_a_disclosure_but_a_name_with_a_phone_is(check: Check):
    """'Dr Ahmed' alone releases; 'Dr Ahmed' with a mobile number is someone's data."""
    assert actions(check("Dr Ahmed chaired the meeting well.", STRANGER)) == {STRANGER: "release"}
    text = "Dr Ahmed's personal mobile is 07700 900777."
    assert actions(check(text, STRANGER)) == {STRANGER: "redact"}


def test_the_envelope_headers_are_not_content(check: Check):
    """Names in From and To are the correspondents; the message itself says nothing personal."""
    message = (
        b"From: Grace Mwangi <grace.mwangi@carers.example>\r\n"
        b"To: Amina Okafor <amina.okafor@example.com>\r\n"
        b"Subject: Coffee morning\r\n\r\n"
        b"The coffee morning has moved to Thursday.\r\n"
    )
    assert actions(check(message, "amina.okafor@example.com", STRANGER)) == {
        "amina.okafor@example.com": "release",
        STRANGER: "release",
    }


def test_a_forwarded_messages_signature_is_not_the_senders(check: Check):
    """A carer's own signature inside a forwarded message is the carer's data."""
    message = (
        b"From: Grace Mwangi <grace.mwangi@carers.example>\r\n"
        b"To: someone@elsewhere.example\r\n"
        b"Subject: Fwd: help\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: Amina <amina.okafor@example.com>\r\nSubject: help\r\n\r\n"
        b"Can someone call me back?\r\n\r\nThanks,\r\nAmina Okafor\r\n07700 900123\r\n"
        b"--b--\r\n"
    )
    verdict = check(message, STRANGER)[STRANGER]
    assert verdict.action == "hold"
    assert "ref C-1042" in verdict.reasons[0]


def test_internal_mail_about_anyone_releases(check: Check):
    """Need to know: colleagues receive case details."""
    text = "Amina Okafor (NHS 945 807 3022) disclosed domestic abuse today."
    assert actions(check(text, INTERNAL)) == {INTERNAL: "release"}
