"""Identifiers in one comparable form, so the register and the text match however written.

The register stores these forms, and the known-subject matcher normalises what it reads in
text the same way: "07700 900 123", "+44 (0)7700-900123" and "447700900123" are one number.
Each function returns "" for a value that is not that kind of identifier.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
import regex

from scanner.checksums import nhs_mod11

_SPACES = regex.compile(r"\s+")
_NOT_DIGITS = regex.compile(r"\D")
_NINO = regex.compile(r"^[A-Z]{2}\d{6}[A-D]?$")
_POSTCODE = regex.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
_EMAIL = regex.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Apostrophes, hyphens and full stops inside names ("O'Neill", "Adeyemi-Cole", "St. John").
_NAME_PUNCTUATION = regex.compile(r"[’'`.\-]")


def name_words(name: str) -> tuple[str, ...]:
    """A name as lower-case words without diacritics or inner punctuation.

    "Siobhán O'Neill" and "siobhan oneill" give the same words; "Adeyemi-Cole" is one word.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(_NAME_PUNCTUATION.sub("", plain).split())


def email(value: str) -> str:
    value = value.strip().lower()
    return value if _EMAIL.match(value) else ""


def phone(value: str, region: str = "GB") -> str:
    """E.164 ("+447700900123"); UK numbers may be written nationally."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def nhs_number(value: str) -> str:
    """Ten digits with a valid check digit."""
    digits = _NOT_DIGITS.sub("", value)
    return digits if len(digits) == 10 and nhs_mod11(digits) else ""


def ni_number(value: str) -> str:
    """Two letters, six digits and the suffix letter, if given, in capitals without spaces."""
    compact = _SPACES.sub("", value).upper()
    return compact if _NINO.match(compact) else ""


def postcode(value: str) -> str:
    """Outward and inward code in capitals, one space between ("LS9 6AB")."""
    compact = _SPACES.sub("", value).upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else ""
