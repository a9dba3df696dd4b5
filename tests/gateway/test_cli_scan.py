"""`confide scan`, run as a user runs it: the installed console script in a subprocess."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.scanner.images import text_image

CONFIDE = Path(sys.executable).with_name("confide")
NHS = "943 476 5919"
EMAIL = "amina.okafor@example.org.uk"
SHEET_ROWS = [["Surname", "NHS No", "Team"], ["Okonkwo", 9434765919, "North"]]


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONFIDE), "scan", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


@dataclass(frozen=True)
class Inputs:
    """The folder of files scanned, and one run of `confide scan --json` over all of it."""

    folder: Path
    result: subprocess.CompletedProcess[str]

    def records(self) -> dict[str, dict[str, Any]]:
        """Each scanned file's JSON record, by file name."""
        records = (json.loads(line) for line in self.result.stdout.splitlines())
        return {Path(record["path"]).name: record for record in records}


def _locked_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret-user-password")
    pdf = io.BytesIO()
    writer.write(pdf)
    return pdf.getvalue()


def _unreadable_documents(folder: Path) -> None:
    """An encrypted, a truncated, an empty and a not-Word .docx, and an empty PDF."""
    import docx
    from msoffcrypto.format.ooxml import OOXMLFile

    document = docx.Document()
    document.add_paragraph(f"NHS {NHS}")
    plain = io.BytesIO()
    document.save(plain)
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain.getvalue())).encrypt("open-sesame", encrypted)
    (folder / "locked.docx").write_bytes(encrypted.getvalue())
    (folder / "truncated.docx").write_bytes(plain.getvalue()[:4000])
    (folder / "empty.docx").write_bytes(b"")
    (folder / "empty.pdf").write_bytes(b"")
    with zipfile.ZipFile(folder / "not-word.docx", "w") as archive:
        archive.writestr("notes.txt", "nothing")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    """Every kind of input the tests below ask about, in one folder, scanned once: each run
    loads the NER model, which is most of what a run costs."""
    from tests.scanner.made_sheets import csv_bytes, workbook_bytes

    folder = tmp_path_factory.mktemp("inputs")
    # A zero-width space and a BOM: offsets must still index the decoded text.
    text = f"\ufeffReferral\nContact: {EMAIL}\nNHS no\u200b: {NHS}\n"
    (folder / "note.txt").write_text(text, encoding="utf-8")
    (folder / "clean.txt").write_text("The hall is booked for Tuesday.\n", encoding="utf-8")
    lines = ("Referral for Amina Okafor", f"NHS number {NHS}")
    (folder / "scan.jpg").write_bytes(text_image(*lines, image_format="JPEG"))
    (folder / "locked.pdf").write_bytes(_locked_pdf())
    (folder / "clients.xlsx").write_bytes(workbook_bytes({"Client list": SHEET_ROWS}))
    (folder / "clients.csv").write_bytes(csv_bytes(SHEET_ROWS * 3, ";"))
    _unreadable_documents(folder)
    # A message whose first line is white space, with a base64 part.
    part = base64.encodebytes(f"Child protection plan. NHS number {NHS}.".encode())
    (folder / "message.txt").write_bytes(
        b' \r\nFrom: a@example.org\r\nSubject: notes\r\nContent-Type: multipart/mixed; boundary="b"'
        b"\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + part
        + b"--b--\r\n"
    )
    others = tmp_path_factory.mktemp("others")
    with zipfile.ZipFile(others / "archive.zip", "w") as archive:
        archive.writestr("inner.txt", "nothing")
    result = run("--json", others / "missing.txt", others / "archive.zip", folder, cwd=others)
    return Inputs(folder, result)


def test_json_offsets_index_the_decoded_text(inputs: Inputs):
    """With --json each input is one line, and .txt offsets index the decoded file text."""
    records = inputs.records()
    decoded = (inputs.folder / "note.txt").read_bytes().decode("utf-8-sig")
    found = {decoded[f["start"] : f["end"]]: f["type"] for f in records["note.txt"]["findings"]}
    assert found[EMAIL] == "EMAIL_ADDRESS"
    assert found[NHS] == "UK_NHS"
    assert records["note.txt"]["unscannable"] is None
    clean = {"path": str(inputs.folder / "clean.txt"), "findings": [], "unscannable": None}
    assert records["clean.txt"] == clean


def test_bad_paths_give_one_line_errors_and_status_2(inputs: Inputs):
    """A missing file and an unsupported type each give one stderr line; the rest is scanned."""
    assert inputs.result.returncode == 2
    errors = inputs.result.stderr.strip().splitlines()
    assert len(errors) == 2, inputs.result.stderr
    assert "missing.txt: no such file" in errors[0]
    assert "archive.zip" in errors[1]
    assert "Traceback" not in inputs.result.stderr
    assert "missing.txt" not in inputs.records()
    assert "archive.zip" not in inputs.records()


