"""Log lines: the scrubbing filter removes identifiers from what is logged, through the real
logging set-up (gateway/settings.py's LOGGING), and a real confide process writes JSON lines."""

from __future__ import annotations

import json
import logging
import os
import smtplib
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.health import log_lines
from gateway.health.log_lines import REMOVED, ScrubIdentifiers, scrubbed
from tests.gateway.conftest import CONFIDE

PERSONAL = {
    "email": "amina.begum@example.org",
    "nhs": "943 476 5919",
    "nhs_joined": "9434765919",
    "phone": "07700 900123",
    "phone_international": "+44 7700 900123",
    "postcode": "LS6 2AB",
    "ni": "QQ 12 34 56 C",
    "card": "4111 1111 1111 1111",
    "account": "12345678",
    "sort_code": "12-34-56",
}
# The same classes written as people write them: any separator, unspaced, quoted, dated.
VARIANTS = {
    "iban_unspaced": "GB82WEST12345698765432",
    "iban_spaced": "GB82 WEST 1234 5698 7654 32",
    "nhs_dotted": "943.476.5919",
    "nhs_slashed": "943/476/5919",
    "ni_dashed": "QQ-12-34-56-C",
    "ni_dotted": "QQ.12.34.56.C",
    "ni_lower": "qq 123456 c",
    "ni_joined": "QQ123456C",
    "phone_dotted": "020.7946.0018",
    "phone_bracketed": "(020) 7946 0018",
    "phone_with_zero": "+44 (0) 7700 900123",
    "phone_fullwidth": "\uff10\uff12\uff10\uff17\uff19\uff14\uff16\uff10\uff10\uff11\uff18",
    "account_seven": "1234567",
    "sort_code_spaced": "20 00 00",
    "sort_code_joined": "200000",
    "postcode_dashed": "EC1A-1BB",
    "postcode_joined": "SW1A1AA",
    "email_quoted": '"jane doe"@example.com',
    "email_literal": "jane.doe@[192.0.2.7]",
    "email_percent": "jane%doe@example.org",
    "email_at_word": "jane.doe(at)example.org",
    "dob_slashed": "14/03/1987",
    "dob_iso": "1987-03-14",
    "dob_short": "14.3.87",
    "dob_words": "14 March 1987",
    "card_joined": "4111111111111111",
}
# What the logs need and the scrubber must leave: ids, addresses, ports, times, counts.
KEPT = (
    "held id=3f2b9c1e-7a4d-4e2b-9f1a-0c5d6e7f8a9b recipients=3 on 127.0.0.1:10025 at 05:12:24",
    "id=12345678-1234-4234-8234-123456789012 copy=17 delivery=123 state=sent",
    "relay started (node ho1): listening on 0.0.0.0:25, delivering to 192.168.100.200:587",
    "last pass 2026-12-02T05:00:00.123456+00:00 took 12.50 s",
    "client=::1 purge messages=12 copies=3 kept_days=30 version 1.4.6",
    "watching folder=0 audience=staff mode=enforce observer=running",
)
MESSAGE_ID = "3f2b9c1e-7a4d-4e2b-9f1a-0c5d6e7f8a9b"


@pytest.mark.parametrize(("kind", "value"), sorted(PERSONAL.items()))
def test_scrubbed_removes_each_kind_of_identifier(kind: str, value: str) -> None:
    """Each kind of identifier, in a sentence, is replaced and the rest kept."""
    assert scrubbed(f"sent to {value} today") == f"sent to {REMOVED} today"


@pytest.mark.parametrize(("kind", "value"), sorted(VARIANTS.items()))
def test_scrubbed_removes_identifiers_however_written(kind: str, value: str) -> None:
    """An identifier written with other separators, unspaced, quoted or as a date, is
    replaced whole and the rest kept."""
    assert scrubbed(f"sent to {value} today") == f"sent to {REMOVED} today"


@pytest.mark.parametrize("line", KEPT)
def test_scrubbed_keeps_ids_counts_and_times(line: str) -> None:
    """Message and copy ids, UUIDs, IP addresses, ports, times, timestamps and small counts
    are not identifiers."""
    assert scrubbed(line) == line


def test_a_long_line_is_scrubbed_in_time_in_proportion_to_its_length() -> None:
    """A 50,000-character word (a base64 line quoted in a traceback) is scrubbed at once, not
    in time that grows with the square of its length (15 s before each class was anchored)."""
    started = time.monotonic()
    assert scrubbed("a" * 50_000 + " 943 476 5919") == "a" * 50_000 + f" {REMOVED}"
    assert time.monotonic() - started < 2


