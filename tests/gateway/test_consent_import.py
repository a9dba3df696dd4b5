"""`confide consent import`, called in-process: what it stores, and how it refuses bad files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from gateway.consent_book import DjangoConsentBook
from gateway.register.models import (
    Agency,
    AgencyAddress,
    AgencyDomain,
    Consent,
    Subject,
    SubjectEmail,
    SubjectName,
    SubjectPhone,
)
from tests.gateway.conftest import AGENCY_HEADER, CONSENT_HEADER, SUBJECT_HEADER

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

AGENCIES = [
    "Leeds Adult Social Care,leeds-asc.example;@ASC-Leeds.example,Duty.Team@council.example"
]
SUBJECTS = [
    "C-1001,carer,Amina Okafor,Mina Okafor;A. Okafor,Amina.Okafor@Example.org,"
    '07700 900123,1968-04-12,943 476 5919,qq 12 34 56 c,ls96ab,"12 Example Street, Leeds"',
    "C-1002,Cared For,Joseph Okafor,,,+44 (0)7700-900124,,,,,",
]
CONSENTS = [
    "C-1001,Leeds Adult Social Care,contact;health,written,Priya Sharma,"
    "2026-01-15T10:30,2027-01-14,,Signed form in case file",
    "C-1002,@Riverside.example,Health,Oral,Priya Sharma,2026-07-01,,,Agreed by phone",
    "C-1001,Jo.Family@gmail.example,contact,written,Priya Sharma,2026-02-01,,2026-03-01T09:00,",
]
MODELS = (Agency, AgencyDomain, AgencyAddress, Subject, SubjectName, SubjectEmail, SubjectPhone)


def run_import(**files: Path) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``confide consent import`` with these files."""
    args = [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("consent", "import", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(str(exc.code)), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def files(write_csv: Callable[..., Path]) -> Callable[..., dict[str, Path]]:
    """The three files, from the good rows above plus any extra rows at the end of each."""

    def make(
        agencies: tuple[str, ...] = (),
        subjects: tuple[str, ...] = (),
        consents: tuple[str, ...] = (),
    ) -> dict[str, Path]:
        return {
            "agencies": write_csv("agencies.csv", AGENCY_HEADER, *AGENCIES, *agencies),
            "subjects": write_csv("subjects.csv", SUBJECT_HEADER, *SUBJECTS, *subjects),
            "consents": write_csv("consents.csv", CONSENT_HEADER, *CONSENTS, *consents),
        }

    return make


def test_import_stores_normalised_identifiers_and_consents(files):
    """Identifiers are stored in the scanner's normalised forms; each recipient form its way."""
    status, out, err = run_import(**files())
    assert (status, err) == (0, "")
    assert out.strip() == (
        "imported: agencies 1 created, 0 updated, 0 unchanged;"
        " subjects 2 created, 0 updated, 0 unchanged;"
        " consents 3 created, 0 updated, 0 unchanged"
    )
    amina = Subject.objects.get(ref="C-1001")
    assert (amina.kind, amina.display_name, amina.dob) == (
        "carer",
        "Amina Okafor",
        date(1968, 4, 12),
    )
    assert (amina.nhs_number, amina.ni_number, amina.postcode) == (
        "9434765919",
        "QQ123456C",
        "LS9 6AB",
    )
    assert amina.address == "12 Example Street, Leeds"
    assert [n.name for n in amina.names.all()] == ["Amina Okafor", "Mina Okafor", "A. Okafor"]
    assert [e.email for e in amina.emails.all()] == ["amina.okafor@example.org"]
    assert [p.phone for p in amina.phones.all()] == ["+447700900123"]
    joseph = Subject.objects.get(ref="C-1002")
    assert (joseph.kind, [p.phone for p in joseph.phones.all()]) == ("cared_for", ["+447700900124"])
    agency = Agency.objects.get()
    assert sorted(d.domain for d in agency.domains.all()) == [
        "asc-leeds.example",
        "leeds-asc.example",
    ]
    assert [a.address for a in agency.addresses.all()] == ["duty.team@council.example"]
    by_recipient = {c.recipient_label: c for c in Consent.objects.select_related("agency")}
    assert set(by_recipient) == {
        "Leeds Adult Social Care",
        "@riverside.example",
        "jo.family@gmail.example",
    }
    assert by_recipient["@riverside.example"].scopes == "health"
    assert by_recipient["@riverside.example"].method == "oral"
    assert by_recipient["Leeds Adult Social Care"].scopes == "contact,health"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        # Naive times are UK time: GMT in winter, BST in summer.
        ("2026-01-15T10:30", datetime(2026, 1, 15, 10, 30, tzinfo=UTC)),
        ("2026-07-01T10:30", datetime(2026, 7, 1, 9, 30, tzinfo=UTC)),
        ("2026-07-01 10:30:15", datetime(2026, 7, 1, 9, 30, 15, tzinfo=UTC)),
        ("2026-07-01T10:30+02:00", datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),
        ("2026-07-01T10:30Z", datetime(2026, 7, 1, 10, 30, tzinfo=UTC)),
        # A date alone is the start of that UK day.
        ("2026-07-01", datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),
    ],
)
def test_times_without_an_offset_are_uk_time(written, stored, write_csv):
    """recorded_at without an offset is read in settings.TIME_ZONE (Europe/London)."""
    subjects = write_csv("s.csv", SUBJECT_HEADER, SUBJECTS[1])
    consents = write_csv(
        "c.csv", CONSENT_HEADER, f"C-1002,@riverside.example,health,oral,PS,{written},,,"
    )
    assert run_import(subjects=subjects, consents=consents)[0] == 0
    assert Consent.objects.get().recorded_at == stored


