"""docker/: what can be checked without a container runtime. The image's confide.toml loads
as confide reads it, and the Dockerfile and compose.yaml agree with it and with each other:
the data directory and the key file on two volumes, the health check on the review port, the
tested `confide run`, and time for its drain."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.config import Settings, host_and_port
from gateway.relay.pipeline import key_file
from tests.deploy.test_systemd_units import longest_stop

DOCKER = Path(__file__).parents[2] / "docker"
DOCKERFILE = (DOCKER / "Dockerfile").read_text()


@pytest.fixture
def image_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """docker/confide.toml, read as confide reads its configuration file."""
    monkeypatch.setenv("CONFIDE_CONFIG", str(DOCKER / "confide.toml"))
    return Settings()


@pytest.fixture
def confide_service() -> dict[str, Any]:
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    return dict(compose["services"]["confide"])


def instructions(name: str) -> list[str]:
    """The arguments of each of the Dockerfile's ``name`` instructions, continuations joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    return [m[1].strip() for m in re.finditer(rf"^{name} (.*)$", joined, flags=re.MULTILINE)]


def test_the_image_runs_the_tested_wheel_as_its_own_user():
    """Slim Python 3.12, the wheel built with pip wheel as .ci/wheel-check does, checked
    offline with confide scan, run as a user that is not root, as `confide run`."""
    assert "ARG PYTHON_IMAGE=python:3.12-slim-bookworm" in DOCKERFILE
    assert "pip wheel --quiet --disable-pip-version-check --no-deps" in DOCKERFILE
    assert any(step.startswith("--network=none") for step in instructions("RUN"))
    assert instructions("USER") == ["confide"]
    assert instructions("ENTRYPOINT") == ['["confide"]']
    assert instructions("CMD") == ['["run"]']


def test_the_data_directory_and_the_key_file_are_on_separate_volumes(
    image_settings: Settings, confide_service: dict[str, Any]
):
    """The image's data_dir and key file's folder are each a volume of their own, neither
    inside the other, and the Dockerfile makes both 0700 for confide."""
    data_dir = str(image_settings.data_dir)
    key_dir = str(key_file(image_settings).parent)
    assert not key_dir.startswith(data_dir + "/")
    mounts = {v.split(":")[1]: v.split(":")[0] for v in confide_service["volumes"]}
    assert mounts[data_dir] == "confide-data"
    assert mounts[key_dir] == "confide-key"
    assert mounts["/etc/confide/confide.toml"] == "./site/confide.toml"
    assert f"-m 0700 {data_dir} {key_dir}" in DOCKERFILE


def test_the_health_check_asks_the_review_port(image_settings: Settings):
    """HEALTHCHECK asks /healthz on review.listen's port, which is exposed with the relay's."""
    _, review_port = host_and_port(image_settings.review.listen)
    _, relay_port = host_and_port(image_settings.relay.listen)
    (check,) = instructions("HEALTHCHECK")
    assert f"http://127.0.0.1:{review_port}/healthz" in check
    assert "127.0.0.1" in image_settings.review.hosts
    assert instructions("EXPOSE") == [f"{relay_port} {review_port}"]


def test_compose_delivers_to_postfix_and_waits_for_the_drain(
    image_settings: Settings, confide_service: dict[str, Any]
):
    """The upstream is the compose Postfix service; DATABASE_URL names the PostgreSQL
    service; the stop grace period covers confide's drain; tini forwards SIGTERM."""
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    assert image_settings.relay.upstream.host in compose["services"]
    assert "@postgres:5432/" in str(confide_service["environment"]["DATABASE_URL"])
    grace = str(confide_service["stop_grace_period"])
    assert float(grace.removesuffix("s")) > longest_stop()
    assert confide_service["init"] is True


def test_the_image_has_the_postgresql_client_of_the_compose_server(
    confide_service: dict[str, Any],
):
    """`confide backup` needs pg_dump of at least the server's major version: the image
    installs postgresql-client of compose's PostgreSQL major, from PostgreSQL's apt
    repository (Debian 12 has only 15)."""
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    server = compose["services"]["postgres"]["image"]
    found = re.fullmatch(r"postgres:(\d+)(?:\.\d+)?-(\w+)", server)
    assert found is not None
    major, release = found.groups()
    assert instructions("ARG").count(f"PG_CLIENT={major}") == 1
    (packages,) = [step for step in instructions("RUN") if "postgresql-client-" in step]
    assert "/usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y" in packages
    assert "postgresql-client-${PG_CLIENT}" in packages
    assert f"python:3.12-slim-{release}" in DOCKERFILE  # the same Debian release as the server


def test_backups_have_a_volume_and_a_step_in_the_readme(confide_service: dict[str, Any]):
    """Backups go to a volume of their own, made 0700 for confide, and docker/README.md says
    how to take one, copy it off and restore it; compose's confide initialises its database."""
    mounts = {v.split(":")[1]: v.split(":")[0] for v in confide_service["volumes"]}
    assert mounts["/var/lib/confide-backups"] == "confide-backups"
    (made,) = [" ".join(step.split()) for step in instructions("RUN") if "useradd" in step]
    assert "-m 0700 /var/lib/confide /var/lib/confide-key /var/lib/confide-backups" in made
    readme = (DOCKER / "README.md").read_text()
    assert "docker compose exec confide confide backup /var/lib/confide-backups/" in readme
    assert "docker compose run --rm confide restore /var/lib/confide-backups/" in readme
    assert confide_service["command"] == ["run", "--init"]
