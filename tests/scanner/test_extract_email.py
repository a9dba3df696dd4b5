"""Email messages: headers, bodies, attachments, forwarded messages and damaged MIME."""

from __future__ import annotations

import base64
import io
import zipfile

import docx
import pytest
from fpdf import FPDF

from scanner.extract import extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.segments import Extraction

LIMITS = ScanLimits()


def read_message(data: bytes, limits: ScanLimits = LIMITS) -> Extraction:
    """``data`` read as a message alone, as the relay reads what arrives by SMTP."""
    return extract(data, limits, kind=FileType.EMAIL)


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("list.txt", "Jane Smith 07700 900123")
    return buffer.getvalue()


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")


def _texts(extraction: Extraction) -> dict[str, str]:
    """Location -> text (texts at one location joined)."""
    found: dict[str, str] = {}
    for segment in extraction.segments:
        found[segment.location] = found.get(segment.location, "") + segment.text
    return found


SIMPLE = b"""From: "Jane Smith (carer)" <jane@example.org>
To: Amina Begum <amina@example.org>, bob@example.org
Cc: undisclosed-recipients:;
Subject: Referral for Amina
Comments: about the visit on Monday
Keywords: safeguarding
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Please call 07700 900123.
"""

ENCODED_WORDS = b"""From: =?utf-8?q?Zo=C3=AB_Kov=C3=A1cs?= <zoe@example.org>
To: x@example.org
Subject: =?iso-8859-1?q?Caf=E9_r=E9union?= =?utf-8?b?4pyT?=
Content-Type: text/plain; charset=us-ascii

body
"""

WRONG_CHARSET = (
    b"From: a@example.org\nSubject: charset\nContent-Type: text/plain; charset=us-ascii\n"
    b"Content-Transfer-Encoding: 8bit\n\nRen\xc3\xa9e Dupont\n"
)

UNKNOWN_CHARSET = (
    b"From: a@example.org\nSubject: =?x-unknown?q?R=E9sum=E9?=\n"
    b"Content-Type: text/plain; charset=x-no-such-charset\n"
    b"Content-Transfer-Encoding: 8bit\n\nRen\xe9e Dupont\n"
)

NESTED = f"""From: a@example.org
To: b@example.org
Subject: nested
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8

Plain body for Amina.
--inner
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>HTML body for <b>Amina</b></p><script>alert(1)</script></body></html>
--inner--
--outer
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document
Content-Disposition: attachment; filename="notes.docx"
Content-Transfer-Encoding: base64

{_b64(_docx_bytes("Case notes: NHS 485 777 3456"))}
--outer
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="list.zip"
Content-Transfer-Encoding: base64

{_b64(_zip_bytes())}
--outer
Content-Type: text/plain
Content-Disposition: attachment; filename="disguised.txt"
Content-Transfer-Encoding: base64

{_b64(_pdf_bytes("PDF text about Amina"))}
--outer--
""".encode()

FORWARDED = b"""From: a@example.org
Subject: Fwd: visit
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

See below.
--b1
Content-Type: message/rfc822

From: Jane Smith <jane@example.org>
Subject: visit notes
Content-Type: text/html; charset=utf-8

<p>Visited John Carter at home.</p>
--b1--
"""

RFC2231 = b"""From: a@example.org
Subject: filenames
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain
Content-Disposition: attachment;
 filename*=utf-8''Zo%C3%AB%20Kov%C3%A1cs%20notes.txt

Attachment text
--b
Content-Type: text/plain
Content-Disposition: attachment; filename="=?utf-8?q?R=C3=A9sum=C3=A9.txt?="

Second attachment
--b--
"""

MISSING_BOUNDARY = b"""From: a@example.org
Subject: cut off
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="never-closed"

--never-closed
Content-Type: text/plain

Text before the end of the world: Jane Smith
"""

NO_BOUNDARY_PARAMETER = b"""From: a@example.org
Subject: no boundary
Content-Type: multipart/mixed

--x
Content-Type: text/plain

Text in a multipart without a boundary
"""

UNDECODED_QP = (
    b"From: a@example.org\nSubject: qp\nContent-Type: text/plain\n\n"
    b"Call Jane on 07700 9=\n00123 =3D urgent\n"
)

