"""`confide consent import|list|show` as an admin runs them: the console script, a subprocess."""

from __future__ import annotations

import pytest

from tests.gateway.conftest import EXAMPLES, SUBJECT_HEADER

# The subprocess shares the test's database: PostgreSQL's test database in the second pass.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

EXAMPLE_FILES = (
    "--agencies",
    EXAMPLES / "agencies.csv",
    "--subjects",
    EXAMPLES / "subjects.csv",
    "--consents",
    EXAMPLES / "consents.csv",
)
# Personal data in the example files, which import and its logs must never print.
PERSONAL = ("Okafor", "amina.okafor@example.org", "07700", "+447700", "943", "QQ", "LS9 6AB")


def test_the_examples_import_then_list_and_show(confide):
    """The example files import; list shows refs, kinds and consents; show shows one subject."""
    result = confide("consent", "import", *EXAMPLE_FILES, env={"CONFIDE_LOG_LEVEL": "DEBUG"})
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "imported: agencies 3 created, 0 updated, 0 unchanged;"
        " subjects 5 created, 0 updated, 0 unchanged;"
        " consents 5 created, 0 updated, 0 unchanged\n"
    )
    for value in PERSONAL:
        assert value not in result.stdout + result.stderr
    listed = confide("consent", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["ref", "kind", "consents", "name"]
    assert [line.split()[0] for line in lines[1:]] == [
        "C-1001",
        "C-1002",
        "P-2001",
        "T-5001",
        "V-3001",
    ]
    assert lines[2].split() == ["C-1002", "cared_for", "1", "Joseph", "Okafor"]
    assert lines[4].split() == ["T-5001", "trustee", "0", "Grace", "Adeyemi-Cole"]
    shown = confide("consent", "show", "P-2001")
    assert shown.returncode == 0, shown.stderr
    assert "also known as:  Shiv O'Neill" in shown.stdout
    assert "phones:         +447700900456; +441134960789" in shown.stdout
    assert "Leeds Adult Social Care: all; written, recorded 2025-06-01 00:00 by Daniel Reid;" in (
        shown.stdout
    )
    assert "withdrawn 2026-01-20 00:00" in shown.stdout


def test_a_bad_row_is_one_line_status_2_and_nothing_is_imported(confide, write_csv):
    """A bad row anywhere: exactly `FILE:LINE: COLUMN: problem`, status 2, an empty register."""
    subjects = write_csv(
        "subjects.csv",
        SUBJECT_HEADER,
        "C-1,carer,A Person,,,,,,,,",
        "C-2,carer,B Person,,,,,943 476 5918,,,",
    )
    result = confide(
        "consent", "import", "--agencies", EXAMPLES / "agencies.csv", "--subjects", subjects
    )
    assert result.returncode == 2
    assert result.stderr == f"{subjects}:3: nhs_number: fails the NHS number check digit\n"
    assert result.stdout == ""
    listed = confide("consent", "list")
    assert listed.stdout == "the register holds no subjects\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("consent", "import", "--subjects", "missing.csv"),
            "confide consent import: missing.csv: no such file\n",
        ),
        (("consent", "show", "C-404"), "confide consent show: no subject with ref C-404\n"),
    ],
)
def test_missing_things_are_one_line_without_a_traceback(args, message, confide):
    """A missing file or an unknown ref is one line on stderr and status 2."""
    result = confide(*args)
    assert (result.returncode, result.stderr) == (2, message)
