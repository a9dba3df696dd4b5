"""The held documents' pages: the list and a document's page for managers only, and a
manager's release and reject through the page moving the real file (held by the watcher's own
sweep over a temporary folder)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.register.models import Subject
from gateway.review.models import AuditEntry
from gateway.watcher import release_lock
from gateway.watcher.models import Origin, Placement, WatchedFile
from gateway.watcher.quarantine import note_path, release_partial_name
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner
from tests.gateway.review.conftest import Users, signed_in
from tests.gateway.watcher.conftest import (  # noqa: F401 - the watcher's fixtures, shared
    DAMAGED_DOCX,
    Drive,
    extracting_scanner,
    held_content,
    make_drive,
)
from tests.gateway.watcher.nhs_detector import NhsNumbers

pytestmark = pytest.mark.django_db

NUMBER = "943 476 5919"
NAME = "amina-khan-referral.docx"  # a file name that is itself personal data


@pytest.fixture
def held_file(request: pytest.FixtureRequest, subject: Subject) -> tuple[Path, WatchedFile]:
    """A document the watcher held in a public folder in enforce mode, its row given a
    finding and the subject C-1001 as a real scan would."""
    build: Callable[..., Drive] = request.getfixturevalue("make_drive")
    drive = build({"web": ("public", "enforce")})
    path = drive.put("web", NAME, DAMAGED_DOCX + os.urandom(32))
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(path))
    assert row.placement == Placement.QUARANTINED
    WatchedFile.objects.filter(id=row.id).update(
        findings={"UK_NHS": 3, "PERSON": 2}, subjects=[subject.ref, "C-9999"]
    )
    row.refresh_from_db()
    return path, row


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("staff", 403), ("manager", 200)])
def test_only_managers_see_held_documents(
    users: Users, held_file: tuple[Path, WatchedFile], role: str, status: int
) -> None:
    """The list and a document's page are a manager's: staff get 403, strangers sign in."""
    _, row = held_file
    client = signed_in(users, role)
    for url in ("/documents/", f"/documents/{row.id}/"):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_only_managers_may_decide(
    users: Users, held_file: tuple[Path, WatchedFile], role: str
) -> None:
    """A release posted by staff or a stranger moves nothing."""
    path, row = held_file
    response = signed_in(users, role).post(
        f"/documents/{row.id}/release/", {"release-note": "fine"}
    )
    assert response.status_code in (302, 403)
    assert not path.exists()
    row.refresh_from_db()
    assert row.placement == Placement.QUARANTINED


def test_the_list_and_page_show_what_held_it_and_link_its_subjects(
    users: Users, held_file: tuple[Path, WatchedFile], subject: Subject
) -> None:
    """The list shows the folder, audience, rules and finding counts; the page its reasons,
    findings by type and the subjects linked to their register pages."""
    _, row = held_file
    client = signed_in(users, "manager")
    listing = client.get("/documents/").content.decode()
    assert "Held documents (1)</a>" in listing  # every page's menu counts them
    for shown in (row.folder, "public", "UK_NHS: 3", "C-1001"):
        assert shown in listing
    assert all(rule in listing for rule in row.rules)
    page = client.get(f"/documents/{row.id}/").content.decode()
    assert f'href="/register/{subject.id}/">C-1001</a>' in page
    assert "C-9999 (no longer in the register)" in page
    assert all(reason in page for reason in row.reasons)
    assert "<td>UK_NHS</td><td>3</td>" in page


def test_release_through_the_page_puts_it_back_byte_identical(
    users: Users, held_file: tuple[Path, WatchedFile]
) -> None:
    """A manager's release puts the file back as it was, removes the note and is audited."""
    path, row = held_file
    response = signed_in(users, "manager", csrf=True)
    page = response.get(f"/documents/{row.id}/")
    token = page.context["csrf_token"]
    done = response.post(
        f"/documents/{row.id}/release/",
        {"release-note": "checked with the carer", "csrfmiddlewaretoken": token},
    )
    assert done.status_code == 302
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row.content_hash
    assert not note_path(path.parent, row.id).exists()
    row.refresh_from_db()
    assert (row.placement, row.decided_by, row.decision_note) == (
        Placement.RELEASED,
        "jo",
        "checked with the carer",
    )
    assert AuditEntry.objects.filter(kind="document-released").exists()
    again = response.get(f"/documents/{row.id}/").content.decode()
    assert "Released: the document is back" in again
    assert '<form method="post" action="/documents/' not in again


def test_reject_through_the_page_keeps_it_in_quarantine(
    users: Users, held_file: tuple[Path, WatchedFile]
) -> None:
    """A manager's reject leaves the file in quarantine and the note in its place."""
    path, row = held_file
    client = signed_in(users, "manager")
    client.post(f"/documents/{row.id}/reject/", {"reject-note": "not for the website"})
    row.refresh_from_db()
    assert row.placement == Placement.REJECTED
    assert Path(row.quarantined_as).is_file()
    assert not path.exists()
    assert note_path(path.parent, row.id).is_file()
    assert AuditEntry.objects.filter(kind="document-rejected").exists()


