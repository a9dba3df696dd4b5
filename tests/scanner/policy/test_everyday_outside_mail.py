"""Everyday mail to people outside (the first-day tester's Outlook messages): the names and
addresses of the people a message is visibly written to, and the organisation's published
contacts, do not by themselves redact or hold it; data about those people still does."""

from __future__ import annotations

import email.policy
from collections.abc import Callable
from email.message import EmailMessage

import pytest

from scanner.attribution import Sender
from scanner.consent import MemoryConsentBook
from scanner.detect.detector import Detector
from scanner.detect.recognizers_file import load_recognizers
from scanner.extract import extract
from scanner.filetype import FileType
from scanner.judging import MatcherCache, Organisation, judge
from scanner.limits import ScanLimits
from scanner.policy.policy_file import Policy
from scanner.policy.verdicts import Verdict
from scanner.scanning import ScanResult
from tests.outlook_mail import OFFICE, PUBLISHED, QUOTED_REPLY, SAM, SENDER, outlook_message
from tests.scanner.policy.conftest import NOW, actions

AGENCY = "duty@agency.example"
Judge = Callable[..., dict[str, Verdict]]


@pytest.fixture(scope="module")
def judged(policy: Policy) -> Judge:
    """Verdicts for raw message bytes Priya sends, read as the relay reads them, with the
    charity's published contacts and an empty register."""
    detector = Detector(load_recognizers(), allow_list=PUBLISHED)
    book = MemoryConsentBook([], [])

    def run(raw: bytes, *recipients: str) -> dict[str, Verdict]:
        extraction = extract(raw, ScanLimits(), kind=FileType.EMAIL)
        findings = tuple(detector.scan(extraction))
        return judge(
            ScanResult(extraction, findings, detector.owners(extraction, findings)),
            recipients,
            sender=Sender(SENDER),
            policy=policy,
            book=book,
            matcher=MatcherCache().get(book),
            organisation=Organisation(("riverside-carers.example.org",)),
            at=NOW,
        )

    return run


def _plain(to: str, body: str, cc: str = "") -> bytes:
    """A plain message from Priya, with CRLF line endings as SMTP carries it."""
    fields = [f"From: Priya Sharma <{SENDER}>", f"To: {to}", "Subject: Tuesday"]
    fields += [f"Cc: {cc}"] if cc else []
    return ("\r\n".join([*fields, "", *body.split("\n")]) + "\r\n").encode()


def test_an_outlook_message_reads_alike_with_either_line_ending(judged: Judge):
    """The Outlook message to Sam naming a colleague, Priya's mobile in her signature after
    "Kind regards,": released whether its lines end in CRLF, as the relay gets it, or LF, as
    it was saved to a file (with CRLF the sign-off was missed, and the mobile and the name
    were redacted)."""
    lines = ("Hi Sam,", "", "Jo Bloggs will bring the leaflets.")
    crlf = outlook_message(lines=lines).replace(b"0113 496 0000", b"07700 900111")
    assert b"07700 900111" in crlf
    lf = crlf.replace(b"\r\n", b"\n")
    assert actions(judged(crlf, SAM)) == actions(judged(lf, SAM)) == {SAM: "release"}


@pytest.mark.parametrize(
    "address",
    [OFFICE, OFFICE.replace(",", ""), OFFICE.replace(", ", "\n"), "LS1 4AP"],
    ids=["as listed", "no commas", "over lines", "postcode alone"],
)
def test_the_office_address_beside_a_name_is_released(judged: Judge, address: str):
    """The office's published address in the body, beside a colleague's name, however it is
    written: nothing to remove."""
    body = f"Hi Sam,\n\nJo Bloggs will meet you at our office:\n{address}\n"
    assert actions(judged(_plain(f"Sam Green <{SAM}>", body), SAM)) == {SAM: "release"}


def test_another_address_beside_a_name_is_still_redacted(judged: Judge):
    """Someone's home address beside their name, in the same street as the office, goes."""
    body = "Hi Sam,\n\nJo Bloggs lives at 2 River Street, Leeds LS1 4AQ.\n"
    verdict = judged(_plain(f"Sam Green <{SAM}>", body), SAM)[SAM]
    assert verdict.action == "redact"
    assert {"PERSON", "STREET_ADDRESS"} <= {f.type for f in verdict.redactions}


@pytest.mark.parametrize("to", [f"Sam Green <{SAM}>", SAM], ids=["display name", "address"])
def test_a_reply_quoting_the_recipient_is_released(judged: Judge, to: str):
    """A reply to Sam quoting his message ("From: Sam Green <sam.green@...>", his sign-off),
    in text and HTML, with Priya's signature and the office's address: released to Sam, the
    names of the correspondents being no disclosure to them; also when To has no display
    name (sam.green@ spells Sam Green)."""
    reply = outlook_message(to, quoted=QUOTED_REPLY, subject="RE: Coffee morning")
    assert actions(judged(reply, SAM)) == {SAM: "release"}


