"""The checks ``confide relay``, ``run`` and ``watch`` make before they serve anything, beside
those made elsewhere (the configuration as it loads, the database in ``ensure_schema``, the
ports as they are bound): each problem is one line saying what to do.

The key file must be its owner's alone: it opens every message confide keeps; and it must be
the one that sealed what is stored (a few stored values are opened to tell), and the one the
other nodes on the database use (a key check sealed by the first node to start is opened).
An upstream that does not answer is only a warning: the relay keeps what it releases and
retries until the upstream answers, and a service manager may well start the upstream
(Postfix, say) after confide.
"""

from __future__ import annotations

import socket
import stat

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from gateway.config import Settings, StartupError, UpstreamSettings
from gateway.relay.pipeline import key_file
from gateway.sealing import Sealer, SealingError, read_keys

# How long the start-up check waits for the upstream to accept a connection.
UPSTREAM_CONNECT_SECONDS = 3.0
# Stored values of each kind opened to tell that the key file is the one that sealed them:
# one opening is enough, and a few cost milliseconds however much is stored.
KEY_SAMPLE = 3


def check_key_at_start(settings: Settings) -> None:
    """The key file checked as every door starts (``confide relay``, ``run`` and ``watch``,
    which seal what they keep with it), in this order, each problem a ``StartupError``: only
    its owner may read it; it is there if the database holds anything sealed; it opens a few
    of the values stored; it is made (0600) if there is none; it opens the database's key
    check (sealed with it, by the first door to start on a new database)."""
    try:
        check_key_file(settings)
        check_key_for_what_is_stored(settings)
        check_key_opens_what_is_stored(settings)
        Sealer.from_key_file(key_file(settings), create=True)  # makes it if there is none
        check_key_is_this_databases(settings)
    except SealingError as exc:  # unreadable, or not a key file
        raise StartupError(str(exc)) from None
    except OSError as exc:  # its folder cannot be made or written
        raise StartupError(
            f"cannot make the key file {key_file(settings)}: {exc.strerror} (relay.key_file)"
        ) from None


def check_key_file(settings: Settings) -> None:
    """A key file that exists must be a file that only its owner may read or write (one that
    does not exist yet is made 0600 as a door starts: ``check_key_at_start``)."""
    path = key_file(settings)
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StartupError(f"{path}: cannot read the key file: {exc.strerror}") from None
    if not stat.S_ISREG(found.st_mode):
        raise StartupError(f"{path} is not a file: relay.key_file must name the key file")
    mode = stat.S_IMODE(found.st_mode)
    if mode & 0o077:
        raise StartupError(
            f"the key file {path} is open to other users (mode {mode:04o}) and opens every "
            f"message confide keeps: run `chmod 600 {path}`"
        )


def check_key_for_what_is_stored(settings: Settings) -> None:
    """Refuse to start without the key file when the database holds values sealed with one
    (or the key check the first node sealed): a new key would be made, and every stored or
    held message would stay sealed for good (a database restored without its key, a
    key_file setting gone wrong, a node whose copy of the key file was forgotten)."""
    from gateway.key_rotation import SEALED_MODELS

    path = key_file(settings)
    if path.exists():
        return
    if any(model._default_manager.exists() for model in SEALED_MODELS):
        raise StartupError(
            f"the key file {path} is missing, but the database holds messages sealed with a "
            "key: restore the key file (it is kept apart from database backups; on another "
            "node, copy that node's) or set relay.key_file"
        )


def check_key_opens_what_is_stored(settings: Settings) -> None:
    """Refuse a key file that opens none of a few stored values when there are some: a
    different valid key put in its place would leave every stored and held message sealed,
    and each failing to open as the relay read it back."""
    from gateway.key_rotation import SEALED_MODELS
    from gateway.relay.models import KeyCheck

    path = key_file(settings)
    if not path.exists():
        return  # made when the relay starts; refused before this if anything is stored
    keys = MultiFernet([Fernet(key) for key in read_keys(path)])
    tried = 0
    for model in SEALED_MODELS:
        if model is KeyCheck:
            continue  # not a message: check_key_is_this_databases opens it, and says so
        stored = model._default_manager.exclude(sealed=b"").values_list("sealed", flat=True)
        for sealed in stored[:KEY_SAMPLE]:
            tried += 1
            try:
                keys.decrypt(bytes(sealed))
            except InvalidToken:
                continue
            return
    if tried:
        raise StartupError(
            f"the key file {path} opens none of the stored messages; was it replaced? Put "
            "back the key file that sealed them (it is kept apart from database backups) "
            "or set relay.key_file"
        )


# What the key check holds, sealed (``gateway.relay.models.KeyCheck``): any fixed value does.
KEY_CHECK_VALUE = b"confide key check"


def check_key_is_this_databases(settings: Settings) -> None:
    """Refuse a key file that does not open the database's key check; with none yet, seal
    one with it. Two nodes on one database with key files of their own would each seal
    what the other cannot open: whatever one stored or held would wait, unopened, whenever
    the other took it up (and after the first stopped, for good). With nothing stored yet
    ``check_key_opens_what_is_stored`` cannot tell them apart; the key check can."""
    from django.db import IntegrityError

    from gateway.relay.models import KeyCheck

    path = key_file(settings)
    keys = read_keys(path)
    try:
        check, made = KeyCheck.objects.get_or_create(
            pk=1, defaults={"sealed": Fernet(keys[0]).encrypt(KEY_CHECK_VALUE)}
        )
    except IntegrityError:  # another node made it first (SQLite says so this way too)
        check, made = KeyCheck.objects.get(pk=1), False
    if made:
        return
    try:
        MultiFernet([Fernet(key) for key in keys]).decrypt(bytes(check.sealed))
    except InvalidToken:
        raise StartupError(
            f"the key file {path} is not the one this database was first used with (the key "
            "check the first node sealed does not open): this node and the others would "
            "each seal what the rest cannot open. Give every node a copy of one key file "
            "(from a node that has run on this database; relay.key_file says where each looks)"
        ) from None


def upstream_problem(upstream: UpstreamSettings) -> str | None:
    """Why the upstream cannot be reached now (a connection is opened and closed, nothing
    sent), or None when it accepts a connection."""
    try:
        with socket.create_connection(
            (upstream.host, upstream.port), timeout=UPSTREAM_CONNECT_SECONDS
        ):
            return None
    except TimeoutError:
        reason = f"no answer within {UPSTREAM_CONNECT_SECONDS:g} s"
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    return (
        f"the upstream {upstream.host}:{upstream.port} does not answer ({reason}): what confide "
        "releases waits in its queue and is retried until it does; check relay.upstream in "
        "confide.toml and that the mail server there is running"
    )
