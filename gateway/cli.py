"""The ``confide`` command: confide's own management commands, and none of the ones Django
ships (``flush``, ``dbshell``, ``loaddata``... would wipe or bypass the register)."""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

_HELP = ("help", "-h", "--help")
# The innermost frames an unexpected error is said to come from.
_FRAMES = 4
# The status a shell gives a program that SIGPIPE ended (128 + SIGPIPE), as `yes | head` shows:
# Python ignores SIGPIPE, so confide says it itself when its reader has gone.
_READER_GONE = 128 + signal.SIGPIPE
# And the one it gives a program that Ctrl-C (SIGINT) ended, as Python's own exits with.
_INTERRUPTED = 128 + signal.SIGINT


def main() -> None:
    """Run a command; when whatever reads its output (``| head``) closes the pipe early,
    stop quietly, as Python's documentation of SIGPIPE recommends, not with a traceback."""
    try:
        try:
            _run()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes standard output again as it exits: point it at /dev/null so that
        # flush has nowhere broken to write to.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(_READER_GONE) from None


def _run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings")
    # Whatever confide creates (database, key, lock files) is its owner's alone.
    os.umask(0o077)
    commands = confide_commands()
    argv = list(sys.argv)
    asked = argv[1] if len(argv) > 1 else None
    if asked is None or (asked in _HELP and (len(argv) < 3 or argv[2].startswith("-"))):
        print(_usage(commands))
        return
    named = argv[2] if asked in _HELP else asked
    if not named.startswith("-") and named not in commands:
        print(f"confide: no command {named!r}; {_usage(commands)}", file=sys.stderr)
        raise SystemExit(2)

    from gateway.config import ConfigError, StartupError
    from gateway.sealing import SealingError

    threading.excepthook = _thread_failed
    try:
        _confide_utility(argv).execute()
    except ConfigError as exc:
        print(f"confide: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except StartupError as exc:
        print(f"confide: cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except SealingError as exc:  # the key file unusable, or a value sealed with another key
        print(f"confide: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except BrokenPipeError:
        raise  # the reader of our output has gone: main() stops quietly
    except KeyboardInterrupt:  # Ctrl-C before a command handles it (confide run starting)
        print("confide: interrupted", file=sys.stderr)
        raise SystemExit(_INTERRUPTED) from None
    except Exception as exc:  # noqa: BLE001 - said without its message, which may name a file
        print(f"confide: stopped by an unexpected error: {unexpected(exc)}", file=sys.stderr)
        raise SystemExit(1) from None


def unexpected(exc: BaseException) -> str:
    """An unexpected error in words that name no file and hold no data: its type (and errno),
    and where in confide's code it was raised. Never its message or a traceback's, which may
    hold a path (a folder named after a person) or what was read."""
    kind = type(exc).__name__
    if isinstance(exc, OSError) and exc.errno:
        kind += f" ({errno.errorcode.get(exc.errno, exc.errno)})"
    frames = traceback.extract_tb(exc.__traceback__)[-_FRAMES:]
    where = ", ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
    return f"{kind} at {where}" if where else kind


def _thread_failed(failed: threading.ExceptHookArgs) -> None:
    """A thread's uncaught error (an observer's), said as ``unexpected`` says it."""
    if failed.exc_value is None or isinstance(failed.exc_value, SystemExit):
        return
    name = failed.thread.name if failed.thread is not None else "?"
    print(f"confide: thread {name} stopped: {unexpected(failed.exc_value)}", file=sys.stderr)


def _confide_utility(argv: list[str]) -> Any:
    """Django's command line, each command taken from confide's own, even one named as one
    of Django's: Django would run its own ``createsuperuser`` (``django.contrib.auth`` comes
    before ``gateway`` in INSTALLED_APPS), not confide's."""
    from django.core.management import ManagementUtility, load_command_class

    class ConfideUtility(ManagementUtility):
        def fetch_command(self, subcommand: str) -> Any:
            if subcommand in confide_commands():
                return load_command_class("gateway", subcommand)
            return super().fetch_command(subcommand)

    return ConfideUtility(argv)


def confide_commands() -> list[str]:
    """The commands confide offers: its own, in gateway/management/commands."""
    from django.core.management import find_commands

    return sorted(find_commands(str(Path(__file__).with_name("management"))))


def _usage(commands: list[str]) -> str:
    return f"usage: confide COMMAND [--help]; commands: {', '.join(commands)}"