def test_greeting_every_recipient_by_name_is_released(judged: Judge):
    """ "Hi Sam and Jo", to Sam with Jo in Cc, their addresses quoted back: released to both."""
    body = "Hi Sam and Jo,\n\nSee you on Tuesday.\n\nJo Bloggs <jo.bloggs@agency.example> wrote:"
    raw = _plain(f"Sam Green <{SAM}>", body, cc="Jo Bloggs <jo.bloggs@agency.example>")
    assert actions(judged(raw, SAM, "jo.bloggs@agency.example")) == {
        SAM: "release",
        "jo.bloggs@agency.example": "release",
    }


@pytest.mark.parametrize(
    ("body", "action", "types"),
    [
        ("Sam's NHS number is 943 476 5919.", "redact", {"PERSON", "UK_NHS"}),
        ("Sam's mobile is 07700 900461, please ring him.", "redact", {"PERSON", "PHONE_NUMBER"}),
        ("Sam has been diagnosed with depression and is struggling.", "hold", set()),
    ],
    ids=["nhs number", "mobile", "diagnosis"],
)
def test_data_about_a_recipient_still_counts(judged: Judge, body: str, action: str, types: set):
    """To Sam, copied to an agency: an NHS number, a phone number or a diagnosis beside Sam's
    name is data about Sam, which the agency should not see: his name counts beside it, as any
    name does, and the copies are redacted (the name with it) or held."""
    raw = _plain(f"Sam Green <{SAM}>", f"Hi all,\n\n{body}\n", cc=f"Duty team <{AGENCY}>")
    verdicts = judged(raw, SAM, AGENCY)
    assert verdicts[AGENCY].action == action
    assert types <= {f.type for f in verdicts[AGENCY].redactions}


_GMAIL = (
    '<div dir="ltr">Hi Sam,<div><br></div><div>See you Tuesday at 10.</div><div><br></div>'
    '<div>Thanks,</div><div>Priya</div><br clear="all"><div><div dir="ltr" '
    'class="gmail_signature" data-smartmail="gmail_signature"><span style="color:rgb(31,78,121);'
    'font-family:arial,sans-serif">Priya Sharma | Carer Support Worker</span><div>'
    '<a href="tel:01134960000" style="color:rgb(17,85,204)" target="_blank">0113 496 0000</a> | '
    '<a href="https://www.riverside-carers.example.org" target="_blank" data-saferedirecturl='
    '"https://www.google.com/url?q=https://www.riverside-carers.example.org&amp;source=gmail&amp;'
    'ust=1733400000000000&amp;usg=AOvVaw3x9Yk2mZ1QwErTy">riverside-carers.example.org</a></div>'
    '</div></div><img width="0" height="0" class="mailtrack-img" alt="" style="display:flex" '
    'src="https://mailtrack.example/trace/mail/8f3a2b1c9d7e6f5a4b3c2d1e0f9a8b.png?u=7204817">'
    "</div>"
)
# Outlook on the web: its signature block, with Priya's own mobile, in a wrapper that carries
# data- attributes (a block's text is read only in its place, where it is a signature).
_OUTLOOK_WEB = (
    '<div class="elementToProof" style="font-family:Aptos,Aptos_EmbeddedFont,Calibri,'
    'Helvetica,sans-serif;font-size:12pt;color:rgb(0,0,0)">Hi Sam, see you on Tuesday.</div>'
    '<div id="Signature" data-olk-copy-source="MessageBody"><p>Kind regards,</p>'
    '<div data-ogsc="" data-ogsb="" title="Signature">Priya Sharma<br>Carer Support Worker<br>'
    "Mobile 07700 900111</div></div>"
)


@pytest.mark.parametrize("markup", [_GMAIL, _OUTLOOK_WEB], ids=["gmail", "outlook on the web"])
def test_html_mail_full_of_attributes_is_released(judged: Judge, markup: str):
    """Everyday HTML mail as Gmail and Outlook on the web write it (style attributes, class
    names, data- attributes, tracking ids in links, the signature's phone link), its every
    attribute read: released to Sam."""
    message = EmailMessage()
    message["From"] = f"Priya Sharma <{SENDER}>"
    message["To"] = f"Sam Green <{SAM}>"
    message["Subject"] = "Tuesday"
    message.set_content("See you on Tuesday.\n")
    message.add_alternative(f"<html><body>{markup}</body></html>", subtype="html")
    assert actions(judged(message.as_bytes(policy=email.policy.SMTP), SAM)) == {SAM: "release"}
