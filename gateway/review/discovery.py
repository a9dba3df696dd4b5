"""Reading the watcher's rows for the pages: the documents held for a manager's decision, and
the Discovery page's answer to "where is our personal data?" (finding types and verdicts
summed by folder, the worst folders first, and a folder's files). Never the matched text:
the watcher keeps none."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from gateway.watcher.models import Kind, Origin, Placement, WatchedFile, held_in_place

HOLD = "hold"
# The widest bar on the Discovery chart, in the SVG's user units.
BAR_WIDTH = 300
LABEL_WIDTH = 160


def held_documents() -> QuerySet[WatchedFile]:
    """Documents in quarantine awaiting a manager's decision, those a manager released that
    are still being moved back (a release cut short waits there to be finished), and the
    folders, links and special files held that could not be taken away
    (``held_in_place``), each once, oldest first."""
    return WatchedFile.objects.filter(
        Q(placement__in=(Placement.QUARANTINED, Placement.RELEASING)) | held_in_place()
    ).order_by("scanned_at", "id")


def document(document_id: int) -> WatchedFile | None:
    """A document the watcher has held (awaiting a decision or decided); None otherwise."""
    found: WatchedFile | None = (
        WatchedFile.objects.filter(id=document_id)
        .filter(~Q(placement=Placement.IN_PLACE) | held_in_place())
        .first()
    )
    return found


def current_files() -> QuerySet[WatchedFile]:
    """Every file a user put in a watched folder that is there now, or held (and every
    sub-folder, link and special file judged by its name, likewise)."""
    return WatchedFile.objects.filter(origin=Origin.USER).filter(
        Q(present=True) | ~Q(placement=Placement.IN_PLACE)
    )


# What a row judged by its name is called on the page, one and many, by its ``Kind``.
_NOUNS = {
    Kind.FOLDER: ("sub-folder", "sub-folders"),
    Kind.LINK: ("link", "links"),
    Kind.PIPE: ("pipe", "pipes"),
    Kind.SOCKET: ("socket", "sockets"),
    Kind.DEVICE: ("device", "devices"),
}


@dataclass
class FolderSummary:
    """One folder's personal data: files, findings by type and files by verdict; its
    sub-folders, links and special files, judged by their names (``gateway.watcher.names``),
    count among the findings, and apart from the files, by their kind and by verdict: the
    files' verdicts add up to the files."""

    folder: str
    audience: str
    files: int = 0
    with_findings: int = 0
    # The sub-folders, links... with personal data in their names, by kind.
    named: Counter[str] = field(default_factory=Counter)
    # Those held for their names, by kind.
    named_held: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    by_verdict: Counter[str] = field(default_factory=Counter)  # the files'
    named_by_verdict: Counter[str] = field(default_factory=Counter)  # the others'

    @property
    def findings(self) -> int:
        return sum(self.by_type.values())

    @property
    def named_total(self) -> int:
        return sum(self.named.values())

    @property
    def named_counts(self) -> list[tuple[int, str]]:
        """Each kind's count with its noun ("2 links"), sub-folders first."""
        return _with_nouns(self.named)

    @property
    def would_hold(self) -> int:
        """The files held."""
        return self.by_verdict[HOLD]

    @property
    def named_held_total(self) -> int:
        return sum(self.named_held.values())

    @property
    def named_held_counts(self) -> list[tuple[int, str]]:
        """Each kind's count held for its name, with its noun, sub-folders first."""
        return _with_nouns(self.named_held)


def _with_nouns(counts: Counter[str]) -> list[tuple[int, str]]:
    """Each kind's count in ``counts`` with its noun ("2 links"), sub-folders first."""
    return [
        (counts[kind], nouns[counts[kind] != 1]) for kind, nouns in _NOUNS.items() if counts[kind]
    ]


@dataclass(frozen=True)
class Bar:
    """One bar of the chart: a label, its count, its width and where it lies in the SVG."""

    label: str
    count: int
    width: int
    y: int

    @property
    def count_x(self) -> int:
        """Where the count is written, just after the bar."""
        return LABEL_WIDTH + self.width + 6


def folders(*, would_hold: bool = False) -> list[FolderSummary]:
    """Every folder with files, the most findings first (then the most files held); with
    ``would_hold``, only the files their folder's audience would have held."""
    files = current_files()
    if would_hold:
        files = files.filter(action=HOLD)
    summaries: dict[str, FolderSummary] = {}
    for folder, audience, action, findings, kind in files.values_list(
        "folder", "audience", "action", "findings", "kind"
    ):
        summary = summaries.setdefault(folder, FolderSummary(folder, audience))
        verdict = action or "not judged"
        if kind != Kind.FILE:
            summary.named[kind] += bool(findings)
            if action == HOLD:
                summary.named_held[kind] += 1
            summary.named_by_verdict[verdict] += 1
        else:
            summary.files += 1
            summary.with_findings += bool(findings)
            summary.by_verdict[verdict] += 1
        summary.by_type.update(findings)
    return sorted(
        summaries.values(),
        key=lambda s: (-s.findings, -s.would_hold - s.named_held_total, -s.files, s.folder),
    )


@dataclass(frozen=True)
class Chart:
    """Bars for an SVG ``width`` by ``height``, starting at ``bar_x`` after their labels."""

    bars: list[Bar]
    width: int
    height: int
    bar_x: int = LABEL_WIDTH


def chart(counts: Counter[str], row_height: int = 22) -> Chart:
    """``counts`` as bars, the largest first (ties by label), the largest ``BAR_WIDTH`` wide
    (after a label column of ``LABEL_WIDTH``)."""
    most = max(counts.values(), default=0) or 1
    bars = [
        Bar(label, count, max(1, count * BAR_WIDTH // most), index * row_height)
        for index, (label, count) in enumerate(
            sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        )
    ]
    return Chart(bars, LABEL_WIDTH + BAR_WIDTH + 60, len(bars) * row_height)


def folder_files(folder: str, *, would_hold: bool = False) -> QuerySet[WatchedFile]:
    """The files of ``folder`` (only those its audience would hold, with ``would_hold``),
    by path."""
    files = current_files().filter(folder=folder)
    if would_hold:
        files = files.filter(action=HOLD)
    return files.order_by("path", "id")
