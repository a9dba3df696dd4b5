"""Messages, Word documents and PDFs the transform tests build for themselves."""

from __future__ import annotations

import io
import zipfile
from email import message_from_bytes, policy
from email.message import EmailMessage

import docx
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

ORGANISATION = "Leeds Carers"


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return saved(document)


def saved(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def with_entries(data: bytes, entries: dict[str, bytes]) -> bytes:
    """The zip ``data`` with ``entries`` added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in entries:
                archive.writestr(info, source.read(info))
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


def pdf_bytes(*pages: str, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(w=0, text=text)
    data = bytes(pdf.output())
    if password is None:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def message(
    text: str = "Plain body",
    html: str | None = None,
    subject: str = "Referral",
    attachments: tuple[tuple[bytes, str, str, str], ...] = (),
) -> EmailMessage:
    """A message with a plain body, an HTML alternative when given, and attachments given as
    ``(data, maintype, subtype, filename)``."""
    built = EmailMessage()
    built["From"] = "Jane Smith <jane@example.org>"
    built["To"] = "agency@agency.example"
    built["Subject"] = subject
    built.set_content(text)
    if html is not None:
        built.add_alternative(html, subtype="html")
    for data, maintype, subtype, filename in attachments:
        built.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return built


def raw(built: EmailMessage) -> bytes:
    return built.as_bytes(policy=policy.SMTP)


def parse(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def with_raw_subject(subject: str) -> bytes:
    """A raw message whose Subject field is ``subject`` exactly as given (encoded words)."""
    return (
        b"From: jane@example.org\r\nTo: agency@agency.example\r\n"
        b"Subject: " + subject.encode("ascii") + b"\r\n\r\nBody\r\n"
    )


def field_names(data: bytes) -> list[bytes]:
    """The names of the header fields of a raw message, lower case, as they are on the wire."""
    lines = data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    return [line.split(b":", 1)[0].lower() for line in lines if line[:1] not in (b" ", b"\t")]


def attachment(data: bytes, filename: str) -> bytes:
    """The decoded content of the attachment named ``filename`` in a raw message."""
    for part in parse(data).iter_attachments():
        if part.get_filename() == filename:
            content = part.get_payload(decode=True)
            assert isinstance(content, bytes)
            return content
    raise AssertionError(f"no attachment {filename}")


def body(data: bytes, subtype: str) -> str:
    part = parse(data).get_body((subtype,))
    assert part is not None
    return content(part)


def content(part: EmailMessage) -> str:
    """A text part's decoded text, with line endings as LF."""
    return str(part.get_content()).replace("\r\n", "\n")


CUSTOM_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"


def with_custom_property(data: bytes, name: str, value: str) -> bytes:
    """The .docx ``data`` with a custom document property (docProps/custom.xml)."""
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode("utf-8")
    override = f'<Override PartName="/docProps/custom.xml" ContentType="{CUSTOM_PROPERTIES_TYPE}"/>'
    custom = f"""<Properties
  xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
  xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
  <property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{name}">
    <vt:lpwstr>{value}</vt:lpwstr>
  </property>
</Properties>"""
    return with_entries(
        data,
        {
            "[Content_Types].xml": types.replace("</Types>", override + "</Types>").encode(),
            "docProps/custom.xml": custom.encode(),
        },
    )
