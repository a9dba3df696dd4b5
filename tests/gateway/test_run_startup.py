"""`confide run` under a service manager: each start-up problem the operator can fix stops it
before it serves anything, with one line and no traceback; an upstream that does not answer
is a warning, and it serves anyway; SIGTERM closes both of its ports."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.gateway.conftest import CONFIDE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a confide.toml and a database made by `confide init`; a folder to watch
    (report mode), so that `confide watch` starts there too."""
    folder = tmp_path_factory.mktemp("run-site")
    (folder / "shared").mkdir()
    (folder / "confide.toml").write_text(
        # With its domains, as an installation has them: otherwise a second warning (clients
        # on the allowed networks can send only bounces).
        'data_dir = "var"\n[organisation]\ninternal_domains = ["riverside-carers.example.org"]\n'
        '[watch]\nquarantine = "quarantine"\n'
        '[[watch.folders]]\npath = "shared"\naudience = "internal"\nmode = "report"\n',
        encoding="utf-8",
    )
    made = subprocess.run(
        [str(CONFIDE), "init"],
        cwd=folder,
        env=_env(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    return folder


def _env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CONFIDE_CONFIG")}
    return {**clean, "CONFIDE_RELAY__SCAN_WORKERS": "1", **extra}


def _ports(**extra: str) -> dict[str, str]:
    """Free ports for the relay, the review pages and (nobody listening) the upstream."""
    return {
        "CONFIDE_RELAY__LISTEN": f"127.0.0.1:{free_port()}",
        "CONFIDE_REVIEW__LISTEN": f"127.0.0.1:{free_port()}",
        "CONFIDE_RELAY__UPSTREAM__PORT": str(free_port()),
        **extra,
    }


def refused(site: Path, *command: str, **extra: str) -> str:
    """Start `confide run` (or ``command``) expecting it to refuse: the one line it wrote
    besides INFO."""
    started = subprocess.run(
        [str(CONFIDE), *(command or ("run",))],
        cwd=site,
        env=_env(**_ports(**extra)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode == 2, started.stderr
    assert "Traceback" not in started.stderr
    assert started.stdout == ""  # never announced: it did not serve
    errors = [line for line in started.stderr.splitlines() if " INFO " not in line]
    assert len(errors) == 1, started.stderr
    return errors[0]


def test_a_wrong_setting_is_named(site: Path):
    """A review address that is not HOST:PORT: the variable, the key and an example."""
    line = refused(site, CONFIDE_REVIEW__LISTEN="localhost")
    assert line.startswith("confide: configuration error: CONFIDE_REVIEW__LISTEN: review.listen")
    assert "e.g. 127.0.0.1:10025" in line


def test_an_unreachable_database_is_named(site: Path):
    """A PostgreSQL server that does not answer: its address and DATABASE_URL."""
    line = refused(site, DATABASE_URL="postgres://confide@127.0.0.1:1/confide")
    assert line.startswith("confide: cannot start: cannot reach the database on 127.0.0.1:1")
    assert "check DATABASE_URL" in line


def test_a_database_server_that_never_answers_is_named(site: Path):
    """A PostgreSQL address that takes the connection and never answers (a listening socket
    nobody serves): refused within the connection timeout, naming it, not waited on."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        line = refused(site, DATABASE_URL=f"postgres://confide@127.0.0.1:{port}/confide")
    assert line == (
        f"confide: cannot start: cannot reach the database on 127.0.0.1:{port} (connection "
        "timeout expired): check DATABASE_URL"
    )


def test_ctrl_c_while_starting_is_one_line(site: Path):
    """Ctrl-C (SIGINT) while `confide run` waits for a database server that never answers:
    it stops with one line and the status a shell gives Ctrl-C, no traceback."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent.settimeout(60)
        starting = subprocess.Popen(
            [str(CONFIDE), "run"],
            cwd=site,
            env=_env(**_ports(DATABASE_URL=f"postgres://x@127.0.0.1:{silent.getsockname()[1]}/x")),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        connected, _ = silent.accept()  # it is waiting for the server's answer now
        starting.send_signal(signal.SIGINT)
        _, stderr = starting.communicate(timeout=60)
        connected.close()
    assert (starting.returncode, stderr) == (128 + signal.SIGINT, "confide: interrupted\n")


# Every command that starts a door, each of which seals what it keeps with the key file.
DOORS = [("run",), ("relay",), ("watch",), ("watch", "--once")]


@pytest.mark.parametrize("door", DOORS, ids=" ".join)
def test_a_key_file_others_can_read_is_refused_with_the_chmod(
    site: Path, tmp_path: Path, door: tuple[str, ...]
):
    """A key file of mode 0644: refused, with the chmod that fixes it; the file is kept."""
    key = tmp_path / "confide.key"
    key.write_bytes(b"not read before the mode is checked\n")
    key.chmod(0o644)
    line = refused(site, *door, CONFIDE_RELAY__KEY_FILE=str(key))
    assert line == (
        f"confide: cannot start: the key file {key} is open to other users (mode 0644) and "
        f"opens every message confide keeps: run `chmod 600 {key}`"
    )
    assert key.read_bytes() == b"not read before the mode is checked\n"


@pytest.mark.parametrize("door", DOORS, ids=" ".join)
def test_a_missing_key_file_is_refused_when_the_database_holds_sealed_values(
    site: Path, tmp_path: Path, door: tuple[str, ...]
):
    """The database's key check sealed with one key file, and confide started with none
    there: refused, rather than a new key made that opens nothing stored."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    env = {**_env(), "CONFIDE_RELAY__KEY_FILE": str(tmp_path / "first.key")}
    sealed = subprocess.run(
        [sys.executable, "-c", _SEAL_THE_KEY_CHECK],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert sealed.returncode == 0, sealed.stderr
    key = tmp_path / "confide.key"
    line = refused(copy, *door, CONFIDE_RELAY__KEY_FILE=str(key))
    assert line == (
        f"confide: cannot start: the key file {key} is missing, but the database holds "
        "messages sealed with a key: restore the key file (it is kept apart from database "
        "backups; on another node, copy that node's) or set relay.key_file"
    )
    assert not key.exists()


_SEAL_THE_KEY_CHECK = """
import django
django.setup()
from gateway.config import load_settings
from gateway.startup_checks import check_key_at_start
check_key_at_start(load_settings())
"""


def test_a_key_file_setting_naming_a_folder_is_refused(site: Path, tmp_path: Path):
    """relay.key_file naming a folder: said so, rather than an error reading it."""
    line = refused(site, CONFIDE_RELAY__KEY_FILE=str(tmp_path))
    assert line == (
        f"confide: cannot start: {tmp_path} is not a file: relay.key_file must name the key file"
    )


@contextmanager
def taken_port() -> Iterator[str]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield f"127.0.0.1:{taken.getsockname()[1]}"


def test_the_relay_port_in_use_is_named(site: Path):
    """The relay's port taken: the port and relay.listen."""
    with taken_port() as listen:
        line = refused(site, CONFIDE_RELAY__LISTEN=listen)
    assert line.startswith(f"confide: cannot start: cannot listen on {listen}: the port is in use")
    assert "relay.listen" in line


def test_the_review_port_in_use_is_named(site: Path):
    """The review pages' port taken: the address and [review] listen."""
    with taken_port() as listen:
        line = refused(site, CONFIDE_REVIEW__LISTEN=listen)
    assert line.startswith(f"confide: cannot start: review.listen {listen}: ")
    assert "([review] listen)" in line


def test_a_silent_upstream_is_a_warning_and_sigterm_closes_both_ports(site: Path):
    """Nobody at the upstream's port: one WARNING naming it and relay.upstream, yet the relay
    and the review pages serve; SIGTERM then stops it (exit 0) with both ports closed."""
    ports = _ports()
    relay, review = ports["CONFIDE_RELAY__LISTEN"], ports["CONFIDE_REVIEW__LISTEN"]
    process = subprocess.Popen(
        [str(CONFIDE), "run"],
        cwd=site,
        env=_env(**ports),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("confide is running")
        with urllib.request.urlopen(f"http://{review}/login/", timeout=10) as page:
            assert page.status == 200
        with socket.create_connection(relay.split(":"), timeout=10) as smtp:
            assert smtp.recv(100).startswith(b"220 ")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    upstream = f"127.0.0.1:{ports['CONFIDE_RELAY__UPSTREAM__PORT']}"
    warnings = [line for line in stderr.splitlines() if " WARNING " in line]
    assert len(warnings) == 1, stderr
    assert f"at start-up, the upstream {upstream} does not answer" in warnings[0]
    assert "check relay.upstream" in warnings[0]
    for address in (relay, review):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(address.split(":"), timeout=5).close()
