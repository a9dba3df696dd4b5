"""Text the recipient's program shows but a raw reading of the bytes misses (hostile test 2):
declared charsets, RTF escapes, vCard and iCalendar encodings, SVG text split by tspans,
Word symbol runs, Excel number-format literals, CHAR() formulas, PDF annotation appearances,
CSS attr() and bidi overrides. Each is read as shown, or the item is unscannable (held for
an external recipient); ordinary files of the same kinds are read without a reason."""

from __future__ import annotations

import base64
import io
import unicodedata

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from scanner.extract import extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.segments import Extraction
from scanner.unscannable import kinds

LIMITS = ScanLimits()
NHS = "999 234 5675"
HEAD = (
    b"From: Staff <staff@riverside.example>\nTo: someone@external.example\n"
    b"Subject: notes\nMIME-Version: 1.0\n"
)


def _shown(extraction: Extraction) -> str:
    """Every segment's text as detection compares it (full-width digits read as digits)."""
    return unicodedata.normalize("NFKC", "\n".join(s.text for s in extraction.segments))


def _message(body: bytes, content_type: str, encoding: str = "8bit") -> Extraction:
    raw = HEAD + (
        f"Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n".encode()
        + body
        + b"\n"
    )
    return extract(raw, LIMITS, kind=FileType.EMAIL)


def _attached(data: bytes, content_type: str, name: str) -> Extraction:
    """A message with ``data`` attached (base64) as ``name``."""
    encoded = base64.encodebytes(data)
    raw = HEAD + (
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
        b"See attached.\n--b\n"
        + f"Content-Type: {content_type}\nContent-Disposition: attachment; "
        f'filename="{name}"\nContent-Transfer-Encoding: base64\n\n'.encode()
        + encoded
        + b"--b--\n"
    )
    return extract(raw, LIMITS, kind=FileType.EMAIL)


# -- 1. Declared charsets ------------------------------------------------------------------

ISO_2022_JP = "NHS number ９９９ ２３４ ５６７５".encode("iso-2022-jp")
UTF_7 = f"NHS number {NHS}, Siobhan".encode("utf-7").replace(b"999", b"+ADkAOQA5-")


@pytest.mark.parametrize(
    ("body", "charset"),
    [
        pytest.param("Café. ".encode() + ISO_2022_JP, "iso-2022-jp", id="iso-2022-jp + é"),
        pytest.param("Café. ".encode() + UTF_7, "utf-7", id="utf-7 + é"),
    ],
)
def test_body_is_decoded_with_its_exact_charset_as_well_as_utf8(body: bytes, charset: str) -> None:
    """A body in ISO-2022-JP or UTF-7 holding one UTF-8 character is read in its declared
    charset (as a mail program shows it), not only as UTF-8: the number it hides is found.
    Being valid UTF-8 (mislabelled UTF-8 is common in real mail), it is not unscannable."""
    extraction = _message(body, f'text/plain; charset="{charset}"')
    assert NHS in _shown(extraction)
    assert "Café" in _shown(extraction)
    assert extraction.unscannable == ()


@pytest.mark.parametrize(
    ("body", "charset"),
    [
        pytest.param(ISO_2022_JP, "iso-2022-jp", id="iso-2022-jp"),
        pytest.param(UTF_7, "utf-7", id="utf-7"),
    ],
)
@pytest.mark.parametrize("disposition", ["attachment", "inline"])
def test_text_attachment_is_read_in_its_declared_charset(
    body: bytes, charset: str, disposition: str
) -> None:
    """A text file attached (or inline with a file name) is read in its declared charset."""
    raw = HEAD + (
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
        b"See attached.\n--b\n"
        + f'Content-Type: text/plain; charset="{charset}"; name="notes.txt"\n'
        f'Content-Disposition: {disposition}; filename="notes.txt"\n'
        "Content-Transfer-Encoding: 7bit\n\n".encode()
        + body
        + b"\n--b--\n"
    )
    extraction = extract(raw, LIMITS, kind=FileType.EMAIL)
    assert NHS in _shown(extraction)
    assert extraction.unscannable == ()


def test_unknown_charset_is_unscannable() -> None:
    """A charset confide cannot decode is not guessed at: the item is unscannable."""
    extraction = _message(b"NHS +ADk-", 'text/plain; charset="x-secret-7"')
    assert kinds(extraction.unscannable) == ("unsupported",)


