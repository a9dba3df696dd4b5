"""redacted: values replaced everywhere they can be written, refused where they cannot."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from email.message import EmailMessage

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from scanner.extract import extract
from scanner.limits import ScanLimits
from scanner.made_ids import MESSAGE_ID
from scanner.transform import Removal, TransformError, redacted
from scanner.transform import _redacted_message as redaction_module
from tests.scanner.made_sheets import csv_bytes, workbook_bytes
from tests.scanner.transform.made_files import (
    attachment,
    body,
    content,
    docx_bytes,
    field_names,
    message,
    parse,
    pdf_bytes,
    raw,
    saved,
    with_custom_property,
    with_raw_subject,
)

NAME = Removal("Amina Okafor", "name")
NHS = Removal("485 777 3456", "NHS number")
EMAIL = Removal("amina.okafor@example.org", "email address")
GONE = "[name removed]"


def _redacted_text(text: str, *removals: Removal) -> str:
    return body(redacted(raw(message(text)), removals or (NAME,)), "plain")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Visit Amina Okafor today", f"Visit {GONE} today"),
        ("AMINA OKAFOR and amina okafor", f"{GONE} and {GONE}"),
        ("Amina\n   Okafor called", f"{GONE} called"),
        ("Amina\u00a0Okafor called", f"{GONE} called"),
        ("Amina\u200b Okafor called", f"{GONE} called"),
        ("Amina Okaforth is someone else", "Amina Okaforth is someone else"),
    ],
)
def test_plain_text_matching_is_tolerant(text: str, expected: str) -> None:
    """Case, runs of white space, non-breaking and zero-width spaces do not hide a value,
    and a value is not found inside a longer word."""
    assert _redacted_text(text) == expected + "\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "https://portal.example/client/amina-okafor/notes",
            f"https://portal.example/client/{GONE}/notes",
        ),
        ("https://x.example/p.gif?n=Amina+Okafor&t=1", f"https://x.example/p.gif?n={GONE}&t=1"),
        ("https://x.example/Amina+Okafor/", f"https://x.example/{GONE}/"),
        ("Saved as AMINA_OKAFOR_notes.docx", f"Saved as {GONE}_notes.docx"),
        ("Saved as amina.okafor.pdf", f"Saved as {GONE}.pdf"),
        ("?who=Amina%20-%20Okafor", f"?who={GONE}"),
    ],
)
def test_words_joined_as_urls_and_file_names_join_them_are_found(text: str, expected: str) -> None:
    """A removed name written with a URL's or a file name's separators between its words
    ("amina-okafor", "Amina+Okafor", "AMINA_OKAFOR", "amina.okafor") goes too."""
    assert _redacted_text(text) == expected + "\n"


def test_words_joined_in_an_html_link_and_style_are_found() -> None:
    """In HTML source, a removed name in a link's path and in a style's ``url()`` goes."""
    html = (
        '<a href="https://portal.example/client/amina-okafor">x</a>'
        "<p style=\"background:url('https://x.example/a.png?n=amina_okafor')\">y</p>"
    )
    result = body(redacted(raw(message("x", html)), [NAME]), "html")
    assert "okafor" not in result.lower()
    assert result.count(GONE) == 2


def test_full_width_digits_are_found() -> None:
    """An NHS number in full-width digits matches the value detection saw."""
    text = "NHS \uff14\uff18\uff15 \uff17\uff17\uff17 \uff13\uff14\uff15\uff16."
    assert _redacted_text(text, NHS) == "NHS [NHS number removed].\n"


def test_value_in_plain_and_html_alternatives() -> None:
    """Both alternatives of a multipart/alternative lose the value."""
    html = "<html><body><p>Carer for Amina Okafor</p></body></html>"
    result = redacted(raw(message("Carer for Amina Okafor", html)), [NAME])
    assert body(result, "plain") == f"Carer for {GONE}\n"
    assert body(result, "html") == f"<html><body><p>Carer for {GONE}</p></body></html>\n"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Amina&nbsp;Okafor</p>", f"<p>{GONE}</p>"),
        ("<p>&#65;mina &#x4F;kafor</p>", f"<p>{GONE}</p>"),
        (
            '<a href="mailto:amina.okafor@example.org">write</a>',
            '<a href="mailto:[email address removed]">write</a>',
        ),
        ('<img title="Amina Okafor" src="x.png">', f'<img title="{GONE}" src="x.png">'),
    ],
)
def test_html_source_entities_and_attributes(html: str, expected: str) -> None:
    """Entity-encoded values and values in attributes (mailto: links, titles) are replaced."""
    result = redacted(raw(message("x", html)), [NAME, EMAIL])
    assert body(result, "html") == expected + "\n"


def test_percent_encoded_values_are_removed_as_written() -> None:
    """A value percent-encoded in a URL is found and removed in its encoded form."""
    text = "Form: https://forms.example.com/p?who=Amina%20Okafor&nhs=485+777+3456"
    expected = "Form: https://forms.example.com/p?who=[name removed]&nhs=[NHS number removed]"
    assert _redacted_text(text, NAME, NHS) == expected + "\n"


def test_value_in_subject_and_display_name() -> None:
    """The Subject and a recipient's display name lose the value; the address stays."""
    built = message(subject="Referral: Amina Okafor")
    built.replace_header("To", "Amina Okafor <amina@example.org>")
    result = parse(redacted(raw(built), [NAME]))
    assert result["Subject"] == f"Referral: {GONE}"
    assert result["To"].addresses[0].display_name == GONE
    assert result["To"].addresses[0].addr_spec == "amina@example.org"


