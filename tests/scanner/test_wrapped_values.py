"""Values broken across a line (a mailer's wrap, a quoted reply's "> " lines, an HTML <br>)
or written with other separators between a number's groups are found whole, as written,
and redacted with nothing of them left."""

from __future__ import annotations

import textwrap

import pytest

from scanner.detect.detector import Detector
from scanner.normalise import normalise
from scanner.policy.policy_file import load_policy
from tests.scanner.redaction_pipeline import redact_for_stranger

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
