"""Whether the upstream MTA takes connections: a TCP connect with a short timeout, its
answer kept for a while so that a probe every few seconds does not knock on it each time."""

from __future__ import annotations

import socket
import threading
import time

from gateway.config import UpstreamSettings

# A readiness probe must answer quickly (Docker's and Kubernetes' default timeouts are 1-30 s).
CONNECT_TIMEOUT_SECONDS = 2.0
# How long an answer stands: short enough to notice an outage within a probe or two.
CACHE_SECONDS = 30.0

_lock = threading.Lock()
_cache: dict[tuple[str, int], tuple[float, bool]] = {}


def upstream_reachable(upstream: UpstreamSettings) -> bool:
    """True if the upstream accepted a TCP connection within the last ``CACHE_SECONDS``."""
    key = (upstream.host, upstream.port)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        with socket.create_connection(key, timeout=CONNECT_TIMEOUT_SECONDS):
            reachable = True
    except OSError:
        reachable = False
    with _lock:
        _cache[key] = (now, reachable)
    return reachable


def forget_answers() -> None:
    """Drop the kept answers (for tests that change the upstream)."""
    with _lock:
        _cache.clear()
