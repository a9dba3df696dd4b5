"""Every connection to PostgreSQL carries libpq's TCP keepalives and user timeout
(``gateway.database_url.POSTGRES_KEEPALIVES``), so that one cut off without a word fails
within about a minute rather than hours: read back from the connection's own socket."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.db import connection

from gateway import database

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]


def _tcp_settings(raw: Any) -> dict[str, int]:
    """The keepalive and user-timeout options the kernel holds for ``raw``'s socket."""
    with socket.socket(fileno=socket.dup(raw.fileno())) as sock:
        return {
            "keepalive": sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
            "idle": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
            "interval": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
            "count": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
            "user_timeout_ms": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT),
        }


EXPECTED = {"keepalive": 1, "idle": 30, "interval": 10, "count": 3, "user_timeout_ms": 60_000}


def test_django_and_the_node_names_connections_carry_tcp_keepalives():
    """Django's connection and one made as the node name's keeper makes its own both have
    keepalives after 30 s idle, every 10 s, given up after 3, and a 60 s user timeout."""
    if connection.vendor != "postgresql" or not connection.settings_dict["HOST"]:
        pytest.skip("libpq's TCP settings: PostgreSQL over TCP")
    connection.ensure_connection()
    assert _tcp_settings(connection.connection) == EXPECTED
    keeper = database._keeper_connection(
        {**connection.get_connection_params(), "connect_timeout": 2}
    )
    try:
        assert _tcp_settings(keeper) == EXPECTED
    finally:
        keeper.close()
