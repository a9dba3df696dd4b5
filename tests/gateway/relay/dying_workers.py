"""What the test scanning workers of ``test_scan_suspects`` run in their spawned processes:
kept to the standard library, so that each process starts in a moment."""

from __future__ import annotations

import os
import signal
import time

# A message with this in it kills the worker that scans it, every time.
POISON = b"X-Test-Poison: kills its worker"
SCAN_SECONDS = 1.0
# Sooner than a scan: the messages on the other worker are still being scanned.
DEATH_SECONDS = 0.2


def scan(content: bytes) -> None:
    """A scan's time; for a poison message, the worker's death instead (SIGKILL, as the
    kernel kills a process out of memory)."""
    if POISON in content:
        time.sleep(DEATH_SECONDS)
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(SCAN_SECONDS)
