"""The audit trail is hash-chained: ``confide audit verify`` passes an untouched trail and
names the first entry edited or removed directly in the database."""

from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from gateway.relay import spool
from gateway.relay.models import Message, Outcome
from gateway.relay.recording import outcomes, record
from gateway.review import audit
from gateway.review.models import AuditEntry
from gateway.sealing import Sealer
from scanner.policy.verdicts import Verdict

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]


def _entries(count: int) -> list[AuditEntry]:
    audit.append(
        audit.Event(kind="release_with_banner", actor="jo", message_id=uuid.uuid4(),
                    outcome_id=n, details={"rules": ["no-consent"]})
        for n in range(count)
    )  # fmt: skip
    return list(AuditEntry.objects.order_by("id"))


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        call_command("audit", "verify")
    except SystemExit as exc:
        return int(exc.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().out


def test_an_untouched_trail_verifies(capsys: pytest.CaptureFixture[str]):
    """Five entries appended in two goes chain, and verify says so."""
    _entries(3)
    _entries(2)
    assert _verify(capsys) == (0, "audit trail intact: 5 entries checked\n")


def test_an_entry_edited_in_the_database_is_named(capsys: pytest.CaptureFixture[str]):
    """An UPDATE straight to the table (changing who acted) is found at that entry."""
    entries = _entries(4)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET actor = %s WHERE id = %s",  # noqa: S608
            ["someone-else", entries[2].id],
        )
    status, said = _verify(capsys)
    assert status == 1
    assert f"broken at entry {entries[2].id}: it was changed after it was written" in said


def test_an_entry_deleted_from_the_database_is_found(capsys: pytest.CaptureFixture[str]):
    """A deleted entry leaves the next one pointing at a hash that is not there."""
    entries = _entries(4)
    with connection.cursor() as cursor:
        table = AuditEntry._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entries[1].id])  # noqa: S608
    status, said = _verify(capsys)
    assert status == 1
    assert f"broken at entry {entries[2].id}: the entry before it is missing" in said


def test_the_last_entries_cut_off_are_found(capsys: pytest.CaptureFixture[str]):
    """Deleting the newest entries is found too: the head still names the last hash."""
    entries = _entries(3)
    AuditEntry.objects.filter(id=entries[2].id).delete()
    status, said = _verify(capsys)
    assert status == 1
    assert "entries after it were removed" in said


def test_every_automatic_verdict_is_audited_without_addresses():
    """Recording a processed message writes one verdict entry per recipient, with the
    action and rules and the recipient's position, never the address."""
    sealer = Sealer(Fernet.generate_key())
    stored = spool.store(sealer, mail_from="a@riverside-carers.example.org",
                         recipients=["x@agency.example", "y@riverside-carers.example.org"],
                         content=b"Subject: hi\r\n\r\nhello\r\n", client_address="127.0.0.1",
                         node="relay-1")  # fmt: skip
    Message.objects.filter(id=stored.id).update(claimed_by="relay-1")
    verdicts = {
        "x@agency.example": Verdict("hold", ("no-consent",), ("no consent",)),
        "y@riverside-carers.example.org": Verdict("release", (), ()),
    }
    record("relay-1", stored.id, outcomes(stored.id, verdicts), [])
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.kind, e.details["action"], e.details["recipient"]) for e in entries] == [
        ("verdict", "hold", 1), ("verdict", "release", 2),
    ]  # fmt: skip
    assert [e.outcome_id for e in entries] == list(
        Outcome.objects.order_by("id").values_list("id", flat=True)
    )
    assert "agency.example" not in str([e.details for e in entries])
