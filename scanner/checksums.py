"""Checksums and structural checks for identifiers, named so that rules/ can refer to them.

Detection validates what a pattern matched with them (``validator`` in
``recognizers.yaml``), and ``scanner.identifiers`` with them normalises what the register holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def _compact(value: str) -> str:
    return _NON_ALNUM.sub("", value).upper()


def nhs_mod11(value: str) -> bool:
    """An NHS number: ten digits whose weighted sum gives the tenth as its check digit."""
    digits = _compact(value)
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def luhn(value: str) -> bool:
    """A payment card number: 13 to 19 digits passing the Luhn check."""
    digits = _compact(value)
    if not 13 <= len(digits) <= 19 or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_mod97(value: str) -> bool:
    """An IBAN: country code, check digits and account, passing ISO 7064 mod 97-10."""
    iban = _compact(value)
    if not 15 <= len(iban) <= 34 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def uk_nino(value: str) -> bool:
    """A National Insurance number with a prefix HMRC issues and a suffix A to D."""
    nino = _compact(value)
    return (
        len(nino) == 9
        and nino[:2] not in _NINO_BAD_PREFIXES
        and nino[0] not in "DFIQUV"
        and nino[1] not in "DFIOQUV"
        and nino[2:8].isdigit()
        and nino[8] in "ABCD"
    )


def uk_driving_licence(value: str) -> bool:
    """A GB driving licence number whose date-of-birth digits make a real month and day."""
    lic = _compact(value)
    if len(lic) != 16 or not lic[5:11].isdigit():
        return False
    month = int(lic[6:8])
    day = int(lic[8:10])
    month = month - 50 if month > 50 else month  # women's licences add 5 to the month's tens
    return 1 <= month <= 12 and 1 <= day <= 31


def uk_phone(value: str) -> bool:
    """A UK number as dialled: 0 then 9 or 10 digits (+44 and a bracketed (0) allowed, and
    the 0 people keep after +44: "+44 07700 900123")."""
    digits = re.sub(r"\D", "", value.replace("(0)", ""))
    if digits.startswith("0044"):
        digits = "0" + digits[4:].removeprefix("0")
    elif digits.startswith("44") and (value.lstrip(" (").startswith("+") or len(digits) == 12):
        # +44 7700 900123, (+44) 7700 900123, or 447700900123 as a spreadsheet has it
        digits = "0" + digits[2:].removeprefix("0")
    return (
        digits.startswith("0")
        and digits[1:2] in set("1235789")
        and len(digits) in (10, 11)
        and len(set(digits[1:])) > 2
    )


def uk_phone_without_zero(value: str) -> bool:
    """A UK number a spreadsheet kept as a number, its leading 0 lost: 9 or 10 digits that
    are a UK number with the 0 put back."""
    digits = _compact(value)
    return digits.isdigit() and len(digits) in (9, 10) and uk_phone("0" + digits)


def international_phone(value: str) -> bool:
    """A number abroad as dialled from the UK: + or 00, a country code other than 44, and
    8 to 15 digits in all (ITU-T E.164), grouped: 00 and an unbroken run of digits is
    more often an account or a reference."""
    value = value.strip()
    digits = re.sub(r"\D", "", value)
    if value.startswith("00"):
        if not re.search(r"[ .()-]", value):
            return False
        digits = digits[2:]
    elif not value.startswith("+"):
        return False
    return not digits.startswith("44") and 8 <= len(digits) <= 15 and len(set(digits)) > 2


def not_all_same_digit(value: str) -> bool:
    """Rejects placeholder numbers such as 000000000 or 11111111."""
    digits = _compact(value)
    return len(set(digits)) > 1


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "nhs_mod11": nhs_mod11,
    "luhn": luhn,
    "iban_mod97": iban_mod97,
    "uk_nino": uk_nino,
    "uk_driving_licence": uk_driving_licence,
    "uk_phone": uk_phone,
    "uk_phone_without_zero": uk_phone_without_zero,
    "international_phone": international_phone,
    "not_all_same_digit": not_all_same_digit,
}
