"""Whom a client that relays because of its network (not a login) may send as: the
organisation's own domains, in MAIL FROM and in the From field, or the null sender.

Microsoft 365 and Google Workspace send every customer's mail from the same addresses, so
an allowed network says only "some tenant of that provider"; the sender's domain is what
keeps another tenant from relaying through this organisation's confide. A domain matches
as ``scanner.domains.is_internal`` has it: itself or any subdomain of it.

Each check returns the SMTP reply refusing the sender, or ``None``. No reply or log line
holds any part of the address: a domain can be personal data too (a family's own domain).
"""

from __future__ import annotations

import email.policy
import functools
import logging
import re
from dataclasses import dataclass
from email.parser import BytesHeaderParser

from gateway.relay.envelope_addresses import REMEMBERED_ADDRESSES
from scanner.domains import is_internal
from scanner.mime_parts import DEFAULT_POLICY

log = logging.getLogger("confide.relay")

NULL_SENDER = "<>"
# The domains a refusal names, at most: keeps it within RFC 5321's 512-octet reply line
# (section 4.5.3.1.5).
_NAMED_CHARACTERS = 300
# Where the header ends as the email package reads it (CRLF, a bare CR and a bare LF each end
# a line, as in the copies confide writes): the first empty line.
_HEADER_END = re.compile(rb"\n\n|\r\r|\n\r")

# A From field's authors, remembered for fields up to a line long (RFC 5322's 998
# characters): parsing one with the email package costs about a tenth of a millisecond, and
# a relay sees the same few senders over and over.
_REMEMBERED_FIELD_LENGTH = 998

NO_FROM_FIELD = (
    "550 5.7.1 The message has no From field this relay can read; this relay sends only "
    "for {domains}"
)


@dataclass(frozen=True)
class SenderDomains:
    """The domains (and their subdomains) that clients relaying by network may send as."""

    domains: tuple[str, ...]

    def envelope_refusal(self, address: str, client: str) -> str | None:
        """The reply refusing MAIL FROM ``address``, or ``None``; the null sender (bounces,
        delivery notices) is accepted."""
        if address == NULL_SENDER or self._ours(address):
            return None
        log.warning("sender domain refused client=%s", client)
        return self._refusal("sender domain not ours")

    def header_refusal(self, content: bytes, client: str) -> str | None:
        """The reply refusing a message whose From field names anyone outside the domains,
        or names no one, or cannot be read; ``None`` when every author is ours."""
        end = _HEADER_END.search(content)
        try:
            # The header split into fields as the default policy splits it (the two policies
            # share header_source_parse), but only the From fields parsed as the default
            # policy parses them: reading the whole header with it parsed Content-Type too,
            # most of this check's cost, for every message.
            header = BytesHeaderParser(policy=email.policy.compat32).parsebytes(
                content[: end.end() + 2] if end else content
            )
            addresses = [
                address
                for name, value in header.raw_items()
                if name.lower() == "from"
                for address in _authors(name, value)
            ]
        except Exception:  # noqa: BLE001  # whatever the email package cannot read, we refuse
            addresses = []
        if not addresses:
            log.warning("message refused client=%s (no readable From field)", client)
            return NO_FROM_FIELD.format(domains=self._named())
        for address in addresses:
            if not self._ours(address):
                log.warning("From domain refused client=%s", client)
                return self._refusal("the From field names a sender whose domain is not ours")
        return None

    def _ours(self, address: str) -> bool:
        return "@" in address and is_internal(address, self.domains)

    def _refusal(self, what: str) -> str:
        return f"550 5.7.1 {what[:1].upper()}{what[1:]}; this relay sends only for {self._named()}"

    def _named(self) -> str:
        if not self.domains:
            return "no domain (organisation.internal_domains is empty)"
        named: list[str] = []
        for domain in self.domains:
            if sum(len(d) + 2 for d in named) + len(domain) > _NAMED_CHARACTERS:
                break
            named.append(domain)
        more = len(self.domains) - len(named)
        return ", ".join(named) + " and their subdomains" + (f" (and {more} more)" if more else "")


def _authors(name: str, value: str) -> tuple[str, ...]:
    """The addresses a From field names (``name`` as written, ``value`` unfolded or not),
    as the default policy parses it."""
    if len(value) > _REMEMBERED_FIELD_LENGTH:
        return _parsed_authors.__wrapped__(name, value)
    return _parsed_authors(name, value)


@functools.lru_cache(maxsize=REMEMBERED_ADDRESSES)
def _parsed_authors(name: str, value: str) -> tuple[str, ...]:
    field = DEFAULT_POLICY.header_fetch_parse(name, value)
    return tuple(address.addr_spec for address in field.addresses)
