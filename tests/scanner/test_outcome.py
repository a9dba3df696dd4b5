"""``plan``: the copies of one scanned item for its recipients, and the holds, with a real
detector, the default policy and the message transforms."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pytest

from scanner.detect.detector import Detector
from scanner.limits import ScanLimits
from scanner.outcome import (
    CANNOT_TRANSFORM,
    REDACTION_CHECK,
    REDACTION_CHECK_REASON,
    LocalCopier,
    MessageTransforms,
    PlannedOutcome,
    plan,
)
from scanner.policy.policy_file import Policy, load_policy
from scanner.removals import Removal
from scanner.transform import DEFAULT_BANNER
from tests.scanner.made_sheets import csv_bytes, workbook_bytes
from tests.scanner.redaction_pipeline import judged, leaks, read_for_net, scan
from tests.scanner.transform.made_files import message, pdf_bytes, raw

COLLEAGUE = "colleague@carers.example"
STRANGERS = ("someone@elsewhere.example", "another@elsewhere.example")
REFERRAL = "Referral for Chidi Eze, NHS number 642 621 2997, mobile 07700 900461."
VALUES = ["642 621 2997", "Chidi Eze", "07700 900461"]
CLIENT_ROWS = [["Surname", "NHS No", "Mobile"], ["Eze", "6426212997", "07700 900461"]]
TRANSFORMS = MessageTransforms(DEFAULT_BANNER, ScanLimits())


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def _plan(
    detector: Detector,
    policy: Policy,
    item: bytes,
    recipients: Sequence[str],
    transforms: MessageTransforms | _LeavesEverything = TRANSFORMS,
) -> PlannedOutcome:
    result = scan(detector, item)
    return plan(
        item,
        result,
        judged(policy, result, recipients),
        policy=policy,
        copier=LocalCopier(transforms, partial(read_for_net, detector)),
        rejudge=partial(judged, policy),
    )


class _LeavesEverything:
    """Transforms whose redaction removes nothing: a first pass that failed unnoticed."""

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        return raw

    def marked(self, raw: bytes) -> bytes:
        return TRANSFORMS.marked(raw)


def test_recipients_whose_copies_are_the_same_share_one(detector: Detector, policy: Policy):
    """Two strangers get the one redacted copy, the colleague the message as it is; each copy
    names the rules that fired for its own recipients."""
    item = raw(message(REFERRAL))
    planned = _plan(detector, policy, item, [STRANGERS[0], COLLEAGUE, STRANGERS[1]])
    redacted, released = planned.copies
    assert (redacted.action, redacted.recipients) == ("redact", STRANGERS)
    assert (released.action, released.recipients) == ("release", (COLLEAGUE,))
    assert released.content == item
    assert leaks(partial(scan, detector), redacted.content, VALUES) == []
    assert released.rules == planned.verdicts[COLLEAGUE].rules == ("internal-recipient",)
    assert redacted.rules == planned.verdicts[STRANGERS[0]].rules
    assert "internal-recipient" not in redacted.rules
    assert planned.held == {}


def test_a_copy_that_cannot_be_made_is_a_hold(detector: Detector, policy: Policy):
    """The values are in a PDF, which redaction cannot rewrite: the stranger is held with the
    transform's reason (rule ``cannot-transform``); the colleague's copy is still made."""
    attached = (pdf_bytes(REFERRAL), "application", "pdf", "referral.pdf")
    item = raw(message("Please see the attached referral.", attachments=(attached,)))
    planned = _plan(detector, policy, item, [STRANGERS[0], COLLEAGUE])
    [released] = planned.copies
    assert released.recipients == (COLLEAGUE,)
    held = planned.held[STRANGERS[0]]
    assert held.rules[-1] == CANNOT_TRANSFORM
    assert "PDF" in held.reasons[-1]
    assert list(planned.held) == [STRANGERS[0]]


@pytest.mark.parametrize(
    ("data", "subtype", "filename"),
    [
        (workbook_bytes({"Clients": CLIENT_ROWS}), "octet-stream", "clients.xlsx"),
        (csv_bytes(CLIENT_ROWS * 3), "csv", "clients.csv"),
    ],
)
def test_a_spreadsheet_or_csv_to_redact_is_held(
    detector: Detector, policy: Policy, data: bytes, subtype: str, filename: str
):
    """A client list attached as a workbook or a CSV file, whose stranger's copy would need
    redacting, holds the stranger (rule ``cannot-transform``): workbooks and CSV files are
    not rewritten; the colleague's copy is still made."""
    maintype = "text" if subtype == "csv" else "application"
    attached = (data, maintype, subtype, filename)
    item = raw(message("Please see the attached list.", attachments=(attached,)))
    planned = _plan(detector, policy, item, [STRANGERS[0], COLLEAGUE])
    [released] = planned.copies
    assert released.recipients == (COLLEAGUE,)
    held = planned.held[STRANGERS[0]]
    assert held.rules[-1] == CANNOT_TRANSFORM
    assert filename in held.reasons[-1]


