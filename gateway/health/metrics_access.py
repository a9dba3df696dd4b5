"""Who may read ``/metrics``: a scrape bearing the configured token, or one whose connection
comes from an allowed network. Neither configured: nobody (the counts say how much mail is
held and how old).

The network is checked against the address the connection itself comes from, never one a
header names: behind the TLS proxy, waitress puts the X-Forwarded-For address in
``REMOTE_ADDR``, and any process on the machine can connect as the proxy does and send that
header. The web server keeps the connection's own address under ``CONNECTION_ADDRESS``.
"""

from __future__ import annotations

import hmac
import ipaddress

from gateway.config import MetricsSettings

# The WSGI environ key holding the address of the connection a request came over.
CONNECTION_ADDRESS = "confide.connection_address"


def metrics_enabled(metrics: MetricsSettings) -> bool:
    return bool(metrics.bearer_token() or metrics.allowed_networks)


def may_scrape(metrics: MetricsSettings, authorization: str, client_address: str) -> bool:
    """True if ``authorization`` is "Bearer <the token>" or ``client_address`` (the
    connection's own) is on an allowed network; the token is compared in constant time."""
    token = metrics.bearer_token()
    scheme, _, offered = authorization.partition(" ")
    bearer = token and scheme.lower() == "bearer"
    if bearer and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in metrics.allowed_networks
    )