PGP = b"""From: a@example.org
Subject: secret
MIME-Version: 1.0
Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="p"

--p
Content-Type: application/pgp-encrypted

Version: 1
--p
Content-Type: application/octet-stream

-----BEGIN PGP MESSAGE-----
hQEMAxxxxxxxxxxxxx
-----END PGP MESSAGE-----
--p--
"""


@pytest.mark.parametrize(
    ("message", "location", "expected"),
    [
        pytest.param(SIMPLE, "subject", "Referral for Amina", id="subject"),
        pytest.param(SIMPLE, "from", "Jane Smith (carer)", id="from display name"),
        pytest.param(SIMPLE, "to", "Amina Begum", id="to display name"),
        pytest.param(SIMPLE, "comments", "about the visit on Monday", id="comments"),
        pytest.param(SIMPLE, "keywords", "safeguarding", id="keywords"),
        pytest.param(SIMPLE, "body (text/plain)", "Please call 07700 900123.", id="body"),
        pytest.param(ENCODED_WORDS, "subject", "Café réunion✓", id="encoded-word subject"),
        pytest.param(ENCODED_WORDS, "from", "Zoë Kovács", id="encoded-word name"),
        pytest.param(WRONG_CHARSET, "body (text/plain)", "Renée Dupont", id="utf-8 sent as ascii"),
        pytest.param(UNKNOWN_CHARSET, "body (text/plain)", "Renée Dupont", id="unknown charset"),
        pytest.param(UNKNOWN_CHARSET, "subject", "Résumé", id="unknown header charset"),
        pytest.param(NESTED, "body (text/plain)", "Plain body for Amina.", id="alternative plain"),
        pytest.param(NESTED, "body (text/html)", "HTML body for Amina", id="alternative html"),
        pytest.param(
            NESTED, "attachment 1 'notes.docx' / body", "NHS 485 777 3456", id="docx attachment"
        ),
        pytest.param(
            NESTED, "attachment 3 'disguised.txt' / page 1", "PDF text about Amina", id="sniffed"
        ),
        pytest.param(NESTED, "attachment 1 'notes.docx' / file name", "notes.docx", id="name"),
        pytest.param(FORWARDED, "body (text/plain)", "See below.", id="forwarding body"),
        pytest.param(FORWARDED, "forwarded message / subject", "visit notes", id="fwd subject"),
        pytest.param(FORWARDED, "forwarded message / from", "Jane Smith", id="fwd from"),
        pytest.param(
            FORWARDED, "forwarded message / from", "jane@example.org", id="fwd from address"
        ),
        pytest.param(
            FORWARDED,
            "forwarded message / body (text/html)",
            "Visited John Carter at home.",
            id="forwarded html body",
        ),
        pytest.param(
            RFC2231,
            "attachment 1 'Zoë Kovács notes.txt'",
            "Attachment text",
            id="rfc 2231 filename",
        ),
        pytest.param(
            RFC2231, "attachment 2 'Résumé.txt'", "Second attachment", id="rfc 2047 filename"
        ),
        pytest.param(
            MISSING_BOUNDARY,
            "body (text/plain)",
            "Text before the end of the world: Jane Smith",
            id="missing closing boundary",
        ),
        pytest.param(
            NO_BOUNDARY_PARAMETER,
            "attachment 1",
            "Text in a multipart without a boundary",
            id="multipart without boundary",
        ),
        pytest.param(
            UNDECODED_QP, "body (text/plain)", "Call Jane on 07700 900123 = urgent", id="raw qp"
        ),
    ],
)
def test_email_text(message: bytes, location: str, expected: str) -> None:
    """Each place in a message is read as text at a location that says where it was."""
    extraction = read_message(message, LIMITS)
    assert extraction.kind == "email"
    texts = _texts(extraction)
    assert location in texts, sorted(texts)
    assert expected in texts[location]


