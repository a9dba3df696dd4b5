"""The frozen detection test set is intact, labelled exactly, as large as promised, and made
only of fictional or reserved values."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

import pytest

from bench.make_test_set import MANIFEST, OUT_DIR, generate, manifest_line, origins_used
from bench.testset.people import LANDLINE_RANGES, nhs_valid

LABEL_TYPES = {
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_POSTCODE", "UK_NHS", "UK_NINO",
    "UK_BANK_ACCOUNT", "IBAN_CODE", "CREDIT_CARD", "UK_PASSPORT", "UK_DRIVING_LICENCE",
    "DATE_OF_BIRTH", "STREET_ADDRESS", "SPECIAL_CATEGORY", "SAFEGUARDING",
}  # fmt: skip


def _records() -> list[dict]:  # type: ignore[type-arg]
    lines = (OUT_DIR / MANIFEST).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


RECORDS = _records()


def _spans(kind: str) -> list[str]:
    return [s["text"] for r in RECORDS for s in r["spans"] if s["type"] == kind]


def test_every_document_is_unchanged_and_every_span_is_its_slice() -> None:
    """Each file's text has the hash it was frozen with, and each label's text is its slice."""
    for record in RECORDS:
        text = (OUT_DIR / record["doc"]).read_text(encoding="utf-8")
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == record["sha256"], record["doc"]
        last_end = 0
        for span in record["spans"]:
            assert span["type"] in LABEL_TYPES
            assert 0 <= last_end <= span["start"] < span["end"] <= len(text)
            assert text[span["start"] : span["end"]] == span["text"]
            last_end = span["end"]


def test_no_document_on_disk_is_missing_from_the_labels() -> None:
    """Every .txt under the test set is labelled (an unlabelled document would score as clean)."""
    on_disk = {str(p.relative_to(OUT_DIR)) for p in OUT_DIR.rglob("*.txt")}
    assert on_disk == {r["doc"] for r in RECORDS}


def test_the_generator_reproduces_the_frozen_files() -> None:
    """Running the seeded generator again gives the committed labels, byte for byte."""
    expected = (OUT_DIR / MANIFEST).read_text(encoding="utf-8")
    assert "".join(manifest_line(n, d) + "\n" for n, d in generate()) == expected


def test_the_set_is_as_large_and_varied_as_the_issue_asks() -> None:
    """At least 150 documents in 12 styles, 2,000 spans, 40 clean documents, 15 name origins."""
    styles = {r["doc"].split("/")[0] for r in RECORDS}
    clean = [r for r in RECORDS if "_clean" in r["doc"]]
    assert len(RECORDS) >= 150
    assert len(styles) >= 12
    assert sum(len(r["spans"]) for r in RECORDS) >= 2000
    assert len(clean) >= 40
    assert all(not r["spans"] for r in clean)
    assert all(r["spans"] for r in RECORDS if "_clean" not in r["doc"])
    assert len(origins_used(_spans("PERSON"))) >= 15


def test_nhs_numbers_pass_the_modulus_11_check() -> None:
    """Every labelled NHS number is a valid one (a detector that checks is not penalised)."""
    numbers = _spans("UK_NHS")
    assert numbers
    assert all(nhs_valid(n) for n in numbers)


def test_ni_numbers_have_an_allocatable_prefix_and_suffix() -> None:
    """Every NI number: two allowed letters, not a withheld pair, six digits, A to D."""
    pattern = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")
    for text in _spans("UK_NINO"):
        compact = text.replace(" ", "").upper()
        assert pattern.fullmatch(compact), text
        assert compact[:2] not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def _uk_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    for prefix in ("0044", "44"):
        if digits.startswith(prefix):
            return "0" + digits[len(prefix) :]
    return digits


def test_phone_numbers_are_in_ofcom_drama_ranges() -> None:
    """Every labelled phone number is in a range Ofcom reserves for fiction."""
    ranges = ["07700900", *(a + m.replace(" ", "") for a, m in LANDLINE_RANGES)]
    for text in _spans("PHONE_NUMBER"):
        digits = _uk_digits(text)
        assert len(digits) in (10, 11), text
        assert any(digits.startswith(r) for r in ranges), text


def test_email_addresses_are_at_reserved_domains() -> None:
    """Every labelled e-mail address is at example.* or a .test or .example domain."""
    for text in _spans("EMAIL_ADDRESS"):
        domain = text.rsplit("@", 1)[1]
        labels = domain.split(".")
        assert "example" in labels or labels[-1] == "test", text


def test_ibans_and_card_numbers_pass_their_checks() -> None:
    """IBANs satisfy mod 97 = 1 and card numbers the Luhn check."""
    ibans, cards = _spans("IBAN_CODE"), _spans("CREDIT_CARD")
    assert ibans
    assert cards
    for text in ibans:
        code = text.replace(" ", "")
        assert int("".join(str(int(c, 36)) for c in code[4:] + code[:4])) % 97 == 1, text
    for text in cards:
        digits = [int(c) for c in re.sub(r"\D", "", text)][::-1]
        total = sum(
            d if i % 2 == 0 else (2 * d - 9 if d > 4 else 2 * d) for i, d in enumerate(digits)
        )
        assert total % 10 == 0, text


def test_role_mailboxes_and_helplines_are_never_labelled() -> None:
    """A role mailbox or a national helpline's number is in the set but carries no label."""
    emails = Counter(t.split("@")[0] for t in _spans("EMAIL_ADDRESS"))
    assert not {"info", "referrals", "jobs", "safeguarding", "donations"} & set(emails)
    texts = " ".join((OUT_DIR / r["doc"]).read_text(encoding="utf-8") for r in RECORDS)
    assert "0808 800 5000" in texts
    assert "referrals@" in texts
    assert "0808 800 5000" not in _spans("PHONE_NUMBER")


@pytest.mark.parametrize("kind", ["STREET_ADDRESS", "UK_POSTCODE"])
def test_addresses_and_postcodes_are_separate_spans(kind: str) -> None:
    """No address span holds a postcode, and no postcode span holds a street."""
    postcode = re.compile(r"\b[A-Z]{1,2}\d{1,2}[A-Z]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
    for text in _spans(kind):
        if kind == "STREET_ADDRESS":
            assert not postcode.search(text), text
        else:
            assert postcode.fullmatch(text), text
