"""Redacted copies leave nothing behind: values in disguise, values inside other values and
values spread by extra spaces are removed whole, in plain text, HTML and Word documents."""

from __future__ import annotations

import io
import quopri
import zipfile
from collections.abc import Callable
from functools import partial

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.detect.detector import Detector
from scanner.policy.policy_file import Policy, load_policy
from tests.scanner.redaction_pipeline import SENDER, STRANGER, leaks, redact_for_stranger, scan
from tests.scanner.transform.made_files import attachment, docx_bytes, message, raw, saved

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
    return raw(message(body.replace(SOFT_BREAK, "")))


def _as_html(body: str) -> bytes:
    """The body as HTML source: its character references stay references."""
    built = message("See the HTML part.", html=f"<p>{body.replace(SOFT_BREAK, '')}</p>")
    return raw(built)


def _as_quoted_printable(body: str) -> bytes:
    """A plain part encoded by hand, with soft line breaks where the body marks them."""
    encoded = quopri.encodestring(body.encode()).replace(b"=1E", b"=\r\n")
    return (
        b"From: Jane Smith <jane@example.org>\r\nTo: agency@agency.example\r\n"
        b"Subject: Referral\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + encoded + b"\r\n"
    )


_DOCX = "vnd.openxmlformats-officedocument.wordprocessingml.document"


def _as_docx(body: str) -> bytes:
    attached = ((docx_bytes(body.replace(SOFT_BREAK, "")), "application", _DOCX, "referral.docx"),)
    return raw(message("Referral attached.", attachments=attached))


def _from_grace(data: bytes) -> bytes:
    """The message as Grace sends it to the stranger."""
    return data.replace(b"jane@example.org", SENDER.encode()).replace(
        b"agency@agency.example", STRANGER.encode()
    )


