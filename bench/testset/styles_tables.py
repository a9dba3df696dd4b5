"""Tabular documents: rotas, Gift Aid, payment files, DBS logs, pasted spreadsheets, sign-ups."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from bench.testset.common import (
    DAYS,
    charity,
    condition,
    day_text,
    disability,
    role_mailbox,
    some_day,
    staff,
)
from bench.testset.doc import Doc, Piece, Val
from bench.testset.people import Person, person
from bench.testset.words import VENUES


def _table(rows: Sequence[Sequence[Piece]], sep: str, pad: int = 0) -> Doc:
    """Rows joined by ``sep``; with ``pad`` every cell is padded to that width."""
    d = Doc()
    for row in rows:
        for i, cell in enumerate(row):
            if i:
                d.add(sep)
            cell_doc = Doc().add(cell)
            d.add(cell_doc)
            if pad and i < len(row) - 1:
                d.add(" " * max(1, pad - len(cell_doc.text)))
        d.add("\n")
    return d


def _sep(rng: random.Random) -> tuple[str, int]:
    return rng.choice([("\t", 0), (",", 0), (" | ", 0), ("", 22), (";", 0)])


def rota(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    vols = [person(rng, ages=(18, 80)) for _ in range(rng.randint(6, 10))]
    day = some_day(rng)
    week = day.fromordinal(day.toordinal() - day.weekday())  # the Monday
    d = Doc().add(
        rng.choice(["VOLUNTEER ROTA", "Drop-in rota", "Driver rota", "Reception cover"]),
        f" - {org}\nWeek commencing {day_text(week, 1)}\n",
        f"Venue: {rng.choice(VENUES)}\n\n",
    )
    sep, pad = _sep(rng)
    with_phone = rng.random() < 0.6
    header: list[Piece] = ["Day", "Shift", rng.choice(["Volunteer", "Name", "Driver", "Who"])]
    if with_phone:
        header.append("Contact")
    rows: list[list[Piece]] = [header]
    first_only = rng.random() < 0.3
    for i, day in enumerate(DAYS[:5]):
        for shift in rng.sample(["9-12", "12-3", "3-6", "AM", "PM"], 2):
            v = vols[(i * 2 + len(rows)) % len(vols)]
            name: Piece = (
                v.first() if first_only else (v.full() if rng.random() < 0.8 else v.initial())
            )
            row: list[Piece] = [day, shift, name]
            if with_phone:
                row.append(v.mobile() if rng.random() < 0.85 else "office")
            rows.append(row)
    d.add(_table(rows, sep, pad))
    cover = rng.choice(vols)
    d.add(
        "\nSwaps: please text ",
        cover.first(),
        " on ",
        cover.mobile(),
        " or e-mail ",
        role_mailbox(rng, domain),
        ".\n",
    )
    if rng.random() < 0.5:
        d.add("Key holder this week: ", rng.choice(vols).full(), ".\n")
    return d


def gift_aid(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    if rng.random() < 0.6:
        return _gift_aid_declaration(rng, org, domain)
    return _gift_aid_schedule(rng, org)


def _gift_aid_declaration(rng: random.Random, org: str, domain: str) -> Doc:
    donor = person(rng, ages=(25, 90))
    d = Doc().add(
        f"GIFT AID DECLARATION\n{org}\n\n",
        "Boost your donation by 25p of Gift Aid for every £1 you donate.\n",
        "I want to Gift Aid my donation of £",
        f"{rng.choice([5, 10, 20, 25, 50, 100])}.00 and any donations I make in the future or ",
        "have made in the past 4 years to ",
        org,
        ". I am a UK taxpayer and understand that if ",
        "I pay less Income Tax and/or Capital Gains Tax than the amount of Gift Aid claimed ",
        "on all my donations in that tax year it is my responsibility to pay any difference.\n\n",
    )
    if rng.random() < 0.5:
        d.add(
            f"Title: {donor.title}    First name or initial(s): ",
            donor.first(),
            "    Surname: ",
            donor.last(),
            "\n",
        )
    else:
        d.add("Full name: ", donor.titled_full(), "\n")
    style = rng.choice(["line", "lines"])
    if style == "lines":
        d.add("Home address:\n", donor.address("lines"), "\nPostcode: ", donor.postcode(), "\n")
    else:
        d.add("Home address: ", donor.address("line"), "\nPostcode: ", donor.postcode(), "\n")
    if rng.random() < 0.6:
        d.add("Email: ", donor.email(), "\n")
    if rng.random() < 0.4:
        d.add("Phone: ", donor.phone(), "\n")
    if rng.random() < 0.4:
        d.add(
            f"I would like to give £{rng.choice([5, 10, 15])} a month by card.\nCard number: ",
            donor.card(),
            f"   Expiry: {rng.randint(1, 12):02d}/{rng.randint(26, 29)}\n",
        )
    d.add(f"Date: {day_text(some_day(rng))}\nSignature: ", donor.full(), "\n\n")
    d.add(
        "Please notify the charity if you want to cancel this declaration, change your name ",
        "or home address, or no longer pay sufficient tax. Return this form to ",
        role_mailbox(rng, domain),
        ".\n",
    )
    return d


def _gift_aid_schedule(rng: random.Random, org: str) -> Doc:
    """HMRC's schedule layout: the house name or number is the address beside the postcode."""
    d = Doc().add(f"{org} - Gift Aid schedule, claim to {day_text(some_day(rng))}\n\n")
    rows: list[list[Piece]] = [
        [
            "Title",
            "First name",
            "Last name",
            "House name or number",
            "Postcode",
            "Donation date",
            "Amount",
        ]
    ]
    for _ in range(rng.randint(8, 14)):
        p = person(rng, ages=(25, 90))
        _, building, street_line, _, _ = p._address_parts()
        house = street_line.split(" ")[0] if street_line[:1].isdigit() else building
        house = house or street_line
        rows.append(
            [
                p.title.rstrip("."),
                p.first(),
                p.last(),
                Val("STREET_ADDRESS", house),
                p.postcode(),
                day_text(some_day(rng)),
                f"{rng.choice([5, 10, 15, 20, 50])}.00",
            ]
        )
    d.add(_table(rows, ","))
    return d