def test_the_safety_net_holds_a_redacted_copy_that_still_discloses(
    detector: Detector, policy: Policy
):
    """The finished redacted copy is scanned and judged again as if it had just arrived: when
    the first pass left the values in, the strangers are held (rule ``redaction-check``)
    and no copy is made for them."""
    item = raw(message(REFERRAL))
    recipients = [*STRANGERS, COLLEAGUE]
    first = judged(policy, scan(detector, item), recipients)
    planned = _plan(detector, policy, item, recipients, _LeavesEverything())
    assert [c.recipients for c in planned.copies] == [(COLLEAGUE,)]
    assert list(planned.held) == list(STRANGERS)
    for address, verdict in planned.held.items():
        assert first[address].action == "redact"
        assert verdict.rules == (*first[address].rules, REDACTION_CHECK)
        assert verdict.reasons == (*first[address].reasons, REDACTION_CHECK_REASON)


class _LeavesAField:
    """Transforms whose redaction is right but for one header field it adds back, as a first
    pass that kept a field it never read would."""

    def __init__(self, field: bytes) -> None:
        self.field = field

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        return self.field + b"\r\n" + TRANSFORMS.redacted(raw, removals)

    def marked(self, raw: bytes) -> bytes:
        return TRANSFORMS.marked(raw)


@pytest.mark.parametrize(
    "field",
    [
        b"References: <chidi-eze-6426212997@riverside.example>",
        b"X-Original-To: Chidi Eze <chidi.eze@mailbox.example>",
        b'Reply-To: "Chidi Eze" <chidi.eze@mailbox.example>',
        b"X-Patient: =?utf-8?q?642_621_2997?=",
        b"Message-ID: <nhs-642-621-2997@riverside.example>",
        # The copy's own To, read by the net for its display names: not as "the envelope".
        b'To: "Chidi Eze NHS 642 621 2997" <someone@elsewhere.example>',
        b'Cc: "Mr Eze, mobile 07700 900461" <another@elsewhere.example>',
    ],
)
def test_the_safety_net_reads_every_header_field_of_the_copy(
    detector: Detector, policy: Policy, field: bytes
):
    """A value left in any header field of a redacted copy, one a scan reads or not (ids,
    trace fields, addresses, RFC 2047 words), makes the net hold the strangers."""
    item = raw(message(REFERRAL))
    planned = _plan(detector, policy, item, [*STRANGERS, COLLEAGUE], _LeavesAField(field))
    assert [c.recipients for c in planned.copies] == [(COLLEAGUE,)]
    assert list(planned.held) == list(STRANGERS)
    assert all(v.rules[-1] == REDACTION_CHECK for v in planned.held.values())


def test_the_net_passes_a_redacted_copy_with_a_plain_header(detector: Detector, policy: Policy):
    """A redacted copy whose header holds only what the allow-list keeps (a sender and
    recipients with names, in two Cc fields, a date, confide's own ids) is not held by the
    net's reading of it."""
    built = message(REFERRAL)
    built.replace_header("From", "Grace Mwangi <grace.mwangi@carers.example>")
    built.replace_header("To", "Daniel Hughes <someone@elsewhere.example>")
    built["Cc"] = "Fatima Khan <another@elsewhere.example>, colleague@carers.example"
    built["Date"] = "Wed, 02 Dec 2026 04:58:34 +0000"
    built.add_attachment("Minutes of the meeting.", filename="minutes.txt")
    # Two Cc fields, as some mail programs write: one list of addresses to the net as well.
    item = raw(built).replace(b"\r\nCc:", b"\r\nCC: Tomasz Nowak <third@elsewhere.example>\r\nCc:")
    planned = _plan(detector, policy, item, [*STRANGERS, COLLEAGUE])
    assert not planned.held
