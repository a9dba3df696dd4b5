"""Key rotation: messages sealed before a rotation, during one cut short mid-batch, and after
it all open, in a process that ran throughout and in a new one; the old key is retired only
once nothing is sealed with it."""

from __future__ import annotations

import logging
import stat
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.db import connection

from gateway import key_rotation
from gateway.relay import spool
from gateway.relay.models import Message
from gateway.review.models import ScanRecord
from gateway.sealing import Keys, Sealer, SealingError, read_key_file, read_keys, write_keys
from gateway.watcher.documents import release_document
from gateway.watcher.sealed_files import opened
from tests.gateway.review.conftest import EXAMPLE, HELD_FOR, SENDER, hold
from tests.gateway.watcher.conftest import hold_document

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]


class Interrupted(Exception):
    """The rotation's process dying part-way through a batch."""


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """No wait for values still to be stored by other processes: the tests say when theirs
    are (``SETTLE_SECONDS`` is a bound on other processes' work, not on what is tested)."""
    monkeypatch.setattr(key_rotation, "SETTLE_SECONDS", 0.0)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "confide.key"


@pytest.fixture
def running(key_file: Path) -> Sealer:
    """The sealer of a confide process that runs through the rotation (made before it)."""
    return Sealer.from_key_file(key_file, create=True)


def held(sealer: Sealer, count: int) -> list[Message]:
    """``count`` messages held, each with a scan record, sealed by ``sealer``."""
    return [
        hold(
            sealer,
            SENDER,
            [HELD_FOR],
            f"X-Number: {uuid.uuid4()}\n".encode() + EXAMPLE.read_bytes(),
        )
        for _ in range(count)
    ]


def opens_all(sealer: Sealer, messages: list[Message]) -> bool:
    for message in messages:
        message.refresh_from_db()
        assert b"Subject: Carer's assessment follow-up" in sealer.unseal(bytes(message.sealed))
    for record in ScanRecord.objects.filter(message__in=messages):
        sealer.unseal(bytes(record.sealed))
    return True


def interrupt_after(monkeypatch: pytest.MonkeyPatch, rotations: int) -> None:
    """Make the rotation die after ``rotations`` values, part-way through a batch."""
    real = MultiFernet.rotate
    done = []

    def rotate(self: MultiFernet, token: bytes) -> bytes:
        if len(done) == rotations:
            raise Interrupted
        done.append(token)
        return real(self, token)

    monkeypatch.setattr(MultiFernet, "rotate", rotate)


