"""Fictional people and the identifiers they carry, each in the many ways one is written.

Values are reserved or made valid by construction, never looked up: phones in Ofcom's drama
ranges (07700 900xxx, 01632 960xxx and the city ranges), e-mail at reserved domains, NHS
numbers built to pass the modulus 11 check, National Insurance numbers with an allocatable
prefix, sort codes and account numbers drawn at random, IBANs with correct check digits, card
numbers that pass the Luhn check, driving licence numbers built from the person's own name and
date of birth as the DVLA builds them.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.testset.doc import Piece, Val
from bench.testset.names import ORIGIN_BY_KEY, ORIGINS, TITLES_FEMALE, TITLES_MALE, Origin
from bench.testset.words import (
    BUILDINGS,
    IBAN_BANK_CODES,
    PERSONAL_MAIL_DOMAINS,
    POSTCODE_LETTERS,
    STREET_ABBREVIATIONS,
    STREETS,
    TOWNS,
)

PERSON = "PERSON"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Ofcom's ranges for drama: (prefix as dialled, how the rest is grouped, first digits).
LANDLINE_RANGES = (
    ("0113", "496 0"),
    ("0114", "496 0"),
    ("0115", "496 0"),
    ("0116", "496 0"),
    ("0117", "496 0"),
    ("0118", "496 0"),
    ("0121", "496 0"),
    ("0131", "496 0"),
    ("0141", "496 0"),
    ("0151", "496 0"),
    ("0161", "496 0"),
    ("0191", "498 0"),
    ("020", "7946 0"),
    ("029", "2018 0"),
    ("028", "9018 0"),
    ("01632", "960 "),
)


def ascii_fold(text: str) -> str:
    """Letters without accents, as in an e-mail address (ł and ı have no decomposition)."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ı", "i").replace("đ", "d")
    text = text.replace("Đ", "D").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(4, 7)] + [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, [*digits, check]))


def nhs_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return (0 if check == 11 else check) == digits[9] and check != 10


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NINO_NOT_ALLOCATED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
        if prefix not in _NINO_NOT_ALLOCATED:
            digits = "".join(str(rng.randint(0, 9)) for _ in range(6))
            return prefix + digits + rng.choice("ABCD")


def iban_with_check(country: str, bban: str) -> str:
    """The IBAN for ``bban`` with its ISO 13616 check digits (mod 97 == 1)."""
    number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


def iban_gb(rng: random.Random, sort_code: str, account: str) -> str:
    return iban_with_check("GB", rng.choice(IBAN_BANK_CODES) + sort_code + account)


# An account abroad for a person of these origins: country and BBAN shape
# (d: a digit, A: a capital letter), e.g. Poland's 24 digits.
FOREIGN_BBAN = {
    "polish": ("PL", "d" * 24),
    "romanian": ("RO", "AAAA" + "d" * 16),
    "lithuanian": ("LT", "d" * 16),
    "turkish": ("TR", "d" * 5 + "0" + "d" * 16),
    "irish": ("IE", "AAAA" + "d" * 14),
}


def iban_foreign(rng: random.Random, origin: str) -> str:
    country, shape = FOREIGN_BBAN[origin]
    bban = "".join(
        str(rng.randint(0, 9))
        if c == "d"
        else rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        if c == "A"
        else c
        for c in shape
    )
    return iban_with_check(country, bban)


def luhn_card(rng: random.Random) -> str:
    prefix = rng.choice(["4", "51", "52", "53", "54", "55"])
    body = [int(c) for c in prefix] + [rng.randint(0, 9) for _ in range(15 - len(prefix))]
    total = 0
    for i, digit in enumerate(reversed(body)):
        doubled = digit * 2 if i % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return "".join(map(str, [*body, (10 - total % 10) % 10]))


