"""The safety net's reading of a redacted copy (``scanner.detect._copy_reading``): broken
redactions it must still catch, what it no longer holds, and the detector's own reading of
a copy's identifiers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import pytest

from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.outcome import (
    REDACTION_CHECK,
    LocalCopier,
    MessageTransforms,
    PlannedOutcome,
    plan,
)
from scanner.policy.policy_file import Policy, load_policy
from scanner.removals import Removal, removals
from scanner.transform import DEFAULT_BANNER
from tests.scanner.redaction_pipeline import STRANGER, judged, read_for_net, scan
from tests.scanner.transform.made_files import message, raw

pytestmark = pytest.mark.slow

REFERRAL = "Referral for Chidi Eze, NHS number 642 621 2997, mobile 07700 900461. Thanks."
TRANSFORMS = MessageTransforms(DEFAULT_BANNER, ScanLimits())


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


@dataclass(frozen=True)
class _Breaks:
    """The relay's redaction, then ``edit`` on the finished copy: a first pass that went
    wrong in one way."""

    edit: Callable[[bytes], bytes]

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        made = TRANSFORMS.redacted(raw, removals)
        broken = self.edit(made)
        assert broken != made, "the edit found nothing to break"
        return broken

    def marked(self, raw: bytes) -> bytes:
        return TRANSFORMS.marked(raw)


def _planned(
    detector: Detector, policy: Policy, item: bytes, transforms: object = TRANSFORMS
) -> PlannedOutcome:
    result = scan(detector, item)
    verdicts = judged(policy, result, [STRANGER])
    assert verdicts[STRANGER].action == "redact", verdicts[STRANGER].rules
    return plan(
        item,
        result,
        verdicts,
        policy=policy,
        copier=LocalCopier(transforms, partial(read_for_net, detector)),  # type: ignore[arg-type]
        rejudge=partial(judged, policy),
    )


def _swap(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    return lambda copy: copy.replace(old, new, 1)


BROKEN = {
    "a name cut at the wrong offsets": _swap(b"[name removed]", b"Chidi E[name removed]"),
    "a number cut at the wrong offsets": _swap(
        b"[NHS number removed]", b"642 62[NHS number removed]"
    ),
    "a number left inside a longer run": _swap(b"Thanks.", b"Thanks. Ref nhs6426212997x."),
    "a name left with other punctuation": _swap(b"Thanks.", b"Thanks, CHIDI-EZE."),
    "a name left in an address": _swap(b"Thanks.", b"Thanks. Reply to chidi.eze@mailbox.example"),
    "a phone number left in its international form": _swap(b"Thanks.", b"Or +44 7700 900461."),
    "a name left in a header field": lambda copy: b"Content-Description: chidi eze\r\n" + copy,
    "a name written over the placeholder's neighbour": _swap(
        b"Referral for [name removed]", b"[name removed] for Chidi Eze"
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_the_net_holds_a_copy_redacted_wrongly(detector: Detector, policy: Policy, case: str):
    """Each way a finished copy can still hold a removed value (cut short, left in a form or
    place the transform missed) holds the stranger (rule ``redaction-check``)."""
    item = raw(message(REFERRAL))
    planned = _planned(detector, policy, item, _Breaks(BROKEN[case]))
    assert planned.copies == ()
    assert planned.verdicts[STRANGER].rules[-1] == REDACTION_CHECK


def test_the_net_holds_a_value_left_in_an_html_entity(detector: Detector, policy: Policy):
    """A name left in the HTML alternative written with character references is read as the
    name it shows."""
    item = raw(message(REFERRAL, html=f"<p>{REFERRAL}</p>"))
    edit = _swap(b"<p>Referral for [name removed]", b"<p>Referral for Chidi&#32;Eze")
    planned = _planned(detector, policy, item, _Breaks(edit))
    assert planned.copies == ()
    assert planned.verdicts[STRANGER].rules[-1] == REDACTION_CHECK


@pytest.mark.parametrize(
    "attribute",
    [
        b'data-client="chidi-eze"',
        b'aria-label="CHIDI EZE"',
        b'style="background:url(x?n=Chidi+Eze)"',
    ],
)
def test_the_net_holds_a_value_left_in_an_html_attribute(
    detector: Detector, policy: Policy, attribute: bytes
):
    """A name left in an attribute of the HTML alternative (data-*, aria-label, a style's
    url()), however its words are joined, is read by the net."""
    item = raw(message(REFERRAL, html=f"<p>{REFERRAL}</p>"))
    edit = _swap(
        b"<p>Referral for [name removed]", b"<p " + attribute + b">Referral for [name removed]"
    )
    planned = _planned(detector, policy, item, _Breaks(edit))
    assert planned.copies == ()
    assert planned.verdicts[STRANGER].rules[-1] == REDACTION_CHECK


def test_a_redacted_copy_done_right_goes(detector: Detector, policy: Policy):
    """The relay's own redaction of a referral passes the net: the stranger gets the copy."""
    planned = _planned(detector, policy, raw(message(REFERRAL)))
    (copy,) = planned.copies
    assert copy.recipients == (STRANGER,)
    assert b"Chidi" not in copy.content


