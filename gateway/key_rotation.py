"""Key rotation: a new key in the key file, and everything stored re-sealed with it.

``rotate`` puts a new key first in the file (``gateway.sealing``: the first key seals, all
of them open), then re-seals each stored value still sealed with an older key, with Fernet's
``MultiFernet.rotate``, a batch at a time. Running processes follow the file, so they seal
with the new key from the moment it is written and open both kinds throughout. A value one
of them sealed just before that moment may be stored only after the re-seal went past its
row (a message stored, a message processed: seconds at most), so the re-seal goes over
everything again once ``SETTLE_SECONDS`` have passed since the file changed, until a pass
finds nothing left on an older key. A rotation
cut short (a crash, Ctrl-C) loses nothing: the file already holds both keys, and ``reseal``
finishes the work, skipping what is already sealed with the newest key. Each value is
replaced only if it is still the one that was read, so a purge or a decision made meanwhile
is never undone.

Held documents are sealed files in the watcher's quarantine (``gateway.watcher.sealed_files``),
counted and re-sealed like the rows: each is re-sealed into a copy beside it, checked against
its row's content hash, and renamed over it only while its row still holds it there (a
release claims the row first, and waits for the rename otherwise).

``retire`` drops the older keys, and only once every stored value opens with the newest
alone: a value sealed with a key no file holds any more would stay sealed for good.

With several nodes, ``stage`` comes first: it adds the new key as one that opens but does not
seal yet. Once that file is on every node, ``rotate`` puts the staged key first instead of
making one, so a value a node seals with it opens on every other node, whichever copy of the
file each has; the rotated file then goes to every node, and ``reseal`` picks up what they
sealed with the old key meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.db import models, transaction

from gateway.database import in_use
from gateway.relay.models import Copy, KeyCheck, Message
from gateway.review.models import ScanRecord
from gateway.sealing import Sealer, SealingError, changing_keys, read_keys, write_keys
from gateway.watcher import sealed_files
from gateway.watcher.models import Placement, WatchedFile

log = logging.getLogger("confide.keys")

# Every model with a sealed value, in its field ``sealed`` (an emptied value was purged).
SEALED_MODELS: tuple[type[models.Model], ...] = (Message, Copy, ScanRecord, KeyCheck)
# Values re-sealed per transaction: small, so that the relay's writes, which wait for each
# transaction on SQLite, wait for milliseconds, and a batch of large messages fits in memory.
BATCH = 50
# How long after the key file changed a value sealed with the key before may still be
# stored: each such value is sealed and stored in one piece of work (a message received, a
# message processed, a decision), which waits for the database's lock 30 s at most on
# SQLite (DATABASES' timeout) and takes milliseconds otherwise.
SETTLE_SECONDS = 30.0
# Passes after the first, each once SETTLE_SECONDS have passed, before ``rotate`` gives up
# and says to run ``reseal`` (only a process still sealing with the old key, one whose key
# file was not replaced, keeps finding more).
CATCH_UP_PASSES = 3


class RotationError(Exception):
    """The keys cannot be changed as asked; the message says why and what to run."""


@dataclass(frozen=True)
class Census:
    """Stored values by the key they are sealed with."""

    newest: int = 0
    older: int = 0
    unopenable: int = 0  # opens with no key in the file


def stage(key_file: Path) -> None:
    """Add a new key to the file that opens but does not seal, for ``rotate`` to put first
    once the file is on every node."""
    with changing_keys(key_file) as keys:
        if keys.staged:
            raise RotationError(
                f"{key_file} already holds a staged key: copy it to every node, then run "
                "`confide keys rotate`"
            )
        write_keys(key_file, keys.sealing, staged=[Fernet.generate_key()])
        log.info("a new key is staged (%d keys in the file)", len(keys.sealing) + 1)


def rotate(key_file: Path, *, batch: int = BATCH) -> Census:
    """Put a new key first in the file (the staged one, if there is one) and re-seal
    everything stored with it."""
    with changing_keys(key_file) as keys:
        new, *staged = keys.staged or [Fernet.generate_key()]
        write_keys(key_file, [new, *keys.sealing], staged=staged)
        log.info("a new key is in force (%d keys in the file)", 1 + len(keys.sealing) + len(staged))
        return _reseal_until_settled(key_file, batch)


def reseal(key_file: Path, *, batch: int = BATCH) -> Census:
    """Re-seal with the newest key what is still sealed with an older one (finishes a
    rotation that was cut short, or one whose new key file was copied to other nodes)."""
    with changing_keys(key_file):
        return _reseal_until_settled(key_file, batch)


def _reseal_until_settled(key_file: Path, batch: int) -> Census:
    """``_reseal``, then again until a pass re-seals nothing: what a process sealed with the
    old key just before the file changed, and stored after a pass went by, is found by the
    next. While other processes use the database (``in_use``), there is always a pass after
    the first, once the key file changed ``SETTLE_SECONDS`` ago. The census counts every
    value re-sealed as ``older``; ``newest`` and ``unopenable`` as the first and last pass
    found them."""
    changed = key_file.stat().st_mtime
    first = found = _reseal(key_file, batch)
    resealed = found.older
    for _ in range(CATCH_UP_PASSES):
        busy = in_use()  # another process may have a value sealed with the old key in hand
        if not (found.older or busy):
            break
        wait = changed + SETTLE_SECONDS - time.time()
        if busy and wait > 0:
            log.info("waiting %.0f s for values sealed with the old key to be stored", wait)
            time.sleep(wait)
        found = _reseal(key_file, batch)
        resealed += found.older
        if not found.older:
            break
    if found.older:
        log.warning(
            "values sealed with an older key were still being stored: is a node's key file "
            "not replaced yet? Replace it, then run `confide keys reseal`"
        )
    return Census(newest=first.newest, older=resealed, unopenable=found.unopenable)


def retire(key_file: Path) -> int:
    """Drop every key but the newest, once nothing stored is sealed with one; returns how
    many keys were dropped."""
    with changing_keys(key_file) as keys:
        if len(keys.sealing) == 1:
            return 0
        found = census(keys.opening)
        if found.older:
            raise RotationError(
                f"{found.older} stored value{'s are' if found.older != 1 else ' is'} still "
                "sealed with an older key: run `confide keys reseal`, then retire"
            )
        if found.unopenable:
            raise RotationError(
                f"{found.unopenable} stored value{'s' if found.unopenable != 1 else ''} "
                "open with no key in the file (sealed with a key from elsewhere?): "
                "nothing was retired"
            )
        write_keys(key_file, keys.sealing[:1], staged=keys.staged)
        log.info("retired %d older key(s)", len(keys.sealing) - 1)
        return len(keys.sealing) - 1


def census(keys: list[bytes]) -> Census:
    """How many stored values open with the newest key, only with an older one, or with none."""
    newest, every = Fernet(keys[0]), MultiFernet([Fernet(key) for key in keys])
    counts = {"newest": 0, "older": 0, "unopenable": 0}
    for _row_id, path in _held_documents(moving_too=True):
        counts[sealed_files.key_of(path, newest, every)] += 1
    for model, pk in _every_sealed():
        token = _sealed_value(model, pk)
        if token is None:
            continue
        if _opens(newest, token):
            counts["newest"] += 1
        else:
            counts["older" if _opens(every, token) else "unopenable"] += 1
    return Census(**counts)


def _reseal(key_file: Path, batch: int) -> Census:
    """Re-seal what does not open with the newest key; the census it returns counts what
    was re-sealed as ``older``."""
    keys = read_keys(key_file)
    newest, every = Fernet(keys[0]), MultiFernet([Fernet(key) for key in keys])
    counts = {"newest": 0, "older": 0, "unopenable": 0}
    for model in SEALED_MODELS:
        for pks in _batches(model, batch):
            resealed: list[tuple[object, bytes, bytes]] = []
            for pk in pks:
                token = _sealed_value(model, pk)
                if token is None:
                    continue  # purged meanwhile
                if _opens(newest, token):
                    counts["newest"] += 1
                    continue
                try:
                    resealed.append((pk, token, every.rotate(token)))
                except InvalidToken:
                    counts["unopenable"] += 1
            done = 0
            with transaction.atomic():
                for pk, was, now in resealed:
                    # Only if unchanged since read: a purge may have emptied it meanwhile.
                    done += model._default_manager.filter(pk=pk, sealed=was).update(sealed=now)
            if done:
                log.info("re-sealed %d %s value(s)", done, model._meta.model_name)
            counts["older"] += done
    _reseal_held_documents(keys, counts)
    return Census(newest=counts["newest"], older=counts["older"], unopenable=counts["unopenable"])


def _reseal_held_documents(keys: list[bytes], counts: dict[str, int]) -> None:
    """Re-seal each held document's sealed file that needs an older key, counting into
    ``counts`` as ``_reseal`` does."""
    newest, every = Fernet(keys[0]), MultiFernet([Fernet(key) for key in keys])
    opener = Sealer(*keys)
    for row_id, path in _held_documents(moving_too=False):
        try:
            found = sealed_files.key_of(path, newest, every)
        except FileNotFoundError:
            continue  # released meanwhile
        if found != "older":
            counts[found] += 1
            continue
        try:
            copy = sealed_files.resealed_copy(path, every)
        except FileNotFoundError:
            continue
        row = WatchedFile.objects.filter(id=row_id).values_list("content_hash", flat=True)
        try:
            whole = sealed_files.opened_hash(copy, opener) == row.first()
        except SealingError:
            whole = False
        with transaction.atomic():
            # Taking the row's lock: a release claims it first, or waits for the rename.
            still_held = (
                WatchedFile.objects.filter(id=row_id, quarantined_as=str(path))
                .exclude(placement__in=_MOVING)
                .update(quarantined_as=str(path))
            )
            if whole and still_held:
                sealed_files.replace(copy, path)
                counts["older"] += 1
                log.info("re-sealed held document id=%s", row_id)
            else:
                copy.unlink(missing_ok=True)
                if not whole:
                    counts["unopenable"] += 1


_MOVING = (Placement.QUARANTINING, Placement.RELEASING)


def _held_documents(*, moving_too: bool) -> Iterator[tuple[int, Path]]:
    """(row id, sealed file) of every held document's sealed file in the quarantine; with
    ``moving_too``, also of those a move has under way, whose sealed file may be half-made."""
    rows = WatchedFile.objects.order_by("id")
    for row_id, placement, held, moving_to in rows.values_list(
        "id", "placement", "quarantined_as", "moving_to"
    ).iterator():
        if placement in _MOVING and not moving_too:
            continue
        path = Path(moving_to) if placement == Placement.QUARANTINING else Path(held or "")
        if (held or placement == Placement.QUARANTINING) and path.is_file():
            yield row_id, path


def _every_sealed() -> Iterator[tuple[type[models.Model], object]]:
    for model in SEALED_MODELS:
        for pks in _batches(model, BATCH):
            for pk in pks:
                yield model, pk


def _batches(model: type[models.Model], size: int) -> Iterator[list[object]]:
    """The primary keys of the rows with a sealed value, ``size`` at a time, in order."""
    rows = model._default_manager.exclude(sealed=b"").order_by("pk")
    last = None
    while True:
        found = list(
            (rows if last is None else rows.filter(pk__gt=last)).values_list("pk", flat=True)[:size]
        )
        if not found:
            return
        yield found
        last = found[-1]


def _sealed_value(model: type[models.Model], pk: object) -> bytes | None:
    value = model._default_manager.filter(pk=pk).values_list("sealed", flat=True).first()
    return bytes(value) if value else None


def _opens(fernet: Fernet | MultiFernet, token: bytes) -> bool:
    try:
        fernet.decrypt(token)
    except InvalidToken:
        return False
    return True