def test_directories_are_scanned_and_unscannable_items_reported(inputs: Inputs):
    """A directory's files are all scanned; an encrypted PDF is reported with its reason."""
    records = inputs.records()
    assert set(records) == {path.name for path in inputs.folder.iterdir()}
    assert "encrypted" in records["locked.pdf"]["unscannable"]


def test_table_output_and_logs_never_show_the_personal_data(inputs: Inputs, tmp_path):
    """The table says what each finding is and where, in words, with its value masked (a
    spreadsheet's at its cell: sheet and cell, or line and column); the logs (even at DEBUG)
    carry types; neither shows the personal data."""
    result = run(
        inputs.folder / "note.txt",
        inputs.folder / "clients.xlsx",
        inputs.folder / "clients.csv",
        cwd=tmp_path,
        env={"CONFIDE_LOG_LEVEL": "DEBUG"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  NHS number ••• ••• 5919 in text line 3" in lines
    assert "  email address a••••.o•••••@e••••••.o••.u• in text line 2" in lines
    assert "  NHS number ••••••5919 in 'Client list'!B2" in lines
    assert "  NHS number ••••••5919 in line 2, column 2" in lines
    assert "scanned path=" in result.stderr
    for value in (NHS, EMAIL, "okafor", "9434765919"):
        assert value not in result.stdout
        assert value not in result.stderr


def test_a_spreadsheet_finding_is_shown_at_its_cell_in_json(inputs: Inputs):
    """In --json a finding in a workbook names its cell."""
    findings = inputs.records()["clients.xlsx"]["findings"]
    assert {f["place"] for f in findings if f["type"] == "UK_NHS"} == {"'Client list'!B2"}


def test_a_configuration_mistake_is_one_clear_line(inputs: Inputs, tmp_path):
    """A wrong value in confide.toml stops confide with the file, the key and no traceback."""
    (tmp_path / "confide.toml").write_text("[limits]\nmax_pdf_pages = 'many'\n")
    result = run(inputs.folder / "clean.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "confide.toml: limits.max_pdf_pages" in result.stderr
    assert "Traceback" not in result.stderr


def test_documents_that_cannot_be_read_and_messages_that_look_like_text(inputs: Inputs):
    """An encrypted, damaged or empty document is reported unscannable, and a message whose
    first line is white space is read as a message: its base64 part is decoded."""
    records = inputs.records()
    unscannable = {name: record["unscannable"] for name, record in records.items()}
    assert unscannable["locked.docx"].startswith("encrypted Office document:")
    assert unscannable["truncated.docx"].startswith("damaged Word document:")
    assert unscannable["not-word.docx"].startswith("damaged Word document (")
    assert unscannable["empty.docx"].startswith("the file is empty (0 bytes)")
    assert unscannable["empty.pdf"].startswith("the file is empty (0 bytes)")
    decoded = [f for f in records["message.txt"]["findings"] if f["type"] == "UK_NHS"]
    assert any(f["segment"] == "body (text/plain)" for f in decoded), records["message.txt"]


def test_an_nhs_number_in_a_photo_is_found_as_image_text(inputs: Inputs):
    """The NHS number typed in a JPEG is a finding located in the image's text."""
    findings = inputs.records()["scan.jpg"]["findings"]
    assert ("UK_NHS", "image text") in {(f["type"], f["segment"]) for f in findings}


def test_without_tesseract_scan_says_so(inputs: Inputs, tmp_path: Path):
    """When the Tesseract program cannot be found, scan says so first, and an image is an
    unsupported type as it was before OCR."""
    missing = str(tmp_path / "no-tesseract")
    scan = inputs.folder / "scan.jpg"
    result = run(scan, cwd=tmp_path, env={"CONFIDE_LIMITS__TESSERACT_COMMAND": missing})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        f"confide scan: Tesseract ({missing!r}) is not installed, or has no English data: "
        "images are not read, and an item with an image is unscannable (install tesseract-ocr "
        "and tesseract-ocr-eng)"
    )
    assert lines[1].endswith("scan.jpg: unsupported file type: image")


def test_missing_files_are_answered_at_once(tmp_path):
    """A missing file or an empty directory is answered before anything is loaded, and
    nothing at all to scan is exit status 2."""
    missing = run(tmp_path / "nope.eml", cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        f"confide scan: {tmp_path / 'nope.eml'}: no such file",
    )
    (tmp_path / "empty").mkdir()
    empty = run(tmp_path / "empty", cwd=tmp_path)
    assert (empty.returncode, empty.stderr.strip()) == (2, "confide scan: found no files to scan")
