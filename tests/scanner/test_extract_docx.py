"""Word documents: every hidden place is read, and zip bombs are refused unopened."""

from __future__ import annotations

import io
import time
import warnings
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from PIL import Image

from scanner.extract import extract
from scanner.limits import MIB, ScanLimits
from scanner.segments import Extraction
from tests.scanner.images import logo, text_image, with_thumbnail

LIMITS = ScanLimits()

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
_CT = "application/vnd.openxmlformats-officedocument"

TRACKED_CHANGES = f"""<w:p {_NAMESPACES}>
  <w:r><w:t xml:space="preserve">Visit by </w:t></w:r>
  <w:del w:id="1" w:author="Jane Smith" w:date="2024-01-01T00:00:00Z">
    <w:r><w:delText>John </w:delText></w:r>
  </w:del>
  <w:del w:id="2" w:author="Jane Smith" w:date="2024-01-01T00:00:00Z">
    <w:r><w:rPr><w:b/></w:rPr><w:delText>Carter</w:delText></w:r>
  </w:del>
  <w:ins w:id="3" w:author="Jane Smith" w:date="2024-01-01T00:00:00Z">
    <w:r><w:t>the duty worker</w:t></w:r>
  </w:ins>
  <w:r><w:t xml:space="preserve">, then </w:t></w:r>
  <w:del w:id="4" w:author="Jane Smith" w:date="2024-01-01T00:00:00Z">
    <w:r><w:delText>07700 900123</w:delText></w:r>
  </w:del>
</w:p>"""

_BOX_BODY = "<w:txbxContent><w:p><w:r><w:t>Text box: Amina Begum</w:t></w:r></w:p></w:txbxContent>"
TEXT_BOXES = f"""<w:p {_NAMESPACES}>
  <w:r><w:t xml:space="preserve">Before the box. </w:t></w:r>
  <w:r><mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>
      <wps:wsp><wps:txbx>{_BOX_BODY}</wps:txbx></wps:wsp>
    </a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:shape><v:textbox>{_BOX_BODY}</v:textbox></v:shape></w:pict></mc:Fallback>
  </mc:AlternateContent></w:r>
  <w:r><w:pict><v:shape><v:textbox><w:txbxContent>
    <w:p><w:r><w:t>VML only: Ward 7, bed 3</w:t></w:r></w:p>
  </w:txbxContent></v:textbox></v:shape></w:pict></w:r>
  <w:r><w:t>After the box.</w:t></w:r>
</w:p>"""

FIELD_CODE = f"""<w:p {_NAMESPACES}>
  <w:r><w:fldChar w:fldCharType="begin"/></w:r>
  <w:r><w:instrText xml:space="preserve"> HYPERLINK </w:instrText></w:r>
  <w:r><w:instrText xml:space="preserve">"mailto:john.carter@example.org" </w:instrText></w:r>
  <w:r><w:fldChar w:fldCharType="separate"/></w:r>
  <w:r><w:t>email John</w:t></w:r>
  <w:r><w:fldChar w:fldCharType="end"/></w:r>
</w:p>"""


IMPORTED_CHUNK = f'<w:altChunk {_NAMESPACES} r:id="rIdChunk"/>'


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _notes(kind: str, text: str) -> str:
    return f"""<w:{kind}s {_NAMESPACES}>
  <w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>
  <w:{kind} w:type="continuationSeparator" w:id="0">
    <w:p><w:r><w:continuationSeparator/></w:r></w:p>
  </w:{kind}>
  <w:{kind} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>
</w:{kind}s>"""


CUSTOM_PROPERTIES = """<Properties
  xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
  xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
  <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Client">
    <vt:lpwstr>Amina Begum</vt:lpwstr>
  </property>
</Properties>"""

ORPHAN_HEADER = f"<w:hdr {_NAMESPACES}><w:p><w:r><w:t>Orphan header text</w:t></w:r></w:p></w:hdr>"