OTHER_FIELDS = b"""From: a@example.org
To: b@example.org
Subject: nothing
X-Patient: NHS number 943 476 5919
X-Original-Subject: Referral for Amina Begum
X-MS-Exchange-Organization-Subject: Jane Smith visit
X-MS-Exchange-Organization-Network-Message-Id: 943 476 5919
Received: from host (07700 900123)
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

body
--b
Content-Type: application/octet-stream; name="Amina Begum notes.bin"
Content-Disposition: attachment; filename="notes.bin"
Content-Description: Care plan for John Carter
Content-ID: <x@example.org>

data
--b
Content-Type: message/external-body; access-type=URL;
 URL="https://example.org/files?nhs=4010232137"

Content-Type: text/plain

--b--
"""


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("headers / X-Patient", "NHS number 943 476 5919"),
        ("headers / X-Original-Subject", "Referral for Amina Begum"),
        ("headers / X-MS-Exchange-Organization-Subject", "Jane Smith visit"),
        (
            "MIME part (application/octet-stream) / headers / Content-Description",
            "Care plan for John Carter",
        ),
        (
            "MIME part (application/octet-stream) / headers / content-type name",
            "Amina Begum notes.bin",
        ),
        (
            "MIME part (message/external-body) / headers / content-type url",
            "https://example.org/files?nhs=4010232137",
        ),
    ],
)
def test_every_free_text_header_field_is_read(location: str, expected: str) -> None:
    """Header fields beyond the Subject and addresses (X- fields, a part's description, a
    Content-Type name unlike the file name, an external body's URL) are read as text."""
    texts = _texts(read_message(OTHER_FIELDS))
    assert expected in texts.get(location, ""), sorted(texts)


HTML_PLACES = b"""From: a@example.org
To: b@example.org
Subject: form
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><form action="https://x.example/f?nhs=4010232137&amp;tel=07700900461">
<textarea>NHS 943 476 5919</textarea><input type="hidden" value="Jane Smith">
<select><option>Amina Begum</option></select></form>
<a href="tel:+447700900462">call</a>
<a href="mailto:jones@x.example?subject=Referral%20for%20John%20Carter">write</a>
<img src="https://x.example/p.gif?who=Zo%C3%AB%20Kov%C3%A1cs">
</body></html>
"""


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("body (text/html)", "NHS 943 476 5919\n"),
        ("body (text/html)", "\nAmina Begum"),
        ("body (text/html) / hidden text", "Jane Smith"),
        ("body (text/html) / links", "nhs 4010232137 tel 07700900461"),
        ("body (text/html) / links", "tel:+447700900462"),
        ("body (text/html) / links", "subject Referral for John Carter"),
        ("body (text/html) / links", "who Zoë Kovács"),
    ],
)
def test_html_places_a_reader_does_not_see_are_read(location: str, expected: str) -> None:
    """Form fields (a textarea and an option on lines of their own, an input's value) and the
    targets of links, forms and images, percent-decoded, are read as text."""
    texts = _texts(read_message(HTML_PLACES))
    assert expected in texts.get(location, ""), sorted(texts.items())


HTML_ATTRIBUTES = b"""From: a@example.org
To: b@example.org
Subject: attributes
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html xmlns:o="urn:schemas-microsoft-com:office:office"><body lang=EN-GB>
<div class=WordSection1 id=main data-client="Jane Smith NHS 943 476 5919">Hi</div>
<span aria-label="mobile 07700 900461" style="color:#1F4E79;mso-fareast-language:EN-GB">x</span>
<p>Please call <a href="tel:07700900462" target=_blank>Amina Begum</a>.</p>
<a href="https://wa.me/447700900463">WhatsApp</a>
<img width=220 height=60
 srcset="https://x.example/a.png?nhs=9434765919 1x, b.png?n=Zo%C3%AB+Kov%C3%A1cs 2x">
<p style="background:url(https://x.example/a.png?name=John%20Carter&amp;tel=07700900464)">y</p>
</body></html>
"""


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("body (text/html) / hidden text", "Jane Smith NHS 943 476 5919"),
        ("body (text/html) / hidden text", "mobile 07700 900461 x"),
        ("body (text/html) / links", "tel:07700900462 Amina Begum"),
        ("body (text/html) / links", "https://wa.me/447700900463 WhatsApp"),
        ("body (text/html) / links", "nhs 9434765919 1x, b.png n Zoë Kovács 2x"),
        ("body (text/html) / links", "name John Carter tel 07700900464"),
        ("body (text/html) / style and script", "mso-fareast-language:EN-GB"),
    ],
)
def test_every_html_attribute_with_text_is_read(location: str, expected: str) -> None:
    """Every attribute's value is read (data-*, aria-label, srcset, a style's ``url()``),
    URLs decoded, with the words of the link or element they are on beside them."""
    texts = _texts(read_message(HTML_ATTRIBUTES))
    assert expected in texts.get(location, ""), sorted(texts.items())


