"""``confide documents list|release|reject``: the held documents for an admin on the server,
deciding through the same functions as the pages, in a manager's name."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from gateway.review.models import AuditEntry
from gateway.watcher.models import Placement, WatchedFile
from tests.gateway.review.conftest import Users
from tests.gateway.review.test_documents import (  # noqa: F401 - the held document, shared
    extracting_scanner,
    held_file,
    make_drive,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(request: pytest.FixtureRequest) -> tuple[Path, WatchedFile]:
    """The document the pages' tests hold (``held_file``)."""
    held: tuple[Path, WatchedFile] = request.getfixturevalue("held_file")
    return held


def _confide_documents(*args: object) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("documents", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exc:
        return out.getvalue(), err.getvalue(), int(exc.code or 0)
    return out.getvalue(), err.getvalue(), 0


def test_list_then_release_puts_it_back_in_the_managers_name(
    users: Users, document: tuple[Path, WatchedFile]
) -> None:
    """A held document is a line with its folder, audience, rules, finding counts and kind; a
    release in a manager's name puts it back byte-identical, audited, and it leaves the list."""
    path, row = document
    out, _, _ = _confide_documents("list")
    fields = out.rstrip("\n").split("\t")
    assert fields[0] == str(row.id)
    assert fields[2:] == [
        row.folder,
        "public",
        ", ".join(row.rules),
        "PERSON x2, UK_NHS x3",
        "file",
    ]
    out, _, code = _confide_documents("release", row.id, "--as", "jo", "--note", "checked")
    assert (out, code) == (f"document {row.id}: released; now at {path}\n", 0)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row.content_hash
    assert AuditEntry.objects.get(kind="document-released").actor == "jo"
    assert _confide_documents("list")[0] == ""


def test_reject_keeps_it_and_a_second_decision_is_refused(
    users: Users, document: tuple[Path, WatchedFile]
) -> None:
    """A reject keeps the document in quarantine, saying whom it told (nobody: no owner is
    configured); rejecting it again fails with the reason."""
    _, row = document
    out, _, _ = _confide_documents("reject", row.id, "--as", "jo", "--note", "not for the web")
    assert "rejected; it stays in quarantine; no owner known, none told" in out
    row.refresh_from_db()
    assert row.placement == Placement.REJECTED
    _, err, code = _confide_documents("reject", row.id, "--as", "jo", "--note", "again")
    assert code == 1
    assert f"document {row.id}: not done: document {row.id} is not held" in err


def test_only_a_managers_account_may_decide(
    users: Users, document: tuple[Path, WatchedFile]
) -> None:
    """A staff member's login is refused and nothing moves."""
    path, row = document
    _, err, code = _confide_documents("release", row.id, "--as", "priya", "--note", "x")
    assert code == 1
    assert "'priya' is not an active manager's account" in err
    assert not path.exists()
