"""What a report folder's verdict is without a copy: the policy's, held where the copy would
be refused whatever the document holds, and judged again, safety net and all, once the
folder enforces."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from gateway.watcher.models import Placement, WatchedFile
from gateway.watcher.quarantine import note_path
from gateway.watcher.sweep import Watcher
from scanner.actions import Action
from scanner.copying import PoolCopier
from scanner.outcome import CANNOT_TRANSFORM, REDACTION_CHECK, CheckedCopy, Copier
from scanner.removals import Removal
from scanner.scanning import Scanner, ScanResult
from tests.gateway.watcher.conftest import CLEAN_TEXT, Drive, one_rule_policy, tree_hashes
from tests.scanner.copy_transforms import LeavesEverything
from tests.scanner.transform.made_files import pdf_bytes

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]
REFERRAL = "Referral: NHS number 943 476 5919, seen on Monday."


@dataclass
class CountingCopier:
    """A copier that keeps the action of every copy it is asked for, then makes it."""

    copier: Copier
    asked: list[Action] = field(default_factory=list)

    def checked_copy(
        self,
        raw: bytes,
        result: ScanResult,
        action: Action,
        removed: Sequence[Removal],
        banner: bool,
    ) -> CheckedCopy:
        self.asked.append(action)
        return self.copier.checked_copy(raw, result, action, removed, banner)


def _enforcing(drive: Drive) -> Watcher:
    """A new watcher over ``drive``'s folders, each set to enforce (a restart after the
    configuration changed)."""
    folders = [dataclasses.replace(f, enforce=True) for f in drive.folders.values()]
    return Watcher(drive.judge, folders, drive.quarantine, workers=1)


def test_report_mode_makes_no_copy_and_enforce_checks_it(
    make_drive: MakeDrive, tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A report folder's document the rules redact is recorded as redact with no copy made;
    set to enforce, it is judged again, its copy made and read by the safety net, and held
    when the net finds the copy still holds what had to go."""
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    drive = make_drive({"web": ("public", "report")}, policy=policy, scanner=nhs_scanner)
    copier = CountingCopier(PoolCopier(nhs_scanner.pool, LeavesEverything()))
    drive.judge.copier = copier  # type: ignore[assignment]
    path = drive.put("web", "referral.txt", REFERRAL.encode())
    before = tree_hashes(drive.root)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(path))
    assert (row.action, row.rules) == ("redact", ["redact-everything-external"])
    assert copier.asked == []
    assert tree_hashes(drive.root) == before
    _enforcing(drive).reconcile()
    row.refresh_from_db()
    assert copier.asked == [Action.REDACT]
    assert (row.action, row.rules[-1]) == ("hold", REDACTION_CHECK)
    assert row.placement == Placement.QUARANTINED
    assert [p.name for p in path.parent.iterdir()] == [note_path(path.parent, row.id).name]


def _message() -> bytes:
    message = EmailMessage()
    message["From"] = "jo@riverside-carers.example.org"
    message["Subject"] = "Notes"
    message.set_content(REFERRAL)
    return message.as_bytes()


def _spreadsheet() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Week", "Session"])
    sheet.append(["1", "Drop-in"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    """A document, the one rule's action for outside, and the action or rule it ends with."""

    rule: str
    name: str
    content: bytes
    verdict: str


CASES = {
    "text": Case("redact", "referral.txt", REFERRAL.encode(), "redact"),
    "message": Case("redact", "referral.eml", _message(), CANNOT_TRANSFORM),
    "pdf": Case("redact", "referral.pdf", pdf_bytes(REFERRAL), CANNOT_TRANSFORM),
    "text-not-utf8": Case(
        "redact", "referral.txt", f"{REFERRAL} Caf\xe9.".encode("cp1252"), CANNOT_TRANSFORM
    ),
    "marked-text": Case("banner", "fair.txt", CLEAN_TEXT, "banner"),
    "marked-spreadsheet": Case("banner", "rota.xlsx", _spreadsheet(), CANNOT_TRANSFORM),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_copy_refused_by_its_kind_is_held_in_report_mode_as_in_enforce(
    make_drive: MakeDrive, tmp_path: Path, nhs_scanner: Scanner, case: Case
) -> None:
    """The same document in a report and an enforce folder of one audience gets the same
    verdict, rules and reasons, held where its kind cannot be redacted or marked."""
    unlinked = "identifier" if case.rule == "redact" else ""
    drive = make_drive(
        {"draft": ("public", "report"), "web": ("public", "enforce")},
        policy=one_rule_policy(tmp_path, case.rule, unlinked=unlinked),
        scanner=nhs_scanner,
    )
    reported = drive.put("draft", case.name, case.content)
    enforced = drive.put("web", case.name, case.content)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    rows = [WatchedFile.objects.get(path=str(p)) for p in (reported, enforced)]
    verdicts = {(r.action, tuple(r.rules), tuple(r.reasons)) for r in rows}
    assert len(verdicts) == 1, verdicts
    assert case.verdict in (rows[0].action, rows[0].rules[-1])
    assert reported.read_bytes() == case.content