def test_html_attributes_of_layout_are_not_read() -> None:
    """Class names, ids, sizes, languages, link targets and namespaces are no text."""
    texts = _texts(read_message(HTML_ATTRIBUTES))
    hidden = texts["body (text/html) / hidden text"] + texts["body (text/html) / links"]
    for layout in ("WordSection1", "main", "EN-GB", "_blank", "220", "urn:schemas"):
        assert layout not in hidden


def test_only_the_outer_address_fields_are_read_for_names_alone() -> None:
    """The message's own From is its envelope (names only); a forwarded one's is content."""
    texts = _texts(read_message(FORWARDED, LIMITS))
    assert "a@example.org" not in texts.get("from", "")
    assert "jane@example.org" in texts["forwarded message / from"]


def test_machine_made_header_fields_are_not_read() -> None:
    """Trace fields and Exchange's internal ids are not read: they would give false findings."""
    texts = "\n".join(_texts(read_message(OTHER_FIELDS)))
    assert "Received" not in texts
    assert "Network-Message-Id" not in texts
    assert "Content-ID" not in texts
    assert "content-type boundary" not in texts


@pytest.mark.parametrize(
    ("message", "reasons"),
    [
        pytest.param(SIMPLE, (), id="simple"),
        pytest.param(FORWARDED, (), id="forwarded"),
        pytest.param(MISSING_BOUNDARY, (), id="missing boundary"),
        pytest.param(
            NESTED,
            ("attachment 2 'list.zip' is of a type confide cannot read (zip archive)",),
            id="zip attachment",
        ),
        pytest.param(
            PGP, ("attachment 2 contains a PGP-encrypted message",), id="pgp encrypted part"
        ),
    ],
)
def test_email_unscannable(message: bytes, reasons: tuple[str, ...]) -> None:
    """What cannot be read (an archive, ciphertext) is named, and nothing else is."""
    assert read_message(message, LIMITS).unscannable == reasons


def test_html_body_drops_scripts() -> None:
    """Scripts in an HTML body are not text."""
    assert "alert" not in _texts(read_message(NESTED, LIMITS))["body (text/html)"]


def _deep(levels: int) -> bytes:
    head = b"From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n"
    body = b"Content-Type: text/plain\n\ninnermost text\n"
    for level in range(levels):
        boundary = f"b{level}".encode()
        body = (
            b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\n\n--' + boundary
            + b"\n" + body + b"--" + boundary + b"--\n"
        )  # fmt: skip
    return head + body


def _many_attachments(count: int) -> bytes:
    parts = b"".join(
        b'--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename="a%d.txt"\n\n'
        b"attachment %d\n" % (number, number)
        for number in range(1, count + 1)
    )
    return (
        b"From: a@example.org\nSubject: many\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n' + parts + b"--b--\n"
    )


@pytest.mark.parametrize(
    ("message", "limits", "reason", "unread"),
    [
        pytest.param(
            _deep(5),
            ScanLimits(max_mime_depth=3),
            "is nested more than 3 levels deep; it was not read",
            "innermost text",
            id="depth",
        ),
        pytest.param(
            _many_attachments(10),
            ScanLimits(max_mime_parts=4),
            "the message has more than 4 MIME parts; the rest were not read",
            "attachment 4",
            id="parts",
        ),
    ],
)
def test_email_bounds(message: bytes, limits: ScanLimits, reason: str, unread: str) -> None:
    """MIME depth and part count are bounded; past a bound nothing more is read."""
    extraction = read_message(message, limits)
    assert any(reason in r for r in extraction.unscannable), extraction.unscannable
    assert all(unread not in s.text for s in extraction.segments)


