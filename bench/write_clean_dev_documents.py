# ruff: noqa: E501  (the templates are sentences of text; broken lines would hide their words)
"""Write the generated clean dev documents (``bench/corpus/dev/clean_generated/``).

The dev set's other clean documents were written by hand, one at a time. These are written by
a different method: a seeded generator that puts public, non-personal facts of UK charity life
(places in England, Wales and Scotland, streets and buildings named like people, saints'
churches, funders, festivals, dishes, job titles, roles, shifts) into the shapes such text
takes in the wild: newsletters, job adverts, annual-report and funding-bid extracts, trustee
agendas, policies, training handouts, risk assessments, rotas of roles, IT how-tos, flyers,
supplies lists, grant conditions, press releases quoting no one, pasted tables and lower-case
notes. None names or describes a person, so every file is ``_clean`` and carries no labels.

A third set (``bench/corpus/dev/clean_outlines/``, branch fpclean6) is written by yet another
method: outlines written by hand as data (``clean_outlines/outlines.yaml``), each rendered in
one of several layouts (see ``write_outlines`` below).

Nothing here comes from the frozen test set, which this script never reads. Run it again to
write the same files (the seeds are fixed):

    python bench/write_clean_dev_documents.py
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).parent / "corpus" / "dev" / "clean_generated"
SEED = 1717

# Towns, districts and villages, England, Wales and Scotland (place names are facts).
TOWNS = [
    "Levenshulme",
    "Longsight",
    "Harehills",
    "Chapeltown",
    "Sparkbrook",
    "Handsworth",
    "Tottenham",
    "Walthamstow",
    "Moss Side",
    "Toxteth",
    "Kirkby",
    "Huyton",
    "Heckmondwike",
    "Dewsbury",
    "Batley",
    "Keighley",
    "Shipley",
    "Rotherham",
    "Barnsley",
    "Grimsby",
    "Scunthorpe",
    "Hartlepool",
    "Jarrow",
    "Blyth",
    "Ashington",
    "Whitehaven",
    "Barrow",
    "Morecambe",
    "Accrington",
    "Nelson",
    "Colne",
    "Oldham",
    "Rochdale",
    "Wigan",
    "Leigh",
    "Stockport",
    "Crewe",
    "Stoke",
    "Burslem",
    "Walsall",
    "Wednesbury",
    "Redditch",
    "Kidderminster",
    "Luton",
    "Dunstable",
    "Peterborough",
    "Wisbech",
    "Kings Lynn",
    "Lowestoft",
    "Ipswich",
    "Harlow",
    "Basildon",
    "Thurrock",
    "Gravesend",
    "Margate",
    "Hastings",
    "Crawley",
    "Slough",
    "Reading",
    "Swindon",
    "Gloucester",
    "Barnstaple",
    "Camborne",
    "Redruth",
    "Penzance",
    "Llanrug",
    "Caernarfon",
    "Pwllheli",
    "Machynlleth",
    "Aberystwyth",
    "Llanelli",
    "Ammanford",
    "Ystradgynlais",
    "Merthyr Tydfil",
    "Aberdare",
    "Pontypridd",
    "Tonypandy",
    "Ebbw Vale",
    "Blaenau Ffestiniog",
    "Llandudno",
    "Rhyl",
    "Wrexham",
    "Bangor",
    "Porthmadog",
    "Auchtermuchty",
    "Kirkcaldy",
    "Glenrothes",
    "Cowdenbeath",
    "Dunfermline",
    "Paisley",
    "Greenock",
    "Motherwell",
    "Wishaw",
    "Coatbridge",
    "Kilmarnock",
    "Irvine",
    "Dumfries",
    "Stornoway",
    "Portree",
    "Fort William",
    "Inverness",
    "Elgin",
    "Peterhead",
    "Fraserburgh",
    "Arbroath",
    "Montrose",
    "Galashiels",
    "Hawick",
    "Easterhouse",
    "Drumchapel",
    "Govan",
]
# Streets and roads, many named like people or with first names in them.
STREETS = [
    "Hope Street",
    "Grace Lane",
    "Rose Hill Lane",
    "Victoria Road",
    "Albert Road",
    "Florence Street",
    "Alexandra Road",
    "Elizabeth Street",
    "Charlotte Street",
    "Mary Street",
    "Princess Road",
    "Duke Street",
    "Wellington Road",
    "Nelson Street",
    "Cromwell Road",
    "Stanley Road",
    "Gladstone Street",
    "Percy Street",
    "Sidney Street",
    "Arthur Street",
    "Harold Road",
    "Frederick Street",
    "Clarence Road",
    "Edward Street",
    "George Street",
    "Jubilee Way",
    "Coronation Street",
    "Heol y Bryn",
    "Ffordd Glyndwr",
    "Stryd Fawr",
    "Tan y Bryn",
    "Maes y Dref",
    "High Street",
    "Kirk Wynd",
    "Cowgate",
    "Canongate",
    "Mill Brae",
    "Church Lane",
    "Chapel Street",
    "Station Road",
    "Market Place",
]
# Buildings, halls and venues, many named like people.
VENUES = [
    "Hope House",
    "Grace Court",
    "Kingsley Hall",
    "Emmanuel Centre",
    "St Anne's parish hall",
    "St Mary's Church Hall",
    "St Peter's Community Centre",
    "St Michael and All Angels",
    "St David's Hall",
    "St Andrew's Kirk",
    "St Columba's",
    "St Hilda's Church",
    "Christ Church",
    "Holy Trinity",
    "All Saints' Church",
    "St Luke's Hall",
    "Elizabeth Garrett Anderson Wing",
    "Florence Nightingale Room",
    "Brunel Room",
    "Wesley Hall",
    "Booth Centre",
    "Victoria Baths",
    "Albert Hall",
    "Carnegie Library",
    "Rowntree Room",
    "Whitworth Gallery",
    "Cadbury Hall",
    "Ty Hapus",
    "Canolfan Glyndwr",
    "Neuadd Goffa",
    "Morris Hall",
    "Dalziel Centre",
    "Burgh Hall",
    "Miners' Welfare Hall",
    "Cooperative Hall",
    "Quaker Meeting House",
    "Friends Meeting House",
    "Salvation Army Citadel",
]
# Funders and bodies, some named after people (organisations, not people).
FUNDERS = [
    "The National Lottery Community Fund",
    "BBC Children in Need",
    "Comic Relief",
    "Esmée Fairbairn Foundation",
    "Paul Hamlyn Foundation",
    "Joseph Rowntree Foundation",
    "Garfield Weston Foundation",
    "The Henry Smith Charity",
    "Lloyds Bank Foundation",
    "The Tudor Trust",
    "The Clothworkers' Foundation",
    "Barrow Cadbury Trust",
    "John Lyon's Charity",
    "The Robertson Trust",
    "Nesta",
    "Sport England",
    "Arts Council England",
    "Creative Scotland",
    "Arts Council of Wales",
    "Moondance Foundation",
    "Steve Morgan Foundation",
    "Dulverton Trust",
    "Rayne Foundation",
    "The Childwick Trust",
    "Masonic Charitable Foundation",
    "Postcode Community Trust",
    "Co-op Local Community Fund",
    "Tesco Stronger Starts",
    "Greggs Foundation",
    "Screwfix Foundation",
    "Aviva Community Fund",
    "Persimmon Building Futures",
    "Wolfson Foundation",
    "The Ernest Cook Trust",
    "Sir James Knott Trust",
    "The Rank Foundation",
    "William Leech Charity",
    "The Charles Hayward Foundation",
    "Jack Petchey Foundation",
]
PARTNERS = [
    "Citizens Advice",
    "Age UK",
    "Mind",
    "Samaritans",
    "Shelter",
    "Barnardo's",
    "Action for Children",
    "Carers Trust",
    "Macmillan Cancer Support",
    "Marie Curie",
    "Alzheimer's Society",
    "Refugee Action",
    "British Red Cross",
    "Turn2us",
    "StepChange",
    "Women's Aid",
    "Refuge",
    "Victim Support",
    "the Trussell Trust",
    "FareShare",
    "Groundwork",
    "the local Rotary Club",
    "the Lions Club",
    "the Women's Institute",
    "Home-Start",
    "Scope",
    "Sense",
    "Leonard Cheshire",
]
FESTIVALS = [
    "Eid al-Fitr",
    "Eid al-Adha",
    "Diwali",
    "Vaisakhi",
    "Holi",
    "Navratri",
    "Chinese New Year",
    "Lunar New Year",
    "Hanukkah",
    "Passover",
    "Rosh Hashanah",
    "Christmas",
    "Easter",
    "Pentecost",
    "Harvest Festival",
    "Burns Night",
    "St Andrew's Day",
    "St David's Day",
    "St Patrick's Day",
    "St George's Day",
    "Hogmanay",
    "Bonfire Night",
    "Black History Month",
    "Pride Month",
    "Refugee Week",
    "Carers Week",
    "Volunteers' Week",
    "Loneliness Awareness Week",
    "Mental Health Awareness Week",
    "World Mental Health Day",
    "Safeguarding Adults Week",
    "Anti-Bullying Week",
    "Windrush Day",
    "Mela",
    "Notting Hill Carnival",
    "Nowruz",
    "Yom Kippur",
    "Guru Nanak Jayanti",
    "Kwanzaa",
    "Ramadan",
    "Shrove Tuesday",
    "Remembrance Sunday",
]
DISHES = [
    "jollof rice",
    "Victoria sponge",
    "Eccles cakes",
    "Welsh cakes",
    "bara brith",
    "cawl",
    "Scotch broth",
    "cullen skink",
    "haggis, neeps and tatties",
    "shepherd's pie",
    "chicken biryani",
    "dal and rice",
    "samosas",
    "pakoras",
    "jerk chicken",
    "rice and peas",
    "plantain",
    "egusi soup",
    "pierogi",
    "borscht",
    "falafel wraps",
    "hummus",
    "baklava",
    "Bakewell tart",
    "Lancashire hotpot",
    "Cornish pasties",
    "lemon drizzle",
    "carrot cake",
    "apple crumble and custard",
    "tea and toast",
    "Earl Grey",
    "Yorkshire puddings",
    "Beef Wellington",
    "Eton mess",
    "Bramley apple pie",
]
JOB_TITLES = [
    "Family Support Worker",
    "Volunteer Coordinator",
    "Community Development Officer",
    "Finance and Operations Manager",
    "Youth Worker",
    "Senior Caseworker",
    "Debt Adviser",
    "Welfare Rights Adviser",
    "Outreach Worker",
    "Fundraising Officer",
    "Trusts and Grants Manager",
    "Housing Support Officer",
    "Café Supervisor",
    "Kitchen Assistant",
    "Minibus Driver",
    "Safeguarding Lead",
    "Chief Executive",
    "Operations Director",
    "Communications Officer",
    "Data and Impact Officer",
    "Befriending Coordinator",
    "Peer Support Worker",
    "Young Carers Project Worker",
    "Counsellor",
    "Receptionist",
    "Caretaker",
    "Warehouse Assistant",
    "Learning Mentor",
    "Headteacher",
    "Practice Manager",
    "Site Manager",
    "Head of Services",
]
ORG_KINDS = [
    "Community Trust",
    "Carers Centre",
    "Advice Centre",
    "Food Bank",
    "Housing Association",
    "Youth Project",
    "Development Trust",
    "Refugee Forum",
    "Wellbeing Hub",
    "Credit Union",
    "Community Interest Company",
    "Family Centre",
    "Community Association",
    "Tenants' Federation",
]
ACTIVITIES = [
    "Knit and Natter",
    "Chair Yoga",
    "Tai Chi",
    "Warm Space",
    "Baby and Toddler Group",
    "Men's Shed",
    "Repair Café",
    "Walking Football",
    "Seated Exercise",
    "ESOL class",
    "Digital Drop-in",
    "Homework Club",
    "Community Larder",
    "Lunch Club",
    "Memory Café",
    "Gardening Group",
    "Boxing Club",
    "Sewing Circle",
    "Bingo",
    "Quiz Night",
    "Choir",
    "Singing for the Brain",
    "Ukulele Club",
    "Coffee Morning",
    "Film Club",
    "Craft Club",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
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
]
ROLES = [
    "Duty Manager",
    "Shift Lead",
    "Kitchen",
    "Front of House",
    "Driver",
    "Co-driver",
    "Warehouse",
    "Sorting",
    "Reception",
    "Befriender",
    "First Aider",
    "Key Holder",
    "Fire Warden",
    "Cash Counter",
    "Meet and Greet",
    "Washing Up",
    "Stock Take",
    "Phone Line",
]
SHIFTS = ["08:00-12:00", "09:30-13:00", "12:00-16:00", "13:00-17:00", "16:00-20:00", "10:00-14:00"]
SUPPLIES = [
    "Tea bags (catering pack)",
    "Instant coffee",
    "Semi-skimmed milk",
    "Sugar sachets",
    "Digestive biscuits",
    "Custard creams",
    "Bin bags (heavy duty)",
    "Blue roll",
    "Antibacterial spray",
    "Washing-up liquid",
    "Nitrile gloves (M)",
    "Nitrile gloves (L)",
    "Aprons",
    "Hair nets",
    "Paper plates",
    "Foil trays",
    "Cling film",
    "Printer paper (A4)",
    "Toner for the Brother printer",
    "Stamps (2nd class)",
    "Batteries AA",
    "First aid kit refill",
    "Hand sanitiser",
    "Toilet rolls",
    "Fairy liquid",
    "Pampers size 4",
    "Tinned tomatoes",
    "Baked beans",
    "UHT milk",
    "Pasta",
    "Rice (5kg)",
    "Sanitary products",
    "Nappies size 5",
    "Lemon squash",
    "Hobnobs",
    "Yorkshire Tea",
    "PG Tips",
    "Warburtons bread",
    "Flora",
]
SOFTWARE = [
    "Microsoft Teams",
    "Outlook",
    "SharePoint",
    "OneDrive",
    "Zoom",
    "WhatsApp",
    "Google Drive",
    "Charitylog",
    "Lamplight",
    "Salesforce",
    "Beacon",
    "Xero",
    "Sage",
    "QuickBooks",
    "Mailchimp",
    "Canva",
    "Eventbrite",
    "JustGiving",
    "Enthuse",
    "Bitwarden",
    "Microsoft Authenticator",
]


def pick(rng: random.Random, items: list[str], n: int = 1) -> list[str]:
    return rng.sample(items, n)


def org_name(rng: random.Random) -> str:
    return f"{rng.choice(TOWNS)} {rng.choice(ORG_KINDS)}"


def date(rng: random.Random, year: int = 2025) -> str:
    return f"{rng.choice(DAYS)} {rng.randint(1, 28)} {rng.choice(MONTHS)} {year}"


def money(rng: random.Random, low: int, high: int, step: int = 50) -> str:
    return f"£{rng.randrange(low, high, step):,}"


def phone(rng: random.Random) -> str:
    code, local = rng.choice([("0113", "496"), ("0161", "496"), ("020", "7946"), ("0131", "496")])
    return f"{code} {local} {rng.randint(0, 999):04d}"


def newsletter(rng: random.Random) -> str:
    org = org_name(rng)
    season = rng.choice(["Spring", "Summer", "Autumn", "Winter"])
    venue, venue2 = pick(rng, VENUES, 2)
    street, street2 = pick(rng, STREETS, 2)
    town, town2, town3 = pick(rng, TOWNS, 3)
    fest, fest2 = pick(rng, FESTIVALS, 2)
    funder, funder2, funder3 = pick(rng, FUNDERS, 3)
    acts = pick(rng, ACTIVITIES, 4)
    dish, dish2 = pick(rng, DISHES, 2)
    partner = rng.choice(PARTNERS)
    caps = rng.random() < 0.5
    h = (lambda s: s.upper()) if caps else (lambda s: s)
    lines = [
        h(f"{org} - {season} Newsletter {rng.choice([2024, 2025])}"),
        "",
        h("Welcome"),
        f"Welcome to our {season.lower()} newsletter. It has been a busy few months at {venue} on "
        f"{street}, and we are grateful to everyone who has volunteered, donated or simply dropped "
        f"in for a cuppa.",
        "",
        h("What's On"),
        f"* {acts[0]}: every {rng.choice(DAYS)}, 10am-12pm, {venue}",
        f"* {acts[1]}: {rng.choice(DAYS)}s at {venue2}, {street2}, {town}",
        f"* {acts[2]} returns after the summer break - all welcome, no need to book",
        f"* {acts[3]} with {partner}, first {rng.choice(DAYS)} of the month",
        "",
        h(f"{fest} Celebration"),
        f"Join us for our {fest} celebration at {venue} with {dish}, {dish2}, music and stalls. "
        f"Families from {town2} and {town3} are very welcome. Entry free, donations appreciated.",
        "",
        h("Thank You To Our Funders"),
        f"A huge thank you to {funder}, {funder2} and {funder3}, whose support keeps our doors "
        f"open. {funder} has confirmed a further three years of funding for the "
        f"{rng.choice(ACTIVITIES)} programme.",
        "",
        h("Our Winter Appeal"),
        f"This {fest2} we aim to raise {money(rng, 2000, 20000, 500)} to keep the Warm Space open "
        f"five days a week. £10 buys a hot meal; £25 pays for a food parcel. Give online through "
        f"our JustGiving page or drop a cheque into the office.",
        "",
        h("Volunteer With Us"),
        f"We are looking for Drivers, Befrienders and a Treasurer. Hope you can help! Ask at "
        f"reception or email volunteering@{town.lower().replace(' ', '')}trust.example.",
        "",
        f"{org}, {venue}, {street}, {town}. Registered charity no. {rng.randint(1000000, 1199999)}.",
    ]
    return "\n".join(lines) + "\n"


def job_advert(rng: random.Random) -> str:
    title = rng.choice(JOB_TITLES)
    org = org_name(rng)
    town = rng.choice(TOWNS)
    low = rng.randrange(21000, 42000, 250)
    manager = rng.choice([t for t in JOB_TITLES if t != title])
    venue = rng.choice(VENUES)
    lines = [
        rng.choice([f"JOB VACANCY: {title.upper()}", f"Vacancy - {title}", f"{title}"]),
        f"{org}",
        "",
        f"Salary: £{low:,} - £{low + rng.randrange(1500, 5000, 250):,} per annum (pro rata)",
        f"Hours: {rng.choice(['37.5', '30', '22.5', '18.75', '35'])} hours per week",
        f"Contract: {rng.choice(['Permanent', 'Fixed term to March 2027', '12 months, funding permitting'])}",
        f"Location: {venue}, {town} {rng.choice(['(hybrid)', '', '(with travel across the county)'])}",
        f"Reports to: {manager}",
        f"Closing date: {date(rng)} at noon",
        f"Interviews: {date(rng)}",
        "",
        "About Us",
        f"{org} has supported people in {town} and the surrounding villages since "
        f"{rng.randint(1975, 2015)}. We run {rng.choice(ACTIVITIES)}, {rng.choice(ACTIVITIES)} and an "
        f"advice line, funded by {rng.choice(FUNDERS)} and {rng.choice(FUNDERS)}.",
        "",
        "The Role",
        f"As {title} you will work alongside our {rng.choice(JOB_TITLES)} and a team of "
        f"volunteers, building links with {rng.choice(PARTNERS)}, {rng.choice(PARTNERS)} and local "
        f"GP surgeries.",
        "",
        "Person Specification",
        "Essential: experience of working with vulnerable adults or children; a good understanding "
        "of safeguarding; excellent communication skills; IT skills including Microsoft Office.",
        f"Desirable: a Level 3 qualification; knowledge of {rng.choice(TOWNS)}'s communities; "
        f"a second language such as {rng.choice(['Urdu', 'Polish', 'Welsh', 'Gaelic', 'Arabic', 'Tigrinya', 'Romanian'])}.",
        "",
        "This post is subject to an Enhanced DBS check and two satisfactory references.",
        f"To apply, download the application pack from our website and return it to "
        f"jobs@{town.lower().replace(' ', '')}-charity.example. No CVs or agencies please.",
        "We welcome applications from everyone and particularly from disabled people and people "
        "from Black, Asian and minority ethnic communities.",
    ]
    return "\n".join(lines) + "\n"


def annual_report(rng: random.Random) -> str:
    org = org_name(rng)
    year = rng.choice(["2023-24", "2024-25"])
    f1, f2, f3, f4 = pick(rng, FUNDERS, 4)
    town, town2 = pick(rng, TOWNS, 2)
    lines = [
        f"{org}: Annual Report and Financial Statements {year}",
        "",
        "Report of the Trustees",
        "",
        "Objectives and Activities",
        f"The charity's objects are the relief of poverty and the advancement of health among "
        f"people living in {town} and {town2}. The Trustees have had regard to the Charity "
        f"Commission's guidance on public benefit.",
        "",
        "Achievements and Performance",
        f"During the year we answered {rng.randint(900, 9000):,} calls to the advice line, "
        f"distributed {rng.randint(200, 4000):,} food parcels and ran {rng.randint(40, 400)} "
        f"sessions of {rng.choice(ACTIVITIES)}. Volunteers gave {rng.randint(2000, 20000):,} hours.",
        f"The {rng.choice(ACTIVITIES)} moved to {rng.choice(VENUES)} in {rng.choice(MONTHS)}.",
        "",
        "Financial Review",
        f"Total income was {money(rng, 150000, 900000, 1000)} (previous year "
        f"{money(rng, 150000, 900000, 1000)}). Restricted grants came from {f1}, {f2} and {f3}.",
        "The reserves policy is to hold three to six months' unrestricted expenditure.",
        "",
        "Structure, Governance and Management",
        "The charity is a charitable incorporated organisation governed by its constitution. "
        "Trustees are recruited by open advertisement and receive an induction. Day-to-day "
        f"management is delegated to the {rng.choice(['Chief Executive', 'Director', 'Centre Manager'])}.",
        "",
        "Thanks",
        f"The Trustees thank {f4}, {rng.choice(PARTNERS)} and every volunteer and supporter.",
        "",
        f"Approved by the Board of Trustees on {date(rng)} and signed on its behalf by the Chair.",
    ]
    return "\n".join(lines) + "\n"


def funding_bid(rng: random.Random) -> str:
    funder = rng.choice(FUNDERS)
    town = rng.choice(TOWNS)
    act = rng.choice(ACTIVITIES)
    lines = [
        f"Application to {funder}",
        "",
        "Section 3: Your Project",
        "",
        "3.1 What will the project do?",
        f"We will run {act} sessions twice weekly at {rng.choice(VENUES)} for older people in "
        f"{town} who are lonely or isolated, with transport by our minibus from "
        f"{rng.choice(STREETS)} and {rng.choice(STREETS)}.",
        "",
        "3.2 What need does it meet?",
        f"{town} ranks in the most deprived 10% of neighbourhoods in the Index of Multiple "
        "Deprivation. The Joint Strategic Needs Assessment shows high rates of dementia, "
        "diabetes and depression among over-65s, and a survey of our members found that four "
        "in ten see no one on most days.",
        "",
        "3.3 Who will benefit?",
        "Around 120 older people a year, their unpaid carers, and 25 volunteers who will gain "
        "training in safeguarding, first aid and dementia awareness.",
        "",
        "3.4 Budget",
        f"Sessional staff\t{money(rng, 8000, 20000, 100)}",
        f"Venue hire\t{money(rng, 1000, 5000, 50)}",
        f"Minibus running costs\t{money(rng, 2000, 6000, 50)}",
        f"Volunteer expenses\t{money(rng, 500, 2000, 50)}",
        f"Total requested\t{money(rng, 15000, 40000, 100)}",
        "",
        "3.5 How will you know it has worked?",
        "We will use the UCLA Loneliness Scale at the start and after six months, keep "
        "attendance registers and hold a focus group each year.",
    ]
    return "\n".join(lines) + "\n"


def agenda(rng: random.Random) -> str:
    org = org_name(rng)
    venue = rng.choice(VENUES)
    items = [
        "Welcome and apologies",
        "Declarations of interest",
        "Minutes of the last meeting and matters arising",
        "Chair's report",
        "Chief Executive's report",
        "Finance: management accounts to month 9",
        "Safeguarding report (standing item)",
        "Risk register review",
        f"Grant update: {rng.choice(FUNDERS)}",
        "Health and Safety: fire risk assessment actions",
        "Policy approvals: Data Protection, Whistleblowing, Lone Working",
        f"Premises: lease renewal at {venue}",
        "Trustee recruitment and skills audit",
        "Any other business",
        "Date of next meeting",
    ]
    chosen = rng.sample(items[1:-2], 7)
    head = f"{org.upper()}\nMEETING OF THE BOARD OF TRUSTEES"
    lines = [
        head,
        f"{date(rng)}, 6.30pm, {venue} (and on Teams)",
        "",
        "AGENDA",
        "",
        f"1. {items[0]}",
    ]
    lines += [f"{i}. {item}" for i, item in enumerate(chosen, start=2)]
    lines += [f"{len(chosen) + 2}. {items[-2]}", f"{len(chosen) + 3}. {items[-1]}", ""]
    lines.append("Papers to follow by email. Please send apologies to the Clerk to the Trustees.")
    return "\n".join(lines) + "\n"


def policy(rng: random.Random) -> str:
    org = org_name(rng)
    topic = rng.choice(
        [
            "Safeguarding Adults",
            "Safeguarding Children and Young People",
            "Supporting Staff Wellbeing",
            "Domestic Abuse in the Workplace",
        ]
    )
    lines = [
        f"{org}",
        f"{topic} Policy",
        f"Version {rng.randint(2, 9)}.{rng.randint(0, 4)} | Approved by the Board: "
        f"{rng.choice(MONTHS)} 2025 | Review date: {rng.choice(MONTHS)} 2026",
        "",
        "1. Purpose",
        "This policy sets out how staff, volunteers and trustees recognise and respond to "
        "concerns. Everyone has a responsibility to safeguard the people we support.",
        "",
        "2. Definitions",
        "Abuse can be physical, sexual, psychological, financial or discriminatory, and includes "
        "neglect, self-neglect, domestic abuse, modern slavery and organisational abuse. "
        "Exploitation, including county lines and cuckooing, is a form of abuse.",
        "Mental health conditions, learning disabilities and dementia can make a person more "
        "vulnerable to abuse, but they do not mean that a person lacks capacity.",
        "",
        "3. Responsibilities",
        "The Designated Safeguarding Lead keeps this policy under review, advises staff and "
        "makes referrals to the local authority. The Trustee with lead responsibility for "
        "safeguarding reports to the Board each quarter.",
        "",
        "4. Training",
        "All staff complete Level 1 safeguarding training at induction and refresher training "
        "every two years. Managers complete Level 3. Training covers recognising signs of abuse "
        "and neglect, self-harm and suicide awareness, FGM, forced marriage and the Prevent duty.",
        "",
        "5. Related Policies",
        "Whistleblowing; Confidentiality and Data Protection; Lone Working; Managing Allegations "
        "against Staff and Volunteers; Equality, Diversity and Inclusion.",
        "",
        "6. Legislation and Guidance",
        "Care Act 2014; Children Act 1989 and 2004; Working Together to Safeguard Children 2023; "
        "Mental Capacity Act 2005; Domestic Abuse Act 2021; Equality Act 2010.",
    ]
    return "\n".join(lines) + "\n"


def training_handout(rng: random.Random) -> str:
    topic = rng.choice(
        [
            (
                "Mental Health First Aid",
                [
                    "One in four people will experience a mental health problem each year.",
                    "Common conditions include anxiety, depression, bipolar disorder and psychosis.",
                    "Signs may include withdrawal, changes in sleep or appetite, and low mood.",
                    "Listen non-judgementally, give reassurance and encourage professional help.",
                    "In a crisis, call 999 or signpost to Samaritans on 116 123 (free, 24 hours).",
                ],
            ),
            (
                "Dementia Friends Information Session",
                [
                    "Dementia is not a natural part of ageing.",
                    "It is caused by diseases of the brain, the most common being Alzheimer's disease.",
                    "It is not just about losing your memory.",
                    "It is possible to live well with dementia.",
                    "There is more to the person than the dementia.",
                ],
            ),
            (
                "Safeguarding Awareness (Level 1)",
                [
                    "Know the six principles: empowerment, prevention, proportionality, protection, "
                    "partnership and accountability.",
                    "Recognise the types of abuse, including neglect, financial abuse and coercive control.",
                    "If you have a concern, do not investigate: record what you saw or heard and tell the "
                    "Designated Safeguarding Lead the same day.",
                    "Never promise to keep a disclosure secret.",
                    "If someone is in immediate danger, call 999.",
                ],
            ),
            (
                "Diabetes Awareness for Lunch Club Volunteers",
                [
                    "Type 1 and type 2 diabetes are different conditions.",
                    "Hypoglycaemia (a hypo) can cause shaking, sweating and confusion.",
                    "Offer a sugary drink such as orange juice and tell the session lead.",
                    "Label dishes clearly and offer sugar-free options.",
                ],
            ),
        ]
    )
    title, points = topic
    lines = [
        f"{title.upper()}",
        f"Handout for staff and volunteers - {rng.choice(VENUES)}, {date(rng)}",
        "",
        "KEY POINTS",
    ]
    lines += [f"{i}. {p}" for i, p in enumerate(points, start=1)]
    lines += [
        "",
        "FURTHER INFORMATION",
        f"Ask your line manager, or see the {rng.choice(['Staff Handbook', 'Volunteer Handbook', 'Policies folder on SharePoint'])}.",
        f"Next course: {date(rng)}, {rng.choice(VENUES)}. Book through the Training Coordinator.",
    ]
    return "\n".join(lines) + "\n"


def risk_assessment(rng: random.Random) -> str:
    activity = rng.choice(
        [
            "Community lunch",
            "Minibus outing to the coast",
            "Food bank distribution",
            "Youth club residential",
            "Litter pick",
            "Summer fun day",
            "Warm Space sessions",
        ]
    )
    venue = rng.choice(VENUES)
    hazards = [
        (
            "Slips and trips",
            "Volunteers, visitors",
            "Wet floor signs; spills cleaned at once",
            "Low",
        ),
        ("Manual handling", "Volunteers", "Two-person lifts; trolley for crates", "Medium"),
        (
            "Food allergies",
            "Visitors",
            "Allergen labels; menu checked by the Kitchen Lead",
            "Medium",
        ),
        ("Hot water urn", "Everyone", "Urn on a stable surface away from the door", "Low"),
        ("Lone working", "Staff", "Buddy system; sign-in sheet; mobile phone", "Medium"),
        ("Fire", "Everyone", "Fire exits clear; Fire Warden on each session", "Low"),
        (
            "Safeguarding concern raised",
            "Visitors",
            "DSL on call; concerns form in office",
            "Medium",
        ),
        (
            "Infection (colds, Covid-19, norovirus)",
            "Everyone",
            "Hand gel; stay home if unwell",
            "Low",
        ),
        ("Road traffic", "Volunteers", "Hi-vis vests; work facing traffic", "Medium"),
    ]
    rows = rng.sample(hazards, 6)
    sep = rng.choice([" | ", "\t"])
    lines = [
        f"RISK ASSESSMENT: {activity.upper()}",
        f"Location: {venue}, {rng.choice(STREETS)}, {rng.choice(TOWNS)}",
        f"Assessed by: Operations Manager    Date: {date(rng)}    Review: annually",
        "",
        sep.join(["Hazard", "Who might be harmed", "Controls in place", "Risk"]),
    ]
    lines += [sep.join(r) for r in rows]
    lines += ["", "Signed off by the Health and Safety Lead. Copy kept in the Risk Register."]
    return "\n".join(lines) + "\n"


def rota(rng: random.Random) -> str:
    venue = rng.choice(VENUES)
    days = rng.sample(DAYS[:6], 4)
    roles = rng.sample(ROLES, 5)
    sep = rng.choice(["\t", ",", " | "])
    lines = [
        f"{rng.choice(['Volunteer rota', 'ROTA', 'Shift pattern', 'Cover rota'])} - {venue} - "
        f"w/c {rng.randint(1, 28)} {rng.choice(MONTHS)}",
        "",
        sep.join(["Day", "Shift", *roles]),
    ]
    for day in days:
        cells = [
            rng.choice(["1", "2", "Cover needed", "Agency", "TBC", "Staff", "-"]) for _ in roles
        ]
        lines.append(sep.join([day, rng.choice(SHIFTS), *cells]))
    lines += [
        "",
        "Key Holder opens up at 8.30. The Duty Manager cashes up. Drivers collect the van keys "
        "from the key safe (code from the office).",
        "Swaps: tell the Volunteer Coordinator by Thursday.",
    ]
    return "\n".join(lines) + "\n"


def it_howto(rng: random.Random) -> str:
    app, app2 = pick(rng, SOFTWARE, 2)
    lines = [
        f"How to: set up {app} on a new laptop",
        "",
        "Before you start",
        f"You need your work email address, your temporary password from the IT Helpdesk and "
        f"{app2} on your phone.",
        "",
        "Steps",
        f"1. Open {app} from the Start menu and choose Sign In.",
        "2. Enter your work email address (firstname.surname style) and the temporary password.",
        f"3. When asked, approve the sign-in in {app2}.",
        "4. Choose a new password of at least 14 characters; three random words work well.",
        "5. Go to Settings > Accounts > Access work or school and check your account is listed.",
        f"6. Pin {app} to the taskbar.",
        "",
        "Troubleshooting",
        "- Error 53003: you are outside the UK or on a blocked network. Try again in the office.",
        "- 'Your account has been locked': wait 15 minutes, then ring the IT Helpdesk.",
        "- Files not syncing: right-click the cloud icon, choose Pause, then Resume.",
        "",
        f"IT Helpdesk: ithelp@{rng.choice(TOWNS).lower().replace(' ', '')}cvs.example, "
        f"{rng.choice(['Monday to Friday 9-5', 'weekdays 8.30-4.30'])}.",
    ]
    return "\n".join(lines) + "\n"


def flyer(rng: random.Random) -> str:
    fest = rng.choice(FESTIVALS)
    venue = rng.choice(VENUES)
    street = rng.choice(STREETS)
    town = rng.choice(TOWNS)
    dishes = pick(rng, DISHES, 3)
    lines = [
        f"{fest.upper()} {rng.choice(['FAMILY FUN DAY', 'COMMUNITY FEAST', 'CELEBRATION', 'PARTY'])}",
        "",
        f"{date(rng).upper()}",
        f"{rng.randint(11, 14)}:00 - {rng.randint(16, 19)}:00",
        f"{venue.upper()}, {street.upper()}, {town.upper()}",
        "",
        "FREE ENTRY * ALL WELCOME",
        "",
        f"Live music from the {rng.choice(TOWNS)} Steel Band and {rng.choice(TOWNS)} Community Choir",
        f"Food stalls: {dishes[0]}, {dishes[1]} and {dishes[2]}",
        "Face painting * Bouncy castle * Henna * Tombola * Raffle",
        f"{rng.choice(ACTIVITIES)} taster session at 2pm",
        "",
        f"Supported by {rng.choice(FUNDERS)} and {rng.choice(PARTNERS)}",
        "Step-free access. Accessible toilet. Quiet room available.",
    ]
    return "\n".join(lines) + "\n"


def supplies(rng: random.Random) -> str:
    items = rng.sample(SUPPLIES, rng.randint(10, 16))
    style = rng.choice(["list", "tsv", "lower"])
    if style == "lower":
        lines = [f"shopping for {rng.choice(DAYS).lower()}", ""]
        lines += [f"- {i.lower()} x{rng.randint(1, 6)}" for i in items]
        lines += [
            "",
            f"get from {rng.choice(['costco', 'booker', 'aldi', 'lidl', 'makro'])}, "
            "receipt in the petty cash tin pls",
        ]
    elif style == "tsv":
        lines = ["Item\tQty\tUnit cost\tSupplier"]
        for i in items:
            lines.append(
                f"{i}\t{rng.randint(1, 24)}\t£{rng.randint(1, 30)}.{rng.randint(0, 99):02d}\t"
                f"{rng.choice(['Booker', 'Bidfood', 'Costco', 'Viking', 'Amazon Business', 'Brakes'])}"
            )
    else:
        lines = [f"SUPPLIES ORDER - {rng.choice(VENUES)}", f"Needed by {date(rng)}", ""]
        lines += [f"[ ] {i} - {rng.randint(1, 12)}" for i in items]
        lines += [
            "",
            "Budget code 4010 (Catering). Ask the Finance Officer before going over £200.",
        ]
    return "\n".join(lines) + "\n"


def grant_conditions(rng: random.Random) -> str:
    funder = rng.choice(FUNDERS)
    lines = [
        f"{funder}: Standard Terms and Conditions of Grant",
        "",
        "1. The grant must be used only for the purposes set out in the offer letter.",
        "2. You must tell us at once of any change to your organisation's bank details, "
        "governing document or charitable status.",
        "3. You must have safeguarding policies and procedures in place, reviewed annually, "
        "and report any serious incident to us and to the Charity Commission.",
        f"4. You must acknowledge {funder}'s support in publicity, using our logo.",
        f"5. An end of grant report is due within {rng.choice([2, 3])} months of the grant's end.",
        "6. Unspent funds must be returned unless we agree otherwise in writing.",
        "7. You must keep proper accounts and records for six years.",
        "8. You must comply with the UK GDPR and the Data Protection Act 2018.",
        "9. We may withhold payment or ask for repayment if these terms are broken.",
        "",
        f"Grant reference: {rng.choice(['GR', 'CF', 'TF'])}/{rng.randint(10000, 99999)}",
        f"Amount: {money(rng, 5000, 60000, 500)} over {rng.choice([1, 2, 3])} year(s)",
    ]
    return "\n".join(lines) + "\n"


def press_release(rng: random.Random) -> str:
    org = org_name(rng)
    town = rng.choice(TOWNS)
    venue = rng.choice(VENUES)
    funder = rng.choice(FUNDERS)
    lines = [
        "PRESS RELEASE",
        f"For immediate release: {date(rng)}",
        "",
        f"{rng.choice(['New', 'Record', 'Lifeline'])} {rng.choice(ACTIVITIES)} opens in {town} "
        f"thanks to {money(rng, 10000, 150000, 1000)} from {funder}",
        "",
        f"{org} today opened its new {rng.choice(ACTIVITIES)} at {venue}, {rng.choice(STREETS)}, "
        f"offering free sessions every {rng.choice(DAYS)} for families across {town} and "
        f"{rng.choice(TOWNS)}.",
        "",
        f'A spokesperson for {org} said: "This funding means we can reach families who have '
        "nowhere else to turn. We are grateful to the National Lottery players who made it "
        'possible."',
        "",
        f'A spokesperson for {funder} added: "We are delighted to support a project led by '
        'the community, for the community."',
        "",
        "Notes to editors",
        f"1. {org} is a registered charity (no. {rng.randint(500000, 1199999)}) founded in "
        f"{rng.randint(1960, 2018)}.",
        "2. Photographs are available on request.",
        f"3. Media enquiries: press@{town.lower().replace(' ', '')}-ct.example",
    ]
    return "\n".join(lines) + "\n"


def text_notes(rng: random.Random) -> str:
    venue = rng.choice(VENUES).lower()
    notes = [
        f"heating at {venue} comes on at 8 now, dont touch the thermostat",
        "van keys back in the key safe pls",
        "milk run out again, can someone grab 4 pints",
        "fire alarm test weds 10am",
        f"{rng.choice(ACTIVITIES).lower()} cancelled this week, hall double booked",
        "new code for the side door is on the whiteboard",
        "food bank delivery due thurs, need 2 extra hands for the crates",
        "printer jammed again, engineer coming mon",
        f"reminder safeguarding training refresher on teams {rng.choice(DAYS).lower()} 2pm",
        "dont forget to sign in and out, fire register",
        f"bins go out {rng.choice(DAYS).lower()} night",
        "leak in the gents, bucket under it, landlord informed",
        f"{rng.choice(FESTIVALS).lower()} decorations in the loft",
        "wifi password changed, ask at reception",
        "cleaner off next week so we all muck in",
        "the hope street entrance is closed for roadworks, use the car park side",
        "grace lane car park free after 6",
        "can whoever is on duty sat do the float",
        "mental health awareness week stall needs leaflets from the cupboard",
    ]
    chosen = rng.sample(notes, rng.randint(6, 10))
    prefix = rng.choice(["", "- ", "> "])
    return "\n".join(f"{prefix}{n}" for n in chosen) + "\n"


def venue_table(rng: random.Random) -> str:
    rows = rng.sample(VENUES, 6)
    sep = rng.choice(["\t", " | "])
    lines = [sep.join(["Venue", "Street", "Town", "Day", "Activity", "Access"])]
    for v in rows:
        lines.append(
            sep.join(
                [
                    v,
                    rng.choice(STREETS),
                    rng.choice(TOWNS),
                    rng.choice(DAYS),
                    rng.choice(ACTIVITIES),
                    rng.choice(["Step-free", "Lift", "Stairs only", "Ramp at side door"]),
                ]
            )
        )
    return (
        f"{rng.choice(['Where we meet', 'Session venues', 'Outreach locations'])}\n\n"
        + "\n".join(lines)
        + "\n"
    )


# Firms as bank statements and payment files write them, in capitals: several open with
# initials ("J SAINSBURY PLC", "W H SMITH") or are named after their founders.
PAYEES = [
    "J SAINSBURY PLC",
    "W H SMITH RETAIL",
    "T K MAXX",
    "J D WETHERSPOON",
    "A F BLAKEMORE & SON",
    "H SAMUEL",
    "TESCO STORES LTD",
    "ASDA STORES LTD",
    "BRITISH GAS",
    "EDF ENERGY",
    "OCTOPUS ENERGY",
    "E.ON NEXT",
    "VIRGIN MEDIA",
    "BT GROUP PLC",
    "SEVERN TRENT WATER",
    "UNITED UTILITIES",
    "SCOTTISH WATER",
    "DWR CYMRU WELSH WATER",
    "BOOKER LTD",
    "BIDFOOD",
    "VIKING DIRECT",
    "AMAZON BUSINESS EU",
    "SCREWFIX DIRECT",
    "TOOLSTATION",
    "B&Q",
    "MARKS & SPENCER",
    "JOHN LEWIS PLC",
    "GREGGS PLC",
    "COSTCO WHOLESALE UK",
    "MAKRO",
    "HMRC PAYE",
    "NEST PENSIONS",
    "ZURICH MUNICIPAL",
    "ECCLESIASTICAL INSURANCE",
    "COUNCIL TAX LEEDS CC",
    "KIRKLEES COUNCIL",
    "CYNGOR GWYNEDD",
    "FIFE COUNCIL",
    "MORRISONS",
    "ALDI STORES",
    "LIDL GB",
    "CO-OP GROUP",
    "SPAR",
    "POST OFFICE LTD",
    "ROYAL MAIL",
    "DVLA",
    "PAYPAL *EVENTBRITE",
    "ZOOM.US",
    "MICROSOFT 365",
    "CANVA PTY",
]
MAILBOXES = [
    ("Referrals Team", "referrals"),
    ("Finance", "finance"),
    ("Info", "info"),
    ("Volunteering", "volunteering"),
    ("Bookings", "bookings"),
    ("Jobs", "jobs"),
    ("Reception", "reception"),
    ("IT Helpdesk", "ithelp"),
    ("Facilities", "facilities"),
    ("Fundraising Team", "fundraising"),
    ("Safeguarding", "safeguarding"),
    ("Admin", "admin"),
]
ROLE_SPEAKERS = [
    "The Chair",
    "The Treasurer",
    "The Secretary",
    "The Chief Executive",
    "The Centre Manager",
    "The Safeguarding Lead",
    "The Vice Chair",
    "The Operations Manager",
    "The Finance Officer",
    "The Volunteer Coordinator",
    "The Clerk",
    "The Company Secretary",
]


def payment_file(rng: random.Random) -> str:
    sep = rng.choice([",", "\t"])
    lines = [sep.join(["Date", "Payee", "Reference", "Amount", "Budget code"])]
    for _ in range(rng.randint(8, 14)):
        payee = rng.choice(PAYEES)
        ref = rng.choice(["INV", "DD", "SO", "CARD", "BACS"]) + f"{rng.randint(1000, 99999)}"
        lines.append(
            sep.join(
                [
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025",
                    payee,
                    ref,
                    f"{rng.randint(5, 2400)}.{rng.randint(0, 99):02d}",
                    rng.choice(["4010", "4200", "5100", "6030", "7100"]),
                ]
            )
        )
    return "\n".join(lines) + "\n"


def role_mail_chain(rng: random.Random) -> str:
    (a_name, a_box), (b_name, b_box) = rng.sample(MAILBOXES, 2)
    domain = f"{rng.choice(TOWNS).lower().replace(' ', '')}-cvs.example"
    venue = rng.choice(VENUES)
    lines = [
        f"From: {a_name} <{a_box}@{domain}>",
        f"Sent: {date(rng)} 10:{rng.randint(10, 59)}",
        f"To: {b_name} <{b_box}@{domain}>",
        f"Subject: RE: {rng.choice(['Room booking', 'Invoice query', 'Rota for next month', 'Fire drill', 'Training dates'])}",
        "",
        f"Thanks, that's booked. {venue} is ours from 9 till 1 on {rng.choice(DAYS)}; the key is "
        "with reception. Can you let the cleaners know?",
        "",
        f"{a_name}",
        "",
        f"> From: {b_name} <{b_box}@{domain}>",
        f"> Sent: {date(rng)} 16:{rng.randint(10, 59)}",
        f"> Subject: {rng.choice(['Room booking', 'Invoice query', 'Rota for next month'])}",
        ">",
        f"> Hi all, could we have {venue} for the {rng.choice(ACTIVITIES)} again? Same set-up as",
        "> last time, chairs in a horseshoe and the urn on. Safeguarding training is in the",
        "> small room that morning, so we'll need the big room.",
        ">",
        f"> {b_name}",
        f"> {rng.choice(TOWNS)} {rng.choice(ORG_KINDS)} | Registered charity {rng.randint(1000000, 1199999)}",
    ]
    return "\n".join(lines) + "\n"


def role_minutes(rng: random.Random) -> str:
    org = org_name(rng)
    s = rng.sample(ROLE_SPEAKERS, 5)
    lines = [
        f"{org} - Minutes of the Management Committee",
        f"Held at {rng.choice(VENUES)} on {date(rng)}",
        "",
        "Present: the Chair, the Treasurer, the Secretary and four trustees. In attendance: the "
        "Chief Executive. Apologies: two trustees.",
        "",
        "1. Minutes",
        "The minutes of the last meeting were agreed as a true record.",
        "2. Finance",
        f"{s[0]} presented the accounts to month 6. Income from {rng.choice(FUNDERS)} was received "
        "in full. Agreed: to move the reserves to a deposit account.",
        "3. Safeguarding",
        f"{s[1]} reported that there were no open safeguarding concerns this quarter and that "
        "all staff were up to date with training. Safeguarding Adults Week falls in November.",
        "4. Premises",
        f"{s[2]} reported damp in the {rng.choice(['Brunel Room', 'kitchen', 'lower hall'])}. "
        f"A quote from {rng.choice(['Hope Street Builders', 'Grace Lane Joinery', 'Rose Hill Roofing'])} was accepted.",
        "5. Health and wellbeing",
        f"{s[3]} proposed a Mental Health Awareness Week stall and a dementia-friendly session. Agreed.",
        "6. Any other business",
        f"{s[4]} thanked the volunteers who ran the {rng.choice(FESTIVALS)} event.",
        "",
        "ACTION: Secretary to circulate the revised Lone Working Policy.",
        f"Next meeting: {date(rng)}.",
    ]
    return "\n".join(lines) + "\n"


def blank_form(rng: random.Random) -> str:
    kind = rng.choice(["gift_aid", "concern", "booking"])
    if kind == "gift_aid":
        lines = [
            "GIFT AID DECLARATION",
            f"{org_name(rng)} - Registered charity no. {rng.randint(1000000, 1199999)}",
            "",
            "Boost your donation by 25p of Gift Aid for every £1 you donate.",
            "",
            "[ ] I want to Gift Aid my donation and any donations I make in the future or have "
            "made in the past 4 years.",
            "",
            "I am a UK taxpayer and understand that if I pay less Income Tax and/or Capital Gains "
            "Tax than the amount of Gift Aid claimed on all my donations in that tax year it is "
            "my responsibility to pay any difference.",
            "",
            "Title: ______  First name: ______________  Surname: ______________",
            "Home address: __________________________________",
            "Postcode: __________  Date: ___/___/______",
            "",
            "Please notify the charity if you want to cancel this declaration, change your name "
            "or home address, or no longer pay sufficient tax.",
        ]
    elif kind == "concern":
        lines = [
            "SAFEGUARDING CONCERN FORM (TEMPLATE)",
            "Complete on the day and hand to the Designated Safeguarding Lead. Do not investigate.",
            "",
            "Name of person the concern is about:",
            "Date of birth:",
            "Address:",
            "Your name and role:",
            "Date and time of concern:",
            "What did you see or hear? (use the person's own words)",
            "",
            "Action taken:",
            "Signed:",
            "",
            "This form is for recording concerns about abuse, neglect, self-harm or exploitation. "
            "If someone is in immediate danger, call 999 first.",
        ]
    else:
        lines = [
            f"ROOM BOOKING FORM - {rng.choice(VENUES).upper()}",
            "",
            "Organisation:",
            "Contact name:",
            "Phone:",
            "Email:",
            f"Room: [ ] Main Hall  [ ] {rng.choice(['Brunel Room', 'Rowntree Room', 'Florence Nightingale Room'])}  [ ] Kitchen",
            "Date(s) required:",
            "Purpose of booking:",
            "",
            f"Rates: community groups £{rng.randint(10, 20)}/hour; private hire £{rng.randint(25, 45)}/hour.",
            "Bookings for children's activities must have a safeguarding policy and DBS-checked leaders.",
        ]
    return "\n".join(lines) + "\n"


def spreadsheet_paste(rng: random.Random) -> str:
    acts = rng.sample(ACTIVITIES, 6)
    lines = ["Activity\tLead role\tVenue\tSessions\tAttendance\tFunder"]
    for act in acts:
        lines.append(
            "\t".join(
                [
                    act,
                    rng.choice(JOB_TITLES),
                    rng.choice(VENUES),
                    str(rng.randint(10, 50)),
                    str(rng.randint(50, 900)),
                    rng.choice(FUNDERS),
                ]
            )
        )
    lines += ["", "Totals\t\t\t" + str(rng.randint(100, 300)) + "\t" + str(rng.randint(1000, 5000))]
    return "\n".join(lines) + "\n"


def awareness_bulletin(rng: random.Random) -> str:
    week = rng.choice(
        [
            ("Mental Health Awareness Week", "anxiety, depression and loneliness"),
            ("Safeguarding Adults Week", "financial abuse, scams and self-neglect"),
            ("Dementia Action Week", "dementia and memory loss"),
            ("Domestic Abuse Awareness Month", "coercive control and economic abuse"),
            ("Carers Week", "caring for someone with a disability or long-term illness"),
            ("Sexual Abuse and Sexual Violence Awareness Week", "consent and support services"),
        ]
    )
    title, topic = week
    lines = [
        f"{title}: {rng.choice(MONTHS)} 2025",
        "",
        f"This year's {title} focuses on {topic}. Staff and volunteers are invited to a lunchtime "
        f"talk at {rng.choice(VENUES)} and to the online module on the Learning Hub.",
        "",
        "Did you know?",
        "- Anyone can be affected, whatever their age, background or income.",
        "- Most people who experience abuse know the person responsible.",
        "- Early help makes a difference: talk to your line manager or the Safeguarding Lead.",
        "",
        "Where to get help",
        "Samaritans 116 123 (free, 24/7). National Domestic Abuse Helpline 0808 2000 247. "
        "Mind Infoline 0300 123 3393. Shout: text SHOUT to 85258.",
        "",
        f"Posters and leaflets are in the resources cupboard at {rng.choice(VENUES)}.",
    ]
    return "\n".join(lines) + "\n"


STYLES: list[tuple[str, Callable[[random.Random], str], int]] = [
    ("newsletter", newsletter, 8),
    ("job_advert", job_advert, 8),
    ("annual_report", annual_report, 4),
    ("funding_bid", funding_bid, 4),
    ("trustee_agenda", agenda, 4),
    ("policy", policy, 5),
    ("training_handout", training_handout, 5),
    ("risk_assessment", risk_assessment, 4),
    ("rota_roles", rota, 4),
    ("it_howto", it_howto, 3),
    ("event_flyer", flyer, 5),
    ("supplies_list", supplies, 4),
    ("grant_conditions", grant_conditions, 2),
    ("press_release", press_release, 4),
    ("text_notes", text_notes, 4),
    ("venue_table", venue_table, 3),
    # The second batch (072 on), written after the first round of fixes: clean forms of the
    # styles that carry personal data elsewhere (payment files, mail chains, minutes, forms,
    # pasted spreadsheets) and awareness bulletins.
    ("payment_file", payment_file, 5),
    ("role_mail_chain", role_mail_chain, 5),
    ("role_minutes", role_minutes, 5),
    ("blank_form", blank_form, 6),
    ("spreadsheet_paste", spreadsheet_paste, 4),
    ("awareness_bulletin", awareness_bulletin, 5),
]


def main() -> None:
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    number = 0
    for style, write, count in STYLES:
        for _ in range(count):
            number += 1
            (OUT / f"{number:03d}_{style}_clean.txt").write_text(write(rng), encoding="utf-8")
    print(f"{number} documents in {OUT}")
    print(f"{write_outlines()} documents in {OUTLINE_OUT}")


# ---------------------------------------------------------------------------------------------
# The third method (``bench/corpus/dev/clean_outlines/``, branch fpclean6): outlines written by
# hand as data (``clean_outlines/outlines.yaml``: headings, paragraphs, bullets, fields and
# tables), each rendered in one of the layouts a charity's text takes once it leaves a word
# processor: Title Case headings underlined, headings in capitals, Markdown, a mail from a role
# mailbox to all staff, and prose wrapped at a fixed width. The words were chosen for what a
# detector misreads: capitalised common nouns, services' titles ("Carers Hub", "Young Carers
# Project"), places, brands, days and months, job titles, saints' churches and helplines'
# names; policies and leaflets speak of safeguarding, abuse and health in general. None names
# or describes a private individual, and no living person is named at all.

OUTLINE_OUT = Path(__file__).parent / "corpus" / "dev" / "clean_outlines"
OUTLINE_SEED = 6606


def _wrap(text: str, width: int) -> str:
    return "\n".join(
        textwrap.fill(line, width) if len(line) > width else line for line in text.split("\n")
    )


def _table_lines(table: list[list[str]], layout: str) -> list[str]:
    """A table (its first row the header) as lines in the layout's way."""
    header, *rows = table
    if layout == "markdown":
        return [
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
            *("| " + " | ".join(row) + " |" for row in rows),
        ]
    if layout == "capitals":
        return ["\t".join(h.upper() for h in header), *("\t".join(row) for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]


def _heading_lines(heading: str, layout: str, top: bool) -> list[str]:
    """A title (``top``) or a section's heading as lines in the layout's way."""
    if layout == "markdown":
        return [f"{'#' if top else '##'} {heading}"]
    if layout == "capitals":
        return [heading.upper()]
    if layout == "underlined" or top:
        return [heading, ("=" if top else "-") * len(heading)]
    return [heading]


def _render(outline: dict[str, Any], layout: str, rng: random.Random) -> str:
    """An outline as text in one of the layouts: ``underlined``, ``capitals``, ``markdown``,
    ``mail`` or ``wrapped``."""
    bullet = rng.choice(["•", "-", "*", "–"]) if layout != "markdown" else "-"
    title = outline["title"]
    if layout == "mail":
        lines = [
            "From: Communications <comms@ourcharity.example.org.uk>",
            "To: All Staff and Volunteers <everyone@ourcharity.example.org.uk>",
            f"Subject: {title}",
            "",
            rng.choice(["Hi all,", "Dear colleagues,", "Hello everyone,", "Good morning all,"]),
        ]
    else:
        lines = _heading_lines(title, layout, top=True)
    for block in outline["blocks"]:
        lines.append("")
        if "heading" in block:
            lines += _heading_lines(block["heading"], layout, top=False)
        elif "text" in block:
            wrap = layout in ("wrapped", "mail")
            lines.append(_wrap(block["text"], 72) if wrap else block["text"])
        elif "bullets" in block:
            lines += [f"{bullet} {item}" for item in block["bullets"]]
        elif "fields" in block:
            lines += [f"{field['label']}: {field['value']}" for field in block["fields"]]
        else:
            lines += _table_lines(block["table"], layout)
    if layout == "mail":
        sign_off = rng.choice(["Thanks,", "Best wishes,", "Kind regards,", "Many thanks,"])
        lines += ["", sign_off, "Communications Team"]
    return "\n".join(lines) + "\n"


OUTLINE_LAYOUTS = ["underlined", "capitals", "markdown", "mail", "wrapped"]


def write_outlines() -> int:
    """Write the outlines, each in a layout the seeded generator picks; returns how many."""
    rng = random.Random(OUTLINE_SEED)
    outlines = yaml.safe_load((OUTLINE_OUT / "outlines.yaml").read_text(encoding="utf-8"))
    for number, outline in enumerate(outlines, start=1):
        layout = OUTLINE_LAYOUTS[(number + rng.randrange(2)) % len(OUTLINE_LAYOUTS)]
        name = f"{number:03d}_{outline['name']}_{layout}_clean.txt"
        (OUTLINE_OUT / name).write_text(_render(outline, layout, rng), encoding="utf-8")
    return len(outlines)


if __name__ == "__main__":
    main()
