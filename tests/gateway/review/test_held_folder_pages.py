"""A sub-folder held for its name on the managers' pages: listed among the held documents as
a folder (by reference: the list shows no path), its page with no download and no marked
release, released through the page (the folder made again), and counted on Discovery, its
path shown where a file's path is. Held by the watcher's own sweep over a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.watcher.models import BLOCKED, Placement, WatchedFile
from scanner.scanning import Scanner
from tests.gateway.review.conftest import Users, signed_in
from tests.gateway.watcher.conftest import (  # noqa: F401 - the watcher's fixtures, shared
    Drive,
    extracting_scanner,
    make_drive,
    nhs_scanner,
    one_rule_policy,
)

pytestmark = pytest.mark.django_db

NUMBER = "943 476 5919"
NAMED = f"Margaret Hughes NHS {NUMBER}"


def _holding_drive(request: pytest.FixtureRequest, tmp_path: Path) -> Drive:
    """A public enforce folder ``web`` where an NHS number linked to nobody is held."""
    build: Callable[..., Drive] = request.getfixturevalue("make_drive")
    scanner: Scanner = request.getfixturevalue("nhs_scanner")
    policy = one_rule_policy(tmp_path, "hold", unlinked="identifier")
    return build({"web": ("public", "enforce")}, policy=policy, scanner=scanner)


@pytest.fixture
def held_folder(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, WatchedFile]:
    """An empty folder named with an NHS number, taken away from a public enforce folder."""
    drive = _holding_drive(request, tmp_path)
    path = drive.folders["web"].path / NAMED
    path.mkdir()
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(is_folder=True)
    assert (row.placement, path.exists()) == (Placement.QUARANTINED, False)
    return path, row


def test_a_held_folder_is_listed_and_released_through_its_page(
    users: Users, held_folder: tuple[Path, WatchedFile]
) -> None:
    path, row = held_folder
    client = signed_in(users, "manager", csrf=True)
    listing = client.get("/documents/").content.decode()
    assert f"<td>{row.id} (folder)</td>" in listing
    assert NUMBER not in listing
    page = client.get(f"/documents/{row.id}/")
    text = page.content.decode()
    assert f"Held folder {row.id}" in text
    assert "<td>UK_NHS</td><td>1</td>" in text
    assert "/content/" not in text  # nothing to download
    assert f"/documents/{row.id}/marked/" not in text
    assert f"/documents/{row.id}/release/" in text
    assert client.get(f"/documents/{row.id}/content/").status_code == 302  # not opened
    summary = client.get("/discovery/").content.decode()
    assert "1 sub-folder with personal data in its name" in summary
    assert NUMBER not in summary
    files = client.get("/discovery/folder/", {"folder": row.folder}).content.decode()
    assert "(a folder: its name)" in files
    done = client.post(
        f"/documents/{row.id}/release/",
        {"release-note": "a name we publish", "csrfmiddlewaretoken": page.context["csrf_token"]},
    )
    assert done.status_code == 302
    assert path.is_dir()
    assert not list(path.parent.glob("confide-held-*.txt"))
    row.refresh_from_db()
    assert (row.placement, row.decided_by) == (Placement.RELEASED, "jo")


def test_releasing_a_folder_inside_a_held_folder_is_refused_on_its_page(
    users: Users, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    drive = _holding_drive(request, tmp_path)
    inner_path = drive.folders["web"].path / NAMED / "Joseph Okafor NHS 401 023 2137"
    inner_path.mkdir(parents=True)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    outer = WatchedFile.objects.get(is_folder=True, path=str(inner_path.parent))
    inner = WatchedFile.objects.get(is_folder=True, path=str(inner_path))
    client = signed_in(users, "manager", csrf=True)
    page = client.get(f"/documents/{inner.id}/")
    done = client.post(
        f"/documents/{inner.id}/release/",
        {"release-note": "fine", "csrfmiddlewaretoken": page.context["csrf_token"]},
        follow=True,
    )
    assert f"release held folder {outer.id} first" in done.content.decode()
    assert not inner_path.parent.exists()
    inner.refresh_from_db()
    assert inner.placement == Placement.QUARANTINED


def test_a_folder_that_cannot_be_taken_away_is_listed_held_in_view(
    users: Users, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    drive = _holding_drive(request, tmp_path)
    path = drive.folders["web"].path / NAMED
    path.mkdir()
    os.mkfifo(path / "pipe")
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(is_folder=True, path=str(path))
    client = signed_in(users, "manager", csrf=True)
    listing = client.get("/documents/").content.decode()
    assert f"<td>{row.id} (folder)</td>" in listing
    assert f"Still in view: {BLOCKED}" in listing
    assert NUMBER not in listing
    page = client.get(f"/documents/{row.id}/")
    assert f"/documents/{row.id}/release/" in page.content.decode()
    client.post(
        f"/documents/{row.id}/release/",
        {"release-note": "fine", "csrfmiddlewaretoken": page.context["csrf_token"]},
    )
    row.refresh_from_db()
    assert (row.placement, path.is_dir()) == (Placement.RELEASED, True)


def test_a_held_link_is_shown_once_as_a_link(
    users: Users, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A link named with an NHS number, beside a folder so named, is taken away and listed
    once among the held documents as a link, its page titled so and saying what was done;
    Discovery counts it as a link apart from the sub-folder, and its folder's files show it
    as a link, never as a folder."""
    drive = _holding_drive(request, tmp_path)
    web = drive.folders["web"].path
    (web / "target").mkdir()
    (web / f"{NAMED}.lnk").symlink_to("target")
    (web / NAMED).mkdir()
    assert drive.watcher is not None
    drive.watcher.reconcile()
    [link] = WatchedFile.objects.filter(path=str(web / f"{NAMED}.lnk"))
    client = signed_in(users, "manager", csrf=True)
    listing = client.get("/documents/").content.decode()
    assert listing.count(f"<td>{link.id} (symbolic link)</td>") == 1
    assert listing.count("Still in view") == 0
    assert NUMBER not in listing
    page = client.get(f"/documents/{link.id}/").content.decode()
    assert f"Held symbolic link {link.id}" in page
    assert "taken out of its folder without being followed" in page
    summary = client.get("/discovery/").content.decode()
    assert "1 sub-folder, 1 link with personal data in their names" in summary
    files = client.get("/discovery/folder/", {"folder": link.folder}).content.decode()
    assert files.count("(a symbolic link: its name)") == 1
    assert files.count("(a folder: its name)") == 2  # the held folder and ``target``