def payment_file(rng: random.Random) -> Doc:
    org, _ = charity(rng)
    payees = [person(rng, ages=(18, 80)) for _ in range(rng.randint(6, 12))]
    kind = rng.randint(0, 2)
    d = Doc()
    if kind == 0:
        d.add(f"{org.upper()} BACS RUN {day_text(some_day(rng))}\n")
        rows: list[list[Piece]] = [
            ["Sort Code", "Account Number", "Account Name", "Amount", "Reference"]
        ]
        for p in payees:
            rows.append(
                [
                    Val("UK_BANK_ACCOUNT", p.sort_code()),
                    Val("UK_BANK_ACCOUNT", p.account()),
                    p.bacs(),
                    f"{rng.randint(5, 300)}.{rng.randint(0, 99):02d}",
                    rng.choice(["VOL EXPENSES", "GRANT", "MILEAGE", "HARDSHIP FUND", "REFUND"]),
                ]
            )
        d.add(_table(rows, ","))
        d.add(f"TOTAL RECORDS {len(payees)}\n")
    elif kind == 1:
        d.add("HDR1 STANDARD 18 PAYMENT FILE\n")
        for p in payees:
            name = p.bacs()
            d.add(
                Val("UK_BANK_ACCOUNT", f"{p.sort_code().replace('-', '')} {p.account()}"),
                " 99 ",
                f"{rng.randint(1, 99999):011d}",
                " ",
                name,
                " " * max(1, 19 - len(name.text)),
                rng.choice(["EXPENSES", "HARDSHIP", "GRANT PMT", "PAYROLL"]),
                "\n",
            )
        d.add("EOF1\n")
    else:
        d.add(f"Payment requests - {org}\n\n")
        for p in payees[:5]:
            d.add("Payee: ", p.full() if rng.random() < 0.5 else p.bacs(), "\n")
            d.add(
                rng.choice(["Sort code: ", "S/C: "]),
                Val("UK_BANK_ACCOUNT", p.sort_code()),
                rng.choice(["   Account: ", "  A/C no: "]),
                Val("UK_BANK_ACCOUNT", p.account()),
                "\n",
            )
            if rng.random() < 0.6:
                d.add("IBAN: ", p.iban(), "\n")
            d.add(
                f"Amount: £{rng.randint(10, 400)}.00   Reason: ",
                rng.choice(
                    [
                        "travel to appointments",
                        "emergency fuel top-up",
                        "school uniform grant",
                        "volunteer expenses",
                    ]
                ),
                "\n\n",
            )
        d.add(
            "Approved by the Treasurer. Council tax account no. ",
            f"{rng.randint(10**9, 10**10 - 1)}",
            " is not a payee: do not pay.\n",
        )
    return d


