"""`confide scan`, run as a user runs it: the installed console script in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CONFIDE = Path(sys.executable).with_name("confide")
NHS = "943 476 5919"
EMAIL = "amina.okafor@example.org.uk"


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


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    # A zero-width space and a BOM: offsets must still index the decoded text.
    text = f"\ufeffReferral\nContact: {EMAIL}\nNHS no\u200b: {NHS}\n"
    (folder / "note.txt").write_text(text, encoding="utf-8")
    (folder / "clean.txt").write_text("The hall is booked for Tuesday.\n", encoding="utf-8")
    with zipfile.ZipFile(folder / "archive.zip", "w") as archive:
        archive.writestr("inner.txt", "nothing")
    return folder


def test_json_offsets_index_the_decoded_text(files, tmp_path):
    """With --json each input is one line, and .txt offsets index the decoded file text."""
    result = run("--json", files / "note.txt", files / "clean.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["path"]).name for r in lines] == ["note.txt", "clean.txt"]
    decoded = (files / "note.txt").read_bytes().decode("utf-8-sig")
    found = {decoded[f["start"] : f["end"]]: f["type"] for f in lines[0]["findings"]}
    assert found[EMAIL] == "EMAIL_ADDRESS"
    assert found[NHS] == "UK_NHS"
    assert lines[0]["unscannable"] is None
    assert lines[1] == {"path": str(files / "clean.txt"), "findings": [], "unscannable": None}


def test_bad_paths_give_one_line_errors_and_status_2(files, tmp_path):
    """A missing file and an unsupported type each give one stderr line; the rest is scanned."""
    result = run(
        "--json", tmp_path / "missing.txt", files / "archive.zip", files / "note.txt", cwd=tmp_path
    )
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2, result.stderr
    assert "missing.txt: no such file" in errors[0]
    assert "archive.zip" in errors[1]
    assert "Traceback" not in result.stderr
    assert [Path(json.loads(line)["path"]).name for line in result.stdout.splitlines()] == [
        "note.txt"
    ]


def test_directories_are_scanned_and_unscannable_items_reported(files, tmp_path):
    """A directory's files are all scanned; an encrypted PDF is reported with its reason."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret-user-password")
    with (files / "locked.pdf").open("wb") as handle:
        writer.write(handle)
    result = run("--json", files, cwd=tmp_path)
    records = {
        Path(json.loads(line)["path"]).name: json.loads(line) for line in result.stdout.splitlines()
    }
    assert {"note.txt", "clean.txt", "locked.pdf"} <= set(records)
    assert "encrypted" in records["locked.pdf"]["unscannable"]
    (files / "locked.pdf").unlink()


def test_table_output_and_logs_never_show_the_personal_data(files, tmp_path):
    """The table says what each finding is and where, in words, with its value masked; the
    logs (even at DEBUG) carry types; neither shows the personal data."""
    result = run(files / "note.txt", cwd=tmp_path, env={"CONFIDE_LOG_LEVEL": "DEBUG"})
    assert result.returncode == 0, result.stderr
    assert "  NHS number ••• ••• 5919 in text line 3" in result.stdout.splitlines()
    assert "  email address a••••.o•••••@e••••••.o••.u• in text line 2" in result.stdout
    assert "scanned path=" in result.stderr
    for value in (NHS, EMAIL, "okafor"):
        assert value not in result.stdout
        assert value not in result.stderr


def test_a_spreadsheet_finding_is_shown_at_its_cell(tmp_path):
    """A finding in a workbook or a CSV file is shown at its cell (sheet and cell, or line and
    column), in the table and in --json, its value masked."""
    from tests.scanner.made_sheets import csv_bytes, workbook_bytes

    rows = [["Surname", "NHS No", "Team"], ["Okonkwo", 9434765919, "North"]]
    (tmp_path / "clients.xlsx").write_bytes(workbook_bytes({"Client list": rows}))
    (tmp_path / "clients.csv").write_bytes(csv_bytes(rows * 3, ";"))
    result = run(tmp_path / "clients.xlsx", tmp_path / "clients.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  NHS number ••••••5919 in 'Client list'!B2" in lines
    assert "  NHS number ••••••5919 in line 2, column 2" in lines
    assert "9434765919" not in result.stdout
    result = run("--json", tmp_path / "clients.xlsx", cwd=tmp_path)
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    places = {f["place"] for f in record["findings"] if f["type"] == "UK_NHS"}
    assert places == {"'Client list'!B2"}


def test_a_configuration_mistake_is_one_clear_line(files, tmp_path):
    """A wrong value in confide.toml stops confide with the file, the key and no traceback."""
    (tmp_path / "confide.toml").write_text("[limits]\nmax_pdf_pages = 'many'\n")
    result = run(files / "clean.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "confide.toml: limits.max_pdf_pages" in result.stderr
    assert "Traceback" not in result.stderr


def test_documents_that_cannot_be_read_and_messages_that_look_like_text(tmp_path):
    """An encrypted, damaged or empty document is reported unscannable, and a message whose
    first line is white space is read as a message: its base64 part is decoded."""
    import base64
    import io

    import docx
    from msoffcrypto.format.ooxml import OOXMLFile

    document = docx.Document()
    document.add_paragraph(f"NHS {NHS}")
    plain = io.BytesIO()
    document.save(plain)
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain.getvalue())).encrypt("open-sesame", encrypted)
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "locked.docx").write_bytes(encrypted.getvalue())
    (folder / "truncated.docx").write_bytes(plain.getvalue()[:4000])
    (folder / "empty.docx").write_bytes(b"")
    (folder / "empty.pdf").write_bytes(b"")
    with zipfile.ZipFile(folder / "not-word.docx", "w") as archive:
        archive.writestr("notes.txt", "nothing")
    part = base64.encodebytes(f"Child protection plan. NHS number {NHS}.".encode())
    (folder / "message.txt").write_bytes(
        b' \r\nFrom: a@example.org\r\nSubject: notes\r\nContent-Type: multipart/mixed; boundary="b"'
        b"\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + part
        + b"--b--\r\n"
    )
    result = run("--json", folder, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    records = {
        Path(json.loads(line)["path"]).name: json.loads(line) for line in result.stdout.splitlines()
    }
    unscannable = {name: record["unscannable"] for name, record in records.items()}
    assert unscannable["locked.docx"].startswith("encrypted Office document:")
    assert unscannable["truncated.docx"].startswith("damaged Word document:")
    assert unscannable["not-word.docx"].startswith("damaged Word document (")
    assert unscannable["empty.docx"].startswith("the file is empty (0 bytes)")
    assert unscannable["empty.pdf"].startswith("the file is empty (0 bytes)")
    decoded = [f for f in records["message.txt"]["findings"] if f["type"] == "UK_NHS"]
    assert any(f["segment"] == "body (text/plain)" for f in decoded), records["message.txt"]


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
