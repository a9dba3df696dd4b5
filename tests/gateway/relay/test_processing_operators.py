"""A scanning worker's pipeline removes each finding type as the organisation's redaction
file says: a masked or pseudonymised copy passes the relay's own safety net and goes to the
stranger; a bad redaction file stops the relay before it takes mail."""

import dataclasses
from pathlib import Path

import pytest

from gateway.config import Settings
from gateway.relay import processing, spool
from gateway.relay.delivery import Outbound
from gateway.relay.models import Outcome
from gateway.relay.pipeline import Pipeline, redaction_operators
from gateway.relay.service import RelayService
from scanner.operators import Hash, Mask, load_operators
from scanner.outcome import REDACTION_CHECK
from scanner.rules_file import RulesError
from tests.scanner.redaction_pipeline import leaks

pytestmark = pytest.mark.django_db

INTERNAL = "riverside-carers.example.org"
SENDER = f"priya.sharma@{INTERNAL}"
STRANGER = "someone@elsewhere.example"
VALUES = ["642 621 2997", "Chidi Eze", "07700 900461", "chidi.eze@mailbox.example"]
BODY = (
    "Referral for Chidi Eze, NHS number 642 621 2997, mobile 07700 900461, "
    "email chidi.eze@mailbox.example."
)
REDACTION = """default: {operator: replace, clause: '000 2.3'}
by_type:
  - types: [UK_NHS, PHONE_NUMBER]
    operator: mask
    clause: '003 Need to Know'
  - types: [PERSON, EMAIL_ADDRESS]
    operator: hash
    clause: '003 Principle c'
"""


def _settings(folder: Path, redaction: Path) -> Settings:
    return Settings(
        data_dir=folder / "var",
        organisation={"internal_domains": [INTERNAL], "redaction": redaction},
        relay={"node": "relay-1", "key_file": folder / "confide.key"},
    )


def _process_for_stranger(pipeline: Pipeline, body: str) -> list[Outbound]:
    content = (
        f"From: Priya <{SENDER}>\r\nTo: {STRANGER}\r\nSubject: referral\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n"
    ).encode()
    fields = {"mail_from": SENDER, "recipients": [STRANGER], "content": content}
    stored = spool.store(pipeline.sealer, **fields, client_address="127.0.0.1", node=pipeline.node)
    return processing.process(pipeline, spool.Received(stored.id, SENDER, [STRANGER], content, 1))


def test_a_masked_and_pseudonymised_copy_passes_the_safety_net_and_is_sent(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """The finished copy, scanned and judged again, needs nothing removed: the stranger is
    sent it, with the numbers' last four digits and pseudonyms in place of the values."""
    path = tmp_path / "redaction.yaml"
    path.write_text(REDACTION)
    operators = redaction_operators(_settings(tmp_path, path))
    masked = dataclasses.replace(pipeline, operators=operators)
    [copy] = _process_for_stranger(masked, BODY)
    assert (copy.copy.kind, [d.recipient for d in copy.deliveries]) == ("redact", [STRANGER])
    outcome = Outcome.objects.get(recipient=STRANGER)
    assert REDACTION_CHECK not in outcome.rules
    assert leaks(pipeline.scanner.scan_message, copy.content, VALUES) == []
    assert b"NHS number ********2997, mobile ********0461," in copy.content
    assert b"[name pseudonym " in copy.content


def test_the_pipeline_reads_the_redaction_file_and_makes_the_pseudonym_key(
    tmp_path: Path,
) -> None:
    """The organisation's redaction file is the one used; the key its hash needs is made in
    the data directory, private, and used."""
    path = tmp_path / "redaction.yaml"
    path.write_text(REDACTION)
    operators = redaction_operators(_settings(tmp_path, path))
    key = (tmp_path / "var" / "pseudonym.key").read_text().strip()
    assert operators.by_type["UK_NHS"] == Mask()
    assert operators.by_type["PERSON"] == Hash(bytes.fromhex(key))
    assert load_operators(path, tmp_path / "var" / "pseudonym.key") == operators


def test_a_bad_redaction_file_stops_the_relay_before_it_starts(tmp_path: Path) -> None:
    """A mistake in the redaction file is found when the relay starts, not when the first
    message needs redacting; it names the file and line."""
    path = tmp_path / "redaction.yaml"
    path.write_text(REDACTION.replace("operator: mask", "operator: blur"))
    with pytest.raises(RulesError, match=rf"^{path}:3: unknown operator 'blur'"):
        RelayService(_settings(tmp_path, path))
