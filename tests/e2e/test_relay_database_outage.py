"""The database server drops the relay's connections (a restart, a failover): the relay
connects again and goes on taking and delivering mail, without being restarted."""

from __future__ import annotations

import smtplib
import time

import pytest
from django.db import connection

from tests.e2e.conftest import Relay, Sink, wait_for
from tests.e2e.test_relay_delivery import ALICE, plain_message

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

# Each of the relay's threads and workers may find its connection broken once (that piece of
# work fails as in any outage: the client is answered 451, a scan or delivery is retried).
ATTEMPTS = 20


def _drop_the_relays_connections() -> int:
    """Terminate every other session on the test database, as a server restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (terminated,) = cursor.fetchone()
    return int(terminated)


def _send_until_accepted(relay: Relay, content: bytes) -> int:
    """Send as an MTA would, again after each 451; the number of tries it took."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            relay.send(content, [ALICE])
        except smtplib.SMTPDataError as refused:
            if refused.smtp_code != 451:
                raise
            time.sleep(0.2)
            continue
        return attempt
    pytest.fail(f"still refused after {ATTEMPTS} tries:\n{relay.log_text()}")


@pytest.fixture(autouse=True)
def _on_postgresql() -> None:
    """On SQLite, skip before the relay fixture starts a relay for nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("a dropped server connection is a PostgreSQL matter (SQLite is a file)")


def test_the_relay_recovers_when_the_database_drops_its_connections(relay: Relay, sink: Sink):
    before = plain_message("Before the restart")
    relay.send(before, [ALICE])
    wait_for(lambda: sink.handler.to(ALICE), what="the first copy")

    assert _drop_the_relays_connections() >= 2  # the relay's and its scanning worker's

    after = plain_message("After the restart")
    _send_until_accepted(relay, after)
    wait_for(lambda: len(sink.handler.to(ALICE)) == 2, what="the copy sent after the restart")
    subjects = [m.content.split(b"Subject: ")[1].split(b"\r\n")[0] for m in sink.handler.to(ALICE)]
    assert subjects == [b"Before the restart", b"After the restart"]
    assert not relay.died()