def test_numbers_passed_as_arguments_are_kept() -> None:
    """A count or size passed as a number (bytes=1234567) is the code's own figure and is
    kept, in the message and its fields; the same digits passed as text are removed."""
    record = logging.LogRecord(
        "gateway.relay",
        logging.INFO,
        __file__,
        1,
        "stored id=%s bytes=%d seconds=%.2f text=%s",
        (MESSAGE_ID, 1234567, 0.123456, "1234567"),
        None,
    )
    clean = ScrubIdentifiers().filter(record)
    assert clean.getMessage() == f"stored id={MESSAGE_ID} bytes=1234567 seconds=0.12 text={REMOVED}"
    assert clean.fields == {  # type: ignore[attr-defined]
        "id": MESSAGE_ID,
        "bytes": "1234567",
        "seconds": "0.123456",
        "text": REMOVED,
    }


def test_an_id_passed_as_a_uuid_is_kept_and_text_beside_it_scrubbed() -> None:
    """A message id passed as a ``uuid.UUID`` is set aside as numbers are, and comes out
    whole, in the message and its fields; the text beside it is still scrubbed."""
    message_id = uuid.UUID(MESSAGE_ID)
    record = logging.LogRecord(
        "gateway.relay",
        logging.INFO,
        __file__,
        1,
        "processed id=%s rules=%s note=%s",
        (message_id, "hold-special-category", PERSONAL["phone"]),
        None,
    )
    clean = ScrubIdentifiers().filter(record)
    assert clean.getMessage() == (
        f"processed id={MESSAGE_ID} rules=hold-special-category note={REMOVED}"
    )
    assert clean.fields == {  # type: ignore[attr-defined]
        "id": MESSAGE_ID,
        "rules": "hold-special-category",
        "note": REMOVED,
    }


