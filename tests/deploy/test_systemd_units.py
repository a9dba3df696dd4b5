"""The systemd units in deploy/systemd: systemd accepts every line of them (the same check as
.ci/run), and confide.service gives confide's SIGTERM drain the time it takes."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.relay import service
from gateway.review import web_server
from scanner import sandbox

UNITS = Path(__file__).parents[2] / "deploy" / "systemd"
VERIFY = UNITS / "verify"

needs_systemd_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (.ci/run installs it)",
)


def verify(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VERIFY), str(folder)], capture_output=True, text=True, timeout=120, check=False
    )


@needs_systemd_analyze
def test_systemd_accepts_every_unit_as_written():
    """deploy/systemd/verify passes on the units as shipped: no message at all."""
    checked = verify(UNITS)
    assert checked.returncode == 0, checked.stderr
    for unit in ("confide", "confide-digest", "confide-purge"):
        assert f"{unit}.service" in checked.stdout
    assert "confide-digest.timer" in checked.stdout
    assert "confide-purge.timer" in checked.stdout


@needs_systemd_analyze
def test_a_misspelt_hardening_option_fails_the_check(tmp_path: Path):
    """A value systemd would only warn about and ignore (ProtectSystem=stric) fails it,
    naming the file and line."""
    for unit in UNITS.glob("*.*"):
        if unit.suffix in (".service", ".timer"):
            shutil.copy(unit, tmp_path)
    broken = tmp_path / "confide.service"
    text = broken.read_text()
    assert "ProtectSystem=strict\n" in text
    broken.write_text(text.replace("ProtectSystem=strict\n", "ProtectSystem=stric\n"))
    checked = verify(tmp_path)
    assert checked.returncode == 1
    assert "confide.service:" in checked.stderr
    assert "stric" in checked.stderr


def _service_section(name: str) -> configparser.SectionProxy:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    unit.read(UNITS / name)
    return unit["Service"]


def longest_stop() -> float:
    """The longest stop confide makes after SIGTERM: the relay's grace, its workers told,
    then SIGTERMed, then SIGKILLed (meanwhile copies the upstream has hear their answers),
    its records, then the web server, and last the fork server and resource tracker it
    waits for as it exits."""
    return (
        service.STOP_GRACE_SECONDS
        + max(
            2 * service.WORKER_EXIT_SECONDS + service.WORKER_SIGTERM_SECONDS,
            service.ANSWER_GRACE_SECONDS,
        )
        + service.RECORD_SECONDS
        + 2 * web_server.STOP_SECONDS
        + 2 * sandbox.HELPER_EXIT_SECONDS
    )


def test_the_stop_timeout_covers_the_drain():
    """TimeoutStopSec is longer than the longest stop confide makes, and only confide itself
    gets SIGTERM (KillMode=mixed), so that it stops its own workers."""
    confide = _service_section("confide.service")
    assert float(confide["TimeoutStopSec"].removesuffix("s")) > longest_stop()
    assert confide["KillMode"] == "mixed"
    assert confide["ExecStart"].endswith("confide run")


def test_every_unit_and_the_wrapper_work_on_the_services_database():
    """Each shipped .service runs as confide with confide.service's configuration file and
    environment file (DATABASE_URL), and so does the deploy/confide wrapper the README's
    commands use: a nightly job on another database would back up or purge nothing and
    still succeed."""
    main = _service_section("confide.service")
    services = sorted(path.name for path in UNITS.glob("*.service"))
    assert {"confide-backup.service", "confide-digest.service"} <= set(services)
    for name in services:
        section = _service_section(name)
        for key in ("User", "Environment", "EnvironmentFile"):
            assert section.get(key) == main[key], f"{name}: {key}"
    wrapper = (UNITS.parent / "confide").read_text(encoding="utf-8")
    config = main["Environment"].removeprefix("CONFIDE_CONFIG=")
    assert f"export CONFIDE_CONFIG={config}\n" in wrapper
    assert f". {main['EnvironmentFile'].removeprefix('-')}\n" in wrapper
