"""The Discovery page: personal data by folder for managers only, findings summed by type and
files by verdict, the worst folder first, a folder's files, the filter for files that would
be held, and never a matched text (the watcher keeps none; a row's reasons say what fired)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from gateway.register.models import Subject
from gateway.review import discovery, views
from gateway.watcher.discovery import write_report
from gateway.watcher.models import Kind, Origin, Placement, WatchedFile, path_key
from tests.gateway.review.conftest import Users, signed_in

pytestmark = pytest.mark.django_db

CASES = "/srv/drive/cases"
WEB = "/srv/drive/web"
NEWSLETTER = "/srv/drive/newsletter"


def _file(folder: str, name: str, action: str, findings: dict[str, int], **fields: object) -> None:
    path = f"{folder}/{name}"
    WatchedFile.objects.create(
        path=path,
        path_key=path_key(path),
        folder=folder,
        audience={CASES: "internal", WEB: "public", NEWSLETTER: "public"}[folder],
        action=action,
        findings=findings,
        rules=[f"rule-{action}"] if action else [],
        reasons=[f"because {action}"] if action else [],
        **fields,
    )


@pytest.fixture
def drive(subject: Subject) -> None:
    """Cases (internal) with many findings released; the website with fewer, one held in
    quarantine; the newsletter clean; and rows that must not count (gone, a watcher's copy)."""
    _file(CASES, "clients.xlsx", "release", {"UK_NHS": 40, "PERSON": 40}, subjects=["C-1001"])
    _file(CASES, "notes.docx", "release", {"PERSON": 5})
    _file(
        WEB,
        "referral.docx",
        "hold",
        {"UK_NHS": 1, "DATE_OF_BIRTH": 2},
        subjects=["C-1001", "C-4040"],
        present=False,
        placement=Placement.QUARANTINED,
    )
    _file(WEB, "team.pdf", "banner", {"PERSON": 3})
    _file(WEB, "locked.xlsx", "", {}, problem="locked by another program")
    _file(NEWSLETTER, "fair.txt", "release", {})
    _file(NEWSLETTER, "old.docx", "hold", {"PERSON": 9}, present=False)  # deleted since
    _file(WEB, "team (CONFIDENTIAL).pdf", "release", {"PERSON": 3}, origin=Origin.MARKED_COPY)


def test_folders_are_summed_by_type_and_verdict_worst_first(drive: None) -> None:
    """Each folder's findings by type and files by verdict, the most findings first; a file
    gone from the drive and the watcher's own copies are not counted."""
    folders = discovery.folders()
    assert [f.folder for f in folders] == [CASES, WEB, NEWSLETTER]
    cases, web, newsletter = folders
    assert dict(cases.by_type) == {"UK_NHS": 40, "PERSON": 45}
    assert (cases.files, cases.with_findings, cases.findings) == (2, 2, 85)
    assert dict(web.by_type) == {"UK_NHS": 1, "DATE_OF_BIRTH": 2, "PERSON": 3}
    assert dict(web.by_verdict) == {"hold": 1, "banner": 1, "not judged": 1}
    assert web.would_hold == 1
    assert (newsletter.files, newsletter.findings) == (1, 0)


def test_would_hold_keeps_only_the_files_their_audience_would_hold(drive: None) -> None:
    """The filter keeps the folders and files the folder's audience would have held."""
    folders = discovery.folders(would_hold=True)
    assert [(f.folder, f.files, dict(f.by_verdict)) for f in folders] == [(WEB, 1, {"hold": 1})]
    assert [row.path for row in discovery.folder_files(WEB, would_hold=True)] == [
        f"{WEB}/referral.docx"
    ]


_NAMED = {"is_folder": True, "kind": Kind.FOLDER}  # a sub-folder, judged by its name


def test_the_verdicts_count_the_files_and_the_sub_folders_apart(users: Users, drive: None) -> None:
    """A folder's sub-folders and links, judged by their names, are not counted among its
    files' verdicts, which add up to its files: they have verdicts of their own, and those
    held for their names are said apart from the files held."""
    _file(WEB, "Margaret Hughes 943 476 5919", "hold", {"UK_NHS": 1}, **_NAMED)
    _file(WEB, "minutes", "release", {}, **_NAMED)
    _file(WEB, "shortcut", "release", {}, is_folder=True, kind=Kind.LINK)
    web = next(f for f in discovery.folders() if f.folder == WEB)
    assert web.files == 3
    assert dict(web.by_verdict) == {"hold": 1, "banner": 1, "not judged": 1}
    assert sum(web.by_verdict.values()) == web.files
    assert dict(web.named_by_verdict) == {"hold": 1, "release": 2}
    assert (web.would_hold, dict(web.named_held)) == (1, {Kind.FOLDER: 1})
    page = signed_in(users, "manager").get("/discovery/").content.decode()
    assert "3 files, 2 with personal data" in page
    assert "1 file would be held, and 1 sub-folder for its name" in page
    assert 'aria-label="Files by verdict: banner 1, hold 1, not judged 1"' in page
    named = "Sub-folders, links and special files by verdict, for their names"
    assert f'aria-label="{named}: release 2, hold 1"' in page


def test_the_chart_scales_its_bars_to_the_largest(drive: None) -> None:
    """The largest count gets the full bar, the others in proportion, largest first."""
    chart = discovery.chart(discovery.folders()[0].by_type)
    assert [(bar.label, bar.count, bar.width) for bar in chart.bars] == [
        ("PERSON", 45, discovery.BAR_WIDTH),
        ("UK_NHS", 40, 40 * discovery.BAR_WIDTH // 45),
    ]
    assert chart.height == 2 * 22


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("staff", 403)])
def test_only_managers_see_discovery(users: Users, drive: None, role: str, status: int) -> None:
    """Staff are refused and strangers sent to sign in, on the page and the drill-down."""
    client = signed_in(users, role)
    assert client.get("/discovery/").status_code == status
    assert client.get("/discovery/folder/", {"folder": CASES}).status_code == status


