"""``confide keys stage|rotate|reseal|retire``: a new key for what confide stores, and the old
one dropped once nothing needs it (``gateway.key_rotation``); safe while confide runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from gateway import key_rotation
from gateway.config import load_settings
from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.relay.pipeline import key_file
from gateway.sealing import SealingError


class Command(ConfideCommand):
    help = "The key file: add a new key and re-seal with it, finish that, drop old keys."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "stage",
            help="add a new key that opens but does not seal yet (several nodes: copy the file "
            "to each, then rotate)",
        )
        actions.add_parser(
            "rotate",
            help="put a new key (the staged one, if any) first in the key file and re-seal "
            "everything stored with it",
        )
        actions.add_parser(
            "reseal", help="re-seal what an older key still seals (finishes a rotate cut short)"
        )
        actions.add_parser(
            "retire", help="drop the older keys, once nothing stored is sealed with them"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        path = key_file(load_settings())
        if not path.is_file():
            raise CommandError(f"there is no key file at {path} (relay.key_file)")
        action = options["action"]
        try:
            if action == "stage":
                key_rotation.stage(path)
                self.stdout.write(
                    f"a new key is staged in {path}: it opens but seals nothing yet. Copy the "
                    "file to every node, then run `confide keys rotate` on one of them"
                )
                return
            if action == "retire":
                dropped = key_rotation.retire(path)
                self.stdout.write(
                    f"retired {dropped} older key{'s' if dropped != 1 else ''}; {path} holds "
                    "one key"
                    if dropped
                    else f"{path} holds one key: nothing to retire"
                )
                return
            rotating = key_rotation.rotate if action == "rotate" else key_rotation.reseal
            done = rotating(path)
        except (key_rotation.RotationError, SealingError) as exc:
            raise CommandError(str(exc)) from None
        said = "a new key is in force; " if action == "rotate" else ""
        self.stdout.write(
            f"{said}re-sealed {done.older} stored value{'s' if done.older != 1 else ''} "
            f"({done.newest} already sealed with the newest key)"
        )
        if done.unopenable:
            raise CommandError(
                f"{done.unopenable} stored values open with no key in {path}: left as they are"
            )
        if action == "rotate":
            self.stdout.write(
                "back up the key file now (with several nodes, copy it to each and run "
                "`confide keys reseal`); once that backup is safe, run `confide keys retire`"
            )
