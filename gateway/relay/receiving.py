"""The SMTP door: who may relay, as whom, how much, and "stored, so 250". It decides nothing
else.

``RelayServer`` is aiosmtpd's ``SMTP`` with the limits aiosmtpd leaves to its users (a cap
on connections per client, a total session time, a time limit on the DATA transfer);
``RelayHandler`` answers the commands. Storage runs in a thread so the event loop never waits
on the database; password checks run in threads of their own, so a flood of AUTH attempts
cannot make storing wait.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import ipaddress
import logging
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email._header_value_parser import get_angle_addr
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session, syntax

from gateway.config import RelaySettings
from gateway.relay.envelope_addresses import (
    RECIPIENT_ROUTED,
    REMEMBERED_ADDRESSES,
    recipient_refusal,
    sender_refusal,
)
from gateway.relay.login_attempts import LoginAttempts
from gateway.relay.sender_domains import SenderDomains

log = logging.getLogger("confide.relay")

# Replies. None carries an exception's name or text: a fault of ours is a temporary 451.
OUR_FAULT = "451 4.3.0 Temporary local problem; please try again later"
RELAY_DENIED = "554 5.7.1 Relay access denied: connect from an allowed network or authenticate"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
TOO_MANY_CONNECTIONS = "421 4.7.0 Too many connections from your address; try again later"
SESSION_TOO_LONG = "421 4.4.2 Session time limit reached; closing"
AUTH_THROTTLED = "454 4.7.0 Too many failed authentication attempts; try again later"
DATA_TOO_LONG = "421 4.4.2 Message transfer time limit reached; nothing was kept; closing"
ALREADY_TLS = "503 5.5.1 TLS is already active"

# Threads that check passwords. Each check is a deliberately slow hash (about half a second of
# CPU); two keep logins moving without letting a flood of them take every core, and they are
# apart from the threads that store messages, so a flood never delays a 250.
PASSWORD_CHECK_THREADS = 2

# Stores a message; returns its id or raises. Runs in a worker thread.
type StoreMessage = Callable[[Envelope, Session], uuid.UUID]
# Checks a login and password; returns whether they are good. Runs in a worker thread.
type CheckPassword = Callable[[str, str], bool]
type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class DoorRules:
    """The relay settings the door enforces."""

    allowed_networks: tuple[Network, ...]
    max_recipients: int
    max_connections_per_client: int
    session_timeout_seconds: float
    auth_failures_allowed: int
    auth_failure_window_seconds: float
    # The whole DATA transfer, from 354 to the final dot; the idle timeout still bounds each
    # pause in it.
    data_timeout_seconds: float = RelaySettings.model_fields["data_timeout_seconds"].default
    # A client relaying because of its network (not a login) may send only as these domains
    # and their subdomains (sender_domains.py); none given, only bounces (MAIL FROM:<>).
    sender_domains: tuple[str, ...] = ()
    # Clients on these networks relay as any sender, as all allowed networks once did.
    any_sender_networks: tuple[Network, ...] = ()

    @staticmethod
    def networks(values: Iterable[str]) -> tuple[Network, ...]:
        return tuple(ipaddress.ip_network(v, strict=False) for v in values)


class RelayHandler:
    """aiosmtpd handler: the relay's answers to MAIL, RCPT, DATA and AUTH."""

    def __init__(
        self,
        rules: DoorRules,
        store: StoreMessage,
        stored: Callable[[uuid.UUID], None],
        check_password: CheckPassword | None = None,
    ) -> None:
        self.rules = rules
        self._store = store
        self._stored = stored
        self._check_password = check_password
        self._senders = SenderDomains(rules.sender_domains)
        self.login_attempts = LoginAttempts(
            rules.auth_failures_allowed, rules.auth_failure_window_seconds
        )
        # Threads are started on the first check, not here.
        self._password_checks = ThreadPoolExecutor(
            max_workers=PASSWORD_CHECK_THREADS, thread_name_prefix="confide-password-check"
        )
        # Open connections per client address, kept by ``RelayServer``.
        self.open_connections: Counter[str] = Counter()

    def may_relay(self, session: Session) -> bool:
        """Whether the client is on an allowed network or has authenticated."""
        if session.authenticated:
            return True
        address = _client_address(session)
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.rules.allowed_networks)

    def sends_only_as_ours(self, session: Session) -> bool:
        """Whether the client relays because of its network, not a login, and so may send
        only as the organisation's domains (a client that may not relay at all is refused
        at RCPT instead)."""
        if session.authenticated or not self.may_relay(session):
            return False
        ip = ipaddress.ip_address(_client_address(session))  # may_relay has parsed it
        return not any(ip in network for network in self.rules.any_sender_networks)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = sender_refusal(address)
        if refusal is not None:
            log.warning("sender address refused client=%s", _client_address(session))
            return refusal
        if self.sends_only_as_ours(session):
            refusal = self._senders.envelope_refusal(address, _client_address(session))
            if refusal is not None:
                return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not self.may_relay(session):
            log.warning("relay refused client=%s", _client_address(session))
            return RELAY_DENIED
        refusal = recipient_refusal(address)
        if refusal is not None:
            log.warning("recipient address refused client=%s", _client_address(session))
            return refusal
        if len(envelope.rcpt_tos) >= self.rules.max_recipients:
            return TOO_MANY_RECIPIENTS
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if not self.may_relay(session):  # RCPT already refused; this is belt and braces
            return RELAY_DENIED
        try:
            # One thread for both (each hand-over to a thread and back costs the event loop
            # and the kernel more than the check): a long header is parsed off the loop.
            refused_or_stored = await asyncio.to_thread(
                self._refused_or_stored, envelope, session, self.sends_only_as_ours(session)
            )
        except Exception as exc:  # noqa: BLE001  # any storage failure: the client retries
            log.error("could not store a message (%s); answered 451", type(exc).__name__)
            return OUR_FAULT
        if isinstance(refused_or_stored, str):
            return refused_or_stored
        message_id = refused_or_stored
        log.info(
            "stored id=%s recipients=%d bytes=%d",
            message_id,
            len(envelope.rcpt_tos),
            len(envelope.original_content or b""),
        )
        self._stored(message_id)
        return f"250 2.0.0 Ok: queued as {message_id}"

    def _refused_or_stored(
        self, envelope: Envelope, session: Session, check_from: bool
    ) -> str | uuid.UUID:
        """The reply refusing the message for its From field (when ``check_from``), or the
        id it was stored under. Runs in a worker thread."""
        if check_from:
            refusal = self._senders.header_refusal(
                envelope.original_content or b"", _client_address(session)
            )
            if refusal is not None:
                return refusal
        return self._store(envelope, session)

    async def handle_exception(self, error: Exception) -> str:
        log.error("SMTP session error (%s); answered 451", type(error).__name__)
        return OUR_FAULT

    async def auth_PLAIN(self, server: SMTP, args: list[str]) -> AuthResult:
        """AUTH PLAIN, with the password checked off the event loop."""
        credentials = await _plain_credentials(server, args)
        if credentials is None:
            return AuthResult(success=False, handled=True)
        return await self._authenticate(server, credentials)

    async def auth_LOGIN(self, server: SMTP, args: list[str]) -> AuthResult:
        """AUTH LOGIN, with the password checked off the event loop."""
        credentials = await _login_credentials(server, args)
        if credentials is None:
            return AuthResult(success=False, handled=True)
        return await self._authenticate(server, credentials)

    async def _authenticate(self, server: SMTP, credentials: LoginPassword) -> AuthResult:
        client = _client_address(server.session)
        if not self.login_attempts.may_check(client):
            log.warning("auth throttled client=%s", client)
            return AuthResult(success=False, handled=False, message=AUTH_THROTTLED)
        login = credentials.login.decode("utf-8", "replace")
        password = credentials.password.decode("utf-8", "replace")
        good = (
            self._check_password is not None
            and await asyncio.get_running_loop().run_in_executor(
                self._password_checks, self._check_password, login, password
            )
        )
        if not good:
            log.warning("auth failed client=%s", client)
            return AuthResult(success=False, handled=False)
        self.login_attempts.succeeded(client)
        return AuthResult(success=True, auth_data=credentials)


