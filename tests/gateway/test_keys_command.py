"""The ``confide keys`` command: what it says when it rotates and retires, and a plain
refusal, never a traceback, when there is no key file."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.sealing import read_key_file, read_keys

pytestmark = pytest.mark.django_db

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_rotate_then_retire_leaves_one_new_key(confide: Run, tmp_path: Path) -> None:
    """rotate puts a second key first and says to back it up; retire leaves that key alone,
    in a file its owner alone reads."""
    key_file = tmp_path / "keys" / "confide.key"
    env = {"CONFIDE_RELAY__KEY_FILE": str(key_file)}
    key_file.parent.mkdir()
    key_file.write_bytes(b"zNn5hGvJ0xRkq3mT8w2bP1yLcD4eF6gH7iJ9kLmNoPQ=\n")
    rotated = confide("keys", "rotate", env=env)
    assert rotated.returncode == 0, rotated.stderr
    assert "a new key is in force" in rotated.stdout
    assert "back up the key file now" in rotated.stdout
    new_key, old_key = read_keys(key_file)
    assert old_key == b"zNn5hGvJ0xRkq3mT8w2bP1yLcD4eF6gH7iJ9kLmNoPQ="
    retired = confide("keys", "retire", env=env)
    assert retired.returncode == 0, retired.stderr
    assert "retired 1 older key" in retired.stdout
    assert read_keys(key_file) == [new_key]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_stage_then_rotate_puts_the_staged_key_first(confide: Run, tmp_path: Path) -> None:
    """stage adds a key that opens only and says to copy the file to every node; rotate
    then puts that same key first rather than making another."""
    key_file = tmp_path / "keys" / "confide.key"
    env = {"CONFIDE_RELAY__KEY_FILE": str(key_file)}
    key_file.parent.mkdir()
    key_file.write_bytes(b"zNn5hGvJ0xRkq3mT8w2bP1yLcD4eF6gH7iJ9kLmNoPQ=\n")
    staged = confide("keys", "stage", env=env)
    assert staged.returncode == 0, staged.stderr
    assert "Copy the file to every node" in staged.stdout
    (new_key,) = read_key_file(key_file).staged
    assert read_keys(key_file) == [b"zNn5hGvJ0xRkq3mT8w2bP1yLcD4eF6gH7iJ9kLmNoPQ=", new_key]
    again = confide("keys", "stage", env=env)
    assert again.returncode == 1
    assert "already holds a staged key" in again.stderr
    assert confide("keys", "rotate", env=env).returncode == 0
    assert read_keys(key_file) == [new_key, b"zNn5hGvJ0xRkq3mT8w2bP1yLcD4eF6gH7iJ9kLmNoPQ="]
    assert read_key_file(key_file).staged == []


def test_keys_without_a_key_file_is_refused_plainly(confide: Run, tmp_path: Path) -> None:
    """With no key file where key_file points, keys says so in one line as every confide
    command does ("confide: ..."), not a traceback nor Django's "CommandError: ..."."""
    refused = confide("keys", "reseal", env={"CONFIDE_RELAY__KEY_FILE": str(tmp_path / "none")})
    assert refused.returncode == 1
    assert refused.stderr == (
        f"confide: there is no key file at {tmp_path / 'none'} (relay.key_file)\n"
    )
