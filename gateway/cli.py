"""The ``confide`` command: confide's own management commands, and none of the ones Django
ships (``flush``, ``dbshell``, ``loaddata``... would wipe or bypass the register)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_HELP = ("help", "-h", "--help")


def main() -> None:
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

    from django.core.management import execute_from_command_line

    from gateway.config import ConfigError, StartupError

    try:
        execute_from_command_line(argv)
    except ConfigError as exc:
        print(f"confide: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except StartupError as exc:
        print(f"confide: cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def confide_commands() -> list[str]:
    """The commands confide offers: its own, in gateway/management/commands."""
    from django.core.management import find_commands

    return sorted(find_commands(str(Path(__file__).with_name("management"))))


def _usage(commands: list[str]) -> str:
    return f"usage: confide COMMAND [--help]; commands: {', '.join(commands)}"
