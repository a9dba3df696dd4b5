"""A held document's owner told of a reject (through the relay's queue, to a real SMTP server
on loopback) where the configuration names one, and the page saying so where it does not;
and a manager reading a held document without releasing it, audited, staff refused."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from gateway.config import UpstreamSettings, load_settings
from gateway.relay import delivery
from gateway.relay.models import Copy, DeliveryState
from gateway.relay.upstream import Connections
from gateway.review.models import AuditEntry
from gateway.sealing import Sealer
from gateway.watcher import documents, owner_notice
from gateway.watcher.models import Placement, WatchedFile
from tests.e2e.conftest import Sink
from tests.gateway.review.conftest import Users, signed_in
from tests.gateway.watcher.conftest import (  # noqa: F401 - the watcher's fixtures, shared
    DAMAGED_DOCX,
    INTERNAL_DOMAIN,
    Drive,
    extracting_scanner,
    make_drive,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

NAME = "amina-khan-referral.docx"  # a file name that is itself personal data
OWNER = f"priya.sharma@{INTERNAL_DOMAIN}"
FOLDER_OWNER = f"web-team@{INTERNAL_DOMAIN}"


@pytest.fixture
def held(request: pytest.FixtureRequest) -> tuple[Path, WatchedFile, bytes]:
    """A document the watcher held from a public folder in enforce mode: where it was, its
    row and its content."""
    build: Callable[..., Drive] = request.getfixturevalue("make_drive")
    drive = build({"web": ("public", "enforce")})
    content = DAMAGED_DOCX + os.urandom(32)
    path = drive.put("web", NAME, content)
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = WatchedFile.objects.get(path=str(path))
    assert row.placement == Placement.QUARANTINED
    return path, row, content


@pytest.fixture
def owners(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Configure who owns what: ``[watch] owners`` and folders with an ``owner``."""

    def configure(by_uid: dict[int, str], folders: list[dict[str, str]] = []) -> None:  # noqa: B006
        monkeypatch.setenv("CONFIDE_ORGANISATION__INTERNAL_DOMAINS", json.dumps([INTERNAL_DOMAIN]))
        monkeypatch.setenv(
            "CONFIDE_WATCH__OWNERS", json.dumps({str(u): a for u, a in by_uid.items()})
        )
        monkeypatch.setenv("CONFIDE_WATCH__FOLDERS", json.dumps(folders))
        load_settings.cache_clear()

    yield configure
    load_settings.cache_clear()


@pytest.fixture
def sink() -> Iterator[Sink]:
    """The upstream MTA: a real SMTP server on loopback."""
    made = Sink()
    made.start()
    yield made
    made.stop()


def _deliver_queue(sealer: Sealer, sink: Sink) -> None:
    """What the relay's delivery loop does: claim every due delivery and send it upstream."""
    deliverer = delivery.Deliverer(
        connections=Connections(UpstreamSettings(port=sink.port), "relay.example.org"),
        sealer=sealer,
        retry=delivery.Retry(1, 60, timedelta(hours=1)),
        node="relay-1",
        hostname="relay.example.org",
        notice_from=f"postmaster@{INTERNAL_DOMAIN}",
        organisation="Riverside",
    )
    for claim in delivery.claim_due("relay-1", datetime.now(UTC)):
        delivery.deliver_claimed(deliverer, claim)
    deliverer.connections.close()


def _parsed(raw: bytes) -> tuple[EmailMessage, str]:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    return parsed, str(body.get_content())


def test_a_reject_tells_the_files_owner_and_names_nothing_of_it(
    users: Users,
    held: tuple[Path, WatchedFile, bytes],
    owners: Callable[..., None],
    sealer: Sealer,
    sink: Sink,
) -> None:
    """The file's account is in ``[watch] owners``: the reject page says the owner is told,
    and the relay delivers them a notice with the reference and folder, and neither the
    file's name nor the manager's note."""
    path, row, _ = held
    owners({os.getuid(): OWNER})
    assert row.owner_uid == os.getuid()
    client = signed_in(users, "manager")
    assert (
        f"{OWNER} (told if it is rejected)" in client.get(f"/documents/{row.id}/").content.decode()
    )
    page = client.post(
        f"/documents/{row.id}/reject/",
        {"reject-note": "Amina's file: not for the web"},
        follow=True,
    ).content.decode()
    assert f"Its owner, {OWNER}, is sent a notice" in page

    _deliver_queue(sealer, sink)
    (received,) = sink.handler.received
    assert received.rcpt_tos == (OWNER,)
    assert received.mail_from == "<>"  # the null sender: nothing bounces back to confide
    email, text = _parsed(received.content)
    assert email["Subject"] == f"Held document {row.id} will not be put back"
    assert f"Reference: held document {row.id}" in text
    assert f"Folder: {row.folder}" in text
    assert f"confide-held-{row.id}.txt" in text
    for personal in ("amina", "referral", "not for the web"):
        assert personal not in received.content.decode("ascii").lower()
    (entry,) = AuditEntry.objects.filter(kind="document-rejected")
    assert entry.details["owner_told"] is True
    assert not path.exists()


