"""`confide run --upstream HOST:PORT`: /readyz checks the upstream the relay delivers to, not
the one confide.toml names."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.confide_run import ConfideRun
from tests.e2e.conftest import Sink, free_port

pytestmark = pytest.mark.slow


def test_readyz_checks_the_upstream_given_on_the_command_line(tmp_path: Path, sink: Sink):
    """confide.toml names a listening upstream, ``--upstream`` one where nothing listens:
    /readyz says the upstream is failing (503)."""
    run = ConfideRun(tmp_path, sink.port, None)
    run.confide("init")
    run.run_args = ["--upstream", f"127.0.0.1:{free_port()}"]
    run.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(run.url("/readyz"), timeout=10)  # noqa: S310
    finally:
        run.stop()
    assert answer.value.code == 503
    assert json.load(answer.value)["checks"]["upstream"] == "failing"
