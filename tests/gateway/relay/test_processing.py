"""A stored message through a scanning worker's pipeline: handed over as just received, or
read back by its id, and recorded only while this node still holds it."""

from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser

import pytest

from gateway.register.models import Subject, SubjectName
from gateway.relay import processing, spool
from gateway.relay.delivery import Outbound
from gateway.relay.hold_notices import NOTICE_NOT_BUILT, REASON_FOR_OUTSIDERS
from gateway.relay.models import Delivery, Message, MessageState, Outcome
from gateway.relay.pipeline import Pipeline
from gateway.review.models import ScanRecord
from gateway.review.scan_record import read_scan_record
from scanner.outcome import REDACTION_CHECK
from scanner.sandbox import WorkerLost
from tests.gateway.relay import redaction_engine
from tests.scanner.copy_transforms import DiesMakingTheCopy, LeavesEverything
from tests.scanner.redaction_pipeline import leaks
from tests.scanner.transform.made_files import message, pdf_bytes, raw

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

INTERNAL = "riverside-carers.example.org"
CONTENT = (
    b"From: Priya <priya.sharma@riverside-carers.example.org>\r\n"
    b"To: colleague@riverside-carers.example.org\r\n"
    b"Subject: rota\r\n\r\nThe rota for next week is attached to the shared calendar.\r\n"
)
MESSAGE = {
    "mail_from": f"priya.sharma@{INTERNAL}",
    "recipients": [f"colleague@{INTERNAL}"],
    "content": CONTENT,
    "client_address": "127.0.0.1",
}


def _received(pipeline: Pipeline) -> spool.Received:
    stored = spool.store(pipeline.sealer, **MESSAGE, node=pipeline.node)
    assert stored.new
    return spool.Received(
        stored.id, MESSAGE["mail_from"], MESSAGE["recipients"], CONTENT, scan_attempts=1
    )


def test_a_message_handed_over_is_recorded_with_its_deliveries_claimed(
    pipeline: Pipeline,
):
    received = _received(pipeline)
    [outbound] = processing.process(pipeline, received)
    head = BytesParser(policy=policy.SMTP).parsebytes(outbound.content, headersonly=True)
    assert head.keys()[:2] == ["Received", "X-Confide-Processed"]
    assert head["Received"].startswith(
        f"from [127.0.0.1] by relay.{INTERNAL} (confide) with ESMTP id {received.id}; "
    )
    assert [d.recipient for d in outbound.deliveries] == MESSAGE["recipients"]
    message = Message.objects.get(id=received.id)
    assert (message.state, message.claimed_by) == (MessageState.PROCESSED, "")
    assert list(Outcome.objects.values_list("recipient", "action")) == [
        (f"colleague@{INTERNAL}", "release")
    ]
    assert Delivery.objects.get().claimed_by == "relay-1"


def test_each_copy_names_the_rules_that_fired_and_no_forged_ones(pipeline: Pipeline):
    """A copy carries ``X-Confide-Rules`` with the rules that fired for its recipients; one
    that the client wrote is removed like every other ``X-Confide`` field."""
    forged = b"X-Confide-Rules: forged\r\n\tfolded\r\n" + CONTENT
    stored = spool.store(pipeline.sealer, **{**MESSAGE, "content": forged}, node=pipeline.node)
    received = spool.Received(stored.id, MESSAGE["mail_from"], MESSAGE["recipients"], forged, 1)
    [outbound] = processing.process(pipeline, received)
    head = BytesParser(policy=policy.SMTP).parsebytes(outbound.content, headersonly=True)
    assert head.get_all("X-Confide-Rules") == ["internal-recipient"]
    assert b"forged" not in outbound.content
    assert b"folded" not in outbound.content


def test_a_message_read_back_by_id_is_processed_the_same_way(pipeline: Pipeline):
    received = _received(pipeline)
    [outbound] = processing.process(pipeline, received.id)
    assert outbound.content.endswith(CONTENT.partition(b"\r\n\r\n")[2])
    assert Message.objects.get(id=received.id).state == MessageState.PROCESSED


def test_a_message_another_node_took_over_is_not_recorded_twice(
    pipeline: Pipeline,
):
    """The lease lapsed while the message waited, and another node claimed it: this node's
    scan of the copy it was handed is thrown away, nothing recorded."""
    received = _received(pipeline)
    later = datetime.now(UTC) + spool.SCAN_LEASE + timedelta(seconds=1)
    assert spool.claim_waiting("relay-2", later) == [received.id]
    with pytest.raises(processing.NotOurs):
        processing.process(pipeline, received)
    assert not Outcome.objects.exists()
    assert not Delivery.objects.exists()
    message = Message.objects.get(id=received.id)
    assert (message.state, message.claimed_by) == (MessageState.RECEIVED, "relay-2")


