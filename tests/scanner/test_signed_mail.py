"""Signed mail (S/MIME, OpenPGP/MIME): a multipart/signed's signature is no attachment, and is
not read as one, so an ordinary signed message is not held; whatever only claims to be a
signature is read as what it is; a copy that is changed drops the signature and keeps what
it signed, since the signature would no longer verify."""

from __future__ import annotations

import base64
import email
import email.policy
from email.message import Message

import pytest

from scanner.extract import extract
from scanner.filetype import FileType, is_detached_signature
from scanner.limits import ScanLimits
from scanner.rules_file import DEFAULT_BANNER
from scanner.segments import Extraction
from scanner.transform import Removal, load_banner, redacted, with_banner
from tests.scanner.signed_mail import SENDER, cms_signature, pgp_signature, signed_message
from tests.scanner.transform.made_files import docx_bytes

FIELDS = (
    f"From: Priya Sharma <{SENDER}>\r\nTo: Sam Green <sam.green@communityhall.example>\r\n"
    "Subject: Team meeting moved to Thursday\r\n"
)
PLAIN = (
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
    b"Hi all,\r\n\r\nThe team meeting is moved to Thursday at 10.\r\n\r\nPriya\r\n"
)
# As Outlook signs a message with an attachment: the signature covers a multipart/mixed.
MIXED = (
    b'Content-Type: multipart/mixed; boundary="inner"\r\n\r\n--inner\r\n' + PLAIN
    + b"\r\n--inner\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b'Content-Disposition: attachment; filename="agenda.txt"\r\n\r\n'
    b"1. Rota for January\r\n2. Coffee morning\r\n--inner--\r\n"
)  # fmt: skip
PROTOCOLS = [
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
]


def _read(raw: bytes) -> Extraction:
    return extract(raw, ScanLimits(), kind=FileType.EMAIL)


def _parsed(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("content", [PLAIN, MIXED], ids=["text", "with an attachment"])
def test_a_signature_is_not_read_as_an_attachment(protocol: str, content: bytes) -> None:
    """A signed message's signature (S/MIME, either type name; OpenPGP) leaves nothing
    unreadable and is no attachment; what it signs is read."""
    extraction = _read(signed_message(FIELDS, content, protocol))
    assert extraction.unscannable == ()
    texts = {segment.location: segment.text for segment in extraction.segments}
    assert "moved to Thursday at 10" in texts["body (text/plain)"]
    assert [place for place in texts if "smime.p7s" in place] == []


def _replaced_signature(content: bytes, protocol: str, part: bytes) -> bytes:
    """A signed message whose signature part is ``part`` (its fields and body) instead."""
    raw = signed_message(FIELDS, content, protocol, signature=b"SIGNATURE")
    start = raw.index(f"Content-Type: {protocol}; name".encode())
    end = raw.rindex(b"\r\n--")
    return raw[:start] + part + raw[end:]


def test_a_document_labelled_as_a_signature_is_read() -> None:
    """A Word document sent as a multipart/signed's "signature" is read as the document it
    is, its text found."""
    document = base64.encodebytes(docx_bytes("Harriet Blenkinsop NHS 401 023 2137")).replace(
        b"\n", b"\r\n"
    )
    part = (
        b"Content-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + document
    )
    extraction = _read(_replaced_signature(PLAIN, "application/pkcs7-signature", part))
    assert any("Harriet Blenkinsop" in segment.text for segment in extraction.segments)


@pytest.mark.parametrize(
    "part",
    [
        b"Content-Type: application/pgp-signature\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\n"
        b"Comment: Harriet Blenkinsop NHS 401 023 2137\r\n\r\niQEz\r\n"
        b"-----END PGP SIGNATURE-----\r\n",
        b"Content-Type: application/pgp-signature\r\n\r\nHarriet Blenkinsop NHS 401 023 2137\r\n",
    ],
    ids=["an armour comment", "no armour"],
)
def test_text_labelled_as_a_signature_is_read(part: bytes) -> None:
    """Text in what is labelled an OpenPGP signature but is not just one (an armour header
    that could say anything, no armour at all) is read."""
    extraction = _read(_replaced_signature(PLAIN, "application/pgp-signature", part))
    assert any("Harriet Blenkinsop" in segment.text for segment in extraction.segments)


def test_a_signature_of_another_type_than_the_protocol_is_unreadable() -> None:
    """A CMS signature in a multipart/signed that declares OpenPGP is not taken for its
    signature: read as an attachment, it cannot be read, and the message is unscannable."""
    raw = signed_message(FIELDS, PLAIN, "application/pkcs7-signature")
    raw = raw.replace(
        b'protocol="application/pkcs7-signature"', b'protocol="application/pgp-signature"'
    )
    assert _read(raw).unscannable != ()


def test_a_signature_that_holds_what_it_signs_is_unreadable() -> None:
    """A CMS SignedData with its content inside (not detached) in a signature's place is no
    detached signature: it cannot be read, and the message is unscannable."""
    raw = signed_message(FIELDS, PLAIN, signature=cms_signature(PLAIN, detached=False))
    assert _read(raw).unscannable != ()


def test_opaque_s_mime_stays_unscannable() -> None:
    """An opaque S/MIME message (application/pkcs7-mime: signed inside, or encrypted) cannot
    be read: it is unscannable, as before."""
    body = base64.encodebytes(cms_signature(PLAIN, detached=False)).replace(b"\n", b"\r\n")
    raw = (
        FIELDS.encode()
        + b"MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data;"
        b' name="smime.p7m"\r\nContent-Transfer-Encoding: base64\r\n\r\n' + body
    )
    assert _read(raw).unscannable != ()


def _indefinite(der: bytes) -> bytes:
    """``der`` with every constructed element's length written indefinite (BER), as Outlook
    and other streaming signers write it."""
    out = b""
    at = 0
    while at < len(der):
        tag, first = der[at], der[at + 1]
        count = 0 if first < 0x80 else first & 0x7F
        start = at + 2 + count
        length = first if first < 0x80 else int.from_bytes(der[at + 2 : start], "big")
        content = der[start : start + length]
        if tag & 0x20:
            out += bytes([tag, 0x80]) + _indefinite(content) + b"\x00\x00"
        else:
            out += der[at : start + length]
        at = start + length
    return out


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (cms_signature(PLAIN), "application/pkcs7-signature", True),
        (cms_signature(PLAIN), "application/x-pkcs7-signature", True),
        (_indefinite(cms_signature(PLAIN)), "application/pkcs7-signature", True),
        (cms_signature(PLAIN), "application/pgp-signature", False),
        (cms_signature(PLAIN)[:-1], "application/pkcs7-signature", False),
        (cms_signature(PLAIN) + b"\x00", "application/pkcs7-signature", False),
        (cms_signature(PLAIN, detached=False), "application/pkcs7-signature", False),
        (docx_bytes("x"), "application/pkcs7-signature", False),
        (b"\x30\x80" * 200, "application/pkcs7-signature", False),
        (pgp_signature(), "application/pgp-signature", True),
        (pgp_signature() + b"Harriet", "application/pgp-signature", False),
        (pgp_signature(), "application/octet-stream", False),
    ],
    ids=[
        "DER",
        "DER, x- type",
        "BER",
        "CMS as PGP",
        "cut short",
        "more after it",
        "content inside",
        "a document",
        "deep nesting",
        "PGP armour",
        "PGP and more",
        "another type",
    ],
)
def test_what_is_a_detached_signature(data: bytes, content_type: str, expected: bool) -> None:
    """A detached signature is one of the type named, whole, and nothing else."""
    assert is_detached_signature(data, content_type) is expected