def test_messages_sealed_before_during_and_after_a_rotation_all_open(
    key_file: Path, running: Sealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Messages sealed before, during (a rotation interrupted mid-batch) and after it all
    open, in the running process and a new one, before and after the old key is retired;
    the running process seals with the new key as soon as the file has it."""
    (old_key,) = read_keys(key_file)
    before = held(running, 5)  # ten sealed values: five messages and their scan records
    interrupt_after(monkeypatch, 4)
    with pytest.raises(Interrupted):
        key_rotation.rotate(key_file, batch=3)
    monkeypatch.undo()
    new_key, kept_key = read_keys(key_file)
    assert kept_key == old_key
    during = held(running, 2)
    Fernet(new_key).decrypt(bytes(during[0].sealed))  # sealed with the new key already
    for sealer in (running, Sealer.from_key_file(key_file)):
        assert opens_all(sealer, before + during)

    with pytest.raises(key_rotation.RotationError, match="still sealed with an older key"):
        key_rotation.retire(key_file)
    finished = key_rotation.reseal(key_file, batch=3)
    assert finished.older == 10 - 3  # the first batch was done before the interruption
    after = held(running, 1)
    assert key_rotation.retire(key_file) == 1

    assert read_keys(key_file) == [new_key]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    for sealer in (running, Sealer.from_key_file(key_file), Sealer(new_key)):
        assert opens_all(sealer, before + during + after)
    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(bytes(before[0].sealed))


def test_retire_refuses_while_anything_is_sealed_with_the_old_key(
    key_file: Path, running: Sealer
) -> None:
    """A value sealed with the old key after the rotation (a process that had not yet seen
    the new file) keeps the old key in the file until it is re-sealed."""
    key_rotation.rotate(key_file)
    new_key, old_key = read_keys(key_file)
    (late,) = held(Sealer(old_key), 1)
    with pytest.raises(key_rotation.RotationError, match="2 stored values are still sealed"):
        key_rotation.retire(key_file)
    assert read_keys(key_file) == [new_key, old_key]
    key_rotation.reseal(key_file)
    assert key_rotation.retire(key_file) == 1
    assert opens_all(running, [late])


def test_a_rotation_leaves_alone_what_it_cannot_open(key_file: Path, running: Sealer) -> None:
    """A value sealed with a key the file never held is counted, left as it is, and stops
    the old key being retired."""
    (foreign,) = held(Sealer(Fernet.generate_key()), 1)
    sealed = bytes(foreign.sealed)
    done = key_rotation.rotate(key_file)
    assert done.unopenable == 2
    foreign.refresh_from_db()
    assert bytes(foreign.sealed) == sealed
    with pytest.raises(key_rotation.RotationError, match="open with no key in the file"):
        key_rotation.retire(key_file)


def test_every_model_with_a_sealed_value_is_rotated() -> None:
    """Every model with a field named ``sealed`` is one the rotation re-seals."""
    sealed = {
        model for model in apps.get_models() if "sealed" in {f.name for f in model._meta.fields}
    }
    assert sealed == set(key_rotation.SEALED_MODELS)


def test_held_documents_are_resealed_and_keep_the_old_key_until_they_are(
    tmp_path: Path, quarantine_keys: Path
) -> None:
    """A document held in quarantine with the old key keeps retire from dropping it until
    a re-seal, after which its sealed file opens with the new key alone, and it is released
    byte-identical."""
    content = b"Referral for Amina Okafor, NHS number 943 476 5919.\n"
    source = tmp_path / "web" / "referral.txt"
    row = hold_document(source, content, tmp_path / "held")
    sealed = Path(row.quarantined_as)
    (old_key,) = read_keys(quarantine_keys)
    new_key = Fernet.generate_key()
    write_keys(quarantine_keys, [new_key, old_key])  # a rotation cut short before re-sealing
    with pytest.raises(key_rotation.RotationError, match="1 stored value is still sealed"):
        key_rotation.retire(quarantine_keys)
    done = key_rotation.reseal(quarantine_keys)
    assert done.older == 1
    assert key_rotation.retire(quarantine_keys) == 1
    assert b"".join(opened(sealed, Sealer(new_key))) == content
    key_rotation.rotate(quarantine_keys)  # and a whole rotation re-seals it again
    assert key_rotation.retire(quarantine_keys) == 1
    (newest,) = read_keys(quarantine_keys)
    assert b"".join(opened(sealed, Sealer(newest))) == content
    release_document(row.id, by="manager", note="")
    assert source.read_bytes() == content


def _message(body: bytes) -> dict[str, Any]:
    """A message as the relay's door stores it."""
    content = b"Subject: a note\r\n\r\n" + body + b"\r\n"
    return {
        "mail_from": SENDER,
        "recipients": [HELD_FOR],
        "content": content,
        "client_address": "127.0.0.1",
        "node": "relay-1",
    }


class _WhenMessagesResealed(logging.Handler):
    """Sets ``then`` (once) as the rotation says it re-sealed scan records, which it does
    once it is done with every message, and waits for ``done``."""

    def __init__(self, then: threading.Event, done: threading.Event) -> None:
        super().__init__()
        self._then, self._done = then, done

    def emit(self, record: logging.LogRecord) -> None:
        said = record.getMessage()
        if said.startswith("re-sealed") and "scanrecord value" in said and not self._then.is_set():
            self._then.set()
            assert self._done.wait(timeout=30), "the writer did not store its message"


@pytest.mark.django_db(transaction=True)
def test_a_message_sealed_with_the_old_key_and_stored_after_the_pass_is_resealed(
    key_file: Path, running: Sealer
) -> None:
    """Under traffic, a writer (a thread with its own database connection, as the relay's
    door) seals a message just before the new key is written and stores it once the
    rotation's pass over messages has gone by: the rotation finds it on a later pass, so
    that when ``rotate`` returns nothing is left on the old key and the old key retires;
    the writer's next message is sealed with the new key."""
    held(running, 2)  # messages and scan records for the pass to re-seal (and say so)
    go, stored = threading.Event(), threading.Event()
    late = spool.ready(running, **_message(b"late"))

    def writer() -> None:
        try:
            if go.wait(timeout=30):
                spool.write(late)
                stored.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    watch = _WhenMessagesResealed(go, stored)
    keys_log = logging.getLogger("confide.keys")
    keys_log.addHandler(watch)
    keys_log.setLevel(logging.INFO)
    thread.start()
    try:
        key_rotation.rotate(key_file)
    finally:
        keys_log.removeHandler(watch)
        keys_log.setLevel(logging.NOTSET)
        go.set()
        thread.join(timeout=30)
    assert stored.is_set()
    new_key, _old_key = read_keys(key_file)
    assert key_rotation.census(read_keys(key_file)).older == 0
    assert key_rotation.retire(key_file) == 1
    assert b"late" in Fernet(new_key).decrypt(bytes(Message.objects.get(id=late.id).sealed))
    after = spool.store(running, **_message(b"after"))
    assert Sealer(new_key).unseal(bytes(Message.objects.get(id=after.id).sealed))


def test_a_staged_key_opens_on_every_node_before_any_seals_with_it(
    key_file: Path, running: Sealer, tmp_path: Path
) -> None:
    """Two nodes: ``stage`` adds a key that opens but seals nothing; once the file is copied
    to the other node, ``rotate`` puts that key first, and what the rotating node seals with
    it opens on the other node, whose copy still has the key staged. Without the stage, the
    other node cannot open it until the new file reaches it."""
    (old_key,) = read_keys(key_file)
    other_node = tmp_path / "other" / "confide.key"
    other_node.parent.mkdir()
    other_node.write_bytes(key_file.read_bytes())
    unstaged = Sealer.from_key_file(other_node, create=True)

    key_rotation.stage(key_file)
    (staged,) = read_key_file(key_file).staged
    Fernet(old_key).decrypt(running.seal(b"still sealed with the old key"))
    assert running.unseal(Fernet(staged).encrypt(b"a staged key opens")) == b"a staged key opens"
    with pytest.raises(key_rotation.RotationError, match="already holds a staged key"):
        key_rotation.stage(key_file)
    assert key_rotation.retire(key_file) == 0  # nothing older to retire; the staged key stays

    copied = read_key_file(key_file)  # the staged file reaches the other node
    write_keys(other_node, copied.sealing, staged=copied.staged)
    before = held(running, 1)
    key_rotation.rotate(key_file)
    assert read_key_file(key_file) == Keys(sealing=[staged, old_key], staged=[])
    sealed_here = running.seal(b"sealed with the new key")
    assert unstaged.unseal(sealed_here) == b"sealed with the new key"
    assert opens_all(unstaged, before)

    key_rotation.retire(key_file)
    assert read_key_file(key_file) == Keys(sealing=[staged], staged=[])


def test_without_a_stage_another_node_cannot_open_the_new_key_until_its_file_is_replaced(
    key_file: Path, running: Sealer, tmp_path: Path
) -> None:
    """What ``stage`` is for: a plain ``rotate`` on one node seals with a key the other
    node's file does not hold yet."""
    other_node = tmp_path / "other" / "confide.key"
    other_node.parent.mkdir()
    other_node.write_bytes(key_file.read_bytes())
    key_rotation.rotate(key_file)
    with pytest.raises(SealingError, match="sealed with another key"):
        Sealer.from_key_file(other_node).unseal(running.seal(b"new key"))
