"""``confide held list|show|release|reject``: the held queue for an admin on the server,
deciding through the same functions as the pages, in a manager's name."""

from __future__ import annotations

import dataclasses
import io
import os
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from gateway.cli import main
from gateway.config import load_settings
from gateway.relay.models import CopyKind, Delivery, Message, Outcome, ReviewState
from gateway.relay.pipeline import Pipeline
from gateway.review import decisions
from gateway.review.models import AuditEntry
from gateway.sealing import Sealer, write_keys
from tests.gateway.review.conftest import ALSO_HELD_FOR, HELD_FOR, SENDER, Users, held_outcome

pytestmark = pytest.mark.django_db

# Before the fixtures put a test key in its place.
BUILT_FROM_THE_SETTINGS = decisions.releasing


def _confide_held(*args: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("held", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_list_shows_each_held_recipient_until_it_is_decided(users: Users, held: Message):
    """Each held recipient is a line: id, age, sender, recipient, rules; a decided one is
    gone from the list."""
    outcome = held_outcome(held)
    out, _ = _confide_held("list")
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{outcome.id}\t")
    assert lines[0].endswith(f"\t{SENDER}\t{HELD_FOR}\tno-consent")
    _confide_held("reject", outcome.id, "--as", "jo", "--note", "not needed")
    out, _ = _confide_held("list")
    assert [line.split("\t")[3] for line in out.splitlines()] == [ALSO_HELD_FOR]


def test_show_gives_headers_findings_and_reasons_but_the_text_only_when_asked(
    users: Users, held: Message
):
    """Show prints the headers, each finding's type and each recipient's reasons; the text
    confide read only with --text."""
    outcome = held_outcome(held)
    out, _ = _confide_held("show", outcome.id)
    assert "Subject: Carer's assessment follow-up" in out
    assert "findings in body (text/plain): UK_NHS x1" in out
    assert "NHS number of a known carer; no consent recorded" in out
    assert f"recipient {outcome.id}: {HELD_FOR}: hold, held for a manager" in out
    assert "943 476 5919" not in out
    with_text, _ = _confide_held("show", outcome.id, "--text")
    assert "Amina's NHS number is 943 476 5919." in with_text


def test_release_and_reject_decide_in_the_managers_name(users: Users, held_unscanned: Message):
    """Release queues the marked copy and tells the sender; reject tells the sender; both
    are audited as the manager's, as the pages would do it."""
    released, rejected = held_outcome(held_unscanned), held_outcome(held_unscanned, ALSO_HELD_FOR)
    out, _ = _confide_held("release", released.id, "--as", "jo", "--note", "consent by phone")
    assert out == f"recipient {released.id}: released, marked CONFIDENTIAL\n"
    _confide_held("reject", rejected.id, "--as", "jo", "--note", "use the portal")
    assert Outcome.objects.get(id=released.id).review_state == ReviewState.RELEASED
    assert Outcome.objects.get(id=rejected.id).review_state == ReviewState.REJECTED
    assert Delivery.objects.get(copy__kind=CopyKind.BANNER).recipient == HELD_FOR
    assert Delivery.objects.filter(copy__kind=CopyKind.NOTICE, recipient=SENDER).count() == 2
    assert [(e.kind, e.actor) for e in AuditEntry.objects.order_by("id")] == [
        ("release_with_banner", "jo"), ("reject", "jo"),
    ]  # fmt: skip


@pytest.mark.parametrize("account", ["priya", "nobody"])
def test_only_a_managers_account_may_decide(users: Users, held: Message, account: str):
    """--as a staff member (here the sender) or an unknown name is refused; nothing moves."""
    outcome = held_outcome(held)
    with pytest.raises(SystemExit) as stopped:
        _confide_held("release", outcome.id, "--as", account, "--note", "please")
    assert stopped.value.code == 1
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    assert not Delivery.objects.exists()


def test_a_refused_decision_is_reported_and_the_exit_status_says_so(users: Users, held: Message):
    """Deciding a recipient twice: the second is refused with the reason, exit status 1."""
    outcome = held_outcome(held)
    _confide_held("reject", outcome.id, "--as", "jo", "--note", "not needed")
    with pytest.raises(SystemExit) as stopped:
        _confide_held("release", outcome.id, "--as", "jo", "--note", "changed my mind")
    assert stopped.value.code == 1
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.REJECTED


@pytest.mark.slow
def test_release_redacted_from_the_command_line(users: Users, held: Message, redacting: Pipeline):
    """--redacted makes the copy through the relay's core, as the page does."""
    outcome = held_outcome(held)
    out, _ = _confide_held("release", outcome.id, "--redacted", "--as", "jo", "--note", "n")
    assert out == f"recipient {outcome.id}: released redacted\n"
    assert Delivery.objects.get(copy__kind=CopyKind.REDACT).recipient == HELD_FOR


def test_body_only_goes_with_the_banner_not_with_redaction(users: Users, held_unscanned: Message):
    """--body-only says how to mark; asked with --redacted it is refused before anything is
    scanned or decided."""
    outcome = held_outcome(held_unscanned)
    with pytest.raises(SystemExit):
        _confide_held("release", outcome.id, "--redacted", "--body-only", "--as", "jo",
                      "--note", "n")  # fmt: skip
    assert Outcome.objects.get(id=outcome.id).review_state == ReviewState.HELD
    out, _ = _confide_held("release", outcome.id, "--body-only", "--as", "jo", "--note", "n")
    assert out == f"recipient {outcome.id}: released, marked CONFIDENTIAL\n"
    assert AuditEntry.objects.get().kind == "release_with_banner_in_body"


def test_show_says_plainly_when_the_key_file_does_not_open_the_message(
    users: Users,
    held: Message,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    """A message sealed with another key (another node's key file): `confide held show`
    exits 1 with one line naming the key file, not "stopped by an unexpected error"."""
    other = tmp_path / "confide.key"
    write_keys(other, [Fernet.generate_key()])
    releasing = dataclasses.replace(decisions.releasing(), sealer=Sealer.from_key_file(other))
    monkeypatch.setattr(decisions, "releasing", lambda: releasing)
    monkeypatch.setattr(sys, "argv", ["confide", "held", "show", str(held_outcome(held).id)])
    umask = os.umask(0o077)  # main() sets it as the confide command does: put back after
    try:
        with pytest.raises(SystemExit) as stopped:
            main()
    finally:
        os.umask(umask)
    assert stopped.value.code == 1
    said = capsys.readouterr().err
    assert said.count("\n") == 1
    assert said.startswith(f"confide: a stored message does not open with the key file {other}:")


def test_show_without_the_key_file_says_so_and_makes_none(
    users: Users,
    held: Message,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    """Right after a restore, before the key file is put back: `confide held show` says
    there is no key file, and does not make a new key where the restored one belongs (which
    then opened nothing, and told the admin the file had been replaced)."""
    missing = tmp_path / "restored" / "confide.key"
    monkeypatch.setenv("CONFIDE_RELAY__KEY_FILE", str(missing))
    monkeypatch.setattr(decisions, "releasing", BUILT_FROM_THE_SETTINGS)
    load_settings.cache_clear()
    BUILT_FROM_THE_SETTINGS.cache_clear()
    monkeypatch.setattr(sys, "argv", ["confide", "held", "show", str(held_outcome(held).id)])
    umask = os.umask(0o077)  # main() sets it as the confide command does: put back after
    try:
        with pytest.raises(SystemExit) as stopped:
            main()
    finally:
        os.umask(umask)
        load_settings.cache_clear()
        BUILT_FROM_THE_SETTINGS.cache_clear()
    assert stopped.value.code == 1
    assert capsys.readouterr().err.startswith(f"confide: there is no key file at {missing}")
    assert not missing.exists()
