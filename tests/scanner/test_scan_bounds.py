"""The whole scan of an item, detection included, runs under the per-item time and memory
limits: past them the item is unscannable with a plain reason, and the scanner goes on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import pytest

from gateway.config import load_settings
from gateway.scanner_setup import build_scanner
from scanner.scanning import Scanner

pytestmark = pytest.mark.slow

TIMEOUT = 3.0
PATIENT_TIMEOUT = 300.0
# The model takes about 600 MiB of a worker's address space; ordinary mail fits in the rest.
MEMORY_MIB = 800
# For the time limit's test: 2,000 parts can pass 800 MiB before 3 s on a fast machine, so
# there only the time limit must be able to stop the scan.
ROOMY_MEMORY_MIB = 4096
# Past the timeout, pebble notices within 0.1 s and stops the worker (SIGTERM, then SIGKILL
# after 3 s); the rest is a busy machine.
SLACK = 5.0

ORDINARY = (
    b"From: Priya <priya@riverside-carers.example.org>\r\n"
    b"To: referrals@agency.example\r\n"
    b"Subject: referral\r\n\r\n"
    b"Please call Margaret Okafor on 07700 900123 about her referral.\r\n"
)
_WORDS = (
    "the", "carer", "visited", "on", "Tuesday", "and", "discussed", "the", "support", "plan",
    "with", "family", "about", "housing", "benefit", "respite", "care", "next", "review",
)  # fmt: skip


def _prose(words: int, seed: int) -> str:
    """Ordinary words, no personal data: slow to detect in bulk, never a finding."""
    return " ".join(_WORDS[(seed + n * n) % len(_WORDS)] for n in range(words))


def _message(body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "priya@riverside-carers.example.org"
    message["To"] = "referrals@agency.example"
    message["Subject"] = "notes"
    message.set_content(body)
    return message


def _many_small_parts(parts: int) -> bytes:
    message = _message("Notes attached.")
    for n in range(parts):
        message.add_attachment(_prose(50, n), filename=f"note-{n}.txt")
    return bytes(message)


@contextmanager
def _bounded_scanner(folder: Path, timeout: float, memory_mib: int) -> Iterator[Scanner]:
    """A scanner (one worker, the model loaded once) with the given time and memory limits,
    configured as an administrator would, through the environment."""
    config = folder / "confide.toml"
    config.write_text("", encoding="utf-8")  # every default, but for the environment's
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CONFIDE_CONFIG", str(config))
        env.setenv("CONFIDE_LIMITS__ITEM_TIMEOUT_SECONDS", str(timeout))
        env.setenv("CONFIDE_LIMITS__WORKER_MEMORY_BYTES", str(memory_mib * 1024 * 1024))
        # Enough parts that only the time limit can stop the message below.
        env.setenv("CONFIDE_LIMITS__MAX_MIME_PARTS", "5000")
        load_settings.cache_clear()
        try:
            with build_scanner(extraction_workers=1) as running:
                yield running
        finally:
            load_settings.cache_clear()


@pytest.fixture(scope="module")
def scanner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scanner]:
    """A scanner with a short time limit and room enough in memory that only time stops it."""
    with _bounded_scanner(tmp_path_factory.mktemp("bounds"), TIMEOUT, ROOMY_MEMORY_MIB) as running:
        yield running


@pytest.fixture
def patient_scanner(tmp_path: Path) -> Iterator[Scanner]:
    """A scanner whose time limit no busy machine reaches first, so that only the memory
    limit can stop a scan (with the short one, a machine running other tests beside it let
    the time limit win)."""
    with _bounded_scanner(tmp_path, PATIENT_TIMEOUT, MEMORY_MIB) as running:
        yield running


def _scans_normally(scanner: Scanner) -> None:
    result = scanner.scan_bytes(ORDINARY)
    assert result.extraction.unscannable == ()
    assert {f.type for f in result.findings} == {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS"}


def test_an_ordinary_message_is_scanned_whole(scanner: Scanner) -> None:
    """Under the limits an ordinary message is read and its personal data found."""
    _scans_normally(scanner)


def test_thousands_of_small_parts_past_the_time_limit(scanner: Scanner) -> None:
    """A message of 2,000 small text parts, whose detection takes far longer than the limit,
    is unscannable with the timeout reason soon after the limit, and no findings are given
    for what was read before the worker was stopped."""
    message = _many_small_parts(2000)
    started = time.monotonic()
    result = scanner.scan_bytes(message)
    elapsed = time.monotonic() - started
    assert result.extraction.unscannable == (f"scanning took longer than {TIMEOUT:g} s",)
    assert result.findings == ()
    assert elapsed < TIMEOUT + SLACK
    _scans_normally(scanner)


def test_one_huge_part_past_the_memory_limit(patient_scanner: Scanner) -> None:
    """A message with one 600 kB text part, which detection needs over 300 MiB for, is
    unscannable with the memory reason under an 800 MiB limit."""
    result = patient_scanner.scan_bytes(bytes(_message(_prose(100_000, 0))))
    assert result.extraction.unscannable == (
        f"scanning needed more than {MEMORY_MIB} MiB of memory",
    )
    assert result.findings == ()
    _scans_normally(patient_scanner)
