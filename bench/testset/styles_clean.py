"""Documents with no personal data, full of what looks like it.

Streets and buildings named like people, saints, places and languages, job titles in
capitals, organisations, role mailboxes, national helplines' published numbers, word-names
used as words (hope, grace, will, mark), years beside place names, a supplier's unit on a
trading estate, terabytes written TB. Nothing in them is labelled.
"""

from __future__ import annotations

import random

from bench.testset.common import charity, clock, day_text, role_mailbox, some_day
from bench.testset.doc import Doc
from bench.testset.words import (
    BANKS,
    HELPLINES,
    LANGUAGES,
    LETTINGS,
    NURSERIES,
    PLACES_ABROAD,
    ROLES,
    SCHOOLS,
    STREETS,
    SURGERIES,
    TOWNS,
    VENUES,
)


def _paras(rng: random.Random, options: list[str], k: int) -> str:
    return "\n\n".join(rng.sample(options, k))


def newsletter(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    season = rng.choice(["SPRING", "SUMMER", "AUTUMN", "WINTER"])
    town = rng.choice(list(TOWNS))
    venue = rng.choice(VENUES)
    street = rng.choice(STREETS["en"])
    items = [
        f"NEW ADVICE SESSIONS\nFrom next month our advice sessions move to {venue}, "
        f"{street}. Sessions run every Tuesday {clock(rng)}-{clock(rng)}; no appointment "
        "needed.",
        f"THANK YOU\nWe hope you will join us in thanking every volunteer who gave their "
        f"time this year: over {rng.randint(4, 19)},000 hours between them. With grace and "
        "good humour they kept the pantry open through the cold snap.",
        f"LANGUAGES\nOur conversation groups now run in {rng.choice(LANGUAGES)}, "
        f"{rng.choice(LANGUAGES)} and {rng.choice(LANGUAGES)}. Families newly arrived from "
        f"{rng.choice(PLACES_ABROAD)} and {rng.choice(PLACES_ABROAD)} are especially welcome.",
        f"DEMENTIA CAFE\nThe Dementia Cafe meets on the first Friday of the month at "
        f"{rng.choice(VENUES)}. Carers and the people they care for are welcome together.",
        f"SUMMER FAIR 2025, ROSE HILL PARK\nMark the date: {day_text(some_day(rng), 1)}. "
        "Stalls, a tombola and the Grace Lane Primary School choir. Will it rain? Bring a "
        "brolly just in case.",
        f"FUNDRAISING\nThe {rng.choice(['Hope Street', 'Faith Close', 'Victoria Road'])} "
        f"sponsored walk raised £{rng.randint(1, 9)},{rng.randint(100, 999)}. Donations by "
        f"bank transfer to our {rng.choice(BANKS)} account are listed on the website.",
        f"NEED TO TALK?\n{HELPLINES[3][0]} are there day and night on {HELPLINES[3][1]}. "
        f"Worried about a child? Call the {HELPLINES[0][0]} on {HELPLINES[0][1]}.",
        f"OUR NEW HOME\nThe office has moved to "
        f"{rng.choice(['Hope House', 'Victoria Buildings', 'Grace Court'])} in {town}. Post "
        "can still go to the old address until the end of the year.",
    ]
    d = Doc().add(
        f"{org.upper()} - {season} NEWSLETTER\n\n",
        _paras(rng, items, rng.randint(4, 6)),
        f"\n\nTo unsubscribe, e-mail {role_mailbox(rng, domain)}.\n",
    )
    return d


def job_advert(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    role = rng.choice(ROLES)
    town = rng.choice(list(TOWNS))
    d = Doc().add(
        f"JOB VACANCY: {role.upper()}\n{org}, {town}\n",
        f"Salary: £{rng.randint(23, 36)},{rng.choice(['000', '500', '250'])} pro rata, "
        f"{rng.choice([21, 28, 37.5])} hours a week\n\n",
        f"We are looking for a {role} to join our small, friendly team. You will support "
        "families through the benefits system, keep accurate records, and work with the "
        f"{rng.choice(SURGERIES)}, {rng.choice(SCHOOLS)} and local Landlord forums.\n\n",
        "About you: experience of casework; a good understanding of safeguarding; "
        f"speaking {rng.choice(LANGUAGES)} or {rng.choice(LANGUAGES)} would be an advantage. "
        "We particularly welcome applications from Black, Asian and minority ethnic "
        "candidates and from disabled people.\n\n",
        f"Closing date: {day_text(some_day(rng), 1)}. Interviews at {rng.choice(VENUES)}.\n",
        f"Application pack from jobs@{domain}. No agencies, please.\n",
        "This post is subject to an enhanced DBS check.\n",
    )
    return d


def event_notice(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    venue = rng.choice(VENUES)
    street = rng.choice(STREETS["en"] + STREETS["cy"])
    when = some_day(rng)
    return Doc().add(
        rng.choice(
            [
                "COMMUNITY IFTAR",
                "CARERS WEEK COFFEE MORNING",
                "EID PARTY",
                "WARM SPACE OPENING",
                "DIWALI LIGHTS",
                "NOSON LAWEN",
            ]
        ),
        f"\n\n{day_text(when, 1)}, {clock(rng)} until late\n{venue}, {street}\n\n",
        "All welcome - bring a dish to share if you can. Step-free access from the car park ",
        f"on {rng.choice(STREETS['en'])}. Hearing loop available.\n\n",
        f"Parking: the {rng.choice(LETTINGS)} car park is free after 6pm.\n",
        f"Bookings: {role_mailbox(rng, domain)}\n",
        f"Hosted by {org} with {rng.choice(['St Anne', 'St Aidan', 'St Mary'])}'s Church "
        f"and {rng.choice(NURSERIES)}.\n",
    )


def helpline_card(rng: random.Random) -> Doc:
    d = Doc().add("USEFUL NUMBERS\nKeep this card somewhere safe.\n\n")
    for name, number in rng.sample(HELPLINES, rng.randint(5, 8)):
        d.add(f"{name}: {number}\n")
    d.add(
        "\nIn an emergency always call 999. If you are deaf or hard of hearing, text 999 ",
        "after registering with emergencySMS.\n",
    )
    return d


def policy_extract(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    return Doc().add(
        f"{org.upper()}\nDATA PROTECTION POLICY (EXTRACT) - VERSION {rng.randint(2, 6)}."
        f"{rng.randint(0, 9)}\n\n",
        "4. SPECIAL CATEGORY DATA\nWe hold information about health, religion and ethnicity ",
        "only where we need it to provide a service, for example to arrange an interpreter or ",
        "adapt a home visit. The Safeguarding Lead and the Headteacher of any school we work ",
        "with may share information without consent where a child is at risk, in line with ",
        "Working Together to Safeguard Children.\n\n",
        "5. RETENTION\nCase files are kept for six years after the last contact, then ",
        "destroyed. Payroll records are kept for seven years. Gift Aid declarations are kept ",
        "for six years after the last donation they cover.\n\n",
        "6. YOUR RIGHTS\nAnyone may ask for a copy of what we hold about them by writing to ",
        f"{role_mailbox(rng, domain)}. If you are unhappy with our answer you can contact the ",
        f"Information Commissioner's Office on {HELPLINES[2][1]}.\n",
    )


def it_notice(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    return Doc().add(
        f"IT NOTICE - {org}\n\n",
        f"The file server will be offline on {day_text(some_day(rng), 1)} from {clock(rng)}. ",
        f"We are moving the shared drive (2.{rng.randint(1, 9)} TB) to new storage with a "
        "4 TB limit. Please save your work and log out.\n\n",
        "Reminder: never e-mail client spreadsheets to personal accounts. Use the secure ",
        "portal, and mark anything sensitive OFFICIAL-SENSITIVE.\n\n",
        f"Problems? Contact {role_mailbox(rng, domain)} or the IT supplier's desk.\n",
    )


def supplier_invoice(rng: random.Random) -> Doc:
    org, _ = charity(rng)
    town = rng.choice(list(TOWNS))
    unit = rng.randint(1, 40)
    supplier = rng.choice(
        [
            "Pennine Print & Signs Ltd",
            "Grace Office Supplies Ltd",
            "Mark One Catering",
            "Hope Valley Minibus Hire",
        ]
    )
    return Doc().add(
        f"INVOICE\n{supplier}\nUnit {unit}, {rng.choice(['Sidings', 'Canal Wharf', 'Riverside'])}"
        f" Trading Estate, {town}\nVAT reg. GB {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        f" {rng.randint(10, 99)}\n\n",
        f"Bill to: {org}, Accounts Payable\nInvoice no. INV-{rng.randint(10000, 99999)}   "
        f"Date: {day_text(some_day(rng))}\n\n",
        f"{rng.randint(2, 20)} x A5 leaflets, full colour       £{rng.randint(40, 200)}.00\n",
        f"Delivery to {rng.choice(VENUES)}                        £{rng.randint(5, 30)}.00\n",
        "Payment within 30 days. Please quote the invoice number.\n",
    )


def funding_report(rng: random.Random) -> Doc:
    org, _ = charity(rng)
    town = rng.choice(list(TOWNS))
    return Doc().add(
        f"END OF GRANT REPORT\n{org}\n\n",
        f"In the year we supported {rng.randint(120, 900)} households across {town}. ",
        f"{rng.randint(20, 60)}% of them spoke a first language other than English, most "
        f"often {rng.choice(LANGUAGES)}, {rng.choice(LANGUAGES)} or {rng.choice(LANGUAGES)}. ",
        f"Referrals rose by {rng.randint(5, 40)}%, mainly from GP surgeries and from "
        f"{rng.choice(SCHOOLS)}.\n\n",
        "Outcomes: £",
        f"{rng.randint(100, 999)},{rng.randint(100, 999)}",
        " in unclaimed benefits secured; ",
        f"{rng.randint(10, 80)}",
        " evictions prevented; a waiting list cut from twelve weeks to four.\n\n",
        "What we learned: people will come back if the first visit goes well. Our hope is to ",
        "extend the evening sessions in the coming year.\n",
    )


def room_booking(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    return Doc().add(
        f"BOOKING CONFIRMATION\n{rng.choice(VENUES)}\n\n",
        f"Hirer: {org}\n",
        f"Room: {rng.choice(['Main hall', 'Grace Room', 'Victoria Suite', 'Upper room'])}\n",
        f"Date: {day_text(some_day(rng), 1)}, {clock(rng)}-{clock(rng)}\n",
        "Purpose: ",
        rng.choice(["Carers support group", "ESOL class", "Trustee meeting", "Toddler group"]),
        "\n",
        f"Fee: £{rng.randint(15, 80)}.00, payable to the Parochial Church Council\n\n",
        "Keys from the verger; the alarm code is in the key safe. Please leave the room as ",
        "you found it.\n",
        f"Queries: {role_mailbox(rng, domain)}\n",
    )


def training_schedule(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    d = Doc().add(f"TRAINING PROGRAMME {rng.choice(['2024-25', '2025'])}\n{org}\n\n")
    courses = [
        "Safeguarding adults, level 2",
        "Mental health first aid",
        "Understanding autism",
        "Domestic abuse awareness",
        "Working with interpreters",
        "Data protection basics",
        "Suicide prevention (with Samaritans)",
        "Dementia friends",
        "First aid at work",
        "Boundaries for befrienders",
    ]
    for course in rng.sample(courses, rng.randint(4, 7)):
        d.add(f"{day_text(some_day(rng))}  {clock(rng)}  {course}  - {rng.choice(VENUES)}\n")
    d.add(
        f"\nBook through {role_mailbox(rng, domain)}. Trainers: the Volunteer Coordinator "
        "and guest speakers from the local authority.\n"
    )
    return d
