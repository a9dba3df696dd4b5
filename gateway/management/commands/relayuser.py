"""``confide relayuser NAME``: an account that may send through the relay with SMTP AUTH
(after STARTTLS) from outside the allowed networks. The password is read from standard input,
so it never appears in the process list or the shell's history."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.relay.accounts import RELAY_SENDERS


class Command(ConfideCommand):
    help = "Create or update an account allowed to send through the relay with SMTP AUTH."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the login name")
        parser.add_argument(
            "--remove", action="store_true", help="stop this account sending through the relay"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        name = options["name"]
        group, _ = Group.objects.get_or_create(name=RELAY_SENDERS)
        if options["remove"]:
            user = User.objects.filter(username=name).first()
            if user is not None:
                user.groups.remove(group)
            self.stdout.write(f"{name} may no longer send through the relay")
            return
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 12:
            raise CommandError("give a password of at least 12 characters on standard input")
        with transaction.atomic():
            user, _ = User.objects.get_or_create(username=name)
            user.set_password(password)
            user.is_active = True
            user.save()
            user.groups.add(group)
        self.stdout.write(f"{name} may send through the relay (SMTP AUTH after STARTTLS)")
