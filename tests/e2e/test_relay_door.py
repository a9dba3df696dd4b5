"""The SMTP door: never an open relay, AUTH only after STARTTLS, limits enforced in the
protocol, and no smuggling."""

from __future__ import annotations

import base64
import datetime
import smtplib
import socket
import ssl
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import CONFIDE, INTERNAL, SENDER, Relay, Sink, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.shared_relay]

OUTSIDER = "someone@example.net"
MESSAGE = (
    f"From: {SENDER}\r\nTo: {OUTSIDER}\r\nSubject: Coffee\r\n\r\n"
    "The coffee morning is on Friday.\r\n"
).encode()


def reply(sock: socket.socket) -> bytes:
    """Read one whole SMTP reply (all its lines)."""
    data = b""
    while not data.endswith(b"\r\n") or _last_line(data)[3:4] != b" ":
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _last_line(data: bytes) -> bytes:
    return data.rstrip(b"\r\n").rsplit(b"\r\n", 1)[-1]


def test_refuses_to_relay_for_strangers(make_relay: Callable[..., Relay], sink: Sink):
    """A client outside the allowed networks that has not authenticated cannot relay."""
    relay = make_relay(sink.port, 'allowed_networks = ["192.0.2.0/24"]\n')
    with relay.client() as client:
        client.ehlo()
        client.mail(SENDER)
        code, text = client.rcpt(OUTSIDER)
    assert code == 554
    assert text.startswith(b"5.7.1")


