"""with_banner: the subject tag, banners in bodies, Word headers, PDF stamps, and safety."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from scanner.rules_file import RulesError
from scanner.transform import (
    DEFAULT_BANNER,
    Banner,
    TransformError,
    load_banner,
    with_banner,
    with_banner_where_possible,
)
from tests.scanner.transform.made_files import (
    ORGANISATION,
    attachment,
    body,
    content,
    docx_bytes,
    field_names,
    message,
    parse,
    pdf_bytes,
    raw,
    with_raw_subject,
)

BANNER = load_banner(DEFAULT_BANNER, ORGANISATION)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Referral", "[CONFIDENTIAL] Referral"),
        ("[CONFIDENTIAL] Referral", "[CONFIDENTIAL] Referral"),
        ("Re: [CONFIDENTIAL] Referral", "[CONFIDENTIAL] Re: [CONFIDENTIAL] Referral"),
        ("Caf\u00e9 visit", "[CONFIDENTIAL] Caf\u00e9 visit"),
    ],
)
def test_subject_is_tagged_once(subject: str, expected: str) -> None:
    """The tag is put before the subject unless the subject already starts with it."""
    assert parse(with_banner(raw(message(subject=subject)), BANNER))["Subject"] == expected


def test_message_without_subject_gets_the_tag() -> None:
    """A message with no Subject field gets one holding the tag."""
    built = message()
    del built["Subject"]
    assert parse(with_banner(raw(built), BANNER))["Subject"] == "[CONFIDENTIAL]"


def test_plain_and_html_bodies_start_with_the_banner() -> None:
    """The plain body starts with the banner paragraph; the HTML body shows it first."""
    html = '<html><head><title>x</title></head><body class="m"><p>Hello</p></body></html>'
    result = with_banner(raw(message("Hello", html)), BANNER)
    assert body(result, "plain").startswith(BANNER.text + "\n\nHello")
    markup = body(result, "html")
    assert markup.startswith('<html><head><title>x</title></head><body class="m"><div')
    visible = BeautifulSoup(markup, "html.parser").body
    assert visible is not None
    assert visible.get_text(" ", strip=True) == f"{BANNER.text} Hello"


def test_html_banner_is_escaped_and_goes_first_without_a_body_tag() -> None:
    """Banner text is HTML-escaped, and without <body> the box goes at the very start."""
    banner = Banner("[C]", "From Smith & <Sons>", "C")
    markup = body(with_banner(raw(message("x", "<p>Hello</p>")), banner), "html")
    assert markup.startswith("<div")
    assert "Smith &amp; &lt;Sons&gt;" in markup
    assert "<Sons>" not in markup


def test_declared_charset_is_kept_when_it_can_hold_the_text() -> None:
    """An ISO-8859-1 part with a pound sign stays ISO-8859-1 and keeps the pound sign."""
    built = message()
    built.set_content("Fee: \u00a312", charset="iso-8859-1", cte="quoted-printable")
    part = parse(with_banner(raw(built), BANNER))
    assert part.get_content_charset() == "iso-8859-1"
    assert content(part).endswith("Fee: \u00a312\n")


def test_charset_switches_to_utf8_when_the_banner_needs_it() -> None:
    """A US-ASCII part gets UTF-8 when the banner has a letter ASCII lacks."""
    banner = Banner("[C]", "Gofal \u0174yr", "C")
    part = parse(with_banner(raw(message("Hello")), banner))
    assert part.get_content_charset() == "utf-8"
    assert content(part) == "Gofal \u0174yr\n\nHello\n"


def test_output_uses_crlf() -> None:
    """Every line of the result ends in CRLF, even when the input used bare LF."""
    data = raw(message("one\ntwo", "<p>x</p>")).replace(b"\r\n", b"\n")
    result = with_banner(data, BANNER)
    assert result.count(b"\n") == result.count(b"\r\n")


def test_docx_attachment_gets_the_header_in_every_section() -> None:
    """Each section's header starts with the document header; the body text is kept."""
    document = docx.Document()
    document.add_paragraph("Visit notes")
    document.sections[0].header.paragraphs[0].text = "Existing header"
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.different_first_page_header_footer = True
    buffer = io.BytesIO()
    document.save(buffer)
    attachments = ((buffer.getvalue(), "application", "octet-stream", "notes.docx"),)
    result = with_banner(raw(message(attachments=attachments)), BANNER)
    marked = docx.Document(io.BytesIO(attachment(result, "notes.docx")))
    first, second = marked.sections
    assert [p.text for p in first.header.paragraphs] == [BANNER.document_header, "Existing header"]
    assert second.header.paragraphs[0].text == BANNER.document_header
    assert second.first_page_header.paragraphs[0].text == BANNER.document_header
    assert marked.paragraphs[0].text == "Visit notes"
    assert BANNER.document_header == f"CONFIDENTIAL – {ORGANISATION}"


def test_pdf_attachment_is_stamped_on_every_page() -> None:
    """Every page's text has the stamp, and the page's own text is still there."""
    data = pdf_bytes("Page one", "Page two")
    attachments = ((data, "application", "pdf", "report.pdf"),)
    result = with_banner(raw(message(attachments=attachments)), BANNER)
    pages = PdfReader(io.BytesIO(attachment(result, "report.pdf"))).pages
    assert len(pages) == 2
    for page, own in zip(pages, ("Page one", "Page two"), strict=True):
        text = page.extract_text()
        assert own in text
        assert BANNER.document_header in text


