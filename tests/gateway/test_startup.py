"""Starting confide as an operator does: where its database is, who may read it, which
commands it offers, and one line for every start-up problem the operator can fix."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from tests.gateway.conftest import CONFIDE, EXAMPLES

pytestmark = pytest.mark.both_backends


def confide(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CONFIDE_CONFIG")}
    return subprocess.run(
        [str(CONFIDE), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a confide.toml (relative data_dir), initialised, the register imported."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "confide.toml").write_text('data_dir = "var"\n', encoding="utf-8")
    assert confide("init", cwd=folder).returncode == 0
    imported = confide(
        "consent", "import",
        "--agencies", EXAMPLES / "agencies.csv",
        "--subjects", EXAMPLES / "subjects.csv",
        "--consents", EXAMPLES / "consents.csv",
        cwd=folder,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    return folder


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_another_directory_uses_the_configured_database(site: Path, tmp_path: Path):
    """From elsewhere, with CONFIDE_CONFIG: the register beside the config, no new var/."""
    listed = confide("consent", "list", cwd=tmp_path, CONFIDE_CONFIG=str(site / "confide.toml"))
    assert listed.returncode == 0, listed.stderr
    assert "C-1001" in listed.stdout
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize(
    "command",
    [
        ("consent", "list"),
        # Django's own command, which checked the migrations before confide's code ran.
        ("createsuperuser", "--username", "admin", "--email", "admin@example.org", "--noinput"),
        ("webuser", "admin", "--role", "manager"),
    ],
    ids=lambda command: command[0],
)
def test_no_database_is_refused_in_one_line_and_nothing_is_created(
    tmp_path: Path, command: tuple[str, ...]
):
    """Without a database, a command that needs one names where it looked and `confide
    init`, in one line (no unexpected error)."""
    listed = confide(*command, cwd=tmp_path)
    assert listed.returncode == 2
    assert listed.stderr.count("\n") == 1
    assert f"no database at {tmp_path / 'var' / 'confide.sqlite3'}" in listed.stderr
    assert "confide init" in listed.stderr
    assert not (tmp_path / "var").exists()


def test_an_init_refused_part_way_leaves_no_database_for_others_to_use(tmp_path: Path):
    """An init refused for a data directory open to others leaves an empty file; until an
    init succeeds, every other command still says there is no database."""
    (tmp_path / "data").mkdir(mode=0o755)
    (tmp_path / "data").chmod(0o755)
    (tmp_path / "confide.toml").write_text('data_dir = "data"\n', encoding="utf-8")
    refused = confide("init", cwd=tmp_path)
    assert refused.returncode == 2
    assert "chmod 700" in refused.stderr
    (tmp_path / "data").chmod(0o700)
    listed = confide("consent", "list", cwd=tmp_path)
    assert listed.returncode == 2, listed.stdout
    assert "confide init" in listed.stderr
    assert confide("init", cwd=tmp_path).returncode == 0
    assert confide("consent", "list", cwd=tmp_path).returncode == 0


def test_init_makes_the_data_directory_and_database_private(site: Path):
    """The data directory is 0700, the database and the files beside it 0600."""
    assert mode(site / "var") == 0o700
    files = [p for p in (site / "var").iterdir() if p.name.startswith("confide.")]
    assert site / "var" / "confide.sqlite3" in files
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_a_database_others_can_read_is_refused(site: Path, tmp_path: Path):
    """A database made world-readable stops confide, with the chmod that fixes it."""
    database = site / "var" / "confide.sqlite3"
    database.chmod(0o644)
    try:
        listed = confide("consent", "list", cwd=site)
    finally:
        database.chmod(0o600)
    assert listed.returncode == 2
    assert f"run `chmod 600 {database}`" in listed.stderr
    assert listed.stderr.count("\n") == 1


def test_django_destructive_commands_are_not_offered(site: Path):
    """`confide flush --noinput` is refused and the register is still there."""
    for command in ("flush", "sqlflush", "dbshell", "runserver", "testserver", "loaddata"):
        refused = confide(command, "--noinput", cwd=site)
        assert refused.returncode == 2, command
        assert f"no command {command!r}" in refused.stderr
    assert confide("help", "flush", cwd=site).returncode == 2
    assert "C-1001" in confide("consent", "list", cwd=site).stdout


def test_a_port_in_use_is_one_line_naming_the_port_and_setting(site: Path):
    """`confide relay` on a bound port: exit 2, one line with the port and relay.listen."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = confide("relay", "--listen", f"127.0.0.1:{port}", cwd=site)
    assert started.returncode == 2, started.stderr
    errors = [line for line in started.stderr.splitlines() if " INFO " not in line]
    assert errors == [
        f"confide: cannot start: cannot listen on 127.0.0.1:{port}: the port is in use "
        "(another relay or mail server?); change relay.listen in confide.toml "
        "(or pass --listen HOST:PORT)"
    ]


