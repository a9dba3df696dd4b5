"""is_internal: an address is the organisation's own when its domain is an internal domain or
a subdomain of one, in any case; nothing else is."""

from __future__ import annotations

import pytest

from scanner.domains import is_internal

DOMAINS = ("Carers.example", "riverside.example.org")


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("priya@carers.example", True),
        ("Priya@CARERS.EXAMPLE", True),
        (" priya@carers.example ", True),
        ("priya@mail.carers.example", True),
        ("priya@riverside.example.org", True),
        ("priya@notcarers.example", False),
        ("priya@carers.example.evil.test", False),
        ("priya@example", False),
        ("", False),
    ],
)
def test_internal_addresses(address: str, internal: bool) -> None:
    """Table: address in, whether it is internal out."""
    assert is_internal(address, DOMAINS) is internal


def test_no_internal_domains_means_nothing_is_internal() -> None:
    """An organisation with no internal domains has no internal addresses."""
    assert not is_internal("priya@carers.example", ())
