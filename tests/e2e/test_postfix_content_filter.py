"""confide behind a real Postfix, deployed as charities deploy it: an after-queue
``content_filter`` (ARCHITECTURE.md, "Postfix").

client → Postfix smtpd (submission port) → confide relay → Postfix smtpd with no filter
(re-injection port) → Postfix delivers via ``relayhost`` → the sink, the final destination.

Postfix runs as a private instance whose configuration, queue and data live in a temporary
directory; the machine's /etc/postfix is only read (master.cf is copied from it)."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    COLLEAGUE,
    CONSENTED,
    EXAMPLES,
    INTERNAL,
    NOT_CONSENTED,
    SENDER,
    Relay,
    Sink,
    free_port,
    wait_for,
)
from tests.e2e.relay_database import accounts

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CARER_UPDATE = (EXAMPLES / "carer-update.eml").read_bytes().replace(b"\n", b"\r\n")
# Debian puts the Postfix commands in /usr/sbin, which a non-root PATH may lack.
POSTFIX_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
POSTFIX = shutil.which("postfix", path=POSTFIX_PATH)
POSTCONF = shutil.which("postconf", path=POSTFIX_PATH)
# Unlike the machine's name and the relay's: Postfix refuses mail that "loops back to myself"
# when the next hop greets with its own myhostname.
POSTFIX_HOSTNAME = "mx.postfix-e2e.test"
# Seconds: how long Postfix waits before retrying a deferred message (its defaults are
# minutes), so one transient refusal costs the test a second, not the timeout.
RETRY_SECONDS = 1
# A colleague whose mail an alias also forwards outside, as the stand-in Postfix's
# virtual_alias_maps does: Postfix expands it before confide, so confide must decide on both.
FORWARDING_COLLEAGUE = f"carer.lead@{INTERNAL}"
FORWARDED_TO = "carerlead.personal@gmail.example"
# An outside archive that Postfix's always_bcc copies every message to, as a hosted archiving
# service is set up: added before confide, so confide decides on it like any recipient.
ARCHIVE = "journal@archive-service.example"


@dataclass(frozen=True)
class PostfixFront:
    """A running Postfix with confide as its content filter."""

    port: int  # where clients submit: smtpd with content_filter = confide
    reinjection_port: int  # where confide delivers: smtpd with no filter
    relay: Relay
    maillog: Path

    def send(self, content: bytes, recipients: list[str], sender: str = SENDER) -> object:
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
            return client.sendmail(sender, recipients, content)

    def wait_for[T](self, check: Callable[[], T], what: str) -> T:
        """``wait_for`` whose timeout message carries the diagnostics of the moment it failed."""
        try:
            return wait_for(check, what=what)
        except pytest.fail.Exception:
            pytest.fail(f"timed out waiting for {what}{self.diagnostics()}")

    def diagnostics(self) -> str:
        """Postfix's log tail and the relay's log, for a failing assertion's message."""
        maillog = self.maillog.read_text(errors="replace") if self.maillog.exists() else ""
        tail = "\n".join(maillog.splitlines()[-60:])
        return (
            f"\n--- Postfix maillog (tail) ---\n{tail}\n--- relay log ---\n{self.relay.log_text()}"
        )


def postconf(config: Path, *arguments: str) -> None:
    assert POSTCONF is not None
    subprocess.run([POSTCONF, "-c", str(config), *arguments], check=True, timeout=30)


