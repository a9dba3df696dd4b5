"""The key that seals stored messages: a relay never makes a new one over sealed mail."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from tests.e2e.conftest import COLLEAGUE, CONFIDE, Relay, Sink, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEWSLETTER = b"From: a@riverside-carers.example.org\r\nSubject: tea\r\n\r\nTea on Friday.\r\n"


def test_a_missing_key_file_over_stored_mail_stops_the_relay(
    make_relay: Callable[..., Relay], sink: Sink
):
    """Restarted without its key file while the database holds sealed messages, the relay
    refuses to start with one line naming the file, instead of making a new key that can
    never open them; with the key back, the mail goes out."""
    relay = make_relay(sink.port)
    relay.send(NEWSLETTER, [COLLEAGUE])
    wait_for(lambda: sink.handler.to(COLLEAGUE))
    relay.stop()
    key = relay.folder / "var" / "confide.key"
    hidden = key.with_name("confide.key.aside")
    key.rename(hidden)
    started = subprocess.run(
        [str(CONFIDE), "relay", "--listen", f"127.0.0.1:{relay.port}"],
        cwd=relay.folder, env=relay.env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert started.returncode == 2, started.stderr
    line = started.stderr.strip().splitlines()[-1]
    assert "Traceback" not in started.stderr
    assert line.startswith("confide: cannot start:"), started.stderr
    assert "confide.key is missing" in line
    assert not key.exists()
    hidden.rename(key)
    relay.start()
