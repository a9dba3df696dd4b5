"""Excel workbooks: every sheet, hidden or not, every row and column, comments, other parts,
cells with their places, and the bounds that make a workbook unscannable."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable

import openpyxl
import pytest
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scanner.detect.detector import Detector
from scanner.extract import extract, named_unscannable
from scanner.extract._xlsx_sheet import header_footer_text
from scanner.limits import ScanLimits
from scanner.segments import Extraction
from scanner.unscannable import kind
from tests.scanner.images import text_image
from tests.scanner.made_sheets import workbook_bytes
from tests.scanner.transform.made_files import with_entries

LIMITS = ScanLimits()
CLIENTS = [
    ["Surname", "Forename", "NHS No", "DOB"],
    ["OKAFOR", "Amina", 9434765919, datetime.date(1984, 3, 12)],
    ["Nowak", "Wiktor", 6426212997, datetime.datetime(1990, 1, 2)],
]


def _cells(extraction: Extraction) -> dict[str, str]:
    """Each cell's place and its text, from the segments' places."""
    found = {}
    for segment in extraction.segments:
        for start, place in segment.places:
            end = min(
                (i for i in (segment.text.find(c, start) for c in "\t\n") if i >= 0),
                default=len(segment.text),
            )
            found[place] = segment.text[start:end]
    return found


def _texts(extraction: Extraction) -> dict[str, str]:
    return {segment.location: segment.text for segment in extraction.segments}


def test_cells_keep_their_places_and_dates_read_as_dates():
    """Each cell's text is at its place ("Clients!C2"); a date is day/month/year and a whole
    number has no decimal point."""
    extraction = extract(workbook_bytes({"Clients": CLIENTS}), LIMITS)
    assert extraction.kind == "xlsx"
    assert extraction.unscannable == ()
    cells = _cells(extraction)
    assert cells["Clients!A1"] == "Surname"
    assert cells["Clients!C2"] == "9434765919"
    assert cells["Clients!D2"] == "12/03/1984"
    assert cells["Clients!D3"] == "02/01/1990"
    assert cells["Clients!B3"] == "Wiktor"


def test_a_sheet_is_one_table_with_its_header_on_top():
    """A sheet's rows are lines with a tab between cells, padded to the same width, so that
    detection reads each column under its header; a title above the table stands alone."""
    rows = [["Client list 2026"], [], ["Name", "Phone", "Notes"], ["Ann Lee", "07700 900461"]]
    extraction = extract(workbook_bytes({"Clients": rows}), LIMITS)
    assert _texts(extraction)["Clients"] == (
        "Client list 2026\nName\tPhone\tNotes\nAnn Lee\t07700 900461\t\n"
    )


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheets_are_read(state: str):
    """A hidden or very hidden sheet is read like any other, and its location says so."""
    data = workbook_bytes(
        {"Prices": [["Item", "Price"], ["Tea", 1.5]], "Old list": [["Name"], ["Precious Moyo"]]},
        states={"Old list": state},
    )
    cells = _cells(extract(data, LIMITS))
    assert cells["'Old list'!A2"] == "Precious Moyo"
    assert f"'Old list' ({state} sheet)" in _texts(extract(data, LIMITS))


def test_hidden_rows_and_columns_are_read():
    """Cells in hidden rows and hidden columns are read."""
    data = workbook_bytes({"Clients": CLIENTS}, hidden_rows=[2], hidden_columns=["C"])
    cells = _cells(extract(data, LIMITS))
    assert cells["Clients!A2"] == "OKAFOR"
    assert cells["Clients!C3"] == "6426212997"


def test_comments_are_read_with_their_authors_at_their_cells():
    """A cell's comment and its author are read, at the cell they are on."""
    data = workbook_bytes(
        {"Clients": CLIENTS}, comments={"Clients!B3": ("Ask Gareth Hughes first", "Jo Bloggs")}
    )
    texts = _texts(extract(data, LIMITS))
    assert texts["Clients!B3 / comment"] == "Ask Gareth Hughes first"
    assert texts["Clients!B3 / comment author"] == "Jo Bloggs"