def test_a_message_done_already_is_not_ours_when_read_back(pipeline: Pipeline):
    received = _received(pipeline)
    processing.process(pipeline, received)
    with pytest.raises(processing.NotOurs):
        processing.process(pipeline, received.id)
    assert Outcome.objects.count() == 1


def test_a_message_that_fails_on_every_try_ends_held(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    """A fault we did not foresee, after the scan and on every try, must not leave the
    message to be retried for ever, unseen by any manager. Each retry is a claim that counts
    an attempt; after ``MAX_ATTEMPTS`` the message is held as it is, and the sender told."""

    def decide_fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a fault in the policy engine")

    monkeypatch.setattr(processing, "decide", decide_fails)
    received = _received(pipeline)
    tries = 1
    while True:
        try:
            outbound = processing.process(pipeline, received.id)
            break
        except RuntimeError:
            assert tries <= processing.MAX_ATTEMPTS, "still failing after MAX_ATTEMPTS"
            assert spool.claim_again(received.id, pipeline.node, datetime.now(UTC))
            tries += 1
    assert tries == processing.MAX_ATTEMPTS + 1
    message = Message.objects.get(id=received.id)
    assert message.state == MessageState.PROCESSED
    [outcome] = Outcome.objects.filter(message_id=received.id)
    assert (outcome.recipient, outcome.action, outcome.review_state) == (
        f"colleague@{INTERNAL}",
        "hold",
        "held",
    )
    assert outcome.rules == [processing.CANNOT_PROCESS]
    [notice] = outbound
    assert [d.recipient for d in notice.deliveries] == [MESSAGE["mail_from"]]
    assert b"Subject: Held for review: your message\r\n" in notice.content


STRANGER = "someone@elsewhere.example"
LEAKS = {
    "offsets past a zero-width space": (
        "Copied from Teams:\u200b\nNHS number 642 621 2997, Chidi Eze, 07700 900461.",
        ["642 621 2997", "Chidi Eze", "07700 900461"],
    ),
    "a name inside an email address": (
        "Referral for Chidi Eze, NHS number 642 621 2997, mobile 07700 900461, "
        "email chidi.eze@mailbox.example.",
        ["642 621 2997", "Chidi Eze", "07700 900461", "chidi.eze@mailbox.example"],
    ),
    "values spread by extra spaces": (
        "Referral  for  Chidi  Eze,  NHS  number  642  621  2997,  mobile  07700  900461,"
        "  email  chidi.eze@mailbox.example.",
        ["642 621 2997", "Chidi Eze", "07700 900461", "chidi.eze@mailbox.example"],
    ),
}


def _referral(body: str) -> bytes:
    return (
        f"From: Priya <priya.sharma@{INTERNAL}>\r\nTo: {STRANGER}\r\nSubject: referral\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def _process_for_stranger(pipeline: Pipeline, content: bytes) -> list[Outbound]:
    fields = {**MESSAGE, "recipients": [STRANGER], "content": content}
    stored = spool.store(pipeline.sealer, **fields, node=pipeline.node)
    received = spool.Received(stored.id, MESSAGE["mail_from"], [STRANGER], content, 1)
    return processing.process(pipeline, received)


@pytest.mark.parametrize("case", LEAKS)
def test_a_redacted_copy_carries_none_of_the_values(pipeline: Pipeline, case: str):
    """Each leak found in redacted copies: the copy for a recipient with no consent has every
    value removed whole."""
    body, values = LEAKS[case]
    [copy] = [
        c for c in _process_for_stranger(pipeline, _referral(body)) if c.copy.kind != "notice"
    ]
    assert [d.recipient for d in copy.deliveries] == [STRANGER]
    assert copy.copy.kind == "redact"
    assert leaks(pipeline.scanner.scan_message, copy.content, values) == []


def test_a_redacted_copy_loses_numbers_written_with_look_alike_letters(pipeline: Pipeline):
    """O for 0 and l for 1 inside a number do not hide it: the copy for a recipient with no
    consent loses the NHS and phone numbers as they were written."""
    body = "Referral for Chidi Eze, NHS number 642 62l 2997, mobile O77OO 9OO461."
    [copy] = [
        c for c in _process_for_stranger(pipeline, _referral(body)) if c.copy.kind != "notice"
    ]
    assert copy.copy.kind == "redact"
    assert b"62l 2997" not in copy.content
    assert b"9OO461" not in copy.content


def test_a_forwarded_message_from_a_client_is_not_sent_with_their_address(pipeline: Pipeline):
    """A forwarded message's From is content, not the copy's envelope: the client's address
    in it is found, and since confide never rewrites an address the stranger is held."""
    inner = (
        "From: Margaret Okonkwo <m.okonkwo@gmail.com>\r\n"
        f"To: priya.sharma@{INTERNAL}\r\nSubject: help\r\n\r\n"
        "Hi, this is Margaret Okonkwo, my number is 07700 900461.\r\n"
    )
    content = (
        f"From: Priya <priya.sharma@{INTERNAL}>\r\nTo: {STRANGER}\r\nSubject: Fwd\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
        f"--b\r\nContent-Type: message/rfc822\r\n\r\n{inner}--b--\r\n"
    ).encode()
    outbound = _process_for_stranger(pipeline, content)
    assert not [c for c in outbound if b"okonkwo@" in c.content.lower()]
    assert [c.copy.kind for c in outbound] == ["notice"]
    assert Outcome.objects.get(recipient=STRANGER).action == "hold"


def test_a_name_written_surname_first_in_a_file_name_is_not_sent(pipeline: Pipeline):
    """A name the first pass removed from the body but could not read in an attachment's
    file name, written surname first, holds the stranger: the safety net finds it there."""
    content = (
        f"From: Priya <priya.sharma@{INTERNAL}>\r\nTo: {STRANGER}\r\nSubject: Notes\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\n"
        "I spoke with Margaret Okonkwo, her phone is 07700 900461.\r\n"
        "--b\r\nContent-Type: text/plain\r\n"
        'Content-Disposition: attachment; filename="Okonkwo_Margaret_07700900461.txt"\r\n'
        "\r\nnotes\r\n--b--\r\n"
    ).encode()
    outbound = _process_for_stranger(pipeline, content)
    assert not [c for c in outbound if b"okonkwo" in c.content.lower()]
    assert [c.copy.kind for c in outbound] == ["notice"]
    assert Outcome.objects.get(recipient=STRANGER).action == "hold"


def test_a_percent_encoded_link_loses_the_values_in_it(pipeline: Pipeline):
    """Values written percent-encoded in a link are found and removed from the copy."""
    body = (
        "I spoke with Margaret Okonkwo, her phone is 07700 900461.\r\n"
        "Form: https://forms.example.com/p?who=Margaret%20Okonkwo&tel=07700%20900461"
    )
    [copy] = [
        c for c in _process_for_stranger(pipeline, _referral(body)) if c.copy.kind != "notice"
    ]
    assert copy.copy.kind == "redact"
    assert b"Okonkwo" not in copy.content
    assert b"900461" not in copy.content
    assert b"https://forms.example.com/p?who=" in copy.content


def test_the_safety_net_holds_a_copy_the_first_pass_left_values_in(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    """The finished copy is scanned and judged again on its own: when the first pass leaves
    a value behind (here it removes nothing), that recipient is held, not sent the copy."""
    monkeypatch.setattr(pipeline, "transforms", LeavesEverything())  # made in the worker
    body, _ = LEAKS["a name inside an email address"]
    outbound = _process_for_stranger(pipeline, _referral(body))
    assert [c.copy.kind for c in outbound] == ["notice"]
    outcome = Outcome.objects.get(recipient=STRANGER)
    assert (outcome.action, outcome.review_state) == ("hold", "held")
    assert REDACTION_CHECK in outcome.rules


def test_a_copy_lost_with_the_sandboxed_worker_records_nothing(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    """The sandboxed worker dies making the redacted copy: processing fails with
    ``WorkerLost`` (the relay tries the message again, another attempt counted), and nothing
    of it is recorded or sent meanwhile."""
    monkeypatch.setattr(pipeline, "transforms", DiesMakingTheCopy())  # made in the worker
    body, _ = LEAKS["a name inside an email address"]
    with pytest.raises(WorkerLost):
        _process_for_stranger(pipeline, _referral(body))
    assert Message.objects.get().state == MessageState.RECEIVED
    assert not Outcome.objects.exists()
    assert not Delivery.objects.exists()


def test_a_notice_that_cannot_be_built_does_not_stop_the_other_copies(
    pipeline: Pipeline,
):
    """A sender's address with a control byte makes the hold notice unbuildable: the
    colleague still gets the copy, the held recipient's outcome says the sender was not
    told, and the message is done rather than retried for ever."""
    sender = "odd\x0bsender@riverside-carers.example.org"
    body, _ = LEAKS["a name inside an email address"]
    content = _referral(f"{body} He has a child protection plan.")
    recipients = [f"colleague@{INTERNAL}", STRANGER]
    fields = {**MESSAGE, "mail_from": sender, "recipients": recipients, "content": content}
    stored = spool.store(pipeline.sealer, **fields, node=pipeline.node)
    outbound = processing.process(
        pipeline, spool.Received(stored.id, sender, recipients, content, 1)
    )
    assert [(c.copy.kind, [d.recipient for d in c.deliveries]) for c in outbound] == [
        ("release", [f"colleague@{INTERNAL}"])
    ]
    held = Outcome.objects.get(message_id=stored.id, recipient=STRANGER)
    assert held.action == "hold"
    assert NOTICE_NOT_BUILT in held.reasons
    assert Message.objects.get(id=stored.id).state == MessageState.PROCESSED


def test_an_encrypted_pdf_goes_to_a_colleague_marked_and_is_held_for_a_stranger(
    pipeline: Pipeline,
):
    """A password-protected PDF cannot be scanned: the colleague's copy leaves unchanged with
    ``X-Confide-Unscanned: encrypted`` (the kind of problem, never the file's name), the
    stranger is held, and the sender is told."""
    locked = pdf_bytes("Chidi Eze, NHS number 642 621 2997.", password="s3cret")
    attachment = (locked, "application", "pdf", "Chidi Eze referral.pdf")
    built = message("Please see the attached referral.", attachments=(attachment,))
    content = raw(built)
    colleague = f"colleague@{INTERNAL}"
    fields = {**MESSAGE, "recipients": [colleague, STRANGER], "content": content}
    stored = spool.store(pipeline.sealer, **fields, node=pipeline.node)
    outbound = processing.process(
        pipeline, spool.Received(stored.id, MESSAGE["mail_from"], [colleague, STRANGER], content, 1)
    )
    [released] = [c for c in outbound if c.copy.kind == "release"]
    assert [d.recipient for d in released.deliveries] == [colleague]
    head = BytesParser(policy=policy.SMTP).parsebytes(released.content, headersonly=True)
    assert head["X-Confide-Unscanned"] == "encrypted"
    assert head["X-Confide-Verdict"] == "release"
    assert released.content.endswith(content.partition(b"\r\n\r\n")[2])  # unchanged
    assert [c.copy.kind for c in outbound if c.copy.kind != "release"] == ["notice"]
    inside = Outcome.objects.get(message_id=stored.id, recipient=colleague)
    assert (inside.action, inside.rules[0]) == ("release", "unscannable-internal")
    outside = Outcome.objects.get(message_id=stored.id, recipient=STRANGER)
    assert (outside.action, outside.review_state, outside.rules[0]) == (
        "hold",
        "held",
        "unscannable",
    )
    assert "Chidi" not in " ".join(inside.reasons + outside.reasons)


def test_a_scanned_copy_has_no_unscanned_field(pipeline: Pipeline):
    """Only a copy with parts that could not be read says so."""
    [outbound] = processing.process(pipeline, _received(pipeline))
    head = BytesParser(policy=policy.SMTP).parsebytes(outbound.content, headersonly=True)
    assert head["X-Confide-Unscanned"] is None


def test_a_notice_to_a_sender_outside_the_organisation_says_nothing_of_the_message(
    pipeline: Pipeline,
):
    """A sender on an allowed network may use an outside address: their notice names neither
    the subject nor the reasons, which could disclose what was held and whom the register
    knows."""
    sender = "someone@outside.example"
    content = _referral("Chidi Eze has a child protection plan, NHS number 642 621 2997.")
    content = content.replace(b"Subject: referral", b"Subject: Chidi Eze 642 621 2997")
    fields = {**MESSAGE, "mail_from": sender, "recipients": [STRANGER], "content": content}
    stored = spool.store(pipeline.sealer, **fields, node=pipeline.node)
    outbound = processing.process(
        pipeline, spool.Received(stored.id, sender, [STRANGER], content, 1)
    )
    [notice] = [c for c in outbound if c.copy.kind == "notice"]
    assert [d.recipient for d in notice.deliveries] == [sender]
    text = notice.content.decode()
    assert "Subject: Held for review: your message" in text
    assert REASON_FOR_OUTSIDERS in " ".join(text.split())
    for disclosed in ("Chidi", "2997", "protection", "safeguarding", "NHS"):
        assert disclosed not in text


def test_a_held_message_keeps_whose_each_finding_is(pipeline: Pipeline):
    """The scan record of a held message ties the NHS number to the carer it belongs to, and
    lists her, so that her file finds the item and the manager's page links to her."""
    amina = Subject.objects.create(
        ref="C-1001", kind="carer", display_name="Amina Begum", nhs_number="9434765919"
    )
    SubjectName.objects.create(subject=amina, position=0, name="Amina Begum")
    content = (
        b"From: Priya <priya.sharma@riverside-carers.example.org>\r\n"
        b"To: advice@citizensadvice.example\r\nSubject: referral\r\n\r\n"
        b"Amina Begum's NHS number is 943 476 5919.\r\n"
    )
    message = {**MESSAGE, "recipients": ["advice@citizensadvice.example"], "content": content}
    stored = spool.store(pipeline.sealer, **message, node=pipeline.node)
    received = spool.Received(stored.id, message["mail_from"], message["recipients"], content, 1)
    processing.process(pipeline, received)
    assert Outcome.objects.get(message_id=stored.id).action == "hold"
    kept = ScanRecord.objects.get(message_id=stored.id)
    assert list(kept.subjects.all()) == [amina]
    read = read_scan_record(pipeline.sealer.unseal(bytes(kept.sealed)))
    nhs = [span for s in read.segments for span in s.findings if span.type == "UK_NHS"]
    assert [span.subjects for span in nhs] == [("C-1001",)]


# The headers a hostile tester's message carried: none is needed by the recipient, and each
# names Joseph or Amina, or holds Joseph's NHS number.
TESTERS_HEADERS = (
    'Reply-To: "Joseph Okafor" <joe.okafor@example.net>\r\n'
    'Sender: "Amina Okafor" <amina.okafor@example.org>\r\n'
    "X-Original-To: amina.okafor@example.org\r\n"
    "References: <joseph-okafor-9434765919@riverside.example>\r\n"
)
TESTERS_VALUES = ["joe.okafor", "amina.okafor", "9434765919", "943 476 5919", "joseph-okafor"]


def test_a_redacted_copy_carries_no_header_field_off_the_allow_list(pipeline: Pipeline):
    """The tester's message, redacted by the relay itself for a stranger: the copy goes, and
    neither the addresses in Reply-To, Sender and X-Original-To nor the name and NHS number
    in References go with it."""
    body = "Referral for Joseph Okafor, NHS number 943 476 5919, mobile 07700 900461."
    content = _referral(body).replace(b"Subject:", TESTERS_HEADERS.encode() + b"Subject:")
    [copy] = [c for c in _process_for_stranger(pipeline, content) if c.copy.kind != "notice"]
    assert copy.copy.kind == "redact"
    lowered = copy.content.lower()
    assert [v for v in TESTERS_VALUES if v.encode() in lowered] == []
    assert leaks(pipeline.scanner.scan_message, copy.content, ["Joseph Okafor"]) == []


def test_processing_gives_the_kinds_of_what_could_not_be_read(pipeline: Pipeline):
    """A body with a PGP-encrypted block is processed with the kind "encrypted" for the
    metrics (the fixed word, not the reason); a plain message with none."""
    encrypted = CONTENT + (
        b"-----BEGIN PGP MESSAGE-----\r\nhQEMA8kXl3nZ\r\n-----END PGP MESSAGE-----\r\n"
    )
    stored = spool.store(pipeline.sealer, **{**MESSAGE, "content": encrypted}, node=pipeline.node)
    received = spool.Received(stored.id, MESSAGE["mail_from"], MESSAGE["recipients"], encrypted, 1)
    assert processing.processed(pipeline, received).unscannable == ("encrypted",)
    assert processing.processed(pipeline, _received(pipeline)).unscannable == ()


def test_a_pipeline_warmed_up_has_its_redaction_engine_made_in_its_sandboxed_worker(
    pipeline: Pipeline,
):
    """A scanning worker warms its pipeline up as it starts: presidio's anonymizer (seconds
    to import) is made in its sandboxed worker, which makes the copies, as its first task,
    not inside the first message that redacts."""
    pool = pipeline.scanner.pool
    pool.run_in_worker(redaction_engine.forget, (), 30).result()
    pipeline.warm_up()
    assert pool.run_in_worker(redaction_engine.made, (), 30).result()
