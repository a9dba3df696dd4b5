"""Stopping `confide run` with SIGTERM, as a service manager does: the relay drains, the
review web server stops too, and no process it started outlives it."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.e2e.conftest import CONFIDE, SENDER, Sink, free_port, wait_for, write_config
from tests.e2e.test_relay_delivery import ALICE, plain_message
from tests.e2e.test_relay_shutdown import STOP_SECONDS, not_json, still_running

pytestmark = pytest.mark.slow


def test_sigterm_stops_the_relay_the_web_server_and_every_child(tmp_path: Path, sink: Sink):
    """After a message went through (scanning worker, its fork server and extraction worker
    running) and the review pages answered, SIGTERM to `confide run` alone: exit 0 within the
    bound, no traceback and nothing but JSON lines on stderr, both ports closed, and none of
    its processes left by the time it has exited."""
    config = write_config(tmp_path, sink.port)
    review = next(
        line.split('"')[1] for line in config.read_text().splitlines() if "listen" in line
    )
    relay_port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CONFIDE_CONFIG"] = str(config)
    env["CONFIDE_LOGGING__FORMAT"] = "json"  # as under a service manager
    log = tmp_path / "run.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(CONFIDE), "run", "--init", "--listen", f"127.0.0.1:{relay_port}"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_for(lambda: "relay started" in log.read_text(), timeout=60, what="the relay")
        with urllib.request.urlopen(f"http://{review}/login/", timeout=10) as page:
            assert page.status == 200
        with smtplib.SMTP("127.0.0.1", relay_port, timeout=30) as client:
            client.sendmail(SENDER, [ALICE], plain_message())
        wait_for(lambda: sink.handler.to(ALICE), what="the delivery")
        started = psutil.Process(process.pid).children(recursive=True)
        assert len(started) >= 3
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=STOP_SECONDS + 30)
        took = time.monotonic() - began
        alive = still_running(started)
    finally:
        process.kill()
    text = log.read_text()
    assert status == 0, text[-2000:]
    assert took < STOP_SECONDS
    assert alive == []
    assert "Traceback" not in text
    assert not_json(text) == []
    for port in (relay_port, int(review.rsplit(":", 1)[1])):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