def test_value_in_attachment_file_name() -> None:
    """An attachment named after the person is renamed."""
    attachments = ((b"notes", "text", "plain", "Amina Okafor.txt"),)
    result = redacted(raw(message(attachments=attachments)), [NAME])
    names = [part.get_filename() for part in parse(result).iter_attachments()]
    assert names == [f"{GONE}.txt"]


def test_forwarded_message_is_redacted() -> None:
    """The subject and body of a forwarded message/rfc822 lose the value too."""
    outer = message("See below")
    outer.add_attachment(message("About Amina Okafor", subject="Amina Okafor"))
    result = parse(redacted(raw(outer), [NAME]))
    forwarded = next(p for p in result.walk() if p.get_content_type() == "message/rfc822")
    inner = forwarded.get_payload(0)
    assert isinstance(inner, EmailMessage)
    assert inner["Subject"] == GONE
    assert content(inner) == f"About {GONE}\n"


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TRACKED = f"""<w:p xmlns:w="{W}">
  <w:r><w:t xml:space="preserve">Visit by </w:t></w:r>
  <w:del w:id="1" w:author="Jane Smith" w:date="2024-01-01T00:00:00Z">
    <w:r><w:delText xml:space="preserve">Amina </w:delText></w:r>
  </w:del>
  <w:del w:id="2" w:author="Jane Smith" w:date="2024-01-01T00:00:00Z">
    <w:r><w:rPr><w:b/></w:rPr><w:delText>Okafor</w:delText></w:r>
  </w:del>
  <w:ins w:id="3" w:author="Jane Smith" w:date="2024-01-01T00:00:00Z">
    <w:r><w:t>NHS 485 777 3456</w:t></w:r>
  </w:ins>
</w:p>"""


def _rich_docx() -> bytes:
    """A .docx with the name split over runs, in a comment, a tracked deletion, a header, a
    footer, the core properties and a custom property, and an NHS number inserted."""
    document = docx.Document()
    paragraph = document.add_paragraph("Client: ")
    paragraph.add_run("Ami")
    paragraph.add_run("na Ok").bold = True
    paragraph.add_run("afor, seen today")
    commented = document.add_paragraph("Needs follow-up")
    document.add_comment(commented.runs, text="Ring Amina Okafor", author="Jane Smith")
    document.element.body.append(parse_xml(TRACKED))
    section = document.sections[0]
    section.header.paragraphs[0].text = "Re: Amina Okafor"
    section.footer.paragraphs[0].text = "amina okafor"
    document.core_properties.author = "Amina Okafor"
    document.core_properties.title = "Notes on Amina Okafor"
    return with_custom_property(saved(document), "Client", "Amina Okafor")


def _texts(data: bytes) -> dict[str, str]:
    extraction = extract(data, ScanLimits())
    assert not extraction.unscannable
    found: dict[str, str] = {}
    for segment in extraction.segments:
        found[segment.location] = found.get(segment.location, "") + segment.text
    return found