def test_bad_tls_files_are_one_line_naming_the_settings(site: Path, tmp_path: Path):
    """A certificate file that is not PEM: exit 2, one line naming relay.tls_certificate."""
    certificate = tmp_path / "relay.crt"
    certificate.write_text("not a certificate\n")
    started = confide(
        "relay",
        cwd=site,
        CONFIDE_RELAY__TLS_CERTIFICATE=str(certificate),
        CONFIDE_RELAY__TLS_KEY=str(certificate),
    )
    assert started.returncode == 2, started.stderr
    errors = [line for line in started.stderr.splitlines() if " INFO " not in line]
    assert len(errors) == 1
    assert errors[0].startswith(
        f"confide: cannot start: cannot use the TLS certificate {certificate}"
    )
    assert "relay.tls_certificate" in errors[0]


def test_a_tls_file_that_is_a_pipe_is_refused_not_waited_on(site: Path, tmp_path: Path):
    """A certificate path naming a FIFO: exit 2 at once, one line, rather than a relay that
    waits for ever in open(), deaf to SIGTERM."""
    certificate = tmp_path / "relay.crt"
    os.mkfifo(certificate)
    started = confide(
        "relay",
        cwd=site,
        CONFIDE_RELAY__TLS_CERTIFICATE=str(certificate),
        CONFIDE_RELAY__TLS_KEY=str(certificate),
    )
    assert started.returncode == 2, started.stderr
    errors = [line for line in started.stderr.splitlines() if " INFO " not in line]
    assert errors == [
        f"confide: cannot start: the TLS file {certificate} is not a file "
        "(relay.tls_certificate, relay.tls_key)"
    ]


def test_a_node_name_longer_than_claims_hold_is_refused(site: Path):
    """A node name over 100 characters (the claims' column) stopped every message at 451
    while /readyz said ready: now it does not start."""
    started = confide("relay", cwd=site, CONFIDE_RELAY__NODE="relay-" + "a" * 100)
    assert started.returncode == 2, started.stderr
    assert "relay.node" in started.stderr
    assert "at most 100 characters" in started.stderr


def test_an_unreadable_key_file_is_one_line(site: Path, tmp_path: Path):
    """A key file that cannot be used (unreadable; as root, which reads it, not a key):
    exit 2, one line naming it."""
    key = tmp_path / "missing-dir" / "confide.key"
    key.parent.mkdir()
    key.write_text("x")
    key.chmod(0o000)
    started = confide("relay", cwd=site, CONFIDE_RELAY__KEY_FILE=str(key))
    key.chmod(0o600)
    if os.geteuid() == 0:
        assert started.returncode == 2, started.stderr  # root reads it: it is not a key
    errors = [line for line in started.stderr.splitlines() if " INFO " not in line]
    assert len(errors) == 1
    assert errors[0].startswith(f"confide: cannot start: {key}")


def test_an_unreachable_database_is_one_line(tmp_path: Path):
    """A PostgreSQL server that does not answer: exit 2, one line naming it and DATABASE_URL."""
    listed = confide(
        "consent", "list", cwd=tmp_path, DATABASE_URL="postgres://confide@127.0.0.1:1/confide"
    )
    assert listed.returncode == 2
    assert listed.stderr.count("\n") == 1
    assert listed.stderr.startswith(
        "confide: cannot start: cannot reach the database on 127.0.0.1:1"
    )
    assert "check DATABASE_URL" in listed.stderr