def test_a_valid_until_date_lasts_to_the_end_of_that_uk_day(write_csv):
    """A consent "valid until 1 July" still counts at 23:59 UK time on 1 July, not after."""
    subjects = write_csv("s.csv", SUBJECT_HEADER, SUBJECTS[1])
    consents = write_csv(
        "c.csv", CONSENT_HEADER, "C-1002,@riverside.example,health,oral,PS,2026-01-01,2026-07-01,,"
    )
    assert run_import(subjects=subjects, consents=consents)[0] == 0
    book = DjangoConsentBook()
    last_minute = datetime(2026, 7, 1, 22, 59, tzinfo=UTC)  # 23:59 BST
    after = datetime(2026, 7, 1, 23, 0, tzinfo=UTC)  # 00:00 BST on 2 July
    assert book.consents("C-1002", "gp@riverside.example", last_minute).scopes == {"health"}
    assert book.consents("C-1002", "gp@riverside.example", after).scopes == frozenset()


def test_importing_the_same_export_again_changes_nothing(files):
    """A second import of the same files reports everything unchanged and keeps version()."""
    paths = files()
    assert run_import(**paths)[0] == 0
    counts = [model.objects.count() for model in (*MODELS, Consent)]
    version = DjangoConsentBook().version()
    status, out, _ = run_import(**paths)
    assert status == 0
    assert out.strip() == (
        "imported: agencies 0 created, 0 updated, 1 unchanged;"
        " subjects 0 created, 0 updated, 2 unchanged;"
        " consents 0 created, 0 updated, 3 unchanged"
    )
    assert [model.objects.count() for model in (*MODELS, Consent)] == counts
    assert DjangoConsentBook().version() == version


def test_a_newer_export_updates_records_and_replaces_identifiers(files, write_csv):
    """Changed rows update their records; a subject's names, emails and phones are replaced."""
    assert run_import(**files())[0] == 0
    version = DjangoConsentBook().version()
    agencies = write_csv("a2.csv", AGENCY_HEADER, "Leeds Adult Social Care,leeds-asc.example,")
    subjects = write_csv(
        "s2.csv",
        SUBJECT_HEADER,
        "C-1001,carer,Amina Okafor,,amina@example.net,,1968-04-12,,,LS9 6AB,",
        SUBJECTS[1],
        "C-1003,volunteer,Tomasz Nowak,,,,,,,,",
    )
    consents = write_csv(
        "c2.csv",
        CONSENT_HEADER,
        # The same consent (subject, recipient, recorded_at), now withdrawn.
        "C-1001,Leeds Adult Social Care,contact;health,written,Priya Sharma,"
        "2026-01-15T10:30,2027-01-14,2026-05-01,Signed form in case file",
    )
    status, out, err = run_import(agencies=agencies, subjects=subjects, consents=consents)
    assert (status, err) == (0, "")
    assert out.strip() == (
        "imported: agencies 0 created, 1 updated, 0 unchanged;"
        " subjects 1 created, 1 updated, 1 unchanged;"
        " consents 0 created, 1 updated, 0 unchanged"
    )
    amina = Subject.objects.get(ref="C-1001")
    assert [n.name for n in amina.names.all()] == ["Amina Okafor"]
    assert [e.email for e in amina.emails.all()] == ["amina@example.net"]
    assert list(amina.phones.all()) == []
    assert (amina.nhs_number, amina.ni_number, amina.address) == ("", "", "")
    assert [d.domain for d in AgencyDomain.objects.all()] == ["leeds-asc.example"]
    assert not AgencyAddress.objects.exists()
    withdrawn = Consent.objects.get(agency__name="Leeds Adult Social Care")
    assert withdrawn.withdrawn_at == datetime(2026, 4, 30, 23, 0, tzinfo=UTC)
    assert Consent.objects.count() == 3  # nothing is deleted by an import
    assert DjangoConsentBook().version() != version