def test_the_folders_owner_is_told_when_the_account_is_not_named(
    users: Users, held: tuple[Path, WatchedFile, bytes], owners: Callable[..., None], sealer: Sealer
) -> None:
    """No entry for the file's account: its folder's ``owner`` is told instead."""
    _, row, _ = held
    owners(
        {os.getuid() + 1: OWNER},
        [{"path": row.folder, "audience": "public", "owner": FOLDER_OWNER}],
    )
    assert documents.reject_document(row.id, "jo", "no").owner_told == FOLDER_OWNER
    (copy,) = Copy.objects.all()
    assert copy.message_id is None
    assert list(copy.deliveries.values_list("recipient", "state")) == [
        (FOLDER_OWNER, DeliveryState.QUEUED)
    ]


def test_with_no_owner_known_the_page_says_nobody_was_told(
    users: Users, held: tuple[Path, WatchedFile, bytes], owners: Callable[..., None], sealer: Sealer
) -> None:
    """Neither the account nor the folder has an owner: the document's page says before the
    reject that nobody will be told, the reject's message that nobody was, and nothing is
    queued."""
    _, row, _ = held
    owners({})
    client = signed_in(users, "manager")
    before = client.get(f"/documents/{row.id}/").content.decode()
    assert "not known: nobody is told if it is rejected" in before
    after = client.post(
        f"/documents/{row.id}/reject/", {"reject-note": "not for the web"}, follow=True
    ).content.decode()
    assert "No owner is known for it, so nobody was told." in after
    assert not Copy.objects.exists()
    (entry,) = AuditEntry.objects.filter(kind="document-rejected")
    assert entry.details["owner_told"] is False


def test_a_manager_reads_a_held_document_as_it_was_and_it_is_audited(
    users: Users, held: tuple[Path, WatchedFile, bytes]
) -> None:
    """The download is the document, byte for byte, named by its reference; it stays held,
    its sealed file unchanged, nothing else written to the quarantine; the audit trail has
    who read which document and when."""
    path, row, content = held
    quarantine = Path(row.quarantined_as).parent
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in quarantine.iterdir()}
    response = signed_in(users, "manager").get(f"/documents/{row.id}/content/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="held-document-{row.id}.docx"'
    assert "no-store" in response["Cache-Control"]
    (entry,) = AuditEntry.objects.filter(kind="document-viewed")
    assert (entry.actor, entry.details["document"]) == ("jo", row.id)
    assert datetime.now(UTC) - entry.at < timedelta(minutes=1)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in quarantine.iterdir()}
    assert after == before
    row.refresh_from_db()
    assert row.placement == Placement.QUARANTINED
    assert not path.exists()


def test_staff_are_refused_a_held_document_and_the_refusal_is_recorded(
    users: Users, held: tuple[Path, WatchedFile, bytes], caplog: pytest.LogCaptureFixture
) -> None:
    """Staff get 403 and none of it; the refusal is in the audit trail under their name and
    in the log by the document's id; no reading is recorded."""
    _, row, content = held
    with caplog.at_level(logging.WARNING):
        response = signed_in(users, "staff").get(f"/documents/{row.id}/content/")
    assert response.status_code == 403
    assert content not in response.content
    (entry,) = AuditEntry.objects.filter(kind="document-view-refused")
    assert (entry.actor, entry.details["document"]) == ("priya", row.id)
    assert not AuditEntry.objects.filter(kind="document-viewed").exists()
    assert f"held document refused id={row.id}" in caplog.text
    assert NAME not in caplog.text


def test_a_released_or_tampered_document_is_not_read(
    users: Users, held: tuple[Path, WatchedFile, bytes]
) -> None:
    """A sealed file that does not open to the document held is not handed over (nor
    recorded as read); a released document is read in its folder, not here."""
    _, row, _ = held
    sealed = Path(row.quarantined_as)
    lines = sealed.read_bytes().splitlines(keepends=True)
    sealed.write_bytes(b"".join(lines[:1]) if len(lines) > 1 else b"")  # cut short
    client = signed_in(users, "manager")
    refused = client.get(f"/documents/{row.id}/content/", follow=True)
    assert "Not opened: it cannot be opened from the quarantine." in refused.content.decode()
    assert not AuditEntry.objects.filter(kind="document-viewed").exists()
    WatchedFile.objects.filter(id=row.id).update(placement=Placement.RELEASED)
    released = client.get(f"/documents/{row.id}/content/", follow=True)
    assert "Not opened: document" in released.content.decode()


def test_the_notice_names_the_note_by_the_name_it_took(
    held: tuple[Path, WatchedFile, bytes],
) -> None:
    """When a user's file already had the note's usual name, the note took another, and the
    owner is pointed to that one."""
    _, row, _ = held
    row.note_path = str(Path(row.folder) / f"confide-held-{row.id} (2).txt")
    assert f"confide-held-{row.id} (2).txt" in owner_notice.notice_text(row)