@pytest.mark.parametrize("kind", sorted(PERSONAL))
def test_a_text_scrubbed_again_is_scrubbed_again_and_never_remembered(kind: str) -> None:
    """Texts left whole are remembered so as not to be read again; one that held something
    to remove is read afresh every time, and is not kept in the process."""
    line = f"state=sent note={PERSONAL[kind]}"
    assert scrubbed("state=sent") == scrubbed("state=sent") == "state=sent"
    first, second = scrubbed(line), scrubbed(line)
    assert first == second
    assert PERSONAL[kind] not in first
    assert line not in log_lines._CLEAN


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new Python with Django set up from gateway.settings."""
    prelude = "import django, logging; django.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "gateway.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_a_log_full_of_personal_data_comes_out_without_it(log_format: str) -> None:
    """A warning with personal data in its text, its arguments and a traceback, logged
    through confide's logging set-up, comes out with none of it and with the message id."""
    values = list(PERSONAL.values())
    done = run_python(
        f"""
        log = logging.getLogger("gateway.relay.service")
        values = {values!r}
        log.warning("held id=%s for {values[0]} " + "%s " * len(values), {MESSAGE_ID!r}, *values)
        try:
            raise ValueError("bad address " + values[0] + " nhs " + values[1])
        except ValueError:
            log.exception("could not deliver id=%s", {MESSAGE_ID!r})
        """,
        CONFIDE_LOGGING__FORMAT=log_format,
    )
    assert done.returncode == 0, done.stderr
    for value in values:
        assert value not in done.stderr, value
    assert "ValueError" in done.stderr
    assert MESSAGE_ID in done.stderr
    if log_format == "json":
        lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
        assert lines[0]["id"] == MESSAGE_ID
        assert lines[0]["level"] == "WARNING"
        assert "exception" in lines[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_confide_run(tmp_path: Path, upstream_port: int, **extra: str) -> Started:
    """`confide run --init` in ``tmp_path`` with JSON log lines, on free ports."""
    (tmp_path / "confide.toml").write_text(
        'data_dir = "var"\n[organisation]\ninternal_domains = ["riverside.example.org"]\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CONFIDE_CONFIG")}
    relay, web = free_port(), free_port()
    env |= {
        "CONFIDE_LOGGING__FORMAT": "json",
        "CONFIDE_RELAY__SCAN_WORKERS": "1",
        "CONFIDE_RELAY__LISTEN": f"127.0.0.1:{relay}",
        "CONFIDE_REVIEW__LISTEN": f"127.0.0.1:{web}",
        "CONFIDE_RELAY__UPSTREAM__PORT": str(upstream_port),
        "CONFIDE_RELAY__UPSTREAM__TIMEOUT_SECONDS": "2",
        **extra,
    }
    process = subprocess.Popen(
        [str(CONFIDE), "run", "--init"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Started(process, relay, f"http://127.0.0.1:{web}")


@dataclass
class Started:
    process: subprocess.Popen[str]
    relay_port: int
    web: str

    def stop(self) -> list[str]:
        """SIGTERM, and the non-empty lines it wrote to standard error."""
        self.process.terminate()
        _, stderr = self.process.communicate(timeout=90)
        return [line for line in stderr.splitlines() if line.strip()]


def test_confide_run_writes_json_lines_and_answers_health(tmp_path: Path) -> None:
    """`confide run` with format json writes only JSON lines, and its web port answers
    /healthz and /readyz (database, upstream, its scan workers and key file ok)."""
    upstream = socket.create_server(("127.0.0.1", 0))
    started = start_confide_run(tmp_path, upstream.getsockname()[1])
    try:
        ready = _get_when_up(f"{started.web}/readyz")
        assert json.loads(ready) == {
            "status": "ok",
            "checks": {"database": "ok", "upstream": "ok", "scan_workers": "ok", "key_file": "ok"},
        }
        assert _get_when_up(f"{started.web}/healthz") == '{"status": "ok"}'
    finally:
        lines = started.stop()
        upstream.close()
    assert any("relay started" in json.loads(line)["message"] for line in lines), lines
    for line in lines:
        assert {"time", "level", "logger", "message"} <= json.loads(line).keys(), line


@pytest.mark.slow
def test_confide_run_counts_a_scanned_message_in_metrics(tmp_path: Path) -> None:
    """A message sent through a real `confide run` shows in /metrics (its verdict from the
    database, its scan in the relay's histogram, its encrypted part among the unscannable
    items), and its log lines carry its id as a field and none of its addresses or text."""
    upstream = socket.create_server(("127.0.0.1", 0))
    token = "metrics-token-for-a-real-run-0123456789"  # noqa: S105  # the test's own
    started = start_confide_run(tmp_path, upstream.getsockname()[1], CONFIDE_METRICS__TOKEN=token)
    sender, recipient = "priya.sharma@riverside.example.org", "advice@agency.example"
    try:
        _get_when_up(f"{started.web}/healthz")
        with smtplib.SMTP("127.0.0.1", started.relay_port, timeout=30) as client:
            client.sendmail(
                sender,
                [recipient],
                f"From: {sender}\r\nSubject: Amina\r\n\r\nNHS {PERSONAL['nhs']}\r\n{PGP_BLOCK}",
            )
        deadline = time.monotonic() + 120
        while True:
            request = urllib.request.Request(  # noqa: S310  # loopback
                f"{started.web}/metrics", headers={"Authorization": f"Bearer {token}"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                families = {
                    f.name: f for f in text_string_to_metric_families(response.read().decode())
                }
            scans = [
                s.value
                for s in families["confide_scan_seconds"].samples
                if s.name == "confide_scan_seconds_count"
            ]
            if scans == [1.0]:
                break
            assert time.monotonic() < deadline, scans
            time.sleep(1)
        assert sum(s.value for s in families["confide_recipient_verdicts"].samples) >= 1
        unscannable = {
            (s.labels["door"], s.labels["reason"]): s.value
            for s in families["confide_unscannable_items"].samples
            if s.name.endswith("_total") and s.value
        }
        assert unscannable == {("mail", "encrypted"): 1.0}
    finally:
        lines = started.stop()
        upstream.close()
    text = "\n".join(lines)
    for personal in (sender, recipient, "Amina", PERSONAL["nhs"]):
        assert personal not in text
    assert any(json.loads(line).get("id") for line in lines), text


PGP_BLOCK = "-----BEGIN PGP MESSAGE-----\r\nhQEMA8kXl3nZ\r\n-----END PGP MESSAGE-----\r\n"


def _get_when_up(url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  # loopback
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_filter_leaves_the_record_for_other_handlers() -> None:
    """The filter hands back a scrubbed copy; the record other handlers see is unchanged."""
    record = logging.LogRecord(
        "gateway.relay",
        logging.WARNING,
        __file__,
        1,
        "held id=%s for %s",
        (MESSAGE_ID, PERSONAL["email"]),
        None,
    )
    clean = ScrubIdentifiers().filter(record)
    assert isinstance(clean, logging.LogRecord)
    assert clean.getMessage() == f"held id={MESSAGE_ID} for {REMOVED}"
    assert clean.fields == {"id": MESSAGE_ID}  # type: ignore[attr-defined]
    assert PERSONAL["email"] in record.getMessage()