def test_shared_strings_and_formulas_cached_values_are_read():
    """Text kept in the shared strings table (as Excel writes it) is read at its cell, and a
    formula's value as last calculated is read rather than the formula."""
    data = workbook_bytes({"Sheet": [["x"]]})
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c></row>'
        '<row r="2"><c r="A2" t="str"><f>UPPER(B1)</f><v>AMINA OKAFOR</v></c></row>'
        "</sheetData></worksheet>"
    )
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2">'
        "<si><t>Amina Okafor</t></si><si><t>Name</t></si></sst>"
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    rels = archive.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = archive.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
        b'-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    patched = with_entries(
        data,
        {
            "xl/worksheets/sheet1.xml": sheet.encode(),
            "xl/sharedStrings.xml": strings.encode(),
            "xl/_rels/workbook.xml.rels": rels,
            "[Content_Types].xml": types,
        },
    )
    cells = _cells(extract(patched, LIMITS))
    assert (cells["Sheet!A1"], cells["Sheet!B1"], cells["Sheet!A2"]) == (
        "Name",
        "Amina Okafor",
        "AMINA OKAFOR",
    )


def test_other_parts_are_read():
    """A part the cells do not show (a pivot cache keeps a copy of its source data) is read."""
    cache = (
        b'<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<r><s v="Chidi Eze"/><n v="9434765919"/></r></pivotCacheRecords>'
    )
    data = with_entries(
        workbook_bytes({"Sheet": [["Total", 3]]}),
        {"xl/pivotCache/pivotCacheRecords1.xml": cache},
    )
    texts = _texts(extract(data, LIMITS))
    assert "Chidi Eze" in texts["part xl/pivotCache/pivotCacheRecords1.xml"]


def test_a_workbook_with_too_many_cells_is_unscannable():
    """Past ``max_spreadsheet_cells`` the workbook is unscannable as too large (so the policy
    holds it) and nothing more of it is read; the cells read within the bound are scanned."""
    extraction = extract(workbook_bytes({"Clients": CLIENTS}), ScanLimits(max_spreadsheet_cells=5))
    [reason] = extraction.unscannable
    assert reason == "the workbook has more than 5 cells; the rest were not read"
    assert kind(reason) == "too-large"
    assert _cells(extraction)["Clients!A1"] == "Surname"
    assert not any(s.location.startswith("part ") for s in extraction.segments)


@pytest.mark.parametrize(
    ("limits", "words"),
    [
        (ScanLimits(max_docx_uncompressed_bytes=1000), "was not opened: it would expand to"),
        (ScanLimits(max_docx_entries=3), "was not opened: it has"),
    ],
)
def test_a_package_too_big_to_open_is_unscannable(limits: ScanLimits, words: str):
    """A workbook whose zip directory is over the Office package bounds is not opened."""
    extraction = extract(workbook_bytes({"Clients": CLIENTS}), limits)
    assert extraction.segments == ()
    [reason] = extraction.unscannable
    assert words in reason


def test_empty_rows_count_against_the_cell_bound():
    """A sheet that claims a row a billion rows down is walked only as far as the bound."""
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        b'<row r="999999999"><c r="A999999999"><v>1</v></c></row></sheetData></worksheet>'
    )
    data = with_entries(workbook_bytes({"Sheet": [["x"]]}), {"xl/worksheets/sheet1.xml": sheet})
    extraction = extract(data, ScanLimits(max_spreadsheet_cells=10_000))
    assert "has more than 10000 cells" in extraction.unscannable_reason  # type: ignore[operator]


def test_a_damaged_workbook_is_unscannable():
    """A workbook whose main part is not XML is reported as damaged, not skipped."""
    data = with_entries(workbook_bytes({"Sheet": [["x"]]}), {"xl/workbook.xml": b"not xml"})
    [reason] = extract(data, LIMITS).unscannable
    assert reason.startswith("damaged Excel workbook: the workbook could not be opened")


