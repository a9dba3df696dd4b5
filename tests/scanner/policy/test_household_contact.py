"""A phone number or an email address beside a home address, with no name, reaches and
locates one household: personal data whose consent is asked for (rules/default.yaml,
``personal_data.together``). An organisation's own lines (its signature, letterhead, a
venue's address) are released as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.policy.policy_file import load_policy
from scanner.rules_file import DEFAULT_POLICY, RulesError
from tests.scanner.policy.conftest import STRANGER, Check

HOUSEHOLD = [
    pytest.param(
        "Please send the forms to 23 Mill Lane, Leeds, or ring 07700 900461 first.",
        id="mobile and home address",
    ),
    pytest.param(
        "The family at 8 Birchfield Road, Otley can be reached on 0113 496 0777.",
        id="landline and home address",
    ),
    pytest.param(
        "Write to 23 Mill Lane, Leeds; the email is jo.bloggs.1975@gmail.com.",
        id="email and home address",
    ),
    pytest.param(
        "Address: 23 Mill Lane, Leeds LS9 6AB\nTel: 07700 900461",
        id="a form's fields",
    ),
]


@pytest.mark.parametrize("text", HOUSEHOLD)
def test_a_phone_or_email_beside_a_home_address_is_personal_data(check: Check, text: str):
    """Unlinked to any known person, the pair is removed for an external recipient."""
    verdict = check(text, STRANGER)[STRANGER]
    assert verdict.action == "redact", verdict.reasons
    assert "unlinked-identifiers" in verdict.rules
    assert {f.type for f in verdict.redactions} >= {"STREET_ADDRESS"}


ORGANISATIONS_OWN = [
    pytest.param(
        "Thanks for coming on Tuesday.\n\nKind regards,\nGrace Mwangi\nCarer Support Worker\n"
        "Calder Carers Hub\n16 Market Street, Halifax HX1 1AB\nTel: 01422 496000\n",
        id="staff signature with office phone and address",
    ),
    pytest.param(
        "Our coffee morning is held at 31 Canal Street, Leeds. Call 0113 496 0777 to book a place.",
        id="venue and its booking line",
    ),
    pytest.param(
        "Calder Carers Hub, 16 Market Street, Halifax HX1 1AB. Tel 01422 496000. "
        "Registered charity 1234567.",
        id="letterhead",
    ),
    pytest.param(
        "Spice Route Catering\n14 Station Parade, Harrow\nTel 020 7946 0881\n\nINVOICE #0177\n"
        "Vegetable Biryani (trays x 6) ... £144.00\nTotal £144.00",
        id="a trader's invoice",
    ),
    pytest.param(
        "Each volunteer can ring the office on 01904 496 650 between 9am and 5pm.\n\n"
        "Age Friendly York Visiting Scheme, 2 Clifford Street, York YO1 9RD",
        id="a programme's office",
    ),
]


@pytest.mark.parametrize("text", ORGANISATIONS_OWN)
def test_an_organisations_own_phone_and_address_are_released(check: Check, text: str):
    """An office's phone and address, as a signature, a letterhead or a venue's notice print
    them, are no household's."""
    verdict = check(text, STRANGER)[STRANGER]
    assert verdict.action == "release", (verdict.rules, verdict.reasons)


def test_a_pair_of_types_of_two_categories_stops_the_policy_at_load(tmp_path: Path) -> None:
    """`together` pairs two types of one category; anything else is a mistake named at load."""
    path = tmp_path / "default.yaml"
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    path.write_text(
        text.replace("- [PHONE_NUMBER, STREET_ADDRESS]", "- [PHONE_NUMBER, PERSON]"),
        encoding="utf-8",
    )
    with pytest.raises(RulesError, match="a pair is two types of one category"):
        load_policy(path)
