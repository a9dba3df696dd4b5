"""Small pieces shared by the document styles: dates, organisations, staff, health terms."""

from __future__ import annotations

import datetime as dt
import random

from bench.testset.doc import Piece, Val
from bench.testset.people import MONTHS, Person, person
from bench.testset.words import (
    CHARITIES,
    CONDITIONS,
    DISABILITIES,
    ETHNICITIES,
    MEDICATIONS,
    RELIGIONS,
    ROLE_MAILBOXES,
    SAFEGUARDING,
)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
START = dt.date(2024, 9, 2)


def some_day(rng: random.Random, span_days: int = 300) -> dt.date:
    return START + dt.timedelta(days=rng.randint(0, span_days))


def day_text(d: dt.date, style: int = 0) -> str:
    """A date that is not a date of birth (never labelled)."""
    if style == 0:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == 1:
        return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == 2:
        return f"{DAYS[d.weekday()][:3]}, {d.day} {MONTHS[d.month - 1][:3]} {d.year}"
    return f"{d.day}/{d.month}/{str(d.year)[2:]}"


def clock(rng: random.Random) -> str:
    return f"{rng.randint(8, 18):02d}:{rng.choice(['00', '05', '15', '20', '30', '40', '45'])}"


def charity(rng: random.Random) -> tuple[str, str]:
    return rng.choice(CHARITIES)


def role_mailbox(rng: random.Random, domain: str) -> str:
    """A role mailbox such as referrals@: not personal data, never labelled."""
    return f"{rng.choice(ROLE_MAILBOXES)}@{domain}"


def staff(rng: random.Random, **kwargs: object) -> Person:
    return person(rng, ages=(23, 64), **kwargs)  # type: ignore[arg-type]


def condition(rng: random.Random) -> Val:
    return Val("SPECIAL_CATEGORY", rng.choice(CONDITIONS))


def medication(rng: random.Random) -> Val:
    return Val("SPECIAL_CATEGORY", rng.choice(MEDICATIONS))


def disability(rng: random.Random) -> Val:
    return Val("SPECIAL_CATEGORY", rng.choice(DISABILITIES))


def religion(rng: random.Random) -> Val:
    return Val("SPECIAL_CATEGORY", rng.choice(RELIGIONS))


def ethnicity(rng: random.Random) -> Val:
    return Val("SPECIAL_CATEGORY", rng.choice(ETHNICITIES))


def harm(rng: random.Random) -> Val:
    return Val("SAFEGUARDING", rng.choice(SAFEGUARDING))


def health_phrase(rng: random.Random) -> Piece:
    """A short clause about one person's health, with its labelled terms."""
    r = rng.randint(0, 5)
    if r == 0:
        return ("has ", condition(rng), " and takes ", medication(rng))
    if r == 1:
        return ("was diagnosed with ", condition(rng), " last year")
    if r == 2:
        return ("has ", condition(rng), " (", disability(rng), ")")
    if r == 3:
        return ("is on ", medication(rng), " and has ", condition(rng))
    if r == 4:
        return ("manages ", condition(rng), " but struggles on bad days")
    return ("has ", condition(rng))


def signature(rng: random.Random, p: Person, role: str, org: str, domain: str) -> Piece:
    """A sign-off: name, role, organisation and a direct line or e-mail."""
    greeting = rng.choice(["Kind regards", "Many thanks", "Best wishes", "Thanks", "Regards"])
    lines: list[Piece] = [f"{greeting},\n", p.full(), f"\n{role}\n{org}\n"]
    r = rng.random()
    if r < 0.4:
        lines += ["Direct line: ", p.landline(), "\n"]
    elif r < 0.7:
        lines += ["Mobile: ", p.mobile(), "\n"]
    if rng.random() < 0.5:
        lines += [p.work_email(domain), "\n"]
    return tuple(lines)
