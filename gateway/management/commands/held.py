"""``confide held list|show|release|reject``: held mail for an admin on the server, decided
through the same functions as the review pages (``gateway.review.decisions``), each decision
in the name of a manager's account (``--as``) and recorded in the audit trail as theirs."""

from __future__ import annotations

from collections import Counter
from typing import Any, NoReturn

from django.contrib.auth.models import User
from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.timesince import timesince

from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.management.deciding import acting_manager, add_decision_arguments, decide_each, fail
from gateway.relay.pipeline import Pipeline
from gateway.review import decisions
from gateway.review.held_items import HeldMessage, every_held, message_of


class Command(ConfideCommand):
    help = "Held mail: list what waits, show one, release or reject it as a manager."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("list", help="every held recipient: id, age, sender, recipient, rules")
        show = actions.add_parser(
            "show", help="one held recipient's message: headers, findings, verdicts"
        )
        show.add_argument("id", type=int, metavar="ID", help="the recipient's id (from list)")
        show.add_argument(
            "--text", action="store_true", help="also print the text confide read, with findings"
        )
        release = actions.add_parser("release", help="release held recipients")
        how = release.add_mutually_exclusive_group()
        how.add_argument("--banner", action="store_true", help="marked CONFIDENTIAL (the default)")
        how.add_argument(
            "--redacted",
            action="store_true",
            help="with every finding removed, checked again first (loads the model)",
        )
        release.add_argument(
            "--body-only",
            action="store_true",
            help="with --banner: the banner in the subject and body only; documents that "
            "cannot be marked go as they are",
        )
        reject = actions.add_parser("reject", help="reject held recipients; the sender is told")
        for decided in (release, reject):
            add_decision_arguments(decided, note_help="why (the sender is sent it)")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "show":
            self._show(options["id"], text=options["text"])
        else:
            self._decide(action, options)

    def _fail(self, action: str, message: str) -> NoReturn:
        fail(self, f"held {action}", message)

    def _list(self) -> None:
        now = timezone.now()
        for outcome in every_held():
            message = outcome.message
            self.stdout.write(
                f"{outcome.id}\t{timesince(message.received_at, now)}\t"
                f"{message.mail_from or '(null sender)'}\t{outcome.recipient}\t"
                f"{', '.join(outcome.rules) or '-'}"
            )

    def _show(self, outcome_id: int, *, text: bool) -> None:
        item = message_of(outcome_id)
        if item is None:
            self._fail("show", f"no held recipient {outcome_id}")
        self.stdout.write(f"reference: {item.message.id}")
        self.stdout.write(f"received: {item.message.received_at.isoformat()}")
        self.stdout.write(f"envelope sender: {item.message.mail_from or '(null sender)'}")
        for name, value in item.headers:
            self.stdout.write(f"{name}: {value}")
        self._show_findings(item, text=text)
        for outcome in item.outcomes:
            self.stdout.write(
                f"\nrecipient {outcome.id}: {outcome.recipient}: {outcome.action}, "
                f"{outcome.get_review_state_display()}"
            )
            self.stdout.write(f"  rules: {', '.join(outcome.rules) or '-'}")
            for reason in outcome.reasons:
                self.stdout.write(f"  - {reason}")
            if outcome.decided_by:
                self.stdout.write(f"  decided by {outcome.decided_by}: {outcome.decision_note}")

    def _show_findings(self, item: HeldMessage, *, text: bool) -> None:
        if item.read is None:
            self.stdout.write("findings: the scan of this message was not kept")
            return
        for reason in item.read.unscannable:
            self.stdout.write(f"not read: {reason}")
        for segment in item.read.segments:
            counted = Counter(span.type for span in segment.findings)
            found = ", ".join(f"{kind} x{n}" for kind, n in sorted(counted.items())) or "none"
            self.stdout.write(f"findings in {segment.location}: {found}")
            if text:
                self.stdout.write(segment.text)

    def _decide(self, action: str, options: dict[str, Any]) -> None:
        manager = acting_manager(self, f"held {action}", options["manager"])
        redacting = bool(options.get("redacted"))
        if redacting and options.get("body_only"):
            self._fail(action, "--body-only goes with --banner, not --redacted")
        pipeline = decisions.redacting() if redacting else None
        decide_each(
            self,
            "recipient",
            options["ids"],
            lambda outcome_id: self._decide_one(action, outcome_id, manager, options, pipeline),
            refused=decisions.DecisionRefused,
        )

    def _decide_one(
        self,
        action: str,
        outcome_id: int,
        manager: User,
        options: dict[str, Any],
        pipeline: Pipeline | None,
    ) -> str:
        note = options["note"]
        if action == "reject":
            decisions.reject(outcome_id, user=manager, note=note)
            return "rejected; the sender is told"
        if pipeline is not None:
            decisions.release_redacted(outcome_id, user=manager, note=note, pipeline=pipeline)
            return "released redacted"
        decisions.release_with_banner(
            outcome_id, user=manager, note=note, body_only=bool(options.get("body_only"))
        )
        return "released, marked CONFIDENTIAL"
