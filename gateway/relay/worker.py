"""The entry points of a scanning worker process.

Workers are spawned (a clean interpreter, no inherited database connections), so this module
must import without Django being set up: ``start_worker`` sets Django up, then builds the
pipeline once; ``process_in_worker`` runs one message through it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.relay.delivery import Outbound
    from gateway.relay.processing import Pipeline
    from gateway.relay.spool import Received

_pipeline: Pipeline | None = None


def start_worker() -> None:
    """Initialise a scanning worker process: Django, then the scanner and the model."""
    import django

    django.setup()
    from gateway.config import load_settings
    from gateway.relay.processing import Pipeline
    from gateway.scanning import build_scanner

    global _pipeline  # noqa: PLW0603  # one pipeline per worker process, built once
    scanner = build_scanner(extraction_workers=1)
    scanner.__enter__()
    _pipeline = Pipeline.from_settings(load_settings(), scanner)


def process_in_worker(message: Received | uuid.UUID) -> list[Outbound]:
    """Process one message in a worker started by ``start_worker``: the one just received,
    or one to read by its id. The copies to send."""
    from gateway.database import on_usable_connection
    from gateway.relay.processing import process

    assert _pipeline is not None, "start_worker() has not run in this process"
    return on_usable_connection(process)(_pipeline, message)
