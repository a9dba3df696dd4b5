"""``confide consent import|list|show``: the consent register from the command line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import CommandParser
from django.db import DatabaseError, OperationalError
from django.db.models import Count
from django.utils import timezone

from gateway.config import load_settings
from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.register.csv_import import import_register
from gateway.register.models import Consent, Subject, in_force
from scanner.consent import ALL_SCOPES
from scanner.policy.policy_file import RulesError, load_policy


class Command(ConfideCommand):
    help = "The consent register: import the case-management export, list subjects, show one."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser(
            "import",
            help="import CSV files (agencies, then subjects, then consents) in one transaction",
        )
        for kind in ("agencies", "subjects", "consents"):
            importing.add_argument(f"--{kind}", type=Path, metavar="FILE.csv")
        actions.add_parser("list", help="every subject: ref, kind, consents in force, display name")
        show = actions.add_parser("show", help="one subject's identifiers and consents")
        show.add_argument("ref", metavar="REF", help="the case-management reference")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            ensure_schema()
            if action == "import":
                self._import(options)
            elif action == "list":
                self._list()
            else:
                self._show(options["ref"])
        except OperationalError as exc:  # no server, wrong password, locked or unwritable file
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            self._fail(action, f"database unavailable: {first_line}")
        except DatabaseError as exc:  # its text may quote a row's values
            self._fail(action, f"database error ({type(exc).__name__}); nothing was changed")

    def _fail(self, action: str, message: str) -> NoReturn:
        self.stderr.write(f"confide consent {action}: {message}")
        raise SystemExit(2)

    def _import(self, options: dict[str, Any]) -> None:
        files: dict[str, Path] = {
            kind: options[kind] for kind in ("agencies", "subjects", "consents") if options[kind]
        }
        if not files:
            self._fail("import", "nothing to import; give --agencies, --subjects or --consents")
        for path in files.values():
            if not path.exists():
                self._fail("import", f"{path}: no such file")
        try:  # the words a consent may be recorded with are the policy's
            policy = load_policy(load_settings().organisation.policy)
        except RulesError as exc:
            self._fail("import", str(exc))
        result = import_register(scopes=(*policy.consent_scopes, ALL_SCOPES), **files)
        if result.error:
            self.stderr.write(result.error)
            raise SystemExit(2)
        self.stdout.write(f"imported: {result.summary()}")

    def _list(self) -> None:
        counted = Subject.objects.annotate(
            in_force=Count("consents", filter=in_force(timezone.now(), "consents__"))
        )
        rows = counted.order_by("ref").values_list("ref", "kind", "in_force", "display_name")
        empty = True
        for ref, kind, consents, name in rows.iterator(chunk_size=2000):
            if empty:
                self.stdout.write(f"{'ref':<16} {'kind':<11} {'consents':>8}  name")
                empty = False
            self.stdout.write(f"{ref:<16} {kind:<11} {consents:>8}  {name}")
        if empty:
            self.stdout.write("the register holds no subjects")

    def _show(self, ref: str) -> None:
        subject = Subject.objects.filter(ref=ref).prefetch_related("names", "emails", "phones")
        found = subject.first()
        if found is None:
            self._fail("show", f"no subject with ref {ref}")
        names = [n.name for n in found.names.all()]
        fields = [
            ("ref", found.ref),
            ("kind", found.get_kind_display()),
            ("name", found.display_name),
            ("also known as", "; ".join(n for n in names if n != found.display_name)),
            ("emails", "; ".join(e.email for e in found.emails.all())),
            ("phones", "; ".join(p.phone for p in found.phones.all())),
            ("date of birth", found.dob.isoformat() if found.dob else ""),
            ("NHS number", found.nhs_number),
            ("NI number", found.ni_number),
            ("postcode", found.postcode),
            ("address", found.address),
            ("created", _when(found.created_at)),
            ("updated", _when(found.updated_at)),
        ]
        for label, value in fields:
            self.stdout.write(f"{label + ':':<15} {value}")
        consents = Consent.objects.filter(subject=found).select_related("agency")
        now = timezone.now()
        self.stdout.write(f"consents:       {len(consents) or 'none recorded'}")
        for consent in consents:
            if consent.withdrawn_at is not None and consent.withdrawn_at <= now:
                state = f"withdrawn {_when(consent.withdrawn_at)}"
            elif consent.valid_until is not None and consent.valid_until < now:
                state = f"expired {_when(consent.valid_until)}"
            else:
                state = "in force"
                if consent.valid_until is not None:
                    state += f" until {_when(consent.valid_until)}"
                if consent.withdrawn_at is not None:
                    state += f", to be withdrawn {_when(consent.withdrawn_at)}"
            self.stdout.write(
                f"  {consent.recipient_label}: {consent.scopes.replace(',', ', ')};"
                f" {consent.method}, recorded {_when(consent.recorded_at)}"
                f" by {consent.recorded_by}; {state}"
            )
            if consent.evidence:
                self.stdout.write(f"    evidence: {consent.evidence}")


def _when(moment: datetime) -> str:
    """A stored moment in UK time (settings.TIME_ZONE), to the minute."""
    return str(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"))