@pytest.mark.parametrize(
    ("body", "charset", "expected"),
    [
        pytest.param("Café".encode(), "utf-8", "Café", id="utf-8"),
        pytest.param("Café".encode("latin-1"), "iso-8859-1", "Café", id="iso-8859-1"),
        pytest.param("Café".encode(), "iso-8859-1", "Café", id="utf-8 labelled latin-1"),
        pytest.param("Café".encode(), "us-ascii", "Café", id="utf-8 labelled ascii"),
        pytest.param("Café".encode("cp1252"), "unknown-8bit", "Café", id="unknown-8bit"),
    ],
)
def test_ordinary_bodies_read_as_before(body: bytes, charset: str, expected: str) -> None:
    """Ordinary and commonly mislabelled bodies decode as before, with no reason."""
    extraction = _message(body, f"text/plain; charset={charset}")
    assert expected in _shown(extraction)
    assert extraction.unscannable == ()


# -- 2. Markup read as raw text ------------------------------------------------------------

RTF_HEX = (
    rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}\f0 Client: \'53iobh\'e1n O\rquote "
    rb"Neill\par NHS number: \'39\'39\'39 \'32\'33\'34 \u53?\'36\'37\'35\par}"
)


def test_rtf_escapes_are_read_as_shown() -> None:
    """An RTF file whose letters and digits are \\'hh and \\uN escapes is read as Word shows
    it."""
    extraction = _attached(RTF_HEX, "application/rtf", "letter.rtf")
    assert f"Siobhán O'Neill\nNHS number: {NHS}" in _shown(extraction)
    assert extraction.unscannable == ()


def test_rtf_with_an_embedded_object_is_unscannable() -> None:
    """An RTF file with a picture or object (not read) is unscannable."""
    data = RTF_HEX[:-1] + rb"{\*\objdata 01050000020000000b000000}}"
    assert kinds(_attached(data, "application/rtf", "letter.rtf").unscannable) == ("unsupported",)


VCARD_QP = (
    b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Emergency contact\r\n"
    b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=43=6C=69=65=6E=74=3A=20=53=69=6F=62=68=61=\r\n"
    b"=6E=20=4E=48=53=20=39=39=39=20=32=33=34=20=35=36=37=35\r\nEND:VCARD\r\n"
)


def test_vcard_quoted_printable_values_are_decoded() -> None:
    """A vCard 2.1 quoted-printable value (with a soft line break) is read decoded."""
    extraction = _attached(VCARD_QP, "text/x-vcard", "contact.vcf")
    assert f"Client: Siobhan NHS {NHS}" in _shown(extraction)


def _pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def _calendar(attach: str = "") -> bytes:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "METHOD:REQUEST", "BEGIN:VEVENT", "UID:a@b",
        "DTSTART:20261210T100000Z", "SUMMARY:Review meeting", *([attach] if attach else []),
        "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    return "\r\n".join(lines).encode() + b"\r\n"


def test_icalendar_base64_attachment_is_read_as_a_file() -> None:
    """A PDF embedded in an invitation (ATTACH;ENCODING=BASE64, folded) is read as a file."""
    encoded = base64.b64encode(_pdf(f"Referral: NHS number {NHS}")).decode()
    value = "ATTACH;FMTTYPE=application/pdf;ENCODING=BASE64;VALUE=BINARY;X-FILENAME=r.pdf:"
    folded = "\r\n ".join((value + encoded)[i : i + 74] for i in range(0, len(value + encoded), 74))
    extraction = _attached(_calendar(folded), "text/calendar", "invite.ics")
    assert f"NHS number {NHS}" in _shown(extraction)
    assert extraction.unscannable == ()


def test_icalendar_with_undecodable_base64_is_unscannable() -> None:
    """An embedded file whose base64 does not decode makes the item unscannable."""
    extraction = _attached(
        _calendar("ATTACH;ENCODING=BASE64;VALUE=BINARY:%%%%"), "text/calendar", "i.ics"
    )
    assert kinds(extraction.unscannable) == ("damaged",)


def test_ordinary_invitation_has_no_reason() -> None:
    """An invitation without attachments is read with no reason."""
    extraction = _attached(_calendar(), "text/calendar", "invite.ics")
    assert "Review meeting" in _shown(extraction)
    assert extraction.unscannable == ()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="80"><text x="10" y="30">'
    b"Client: <tspan>Sio</tspan><tspan>bhan</tspan></text><text x='10' y='70'>NHS number "
    b"<tspan>99</tspan><tspan>9 2</tspan><tspan>34 56</tspan><tspan>75</tspan></text></svg>"
)