FORMS = {
    "text": _as_text,
    "html": _as_html,
    "docx": _as_docx,
    "quoted-printable": _as_quoted_printable,
}
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
    "the same number in another script's digits": (
        f"{NAME}, NHS number {NHS}; in the other system "
        + NHS.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        + ".",
        [NAME, NHS],
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
    assert leaks(partial(scan, detector), copy, values) == []


# Disguises a sender's software (or a sender) puts into text, each undone by normalisation or
# by the MIME decoder. Each takes a value and a place in it (0: before it; its length: after).
SOFT_BREAK = "\x1e"  # where a quoted-printable soft line break goes (other forms drop it)
type Disguise = Callable[[str, int], str]


def _insert(text: str) -> Disguise:
    return lambda value, at: value[:at] + text + value[at:]


def _replace(applies: Callable[[str], bool], make: Callable[[str], str]) -> Disguise:
    """The character before the place made another way, where that applies to it."""

    def disguise(value: str, at: int) -> str:
        if at == 0 or not applies(value[at - 1]):
            return value
        return value[: at - 1] + make(value[at - 1]) + value[at:]

    return disguise


DISGUISES: dict[str, Disguise] = {
    "zero-width space": _insert("\u200b"),
    "soft hyphen": _insert("\u00ad"),
    "word joiner": _insert("\u2060"),
    "quoted-printable soft line break": _insert(SOFT_BREAK),
    "no-break space": _replace(str.isspace, lambda c: "\u00a0"),
    "run of spaces": _replace(str.isspace, lambda c: "   "),
    "spaces and a tab": _replace(str.isspace, lambda c: " \t "),
    "full-width digit": _replace(str.isdigit, lambda c: chr(ord(c) + 0xFEE0)),
    "Arabic-Indic digit": _replace(str.isdigit, lambda c: chr(ord(c) - ord("0") + 0x0660)),
    "HTML character reference": _replace(str.isalnum, lambda c: f"&#{ord(c)};"),
    "combining accent": _replace(str.isalpha, lambda c: c + "\u0301"),
}
VALUES = [NAME, NHS, PHONE, EMAIL, POSTCODE]


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A referral with each value disguised at a drawn place: before, inside or after it."""
    pieces = []
    for value in VALUES:
        disguise = DISGUISES[draw(st.sampled_from(sorted(DISGUISES)))]
        pieces.append(disguise(value, draw(st.integers(min_value=0, max_value=len(value)))))
    name, nhs, phone, email, postcode = pieces
    body = (
        f"Referral for {name}, NHS number {nhs}, mobile {phone}, email {email}, "
        f"postcode {postcode}. Please call back."
    )
    return body, VALUES


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=disguised(), form=st.sampled_from(sorted(FORMS)))
def test_no_disguise_lets_a_value_through(
    detector: Detector, policy: Policy, case: tuple[str, list[str]], form: str
) -> None:
    """Zero-width characters, soft hyphens, quoted-printable soft line breaks, no-break
    spaces, runs of spaces and tabs, full-width digits, HTML character references and
    combining accents before, inside or after any value never leave that value in the
    redacted copy in any form detection would find."""
    body, values = case
    data = _from_grace(FORMS[form](body))
    copy = redact_for_stranger(detector, policy, data)
    assert leaks(partial(scan, detector), copy, values) == []


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LINK_EMAIL = "declan.whitfield@gmail.com"
LINK_NHS = "4010232137"
LINK_DOB = "03/03/1950"
LINK_NAME = "Kwame Hughes"
# A mailto: link as Word writes it: the subject percent-encoded, the address too when asked.
LINK = f"mailto:{LINK_EMAIL}?subject=Kwame%20Hughes%20NHS%20{LINK_NHS}%20DOB%20{LINK_DOB}"


def _linked_docx(place: str) -> bytes:
    """A .docx whose only personal data is in a link: a hyperlink's relationship target or
    its ScreenTip in the body, or a HYPERLINK field code in the header, its address encoded
    as well."""
    document = docx.Document()
    paragraph = document.add_paragraph("Visit notes for the client. Contact: ")
    if place in ("relationship", "screen tip"):
        target = "https://example.org/" if place == "screen tip" else LINK
        link = document.part.relate_to(target, RT.HYPERLINK, is_external=True)
        tip = f"{LINK_NAME} NHS {LINK_NHS} DOB {LINK_DOB}" if place == "screen tip" else ""
        paragraph._p.append(
            parse_xml(
                f'<w:hyperlink xmlns:w="{_W}" xmlns:r="{_R}" r:id="{link}" w:tooltip="{tip}">'
                "<w:r><w:t>email us</w:t></w:r></w:hyperlink>"
            )
        )
    else:
        code = f' HYPERLINK "{LINK.replace("@", "%40")}" '
        runs = (
            '<w:fldChar w:fldCharType="begin"/>',
            f'<w:instrText xml:space="preserve">{code}</w:instrText>',
            '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>email us</w:t>",
            '<w:fldChar w:fldCharType="end"/>',
        )
        header = document.sections[0].header.paragraphs[0]._p
        for run in runs:
            header.append(parse_xml(f'<w:r xmlns:w="{_W}">{run}</w:r>'))
    return saved(document)


@pytest.mark.parametrize(
    ("place", "placeholder"),
    [
        ("relationship", b"[email%20address%20removed]"),
        # A field code holding a value is written back decoded: Word reads it so.
        ("field code", b'HYPERLINK "mailto:[email address removed]?subject=[name removed]'),
        ("screen tip", b'w:tooltip="[name removed]'),
    ],
)
def test_values_in_a_link_are_removed(
    detector: Detector, policy: Policy, place: str, placeholder: bytes
) -> None:
    """A name, address, NHS number and date of birth in a percent-encoded mailto: link (a
    relationship target, a HYPERLINK field code) or in a link's ScreenTip go from the
    redacted .docx: the link is read decoded, so all are found together, and each is
    removed where it is written, however it is encoded."""
    attached = ((_linked_docx(place), "application", _DOCX, "notes.docx"),)
    data = _from_grace(raw(message("Notes attached.", attachments=attached)))
    copy = redact_for_stranger(detector, policy, data)
    values = [LINK_NAME, LINK_NHS, LINK_DOB] + ([] if place == "screen tip" else [LINK_EMAIL])
    assert leaks(partial(scan, detector), copy, values) == []
    package = zipfile.ZipFile(io.BytesIO(attachment(copy, "notes.docx")))
    parts = b"".join(package.read(name) for name in package.namelist())
    assert b"whitfield" not in parts.lower()
    assert b"kwame" not in parts.lower()
    assert placeholder in parts


_HIDDEN_PLACES = {
    "drop-down choice": '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList>'
    '<w:listEntry w:val="{text}"/></w:ddList></w:ffData></w:fldChar></w:r>',
    "VML alt text": '<w:r><w:pict><v:shape alt="{text}"/></w:pict></w:r>',
    "equation": "<m:oMath><m:r><m:t>{text}</m:t></m:r></m:oMath>",
}


@pytest.mark.parametrize("place", sorted(_HIDDEN_PLACES))
def test_values_word_keeps_outside_runs_are_removed(
    detector: Detector, policy: Policy, place: str
) -> None:
    """A document whose only personal data is in a drop-down's choices, a VML picture's alt
    text or an equation is not released as clean, and its copy holds none of it."""
    text = f"{LINK_NAME} NHS {LINK_NHS} DOB {LINK_DOB}"
    document = docx.Document()
    paragraph = document.add_paragraph("Visit notes for the client. ")
    namespaces = (
        f'xmlns:w="{_W}" xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
    )
    markup = _HIDDEN_PLACES[place].replace("{text}", text)
    paragraph._p.append(parse_xml(f"<w:wrap {namespaces}>{markup}</w:wrap>")[0])
    attached = ((saved(document), "application", _DOCX, "notes.docx"),)
    data = _from_grace(raw(message("Notes attached.", attachments=attached)))
    copy = redact_for_stranger(detector, policy, data)
    assert leaks(partial(scan, detector), copy, [LINK_NAME, LINK_NHS, LINK_DOB]) == []
    package = zipfile.ZipFile(io.BytesIO(attachment(copy, "notes.docx")))
    parts = b"".join(package.read(name) for name in package.namelist())
    assert b"kwame" not in parts.lower()


_ATTRIBUTES = {
    "a phone link": (f'<p>Please call <a href="tel:{PHONE}">{NAME}</a> today.</p>', [NAME, PHONE]),
    "a phone link beside an NHS number": (
        f'<a href="tel:07700900461">Call {NAME}</a>, NHS number {NHS}',
        [NAME, NHS, PHONE],
    ),
    "a WhatsApp link": (f'<a href="https://wa.me/447700900461">WhatsApp {NAME}</a>', [NAME, PHONE]),
    "a data- attribute": (f'<div data-client="{NAME} NHS {NHS} tel {PHONE}">Hi</div>', VALUES[:3]),
    "an aria-label": (f'<div aria-label="{NAME} NHS {NHS} tel {PHONE}">Hi</div>', VALUES[:3]),
    "a srcset": (
        '<img srcset="https://x.example/a.png?nhs=6426212997 1x, '
        'https://x.example/b.png?tel=07700900461 2x" alt="">',
        [NHS, PHONE],
    ),
    "a style's url()": (
        '<p style="background:url(https://x.example/a.png?nhs=6426212997&name=Chidi%20Eze)">Hi</p>',
        [NHS, NAME],
    ),
}


@pytest.mark.parametrize("place", sorted(_ATTRIBUTES))
def test_values_in_html_attributes_are_removed(
    detector: Detector, policy: Policy, place: str
) -> None:
    """A message whose personal data is in an HTML element's attributes (a tel: or wa.me
    link with a name as its words, data-*, aria-label, srcset, a style's url()) is not
    released in clear: it is redacted, and its copy holds none of the values, in the
    attribute or anywhere else."""
    markup, values = _ATTRIBUTES[place]
    data = _from_grace(
        raw(message("See the HTML part.", html=f"<html><body>{markup}</body></html>"))
    )
    copy = redact_for_stranger(detector, policy, data)
    assert leaks(partial(scan, detector), copy, values) == []