def _rewrite(
    data: bytes,
    *,
    parts: dict[str, tuple[str, str]],
    relationships: dict[str, tuple[str, str]],
    extra: dict[str, bytes],
) -> bytes:
    """Add parts (name -> (content type, xml)), document relationships (id -> (type, target))
    and raw entries to a saved .docx."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                overrides = "".join(
                    f'<Override PartName="/{name}" ContentType="{ct}"/>'
                    for name, (ct, _) in parts.items()
                )
                content = content.replace(b"</Types>", overrides.encode() + b"</Types>")
            if info.filename == "word/_rels/document.xml.rels":
                rels = "".join(
                    f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
                    for rid, (kind, target) in relationships.items()
                )
                content = content.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            archive.writestr(info.filename, content)
        for name, (_, xml) in parts.items():
            archive.writestr(name, xml)
        for name, content in extra.items():
            archive.writestr(name, content)
    return output.getvalue()


def _small_docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rich_docx() -> bytes:
    """A document with text in every place Word can keep it."""
    document = docx.Document()
    document.add_paragraph("Body: Jane Smith lives at 1 High Street.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Cell: NHS 485 777 3456"
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Nested cell: Flat 2"
    body = document.element.body
    for xml in (TRACKED_CHANGES, TEXT_BOXES, FIELD_CODE, IMPORTED_CHUNK):
        body.insert(len(body) - 1, parse_xml(xml))
    document.add_picture(_png(), width=docx.shared.Inches(1))
    document.inline_shapes[0]._inline.docPr.set("descr", "Photo of Amina Begum")
    link = document.part.relate_to("mailto:amina@example.org", RT.HYPERLINK, is_external=True)
    linked = document.add_paragraph()
    linked._p.append(
        parse_xml(
            f'<w:hyperlink {_NAMESPACES} r:id="{link}"><w:r><w:t>Amina</w:t></w:r></w:hyperlink>'
        )
    )
    commented = document.add_paragraph("Commented paragraph")
    document.add_comment(
        commented.runs, text="Comment: check with John Carter", author="Jane Smith", initials="JS"
    )

    section = document.sections[0]
    section.header.paragraphs[0].text = "Header: Case 4471"
    section.footer.paragraphs[0].text = "Footer: Confidential"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "First page header: Amina"
    document.settings.odd_and_even_pages_header_footer = True
    section.even_page_footer.paragraphs[0].text = "Even footer: Ward 7"
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Section two header: Bed 3"

    properties = document.core_properties
    properties.author = "Jane Smith"
    properties.last_modified_by = "John Carter"
    properties.title = "Referral for Amina Begum"
    properties.subject = "Safeguarding"
    properties.keywords = "DOB 01/02/1980"
    properties.comments = "Draft by the duty worker"
    properties.category = "Case file"

    buffer = io.BytesIO()
    document.save(buffer)
    return _rewrite(
        buffer.getvalue(),
        parts={
            "word/footnotes.xml": (
                f"{_CT}.wordprocessingml.footnotes+xml",
                _notes("footnote", "Footnote: born 01/02/1980"),
            ),
            "word/endnotes.xml": (
                f"{_CT}.wordprocessingml.endnotes+xml",
                _notes("endnote", "Endnote: mother Fatima"),
            ),
            "docProps/custom.xml": (f"{_CT}.custom-properties+xml", CUSTOM_PROPERTIES),
            "word/header9.xml": (f"{_CT}.wordprocessingml.header+xml", ORPHAN_HEADER),
        },
        relationships={
            "rIdFootnotes": (RT.FOOTNOTES, "footnotes.xml"),
            "rIdEndnotes": (RT.ENDNOTES, "endnotes.xml"),
            "rIdChunk": (RT.A_F_CHUNK, "afchunk.htm"),
        },
        extra={
            "word/embeddings/inner.docx": _small_docx("Embedded: Room 12"),
            "word/afchunk.htm": b"<html><body><p>Imported: Flat 9</p></body></html>",
        },
    )


@pytest.fixture(scope="module")
def rich() -> Extraction:
    return extract(_rich_docx(), LIMITS)


def _texts(extraction: Extraction) -> dict[str, str]:
    found: dict[str, str] = {}
    for segment in extraction.segments:
        found[segment.location] = found.get(segment.location, "") + segment.text
    return found


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("body", "Body: Jane Smith lives at 1 High Street."),
        ("body", "Cell: NHS 485 777 3456"),
        ("body", "Nested cell: Flat 2"),
        ("body", "Visit by the duty worker, then"),
        ("body", "Before the box. After the box."),
        ("body / deleted text 1", "John Carter"),
        ("body / deleted text 2", "07700 900123"),
        ("body / text box 1", "Text box: Amina Begum"),
        ("body / text box 2", "VML only: Ward 7, bed 3"),
        ("body / field codes", 'HYPERLINK "mailto:john.carter@example.org"'),
        ("body / link targets", "mailto:amina@example.org"),
        ("header (section 1)", "Header: Case 4471"),
        ("footer (section 1)", "Footer: Confidential"),
        ("header (section 1, first page)", "First page header: Amina"),
        ("footer (section 1, even pages)", "Even footer: Ward 7"),
        ("header (section 2)", "Section two header: Bed 3"),
        ("header9 (not used by any section)", "Orphan header text"),
        ("footnote 1", "Footnote: born 01/02/1980"),
        ("endnote 1", "Endnote: mother Fatima"),
        ("comment 1", "Comment: check with John Carter"),
        ("comment 1 / author", "Jane Smith\nJS"),
        ("properties / author", "Jane Smith"),
        ("properties / last modified by", "John Carter"),
        ("properties / title", "Referral for Amina Begum"),
        ("properties / subject", "Safeguarding"),
        ("properties / keywords", "DOB 01/02/1980"),
        ("properties / comments", "Draft by the duty worker"),
        ("properties / category", "Case file"),
        ("properties / custom 'Client'", "Amina Begum"),
        ("embedded object 1 'inner.docx' / body", "Embedded: Room 12"),
        ("imported chunk 1 'afchunk.htm'", "Imported: Flat 9"),
        ("body / image descriptions", "Photo of Amina Begum"),
    ],
)
def test_docx_places(rich: Extraction, location: str, expected: str) -> None:
    """Text is read from every place a .docx keeps it, each at its own location."""
    texts = _texts(rich)
    assert location in texts, sorted(texts)
    assert expected in texts[location]


@pytest.mark.parametrize(
    ("location", "absent"),
    [
        ("body", "John Carter"),  # deleted text is not in the current text
        ("body", "Text box: Amina"),  # text boxes are read on their own
        ("body", "HYPERLINK"),  # field codes too
        ("body / text box 1", "VML only"),
    ],
)
def test_docx_places_are_kept_apart(rich: Extraction, location: str, absent: str) -> None:
    """Deleted text, text boxes and field codes are not mixed into the body text."""
    assert absent not in _texts(rich)[location]


def test_rich_docx_is_fully_read(rich: Extraction) -> None:
    """A well-formed document with every feature reads without unscannable reasons."""
    assert rich.kind == "docx"
    assert rich.unscannable == ()


def _bomb(uncompressed: int) -> bytes:
    """A .docx-shaped zip whose document entry is ``uncompressed`` zero bytes, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = bytes(MIB)
        with archive.open(info, "w", force_zip64=True) as entry:
            for _ in range(uncompressed // MIB):
                entry.write(chunk)
            entry.write(bytes(uncompressed % MIB))
    return buffer.getvalue()


def _many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(count):
            archive.writestr(f"word/media/{number}.bin", b"x")
    return buffer.getvalue()


@pytest.fixture
def no_decompression(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every zip entry opened for reading (opening one would decompress it)."""
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def recording_open(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(str(getattr(name, "filename", name)))
        return original(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    return opened


@pytest.mark.parametrize(
    ("data", "limits", "reason"),
    [
        pytest.param(
            _bomb(200_000_000),
            LIMITS,
            "(limit 200:1), like a zip bomb",
            id="200 MB of zeros",
        ),
        pytest.param(
            _bomb(4 * MIB),
            ScanLimits(max_docx_uncompressed_bytes=2 * MIB, max_docx_compression_ratio=10**6),
            "it would expand to 4 MiB (limit 2 MiB)",
            id="total size",
        ),
        pytest.param(
            _many_entries(30),
            ScanLimits(max_docx_entries=10),
            "it has 31 zip entries (limit 10)",
            id="entry count",
        ),
    ],
)
def test_zip_bombs_are_refused_unopened(
    data: bytes, limits: ScanLimits, reason: str, no_decompression: list[str]
) -> None:
    """A .docx over a directory bound is refused before any entry is decompressed."""
    started = time.monotonic()
    extraction = extract(data, limits)
    assert extraction.kind == "docx"
    assert extraction.segments == ()
    (only_reason,) = extraction.unscannable
    assert only_reason.startswith("the document was not opened: ")
    assert only_reason.endswith(reason)
    assert no_decompression == []
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        pytest.param(
            {"word/document.xml": b"<w:document><unclosed>"},
            "word/document.xml could not be read (XMLSyntaxError)",
            id="broken xml",
        ),
        pytest.param(
            {
                "word/document.xml": b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b'<w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r>'
                b"<w:t>&e;</w:t></w:r></w:p></w:body></w:document>"
            },
            None,
            id="external entity is not resolved",
        ),
    ],
)
def test_damaged_docx(entries: dict[str, bytes], reason: str | None) -> None:
    """A damaged part is a reason naming the part; entities are never resolved."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    extraction = extract(buffer.getvalue(), LIMITS)
    assert extraction.unscannable == ((reason,) if reason else ())
    assert all("root:" not in s.text for s in extraction.segments)


def _with_entry(data: bytes, name: str, content: bytes) -> bytes:
    """A saved .docx with one more raw zip entry appended (a same name is kept twice)."""
    output = io.BytesIO(data)
    with zipfile.ZipFile(output, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name, and writes it
        archive.writestr(name, content)
    return output.getvalue()


def _document(text: str) -> bytes:
    return (
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        "</w:body></w:document>"
    ).encode()


@pytest.mark.parametrize("second", ["word/document.xml", "word/Document.xml"])
def test_docx_with_two_parts_of_one_name_is_unscannable(second: str) -> None:
    """A zip holding a name twice (case aside) is refused: only one copy would be read."""
    first = _small_docx("First copy: Jane Smith 07700 900123")
    data = _with_entry(first, second, _document("Second copy: nothing"))
    extraction = extract(data, LIMITS)
    assert extraction.unscannable == (
        f"damaged Word document: the document holds two parts named '{second}'",
    )
    assert all("Jane" not in reason for reason in extraction.unscannable)


CONTENT_CONTROL = f"""<w:sdt {_NAMESPACES}>
  <w:sdtPr><w:alias w:val="Client Jane Smith"/><w:tag w:val="NHS 485 777 3456"/></w:sdtPr>
  <w:sdtContent><w:p><w:r><w:t>Shown text</w:t></w:r></w:p></w:sdtContent>
</w:sdt>"""


@pytest.fixture(scope="module")
def stray() -> Extraction:
    """A .docx with text in entries Word's own readers never open."""
    document = docx.Document()
    document.add_paragraph("Body text")
    document.element.body.insert(0, parse_xml(CONTENT_CONTROL))
    document.add_picture(_png())
    buffer = io.BytesIO()
    document.save(buffer)
    extra = {
        "customXml/item9.xml": b'<client name="Amina Begum"><nhs>485 777 3456</nhs></client>',
        "docProps/custom.xml": b"<Properties><property><lpwstr>Fatima Khan</lpwstr></property>"
        b"</Properties>",
        "word/notes_extra.xml": f"<w:hdr {_NAMESPACES}><w:p><w:r><w:t>Ward 7, bed 3"
        "</w:t></w:r></w:p></w:hdr>".encode(),
        "customXml/item8.xml": b'<c born="19800102" colour="1F497D" rsid="00A1B2C3"/>',
        "secret.txt": "Password for John Carter: hunter2".encode("utf-16"),
        "word/media/blob.dat": bytes(range(256)) * 4,
    }
    data = _rewrite(buffer.getvalue(), parts={}, relationships={}, extra=extra)
    return extract(data, LIMITS)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("part customXml/item9.xml", "Amina Begum\n485 777 3456"),
        ("part docProps/custom.xml", "Fatima Khan"),
        ("part word/notes_extra.xml", "Ward 7, bed 3"),
        ("part secret.txt", "Password for John Carter"),
        ("part customXml/item8.xml", "19800102"),
        ("body / content controls", "Client Jane Smith\nNHS 485 777 3456"),
    ],
)
def test_docx_entries_no_reader_opens_are_read(
    stray: Extraction, location: str, expected: str
) -> None:
    """Every XML or text entry is read, as one segment per entry, tags and attributes too."""
    texts = _texts(stray)
    assert location in texts, sorted(texts)
    assert expected in texts[location]


def test_docx_colours_and_revision_ids_are_left_out(stray: Extraction) -> None:
    """Hex colours and revision ids in attributes are markup, not text to scan."""
    assert _texts(stray)["part customXml/item8.xml"] == "19800102"


def test_docx_media_is_not_read_as_text(stray: Extraction) -> None:
    """Images and other media stay with the existing rules: no segment, no reason."""
    assert not any("word/media" in segment.location for segment in stray.segments)
    assert stray.unscannable == ()


def test_docx_main_part_in_another_case_is_read() -> None:
    """A main part named ``word/Document.xml`` is read, though Word's name is lower case."""
    source = zipfile.ZipFile(io.BytesIO(_small_docx("Jane Smith, 1 High Street")))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for info in source.infolist():
            name = info.filename.replace("word/document.xml", "word/Document.xml")
            archive.writestr(name, source.read(info))
    texts = _texts(extract(output.getvalue(), LIMITS))
    assert "Jane Smith, 1 High Street" in "".join(texts.values()), sorted(texts)


def test_a_table_is_read_a_row_a_line_with_a_tab_between_cells():
    """A Word table reads like a pasted spreadsheet: each row on a line, its cells split by
    tabs, a cell's paragraphs on its one line, so a column's header is above its cells."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(
        table.rows,
        [("Surname", "NHS No", "Notes"), ("Okonkwo", "9434765919", ""), ("Nowak", "", "")],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    table.cell(2, 2).add_paragraph("second paragraph")
    buffer = io.BytesIO()
    document.save(buffer)
    body = _texts(extract(buffer.getvalue(), LIMITS))["body"]
    assert "Surname\tNHS No\tNotes\nOkonkwo\t9434765919\t\nNowak\t\tsecond paragraph\n" in body


def test_pictures_in_a_document_with_text_are_read_with_ocr() -> None:
    """A picture of a client's details in the body or a header of a document of text is read
    with OCR at "image 'word/media/...' / image text"; a logo in it adds no reason."""
    document = docx.Document()
    for number in range(8):
        document.add_paragraph(f"Item {number}: the summer fair committee met on Tuesday.")
    document.add_picture(io.BytesIO(text_image("Client: Amina Okafor", "NHS 943 476 5919")))
    document.sections[0].header.paragraphs[0].add_run().add_picture(
        io.BytesIO(text_image("Ref: Chidi Eze, DOB 02/03/1950"))
    )
    document.add_picture(io.BytesIO(logo()))
    buffer = io.BytesIO()
    document.save(buffer)
    extraction = extract(buffer.getvalue(), LIMITS)
    assert extraction.unscannable == ()
    texts = [t for place, t in _texts(extraction).items() if place.endswith("/ image text")]
    assert any("NHS 943 476 5919" in text for text in texts), _texts(extraction).keys()
    assert any("DOB 02/03/1950" in text for text in texts), _texts(extraction).keys()
    assert all(
        place.startswith("image 'word/media/")
        for place in _texts(extraction)
        if place.endswith("/ image text")
    )


def test_a_thumbnail_of_the_first_page_is_read_with_ocr() -> None:
    """The package's thumbnail is a picture like any other: one showing a client's details
    is read, though the document's text holds none of them."""
    document = docx.Document()
    document.add_paragraph("The summer fair committee met on Tuesday.")
    buffer = io.BytesIO()
    document.save(buffer)
    thumbnail = text_image("Client: Amina Okafor", "NHS 943 476 5919", image_format="JPEG")
    extraction = extract(with_thumbnail(buffer.getvalue(), thumbnail), LIMITS)
    assert "NHS 943 476 5919" in _texts(extraction)["image 'docProps/thumbnail.jpeg' / image text"]


def test_pictures_without_tesseract_are_unscannable() -> None:
    """Without Tesseract a picture in a document cannot be read: the item is unscannable, as
    one with an attached image is, and the body is still read."""
    document = docx.Document()
    document.add_paragraph("Minutes of the summer fair committee, with a photo of the stall.")
    document.add_picture(_png())
    buffer = io.BytesIO()
    document.save(buffer)
    extraction = extract(buffer.getvalue(), ScanLimits(tesseract_command=""))
    assert any(
        r.endswith("is of a type confide cannot read (image)") for r in extraction.unscannable
    )
    assert "body" in _texts(extraction)


def test_link_targets_and_field_codes_are_read_percent_decoded() -> None:
    """A mailto: link's subject written "Kwame%20Hughes%20NHS%20..." (a relationship target,
    a HYPERLINK field code) is read decoded, its query's punctuation as spaces, so the name
    and number in it stand on their own."""
    document = docx.Document()
    link = "mailto:jo@example.org?subject=Kwame%20Hughes%20NHS%20485%20777%203456"
    target = document.part.relate_to(link, RT.HYPERLINK, is_external=True)
    linked = document.add_paragraph()
    linked._p.append(
        parse_xml(
            f'<w:hyperlink {_NAMESPACES} r:id="{target}"><w:r><w:t>email</w:t></w:r></w:hyperlink>'
        )
    )
    for run in (
        '<w:fldChar w:fldCharType="begin"/>',
        f'<w:instrText> HYPERLINK "{link}" </w:instrText>',
    ):
        linked._p.append(parse_xml(f"<w:r {_NAMESPACES}>{run}</w:r>"))
    buffer = io.BytesIO()
    document.save(buffer)
    texts = _texts(extract(buffer.getvalue(), LIMITS))
    decoded = "mailto:jo@example.org subject Kwame Hughes NHS 485 777 3456"
    assert texts["body / link targets"] == decoded
    assert texts["body / field codes"] == f'HYPERLINK "{decoded}"'


def test_screen_tips_of_links_and_form_fields_are_read() -> None:
    """The ScreenTip of a link (``w:tooltip``) and a form field's help and status bar text
    are attributes Word shows on pointing at them: read, as alt text is."""
    document = docx.Document()
    target = document.part.relate_to("https://example.org/", RT.HYPERLINK, is_external=True)
    paragraph = document.add_paragraph("Minutes of the committee. ")
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {_NAMESPACES} r:id="{target}" w:tooltip="Kwame Hughes NHS 401 023 2137">'
            "<w:r><w:t>site</w:t></w:r></w:hyperlink>"
        )
    )
    field = (
        '<w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text1"/>'
        '<w:helpText w:type="text" w:val="Ask Ruth Achebe"/>'
        '<w:statusText w:type="text" w:val="DOB 03/03/1950"/>'
        "</w:ffData></w:fldChar>"
    )
    paragraph._p.append(parse_xml(f"<w:r {_NAMESPACES}>{field}</w:r>"))
    buffer = io.BytesIO()
    document.save(buffer)
    texts = _texts(extract(buffer.getvalue(), LIMITS))
    tips = ["Kwame Hughes NHS 401 023 2137", "Ask Ruth Achebe", "DOB 03/03/1950"]
    assert texts["body / screen tips"] == "\n".join(tips)
    assert "Kwame" not in texts["body"]