def test_consents_may_name_subjects_and_agencies_imported_earlier(files):
    """A consents file alone may refer to subjects and agencies already in the register."""
    paths = files()
    assert run_import(agencies=paths["agencies"], subjects=paths["subjects"])[0] == 0
    status, out, _ = run_import(consents=paths["consents"])
    assert status == 0
    assert out.strip() == "imported: consents 3 created, 0 updated, 0 unchanged"


def test_excel_bom_crlf_and_headers_in_any_order_and_case(write_csv):
    """A UTF-8 BOM, CRLF line ends, reordered and capitalised headers are all read."""
    subjects = write_csv(
        "s.csv",
        "Name,Ref,Kind,Aliases,Emails,Phones,DOB,NHS Number,NI Number,Postcode,Address",
        '"O\'Neill, Siobhán",P-2001,participant,,,,,,,,',
        newline="\r\n",
        bom=True,
    )
    status, _, err = run_import(subjects=subjects)
    assert (status, err) == (0, "")
    assert Subject.objects.get(ref="P-2001").display_name == "O'Neill, Siobhán"


BAD_ROWS = [
    # (file, extra row at the end of the good rows, "column: what is wrong")
    ("agencies", ",leeds.example,", "name: required"),
    ("agencies", "Leeds Adult Social Care,,", "name: the same agency as line 2"),
    (
        "agencies",
        "@leeds.example,,",
        "name: contains @; a consent naming it would be read as an address",
    ),
    ("agencies", "Other,not_a_domain,", "domains: item 1 is not a domain (agency.example)"),
    ("agencies", "Other,,a@b.example;duty.team@", "addresses: item 2 is not an email address"),
    ("subjects", ",carer,A Person,,,,,,,,", "ref: required"),
    ("subjects", f"{'X' * 65},carer,A Person,,,,,,,,", "ref: longer than 64 characters"),
    ("subjects", "C-1001,carer,A Person,,,,,,,,", "ref: the same ref as line 2"),
    (
        "subjects",
        "C-9,neighbour,A Person,,,,,,,,",
        "kind: expected one of carer, cared_for, participant, staff, volunteer, trustee",
    ),
    ("subjects", "C-9,carer,,,,,,,,,", "name: required"),
    (
        "subjects",
        "C-9,carer,A Person,,a@b.example;a.person,,,,,,",
        "emails: item 2 is not an email address",
    ),
    ("subjects", "C-9,carer,A Person,,,12,,,,,", "phones: item 1 is not a phone number"),
    ("subjects", "C-9,carer,A Person,,,,14/03/1956,,,,", "dob: not an ISO 8601 date (1956-03-14)"),
    ("subjects", "C-9,carer,A Person,,,,2999-01-01,,,,", "dob: in the future"),
    (
        "subjects",
        "C-9,carer,A Person,,,,,943 476 5918,,,",
        "nhs_number: fails the NHS number check digit",
    ),
    (
        "subjects",
        "C-9,carer,A Person,,,,,943 476 591,,,",
        "nhs_number: not an NHS number (10 digits)",
    ),
    (
        "subjects",
        "C-9,carer,A Person,,,,,,QQ 12 34 56 E,,",
        "ni_number: not a National Insurance number (two letters, six digits, A-D)",
    ),
    ("subjects", "C-9,carer,A Person,,,,,,,LS9,", "postcode: not a UK postcode"),
    (
        "consents",
        "C-404,@riverside.example,health,oral,PS,2026-01-01,,,",
        "subject_ref: no subject with this ref in the register or the subjects file",
    ),
    (
        "consents",
        "C-1001,Leeds Social Care,health,oral,PS,2026-01-01,,,",
        "recipient: no agency of this name in the register or the agencies file"
        " (a domain is written @agency.example)",
    ),
    (
        "consents",
        "C-1001,@nodot,health,oral,PS,2026-01-01,,,",
        "recipient: not a domain (@agency.example)",
    ),
    ("consents", "C-1001,jo@,health,oral,PS,2026-01-01,,,", "recipient: not an email address"),
    (
        "consents",
        "C-1001,,health,oral,PS,2026-01-01,,,",
        "recipient: required: an agency's name, @domain or an email address",
    ),
    (
        "consents",
        "C-1001,@riverside.example,health;medical,oral,PS,2026-01-01,,,",
        "scope: item 2 is not a scope; expected contact, health, financial, all",
    ),
    (
        "consents",
        "C-1001,@riverside.example,,oral,PS,2026-01-01,,,",
        "scope: required: one or more of contact, health, financial, all, separated by ;",
    ),
    (
        "consents",
        "C-1001,@riverside.example,health,verbal,PS,2026-01-01,,,",
        "method: expected written or oral",
    ),
    ("consents", "C-1001,@riverside.example,health,oral,,2026-01-01,,,", "recorded_by: required"),
    ("consents", "C-1001,@riverside.example,health,oral,PS,,,,", "recorded_at: required"),
    (
        "consents",
        "C-1001,@riverside.example,health,oral,PS,15/01/2026,,,",
        "recorded_at: not an ISO 8601 date or date and time (2026-03-31 or 2026-03-31T14:30)",
    ),
    (
        "consents",
        "C-1001,@riverside.example,health,oral,PS,2026-01-01,2025-12-31,,",
        "valid_until: before recorded_at",
    ),
    (
        "consents",
        "C-1001,@riverside.example,health,oral,PS,2026-01-01,,soon,",
        "withdrawn_at: not an ISO 8601 date or date and time (2026-03-31 or 2026-03-31T14:30)",
    ),
    (
        "consents",
        "C-1002,@riverside.example,contact,written,PS,2026-07-01T00:00,,,",
        "recorded_at: the same subject, recipient and time as line 3",
    ),
]


