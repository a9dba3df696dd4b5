"""``DATABASE_URL`` read into Django's database settings, or a ``ConfigError`` saying in one
line what is wrong with it: an unknown scheme (the known ones listed), or a user name or
password with a character that must be percent-encoded. The URL itself is never repeated:
it holds the password.

dj_database_url reads the URL as RFC 3986 does: the host ends at the first ``/``, so a
password such as ``pa/ss`` either fails to parse or, worse, parses as another host and port
(``postgres://confide:12/ss@db/confide`` is host ``confide``, port 12), and confide would
then say it cannot reach a server nobody named.
"""

from __future__ import annotations

import re
from typing import Any

import dj_database_url

from gateway.config import ConfigError

# The schemes confide runs on: the PostgreSQL spellings dj_database_url knows, and SQLite.
KNOWN_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
# What ends the host and port (RFC 3986, section 3.2).
_AFTER_AUTHORITY = re.compile(r"[/?#]")
# libpq's own TCP settings on every connection to PostgreSQL (Django's, the node name's, the
# health check's): a connection cut off without a word (a firewall or NAT dropping it, a
# failover that leaves the old address silent) fails within about a minute rather than
# after the system's defaults, two hours idle (keepalives) or some fifteen minutes of
# retransmission with a query unanswered (tcp_user_timeout, in milliseconds, bounds the
# wait for the server to acknowledge what was sent, not for a slow query's answer). Over
# TCP only; DATABASE_URL's ?keepalives_idle=N and the like set others.
POSTGRES_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,
}
ENCODE = (
    "special characters in the user name or password must be percent-encoded "
    "(/ as %2F, ? as %3F, # as %23, @ as %40, : as %3A, % as %25)"
)


def database_settings(url: str | None, default: str, **options: Any) -> dict[str, Any]:
    """Django's settings for the database ``url`` names (``default`` when it is unset),
    given ``options`` as dj_database_url takes them."""
    if url is None:
        return dict(dj_database_url.parse(default, **options))
    if not url.strip():
        raise ConfigError("DATABASE_URL is set but empty: unset it to use SQLite in data_dir")
    scheme = _SCHEME.match(url)
    if scheme is None or scheme[1].lower() not in KNOWN_SCHEMES:
        named = f"scheme {scheme[1]!r}" if scheme else "no scheme"
        raise ConfigError(
            f"DATABASE_URL has {named}, which confide does not know: it takes "
            f"{', '.join(s + '://' for s in KNOWN_SCHEMES)} (for example "
            "postgres://USER:PASSWORD@HOST:5432/NAME)"
        )
    rest = url[scheme.end() :]
    host_end = _AFTER_AUTHORITY.search(rest)
    after_host = rest[host_end.start() :] if host_end else ""
    # An @ after the host's end: part of the user name or password was read as the host.
    if scheme[1].lower() != "sqlite" and "@" in after_host.partition("?")[0]:
        raise ConfigError(f"DATABASE_URL cannot be read: {ENCODE}")
    try:
        return dict(dj_database_url.parse(url, **options))
    except ValueError:  # dj_database_url's ParseError: an unencoded character
        raise ConfigError(f"DATABASE_URL cannot be read: {ENCODE}") from None