def donation_log(rng: random.Random) -> Doc:
    """Donations taken over the phone, typed up with the card numbers (as should not be)."""
    org, domain = charity(rng)
    d = Doc().add(
        f"Phone donations - {org} appeal\nTaken by the office, {day_text(some_day(rng), 1)}\n\n"
    )
    rows: list[list[Piece]] = [
        ["Caller", "Amount", "Card number", "Expiry", "Gift Aid", "Postcode"]
    ]
    for _ in range(rng.randint(4, 8)):
        p = person(rng, ages=(25, 90))
        rows.append(
            [
                p.full() if rng.random() < 0.6 else p.formal(),
                f"£{rng.choice([10, 20, 25, 50, 100])}",
                p.card(),
                f"{rng.randint(1, 12):02d}/{rng.randint(26, 29)}",
                rng.choice(["Y", "N"]),
                p.postcode(),
            ]
        )
    d.add(_table(rows, rng.choice(["\t", " | "])))
    d.add(f"\nPlease process and shred. Receipts from donations@{domain}.\n")
    return d


def dbs_log(rng: random.Random) -> Doc:
    org, _ = charity(rng)
    people = [staff(rng) for _ in range(rng.randint(4, 7))]
    d = Doc().add(f"DBS CHECKS LOG - {org}\nConfidential: HR only\n\n")
    if rng.random() < 0.5:
        rows: list[list[Piece]] = [["Name", "DOB", "Role", "Certificate no.", "Issued", "ID seen"]]
        for p in people:
            ident: Piece = (
                ("Passport ", p.passport()) if rng.random() < 0.5 else ("DL ", p.driving_licence())
            )
            rows.append(
                [
                    p.full(),
                    p.dob_val(0),
                    rng.choice(["Driver", "Befriender", "Trustee", "Youth worker", "Caseworker"]),
                    f"{rng.randint(10**11, 10**12 - 1)}",
                    day_text(some_day(rng)),
                    ident,
                ]
            )
        d.add(_table(rows, rng.choice(["\t", " | "])))
        return d
    for p in people:
        when = day_text(some_day(rng), 3)
        d.add(
            f"{when} - Enhanced DBS application started for ",
            p.with_middle(),
            " (DOB ",
            p.dob_val(),
            "). ID checked: ",
        )
        if rng.random() < 0.6:
            d.add("passport no. ", p.passport(), ", ")
        else:
            d.add("driving licence ", p.driving_licence(), ", ")
        d.add(
            "NI number ",
            p.nino(),
            ", and a bank statement showing ",
            p.address_with_postcode(),
            ".",
        )
        if rng.random() < 0.3:
            d.add(
                " Declared ",
                Val(
                    "SPECIAL_CATEGORY",
                    rng.choice(["a spent conviction", "a criminal record", "a caution from 2009"]),
                ),
                "; discussed with the Safeguarding Lead.",
            )
        d.add("\n")
    return d


