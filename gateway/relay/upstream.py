"""The SMTP client side: one transaction to the upstream MTA per copy, over connections kept
open between copies.

A new connection costs both ends a TCP handshake, a greeting and EHLO (and STARTTLS and AUTH
where configured), which is more than sending a short message. So a connection that ended
its transaction cleanly is kept for the next copy, for ``KEEP_IDLE_SECONDS`` at most, and
one the upstream closed meanwhile is replaced before anything is sent on it.

A transaction can be given a deadline (the end of the delivery's claim): every wait on the
upstream is then cut short at it, so a slow upstream cannot keep a transaction going after
the claim has lapsed and another sender may have taken the same copy.

When the relay stops, ``Connections.abort`` cuts the transactions still going (each then
counts as not answered, and is retried) and refuses new ones. A transaction whose final dot
is sent may be spared at first: the upstream has the copy, and cut now it would be sent
again after the restart, so it gets a little longer to hear the answer.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import smtplib
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from gateway.config import UpstreamSettings

log = logging.getLogger("confide.relay.upstream")

# How long an idle connection is kept. Well under the 300 s an SMTP server may wait for a
# command (RFC 5321 section 4.5.3.2.7); servers under load close idle clients sooner.
KEEP_IDLE_SECONDS = 10.0
# Idle connections kept at most (one per copy sent at the same time is enough).
KEEP_AT_MOST = 8
# How long the answer to a copy's final dot may take (RFC 5321 section 4.5.3.2.6), however
# short ``timeout_seconds`` is: the upstream has the copy by then.
DATA_END_SECONDS = 600.0


@dataclass(frozen=True)
class Reply:
    """The upstream's answer for one recipient; code 0 means no answer (no connection)."""

    code: int
    text: str

    def __str__(self) -> str:
        return f"{self.code} {self.text}" if self.code else self.text


