"""What the test scanning workers of ``test_scan_suspects`` run in their spawned processes:
kept to the standard library, so that each process starts in a moment."""

from __future__ import annotations

import os
import signal
import time

# A message with this in it kills the worker that scans it, every time.
POISON = b"X-Test-Poison: kills its worker"
SCAN_SECONDS = 0.5


def scan(content: bytes) -> None:
    """A scan's time, then, for a poison message, the worker's death (SIGKILL, as the kernel
    kills a process out of memory)."""
    time.sleep(SCAN_SECONDS)
    if POISON in content:
        os.kill(os.getpid(), signal.SIGKILL)