def test_encrypted_pdf_cannot_be_stamped() -> None:
    """A password-protected PDF raises TransformError naming the file."""
    data = pdf_bytes("Secret", password="pw")
    attachments = ((data, "application", "pdf", "report.pdf"),)
    with pytest.raises(TransformError, match=r"the PDF attachment 'report\.pdf' is encrypted"):
        with_banner(raw(message(attachments=attachments)), BANNER)


def test_where_possible_leaves_an_encrypted_pdf_as_it_is_and_marks_the_rest() -> None:
    """For a manager's release of what cannot be stamped: the subject, the body and the
    Word document are marked, the encrypted PDF goes byte for byte as it came, and the
    reason names it by number, not by its filename."""
    locked = pdf_bytes("Secret", password="pw")
    attachments = (
        (locked, "application", "pdf", "Amina Okafor.pdf"),
        (docx_bytes("Visit notes"), "application", "octet-stream", "notes.docx"),
    )
    marked = with_banner_where_possible(raw(message("Hello", attachments=attachments)), BANNER)
    assert parse(marked.content)["Subject"] == "[CONFIDENTIAL] Referral"
    assert body(marked.content, "plain").startswith(BANNER.text + "\n\nHello")
    assert attachment(marked.content, "Amina Okafor.pdf") == locked
    notes = docx.Document(io.BytesIO(attachment(marked.content, "notes.docx")))
    assert notes.sections[0].header.paragraphs[0].text == BANNER.document_header
    assert marked.left_unmarked == (
        "the PDF attachment no. 1 is encrypted, so it cannot be stamped CONFIDENTIAL",
    )


def test_where_possible_stamps_every_pdf_it_can() -> None:
    """With nothing it cannot mark, the PDF is stamped as ``with_banner`` stamps it and
    nothing is left unmarked."""
    attachments = ((pdf_bytes("Page one"), "application", "pdf", "report.pdf"),)
    marked = with_banner_where_possible(raw(message("Hello", attachments=attachments)), BANNER)
    assert marked.left_unmarked == ()
    [page] = PdfReader(io.BytesIO(attachment(marked.content, "report.pdf"))).pages
    assert BANNER.document_header in page.extract_text()


def test_forwarded_message_text_is_bannered() -> None:
    """The text part of a forwarded message/rfc822 starts with the banner too."""
    inner = message("Inner text", subject="Inner subject")
    outer = message("Outer text")
    outer.add_attachment(inner)
    result = parse(with_banner(raw(outer), BANNER))
    forwarded = next(p for p in result.walk() if p.get_content_type() == "message/rfc822")
    inner_message = forwarded.get_payload(0)
    assert isinstance(inner_message, EmailMessage)
    assert inner_message["Subject"] == "Inner subject"
    assert content(inner_message).startswith(BANNER.text + "\n\nInner text")


INJECTIONS = [
    "=?utf-8?q?Hello=0ABcc:_victim@example.com?=",
    "=?utf-8?q?Hello=0D=0ABcc:_victim@example.com?=",
    "=?utf-8?b?SGVsbG8NCkJjYzogdmljdGltQGV4YW1wbGUuY29t?=",
]


@pytest.mark.parametrize("subject", INJECTIONS)
def test_encoded_line_break_in_subject_cannot_add_a_header(subject: str) -> None:
    """A line break encoded in the Subject stays inside one Subject field; no Bcc appears."""
    result = with_banner(with_raw_subject(subject), BANNER)
    parsed = parse(result)
    assert parsed.get_all("Subject") == ["[CONFIDENTIAL] Hello Bcc: victim@example.com"]
    assert parsed.get_all("Bcc") is None
    names = field_names(result)
    assert names.count(b"subject") == 1
    assert b"bcc" not in names


def test_banner_file_placeholders_are_filled() -> None:
    """{organisation} is replaced in every setting of the default banner file."""
    assert ORGANISATION in BANNER.text
    assert BANNER.subject_tag == "[CONFIDENTIAL]"
    assert "{" not in BANNER.text + BANNER.document_header


@pytest.mark.parametrize(
    ("content", "message_part"),
    [
        ("subject_tag: '[C]'\ntext: x\n", ":1: missing 'document_header'"),
        (
            "subject_tag: '[C]'\ntext: x\ndocument_header: y\nfooter: z\n",
            ":1: unknown setting 'footer'",
        ),
        (
            "subject_tag: '[C]'\ntext: '{organization}'\ndocument_header: y\n",
            "unknown placeholder '{organization}' in 'text'",
        ),
        ('subject_tag: "[C]\\nBcc: x"\ntext: x\ndocument_header: y\n', "'subject_tag' must be"),
        ("subject_tag: ''\ntext: x\ndocument_header: y\n", "'subject_tag' is empty"),
        ("subject_tag: [\n", "not valid YAML"),
    ],
)
def test_bad_banner_file_says_where_and_what(
    tmp_path: Path, content: str, message_part: str
) -> None:
    """A mistake in the banner file raises RulesError with the file, line and problem."""
    path = tmp_path / "banner.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=rf"^{path}:\d+: .*") as error:
        load_banner(path, ORGANISATION)
    assert message_part in str(error.value)