class Connections:
    """Connections to the upstream, opened on demand and kept while idle; thread-safe (each
    connection is used by one thread at a time)."""

    def __init__(
        self,
        upstream: UpstreamSettings,
        local_hostname: str,
        keep_idle_seconds: float = KEEP_IDLE_SECONDS,
        keep_at_most: int = KEEP_AT_MOST,
        retry_note: str = "",
    ) -> None:
        self.upstream = upstream
        # When a copy that found no answer is tried again, for the operator: "in 60 s".
        self.retry_note = retry_note
        self._failing = False  # the last transaction found no answer: warned once
        self.local_hostname = local_hostname
        self.keep_idle_seconds = keep_idle_seconds
        self.keep_at_most = keep_at_most
        self._idle: list[tuple[smtplib.SMTP, float]] = []  # each with when it was put back
        self._busy: set[smtplib.SMTP] = set()  # in a transaction now
        self._answer_due: set[smtplib.SMTP] = set()  # its final dot sent, the answer not in
        self._aborted = False
        self._lock = threading.Lock()

    def answered(self) -> None:
        """A transaction got the upstream's answer: if it had stopped answering, say that
        it answers again."""
        with self._lock:
            was_failing, self._failing = self._failing, False
        if was_failing:
            log.warning("upstream %s answers again", self.address)

    def unanswered(self, error: BaseException) -> None:
        """A transaction found no answer: a WARNING the first time, then quiet until the
        upstream answers again (each retry's own record says the rest)."""
        with self._lock:
            first, self._failing = not self._failing and not self._aborted, True
        if first:
            log.warning(
                "upstream %s does not answer (%s): mail waits and is retried%s",
                self.address,
                type(error).__name__,
                f" {self.retry_note}" if self.retry_note else "",
            )

    @property
    def address(self) -> str:
        return f"{self.upstream.host}:{self.upstream.port}"

    def open(self, deadline: float | None = None) -> smtplib.SMTP:
        """A new connection, greeted (and secured and logged in, as configured), by
        ``deadline`` (a ``time.monotonic()`` value) if one is given."""
        upstream = self.upstream
        timeout = _wait_at_most(upstream.timeout_seconds, deadline)
        context = _tls_context(upstream) if upstream.tls != "none" else None
        smtp: smtplib.SMTP
        if upstream.tls == "tls":
            smtp = smtplib.SMTP_SSL(
                upstream.host, upstream.port, self.local_hostname, timeout=timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(upstream.host, upstream.port, self.local_hostname, timeout=timeout)
        try:
            smtp.ehlo()
            if upstream.tls == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if upstream.username:
                smtp.login(upstream.username, upstream.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def take(self) -> smtplib.SMTP | None:
        """A kept connection that has not been idle too long, if there is one."""
        stale: list[smtplib.SMTP] = []
        found = None
        with self._lock:
            if self._aborted:
                return None
            oldest = time.monotonic() - self.keep_idle_seconds
            while self._idle:
                smtp, since = self._idle.pop()
                if since >= oldest:
                    found = smtp
                    break
                stale.append(smtp)
        for smtp in stale:
            _quit(smtp)
        return found

    def put_back(self, smtp: smtplib.SMTP) -> None:
        """Keep a connection whose last transaction ended cleanly, for the next copy."""
        with self._lock:
            if len(self._idle) < self.keep_at_most and not self._aborted:
                self._idle.append((smtp, time.monotonic()))
                return
        _quit(smtp)

    def close(self) -> None:
        """Close every kept connection (at shutdown)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for smtp, _ in idle:
            _quit(smtp)

    def abort(self, *, sparing_answers_due: bool = False) -> int:
        """Cut every transaction still going (its next wait on the upstream fails at once, so
        it counts as not answered) and refuse new ones; close the kept connections. With
        ``sparing_answers_due``, a transaction waiting for the answer to its final dot is
        left to hear it (the next ``abort`` cuts it). Returns how many were spared."""
        with self._lock:
            self._aborted = True
            spared = self._answer_due if sparing_answers_due else set()
            busy = [smtp for smtp in self._busy if smtp not in spared]
            count = len(self._busy) - len(busy)
        for smtp in busy:
            if smtp.sock is not None:
                with contextlib.suppress(OSError):
                    smtp.sock.shutdown(socket.SHUT_RDWR)
        self.close()
        return count

    def answer_due(self, smtp: smtplib.SMTP) -> None:
        """``smtp`` sent a copy's final dot: the upstream has the copy."""
        with self._lock:
            self._answer_due.add(smtp)

    def in_use(self, smtp: smtplib.SMTP) -> smtplib.SMTP:
        """``smtp``, marked as in a transaction (so ``abort`` can cut it); ``OSError`` if
        the connections were aborted."""
        with self._lock:
            if not self._aborted:
                self._busy.add(smtp)
                return smtp
        smtp.close()
        raise OSError("the relay is stopping")

    def done_with(self, smtp: smtplib.SMTP) -> None:
        """``smtp`` is closed or back among the kept connections: no longer in use."""
        with self._lock:
            self._busy.discard(smtp)
            self._answer_due.discard(smtp)


def send(
    connections: Connections,
    mail_from: str,
    content: bytes,
    recipients: list[str],
    deadline: float | None = None,
) -> dict[str, Reply]:
    """One SMTP transaction upstream; each recipient's reply (smtplib sends only CRLF line
    endings and dot-stuffs the data). Past ``deadline`` (a ``time.monotonic()`` value), the
    transaction is abandoned and whoever has no final answer counts as not answered."""
    replies: dict[str, Reply] = {}
    smtp = None
    keep = False
    timeout = connections.upstream.timeout_seconds
    try:
        smtp, (code, text) = _start(connections, mail_from, content, recipients, deadline)
        connections.answered()
        if code >= 400:
            keep = _end(connections, smtp, code, deadline)
            return dict.fromkeys(recipients, _reply(code, text))
        accepted = []
        for address in recipients:
            _limit_waits(smtp, timeout, deadline)
            code, text = _rcpt(smtp, address)
            replies[address] = _reply(code, text)
            if 200 <= code < 300:
                accepted.append(address)
        if accepted:  # (after a 421, DATA fails and nobody counts as sent)
            code, text = _data(connections, smtp, _crlf_only(content), timeout, deadline)
            for address in accepted:
                replies[address] = _reply(code, text)
        keep = _end(connections, smtp, code, deadline)
    except (OSError, smtplib.SMTPException) as exc:
        if smtp is not None:
            smtp.close()
        connections.unanswered(exc)
        # No answer for whoever has none yet: not refused, so retried.
        failure = Reply(0, f"no answer from the upstream ({type(exc).__name__})")
        for address in recipients:
            if address not in replies or 200 <= replies[address].code < 300:
                replies[address] = failure
    finally:
        if smtp is not None:
            connections.done_with(smtp)
            if keep:
                connections.put_back(smtp)
    return replies


def _start(
    connections: Connections,
    mail_from: str,
    content: bytes,
    recipients: list[str],
    deadline: float | None,
) -> tuple[smtplib.SMTP, tuple[int, bytes]]:
    """MAIL FROM on a kept connection, or on a new one if there is none or the upstream has
    closed it (nothing was sent on it, so starting again is safe)."""
    timeout = connections.upstream.timeout_seconds
    smtp = connections.take()
    if smtp is not None:
        connections.in_use(smtp)
        try:
            _limit_waits(smtp, timeout, deadline)
            reply = _mail(smtp, mail_from, content, recipients)
            if reply[0] != 421:
                return smtp, reply
        except (OSError, smtplib.SMTPServerDisconnected):
            pass
        smtp.close()
        connections.done_with(smtp)
    smtp = connections.in_use(connections.open(deadline))
    try:
        _limit_waits(smtp, timeout, deadline)
        return smtp, _mail(smtp, mail_from, content, recipients)
    except BaseException:
        smtp.close()
        connections.done_with(smtp)
        raise


def _wait_at_most(timeout: float, deadline: float | None) -> float:
    """How long the next wait on the upstream may take: ``timeout``, or less so as not to
    pass ``deadline``; a ``TimeoutError`` if it has passed."""
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline for this transaction has passed")
    return min(timeout, left)


def _limit_waits(smtp: smtplib.SMTP, timeout: float, deadline: float | None) -> None:
    """Before a command: its reply is waited for no longer than ``_wait_at_most``."""
    if smtp.sock is not None:
        smtp.sock.settimeout(_wait_at_most(timeout, deadline))


def _mail(
    smtp: smtplib.SMTP, mail_from: str, content: bytes, recipients: list[str]
) -> tuple[int, bytes]:
    """MAIL FROM, with SMTPUTF8 when an address needs it and the upstream offers it. An
    address that cannot be written in the command at all is refused here, for good (a
    ``ValueError`` would leave the copy to be retried for ever)."""
    options = []
    if smtp.has_extn("8bitmime") and not content.isascii():
        options.append("BODY=8BITMIME")
    if smtp.has_extn("size"):
        options.append(f"SIZE={len(content)}")
    if smtp.has_extn("smtputf8") and not all(a.isascii() for a in [mail_from, *recipients]):
        options.append("SMTPUTF8")
        smtp.command_encoding = "utf-8"  # as ``smtplib.SMTP.mail`` sets it for SMTPUTF8
    try:
        smtp.putcmd("mail", f"from:{_path(mail_from)}{''.join(f' {o}' for o in options)}")
    except ValueError as exc:  # nothing was sent: the connection is as it was
        return 553, f"5.1.7 the sender address cannot be sent ({type(exc).__name__})".encode()
    return smtp.getreply()


def _rcpt(smtp: smtplib.SMTP, address: str) -> tuple[int, bytes]:
    """RCPT TO; an address that cannot be written in the command is refused here, for good."""
    try:
        smtp.putcmd("rcpt", f"to:{_path(address)}")
    except ValueError as exc:  # nothing was sent: the connection is as it was
        return 553, f"5.1.3 the recipient address cannot be sent ({type(exc).__name__})".encode()
    return smtp.getreply()


def _path(address: str) -> str:
    """An envelope address as MAIL and RCPT give it: as the envelope holds it (the door took
    it from a MAIL or RCPT command, and confide's own notices are from its settings), in
    angle brackets; the null sender is "<>". ``smtplib``'s ``mail`` and ``rcpt`` parse each
    address again with the email package first (a fifth of a delivery's CPU), which can
    only rewrite one it reads otherwise. A line break in it is refused by ``putcmd``
    (``ValueError``), before anything is sent."""
    return f"<{address}>"


def _data(
    connections: Connections,
    smtp: smtplib.SMTP,
    content: bytes,
    timeout: float,
    deadline: float | None,
) -> tuple[int, bytes]:
    """DATA and the content, as ``smtplib.SMTP.data`` sends them (dot-stuffed, ending with
    CRLF.CRLF), but waiting for the answer to the final dot as long as RFC 5321 asks
    (4.5.3.2.6: ten minutes, ``DATA_END_SECONDS``) within ``deadline``, not only
    ``timeout``: an upstream that takes longer than ``timeout`` to accept has the copy, and
    giving up then would send it again at every retry."""
    _limit_waits(smtp, timeout, deadline)
    code, text = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, text)
    stuffed = re.sub(rb"(?m)^\.", b"..", content)
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    _limit_waits(smtp, max(timeout, DATA_END_SECONDS), deadline)
    smtp.send(stuffed + b".\r\n")
    connections.answer_due(smtp)
    return smtp.getreply()


def _end(
    connections: Connections, smtp: smtplib.SMTP, last_code: int, deadline: float | None
) -> bool:
    """Whether to keep the connection: if the upstream is still talking to it, after a
    completed transaction or after a refusal that RSET clears; otherwise it is closed."""
    if last_code == 421:
        smtp.close()
        return False
    if not 200 <= last_code < 300:  # refused before DATA: the transaction is still open
        _limit_waits(smtp, connections.upstream.timeout_seconds, deadline)
        code, _ = smtp.rset()
        if code != 250:
            smtp.close()
            return False
    return True


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


_LINE_END = re.compile(rb"\r\n|\r|\n")


def _crlf_only(content: bytes) -> bytes:
    """Every line ending as CRLF: a bare LF or CR that some server downstream might read as a
    line end (and so as an end of data) never leaves the relay. ``_data`` dot-stuffs after."""
    return _LINE_END.sub(b"\r\n", content)


@functools.cache
def _tls_context(upstream: UpstreamSettings) -> ssl.SSLContext:
    """The TLS settings for the upstream, built once (loading the CA store costs ~20 ms)."""
    context = ssl.create_default_context(cafile=upstream.ca_file)
    if not upstream.verify_certificate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _reply(code: int, text: bytes | str) -> Reply:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return Reply(code, " ".join(text.split()))