def postfix(config: Path, command: str) -> subprocess.CompletedProcess[str]:
    assert POSTFIX is not None
    return subprocess.run(
        [POSTFIX, "-c", str(config), command],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture
def postfix_front(make_relay: Callable[..., Relay], sink: Sink) -> Iterator[PostfixFront]:
    """A private Postfix instance in front of a confide relay, delivering onward to the sink."""
    if POSTFIX is None or POSTCONF is None:
        pytest.skip("no postfix binary on PATH or in /usr/sbin: apt-get install postfix")
    reinjection_port = free_port()
    relay = make_relay(reinjection_port)
    port = free_port()

    # Not pytest's tmp_path: its parent is mode 0700 and Postfix's daemons run as the postfix
    # user, who must reach data_directory and the maillog by their absolute paths.
    root = Path(tempfile.mkdtemp(prefix="confide-postfix-"))
    root.chmod(0o755)
    config, queue, data = root / "etc", root / "queue", root / "data"
    config.mkdir()
    queue.mkdir()  # `postfix start` creates what goes inside, owned and moded as it needs
    for folder in (config, queue):  # the postfix user goes in, whatever the umask
        folder.chmod(0o755)
    maillog = root / "maillog"
    (config / "virtual").write_text(
        f"{FORWARDING_COLLEAGUE} {FORWARDING_COLLEAGUE}, {FORWARDED_TO}\n", encoding="utf-8"
    )
    shutil.copy("/etc/postfix/master.cf", config / "master.cf")
    (config / "main.cf").write_text(
        "compatibility_level = 3.6\n"
        f"queue_directory = {queue}\n"
        f"data_directory = {data}\n"
        f"maillog_file = {maillog}\n"
        f"maillog_file_prefixes = {root}\n"
        f"myhostname = {POSTFIX_HOSTNAME}\n"
        "inet_interfaces = 127.0.0.1\n"
        "inet_protocols = ipv4\n"
        "mynetworks = 127.0.0.0/8\n"
        "mydestination =\n"
        "relay_domains =\n"
        "alias_maps =\n"
        "alias_database =\n"
        f"virtual_alias_maps = texthash:{config / 'virtual'}\n"
        f"always_bcc = {ARCHIVE}\n"
        "smtpd_relay_restrictions = permit_mynetworks, reject\n"
        f"content_filter = smtp:[127.0.0.1]:{relay.port}\n"  # every message goes to confide first
        f"relayhost = [127.0.0.1]:{sink.port}\n"
        "smtp_tls_security_level = none\n"
        "smtp_dns_support_level = disabled\n"
        f"queue_run_delay = {RETRY_SECONDS}s\n"
        f"minimal_backoff_time = {RETRY_SECONDS}s\n"
        f"maximal_backoff_time = {RETRY_SECONDS}s\n",
        encoding="utf-8",
    )
    # No chroot: a chroot jail in a temporary queue directory would lack /etc/hosts and friends.
    postconf(config, "-F", "*/*/chroot = n")
    postconf(config, "-MX", "smtp/inet")  # nothing on port 25
    postconf(config, "-M", f"127.0.0.1:{port}/inet = 127.0.0.1:{port} inet n - n - - smtpd")
    postconf(
        config, "-M",
        f"127.0.0.1:{reinjection_port}/inet = 127.0.0.1:{reinjection_port} inet n - n - - smtpd"
        " -o content_filter="  # what confide hands back is not filtered again
        " -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,"
        "no_milters,no_address_mappings"  # addresses are mapped once, before confide
        " -o mynetworks=127.0.0.0/8"
        " -o smtpd_relay_restrictions=permit_mynetworks,reject",
    )  # fmt: skip

    front = PostfixFront(port, reinjection_port, relay, maillog)
    started = postfix(config, "start")
    try:
        assert started.returncode == 0, started.stdout + started.stderr + front.diagnostics()
        wait_for(lambda: listening(port), timeout=30, what="Postfix to listen")
        yield front
    finally:
        postfix(config, "stop")  # signals the master; wait for it so no daemon outlives the test
        deadline = time.monotonic() + 10
        while postfix(config, "status").returncode == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def body_of(raw: bytes) -> bytes:
    """The bytes after the header block."""
    return raw.split(b"\r\n\r\n", 1)[1]


def test_postfix_content_filter_gives_each_recipient_its_verdict(
    postfix_front: PostfixFront, sink: Sink
) -> None:
    """Through Postfix and back, the colleague gets the message, the consented agency gets it
    marked CONFIDENTIAL, the agency without consent gets nothing and the sender is told."""
    refused = postfix_front.send(CARER_UPDATE, [COLLEAGUE, CONSENTED, NOT_CONSENTED])
    assert refused == {}
    postfix_front.wait_for(
        lambda: (
            sink.handler.to(SENDER) and sink.handler.to(COLLEAGUE) and sink.handler.to(CONSENTED)
        ),
        what="the colleague's copy, the agency's copy and the hold notice",
    )
    why = postfix_front.diagnostics

    released = sink.handler.to(COLLEAGUE)
    assert len(released) == 1, why()
    assert body_of(released[0].content) == body_of(CARER_UPDATE), why()
    headers = email.message_from_bytes(released[0].content, policy=email.policy.default)
    assert headers["X-Confide-Verdict"] == "release", why()
    by_postfix = [r for r in headers.get_all("Received", []) if POSTFIX_HOSTNAME in r]
    assert len(by_postfix) == 2, why()  # received from the client, then from confide

    bannered = sink.handler.to(CONSENTED)
    assert len(bannered) == 1, why()
    marked = email.message_from_bytes(bannered[0].content, policy=email.policy.default)
    assert marked["Subject"].startswith("[CONFIDENTIAL]"), why()

    assert sink.handler.to(NOT_CONSENTED) == [], why()
    notices = sink.handler.to(SENDER)
    assert len(notices) == 1, why()
    told = email.message_from_bytes(notices[0].content, policy=email.policy.default)
    assert told["Subject"].startswith("Held for review: "), why()


def test_postfix_maps_addresses_before_confide_and_never_after(
    postfix_front: PostfixFront, sink: Sink
) -> None:
    """An alias forwarding a colleague outside, and always_bcc's outside archive, are added
    before confide, which holds their copies, and not again on re-injection, so neither
    outside address gets anything."""
    refused = postfix_front.send(CARER_UPDATE, [FORWARDING_COLLEAGUE])
    assert refused == {}
    postfix_front.wait_for(
        lambda: sink.handler.to(SENDER) and sink.handler.to(FORWARDING_COLLEAGUE),
        what="the colleague's copy and the hold notice",
    )
    why = postfix_front.diagnostics

    decided = {
        recipient: review for _, recipient, _, review in accounts(postfix_front.relay)["outcomes"]
    }
    assert decided.get(FORWARDED_TO) == "held", f"{decided}{why()}"
    assert decided.get(ARCHIVE) == "held", f"{decided}{why()}"
    assert len(sink.handler.to(FORWARDING_COLLEAGUE)) == 1, why()
    # Mapped again on re-injection, the colleague's released copy would reach them unscanned.
    assert sink.handler.to(ARCHIVE) == [], why()
    assert sink.handler.to(FORWARDED_TO) == [], why()
