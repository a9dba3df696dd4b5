"""Reading the logbook for its pages: the entries (those waiting for a manager's review
first), one entry, and the CSV export for trustees and the regulator.

The export is the record without the free-text notes (they may name people; they are on each
entry's page): kind, dates, lawful reason, who decided, whether the person was told and why
not, the subjects' register refs, the item's reference and the review. A cell a spreadsheet
would read as a formula is written as text (``spreadsheet_safe``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from gateway.review.models import LogbookEntry

# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection"); tab and
# carriage return too, which some programs skip before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "entry",
    "kind",
    "decided at",
    "lawful reason",
    "who decided",
    "recorded by",
    "person told",
    "subject refs",
    "item reference",
    "recipient",
    "flagged for review",
    "review outcome",
    "reviewed by",
    "reviewed at",
)


@dataclass(frozen=True)
class LogbookFilter:
    kind: str = ""  # a LogbookKind, or "" for every kind
    awaiting_review: bool = False


def entries(wanted: LogbookFilter) -> QuerySet[LogbookEntry]:
    """The entries that match, those waiting for a manager's review first, newest next."""
    found = LogbookEntry.objects.select_related(
        "outcome", "decided_by", "reviewed_by"
    ).prefetch_related("subjects")
    if wanted.kind:
        found = found.filter(kind=wanted.kind)
    if wanted.awaiting_review:
        found = found.filter(flagged_for_review=True)
    return found.order_by("-flagged_for_review", "-decided_at", "-id")


def awaiting_review() -> int:
    """How many entries wait for a manager's review."""
    return LogbookEntry.objects.filter(flagged_for_review=True).count()


def entry(entry_id: int) -> LogbookEntry | None:
    found: LogbookEntry | None = entries(LogbookFilter()).filter(id=entry_id).first()
    return found


def csv_rows(wanted: LogbookFilter) -> Iterator[list[str]]:
    """The header, then one row per entry, every cell safe to open in a spreadsheet."""
    yield list(CSV_COLUMNS)
    for found in entries(wanted).iterator(chunk_size=500):
        yield [spreadsheet_safe(cell) for cell in _row(found)]


def _row(found: LogbookEntry) -> list[str]:
    outcome = found.outcome
    return [
        str(found.id),
        found.kind,
        _when(found.decided_at),
        found.lawful_reason or "none",
        found.who_decided or found.decided_by.get_username(),
        found.decided_by.get_username(),
        person_told(found),
        " ".join(subject.ref for subject in found.subjects.all()),
        str(outcome.message_id) if outcome else found.reference,
        outcome.recipient if outcome else "",
        "yes" if found.flagged_for_review else "no",
        found.review_outcome,
        found.reviewed_by.get_username() if found.reviewed_by else "",
        _when(found.reviewed_at),
    ]


def person_told(found: LogbookEntry) -> str:
    """yes, no, or "not recorded yet" (an emergency release before a manager's review)."""
    if found.person_told is None:
        return "not recorded yet"
    return "yes" if found.person_told else "no"


def _when(at: datetime | None) -> str:
    return timezone.localtime(at).isoformat(timespec="seconds") if at else ""


def spreadsheet_safe(cell: str) -> str:
    """``cell``, with a leading apostrophe when it starts like a formula, so a spreadsheet
    shows it as text rather than running it."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell
