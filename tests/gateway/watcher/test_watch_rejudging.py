"""What makes the watcher judge a file again, and what it reads at all: the folder's mode,
the consents, a move to another audience after a release, a copy of the watcher's saved
over or no longer allowed, a replacement keeping size and mtime; names it used to skip,
the file's name itself, and links out of the folder."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.consent_book import DjangoConsentBook
from gateway.register.models import Agency, AgencyDomain, Consent, Subject
from gateway.review.discovery import held_documents
from gateway.watcher import names
from gateway.watcher.documents import release_document
from gateway.watcher.models import Origin, Placement, WatchedFile, stored_path
from gateway.watcher.quarantine import note_path
from gateway.watcher.sweep import Outcome, Watcher
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import CLEAN_TEXT, DAMAGED_DOCX, Drive, one_rule_policy

pytestmark = pytest.mark.django_db

MakeDrive = Callable[..., Drive]
# Content the extracting scanner cannot read (a zip): held for an outside audience.
UNREADABLE = DAMAGED_DOCX
NHS_TEXT = b"Referral: NHS number 943 476 5919, seen on Monday.\n"


def _row(path: Path) -> WatchedFile:
    return WatchedFile.objects.get(path=stored_path(str(path)), is_folder=False)


def _with(drive: Drive, **changes: object) -> Watcher:
    """A new watcher over ``drive``'s folders with ``changes`` made to each (a restart
    after the configuration changed)."""
    assert drive.watcher is not None
    folders = [dataclasses.replace(f, **changes) for f in drive.folders.values()]  # type: ignore[arg-type]
    return Watcher(drive.judge, folders, drive.quarantine, workers=1)


def _held(path: Path, row: WatchedFile) -> bool:
    row.refresh_from_db()
    return (
        row.placement == Placement.QUARANTINED
        and not path.exists()
        and note_path(path.parent, row.id).is_file()
    )


# --- the mode --------------------------------------------------------------------------


def test_a_report_folder_set_to_enforce_holds_what_it_had_judged(make_drive: MakeDrive) -> None:
    """A file judged hold while its folder reported only is held once the folder enforces."""
    drive = make_drive({"web": ("public", "report")})
    path = drive.put("web", "list.docx", UNREADABLE)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = _row(path)
    assert (row.action, row.placement) == ("hold", Placement.IN_PLACE)
    _with(drive, enforce=True).reconcile()
    assert _held(path, row)


def test_a_file_moved_from_a_report_folder_into_an_enforce_one_is_held(
    make_drive: MakeDrive,
) -> None:
    """A file moved from a report folder into an enforce folder of the same audience is
    recognised by its hash and held there."""
    drive = make_drive({"draft": ("public", "report"), "web": ("public", "enforce")})
    path = drive.put("draft", "list.docx", UNREADABLE)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    moved = drive.folders["web"].path / path.name
    path.rename(moved)
    drive.watcher.reconcile()
    assert _held(moved, _row(moved))


# --- a release is for one audience ---------------------------------------------------


def test_a_release_does_not_follow_the_file_to_another_audience(make_drive: MakeDrive) -> None:
    """Released by a manager in a partner agency's folder, a file a user moves into the
    public folder is judged for the public and held there."""
    agency = Agency.objects.create(name="Leeds Adult Social Care")
    AgencyDomain.objects.create(agency=agency, domain="leeds-asc.example")
    drive = make_drive(
        {"partner": ("Leeds Adult Social Care", "enforce"), "web": ("public", "enforce")}
    )
    path = drive.put("partner", "referral.docx", UNREADABLE)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = _row(path)
    assert row.placement == Placement.QUARANTINED
    release_document(row.id, by="manager", note="agreed with the social worker")
    drive.watcher.reconcile()
    assert path.is_file()  # released for the agency: it stays there
    moved = drive.folders["web"].path / path.name
    path.rename(moved)
    drive.watcher.reconcile()
    assert _held(moved, row)
    assert row.audience == "public"


# --- the watcher's own copies ------------------------------------------------------------


def test_a_redacted_copy_saved_over_is_a_users_file(
    make_drive: MakeDrive, tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """The watcher's redacted copy, once someone saves other content over it, is judged and
    enforced as a user's file."""
    policy = one_rule_policy(tmp_path, "redact", unlinked="identifier")
    drive = make_drive({"web": ("public", "enforce")}, policy=policy, scanner=nhs_scanner)
    drive.put("web", "visit.txt", NHS_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    copy = drive.folders["web"].path / "visit (redacted).txt"
    assert _row(copy).origin == Origin.REDACTED_COPY
    drive.put("web", "visit (redacted).txt.new", b"Back in: NHS number 401 023 2137.\n")
    (copy.parent / "visit (redacted).txt.new").rename(copy)
    drive.watcher.reconcile()
    row = _row(copy)
    assert row.origin == Origin.USER
    assert row.placement == Placement.QUARANTINED
    assert b"2137" not in (copy.parent / "visit (redacted) (redacted).txt").read_bytes()


def test_a_marked_copy_no_longer_allowed_is_held(
    make_drive: MakeDrive, tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """The watcher's CONFIDENTIAL-marked copy, judged hold as it stands once the rules
    change (as when a consent is withdrawn), is held with its original."""
    drive = make_drive(
        {"web": ("public", "enforce")},
        policy=one_rule_policy(tmp_path, "banner", unlinked="identifier"),
        scanner=nhs_scanner,
    )
    original = drive.put("web", "visit.txt", NHS_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    drive.watcher.reconcile()
    copy = original.with_name("visit (CONFIDENTIAL).txt")
    assert _row(copy).origin == Origin.MARKED_COPY
    stricter = make_drive(
        {"web": ("public", "enforce")},
        policy=one_rule_policy(tmp_path, "hold", unlinked="identifier"),
        scanner=nhs_scanner,
        root=tmp_path / "unused",
    )
    assert stricter.watcher is not None
    Watcher(stricter.judge, list(drive.folders.values()), drive.quarantine, 1).reconcile()
    assert _held(original, WatchedFile.objects.get(path=str(original)))
    assert _held(copy, WatchedFile.objects.get(path=str(copy)))


# --- the consents -----------------------------------------------------------------------


def test_the_consents_version_changes_with_every_consent_change() -> None:
    """Adding a consent, withdrawing it by a bulk write, editing its scopes, and time
    passing its end each change the consents' version; nothing else does."""
    book = DjangoConsentBook()
    now = datetime.now(UTC)
    subject = Subject.objects.create(ref="C-1", kind="carer", display_name="Amina Okafor")
    seen = [book.consents_version(now)]
    consent = Consent.objects.create(
        subject=subject,
        domain="leeds-asc.example",
        scopes="contact",
        method="written",
        recorded_by="Jo",
        recorded_at=now - timedelta(days=10),
        valid_until=now + timedelta(days=1),
    )
    seen.append(book.consents_version(now))
    assert book.consents_version(now) == seen[-1]
    Consent.objects.filter(id=consent.id).update(scopes="contact,health")
    seen.append(book.consents_version(now))
    seen.append(book.consents_version(now + timedelta(days=2)))  # it has lapsed
    Consent.objects.filter(id=consent.id).update(withdrawn_at=now)
    seen.append(book.consents_version(now))
    assert len(set(seen)) == len(seen)


def test_a_consent_recorded_gets_an_agency_folder_judged_again(make_drive: MakeDrive) -> None:
    """A consent recorded for a subject makes the next pass judge an unchanged file again."""
    agency = Agency.objects.create(name="Leeds Adult Social Care")
    AgencyDomain.objects.create(agency=agency, domain="leeds-asc.example")
    subject = Subject.objects.create(ref="C-1", kind="carer", display_name="Amina Okafor")
    drive = make_drive({"partner": ("Leeds Adult Social Care", "report")})
    drive.put("partner", "referral.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    drive.watcher.reconcile()
    assert len(drive.judge.scanned) == 1
    Consent.objects.bulk_create(
        [
            Consent(
                subject=subject,
                agency=agency,
                scopes="contact",
                method="written",
                recorded_by="Jo",
                recorded_at=datetime.now(UTC),
            )
        ]
    )
    drive.watcher.reconcile()
    assert len(drive.judge.scanned) == 2


# --- a replacement keeping size and mtime --------------------------------------------


@pytest.mark.parametrize("how", ["renamed over", "written in place"])
def test_a_replacement_with_the_same_size_and_mtime_is_read_again(
    make_drive: MakeDrive, how: str
) -> None:
    """A file replaced by one of the same size and mtime (rsync -a, cp -p, touch -r) is
    read again and judged for what it now holds."""
    drive = make_drive({"web": ("public", "enforce")})
    path = drive.put("web", "page.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    before = os.stat(path)
    replacement = UNREADABLE.ljust(len(CLEAN_TEXT), b"\0")
    if how == "renamed over":
        new = drive.put("web", ".page.tmp", replacement)
        os.utime(new, ns=(before.st_atime_ns, before.st_mtime_ns))
        new.rename(path)
    else:
        path.write_bytes(replacement)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    drive.watcher.reconcile()
    assert [size for _, size in drive.judge.scanned] == [len(CLEAN_TEXT)] * 2
    assert _held(path, _row(path))


def test_a_rewrite_with_its_mtime_put_back_waits_to_stand_still(make_drive: MakeDrive) -> None:
    """A file just rewritten, its mtime put back an hour (``touch -r``, ``cp -p``), has
    only just changed: it is not read until it has stood still for the folder's interval
    (its change time says when it changed, as its mtime no longer does)."""
    drive = make_drive({"web": ("public", "enforce")}, stable_seconds=600)
    path = drive.put("web", "page.txt", UNREADABLE, age=3600)
    assert drive.watcher is not None
    assert drive.watcher.handle([path]) == {path: Outcome.UNSTABLE}
    assert drive.judge.scanned == []


# --- what is read at all ------------------------------------------------------------


def test_every_file_in_an_outside_enforce_folder_is_read(make_drive: MakeDrive) -> None:
    """In a public enforce folder, a file named like a note, a name that is not UTF-8 and a
    future mtime are each read and held; names the folder excludes (lock and temporary
    files) are not read when their names would be released, there as in an internal
    folder; the watcher's own notes are left alone."""
    drive = make_drive({"web": ("public", "enforce"), "staff": ("internal", "enforce")})
    web = drive.folders["web"].path
    paths = [
        drive.put("web", name, UNREADABLE) for name in ["control.txt", "confide-held-list.txt"]
    ]
    excluded = [drive.put("web", name, UNREADABLE) for name in ["clients.tmp", "~$clients.csv"]]
    odd = Path(os.fsdecode(os.path.join(os.fsencode(web), b"caf\xe9-clients.txt")))
    odd.write_bytes(UNREADABLE)
    future = drive.put("web", "future.txt", UNREADABLE)
    later = (datetime.now(UTC) + timedelta(days=365 * 5)).timestamp()
    os.utime(future, (later, later))
    excluded.append(drive.put("staff", "clients.tmp", UNREADABLE))
    assert drive.watcher is not None
    counts = drive.watcher.reconcile()
    assert counts == {"judged": 4, "skipped": 3}
    rows = WatchedFile.objects.filter(placement=Placement.QUARANTINED)
    assert rows.count() == 4
    assert sorted(p.name for p in web.iterdir()) == sorted(
        [*(note_path(web, row.id).name for row in rows), "clients.tmp", "~$clients.csv"]
    )
    assert not any(p.exists() for p in [*paths, odd, future])
    assert all(p.read_bytes() == UNREADABLE for p in excluded)
    notes_before = len(drive.judge.scanned)
    assert drive.watcher.reconcile() == {"skipped": 7}
    assert len(drive.judge.scanned) == notes_before


def test_a_name_holding_personal_data_is_judged(
    make_drive: MakeDrive, tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """A file whose name holds an NHS number is held for the public though its content is
    clean; and one the rules would redact is held, since a redacted copy keeps the name."""
    drive = make_drive(
        {"web": ("public", "enforce")},
        policy=one_rule_policy(tmp_path, "redact", unlinked="identifier"),
        scanner=nhs_scanner,
    )
    named = drive.put("web", "Okafor NHS 943 476 5919 referral.txt", NHS_TEXT)
    plain = drive.put("web", "referral.txt", NHS_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(named))
    assert (row.action, row.placement) == ("hold", Placement.QUARANTINED)
    assert "file-name-redaction" in row.rules
    assert WatchedFile.objects.get(path=str(plain)).action == "redact"
    copies = sorted(p.name for p in named.parent.iterdir() if "(redacted)" in p.name)
    assert copies == ["referral (redacted).txt"]


def test_a_clean_document_with_a_telling_name_is_held(
    make_drive: MakeDrive, tmp_path: Path, nhs_scanner: Scanner
) -> None:
    """Content clean, name an NHS number: held for the public."""
    drive = make_drive(
        {"web": ("public", "enforce")},
        policy=one_rule_policy(tmp_path, "hold", unlinked="identifier"),
        scanner=nhs_scanner,
    )
    named = drive.put("web", "Joseph_Okafor_NHS_943_476_5919.txt", CLEAN_TEXT)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert _held(named, WatchedFile.objects.get(path=str(named)))


def test_a_link_out_of_an_internal_folder_is_recorded_not_held(
    make_drive: MakeDrive, tmp_path: Path
) -> None:
    """A link out of an internal folder is recorded, judged by its name, with where it
    points among its reasons, not as held; one out of a public folder is held and taken
    away (``held_links``), in the managers' queue once."""
    drive = make_drive({"staff": ("internal", "enforce"), "web": ("public", "enforce")})
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(CLEAN_TEXT)
    inner = drive.folders["staff"].path / "link.txt"
    outer = drive.folders["web"].path / "link.txt"
    inner.symlink_to(outside)
    outer.symlink_to(outside)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    [inner_row] = WatchedFile.objects.filter(path=str(inner))
    [outer_row] = WatchedFile.objects.filter(path=str(outer))
    assert (inner_row.action, outer_row.action) == ("release", "hold")
    assert names.LINK_OUT in inner_row.reasons
    assert names.LINK_RULE not in inner_row.rules
    assert (outer_row.rules, outer_row.placement) == ([names.LINK_RULE], Placement.QUARANTINED)
    assert [row.id for row in held_documents()] == [outer_row.id]
    assert inner.is_symlink()
    assert not os.path.lexists(outer)
