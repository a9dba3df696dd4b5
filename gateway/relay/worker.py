"""The entry points of a scanning worker process.

Workers are spawned (a clean interpreter, no inherited database connections), so this module
must import without Django being set up: ``start_worker`` sets Django up, then builds the
pipeline once; ``process_in_worker`` runs one message through it.

The relay stops its workers itself (``service``): a worker ignores SIGINT (Ctrl-C reaches
the whole process group), and on SIGTERM or its pool's end it leaves through its exit
handlers, which stop its extraction workers (and so their fork server) with it.
"""

from __future__ import annotations

import multiprocessing.util
import signal
import uuid
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.relay.pipeline import Pipeline
    from gateway.relay.processing import Processed
    from gateway.relay.spool import Received

_pipeline: Pipeline | None = None
_busy = False  # processing a message


class WorkerStopped(BaseException):
    """The worker was told to stop (SIGTERM) while processing a message; nothing of it was
    recorded, and the message stays to be processed. Not an ``Exception``: no handler on the
    way may take it for a fault of the message's and hold it."""


def start_worker() -> None:
    """Initialise a scanning worker process: signals, Django, then the scanner (whose own
    sandboxed worker loads the model)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    import django

    django.setup()
    from gateway.config import load_settings
    from gateway.relay.pipeline import Pipeline
    from gateway.scanner_setup import build_scanner

    global _pipeline  # noqa: PLW0603  # one pipeline per worker process, built once
    scanner = build_scanner(extraction_workers=1)
    scanner.__enter__()
    # Its extraction workers are stopped as the worker process ends, before the interpreter
    # waits for threads (pebble's would wait for ever): a multiprocessing finaliser runs then.
    multiprocessing.util.Finalize(None, scanner.__exit__, (None, None, None), exitpriority=10)
    _pipeline = Pipeline.from_settings(load_settings(), scanner)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """SIGTERM: leave through ``SystemExit``, so that the exit handlers run; in the middle of
    a message, first give that message up (its pool hands the exception to the relay, which
    is stopping, and the pool's end follows)."""
    if _busy:
        raise WorkerStopped("stopped by SIGTERM")
    raise SystemExit(0)


def process_in_worker(message: Received | uuid.UUID) -> Processed:
    """Process one message in a worker started by ``start_worker``: the one just received,
    or one to read by its id. The copies to send, and the kinds of what could not be read."""
    from gateway.database import on_usable_connection
    from gateway.relay.processing import processed

    global _busy  # noqa: PLW0603  # read by the SIGTERM handler
    assert _pipeline is not None, "start_worker() has not run in this process"
    _busy = True
    try:
        return on_usable_connection(processed)(_pipeline, message)
    finally:
        _busy = False
