"""The display names of a message's address fields are content, as the body is: only a
correspondent's own name is no disclosure (the hostile relay tests' findings 01 to 04c)."""

from __future__ import annotations

import pytest

from scanner.detect.detector import Detector
from scanner.policy.policy_file import Policy
from scanner.transform import TransformError
from tests.scanner.policy.conftest import INTERNAL, STRANGER, Check, actions
from tests.scanner.redaction_pipeline import redact_for_stranger

AMINA = "amina.okafor@example.com"  # C-1042's recorded address


def _message(*fields: str, body: str = "See you on Thursday.") -> bytes:
    header = [f"From: Grace Mwangi <{INTERNAL}>", "Subject: hello", *fields]
    if not any(f.startswith("To:") for f in header):
        header.append(f"To: {STRANGER}")
    return ("\r\n".join(header) + "\r\n\r\n" + body + "\r\n").encode()


@pytest.mark.parametrize(
    "field",
    [
        f'To: "Hodan Warsame (NHS 157 368 1938, dementia)" <{STRANGER}>',
        f'To: {STRANGER}\r\nCc: "Amina Okafor QQ123456C 07700900123" <colleague@carers.example>',
        f"To: {STRANGER}\r\nReply-To: Hodan Warsame <{AMINA}>",
        f'To: {STRANGER}\r\nReply-To: "Amina Okafor" <someone.else@elsewhere.example>',
    ],
    ids=["nhs-and-health-in-to", "ni-and-phone-in-cc", "name-on-carers-address", "name-alone"],
)
def test_a_known_persons_data_in_a_display_name_is_held(check: Check, field: str):
    """A registered person's name and details in a display name hold the stranger's copy,
    as they would in the body: so does their name alone, on an address not theirs and sent
    to nobody of theirs (it names them to every recipient)."""
    assert actions(check(_message(field), STRANGER)) == {STRANGER: "hold"}


@pytest.mark.parametrize("name", ["Reply-To", "Sender", "From", "Bcc"])
def test_an_unregistered_persons_number_in_a_display_name_is_redacted(check: Check, name: str):
    """An NHS number in any address field's display name is someone's data: redacted for a
    stranger as in the body."""
    field = f'{name}: "Margaret Hughes NHS 415 294 6199" <margaret.hughes77@gmail.example>'
    message = _message(field)
    if name == "From":
        message = message.replace(f"From: Grace Mwangi <{INTERNAL}>\r\n".encode(), b"", 1)
    verdict = check(message, STRANGER)[STRANGER]
    assert verdict.action == "redact"
    assert {"UK_NHS", "PERSON"} <= {f.type for f in verdict.redactions}


def test_correspondents_own_names_are_not_a_disclosure(check: Check):
    """Names alone on the addresses of recipients, of the sender, of the organisation's own
    people, and a registered person's name on their own address sent to them, release."""
    message = _message(
        f"To: Jo Bloggs <jo@agency.example>, Amina Okafor <{AMINA}>",
        f"Cc: Grace Mwangi <{INTERNAL}>",
        f"Reply-To: Grace Mwangi <{INTERNAL}>",
        body="See you on Thursday.\r\n\r\nKind regards,\r\nGrace Mwangi\r\n0113 496 0101",
    )
    assert actions(check(message, "jo@agency.example", AMINA)) == {
        "jo@agency.example": "release",
        AMINA: "release",
    }


def test_a_from_display_name_with_a_number_is_no_name_of_the_senders(check: Check):
    """A From display name holding someone's NHS number is not a name the sender goes by: the
    name in it is not taken for the sender's in the body."""
    message = _message(body="Margaret Hughes's mobile is 07700 900777.").replace(
        b"From: Grace Mwangi", b'From: "Margaret Hughes NHS 415 294 6199"', 1
    )
    verdict = check(message, STRANGER)[STRANGER]
    assert verdict.action == "redact"
    names = [f for f in verdict.redactions if f.type == "PERSON"]
    assert len(names) == 2  # in From and in the body


@pytest.mark.parametrize(
    "field",
    [
        f"To: {STRANGER} (Margaret Hughes NHS 415 294 6199)",
        'Reply-To: "Jo" <jo@agency.example> (NHS 415 294 6199)',
    ],
)
def test_a_comment_in_an_address_field_is_read_and_redacted(
    detector: Detector, policy: Policy, field: str
):
    """An address field's comment, which the header parser drops, is read as a display name
    is: the number in it is to be redacted, and no redacted copy carries it (one the
    redaction cannot rewrite it out of is refused, so the stranger is held)."""
    message = _message(field)
    try:
        copy = redact_for_stranger(detector, policy, message)
    except TransformError:
        return
    assert b"6199" not in copy