def test_auth_is_not_offered_or_accepted_without_tls(relay: Relay):
    """Without STARTTLS the relay neither advertises AUTH nor accepts it."""
    with relay.client() as client:
        client.ehlo()
        assert not client.has_extn("auth")
        code, _ = client.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0u\0p").decode())
    assert code == 538


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key for 127.0.0.1, written as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID

    from tests.self_signed import self_signed

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
    now = datetime.datetime.now(datetime.UTC)
    day = datetime.timedelta(days=1)
    certificate, key = self_signed(name, now - day, now + day)
    cert_path, key_path = folder / "relay.crt", folder / "relay.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_authenticated_sender_relays_after_starttls_and_failures_are_throttled(
    make_relay: Callable[..., Relay], sink: Sink, tmp_path: Path
):
    """An account in the relay senders' group relays after STARTTLS and AUTH from a network
    that is not allowed; repeated wrong passwords are refused for a while."""
    cert, key = _certificate(tmp_path)
    relay = make_relay(
        sink.port,
        'allowed_networks = ["192.0.2.0/24"]\n'
        f'tls_certificate = "{cert}"\ntls_key = "{key}"\nauth_failures_allowed = 2\n',
    )
    added = subprocess.run(
        [str(CONFIDE), "relayuser", "office-printer"],
        input="correct horse battery\n",
        cwd=relay.folder,
        env=relay.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    context = ssl.create_default_context(cafile=cert)
    context.check_hostname = False
    with relay.client() as client:
        client.starttls(context=context)
        client.ehlo()
        assert client.has_extn("auth")
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login("office-printer", "wrong password 1")
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login("office-printer", "wrong password 2")
        with pytest.raises(smtplib.SMTPAuthenticationError) as throttled:
            client.login("office-printer", "correct horse battery")
    assert throttled.value.smtp_code == 454
    with relay.client() as client:
        client.starttls(context=context)
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login("office-printer", "correct horse battery")  # still throttled
    relay.stop()
    relay.start()  # a fresh window
    with relay.client() as client:
        client.starttls(context=context)
        client.login("office-printer", "correct horse battery")
        assert client.sendmail(SENDER, [OUTSIDER], MESSAGE) == {}
        # Logged in, it may send as another organisation: the login says who it is.
        other = MESSAGE.replace(SENDER.encode(), b"printer@partner.example")
        assert client.sendmail("printer@partner.example", [OUTSIDER], other) == {}
    wait_for(lambda: len(sink.handler.to(OUTSIDER)) == 2)


def test_a_client_relaying_by_network_sends_only_as_the_organisation(relay: Relay, sink: Sink):
    """From an allowed network, a sender of another domain is refused at MAIL FROM and a From
    field of another domain at DATA, with 550 5.7.1 and a log line naming the client and the
    domain only; a bounce (MAIL FROM:<>) from our own mail system goes through."""
    stranger = "jo.bloggs@another-tenant.example"
    with relay.client() as client:
        client.ehlo()
        code, text = client.mail(stranger)
        assert (code, text[:5]) == (550, b"5.7.1")
        assert INTERNAL.encode() in text
        client.rset()
        client.mail(SENDER)
        client.rcpt(OUTSIDER)
        code, text = client.data(MESSAGE.replace(SENDER.encode(), stranger.encode()))
        assert (code, text[:5]) == (550, b"5.7.1")
    bounce = MESSAGE.replace(SENDER.encode(), f"MAILER-DAEMON@mx.{INTERNAL}".encode())
    assert relay.send(bounce, [OUTSIDER], sender="") == {}
    [copy] = wait_for(lambda: sink.handler.to(OUTSIDER))
    assert copy.mail_from == "<>"
    assert b"MAILER-DAEMON@mx." in copy.content
    log = relay.log_text()
    assert "sender domain refused client=127.0.0.1" in log
    assert "From domain refused client=127.0.0.1" in log
    # No part of a refused address: a personal domain is personal data.
    assert "another-tenant" not in log
    assert "jo.bloggs" not in log


def test_the_same_message_without_a_message_id_is_delivered_each_time(relay: Relay, sink: Sink):
    """A script's alert sent twice, byte for byte and with no Message-ID, reaches its
    recipient twice: the second is not taken for a client's resend of the first."""
    assert relay.send(MESSAGE, [OUTSIDER]) == {}
    assert relay.send(MESSAGE, [OUTSIDER]) == {}
    wait_for(lambda: len(sink.handler.to(OUTSIDER)) == 2, what="both copies")


def test_recipient_limit(relay: Relay):
    """The 1,001st recipient of one message is refused with 452."""
    with relay.client() as client:
        client.ehlo()
        client.mail(SENDER)
        codes = [client.rcpt(f"person{n}@example.net")[0] for n in range(1001)]
        client.rset()
    assert set(codes[:1000]) == {250}
    assert codes[1000] == 452


def test_size_is_advertised_and_enforced(make_relay: Callable[..., Relay], sink: Sink):
    """SIZE is advertised; a declared or actual size over it is refused with 552."""
    relay = make_relay(sink.port, "", CONFIDE_LIMITS__MAX_ITEM_BYTES="20000")
    with relay.client() as client:
        client.ehlo()
        assert client.esmtp_features["size"] == "20000"
        code, _ = client.mail(SENDER, ["SIZE=30000"])
        assert code == 552
    big = MESSAGE + b"The coffee morning is on Friday.\r\n" * 1000
    with relay.client() as client:
        client.ehlo()
        client.mail(SENDER)  # no SIZE declared: the limit is enforced on the data itself
        client.rcpt(OUTSIDER)
        code, _ = client.data(big)
    assert code == 552


def test_connections_per_client_are_capped(make_relay: Callable[..., Relay], sink: Sink):
    """Over the per-client cap a connection gets 421 instead of a greeting."""
    relay = make_relay(sink.port, "max_connections_per_client = 2\n")
    time.sleep(1)  # the start-up probe's connection must be closed and counted out first
    first = socket.create_connection(("127.0.0.1", relay.port))
    second = socket.create_connection(("127.0.0.1", relay.port))
    try:
        assert reply(first).startswith(b"220")
        assert reply(second).startswith(b"220")
        with socket.create_connection(("127.0.0.1", relay.port)) as third:
            assert reply(third).startswith(b"421 4.7.0")
    finally:
        first.close()
        second.close()
    with relay.client() as client:  # the count goes down again
        assert client.noop()[0] == 250


def test_session_time_limit(make_relay: Callable[..., Relay], sink: Sink):
    """A session that outlasts the total time limit is closed with 421."""
    relay = make_relay(sink.port, "session_timeout_seconds = 2\n")
    with socket.create_connection(("127.0.0.1", relay.port)) as sock:
        assert reply(sock).startswith(b"220")
        sock.settimeout(10)
        assert reply(sock).startswith(b"421 4.4.2")


@pytest.mark.parametrize(
    "end_of_data",
    [b"\n.\n", b"\r\n.\n", b"\n.\r\n", b"\r.\r"],
    ids=["LF.LF", "CRLF.LF", "LF.CRLF", "CR.CR"],
)
def test_smuggled_message_stays_inside_the_first(relay: Relay, sink: Sink, end_of_data: bytes):
    """A fake end of data followed by a second transaction is one message's text: the
    upstream gets one message, with the smuggled lines dot-stuffed inside it."""
    smuggled = (
        b"From: " + SENDER.encode() + b"\r\nTo: " + OUTSIDER.encode() + b"\r\n"
        b"Subject: Coffee\r\n\r\nThe coffee morning is on Friday."
        + end_of_data
        + b"MAIL FROM:<"
        + SENDER.encode()
        + b">\r\nRCPT TO:<victim@example.com>\r\n"
        b"DATA\r\nSubject: smuggled\r\n\r\nsmuggled\r\n.\r\n"
    )
    with socket.create_connection(("127.0.0.1", relay.port)) as sock:
        sock.settimeout(30)
        assert reply(sock).startswith(b"220")
        for command in (b"EHLO test", b"MAIL FROM:<" + SENDER.encode() + b">",
                        b"RCPT TO:<" + OUTSIDER.encode() + b">", b"DATA"):  # fmt: skip
            sock.sendall(command + b"\r\n")
            assert reply(sock)[:1] in (b"2", b"3")
        sock.sendall(smuggled)
        first = reply(sock)
        # Whatever the server made of the smuggled lines, it was inside DATA: one reply.
        assert first.startswith(b"250")
        sock.sendall(b"QUIT\r\n")
    copy = wait_for(lambda: sink.handler.to(OUTSIDER))[0]
    wait_for(lambda: len(sink.handler.received) >= 1)
    assert sink.handler.to("victim@example.com") == []
    assert b"smuggled" in copy.content
    assert b"\r\n" in copy.content
    assert b"\n" not in copy.content.replace(b"\r\n", b"")