def test_docx_is_redacted_in_every_hidden_place() -> None:
    """Runs, comments, tracked changes, header, footer and properties all lose the values."""
    source = _rich_docx()
    assert sum("Okafor" in text for text in _texts(source).values()) >= 7
    attachments = ((source, "application", "octet-stream", "notes.docx"),)
    result = redacted(raw(message(attachments=attachments)), [NAME, NHS])
    texts = _texts(attachment(result, "notes.docx"))
    assert not [where for where, text in texts.items() if "okafor" in text.lower()]
    assert texts["body"].startswith(f"Client: {GONE}, seen today\n")
    assert "Visit by NHS [NHS number removed]" in texts["body"]
    assert texts["body / deleted text 1"] == GONE
    assert texts["comment 1"] == f"Ring {GONE}\n"
    assert texts["header (section 1)"] == f"Re: {GONE}\n"
    assert texts["footer (section 1)"] == f"{GONE}\n"
    assert texts["properties / author"] == GONE
    assert texts["properties / title"] == f"Notes on {GONE}"
    assert texts["properties / custom 'Client'"] == GONE
    assert docx.Document(io.BytesIO(attachment(result, "notes.docx"))).paragraphs


def test_docx_without_values_is_kept_as_is() -> None:
    """A .docx holding none of the values is attached byte for byte as it was."""
    data = docx_bytes("Nothing personal here")
    attachments = ((data, "application", "octet-stream", "plain.docx"),)
    result = redacted(raw(message(attachments=attachments)), [NAME])
    assert attachment(result, "plain.docx") == data


def test_pdf_with_a_value_cannot_be_redacted() -> None:
    """A PDF holding a value raises TransformError naming the file, never the value."""
    attachments = ((pdf_bytes("Report on Amina Okafor"), "application", "pdf", "report.pdf"),)
    with pytest.raises(TransformError) as error:
        redacted(raw(message(attachments=attachments)), [NAME])
    assert str(error.value).startswith("the PDF attachment 'report.pdf' would need redaction")
    assert "amina" not in str(error.value).lower()


_CLIENT_ROWS = [["Name", "NHS No", "Team"], ["Amina Okafor", "485 777 3456", "North"]]
_XLSX = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HIDDEN = workbook_bytes({"Prices": [["Tea", 1]], "Old": _CLIENT_ROWS}, states={"Old": "hidden"})


@pytest.mark.parametrize(
    ("data", "maintype", "subtype", "filename"),
    [
        (workbook_bytes({"Clients": _CLIENT_ROWS}), "application", _XLSX, "clients.xlsx"),
        (_HIDDEN, "application", "octet-stream", "prices.xlsx"),
        (csv_bytes(_CLIENT_ROWS * 3), "text", "csv", "clients.csv"),
        (csv_bytes(_CLIENT_ROWS * 3, ";"), "application", "vnd.ms-excel", "clients.csv"),
    ],
)
def test_a_spreadsheet_or_csv_with_a_value_cannot_be_redacted(
    data: bytes, maintype: str, subtype: str, filename: str
) -> None:
    """Workbooks and CSV files are not rewritten: one holding a value (on a hidden sheet too)
    raises TransformError naming the file and the cell, never the value, so it is held."""
    attachments = ((data, maintype, subtype, filename),)
    with pytest.raises(TransformError) as error:
        redacted(raw(message("See attached", attachments=attachments)), [NAME, NHS])
    assert str(error.value).startswith(f"the file attachment '{filename}' would need redaction")
    assert "amina" not in str(error.value).lower()
    assert "3456" not in str(error.value)