_COLUMNS: dict[str, Callable[[Person, random.Random], Piece]] = {
    "Name": lambda p, r: p.full() if r.random() < 0.85 else p.register(),
    "Surname": lambda p, r: p.last(),
    "Forename": lambda p, r: p.first(),
    "First name": lambda p, r: p.first(),
    "DOB": lambda p, r: p.dob_val(r.choice([0, 0, 2, 5, 6])),
    "NHS No": lambda p, r: p.nhs(),
    "Postcode": lambda p, r: p.postcode(),
    "Phone": lambda p, r: p.phone(),
    "Mobile": lambda p, r: p.mobile(),
    "Email": lambda p, r: p.email(),
    "Address": lambda p, r: p.address("line"),
    "NI number": lambda p, r: p.nino(),
    "Condition": lambda p, r: Val(
        "SPECIAL_CATEGORY",
        p.rng.choice(
            [
                "asthma",
                "epilepsy",
                "type 1 diabetes",
                "autism",
                "ADHD",
                "sickle cell anaemia",
                "cerebral palsy",
                "eczema",
                "nut allergy",
            ]
        ),
    ),
    "Session": lambda p, r: r.choice(["Tue AM", "Tue PM", "Thu AM", "Sat"]),
    "Attended": lambda p, r: r.choice(["Y", "N", "Y", "Y"]),
    "Ref": lambda p, r: f"C{r.randint(1000, 9999)}",
    "Ward": lambda p, r: r.choice(["Victoria", "Hope", "Grace", "St Anne's", "Nelson"]),
    "Status": lambda p, r: r.choice(["open", "closed", "waiting", "on hold"]),
}

_LAYOUTS = (
    ("Name", "DOB", "NHS No", "Postcode", "Phone"),
    ("Surname", "Forename", "DOB", "Address", "Postcode"),
    ("Ref", "Surname", "Session", "Attended"),
    ("Surname", "Ward", "Status"),
    ("Forename", "Surname", "Email", "Mobile"),
    ("Name", "NI number", "DOB", "Status"),
    ("First name", "Surname", "DOB", "Condition"),
    ("Ref", "Name", "Postcode", "Status"),
)


def spreadsheet(rng: random.Random) -> Doc:
    """Rows pasted from a spreadsheet under their header, sometimes carers beside clients."""
    org, _ = charity(rng)
    d = Doc().add(
        rng.choice(
            [
                "Pasted from the tracker as asked:\n\n",
                "Hi, list below from the spreadsheet.\n\n",
                f"{org} - client list export\n",
                "",
                "Waiting list (copy)\n\n",
            ]
        )
    )
    sep, pad = _sep(rng)
    n = rng.randint(8, 16)
    if rng.random() < 0.25:
        header = ["Client", "Carer", "Relationship", "Carer phone"]
        rows: list[list[Piece]] = [list(header)]
        for _ in range(n):
            c = person(rng)
            k = person(rng, origin=c.origin.key if rng.random() < 0.8 else None)
            rows.append(
                [
                    c.full(),
                    k.full() if rng.random() < 0.7 else k.first(),
                    rng.choice(
                        ["daughter", "son", "wife", "husband", "neighbour", "mother", "friend"]
                    ),
                    k.phone(),
                ]
            )
    else:
        header = list(rng.choice(_LAYOUTS))
        rows = [list(header)]
        for _ in range(n):
            p = person(rng)
            rows.append([_COLUMNS[col](p, rng) for col in header])
    if sep == "," and rng.random() < 0.5:
        rows = [[('"', c, '"') if i else c for i, c in enumerate(row)] for row in rows]
    d.add(_table(rows, sep, pad))
    return d


def signup_sheet(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    when = some_day(rng)
    d = Doc().add(
        f"Sign-up sheet: {rng.choice(['Coffee morning', 'Carers day out', 'Family fun day'])}",
        f", {day_text(when, 1)}\n{org}, {rng.choice(VENUES)}\n\n",
    )
    rows: list[list[Piece]] = [["Name", "Email", "Phone", "Postcode", "Access needs"]]
    for _ in range(rng.randint(6, 12)):
        p = person(rng)
        need: Piece = (
            disability(rng)
            if rng.random() < 0.3
            else (condition(rng) if rng.random() < 0.15 else "none")
        )
        rows.append(
            [
                p.full() if rng.random() < 0.8 else p.titled_full(),
                p.email() if rng.random() < 0.8 else "",
                p.mobile(),
                p.postcode(),
                need,
            ]
        )
    d.add(_table(rows, rng.choice(["\t", " | ", ","])))
    d.add(f"\nQuestions: {role_mailbox(rng, domain)}\n")
    return d