@pytest.mark.django_db(transaction=True)
def test_postgresql_database_missing_is_named_and_init_creates_it(tmp_path: Path):
    """On PostgreSQL, a missing database: one line with the createdb to run; init creates it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("runs when the tests run on PostgreSQL")
    settings = connection.settings_dict
    name = f"{settings['NAME']}_missing"
    host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
    url = f"postgres://{settings['USER']}@{host}:{port}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    try:
        listed = confide("consent", "list", cwd=tmp_path, DATABASE_URL=url)
        assert listed.returncode == 2
        assert listed.stderr.count("\n") == 1
        assert f'database "{name}" does not exist on {host}:{port}' in listed.stderr
        assert f"createdb -h {host} -p {port} -U {settings['USER']} {name}" in listed.stderr
        initialised = confide("init", cwd=tmp_path, DATABASE_URL=url)
        assert initialised.returncode == 0, initialised.stderr
        listed = confide("consent", "list", cwd=tmp_path, DATABASE_URL=url)
        assert (listed.returncode, listed.stdout) == (0, "the register holds no subjects\n")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_postgresql_database_without_confides_tables_is_refused_until_init(tmp_path: Path):
    """On PostgreSQL, as with an empty SQLite file, a database that exists but was never
    initialised is refused in one line naming `confide init`, and left empty; init fills it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("runs when the tests run on PostgreSQL")
    settings = connection.settings_dict
    name = f"{settings['NAME']}_empty"
    host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
    url = f"postgres://{settings['USER']}@{host}:{port}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        for command in (("held", "list"), ("consent", "list")):
            listed = confide(*command, cwd=tmp_path, DATABASE_URL=url)
            assert listed.returncode == 2
            assert listed.stderr == (
                f'confide: cannot start: database "{name}" on {host}:{port} holds no confide '
                "tables: run `confide init` (or `confide run --init`) to create them\n"
            )
        assert confide("init", cwd=tmp_path, DATABASE_URL=url).returncode == 0
        listed = confide("held", "list", cwd=tmp_path, DATABASE_URL=url)
        assert (listed.returncode, listed.stderr) == (0, "")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(
    ("url", "said"),
    [
        pytest.param(
            "postgres://confide:pa/ss@127.0.0.1:1/confide",
            "DATABASE_URL cannot be read: special characters in the user name or password "
            "must be percent-encoded (/ as %2F,",
            id="slash-unparsable",
        ),
        pytest.param(  # parses as host "confide", port 12: it must not be tried
            "postgres://confide:12/ss+x@127.0.0.1:1/confide",
            "DATABASE_URL cannot be read: special characters",
            id="slash-read-as-a-port",
        ),
        pytest.param(
            "postgres://confide:pa#ss@127.0.0.1:1/confide",
            "DATABASE_URL cannot be read: special characters",
            id="hash",
        ),
        pytest.param(
            "postgress://confide:secret@127.0.0.1:1/confide",
            "DATABASE_URL has scheme 'postgress', which confide does not know: it takes "
            "postgres://, postgresql://, pgsql://, sqlite://",
            id="unknown-scheme",
        ),
    ],
)
def test_a_database_url_that_cannot_be_read_is_one_plain_line(tmp_path: Path, url: str, said: str):
    """A DATABASE_URL with an unencoded special character in its password, or an unknown
    scheme: exit 2 and one line saying what to change, never the URL (it holds the
    password) nor an error's class name."""
    listed = confide("held", "list", cwd=tmp_path, DATABASE_URL=url)
    assert listed.returncode == 2
    assert listed.stderr.count("\n") == 1
    assert listed.stderr.startswith(f"confide: configuration error: {said}")
    assert "ss@" not in listed.stderr
    assert "secret" not in listed.stderr


def test_a_percent_encoded_password_is_read(tmp_path: Path):
    """The same password percent-encoded reaches the server named (here, none answers)."""
    listed = confide(
        "held", "list", cwd=tmp_path, DATABASE_URL="postgres://confide:12%2Fss@127.0.0.1:1/c"
    )
    assert listed.returncode == 2
    assert listed.stderr.startswith(
        "confide: cannot start: cannot reach the database on 127.0.0.1:1"
    )


@pytest.mark.django_db(transaction=True)
def test_postgresql_role_missing_is_named_not_the_database(tmp_path: Path):
    """A role the server does not have: one line naming the role (the server's own refusal),
    not a missing database and a createdb to run."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("runs when the tests run on PostgreSQL")
    settings = connection.settings_dict
    host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
    url = f"postgres://confide_no_such_role:pw@{host}:{port}/{settings['NAME']}_nowhere"
    listed = confide("held", "list", cwd=tmp_path, DATABASE_URL=url)
    assert listed.returncode == 2
    assert listed.stderr.count("\n") == 1
    assert listed.stderr.startswith(
        f"confide: cannot start: the database server {host}:{port} has no role "
        '"confide_no_such_role"'
    )
    assert "does not exist" not in listed.stderr
    assert "createdb" not in listed.stderr