def test_email_within_bounds_is_read() -> None:
    """The same deep message is read whole when it is within the bound."""
    extraction = read_message(_deep(5), LIMITS)
    assert extraction.unscannable == ()
    assert any("innermost text" in s.text for s in extraction.segments)


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(b"From: a\nSubject: =?utf-8?b?!!!notbase64?=\n\nbody", id="bad encoded word"),
        pytest.param(b'From: <<<@@@>>>, "unterminated\nSubject: x\n\nbody', id="bad address"),
        pytest.param(
            b"From: a\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!*",
            id="bad base64",
        ),
        pytest.param(
            b"From: a\nContent-Type: multipart/mixed; boundary=x\n\n--x\n--x\n--x--", id="empty"
        ),
        pytest.param(b"From: a\nSubject: \xff\xfe raw 8-bit \xe9\n\nbody \x00", id="8-bit header"),
        pytest.param(b"From: a\nContent-Type: message/rfc822\n\n", id="empty forwarded message"),
        pytest.param(
            b"From: a\nContent-Type: text/plain; charset*=bogus''%ZZ\n\nbody",
            id="bad rfc 2231 parameter",
        ),
    ],
)
def test_damaged_messages_do_not_raise(message: bytes) -> None:
    """Damaged messages come back as an extraction; whatever is readable is read."""
    assert isinstance(read_message(message, LIMITS), Extraction)


def test_eight_bit_subject_is_decoded() -> None:
    """A raw UTF-8 subject (no encoded words) is read as UTF-8."""
    message = "From: a@example.org\nSubject: Renée Dupont\n\nbody".encode()
    assert _texts(read_message(message, LIMITS))["subject"] == "Renée Dupont"


def test_location_prefix_for_nested_email() -> None:
    """A message attached to a message is read under the attachment's location."""
    inner = SIMPLE
    outer = (
        b"From: b@example.org\nSubject: outer\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="o"\n\n'
        b"--o\nContent-Type: application/octet-stream\n"
        b'Content-Disposition: attachment; filename="m.eml"\n'
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(inner) + b"--o--\n"
    )
    texts = _texts(read_message(outer, LIMITS))
    assert texts["attachment 1 'm.eml' / subject"] == "Referral for Amina"


# --- Messages the stdlib parser reads differently from a mail program: fail closed. ---

CASE_NOTES = "NHS 943 476 5919, born 14/03/2012, subject to a child protection plan"
CASE_NOTES_B64 = _b64(CASE_NOTES.encode())


def _with_base64_part(top: bytes = b"", headers: bytes = b"") -> bytes:
    """A message whose only personal data is in a base64 text part."""
    return (
        top + b"From: a@example.org\r\nTo: b@example.net\r\nSubject: notes\r\n" + headers
        + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        b"--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + CASE_NOTES_B64.encode() + b"\r\n--b--\r\n"
    )  # fmt: skip


LONG_HEADERS = b"".join(b"X-Filler-%d: %s\r\n" % (n, b"x" * 70) for n in range(1000))


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(_with_base64_part(b" \r\n"), id="first line is white space"),
        pytest.param(_with_base64_part(b"\t\r\n"), id="first line is a tab"),
        pytest.param(_with_base64_part(headers=LONG_HEADERS), id="header block over 64 KiB"),
    ],
)
def test_base64_part_is_decoded_however_the_message_starts(message: bytes) -> None:
    """What arrives by SMTP is parsed as a message, and a file that may be one is read as one
    too: the base64 part is decoded either way."""
    assert len(message) > 64 * 1024 or message[:1] in b" \t"
    for extraction in (read_message(message), extract(message, LIMITS)):
        assert any(CASE_NOTES in s.text for s in extraction.segments), extraction.segments
        assert extraction.unscannable == ()


def test_a_file_that_may_be_a_message_keeps_its_text_reading() -> None:
    """Read both ways, the item keeps the text reading's segment as well as the decoded part."""
    extraction = extract(_with_base64_part(headers=LONG_HEADERS), LIMITS)
    locations = {s.location for s in extraction.segments}
    assert "text" in locations
    assert "attachment 1 / body (text/plain)" not in locations  # an attachment, read nested
    assert any(CASE_NOTES in s.text for s in extraction.segments if s.location != "text")


