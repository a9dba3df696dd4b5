"""Values in places of a message that are not its visible text (a link's tel: target, an X-
header field) through a scanning worker's pipeline: no copy takes them to a stranger."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.config import Settings
from gateway.relay import processing, spool
from gateway.relay.delivery import Outbound
from gateway.relay.pipeline import Pipeline
from gateway.scanner_setup import build_scanner

pytestmark = pytest.mark.django_db

INTERNAL = "riverside-carers.example.org"
SENDER = f"priya.sharma@{INTERNAL}"
STRANGER = "someone@elsewhere.example"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    folder: Path = tmp_path_factory.mktemp("pipeline")
    settings = Settings(
        data_dir=folder,
        organisation={"name": "Riverside Carers' Centre", "internal_domains": [INTERNAL]},
        relay={"node": "relay-1", "hostname": f"relay.{INTERNAL}"},
    )
    with build_scanner(extraction_workers=1) as scanner:
        yield Pipeline.from_settings(settings, scanner)


def _process_for_stranger(pipeline: Pipeline, content: bytes) -> list[Outbound]:
    fields = {
        "mail_from": SENDER,
        "recipients": [STRANGER],
        "content": content,
        "client_address": "127.0.0.1",
    }
    stored = spool.store(pipeline.sealer, **fields, node=pipeline.node)
    received = spool.Received(stored.id, SENDER, [STRANGER], content, 1)
    return processing.process(pipeline, received)


def _message(headers: str, html: str) -> bytes:
    return (
        f"From: Priya <{SENDER}>\r\nTo: {STRANGER}\r\nSubject: referral\r\n{headers}"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        f"<html><body>{html}</body></html>\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("headers", "html", "value"),
    [
        pytest.param(
            "",
            '<p>Call Chidi Eze on 07700 900461.</p><a href="tel:+447700900461">call</a>',
            b"447700900461",
            id="tel link beside the visible number",
        ),
        pytest.param(
            "",
            '<p>Chidi Eze</p><a href="https://x.example/f?nhs=6426212997">form</a>',
            b"6426212997",
            id="number only in a link's query",
        ),
        pytest.param(
            "X-Original-Subject: Chidi Eze, NHS 642 621 2997\r\n",
            "<p>Chidi Eze</p>",
            b"642 621 2997",
            id="number only in an X- header",
        ),
    ],
)
def test_no_copy_takes_a_value_from_an_unseen_place_to_a_stranger(
    pipeline: Pipeline, headers: str, html: str, value: bytes
):
    """Whatever each copy is (redacted, or only the held notice), none for the stranger carries
    a value that was only in a link target or a header field."""
    outbound = _process_for_stranger(pipeline, _message(headers, html))
    assert outbound
    for copy in outbound:
        if STRANGER in [d.recipient for d in copy.deliveries]:
            assert value not in copy.content, copy.copy.kind
