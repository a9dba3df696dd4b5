"""What the relay relies on in aiosmtpd beyond its public API is still there, as the relay
expects it.

``RelayServer`` (gateway/relay/receiving.py) overrides, calls and reads private names of
aiosmtpd's ``SMTP``; any aiosmtpd release may change them. pyproject.toml pins aiosmtpd below
its next minor version, and an upgrade that changes one of these fails here by name, instead
of the connection cap or the DATA time limit quietly ceasing to work.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Iterator

import pytest
from aiosmtpd.smtp import SMTP

from gateway.relay.receiving import RelayServer

# Private methods of SMTP the relay overrides or calls, with their parameters as the relay
# passes them (annotations aside), and whether they are coroutines.
_METHODS = {
    # Overridden: connection_made runs it as the session's task; the relay refuses a client
    # over its connection cap there, before the greeting.
    "_handle_client": ("(self)", True),
    # Overridden: called with "DATA" when the final dot has come; the relay stops the
    # transfer's timer there.
    "_call_handler_hook": ("(self, command, *args)", True),
    # Called with no argument for each chunk of a DATA transfer: it restarts the idle timeout.
    "_reset_timeout": ("(self, duration=None)", False),
    # Overridden and called: the parse of each MAIL and RCPT argument, which the relay
    # remembers.
    "_getaddr": ("(self, arg)", False),
}
# Private attributes the relay reads: both None until STARTTLS has run.
_ATTRIBUTES = ("_original_transport", "_tls_protocol")


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop for constructing servers; nothing runs on it."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _parameters(method: object) -> str:
    signature = inspect.signature(method)  # type: ignore[arg-type]
    plain = [p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=plain, return_annotation=inspect.Signature.empty))


@pytest.mark.parametrize("name", sorted(_METHODS))
def test_each_private_method_the_relay_uses_has_the_signature_it_expects(name: str) -> None:
    """SMTP still has the private method, taking the parameters the relay gives it."""
    parameters, coroutine = _METHODS[name]
    method = getattr(SMTP, name, None)
    assert method is not None, f"aiosmtpd's SMTP no longer has {name}"
    assert _parameters(method) == parameters
    assert inspect.iscoroutinefunction(method) is coroutine


@pytest.mark.parametrize("name", _ATTRIBUTES)
def test_each_private_attribute_the_relay_reads_starts_as_none(
    name: str, loop: asyncio.AbstractEventLoop
) -> None:
    """A new SMTP server has the attribute, None before any STARTTLS."""
    server = SMTP(handler=object(), loop=loop)
    assert name in vars(server), f"aiosmtpd's SMTP no longer sets {name}"
    assert getattr(server, name) is None


def test_the_relay_uses_no_other_private_name_of_aiosmtpd(
    loop: asyncio.AbstractEventLoop,
) -> None:
    """Every other private name RelayServer defines or uses is its own: aiosmtpd has none of
    that name, so an aiosmtpd that adds one (a ``_client`` of its own) is not overwritten by
    ours, and a new reliance on aiosmtpd's privates is listed here and in pyproject.toml."""
    aiosmtpd_names = set(dir(SMTP)) | set(vars(SMTP(handler=object(), loop=loop)))
    defined = {name for name in vars(RelayServer) if re.match(r"_[a-z]", name)}
    used = set(re.findall(r"\bself\.(_[a-z]\w*)", inspect.getsource(RelayServer)))
    relay_names = defined | used
    assert relay_names & aiosmtpd_names == {*_METHODS, *_ATTRIBUTES}