_LEGACY = (
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)


@pytest.mark.parametrize(
    ("markup", "location", "expected"),
    [
        (
            '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList>'
            '<w:listEntry w:val="Ruth Achebe"/><w:listEntry w:val="NHS 401 023 2137"/>'
            "</w:ddList></w:ffData></w:fldChar></w:r>",
            "list entries",
            "Ruth Achebe\nNHS 401 023 2137",
        ),
        (
            "<w:sdt><w:sdtPr><w:comboBox>"
            '<w:listItem w:displayText="Ruth Achebe" w:value="NHS 401 023 2137"/>'
            "</w:comboBox></w:sdtPr><w:sdtContent><w:r><w:t>x</w:t></w:r></w:sdtContent></w:sdt>",
            "list entries",
            "Ruth Achebe\nNHS 401 023 2137",
        ),
        (
            '<w:r><w:pict><v:shape alt="Ruth Achebe"><v:imagedata o:title="NHS 401 023 2137"/>'
            "</v:shape></w:pict></w:r>",
            "image descriptions",
            "Ruth Achebe\nNHS 401 023 2137",
        ),
        (
            '<w:r><w:drawing><pic:cNvPr id="1" name="p" descr="Ruth Achebe"/></w:drawing></w:r>',
            "image descriptions",
            "Ruth Achebe",
        ),
        (
            "<m:oMath><m:r><m:t>Ruth Achebe</m:t></m:r></m:oMath>",
            "equations",
            "Ruth Achebe",
        ),
    ],
    ids=["drop-down", "list control", "VML picture", "picture", "equation"],
)
def test_choices_legacy_alt_text_and_equations_are_read(
    markup: str, location: str, expected: str
) -> None:
    """Text Word keeps outside w:t: a drop-down's and a list control's choices, a VML
    picture's alt text and title, a picture's own alt text, an equation's text."""
    document = docx.Document()
    paragraph = document.add_paragraph("Minutes of the committee. ")
    paragraph._p.append(parse_xml(f"<w:wrap {_NAMESPACES} {_LEGACY}>{markup}</w:wrap>")[0])
    buffer = io.BytesIO()
    document.save(buffer)
    assert _texts(extract(buffer.getvalue(), LIMITS))[f"body / {location}"] == expected