def _part(cte: bytes, body: bytes, content_type: bytes = b"text/plain") -> bytes:
    return (
        b"From: a@example.org\r\nSubject: notes\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: " + content_type + b"\r\nContent-Transfer-Encoding: " + cte + b"\r\n\r\n"
        + body + b"\r\n--b--\r\n"
    )  # fmt: skip


PARTS_NOT_FOUND = "could not be found (it has no boundary, or its boundary never appears)"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        pytest.param(
            b'From: a@example.org\r\nContent-Type: multipart/mixed; boundary="nowhere"\r\n\r\n'
            b"--elsewhere\r\nContent-Transfer-Encoding: base64\r\n\r\n" + CASE_NOTES_B64.encode(),
            f"the message is a multipart whose parts {PARTS_NOT_FOUND}",
            id="start boundary not found",
        ),
        pytest.param(
            b"From: a@example.org\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + CASE_NOTES_B64.encode() + b"--x--\r\n",
            f"the message is a multipart whose parts {PARTS_NOT_FOUND}",
            id="no boundary parameter",
        ),
        pytest.param(
            # Data after padding: the stdlib stops at "TQ==", a line-by-line decoder does not.
            _part(b"base64", b"TQ==\r\n" + CASE_NOTES_B64.encode()),
            "MIME part (text/plain) has base64 text that goes on after its padding",
            id="base64 after padding",
        ),
        pytest.param(
            _part(b"base64", CASE_NOTES.encode()),
            "MIME part (text/plain) has text that is not base64 where base64 was declared",
            id="prose declared base64",
        ),
        pytest.param(
            _part(b"base64", b"TkhTIDk0MyA0NzYgNTkxO"),
            "MIME part (text/plain) has base64 text of an impossible length",
            id="base64 of impossible length",
        ),
        pytest.param(
            _part(b"x-secret-sauce", CASE_NOTES_B64.encode()),
            "MIME part (text/plain) has a transfer encoding confide does not know",
            id="unknown transfer encoding",
        ),
        pytest.param(
            b"From: a@example.org\r\nSubject: notes\r\nthis line is not a header field\r\n"
            b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + CASE_NOTES_B64.encode() + b"--b--\r\n",
            "the message has a line that is not a header field inside its header block",
            id="header block broken by a line",
        ),
        pytest.param(
            _part(b"base64", base64.encodebytes(SIMPLE), b"message/rfc822"),
            "MIME part (message/rfc822) is a forwarded message with a transfer encoding",
            id="base64 forwarded message",
        ),
        pytest.param(
            b'From: a@example.org\r\nContent-Type: message/partial; id="x"; number=2; total=2'
            b"\r\n\r\n" + CASE_NOTES_B64.encode(),
            "the message is one piece of a message sent in several (message/partial)",
            id="message in pieces",
        ),
        pytest.param(
            b"From: a@example.org\r\nSubject: notes\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n"
            b"hQEMAxxxxxxxxxxxxx\r\n-----END PGP MESSAGE-----\r\n",
            "body (text/plain) contains a PGP-encrypted message",
            id="inline pgp body",
        ),
    ],
)
def test_defects_that_can_hide_content_make_the_message_unscannable(
    message: bytes, reason: str
) -> None:
    """A defect after which another mail program may find or decode content the stdlib parser
    did not is a reason, in plain words and without the content."""
    for extraction in (read_message(message), extract(message, LIMITS)):
        assert any(r.startswith(reason) for r in extraction.unscannable), extraction.unscannable
        assert all("943" not in r for r in extraction.unscannable)


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(MISSING_BOUNDARY, id="closing boundary missing at the end"),
        pytest.param(
            _part(b"base64", CASE_NOTES_B64.strip().rstrip("=").encode()), id="no padding"
        ),
        pytest.param(
            b"From: a@example.org\r\nSubject: notes\r\nno empty line before the body\r\n",
            id="body without an empty line before it",
        ),
        pytest.param(_with_base64_part(b" \r\n"), id="white space first line"),
        pytest.param(_part(b"BASE64", CASE_NOTES_B64.encode()), id="encoding in capitals"),
        pytest.param(
            _part(b"base64", CASE_NOTES_B64.replace("\n", " \t\r\n").encode()),
            id="base64 lines with trailing white space",
        ),
    ],
)
def test_harmless_defects_leave_the_message_scannable(message: bytes) -> None:
    """Defects after which every part is still found and decoded are not reasons."""
    assert read_message(message).unscannable == ()


