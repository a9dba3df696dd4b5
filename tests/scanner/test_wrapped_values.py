"""Values broken across a line (a mailer's wrap, a quoted reply's "> " lines, an HTML <br>)
or written with other separators between a number's groups are found whole, as written,
and redacted with nothing of them left; and the safety net finds a wrapped value that the
first pass did not, on its own reading."""

from __future__ import annotations

import textwrap
from functools import partial

import pytest

from scanner.detect._copy_reading import LeftValues
from scanner.detect.detector import Detector
from scanner.extract import extract
from scanner.filetype import FileType
from scanner.findings import LEFT_IN_COPY, Finding
from scanner.limits import ScanLimits
from scanner.normalise import normalise
from scanner.outcome import REDACTION_CHECK, LocalCopier, MessageTransforms, plan
from scanner.policy.policy_file import load_policy
from scanner.removals import removals
from scanner.transform import DEFAULT_BANNER
from tests.scanner.redaction_pipeline import (
    STRANGER,
    judged,
    read_for_net,
    redact_for_stranger,
    scan,
)
from tests.scanner.transform.made_files import message, raw

pytestmark = pytest.mark.slow

HEAD = "From: grace.mwangi@carers.example\r\nTo: someone@elsewhere.example\r\nSubject: x\r\n"
REFERRAL = (
    "Hi Sam, following our call today I am referring Mrs Harriet Blenkinsop to your service; "
    "she can be reached on 07700 900999 most mornings and her NHS number is 401 023 2137 if "
    "you need to check records. Her address is 4 Elm Grove, Leeds LS7 3QP. Thanks, Priya"
)
QUOTED = (
    "See below.\r\n\r\n> Harriet Blenkinsop's NHS number is 401 023\r\n> 2137, mobile 07700\r\n"
    "> 900999.\r\n"
)


def _wrapped(width: int) -> str:
    return "\r\n".join(textwrap.wrap(REFERRAL, width)) + "\r\n"


@pytest.mark.parametrize(
    ("text", "kind", "written"),
    [
        pytest.param(QUOTED, "UK_NHS", "401 023\r\n> 2137", id="quoted NHS number"),
        pytest.param(QUOTED, "PHONE_NUMBER", "07700\r\n> 900999", id="quoted phone"),
        pytest.param(
            "Please ring Harriet Blenkinsop on 07700\r\n900999 today.\r\n",
            "PHONE_NUMBER",
            "07700\r\n900999",
            id="wrapped phone",
        ),
        pytest.param(
            "> > Ring Harriet on 07700\r\n> > 900999 please.\r\n",
            "PHONE_NUMBER",
            "07700\r\n> > 900999",
            id="quoted twice",
        ),
        pytest.param(
            "Harriet Blenkinsop has moved, she lives in Leeds LS9\r\n6AB now.",
            "UK_POSTCODE",
            "LS9\r\n6AB",
            id="postcode",
        ),
        pytest.param(_wrapped(66), "PERSON", "Harriet\r\nBlenkinsop", id="name wrapped at 66"),
        pytest.param(_wrapped(60), "PHONE_NUMBER", "07700\r\n900999", id="phone wrapped at 60"),
        pytest.param(
            "Ring Harriet\nBlenkinsop on 07700\n900999. Leeds LS7\n3QP",
            "PERSON",
            "Harriet\nBlenkinsop",
            id="name over a br",
        ),
        *(
            pytest.param(
                f"Harriet Blenkinsop, mobile 07700{s}900{s}999, NHS 401{s}023{s}2137, "
                f"NI JC{s}48{s}29{s}17{s}B.",
                kind,
                value.replace(" ", s),
                id=f"{kind} with {name}",
            )
            for s, name in [
                ("’", "right quote"),
                ("·", "middle dot"),
                ("_", "underscore"),
                ("/", "slash"),
                ("'", "apostrophe"),
            ]
            for kind, value in [
                ("PHONE_NUMBER", "07700 900 999"),
                ("UK_NHS", "401 023 2137"),
                ("UK_NINO", "JC 48 29 17 B"),
            ]
            if (kind, s) != ("UK_NHS", "/")  # found with its slashes before
        ),
        pytest.param(
            "Harriet Blenkinsop, mobile 07700/900999 after six.",
            "PHONE_NUMBER",
            "07700/900999",
            id="phone with one slash",
        ),
    ],
)
def test_a_broken_value_is_found_whole_as_written(
    detector: Detector, text: str, kind: str, written: str
) -> None:
    """A value broken by a line end or a separator is found, and its finding covers the whole
    value in the text as written, both pieces and what stands between them."""
    segment = normalise(text, "body")
    where = text.index(written)
    spans = [
        segment.to_source(s.start, s.end) for s in detector.find(segment.text) if s.type == kind
    ]
    assert any(start <= where and where + len(written) <= end for start, end in spans), spans