def _book_with(change: Callable[[openpyxl.Workbook, Worksheet], object]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["Item", "Cost"])
    change(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _validation(sheet: Worksheet) -> None:
    rule = DataValidation(type="list", formula1='"Amina Okafor,Ann Lee"')
    rule.add("A3")
    sheet.add_data_validation(rule)


_WORKBOOK_PARTS = {
    "header": lambda book, sheet: setattr(sheet.oddHeader.center, "text", "Amina Okafor"),
    "formula": lambda book, sheet: sheet.append(["Tea", '=CONCATENATE("485 777 ","3456")']),
    "validation": lambda book, sheet: _validation(sheet),
    "name": lambda book, sheet: book.defined_names.add(
        DefinedName("Who", attr_text='"Amina Okafor"')
    ),
    "tab": lambda book, sheet: book.create_sheet("Amina Okafor"),
    "link": lambda book, sheet: setattr(
        sheet["A1"], "hyperlink", "mailto:amina.okafor@example.org"
    ),
}


@pytest.mark.parametrize("part", sorted(_WORKBOOK_PARTS))
def test_a_workbook_with_a_value_in_a_part_its_cells_do_not_show_cannot_be_redacted(
    part: str,
) -> None:
    """A value only in a header, a formula, a validation list, a defined name, a sheet's name
    or a link's target is found by the check, so the workbook is held, not released."""
    data = _book_with(_WORKBOOK_PARTS[part])
    attachments = ((data, "application", _XLSX, "rota.xlsx"),)
    with pytest.raises(TransformError, match=r"^the file attachment 'rota\.xlsx' would need"):
        redacted(raw(message("See attached", attachments=attachments)), [NAME, NHS, EMAIL])


def test_pdf_without_values_is_kept_as_is() -> None:
    """A PDF holding none of the values is attached byte for byte as it was."""
    data = pdf_bytes("Nothing personal here")
    attachments = ((data, "application", "pdf", "report.pdf"),)
    result = redacted(raw(message("Amina Okafor", attachments=attachments)), [NAME])
    assert attachment(result, "report.pdf") == data
    assert body(result, "plain") == f"{GONE}\n"


def test_image_is_kept() -> None:
    """An image cannot hold text: it is attached as it was while the body is redacted."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    image = ((buffer.getvalue(), "image", "png", "photo.png"),)
    result = redacted(raw(message("Amina Okafor", attachments=image)), [NAME])
    assert attachment(result, "photo.png") == buffer.getvalue()
    assert body(result, "plain") == f"{GONE}\n"


def test_archive_cannot_be_checked() -> None:
    """A zip archive is a type confide cannot read, so redaction is refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("list.txt", "Nothing personal")
    attachments = ((buffer.getvalue(), "application", "zip", "files.zip"),)
    with pytest.raises(TransformError, match=r"^the file attachment 'files\.zip' is of a type"):
        redacted(raw(message(attachments=attachments)), [NAME])


def test_safety_net_catches_a_value_split_by_html_tags() -> None:
    """A value split by markup inside a word is not rewritten in the source, so the net
    refuses the result and names where, not what."""
    html = "<html><body><p>Ami<b>na</b> Okafor</p></body></html>"
    with pytest.raises(TransformError) as error:
        redacted(raw(message("x", html)), [NAME])
    assert str(error.value) == "the redacted message would need redaction (body (text/html))"


def test_safety_net_catches_a_rewrite_that_did_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the text rewrite broken, the re-extracted result still holds the value: refused."""
    monkeypatch.setattr(redaction_module, "set_text", lambda part, text: None)
    with pytest.raises(TransformError, match=r"\(body \(text/plain\)\)$"):
        redacted(raw(message("Amina Okafor")), [NAME])


@pytest.mark.parametrize(
    "subject",
    [
        "=?utf-8?q?Amina_Okafor=0ABcc:_victim@example.com?=",
        "=?utf-8?q?Hello=0D=0ABcc:_victim@example.com?=",
    ],
)
def test_encoded_line_break_in_subject_cannot_add_a_header(subject: str) -> None:
    """After redaction the Subject is still one field, and no Bcc field appears."""
    result = redacted(with_raw_subject(subject), [NAME])
    parsed = parse(result)
    assert len(parsed.get_all("Subject") or []) == 1
    assert parsed.get_all("Bcc") is None
    names = field_names(result)
    assert names.count(b"subject") == 1
    assert b"bcc" not in names
    assert "Amina" not in str(parsed["Subject"])


def test_a_value_in_two_subject_fields_is_removed_from_both() -> None:
    """A message with two Subject fields (which the email package refuses to write) has the
    value removed from each, instead of failing on every attempt."""
    raw = (
        b"From: a@example.org\r\nTo: c@agency.example\r\nSubject: about 485 777 3456\r\n"
        b"Subject: again 485 777 3456\r\n\r\nNHS 485 777 3456\r\n"
    )
    out = redacted(raw, [NHS])
    assert b"485 777 3456" not in out
    assert out.count(b"Subject: ") == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("customXml/item7.xml", "<client><first>Amina</first> <last>Okafor</last></client>"),
        ("secret.txt", "Client: Amina Okafor"),
    ],
)
def test_docx_value_in_a_part_word_ignores_is_never_released(name: str, content: str) -> None:
    """A value the rewrite cannot reach (custom XML, a stray file) makes the copy refused."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        source = zipfile.ZipFile(io.BytesIO(docx_bytes("Client: Amina Okafor")))
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr(name, content)
    attachments = ((output.getvalue(), "application", "octet-stream", "notes.docx"),)
    with pytest.raises(TransformError, match="would need redaction") as error:
        redacted(raw(message(attachments=attachments)), [NAME])
    assert f"part {name}" in str(error.value)
    assert "okafor" not in str(error.value).lower()


def test_value_in_a_parts_free_text_field_is_removed() -> None:
    """A value in a Content-Description, which a redacted copy keeps, is rewritten."""
    built = message("Nothing here")
    built["Content-Description"] = "Referral: Amina Okafor"
    result = redacted(raw(built), [NAME])
    assert b"Okafor" not in result
    assert parse(result)["Content-Description"] == f"Referral: {GONE}"


@pytest.mark.parametrize(
    "field",
    ["X-Original-Subject", "X-MS-Exchange-Organization-Subject", "Comments", "Reply-To",
     "Sender", "X-Original-To", "References", "In-Reply-To", "X-Patient", "Received"],
)  # fmt: skip
def test_a_field_off_the_allow_list_is_not_in_a_redacted_copy(field: str) -> None:
    """A redacted copy keeps only the fields on the allow-list: any other, whatever it holds
    and whether or not a scan reads it, is gone."""
    built = message("Nothing here")
    built[field] = "Amina Okafor <amina.okafor@example.org>, 943 476 5919"
    result = redacted(raw(built), [NAME])
    assert parse(result)[field] is None
    assert b"amina" not in result.lower()
    assert b"5919" not in result


def test_a_redacted_copy_has_a_message_id_of_its_own() -> None:
    """The Message-ID the sender's program made (here of a name and a number) is replaced by
    one of random letters; threading ids go."""
    built = message("Nothing here")
    built["Message-ID"] = "<joseph-okafor-9434765919@riverside.example>"
    result = redacted(raw(built), [NAME])
    assert MESSAGE_ID.fullmatch(parse(result)["Message-ID"])
    assert b"okafor" not in result.lower()


@pytest.mark.parametrize(
    ("field", "removals"),
    [
        ("Amina <amina.okafor@example.org>, colleague@carers.example", [NAME, EMAIL]),
        ("Amina Okafor <amina.okafor@example.org>", [Removal("Okafor", "name")]),
    ],
    ids=["the address removed", "a name inside the address"],
)
def test_an_address_holding_a_value_refuses_the_copy(field: str, removals: list[Removal]):
    """An address in To or Cc that is, or holds, a value to remove is never dropped or
    rewritten (the tester's copy read `To: "[name removed]":;`): the copy is refused, and
    its recipients are held for a manager."""
    built = message("Nothing here")
    built["Cc"] = field
    with pytest.raises(TransformError, match="never changes an address"):
        redacted(raw(built), removals)


def test_the_senders_name_removed_leaves_their_dotted_address_alone() -> None:
    """The sender's name removed (a manager's redacted release removes every finding, the
    signature's name too) is not looked for in the dotted address built from it: the copy is
    made with the From address as written, not refused for it, while the same name written
    with full stops in a file name still goes."""
    built = message("Notes are in priya.sharma.notes.docx.\n\nKind regards,\nPriya Sharma")
    del built["From"]
    built["From"] = "Priya Sharma <priya.sharma@riverside.example>"
    result = redacted(raw(built), [Removal("Priya Sharma", "name")])
    assert parse(result)["From"].addresses[0].addr_spec == "priya.sharma@riverside.example"
    assert b"priya.sharma.notes" not in result.lower()


def test_only_display_names_change_in_an_address_field() -> None:
    """A value in a display name is replaced there; every address stays as written."""
    built = message("Nothing here")
    built["Cc"] = "Amina Okafor <carers.team@riverside.example>, colleague@carers.example"
    result = redacted(raw(built), [NAME])
    cc = parse(result)["Cc"]
    assert [a.addr_spec for a in cc.addresses] == [
        "carers.team@riverside.example",
        "colleague@carers.example",
    ]
    assert cc.addresses[0].display_name == GONE


@pytest.mark.parametrize("value", ["07700 900461", "+447700900461"])
def test_a_uk_phone_number_goes_in_both_its_forms(value: str) -> None:
    """A phone number found in one form is removed in the other too, in a tel: link as well."""
    html = '<p>Call 07700 900461</p><a href="tel:+447700900461">or +44 (0)7700 900461</a>'
    built = message()
    built.set_content(html, subtype="html")
    result = redacted(raw(built), [Removal(value, "phone number")])
    assert "7700" not in body(result, "html")