def test_the_page_draws_each_folder_as_svg_bars(users: Users, drive: None) -> None:
    """The page lists the folders worst first, each with inline SVG bars by type and by
    verdict, no inline style, no script, and is never cached."""
    response = signed_in(users, "manager").get("/discovery/")
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert page.index(f'<h2 id="folder-1">{CASES}') < page.index(f">{WEB}</h2>")
    assert 'aria-label="By type: PERSON 45, UK_NHS 40"' in page
    assert 'aria-label="Files by verdict: banner 1, hold 1, not judged 1"' in page
    assert f'width="{discovery.BAR_WIDTH}"' in page
    assert "style=" not in page
    assert "<script" not in page
    filtered = signed_in(users, "manager").get("/discovery/", {"would_hold": "on"})
    assert CASES not in filtered.content.decode()


def test_the_drill_down_lists_a_folders_files_with_subjects_linked(
    users: Users, drive: None, subject: Subject
) -> None:
    """A folder's page lists its files with finding counts, subjects (linked when in the
    register), verdict and reason; a held one links to its document page; the filter keeps
    the held ones only."""
    client = signed_in(users, "manager")
    page = client.get("/discovery/folder/", {"folder": WEB}).content.decode()
    held = WatchedFile.objects.get(path=f"{WEB}/referral.docx")
    assert f'<a href="/documents/{held.id}/">{WEB}/referral.docx</a>' in page
    assert f'<a href="/register/{subject.id}/">C-1001</a>, C-4040' in page
    assert "UK_NHS: 1, DATE_OF_BIRTH: 2" in page
    assert "locked by another program" in page
    assert "team (CONFIDENTIAL).pdf" not in page
    filtered = client.get("/discovery/folder/", {"folder": WEB, "would_hold": "on"})
    rows = re.findall(r"<tr>\s*<td>", filtered.content.decode())
    assert len(rows) == 1
    assert client.get("/discovery/folder/", {"folder": "/etc"}).status_code == 404


def test_the_pages_page_through_many_folders(
    users: Users, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More folders than a page holds are split into pages."""
    monkeypatch.setattr(
        views, "load_settings", lambda: SimpleNamespace(review=SimpleNamespace(page_size=2))
    )
    for n in range(3):
        path = f"/srv/f{n}/a.txt"
        WatchedFile.objects.create(
            path=path, path_key=path_key(path), folder=f"/srv/f{n}", audience="internal"
        )
    client = signed_in(users, "manager")
    first = client.get("/discovery/").content.decode()
    assert "Page 1 of 2" in first
    second = client.get("/discovery/", {"page": 2}).content.decode()
    assert second.count("<section") == 1


def test_a_files_reasons_are_kept_apart(users: Users, tmp_path: Path) -> None:
    """A file held for two reasons shows them as two clauses, on the drill-down page and in
    the discovery report, never run together."""
    reasons = ["the carer is not in the consent register", "its file name holds personal data"]
    _file(WEB, "carers.docx", "hold", {"PERSON": 1}, subjects=[])
    WatchedFile.objects.filter(path=f"{WEB}/carers.docx").update(reasons=reasons)
    page = signed_in(users, "manager").get("/discovery/folder/", {"folder": WEB})
    joined = "the carer is not in the consent register; its file name holds personal data"
    assert joined in page.content.decode()
    report = tmp_path / "report.csv"
    write_report(report, WatchedFile.objects.all())
    with report.open(newline="", encoding="utf-8") as read:
        assert [row["reasons"] for row in csv.DictReader(read)] == [joined]
