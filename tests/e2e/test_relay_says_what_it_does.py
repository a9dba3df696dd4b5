"""`confide run --init` as `make run` starts it, at the default log level: it says where mail
goes in and out, logs one line per message with ids, counts and rules (never an address's
local part or the content), and warns once when the upstream stops answering."""

from __future__ import annotations

import os
import smtplib
import subprocess
import time
from pathlib import Path

from tests.e2e.conftest import (
    COLLEAGUE,
    CONFIDE,
    NOT_CONSENTED,
    SENDER,
    Sink,
    free_port,
    wait_for,
    write_config,
)

NHS_MESSAGE = (
    f"From: {SENDER}\r\nTo: {NOT_CONSENTED}, {COLLEAGUE}\r\nSubject: Referral\r\n\r\n"
    "Mrs Okafor's NHS number is 943 476 5919; she is diabetic.\r\n"
).encode()


def test_run_announces_logs_each_message_and_warns_once_when_upstream_fails(
    tmp_path: Path, sink: Sink
):
    """Start-up lines, a per-message line without addresses, one upstream WARNING."""
    config = write_config(tmp_path, sink.port)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CONFIDE_LOG_LEVEL")}
    env["CONFIDE_CONFIG"] = str(config)
    log = tmp_path / "run.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(CONFIDE), "run", "--init", "--listen", f"127.0.0.1:{port}"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        assert process.stdout is not None
        announced = process.stdout.readline()
        assert announced == (
            f"confide is running: send mail by SMTP to 127.0.0.1:{port}; what it releases "
            f"goes to 127.0.0.1:{sink.port}. Ctrl-C stops it.\n"
        )
        text = log.read_text()
        assert f"database: {tmp_path / 'var' / 'confide.sqlite3'}" in text
        assert (
            f"listening on 127.0.0.1:{port}, delivering to 127.0.0.1:{sink.port} (tls none), "
            f"1 scan workers, data in {tmp_path / 'var'}"
        ) in text

        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.sendmail(SENDER, [NOT_CONSENTED, COLLEAGUE], NHS_MESSAGE)
        processed = wait_for(
            lambda: [line for line in log.read_text().splitlines() if "processed id=" in line],
            what="the per-message line",
        )
        assert len(processed) == 1
        assert " INFO " in processed[0]
        assert f"bytes={len(NHS_MESSAGE)}" in processed[0]
        assert "recipients=" in processed[0]
        assert "hold:1" in processed[0]
        assert "rules=" in processed[0]
        assert "seconds=" in processed[0]
        wait_for(lambda: sink.handler.to(COLLEAGUE), what="the colleague's copy")

        sink.stop()
        for _ in range(2):
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                client.sendmail(SENDER, [COLLEAGUE], NHS_MESSAGE)
        warning = f"WARNING confide.relay.upstream upstream 127.0.0.1:{sink.port} does not answer"
        wait_for(lambda: warning in log.read_text(), what="the upstream warning")
        time.sleep(3)  # retries every 0.5-1 s meanwhile: still one warning
        text = log.read_text()
        assert text.count(warning) == 1
        assert "retried in 0.5 s, then at doubling intervals up to 1 s" in text
        sink.start()
        wait_for(lambda: "answers again" in log.read_text(), what="the upstream to answer")
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text()
    for local_part in ("priya.sharma", "advice@", "colleague@", "Okafor", "943 476"):
        assert local_part not in text
