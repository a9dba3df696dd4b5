"""Messages the relay cannot read safely: each one is held (or refused with a clear code),
never dropped, and the relay keeps running."""

from __future__ import annotations

import email
import email.policy
import io
import zipfile
from email.message import EmailMessage

import pytest

from tests.e2e.conftest import CONSENTED, SENDER, Relay, Sink, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.shared_relay]

OUTSIDER = "friends@example.net"
MIB = 1024 * 1024


def _message(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = OUTSIDER
    message["Subject"] = subject
    message.set_content("Please see the attached.\n")
    return message


def nested_multiparts(depth: int = 60) -> bytes:
    """Multiparts nested far deeper than max_mime_depth."""
    body = b"Content-Type: text/plain\r\n\r\nthe innermost part\r\n"
    for level in range(depth):
        boundary = f"b{level}".encode()
        body = (
            b"Content-Type: multipart/mixed; boundary=" + boundary + b"\r\n\r\n"
            b"--" + boundary + b"\r\n" + body + b"\r\n--" + boundary + b"--\r\n"
        )
    return (
        f"From: {SENDER}\r\nTo: {OUTSIDER}\r\nSubject: nested\r\nMIME-Version: 1.0\r\n".encode()
        + body
    )


def encrypted_pdf() -> bytes:
    """A PDF attachment that opens only with a password."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Referral notes")
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.encrypt(user_password="secret", owner_password="secret")
    out = io.BytesIO()
    writer.write(out)
    message = _message("encrypted pdf")
    message.add_attachment(out.getvalue(), maintype="application", subtype="pdf",
                           filename="notes.pdf")  # fmt: skip
    return message.as_bytes(policy=email.policy.SMTP)


def zip_bomb_docx() -> bytes:
    """A .docx whose document part inflates a thousandfold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", bytes(20 * MIB))
    message = _message("zip bomb")
    message.add_attachment(
        buffer.getvalue(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="report.docx",
    )
    return message.as_bytes(policy=email.policy.SMTP)


@pytest.mark.parametrize(
    "content",
    [nested_multiparts(), encrypted_pdf(), zip_bomb_docx()],
    ids=["nested-multiparts", "encrypted-pdf", "zip-bomb-docx"],
)
def test_unscannable_messages_are_held(relay: Relay, sink: Sink, content: bytes):
    """What cannot be scanned is held for a manager, and the sender is told in plain words."""
    assert relay.send(content, [OUTSIDER]) == {}
    notice = wait_for(lambda: sink.handler.to(SENDER), what="the hold notice")[0]
    words = email.message_from_bytes(notice.content, policy=email.policy.default)
    assert "could not be scanned" in words.get_body(("plain",)).get_content()
    assert sink.handler.to(OUTSIDER) == []


@pytest.mark.parametrize(
    "content",
    [
        # Declared UTF-8, written in Latin-1.
        f"From: {SENDER}\r\nTo: {OUTSIDER}\r\nSubject: charset\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nCaf\xe9 au lait on Friday.\r\n".encode(
            "latin-1"
        ),
        # An unknown charset.
        f"From: {SENDER}\r\nTo: {OUTSIDER}\r\nSubject: charset\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nCoffee on Friday.\r\n".encode(),
        # A multipart whose boundary never appears, and one that is never closed.
        f"From: {SENDER}\r\nTo: {OUTSIDER}\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="nowhere"\r\n\r\nCoffee on Friday.\r\n'.encode(),
        f"From: {SENDER}\r\nTo: {OUTSIDER}\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\nCoffee on Friday.\r\n".encode(),
        # No empty line after the header block: the words are the body. (With no header at
        # all, From included, a client on an allowed network is refused at DATA instead:
        # tests/gateway/relay/test_sender_domains.py.)
        f"From: {SENDER}\r\njust some words\r\nand no empty line\r\n".encode(),
    ],
    ids=[
        "wrong-charset",
        "unknown-charset",
        "missing-boundary",
        "unclosed-multipart",
        "no-header-separator",
    ],
)
def test_malformed_messages_get_an_outcome(relay: Relay, sink: Sink, content: bytes):
    """Malformed MIME is accepted, scanned as far as it can be, and then delivered or held:
    never lost, never a crash."""
    assert relay.send(content, [OUTSIDER]) == {}
    wait_for(lambda: sink.handler.to(OUTSIDER) or sink.handler.to(SENDER), what="an outcome")
    assert not relay.died()
    assert "Traceback" not in relay.log_text()


def test_encoded_newline_in_subject_is_not_a_new_header(relay: Relay, sink: Sink):
    """A Subject whose encoded word hides a line break gets its [CONFIDENTIAL] tag without the
    break becoming a Bcc header."""
    with open(__file__.replace("test_relay_hostile_input.py", "../../examples/carer-update.eml"),
              "rb") as example:  # fmt: skip
        original = example.read().replace(b"\n", b"\r\n")
    tricky = original.replace(
        b"Subject: Carer's assessment follow-up",
        b"Subject: =?utf-8?q?Follow-up=0ABcc:_victim@example.com?=",
    )
    relay.send(tricky, [CONSENTED])
    copy = wait_for(lambda: sink.handler.to(CONSENTED))[0]
    parsed = email.message_from_bytes(copy.content, policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Subject"].startswith("[CONFIDENTIAL] ")
    header_block = copy.content.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in header_block
