"""``confide webuser NAME --role manager|staff [--email ADDR]``: an account for the review web
app. The password is read from standard input (not the process list or the shell's history);
``--keep-password`` gives an existing account (one made by ``confide createsuperuser``) a role
without changing it; ``--remove`` takes the roles away and deactivates the account. A change
of role and a removal end the account's sessions (``gateway.review.signing_in``).
``--reset-second-factor`` removes the account's authenticator app (a lost phone), to be set
up again at the next sign-in."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.review import second_factor
from gateway.review.roles import MANAGER, ROLES, STAFF

_ROLE = {"manager": MANAGER, "staff": STAFF}


class Command(ConfideCommand):
    help = "Create or update an account for the review web app (password on standard input)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the login name")
        parser.add_argument("--role", choices=sorted(_ROLE), help="manager or staff")
        parser.add_argument(
            "--email", help="the address they send mail from (staff see what it sent)"
        )
        parser.add_argument(
            "--keep-password", action="store_true", help="an existing account: keep its password"
        )
        parser.add_argument(
            "--remove", action="store_true", help="take away both roles and deactivate the account"
        )
        parser.add_argument(
            "--reset-second-factor",
            action="store_true",
            help="remove the account's authenticator app (it is set up again at next sign-in)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        name = options["name"]
        if options["reset_second_factor"]:
            self._reset_second_factor(name)
            return
        roles = [Group.objects.get_or_create(name=role)[0] for role in ROLES]
        if options["remove"]:
            user = User.objects.filter(username=name).first()
            if user is not None:
                with transaction.atomic():
                    user.groups.remove(*roles)
                    user.is_active = False
                    user.save(update_fields=["is_active"])
            self.stdout.write(f"{name} can no longer use the review pages")
            return
        if not options["role"]:
            raise CommandError("say --role manager or --role staff (or --remove)")
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=name)
            if options["email"]:
                user.email = options["email"].strip().lower()
            if created or not options["keep_password"]:
                password = sys.stdin.readline().rstrip("\r\n")
                if not password:
                    raise CommandError(
                        "give a password on standard input (none was read), e.g."
                        f" `confide webuser {name} --role {options['role']} < password-file`"
                    )
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    # Each refusing validator in its own words ("This password is too short.
                    # It must contain at least 12 characters."); never the password itself.
                    raise CommandError(
                        "the password on standard input was refused: " + " ".join(exc.messages)
                    ) from None
                user.set_password(password)
            user.is_active = True
            user.save()
            # Only a change of role touches the groups, and so ends the account's sessions
            # (gateway.review.signing_in): running this again as it was leaves them be.
            others = list(user.groups.exclude(name__in=ROLES))
            user.groups.set([*others, Group.objects.get(name=_ROLE[options["role"]])])
        self.stdout.write(f"{name} can sign in to the review pages as {options['role']}")

    def _reset_second_factor(self, name: str) -> None:
        user = User.objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"there is no account {name!r}")
        removed = second_factor.remove_all(user)
        self.stdout.write(
            f"{name}: {removed} second factor(s) removed; they set one up at their next sign-in"
        )