def test_an_empty_file_named_xlsx_is_unscannable():
    """An empty file whose name promises a workbook is not a clean one."""
    outcome = named_unscannable("clients.xlsx", 0, Extraction(kind="text"))
    assert outcome is not None
    assert outcome.unscannable == (
        "the file is empty (0 bytes), so it is not a readable Excel workbook",
    )


# Parts of a workbook its cells do not show (hostile test finding 3): each made with openpyxl
# as a user's workbook would be, each holding a name and an NHS number.
WHO_AND_NHS = "Kwame Thornton NHS 5432319489"


def _book(change: Callable[[openpyxl.Workbook, Worksheet], None]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Rota"
    sheet.append(["Item", "Cost"])
    sheet.append(["Tea", 4])
    change(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    sheet.oddHeader.center.text = WHO_AND_NHS
    sheet.evenFooter.right.text = "DOB 01/01/1950"
    sheet.firstHeader.left.text = "Page &P of &N"


def test_header_and_footer_texts_are_read():
    """Each header's and footer's text is read without its codes, section by section."""
    texts = _texts(extract(_book(_header), LIMITS))
    assert texts["Rota / header"] == WHO_AND_NHS
    assert texts["Rota / even page footer"] == "DOB 01/01/1950"
    assert texts["Rota / first page header"] == "Page of"


def test_header_and_footer_codes_are_left_out():
    """Fonts, sizes, colours and fields are codes, not text; "&&" is an ampersand."""
    code = '&L&"Arial,Bold"&12Ann &&Co&R&KFF0000&D Kwame&CB'
    assert header_footer_text(code) == "Ann &Co\nKwame\nB"


def _formula(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    sheet["B3"] = '=CONCATENATE("NHS ","5432319489")'


def test_a_formula_without_a_value_is_read_at_its_cell():
    """openpyxl and pandas write a formula without its value as last calculated: the formula
    is read instead, its string literals as plain words."""
    extraction = extract(_book(_formula), LIMITS)
    assert _texts(extraction)["Rota / formulas"] == "NHS 5432319489 = NHS 5432319489\n"
    assert _cells(extraction)["Rota!B3"] == "NHS 5432319489 = NHS 5432319489"


def _validation(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    rule = DataValidation(
        type="list",
        formula1='"Kwame Thornton,Ann Lee"',
        prompt="Ask 5432319489 first",
        error="Not on Kwame's list",
    )
    rule.add("A5")
    sheet.add_data_validation(rule)


def test_data_validation_lists_prompts_and_errors_are_read():
    """A validation's list, its prompt and its error message are read at its cells."""
    extraction = extract(_book(_validation), LIMITS)
    text = "Ask 5432319489 first Not on Kwame's list Kwame Thornton,Ann Lee"
    assert _texts(extraction)["Rota / data validations"] == text + "\n"
    assert _cells(extraction)["Rota!A5"] == text


def _defined_name(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    book.defined_names["Client"] = DefinedName("Client", attr_text=f'"{WHO_AND_NHS}"')


def _tab_name(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    book.create_sheet("Kwame Hughes 4010232137")


@pytest.mark.parametrize(
    ("change", "words"),
    [(_defined_name, WHO_AND_NHS), (_tab_name, "Kwame Hughes 4010232137")],
)
def test_defined_names_and_sheet_names_are_read(change: Callable[..., None], words: str):
    """The workbook part is read: its sheets' names and its defined names' values."""
    texts = _texts(extract(_book(change), LIMITS))
    assert words in texts["part xl/workbook.xml"]


def _hyperlink(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    sheet["A2"].hyperlink = "mailto:kwame.thornton@gmail.com?subject=NHS%205432319489"
    sheet["A2"].hyperlink.tooltip = "Write to Kwame"


def test_hyperlink_targets_and_tips_are_read():
    """Where a link leads (kept in the sheet's relationships) is read, %-escapes decoded, and
    so are its tip and display text (kept in the sheet)."""
    texts = _texts(extract(_book(_hyperlink), LIMITS))
    assert texts["links in xl/worksheets/_rels/sheet1.xml.rels"] == (
        "mailto:kwame.thornton@gmail.com?subject=NHS 5432319489"
    )
    assert texts["Rota / links"] == "Write to Kwame\n"


def _image(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    sheet.add_image(
        Image(io.BytesIO(text_image("Client: Kwame Thornton", "NHS number: 543 231 9489"))), "D2"
    )


def test_an_image_in_a_sheet_is_read_with_ocr():
    """An image placed on a sheet goes through OCR like an attached image."""
    extraction = extract(_book(_image), LIMITS)
    assert extraction.unscannable == ()
    text = _texts(extraction)["image 1 'image1.png' / image text"]
    assert "Kwame Thornton" in text
    assert "543 231 9489" in text


def test_an_image_in_a_sheet_that_cannot_be_read_makes_the_workbook_unscannable():
    """Without Tesseract the image cannot be read: the workbook is unscannable (held for an
    outside audience), as an image-only Word document is."""
    extraction = extract(_book(_image), ScanLimits(tesseract_command="/nonexistent/tesseract"))
    [reason] = extraction.unscannable
    assert reason.startswith("image 1 'image1.png' is of a type confide cannot read")


def _tab_with_number(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    book.create_sheet("Kwame Hughes 5432319489")


def test_many_links_are_read_as_one_segment_with_their_places():
    """A contact list with a link on every row is one segment of links, each at its cell,
    not a segment per link."""

    def links(book: openpyxl.Workbook, sheet: Worksheet) -> None:
        for row in range(2, 502):
            sheet.cell(row, 1, f"Contact {row}").hyperlink = f"mailto:c{row}@example.org"
            sheet.cell(row, 1).hyperlink.tooltip = f"Write to contact {row}"  # type: ignore[union-attr]

    extraction = extract(_book(links), LIMITS)
    [segment] = [s for s in extraction.segments if s.location == "Rota / links"]
    assert segment.location_at(segment.text.index("contact 377")) == "Rota!A377"
    [targets] = [s for s in extraction.segments if s.location.startswith("links in ")]
    assert "mailto:c377@example.org" in targets.text


def _settings(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    sheet.auto_filter.ref = "A1:B2"
    sheet.auto_filter.add_filter_column(0, ["Kwame Thornton"])
    rule = FormulaRule(formula=['$A1="NHS 5432319489"'], fill=PatternFill(bgColor="FFC7CE"))
    sheet.conditional_formatting.add("A1:B9", rule)


def _number_in_a_formula(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    sheet["B3"] = '=TEXT(5432319489,"0")'


def _encoded_in_a_formula(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    sheet["B3"] = '=HYPERLINK("mailto:kwame.hughes@example.org?subject=NHS%205432319489","mail")'


def test_a_sheets_filter_values_and_conditional_formats_are_read():
    """A filter's chosen values and a conditional format's formula are read with the sheet's
    settings."""
    texts = _texts(extract(_book(_settings), LIMITS))
    assert "Kwame Thornton" in texts["Rota / settings (autoFilter)"]
    assert "NHS 5432319489" in texts["Rota / settings (conditionalFormatting)"]


@pytest.mark.parametrize(
    "change",
    [
        _header,
        _formula,
        _validation,
        _defined_name,
        _tab_with_number,
        _hyperlink,
        _image,
        _settings,
        _number_in_a_formula,
        _encoded_in_a_formula,
    ],
)
def test_the_nhs_number_in_each_part_is_found(detector: Detector, change: Callable[..., None]):
    """What these parts hold is found, as a scan of the workbook finds it."""
    extraction = extract(_book(change), LIMITS)
    found = set()
    for finding in detector.scan(extraction):
        segment = extraction.segments[finding.segment]
        start, end = segment.from_source(finding.start, finding.end)
        found.add((finding.type, segment.text[start:end]))
    assert any(kind == "UK_NHS" and "543" in text for kind, text in found), found
