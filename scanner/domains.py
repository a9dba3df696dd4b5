"""Whether an address is the organisation's own: the one test of "internal" that the policy
engine (which rules apply to a recipient) and the relay (what a sender's notice may say)
both use."""

from __future__ import annotations

from collections.abc import Iterable


def is_internal(address: str, internal_domains: Iterable[str]) -> bool:
    """Whether ``address``'s domain is one of ``internal_domains`` or a subdomain of one,
    in any case: "a@Mail.Carers.example" is internal to "carers.example"."""
    domain = address.strip().lower().rpartition("@")[2]
    return any(domain == d.lower() or domain.endswith("." + d.lower()) for d in internal_domains)