def test_svg_text_is_read_joined_across_tspans() -> None:
    """An attached SVG is read as a browser draws it: tspans joined within their text."""
    extraction = _attached(SVG, "image/svg+xml", "chart.svg")
    assert f"NHS number {NHS}" in _shown(extraction)
    assert "Client: Siobhan" in _shown(extraction)


# -- 3. Text the application shows ---------------------------------------------------------


def test_pdf_annotation_appearance_text_is_read() -> None:
    """A PDF annotation whose /Contents is empty but whose appearance stream draws text is
    read as it is drawn, and so is its rich text (/RC)."""
    reader = PdfReader(io.BytesIO(_pdf("Minutes of the meeting.")))
    writer = PdfWriter()
    writer.append(reader)
    stream = StreamObject()
    stream.set_data(f"BT /F1 12 Tf 5 20 Td (NHS number {NHS}) Tj ET".encode())
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [FloatObject(0), FloatObject(0)] * 1 + [FloatObject(400), FloatObject(40)]
            ),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
            ),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FreeText"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 500, 450, 540)]),
            NameObject("/F"): NumberObject(4),
            NameObject("/Contents"): TextStringObject(""),
            NameObject("/RC"): TextStringObject("<body><p>Siobhan <span>O'Neill</span></p></body>"),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(stream)}),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    output = io.BytesIO()
    writer.write(output)
    extraction = extract(output.getvalue(), LIMITS)
    assert f"NHS number {NHS}" in _shown(extraction)
    assert "Siobhan O'Neill" in _shown(extraction)
    assert extraction.unscannable == ()


def _with_annotation(appearance: dict[str, bytes] | bytes, font: str) -> bytes:
    """A one-page PDF with a widget whose normal appearance draws ``appearance`` (one
    stream, or one per state) in the standard font ``font``."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(_pdf("Minutes of the meeting."))))
    resources = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject(
                {
                    NameObject("/F1"): DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/Font"),
                            NameObject("/Subtype"): NameObject("/Type1"),
                            NameObject("/BaseFont"): NameObject(font),
                        }
                    )
                }
            )
        }
    )

    def stream(data: bytes) -> object:
        made = StreamObject()
        made.set_data(data)
        made.update(
            {
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 20, 20)]),
                NameObject("/Resources"): resources,
            }
        )
        return writer._add_object(made)

    if isinstance(appearance, bytes):
        normal: object = stream(appearance)
    else:
        normal = DictionaryObject({NameObject(k): stream(v) for k, v in appearance.items()})
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 500, 70, 520)]),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): normal}),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(widget)])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_check_box_symbol_appearance_has_no_reason() -> None:
    """A check box whose states draw a ZapfDingbats tick (no letters) is not unscannable;
    a single appearance that shows text that cannot be read is."""
    tick = b"BT /F1 12 Tf 2 2 Td (4) Tj ET"
    check_box = _with_annotation({"/Yes": tick, "/Off": b""}, "/ZapfDingbats")
    assert extract(check_box, LIMITS).unscannable == ()
    unreadable = _with_annotation(b"BT /F1 12 Tf 2 2 Td (4444) Tj ET", "/ZapfDingbats")
    assert kinds(extract(unreadable, LIMITS).unscannable) == ("damaged",)


def test_pdf_with_javascript_is_unscannable() -> None:
    """A PDF with an /OpenAction script is unscannable; an ordinary PDF is not."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(_pdf("Minutes of the meeting."))))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    output = io.BytesIO()
    writer.write(output)
    assert kinds(extract(output.getvalue(), LIMITS).unscannable) == ("unsupported",)
    assert extract(_pdf("Minutes of the meeting."), LIMITS).unscannable == ()


def test_xlsx_number_format_literal_is_read() -> None:
    """A cell whose number format is a quoted literal is read with the literal Excel shows;
    ordinary number and date formats add nothing."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = 1
    sheet["A1"].number_format = f'"NHS number {NHS}"'
    sheet["A2"] = 2.5
    sheet["A2"].number_format = "0.00"
    sheet["A3"] = 45000
    sheet["A3"].number_format = "dd/mm/yyyy"
    output = io.BytesIO()
    workbook.save(output)
    extraction = extract(output.getvalue(), LIMITS)
    assert f"NHS number {NHS}" in _shown(extraction)
    assert extraction.unscannable == ()


def test_xlsx_char_formula_without_a_value_is_worked_out() -> None:
    """A formula spelling text with CHAR() and no cached value is read as Excel shows it."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "=" + "&".join(f"CHAR({ord(c)})" for c in NHS)
    output = io.BytesIO()
    workbook.save(output)
    assert NHS in _shown(extract(output.getvalue(), LIMITS))


