"""Who may read ``/metrics``: a scrape bearing the configured token, or one from an allowed
network. Neither configured: nobody (the counts say how much mail is held and how old)."""

from __future__ import annotations

import hmac
import ipaddress

from gateway.config import MetricsSettings, StartupError


def metrics_token(metrics: MetricsSettings) -> str:
    """The token in force: ``token``, else the first line of ``token_file``, else ""."""
    if metrics.token or metrics.token_file is None:
        return metrics.token
    try:
        return metrics.token_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise StartupError(
            f"cannot read metrics.token_file {metrics.token_file}: {exc.strerror}"
        ) from None


def metrics_enabled(metrics: MetricsSettings) -> bool:
    return bool(metrics_token(metrics) or metrics.allowed_networks)


def may_scrape(metrics: MetricsSettings, authorization: str, client_address: str) -> bool:
    """True if ``authorization`` is "Bearer <the token>" or the client is on an allowed
    network; the token is compared in constant time."""
    token = metrics_token(metrics)
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