def _forwarded_signed() -> bytes:
    """A message forwarding a signed message as an attachment."""
    inner = signed_message(FIELDS, PLAIN)
    return (
        FIELDS.encode() + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="out"'
        b"\r\n\r\n--out\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--out\r\n"
        b"Content-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--out--\r\n"
    )


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("content", [PLAIN, MIXED], ids=["text", "with an attachment"])
@pytest.mark.parametrize("change", ["banner", "redaction"])
def test_a_changed_copy_drops_the_signature_and_keeps_what_it_signed(
    protocol: str, content: bytes, change: str
) -> None:
    """A marked or redacted copy of a signed message is its signed content, changed, with the
    message's own fields: no multipart/signed, no signature (it would not verify)."""
    raw = signed_message(FIELDS, content, protocol)
    if change == "banner":
        copy = with_banner(raw, load_banner(DEFAULT_BANNER, "Riverside Carers"))
    else:
        copy = redacted(raw, [Removal("Thursday", "day")])
    message = _parsed(copy)
    assert [part.get_content_type() for part in message.walk()] == (
        ["text/plain"] if content == PLAIN else ["multipart/mixed", "text/plain", "text/plain"]
    )
    assert message["From"] == f"Priya Sharma <{SENDER}>"
    assert "Thursday" in message["Subject"] or change == "redaction"
    assert b"smime.p7s" not in copy
    assert b"BEGIN PGP" not in copy


def test_a_forwarded_signed_message_loses_its_signature_in_a_changed_copy() -> None:
    """A signed message forwarded inside another, marked, loses its signature too."""
    copy = with_banner(_forwarded_signed(), load_banner(DEFAULT_BANNER, "Riverside Carers"))
    types = [part.get_content_type() for part in _parsed(copy).walk()]
    assert types == ["multipart/mixed", "text/plain", "message/rfc822", "text/plain"]
    assert b"smime.p7s" not in copy