def grouped(digits: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    out, pos = [], 0
    for size in sizes:
        out.append(digits[pos : pos + size])
        pos += size
    return sep.join(out)


@dataclass
class Person:
    origin: Origin
    female: bool
    given: str
    surname: str
    middle: str = ""
    title: str = ""
    dob: dt.date = dt.date(1980, 1, 1)
    rng: random.Random = field(default_factory=random.Random, repr=False)
    town: str = "Leeds"
    _cache: dict[str, str] = field(default_factory=dict, repr=False)

    # ---- names -------------------------------------------------------------------------
    @property
    def full_text(self) -> str:
        if self.origin.family_first:
            return f"{self.surname} {self.given}"
        return f"{self.given} {self.surname}"

    def full(self) -> Val:
        return Val(PERSON, self.full_text)

    def anglicised(self) -> Val:
        """Given name then family name, as a family-first name is often written in the UK."""
        if self.origin.family_first:
            text = f"{self.given} {self.surname}"
            return Val(PERSON, ascii_fold(text) if self.rng.random() < 0.5 else text)
        return self.full()

    def with_middle(self) -> Val:
        if self.middle and not self.origin.family_first:
            return Val(PERSON, f"{self.given} {self.middle} {self.surname}")
        return self.full()

    def first(self) -> Val:
        """The name a person is called by: the last syllable of a Vietnamese given name."""
        if self.origin.key == "vietnamese":
            return Val(PERSON, self.given.split()[-1])
        return Val(PERSON, self.given)

    def last(self) -> Val:
        return Val(PERSON, self.surname)

    def formal(self) -> Piece:
        """Title and surname; the title is not part of the name's span."""
        return (f"{self.title} ", Val(PERSON, self.surname))

    def titled_full(self) -> Piece:
        return (f"{self.title} ", self.full())

    def initial(self, dot: bool = True) -> Val:
        return Val(PERSON, f"{self.given[0]}{'.' if dot else ''} {self.surname}")

    def bacs(self) -> Val:
        """Upper case initial and surname, as a payment file holds an account name."""
        return Val(PERSON, ascii_fold(f"{self.given[0]} {self.surname}").upper())

    def register(self) -> Val:
        """SURNAME, Given: a register or a clinic list."""
        return Val(PERSON, f"{self.surname.upper()}, {self.given}")

    def some_name(self) -> Piece:
        """One of the usual ways of writing this person's name in running text."""
        r = self.rng.random()
        if r < 0.45:
            return self.anglicised()
        if r < 0.6:
            return self.with_middle()
        if r < 0.8:
            return self.formal()
        if r < 0.9:
            return self.titled_full()
        return self.initial(dot=self.rng.random() < 0.5)

    # ---- contact ---------------------------------------------------------------------------
    def _once(self, key: str, make: Callable[[], str]) -> str:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def mobile_digits(self) -> str:
        return self._once("mobile", lambda: f"07700900{self.rng.randint(0, 999):03d}")

    def mobile(self, style: int | None = None) -> Val:
        d = self.mobile_digits()
        rest = d[1:]
        forms = (
            f"{d[:5]} {d[5:]}",
            d,
            f"{d[:5]} {d[5:8]} {d[8:]}",
            f"{d[:2]} {d[2:5]} {d[5:8]} {d[8:]}",
            f"+44 {rest[:4]} {rest[4:]}",
            f"+44 (0){rest[:4]} {rest[4:]}",
            f"+44{rest}",
            f"44{rest}",
            f"0044 {rest[:4]} {rest[4:7]} {rest[7:]}",
            f"{d[:5]}-{d[5:8]}-{d[8:]}",
            f"({d[:5]}) {d[5:]}",
            f"+44 {rest[:4]} {rest[4:7]} {rest[7:]}",
        )
        if style is None:
            style = self.rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
        return Val("PHONE_NUMBER", forms[style])

    def landline(self) -> Val:
        if "area" not in self._cache:
            area, middle = self.rng.choice(LANDLINE_RANGES)
            self._cache["area"] = area
            self._cache["local"] = f"{middle}{self.rng.randint(0, 999):03d}"
        area, number = self._cache["area"], self._cache["local"]
        compact = number.replace(" ", "")
        form = self.rng.randint(0, 3)
        if form == 0:
            text = f"{area} {number}"
        elif form == 1:
            text = f"({area}) {compact}"
        elif form == 2:
            text = f"{area}{compact}"
        else:
            text = f"+44 {area[1:]} {number}"
        return Val("PHONE_NUMBER", text)

    def phone(self) -> Val:
        return self.mobile() if self.rng.random() < 0.7 else self.landline()

    def email(self) -> Val:
        def make() -> str:
            g = ascii_fold(self.given.split()[0]).lower()
            s = ascii_fold(self.surname).lower().replace(" ", "").replace("'", "")
            year = str(self.dob.year)[2:]
            local = self.rng.choice(
                [f"{g}.{s}", f"{g[0]}{s}", f"{g}{s}{year}", f"{s}.{g}", f"{g}_{s}", f"{g}{year}"]
            )
            return f"{local}@{self.rng.choice(PERSONAL_MAIL_DOMAINS)}"

        return Val("EMAIL_ADDRESS", self._once("email", make))

    def work_email(self, domain: str) -> Val:
        g = ascii_fold(self.given.split()[0]).lower()
        s = ascii_fold(self.surname).lower().replace(" ", "").replace("'", "")
        local = f"{g}.{s}" if len(g) + len(s) < 18 else f"{g[0]}.{s}"
        return Val("EMAIL_ADDRESS", f"{local}@{domain}")

    # ---- address ---------------------------------------------------------------------------
    def postcode_text(self) -> str:
        def make() -> str:
            area, districts, _, _ = TOWNS[self.town]
            letters = "".join(self.rng.choice(POSTCODE_LETTERS) for _ in range(2))
            return f"{area}{self.rng.choice(districts)} {self.rng.randint(1, 9)}{letters}"

        return self._once("postcode", make)

    def postcode(self, form: int = 0) -> Val:
        text = self.postcode_text()
        if form == 1:
            text = text.replace(" ", "")
        elif form == 2:
            text = text.lower()
        return Val("UK_POSTCODE", text)

    def _address_parts(self) -> tuple[str, str, str, str, str]:
        """(flat, building, number and street, locality, town), some of them empty."""
        key = "address"
        if key not in self._cache:
            _, _, localities, pool = TOWNS[self.town]
            street = self.rng.choice(STREETS[pool])
            number = str(self.rng.randint(1, 160))
            if self.rng.random() < 0.1:
                number += self.rng.choice("ab")
            flat = building = ""
            r = self.rng.random()
            if r < 0.25:
                flat = f"Flat {self.rng.randint(1, 40)}"
                building = self.rng.choice(BUILDINGS[pool]) if self.rng.random() < 0.6 else ""
            elif r < 0.35:
                building = self.rng.choice(BUILDINGS[pool])
                number = "" if self.rng.random() < 0.5 else number
            elif r < 0.42:
                flat = f"Apartment {self.rng.randint(1, 40)}"
            locality = self.rng.choice(localities) if self.rng.random() < 0.5 else ""
            street_line = f"{number} {street}".strip()
            self._cache[key] = "|".join([flat, building, street_line, locality, self.town])
        flat, building, street_line, locality, town = self._cache[key].split("|")
        return flat, building, street_line, locality, town

    def address(self, style: str = "line") -> Val:
        """The whole address except the postcode, as one span.

        ``line``: commas on one line; ``lines``: one part per line (a letter);
        ``short``: number and street, abbreviated and lower case, as typed in a hurry;
        ``street``: number, street and town.
        """
        flat, building, street_line, locality, town = self._address_parts()
        if style == "short":
            words = street_line.split(" ")
            words = [STREET_ABBREVIATIONS.get(w, w) for w in words]
            text = " ".join(words).lower()
            if flat:
                text = f"{flat.lower()}, {text}"
            return Val("STREET_ADDRESS", text)
        if style == "street":
            parts = [building if not street_line[:1].isdigit() else "", street_line, town]
            return Val("STREET_ADDRESS", ", ".join(p for p in parts if p))
        parts = [p for p in (flat, building, street_line, locality, town) if p]
        if style == "lines":
            if flat and building:
                parts = [f"{flat}, {building}", *parts[2:]]
            return Val("STREET_ADDRESS", "\n".join(parts))
        return Val("STREET_ADDRESS", ", ".join(parts))

    def address_with_postcode(self, style: str = "line") -> Piece:
        sep = "\n" if style == "lines" else self.rng.choice([", ", " ", "  "])
        form = 2 if style == "short" else (1 if self.rng.random() < 0.1 else 0)
        return (self.address(style), sep, self.postcode(form))

    # ---- dates and identifiers -----------------------------------------------------------
    def dob_text(self, style: int | None = None) -> str:
        d = self.dob
        forms = (
            f"{d.day:02d}/{d.month:02d}/{d.year}",
            f"{d.day}/{d.month}/{d.year}",
            f"{d.day:02d}/{d.month:02d}/{str(d.year)[2:]}",
            f"{d.day} {MONTHS[d.month - 1]} {d.year}",
            f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
            f"{d.year}-{d.month:02d}-{d.day:02d}",
            f"{d.day:02d}.{d.month:02d}.{d.year}",
            f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year}",
        )
        if style is None:
            style = self.rng.choice([0, 0, 0, 1, 2, 3, 3, 4, 5, 6, 7])
        return forms[style]

    def dob_val(self, style: int | None = None) -> Val:
        return Val("DATE_OF_BIRTH", self.dob_text(style))

    def age(self, on: dt.date = dt.date(2025, 3, 1)) -> int:
        return on.year - self.dob.year - ((on.month, on.day) < (self.dob.month, self.dob.day))

    def nhs(self, style: int | None = None) -> Val:
        n = self._once("nhs", lambda: nhs_number(self.rng))
        style = self.rng.choice([0, 0, 1, 2]) if style is None else style
        text = (grouped(n, (3, 3, 4)), n, grouped(n, (3, 3, 4), "-"))[style]
        return Val("UK_NHS", text)

    def nino(self) -> Val:
        n = self._once("nino", lambda: nino(self.rng))
        style = self.rng.randint(0, 3)
        text = (
            n,
            f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8]}",
            f"{n[:2]} {n[2:8]} {n[8]}",
            n.lower(),
        )[style]
        return Val("UK_NINO", text)

    def sort_code(self) -> str:
        return self._once(
            "sort", lambda: "-".join(f"{self.rng.randint(0, 99):02d}" for _ in range(3))
        )

    def account(self) -> str:
        return self._once("account", lambda: "".join(str(self.rng.randint(0, 9)) for _ in range(8)))

    def iban(self) -> Val:
        def make() -> str:
            if self.origin.key in FOREIGN_BBAN and self.rng.random() < 0.5:
                code = iban_foreign(self.rng, self.origin.key)
            else:
                code = iban_gb(self.rng, self.sort_code().replace("-", ""), self.account())
            if self.rng.random() < 0.3:
                return code
            return " ".join(code[i : i + 4] for i in range(0, len(code), 4))

        return Val("IBAN_CODE", self._once("iban", make))

    def card(self) -> Val:
        n = self._once("card", lambda: luhn_card(self.rng))
        text = self.rng.choice([grouped(n, (4, 4, 4, 4)), n, grouped(n, (4, 4, 4, 4), "-")])
        return Val("CREDIT_CARD", text)

    def passport(self) -> Val:
        number = self._once("passport", lambda: str(self.rng.randint(10**8, 10**9 - 1)))
        return Val("UK_PASSPORT", number)

    def driving_licence(self) -> Val:
        """DVLA form: surname (5, padded with 9), decade, month (+50 for women), day, year,
        two initials (padded with 9), 9, two check characters."""
        s = "".join(c for c in ascii_fold(self.surname).upper() if c.isalpha())[:5].ljust(5, "9")
        month = self.dob.month + (50 if self.female else 0)
        initials = ascii_fold(self.given[0] + (self.middle[:1] or "9")).upper()

        def make() -> str:
            checks = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
            year = str(self.dob.year)
            return f"{s}{year[2]}{month:02d}{self.dob.day:02d}{year[3]}{initials}9{checks}"

        return Val("UK_DRIVING_LICENCE", self._once("dl", make))