@pytest.mark.parametrize(("kind", "row", "problem"), BAD_ROWS)
def test_one_bad_row_rejects_the_whole_import(kind, row, problem, files):
    """A bad row gives `FILE:LINE: COLUMN: problem`, status 2, and nothing is imported."""
    paths = files(**{kind: (row,)})
    line = 2 + len({"agencies": AGENCIES, "subjects": SUBJECTS, "consents": CONSENTS}[kind])
    status, out, err = run_import(**paths)
    assert (status, out) == (2, "")
    assert err == f"{paths[kind]}:{line}: {problem}\n"
    assert [model.objects.count() for model in (*MODELS, Consent)] == [0] * 8


def test_errors_never_repeat_the_personal_data_in_the_row(files):
    """An error names where the problem is; the value itself (an address, a name) is not shown."""
    _, _, err = run_import(**files(subjects=("C-9,carer,Zelda Quartermain,,zelda.q@,,,,,,",)))
    assert "emails: item 1" in err
    assert "zelda" not in err.lower()


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (SUBJECT_HEADER.replace(",postcode", ""), "1: postcode: missing column"),
        (
            SUBJECT_HEADER + ",notes",
            "1: column 12: unknown column; expected ref, kind, name, aliases, emails, phones,"
            " dob, nhs_number, ni_number, postcode, address",
        ),
        (SUBJECT_HEADER + ",Kind", "1: kind: the column appears twice"),
        (SUBJECT_HEADER + ",", "1: column 12: a column with no name"),
    ],
)
def test_the_header_must_name_each_column_once(header, problem, write_csv):
    """Every column must be in the header, once; an unknown column is refused, not ignored."""
    subjects = write_csv("s.csv", header)
    status, _, err = run_import(subjects=subjects)
    assert (status, err) == (2, f"{subjects}:{problem}\n")