def test_a_decision_needs_a_note_and_a_csrf_token(
    users: Users, held_file: tuple[Path, WatchedFile]
) -> None:
    """Without a note the form comes back (400); a forged post without a token is refused;
    neither moves the file."""
    path, row = held_file
    empty = signed_in(users, "manager").post(f"/documents/{row.id}/release/", {})
    assert empty.status_code == 400
    forged = signed_in(users, "manager", csrf=True).post(
        f"/documents/{row.id}/release/", {"release-note": "fine"}
    )
    assert forged.status_code == 403
    assert not path.exists()
    row.refresh_from_db()
    assert row.placement == Placement.QUARANTINED


def test_a_document_that_cannot_be_marked_stays_held_and_says_why(
    users: Users, held_file: tuple[Path, WatchedFile]
) -> None:
    """A damaged document cannot be marked CONFIDENTIAL: the page says so, nothing moves."""
    path, row = held_file
    client = signed_in(users, "manager")
    response = client.post(
        f"/documents/{row.id}/marked/", {"marked-note": "for the website"}, follow=True
    )
    assert "Not done: it cannot be marked CONFIDENTIAL" in response.content.decode()
    assert not path.exists()
    row.refresh_from_db()
    assert row.placement == Placement.QUARANTINED


def test_the_pages_name_no_file_they_do_not_hold(users: Users, db: None) -> None:
    """A document never held, or an unknown decision, is not found."""
    row = WatchedFile.objects.create(
        path="/srv/x.txt", path_key="k", folder="/srv", audience="public"
    )
    client = signed_in(users, "manager")
    assert client.get(f"/documents/{row.id}/").status_code == 404
    assert client.post(f"/documents/{row.id}/delete/", {"delete-note": "x"}).status_code == 404


@pytest.fixture(scope="module")
def nhs_scanner() -> Iterator[Scanner]:
    """A sandboxed pool whose detector finds NHS numbers by their shape."""
    with Scanner(ExtractionPool(ScanLimits(), max_workers=1, detector=NhsNumbers)) as scanner:
        yield scanner


def test_no_page_shows_what_was_found(
    users: Users, request: pytest.FixtureRequest, nhs_scanner: Scanner
) -> None:
    """A document held for the NHS number in it is listed with the number's type and count,
    but neither the list, its page nor Discovery shows the number itself."""
    build: Callable[..., Drive] = request.getfixturevalue("make_drive")
    drive = build({"web": ("public", "enforce")}, scanner=nhs_scanner)
    drive.put("web", "referral.txt", f"Referral: NHS number {NUMBER}, seen on Monday.\n".encode())
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(origin=Origin.USER)  # beside it, perhaps a redacted copy
    assert (row.placement, row.findings) == (Placement.QUARANTINED, {"UK_NHS": 1})
    client = signed_in(users, "manager")
    pages = [
        client.get(url, data).content.decode()
        for url, data in (
            ("/documents/", {}),
            (f"/documents/{row.id}/", {}),
            ("/discovery/", {}),
            ("/discovery/folder/", {"folder": row.folder}),
        )
    ]
    assert all("UK_NHS" in page for page in pages)
    for page in pages:
        assert NUMBER not in page
        assert NUMBER.replace(" ", "") not in page


def test_a_release_cut_short_is_listed_and_finished_from_its_page(
    users: Users, held_file: tuple[Path, WatchedFile]
) -> None:
    """A release whose process died while it wrote the document back (its journal on the
    row, the start of the document under its partial name, its lock free) is listed as
    interrupted with a Finish button, which staff may not press; while another process
    holds its lock it is "being released" and Finish is refused; then Finish puts it back
    byte-identical, removes its note and is audited."""
    path, row = held_file
    WatchedFile.objects.filter(id=row.id).update(
        placement=Placement.RELEASING,
        moving_from=row.quarantined_as,
        moving_to=row.path,
        decided_by="jo",
        decision_note="checked",
    )
    partial = path.with_name(release_partial_name(row.id))
    partial.write_bytes(held_content(row)[:10])
    manager = signed_in(users, "manager")
    listed = manager.get("/documents/").content.decode()
    assert "<strong>Release interrupted</strong>: released by jo" in listed
    page = manager.get(f"/documents/{row.id}/").content.decode()
    assert f'action="/documents/{row.id}/finish/"' in page
    assert signed_in(users, "staff").post(f"/documents/{row.id}/finish/").status_code == 403

    with release_lock.held(WatchedFile.objects.get(id=row.id)):
        assert "Being released now." in manager.get("/documents/").content.decode()
        refused = manager.post(f"/documents/{row.id}/finish/", follow=True).content.decode()
        assert (
            f"Not done: document {row.id} is being released by another process; "
            "try again shortly." in refused
        )
        assert partial.exists()
        assert not path.exists()

    done = manager.post(f"/documents/{row.id}/finish/", follow=True).content.decode()
    assert (
        f"Release finished: the document is back in its folder, as it was. It is now at {path}."
        in done
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row.content_hash
    assert not partial.exists()
    assert not note_path(path.parent, row.id).exists()
    row.refresh_from_db()
    assert (row.placement, row.decided_by) == (Placement.RELEASED, "jo")
    finished = AuditEntry.objects.get(kind="document-released")
    assert (finished.actor, finished.details["finished_by"]) == ("jo", "jo")