def test_lines_the_parser_drops_are_read() -> None:
    """A folded first line and a stray From line among the header fields are dropped by the
    parser; their text is read."""
    message = (
        b" Jane Smith 07700 900123\r\nFrom: a@example.org\r\n"
        b"From 943 476 5919 stray line\r\nSubject: notes\r\n\r\nbody\r\n"
    )
    texts = _texts(read_message(message))
    assert "Jane Smith 07700 900123" in texts["headers / dropped line"]
    assert "943 476 5919" in texts["headers / dropped line"]


def test_text_around_the_parts_is_read() -> None:
    """The preamble and epilogue of a multipart are text that is sent, so they are read."""
    message = (
        b'From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"'
        b"\r\n\r\nPreamble about Jane Smith\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        b"--b--\r\nEpilogue: NHS 943 476 5919\r\n"
    )
    texts = _texts(read_message(message))
    assert "Jane Smith" in texts["preamble (multipart/mixed)"]
    assert "943 476 5919" in texts["epilogue (multipart/mixed)"]


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(
            b"\r\nFrom: a@example.org\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + CASE_NOTES_B64.encode(),
            id="a blank first line: the headers are body text",
        ),
        pytest.param(
            b"From: a@example.org\r\nContent-Transfer-Encodi\x0bng: base64\r\n\r\n"
            + CASE_NOTES_B64.encode(),
            id="a control byte in the header's name",
        ),
        pytest.param(
            b"From: a@example.org\r\nSubject: notes\r\n\r\nThe notes are "
            + CASE_NOTES_B64.replace("\n", "").encode()
            + b" as agreed.\r\n",
            id="a base64 word in prose",
        ),
    ],
)
def test_base64_text_that_nobody_decoded_is_read(message: bytes) -> None:
    """A body whose transfer encoding was lost reaches the recipient as base64 that anyone
    can decode: its text is read too, at a location that says so."""
    extraction = extract(message, LIMITS, kind=FileType.EMAIL)
    decoded = [s for s in extraction.segments if s.location.endswith("base64 text")]
    assert [s.text for s in decoded] == [CASE_NOTES]


def test_base64_of_something_other_than_text_is_left_alone() -> None:
    """An image or archive pasted as base64 is not text: no segment is made of it."""
    pasted = base64.encodebytes(bytes(range(256)) * 4).decode()
    message = f"From: a@example.org\r\nSubject: logo\r\n\r\n{pasted}".encode()
    extraction = extract(message, LIMITS, kind=FileType.EMAIL)
    assert not [s for s in extraction.segments if s.location.endswith("base64 text")]


def test_each_header_field_is_parsed_once(monkeypatch):
    """Reading a part asks for its Content-Type many times; the field is parsed once, and
    what is read is what reading it each time gave."""
    from email.policy import EmailPolicy

    parsed: list[tuple[str, str]] = []
    parse = EmailPolicy.header_fetch_parse

    def counted(policy: EmailPolicy, name: str, value: str) -> str:
        parsed.append((name.lower(), value))
        return parse(policy, name, value)

    monkeypatch.setattr(EmailPolicy, "header_fetch_parse", counted)
    message = (
        b"From: Ana Obi <ana@example.org>\r\nSubject: rota\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nRing Amina on 07700 900123.\r\n--b\r\n"
        b'Content-Type: text/plain; name="notes.txt"\r\nContent-Disposition: attachment; '
        b'filename="notes.txt"\r\n\r\nAmina Okafor, 14 Mill Lane\r\n--b--\r\n'
    )
    extraction = read_message(message)
    texts = [s.text for s in extraction.segments]
    assert "Ring Amina on 07700 900123." in "".join(texts)
    assert "Amina Okafor, 14 Mill Lane" in "".join(texts)
    assert len(parsed) == len(set(parsed))