class RelayServer(SMTP):
    """aiosmtpd's SMTP with a per-client connection cap and a total session time limit.

    It overrides and uses private names of SMTP, so aiosmtpd is pinned below its next minor
    version (pyproject.toml) and tests/gateway/relay/test_aiosmtpd_private_api.py checks them.
    """

    def __init__(self, handler: RelayHandler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._rules = handler.rules
        self._open = handler.open_connections
        self._client = ""
        self._refusal: str | None = None
        self._deadline: asyncio.TimerHandle | None = None
        # Set from the 354 until the final dot of a DATA transfer.
        self._data_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        first = self._original_transport is None  # STARTTLS calls this again, same client
        super().connection_made(transport)
        if not first or self._client:
            return
        self._client = _client_address(self.session)
        self._open[self._client] += 1
        if self._open[self._client] > self._rules.max_connections_per_client:
            self._refusal = TOO_MANY_CONNECTIONS
            log.warning("connection refused client=%s (too many)", self._client)
        self._deadline = self.loop.call_later(
            self._rules.session_timeout_seconds, self._session_expired
        )

    def connection_lost(self, error: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._data_transfer_ended()
        if self._client:
            self._open[self._client] -= 1
            if self._open[self._client] <= 0:
                del self._open[self._client]
            self._client = ""
        super().connection_lost(error)

    def eof_received(self) -> bool | None:
        # The client is gone: close our side too, so connection_lost runs and the client's
        # connection count goes down (aiosmtpd would keep a half-closed socket open).
        super().eof_received()
        return False

    async def _handle_client(self) -> None:
        # aiosmtpd has no hook before its greeting; refusing here sends 421 instead of 220.
        if self._refusal is not None:
            await self.push(self._refusal)
            if self.transport is not None:
                self.transport.close()
            return
        await super()._handle_client()

    def _session_expired(self) -> None:
        log.info("session time limit client=%s", self._client)
        self._close_with(SESSION_TOO_LONG)

    @syntax("STARTTLS", when="tls_context")
    async def smtp_STARTTLS(self, arg: str) -> None:
        # aiosmtpd would wrap TLS inside TLS and fail with a traceback (RFC 3207 section 4.2:
        # a client must not ask twice).
        if self._tls_protocol is not None:
            await self.push(ALREADY_TLS)
            return
        await super().smtp_STARTTLS(arg)

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        # aiosmtpd parses the address of each MAIL and RCPT afresh with the email package
        # (defining a class to do it): a twentieth of a millisecond each time, for the same
        # few addresses over and over. Its answer for an argument is remembered; for a plain
        # address followed by parameters (MAIL's SIZE is each message's own), the answer for
        # the address alone, the parameters after it as aiosmtpd's parse leaves them.
        plain = _ADDRESS_AND_PARAMETERS.fullmatch(arg)
        if plain is None:
            return _PARSED_ADDRESSES.parsed(arg, self.local_part_limit, super()._getaddr)
        address, _ = _PARSED_ADDRESSES.parsed(
            plain["address"], self.local_part_limit, super()._getaddr
        )
        return (None, None) if address is None else (address, plain["parameters"])

    @syntax("RCPT TO: <address>", extended=" [SP <mail-parameters>]")
    async def smtp_RCPT(self, arg: str | None) -> None:
        # aiosmtpd drops a source route and hands the handler the address at its end.
        if _has_source_route(arg):
            await self.push(RECIPIENT_ROUTED)
            return
        await super().smtp_RCPT(arg)

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        # The idle timeout is reset by each chunk received during the transfer (aiosmtpd
        # resets it only per command), and the whole transfer has its own limit.
        self._data_deadline = self.loop.call_later(
            self._rules.data_timeout_seconds, self._data_transfer_expired
        )
        try:
            await super().smtp_DATA(arg)
        finally:
            self._data_transfer_ended()

    def data_received(self, data: bytes) -> None:
        if self._data_deadline is not None:
            self._reset_timeout()
        super().data_received(data)

    async def _call_handler_hook(self, command: str, *args: Any) -> Any:
        if command == "DATA":  # the final dot has arrived; storing is not transfer time
            self._data_transfer_ended()
        return await super()._call_handler_hook(command, *args)

    def _data_transfer_ended(self) -> None:
        if self._data_deadline is not None:
            self._data_deadline.cancel()
            self._data_deadline = None

    def _data_transfer_expired(self) -> None:
        self._data_deadline = None
        log.info("data transfer time limit client=%s", self._client)
        self._close_with(DATA_TOO_LONG)

    def _close_with(self, reply: str) -> None:
        transport = self.transport
        if isinstance(transport, asyncio.WriteTransport):
            transport.write(reply.encode() + b"\r\n")
            transport.close()


class _ParsedAddresses:
    """aiosmtpd's parse of a MAIL or RCPT argument, remembered: at most
    ``REMEMBERED_ADDRESSES``, forgotten all at once when full. Used from the event loop's
    thread only."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, int], tuple[str | None, str | None]] = {}

    def parsed(
        self, arg: str, local_part_limit: int, parse: Callable[[str], tuple[str | None, str | None]]
    ) -> tuple[str | None, str | None]:
        key = (arg, local_part_limit)  # the parse depends on the argument and the limit only
        found = self._parsed.get(key)
        if found is None:
            if len(self._parsed) >= REMEMBERED_ADDRESSES:
                self._parsed.clear()
            found = self._parsed[key] = parse(arg)
        return found


_PARSED_ADDRESSES = _ParsedAddresses()
# An address in angle brackets with nothing in it that the email package parses specially
# (quotes, comments, a route, a literal, spaces), one space, and parameters that start with a
# letter or digit and hold no comment: the email package's answer for the address is the same
# with the parameters as without, and leaves the parameters after the one space.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_ADDRESS_AND_PARAMETERS = re.compile(
    rf"(?P<address><{_ATEXT}+(?:\.{_ATEXT}+)*@{_ATEXT}+(?:\.{_ATEXT}+)*>)"
    r" (?P<parameters>[A-Za-z0-9][\x21-\x27\x2a-\x7e ]*)"
)


@functools.lru_cache(maxsize=REMEMBERED_ADDRESSES)
def _has_source_route(arg: str | None) -> bool:
    """Whether a ``RCPT`` argument (``TO:<@a,@b:user@domain>``) names a source route."""
    if arg is None or arg[:3].upper() != "TO:":
        return False
    written = arg[3:].lstrip()
    if not written.startswith("<"):
        return False
    try:
        angle_address, _ = get_angle_addr(written)
    except Exception:  # noqa: BLE001  # unparsable: aiosmtpd refuses it itself
        return False
    return bool(angle_address.route)


def _client_address(session: Session | None) -> str:
    peer = session.peer if session is not None else None
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "")


async def _plain_credentials(server: SMTP, args: list[str]) -> LoginPassword | None:
    """The login and password of AUTH PLAIN (RFC 4616), or ``None`` after answering a bad one."""
    blob = await _initial_or_challenge(server, args, b"")
    if blob is None:
        return None
    parts = blob.split(b"\x00")
    if len(parts) != 3:
        await server.push("501 5.5.2 Can't split auth value")
        return None
    return LoginPassword(parts[1], parts[2])


async def _login_credentials(server: SMTP, args: list[str]) -> LoginPassword | None:
    """The login and password of AUTH LOGIN, or ``None`` after answering a bad one."""
    login = await _initial_or_challenge(server, args, b"User Name\x00")
    if login is None:
        return None
    password = await server.challenge_auth(b"Password\x00")
    if not isinstance(password, bytes):
        return None
    return LoginPassword(login, password)


async def _initial_or_challenge(server: SMTP, args: list[str], challenge: bytes) -> bytes | None:
    if len(args) == 1:
        blob = await server.challenge_auth(challenge)
        return blob if isinstance(blob, bytes) else None
    try:
        return base64.b64decode(args[1].encode(), validate=True)
    except binascii.Error:
        await server.push("501 5.5.2 Can't decode base64")
        return None