def test_csv_char_formula_is_worked_out_or_unscannable() -> None:
    """A CSV cell spelling text with CHAR() is read as shown; one with a computed argument
    is unscannable."""
    spelled = "&".join(f"CHAR({ord(c)})" for c in NHS)
    extraction = _attached(f'Ref,Notes\n1,"={spelled}"\n'.encode(), "text/csv", "list.csv")
    assert NHS in _shown(extraction)
    computed = _attached(b'Ref,Notes\n1,"=CHAR(50+7)&CHAR(57)"\n', "text/csv", "list.csv")
    assert computed.unscannable != ()


def test_docx_symbol_runs_are_read() -> None:
    """Word's symbol runs (w:sym) are read as the characters they show."""
    document = docx.Document()
    paragraph = document.add_paragraph("NHS number ")
    for char in NHS:
        run = paragraph.add_run()
        run._r.append(
            parse_xml(
                '<w:sym xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                f'w:font="Arial" w:char="{ord(char):04X}"/>'
            )
        )
    output = io.BytesIO()
    document.save(output)
    assert f"NHS number {NHS}" in _shown(extract(output.getvalue(), LIMITS))


# -- 4. HTML: CSS and scripts ---------------------------------------------------------------


def test_css_attr_content_is_read() -> None:
    """Attributes a stylesheet shows with content: attr(...) are read as text."""
    html = (
        "<html><head><style>.b::after{content:attr(data-x)}</style></head><body>"
        f'<p>NHS number: <span class="b" data-x="{NHS}"></span></p></body></html>'
    )
    extraction = _message(html.encode(), "text/html; charset=utf-8")
    assert f"\n{NHS}" in _shown(extraction) or _shown(extraction).endswith(NHS)


def test_bidi_override_text_is_read_as_shown() -> None:
    """Text reversed in the markup and shown right to left by CSS is read as shown."""
    style = "unicode-bidi:bidi-override;direction:rtl"
    html = f'<p>DOB: <span style="{style}">0991/70/03</span> Siobhan</p>'
    assert "30/07/1990" in _shown(_message(html.encode(), "text/html; charset=utf-8"))


def test_html_attachment_with_a_writing_script_is_unscannable() -> None:
    """An HTML file whose script writes to the page is unscannable; an Outlook-style
    signature in an HTML body, with no script, is not."""
    codes = ",".join(str(ord(c)) for c in NHS)
    html = f"<html><body><script>document.write(String.fromCharCode({codes}))</script>"
    extraction = _attached(html.encode(), "text/html", "report.html")
    assert extraction.unscannable != ()
    signature = (
        '<html><head><style>p.MsoNormal{margin:0cm;font-family:"Calibri"}</style></head>'
        '<body lang="EN-GB"><div class="WordSection1"><p class="MsoNormal">Kind regards,'
        '</p><p class="MsoNormal"><b>Jo Bloggs</b> | Riverside Carers | 0113 496 0000</p>'
        '<p class="MsoNormal"><img src="cid:image001.png@01D9"></p></div></body></html>'
    )
    assert _message(signature.encode(), "text/html; charset=utf-8").unscannable == ()


def test_east_asian_charsets_are_read_as_their_supersets() -> None:
    """A body labelled gb2312 holding a GBK character is read as mail programs read it
    (GB18030), with no reason."""
    body = "客户 喆 NHS 999 234 5675".encode("gbk")  # 喆 is in GBK, not in GB2312
    extraction = _message(body, "text/plain; charset=gb2312")
    assert "喆" in _shown(extraction)
    assert extraction.unscannable == ()


def test_utf8_labelled_with_an_exact_charset_is_read_both_ways() -> None:
    """UTF-8 labelled as a charset it is not valid in is read as UTF-8 and in the declared
    charset; only bytes valid in neither make it unscannable."""
    extraction = _message("Siobhán NHS 999 234 5675".encode(), "text/plain; charset=iso-2022-jp")
    assert "Siobhán" in _shown(extraction)
    assert extraction.unscannable == ()
    broken = _message(b"NHS 999 234 5675 \xff\xfe\xc3", "text/plain; charset=iso-2022-jp")
    assert kinds(broken.unscannable) == ("damaged",)
