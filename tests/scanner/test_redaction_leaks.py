"""Redacted copies leave nothing behind: values in disguise, values inside other values and
values spread by extra spaces are removed whole, in plain text, HTML and Word documents."""

from __future__ import annotations

import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.detect.engine import Detector
from scanner.policy.rules import Policy, load_policy
from tests.scanner.redaction_pipeline import SENDER, STRANGER, leaks, redact_for_stranger
from tests.scanner.transform.made_files import docx_bytes, message, raw

pytestmark = pytest.mark.slow

NAME = "Chidi Eze"
NHS = "642 621 2997"
PHONE = "07700 900461"
EMAIL = "chidi.eze@mailbox.example"
POSTCODE = "LS9 6AB"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def _as_text(body: str) -> bytes:
    return raw(message(body))


def _as_html(body: str) -> bytes:
    built = message("See the HTML part.", html=f"<p>{html.escape(body)}</p>")
    return raw(built)


_DOCX = "vnd.openxmlformats-officedocument.wordprocessingml.document"


def _as_docx(body: str) -> bytes:
    attached = ((docx_bytes(body), "application", _DOCX, "referral.docx"),)
    return raw(message("Referral attached.", attachments=attached))


def _from_grace(data: bytes) -> bytes:
    """The message as Grace sends it to the stranger."""
    return data.replace(b"jane@example.org", SENDER.encode()).replace(
        b"agency@agency.example", STRANGER.encode()
    )


FORMS = {"text": _as_text, "html": _as_html, "docx": _as_docx}
CASES = {
    "zero-width space after a label": (
        f"Copied from Teams:\u200b\nNHS number {NHS}, {NAME}, {PHONE}.",
        [NHS, NAME, PHONE],
    ),
    "a name inside an email address": (
        f"Referral for {NAME}, NHS number {NHS}, mobile {PHONE}, email {EMAIL}.",
        [NHS, NAME, PHONE, EMAIL, "chidi.eze"],
    ),
    "double spaces everywhere": (
        f"Referral  for  {NAME.replace(' ', '  ')},  NHS  number  {NHS.replace(' ', '  ')},"
        f"  mobile  {PHONE.replace(' ', '  ')},  email  {EMAIL}.",
        [NHS, NAME, PHONE, EMAIL],
    ),
    "tabs and spaces inside values": (
        "Referral for Chidi \t Eze, NHS number 642 \t621  2997, mobile 07700 \t 900461.",
        [NHS, NAME, PHONE],
    ),
    "a postcode inside an address": (
        f"{NAME} lives at 12 Example Street, Leeds {POSTCODE}; NHS number {NHS}.",
        [NAME, POSTCODE, "12 Example Street", NHS],
    ),
    "a phone inside a longer number string": (
        f"{NAME}, NHS number {NHS}, ref 4407700900461 and mobile {PHONE}.",
        [NAME, NHS, PHONE],
    ),
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", CASES)
def test_redacted_copy_holds_none_of_the_values(
    detector: Detector, policy: Policy, case: str, form: str
) -> None:
    """Each value goes whole, whatever surrounds it, in each form a message carries text."""
    body, values = CASES[case]
    data = _from_grace(FORMS[form](body))
    copy = redact_for_stranger(detector, policy, data)
    assert leaks(detector, copy, values) == []


# Disguises a sender's software (or a sender) puts into text; each is undone by normalisation.
DISGUISES = {
    "zero-width space": lambda s: "\u200b",
    "soft hyphen": lambda s: "\u00ad",
    "word joiner": lambda s: "\u2060",
    "no-break space for a space": lambda s: "\u00a0" if s == " " else None,
    "run of spaces for a space": lambda s: "   " if s == " " else None,
    "tab for a space": lambda s: " \t " if s == " " else None,
    "full-width digit": lambda s: chr(ord(s) + 0xFEE0) if s.isdigit() else None,
    "combining accent": lambda s: s + "\u0301" if s.isalpha() else None,
}
VALUES = [NAME, NHS, PHONE, EMAIL, POSTCODE]


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A referral with each value disguised at a drawn place: before, inside or after it."""
    pieces = []
    for value in VALUES:
        name = draw(st.sampled_from(sorted(DISGUISES)))
        where = draw(st.integers(min_value=0, max_value=len(value)))
        target = value[where - 1] if where else ""
        made = DISGUISES[name](target) if target else DISGUISES[name](" ")
        if made is None:
            pieces.append(value)
        elif target and made.startswith(target):  # a mark that follows its character
            pieces.append(value[:where] + made[len(target) :] + value[where:])
        elif target and name in {"full-width digit", "no-break space for a space",
                                 "run of spaces for a space", "tab for a space"}:  # fmt: skip
            pieces.append(value[: where - 1] + made + value[where:])
        else:
            pieces.append(value[:where] + made + value[where:])
    name, nhs, phone, email, postcode = pieces
    body = (
        f"Referral for {name}, NHS number {nhs}, mobile {phone}, email {email}, "
        f"postcode {postcode}. Please call back."
    )
    return body, VALUES


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=disguised(), form=st.sampled_from(sorted(FORMS)))
def test_no_disguise_lets_a_value_through(
    detector: Detector, policy: Policy, case: tuple[str, list[str]], form: str
) -> None:
    """Zero-width characters, soft hyphens, no-break spaces, runs of spaces and tabs,
    full-width digits and combining accents before, inside or after any value never leave
    that value in the redacted copy in any form detection would find."""
    body, values = case
    data = _from_grace(FORMS[form](body))
    copy = redact_for_stranger(detector, policy, data)
    assert leaks(detector, copy, values) == []