def test_an_empty_file_misses_its_first_column(write_csv, tmp_path):
    """An empty file is refused at line 1 naming the first required column."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    status, _, err = run_import(agencies=empty)
    assert (status, err) == (2, f"{empty}:1: name: missing column (the file is empty)\n")


def test_lines_are_physical_lines_even_after_a_multiline_address(write_csv):
    """A quoted address over two lines pushes later rows' line numbers down by one."""
    subjects = write_csv(
        "s.csv",
        SUBJECT_HEADER,
        'C-1,carer,A Person,,,,,,,,"12 Example Street\nLeeds"',
        "",
        "C-2,carer,B Person,,,,,,,LS9,",
    )
    status, _, err = run_import(subjects=subjects)
    assert (status, err) == (2, f"{subjects}:5: postcode: not a UK postcode\n")


def test_text_that_is_not_utf8_is_refused_at_its_line_and_column(tmp_path):
    """A cp1252 export is refused at the first undecodable cell, asking for CSV UTF-8."""
    subjects = tmp_path / "s.csv"
    subjects.write_bytes(
        (SUBJECT_HEADER + "\nC-1,carer,A Person,,,,,,,,\nC-2,carer,Siobh").encode()
        + "án O'Neill,,,,,,,,\n".encode("cp1252")
    )
    status, _, err = run_import(subjects=subjects)
    assert (status, err) == (
        2,
        f'{subjects}:3: name: not UTF-8 text; save the file as "CSV UTF-8"\n',
    )


def test_a_value_beyond_the_last_column_is_refused(write_csv):
    """A row with more values than the header has columns is refused (a shifted row)."""
    subjects = write_csv("s.csv", SUBJECT_HEADER, "C-1,carer,A Person,,,,,,,,,extra")
    status, _, err = run_import(subjects=subjects)
    assert (status, err) == (2, f"{subjects}:2: column 12: a value beyond the last column\n")


def test_a_missing_file_is_one_line_and_nothing_is_imported(files, tmp_path):
    """A missing file stops the import before anything is read: one line, status 2."""
    paths = files()
    status, _, err = run_import(**{**paths, "consents": tmp_path / "nope.csv"})
    assert (status, err) == (2, f"confide consent import: {tmp_path / 'nope.csv'}: no such file\n")
    assert not Subject.objects.exists()


def test_no_files_is_a_usage_error():
    """`confide consent import` with no file says what to give."""
    status, _, err = run_import()
    assert status == 2
    assert "give --agencies, --subjects or --consents" in err


def _redelimited(path: Path, delimiter: str) -> Path:
    """``path`` saved again with ``delimiter`` between columns, quoted as Excel quotes."""
    with path.open(newline="", encoding="utf-8") as comma_file:
        records = list(csv.reader(comma_file))
    out = path.with_name(f"{path.stem}-{ord(delimiter)}.csv")
    with out.open("w", newline="", encoding="utf-8-sig") as other_file:
        csv.writer(other_file, delimiter=delimiter, lineterminator="\r\n").writerows(records)
    return out


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_files_saved_with_semicolons_or_tabs_import_as_comma_files_do(delimiter, files):
    """Excel's ";" CSV (much of Europe) and tab-delimited text import like the comma files:
    the same records, lists inside a cell still split on ";", commas inside an address kept."""
    paths = {kind: _redelimited(path, delimiter) for kind, path in files().items()}
    assert delimiter in paths["subjects"].read_text(encoding="utf-8-sig").splitlines()[0]
    status, out, err = run_import(**paths)
    assert (status, err) == (0, "")
    assert "subjects 2 created" in out
    assert "consents 3 created" in out
    amina = Subject.objects.get(ref="C-1001")
    assert amina.address == "12 Example Street, Leeds"
    assert [n.name for n in amina.names.all()] == ["Amina Okafor", "Mina Okafor", "A. Okafor"]
    by_recipient = {c.recipient_label: c.scopes for c in Consent.objects.all()}
    assert by_recipient["Leeds Adult Social Care"] == "contact,health"


def test_a_semicolon_file_with_a_misspelt_column_names_that_column(write_csv):
    """A ";" file's header is read as ";"-separated, so an unknown column is named by its
    own number, not as one long column 1."""
    subjects = write_csv("s.csv", SUBJECT_HEADER.replace(",", ";").replace("postcode", "postcde"))
    status, _, err = run_import(subjects=subjects)
    assert (status, err) == (
        2,
        f"{subjects}:1: column 10: unknown column; expected ref, kind, name, aliases, emails,"
        " phones, dob, nhs_number, ni_number, postcode, address\n",
    )