# Middle names by origin: (female, male).
_MIDDLE = {
    "english": (("Louise", "Anne", "Marie", "Jane"), ("James", "John", "David")),
    "welsh": (("Haf", "Mai"), ("Wyn", "Glyn")),
    "irish": (("Máire", "Bríd"), ("Seosamh", "Pádraig")),
    "caribbean": (("Maria", "Elizabeth"), ("Anthony", "George")),
    "yoruba": (("Oluwatoyin", "Ayomide"), ("Adekunle", "Ayomide")),
    "igbo": (("Onyinye", "Chinonso"), ("Chukwudi", "Chinonso")),
    "polish": (("Maria", "Anna"), ("Jan", "Piotr")),
    "romanian": (("Elena", "Maria"), ("Mihai", "Ion")),
}


def person(
    rng: random.Random,
    origin: str | None = None,
    *,
    ages: tuple[int, int] = (19, 88),
    town: str | None = None,
    female: bool | None = None,
) -> Person:
    o = ORIGIN_BY_KEY[origin] if origin else rng.choice(ORIGINS)
    is_female = rng.random() < 0.55 if female is None else female
    given = rng.choice(o.female if is_female else o.male)
    surnames = o.female_surnames if is_female and o.female_surnames else o.surnames
    surname = rng.choice(surnames)
    middle = ""
    if o.key in _MIDDLE and rng.random() < 0.3:
        middle = rng.choice(_MIDDLE[o.key][0 if is_female else 1])
    title = rng.choice(TITLES_FEMALE if is_female else TITLES_MALE)
    age = rng.randint(*ages)
    born = dt.date(2025 - age, rng.randint(1, 12), rng.randint(1, 28))
    return Person(
        origin=o,
        female=is_female,
        given=given,
        surname=surname,
        middle=middle,
        title=title,
        dob=born,
        rng=random.Random(rng.getrandbits(64)),
        town=town or rng.choice(list(TOWNS)),
    )
