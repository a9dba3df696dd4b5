"""rules/redaction.yaml is checked as it loads; mask and hash write what the file says, and
overlapping values that were to go different ways are replaced whole."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from scanner.operators import (
    REPLACE,
    Hash,
    Mask,
    load_operators,
    pseudonym_key,
)
from scanner.removals import Removal, redact_text
from scanner.rules_file import DEFAULT_OPERATORS, RulesError

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
ENTRY = "  - types: [UK_NHS]\n    clause: '003 Need to Know'\n"


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "redaction.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_replaces_everything() -> None:
    """By default every finding type is replaced by its label, as before operators existed."""
    operators = load_operators(DEFAULT_OPERATORS)
    assert (operators.default, dict(operators.by_type)) == (REPLACE, {})


def test_each_type_goes_the_way_its_entry_says(tmp_path: Path) -> None:
    """Entries name types, the way and its settings; other types take the default."""
    path = _file(
        tmp_path,
        "default: {operator: replace, clause: '000 2.3'}\nby_type:\n"
        + ENTRY
        + "    operator: mask\n    keep_last_digits: 3\n    mask_character: '•'\n"
        + "  - types: [PERSON, EMAIL_ADDRESS]\n    operator: hash\n    clause: '003 Principle c'\n",
    )
    operators = load_operators(path, tmp_path / "pseudonym.key")
    key = (tmp_path / "pseudonym.key").read_text().strip()
    assert dict(operators.by_type) == {
        "UK_NHS": Mask(3, "•"),
        "PERSON": Hash(bytes.fromhex(key)),
        "EMAIL_ADDRESS": Hash(bytes.fromhex(key)),
    }
    assert operators.default == REPLACE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("default: {operator: redact, clause: x}\n", "unknown operator 'redact'; expected"),
        ("default: {operator: replace}\n", "missing 'clause'"),
        ("default: {operator: replace, clause: ' '}\n", "'clause' is empty"),
        ("default: {operator: replace, clause: x, keep_last_digits: 4}\n", "unknown setting"),
        ("default: {operator: replace, clause: x}\nby_types: []\n", "unknown setting 'by_types'"),
        (
            f"default: {{operator: replace, clause: x}}\nby_type:\n{ENTRY}    operator: mask\n"
            "    keep_last_digits: 5\n",
            "'keep_last_digits' must be 1 to 4, not 5",
        ),
        (
            f"default: {{operator: replace, clause: x}}\nby_type:\n{ENTRY}    operator: mask\n"
            "    mask_character: '#0'\n",
            "'mask_character' must be one character",
        ),
        (
            f"default: {{operator: replace, clause: x}}\nby_type:\n{ENTRY}    operator: mask\n"
            "    mask_character: '&'\n",
            "is markup in HTML",
        ),
        (
            f"default: {{operator: replace, clause: x}}\nby_type:\n{ENTRY}    operator: replace\n"
            "  - types: [PERSON, UK_NHS]\n    operator: mask\n    clause: x\n",
            "'UK_NHS' is listed twice",
        ),
        (
            f"default: {{operator: replace, clause: x}}\nby_type:\n{ENTRY}    operator: hash\n",
            "'hash' needs the installation's pseudonym key",
        ),
        ("by_type: []\n", "missing 'default'"),
    ],
)
def test_mistakes_are_reported_with_file_line_and_what_to_do(
    tmp_path: Path, text: str, message: str
) -> None:
    """Each mistake names the file and the line of the entry, and what is expected."""
    path = _file(tmp_path, text)
    with pytest.raises(RulesError) as error:
        load_operators(path)
    assert message in str(error.value)
    assert str(error.value).startswith(f"{path}:")


def test_a_pseudonym_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    """The key file is made with mode 0600 when first needed, and read as it is after."""
    path = tmp_path / "var" / "pseudonym.key"
    first = pseudonym_key(path)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pseudonym_key(path) == first
    assert [p.name for p in path.parent.iterdir()] == ["pseudonym.key"]


def test_a_damaged_pseudonym_key_is_refused(tmp_path: Path) -> None:
    """A key file that does not hold 64 hexadecimal digits stops the load: a new key made
    silently would give every value a new pseudonym."""
    path = tmp_path / "pseudonym.key"
    path.write_text("not a key\n")
    with pytest.raises(RulesError, match="not a pseudonym key"):
        pseudonym_key(path)
    assert path.read_text() == "not a key\n"


NHS = "943 476 5919"


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        (NHS, "********5919"),
        ("943-476-5919", "********5919"),
        ("9434765919", "******5919"),
        # Ending in something other than plain digits, or too short: masked whole.
        ("943 476 591\uff19", "************"),
        ("943 476 591&#57;", "****************"),
        ("12 34 56", "********"),
        ("Amina Okafor", "************"),
    ],
)
def test_a_mask_keeps_only_the_last_plain_digits(written: str, masked: str) -> None:
    """Every character but the last four, when they are plain digits of a long enough
    number, becomes the mask character."""
    text = f"NHS {written}."
    span = (4, 4 + len(written), Removal(written, "NHS number", Mask()))
    assert redact_text(text, [span]) == f"NHS {masked}."


def _pseudonym(written: str, key: bytes = KEY) -> str:
    return redact_text(written, [(0, len(written), Removal(written, "NHS number", Hash(key)))])


def test_a_pseudonym_is_the_same_however_the_value_is_written() -> None:
    """Case, spaces and punctuation do not change a value's pseudonym; another value's
    differs."""
    pseudonym = _pseudonym(NHS)
    assert pseudonym.startswith("[NHS number pseudonym ")
    assert _pseudonym("943-476-5919") == _pseudonym("9434765919") == pseudonym
    assert _pseudonym("943 476 5920") != pseudonym
    assert _pseudonym("Amina Okafor") == _pseudonym("AMINA  OKAFOR")


def test_a_pseudonym_depends_on_the_key_and_holds_no_digit() -> None:
    """Without the installation's key the pseudonym cannot be made again (so not reversed by
    trying every NHS number); it holds no digit a re-scan could read as a number."""
    assert _pseudonym(NHS, OTHER_KEY) != _pseudonym(NHS)
    assert not any(c.isdigit() for c in _pseudonym(NHS))


EMAIL = "9434765919@mailbox.example"
CARD = "5550009434765919"


@pytest.mark.parametrize(
    ("outer", "inner", "outer_way", "inner_way", "expected"),
    [
        (EMAIL, "9434765919", Hash(KEY), Hash(KEY), "[reference pseudonym "),
        (EMAIL, "9434765919", REPLACE, Hash(KEY), "[reference removed]"),
        (EMAIL, "9434765919", Hash(KEY), Mask(), "[reference removed]"),
        (CARD, "9434765919", Mask(), REPLACE, "[reference removed]"),
        (CARD, "9434765919", Mask(), Hash(KEY), "[reference removed]"),
    ],
)
def test_overlapping_values_going_different_ways_are_replaced_whole(
    outer: str, inner: str, outer_way: Hash | Mask, inner_way: Hash | Mask, expected: str
) -> None:
    """A value inside another goes the longer one's way only when both go the same way:
    otherwise a mask or pseudonym of the whole could keep part of the inner value (a card
    number masked but its last digits would keep an NHS number's)."""
    text = f"write to {outer} today"
    start = text.index(inner)
    spans = [
        (start, start + len(inner), Removal(inner, "NHS number", inner_way)),
        (9, 9 + len(outer), Removal(outer, "reference", outer_way)),
    ]
    redacted = redact_text(text, spans)
    assert redacted.startswith(f"write to {expected}")
    assert redacted.endswith(" today")
    assert "5919" not in redacted