@pytest.mark.parametrize(
    "table",
    [
        "child_name,dob,booked_on,parent_mobile\nChidi Eze,14/02/14,21/10/24,07700 900461\n"
        "Ada Obi,03/09/15,22/10/24,07700 900462\n",
        "Name\tDOB\tBooked\nChidi Eze\t14/02/2014\t21/10/2024\nAda Obi\t03/09/2015\t22/10/2024\n",
    ],
)
def test_a_date_beside_a_removed_date_of_birth_is_not_taken_for_one(
    detector: Detector, policy: Policy, table: str
):
    """A booking date beside the placeholder of a removed date of birth is not read as a date
    of birth (the placeholder's words are no context): the redacted copy goes."""
    planned = _planned(detector, policy, raw(message(f"Half-term bookings\n{table}")))
    (copy,) = planned.copies
    assert copy.recipients == (STRANGER,)
    assert b"21/10/2" in copy.content


def test_the_net_reads_an_identifier_the_first_pass_did_not_give(detector: Detector):
    """A number in a changed part that the findings handed to the net lack (a first pass that
    missed it) is found by the net's own patterns, which send that part to the model."""
    item = raw(message(REFERRAL))
    first = scan(detector, item)
    nhs = [f for f in first.findings if f.type == "UK_NHS"]
    assert nhs
    missed = [f for f in first.findings if f.type != "UK_NHS"]
    gone = removals(first.extraction, missed, lambda finding: finding.type.lower())
    copy = extract(TRANSFORMS.redacted(item, gone), ScanLimits(), kind=FileType.EMAIL)
    found = detector.scan(copy, (first.extraction, missed), gone)
    assert "UK_NHS" in {finding.type for finding in found}


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("NHS 642 621 2997, ring 07700 900461", {"UK_NHS", "PHONE_NUMBER"}),
        ("write to chidi.eze@mailbox.example, LS8 4EX", {"EMAIL_ADDRESS", "UK_POSTCODE"}),
        ("Chidi Eze, born 14/02/1950, lives at 3 Mill Lane", set()),
    ],
)
def test_the_detector_reads_identifiers_without_the_model(
    detector: Detector, text: str, types: set[str]
):
    """``identifiers`` finds the numbers and addresses that patterns recognise alone, and no
    names, dates of birth or street addresses."""
    (spans,) = detector.identifiers([text])
    assert {span.type for span in spans} == types


def test_a_part_of_a_removed_value_left_in_a_changed_part_is_read_afresh(detector: Detector):
    """A copy that keeps part of a removed name apart from its placeholder ("Chidi [name
    removed]") is not the original less what had to go: that part is read by the model,
    which finds the name there."""
    item = raw(message(REFERRAL))
    first = scan(detector, item)
    gone = removals(first.extraction, first.findings, lambda finding: finding.type.lower())
    made = TRANSFORMS.redacted(item, gone).replace(
        b"for [person removed]", b"for Chidi [person removed]"
    )
    copy = extract(made, ScanLimits(), kind=FileType.EMAIL)
    found = detector.scan(copy, (first.extraction, first.findings), gone)
    body = next(i for i, s in enumerate(copy.segments) if s.location.startswith("body"))
    text = copy.segments[body].text
    assert "Chidi [person removed]" in text
    names = [
        text[slice(*copy.segments[body].from_source(f.start, f.end))]
        for f in found
        if f.segment == body and f.type == "PERSON"
    ]
    assert "Chidi" in names