@pytest.mark.parametrize(
    ("body", "content_type", "pieces"),
    [
        pytest.param(QUOTED, "text/plain", ["2137", "900999"], id="quoted reply"),
        pytest.param(
            _wrapped(66), "text/plain", ["Blenkinsop", "900999", "2137", "3QP"], id="wrap at 66"
        ),
        pytest.param(
            "<html><body><p>Ring Harriet<br>Blenkinsop on 07700<br>900999. NHS 401 023<br>2137."
            " Leeds LS7<br>3QP</p></body></html>",
            "text/html",
            ["Blenkinsop", "900999", "2137", "3QP"],
            id="html br",
        ),
    ],
)
def test_a_redacted_copy_keeps_no_piece_of_a_wrapped_value(
    detector: Detector, body: str, content_type: str, pieces: list[str]
) -> None:
    """The stranger's redacted copy holds neither piece of a value broken across a line."""
    item = f"{HEAD}MIME-Version: 1.0\r\nContent-Type: {content_type}; charset=utf-8\r\n\r\n{body}"
    copy = redact_for_stranger(detector, load_policy(), item.encode()).decode()
    assert [piece for piece in pieces if piece in copy] == []


def test_the_net_finds_a_removed_number_wrapped_in_a_quote() -> None:
    """A removed number left in a copy wrapped over quoted lines ("07700" / "> > 900999") is
    found by the net's search for removed values, whatever prefixes stand between."""
    finding = Finding(0, 0, 12, "PHONE_NUMBER", 0.7, "uk_phone_number")
    left = LeftValues([("07700 900999", finding)])
    text = "> > ring her on 07700\n> >  900999 after six"
    assert [(text[s:e], f.type) for s, e, f in left.spans(text, [])] == [
        ("7700\n> >  900999", "PHONE_NUMBER")
    ]


def test_the_net_holds_a_wrapped_number_the_first_pass_kept_apart(detector: Detector) -> None:
    """A phone number wrapped where the first pass reads the line break as structure (its
    second piece before a capitalised word, as a house number stands before its street) is
    found by the net's own reading of the copy's lines joined, and the stranger is held."""
    item = raw(message("Referral for Chidi Eze, NHS 642 621 2997. Ring 07700\n900461 Tuesdays."))
    first = scan(detector, item)
    assert "PHONE_NUMBER" not in {f.type for f in first.findings}
    transforms = MessageTransforms(DEFAULT_BANNER, ScanLimits())
    gone = removals(first.extraction, first.findings, lambda finding: finding.type.lower())
    copy = extract(transforms.redacted(item, gone), ScanLimits(), kind=FileType.EMAIL)
    found = detector.scan(copy, (first.extraction, first.findings), gone)
    assert ("PHONE_NUMBER", LEFT_IN_COPY) in {(f.type, f.recognizer) for f in found}
    policy = load_policy()
    planned = plan(
        item,
        first,
        judged(policy, first, [STRANGER]),
        policy=policy,
        copier=LocalCopier(transforms, partial(read_for_net, detector)),  # type: ignore[arg-type]
        rejudge=partial(judged, policy),
    )
    assert planned.copies == ()
    assert planned.verdicts[STRANGER].rules[-1] == REDACTION_CHECK
