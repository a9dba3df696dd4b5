"""``confide verdict --from ADDR --to ADDR [--to ADDR ...] [--json] FILE``: the verdict each
recipient would get, and why, without sending anything. ``--json`` also names, per
recipient, the rules that were read and did not fire. A message (an .eml) is read as the relay
reads one that arrives by SMTP, so the verdict is the relay's (``scan_as_sent``)."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db import DatabaseError

from gateway.config import load_settings
from gateway.consent_book import DjangoConsentBook
from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.scanner_setup import build_scanner, scan_as_sent
from scanner import identifiers
from scanner.attribution import Sender
from scanner.extract import UnsupportedType
from scanner.judging import MatcherCache, Organisation, judge
from scanner.policy.policy_file import Policy, RulesError, load_policy
from scanner.policy.verdicts import Verdict

log = logging.getLogger("confide.verdict")


class _BadInput(Exception):
    """Input this command cannot use; its message is the one line printed."""


class Command(ConfideCommand):
    help = "Show the verdict per recipient for one file (.eml, .txt, .docx or .pdf)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="an .eml, .txt, .docx or .pdf file")
        parser.add_argument("--from", dest="sender", required=True, metavar="ADDR")
        parser.add_argument(
            "--to", dest="recipients", action="append", required=True, metavar="ADDR"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._check(options)
        except _BadInput as exc:
            self.stderr.write(f"confide verdict: {exc}")
            raise SystemExit(2) from None
        except DatabaseError as exc:  # the register is unreachable: not the input's fault
            kind = type(exc).__name__
            self.stderr.write(f"confide verdict: cannot read the consent register ({kind})")
            raise SystemExit(1) from None

    def _check(self, options: dict[str, Any]) -> None:
        sender = _address(options["sender"])
        recipients: list[str] = options["recipients"]  # verdicts are keyed as typed
        for recipient in recipients:
            _address(recipient)
        path = Path(options["file"])
        if path.is_dir():
            raise _BadInput(f"{path}: is a directory; confide verdict reads one file")
        if not path.is_file():
            raise _BadInput(f"{path}: no such file")
        settings = load_settings()
        try:
            policy = load_policy(settings.organisation.policy)
        except RulesError as exc:
            raise _BadInput(str(exc)) from None
        ensure_schema()
        book = DjangoConsentBook()
        with build_scanner() as scanner:
            try:
                result = scan_as_sent(scanner, path)
            except UnsupportedType as exc:
                raise _BadInput(f"{path}: {exc}") from None
            except OSError as exc:
                raise _BadInput(f"{path}: cannot read: {exc.strerror}") from None
        verdicts = judge(
            result,
            recipients,
            sender=Sender(sender),
            policy=policy,
            book=book,
            matcher=MatcherCache().get(book),
            organisation=Organisation(tuple(settings.organisation.internal_domains)),
            at=datetime.now(UTC),
        )
        log.info(
            "checked path=%s verdicts=%s",
            path,
            dict(Counter(v.action for v in verdicts.values())),
        )
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(verdicts), ensure_ascii=False))
        else:
            self._print(path, verdicts, policy)

    def _print(self, path: Path, verdicts: dict[str, Verdict], policy: Policy) -> None:
        clauses = {rule.id: rule.clause for rule in policy.rules}
        self.stdout.write(str(path))
        for address, verdict in verdicts.items():
            action = verdict.action.upper()
            if verdict.redactions:
                action += f" ({len(verdict.redactions)} removed)"
            self.stdout.write(f"  {address}: {action}")
            for rule in verdict.rules:
                self.stdout.write(f"    rule {rule} ({clauses.get(rule, '?')})")
            for reason in verdict.reasons:
                self.stdout.write(f"    - {reason}")


def _address(value: str) -> str:
    address = identifiers.email(value)
    if not address:
        raise _BadInput(f"{value!r} is not an email address")
    return address


def _as_json(verdicts: dict[str, Verdict]) -> dict[str, dict[str, Any]]:
    """The verdict per recipient, and per recipient the rules read that did not fire."""
    return {
        "verdicts": {
            address: {"action": v.action, "rules": list(v.rules), "reasons": list(v.reasons)}
            for address, v in verdicts.items()
        },
        "not_fired": {address: list(v.not_fired) for address, v in verdicts.items()},
    }
