"""``confide documents list|release|reject``: the documents the shared-drive watcher holds, for
an admin on the server, decided through the same functions as the review pages
(``gateway.watcher.documents``), each decision in the name of a manager's account (``--as``)
and recorded in the audit trail as theirs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.timesince import timesince

from gateway.database import ensure_schema
from gateway.management.command import ConfideCommand
from gateway.management.deciding import acting_manager, add_decision_arguments, decide_each
from gateway.review.discovery import held_documents
from gateway.watcher import documents
from gateway.watcher.models import WatchedFile


class Command(ConfideCommand):
    help = "Held documents: list what waits, release or reject them as a manager."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "list", help="every held document: id, age, folder, audience, rules, findings, kind"
        )
        release = actions.add_parser("release", help="put held documents back as they were")
        release.add_argument(
            "--marked",
            action="store_true",
            help="a copy marked CONFIDENTIAL in its place; the original stays in quarantine",
        )
        reject = actions.add_parser("reject", help="keep held documents in quarantine")
        for decided in (release, reject):
            add_decision_arguments(decided, note_help="why (kept with the decision)")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_schema()
        if options["action"] == "list":
            self._list()
        else:
            self._decide(options)

    def _list(self) -> None:
        now = timezone.now()
        for row in held_documents():
            age = timesince(row.scanned_at, now) if row.scanned_at else "-"
            findings = ", ".join(f"{kind} x{n}" for kind, n in sorted(row.findings.items()))
            self.stdout.write(
                f"{row.id}\t{age}\t{row.folder}\t{row.audience}\t"
                f"{', '.join(row.rules) or '-'}\t{findings or '-'}\t{row.kind}"
                + (f"\tstill in view: {row.problem}" if row.held_in_place else "")
                + _releasing(row)
            )

    def _decide(self, options: dict[str, Any]) -> None:
        action = options["action"]
        by = acting_manager(self, f"documents {action}", options["manager"]).get_username()

        def decide_one(document_id: int) -> str:
            if action == "reject":
                owner = documents.reject_document(document_id, by, options["note"]).owner_told
                told = f"its owner {owner} is told" if owner else "no owner known, none told"
                return f"rejected; it stays in quarantine; {told}"
            released = documents.release_document(
                document_id, by, options["note"], marked=options["marked"]
            )
            done = "released, marked CONFIDENTIAL" if released.marked else "released"
            return f"{done}; {released.where()}"

        decide_each(self, "document", options["ids"], decide_one, refused=documents.DecisionError)


def _releasing(row: WatchedFile) -> str:
    """What a document a manager released, not yet back, waits for."""
    state = documents.release_state(row)
    if state == documents.INTERRUPTED:
        return f"\t{state}: `confide documents release {row.id}` finishes it"
    return f"\t{state}" if state else ""
