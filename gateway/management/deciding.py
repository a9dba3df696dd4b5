"""What ``confide held`` and ``confide documents`` share when they decide on held items: the
arguments a decision takes, the manager it is made as (``--as``), and each id decided in turn,
a refusal reported for that id while the rest are done."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser

from gateway.review.roles import is_manager


def add_decision_arguments(parser: CommandParser, *, note_help: str) -> None:
    """``ID...``, ``--note`` and ``--as USER``, which every decision takes."""
    parser.add_argument("ids", type=int, nargs="+", metavar="ID")
    parser.add_argument("--note", required=True, help=note_help)
    parser.add_argument(
        "--as", dest="manager", required=True, metavar="USER", help="a manager's login"
    )


def fail(command: BaseCommand, what: str, message: str) -> NoReturn:
    """Say ``confide WHAT: MESSAGE`` on stderr and exit 1."""
    command.stderr.write(f"confide {what}: {message}")
    raise SystemExit(1)


def acting_manager(command: BaseCommand, what: str, username: str) -> User:
    """The account named by ``--as`` if it exists, is active and has the Manager role;
    otherwise the command fails saying so."""
    manager = User.objects.filter(username=username).first()
    if manager is None or not manager.is_active or not is_manager(manager):
        fail(command, what, f"{username!r} is not an active manager's account")
    return manager


def decide_each(
    command: BaseCommand,
    noun: str,
    ids: list[int],
    decide: Callable[[int], str],
    *,
    refused: type[Exception],
) -> None:
    """``decide`` each id in turn, saying what was done or why not; exit 1 if any was
    refused (as ``refused``)."""
    refusals = 0
    for item_id in ids:
        try:
            done = decide(item_id)
        except refused as exc:
            refusals += 1
            command.stderr.write(f"{noun} {item_id}: not done: {exc}")
        else:
            command.stdout.write(f"{noun} {item_id}: {done}")
    if refusals:
        raise SystemExit(1)
