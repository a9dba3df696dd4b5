"""What the relay records of the policy for each recipient: the rules that fired and, as
Mailman records its misses, the rules read that did not."""

import pytest

from gateway.relay import processing, spool
from gateway.relay.models import Outcome
from tests.gateway.relay.conftest import PIPELINE_INTERNAL_DOMAIN

pytestmark = pytest.mark.django_db

SENDER = f"priya.sharma@{PIPELINE_INTERNAL_DOMAIN}"
COLLEAGUE = f"colleague@{PIPELINE_INTERNAL_DOMAIN}"
STRANGER = "someone@elsewhere.example"
CONTENT = (
    f"From: Priya <{SENDER}>\r\nTo: {STRANGER}\r\nSubject: boiler\r\n\r\n".encode()
    + b"Please call John Doe on 07700 900999 about the boiler.\r\n"
)


def test_each_outcome_records_the_rules_that_fired_and_those_that_did_not(
    pipeline: processing.Pipeline,
):
    """The colleague's outcome names internal-recipient as fired and the two rules read
    before it as not; the stranger's names every rule either way, none twice."""
    recipients = [COLLEAGUE, STRANGER]
    stored = spool.store(
        pipeline.sealer,
        mail_from=SENDER,
        recipients=recipients,
        content=CONTENT,
        client_address="127.0.0.1",
        node=pipeline.node,
    )
    processing.process(pipeline, spool.Received(stored.id, SENDER, recipients, CONTENT, 1))
    inside = Outcome.objects.get(message_id=stored.id, recipient=COLLEAGUE)
    assert (inside.rules, inside.not_fired) == (
        ["internal-recipient"],
        ["unscannable-internal", "unscannable"],
    )
    outside = Outcome.objects.get(message_id=stored.id, recipient=STRANGER)
    assert outside.rules == ["unlinked-identifiers"]
    every_rule = [rule.id for rule in pipeline.policy.rules]
    assert outside.not_fired == [r for r in every_rule if r != "unlinked-identifiers"]
