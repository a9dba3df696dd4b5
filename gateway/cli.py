"""The ``confide`` command: Django's management utility with confide's commands added."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings")
    from django.core.management import execute_from_command_line

    from gateway.config import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        print(f"confide: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
