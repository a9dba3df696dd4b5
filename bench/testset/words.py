"""Places, organisations, terms and traps for the test set, written by hand.

Towns and districts are real places (a place name is not personal data); street and building
names are common UK forms, several of them named like people on purpose. Organisations are
invented, except national helplines and banks, which are named with their published details
because a document mentions them exactly so and they are not personal data.
"""

from __future__ import annotations

# town -> (postcode area, districts, localities, street pool key)
TOWNS: dict[str, tuple[str, tuple[int, ...], tuple[str, ...], str]] = {
    "Leeds": ("LS", (6, 7, 8, 9, 11, 12), ("Chapeltown", "Burley", "Armley", "Beeston"), "en"),
    "Bradford": ("BD", (3, 5, 7, 8, 9), ("Manningham", "Little Horton", "Girlington"), "en"),
    "Manchester": ("M", (8, 13, 14, 16, 19), ("Levenshulme", "Longsight", "Moss Side"), "en"),
    "Birmingham": ("B", (8, 10, 11, 12, 19), ("Sparkbrook", "Small Heath", "Lozells"), "en"),
    "London": ("E", (1, 2, 3, 6, 13), ("Whitechapel", "Stepney", "Bow", "Plaistow"), "en"),
    "Cardiff": ("CF", (5, 10, 11, 24), ("Grangetown", "Splott", "Adamsdown"), "cy"),
    "Caernarfon": ("LL", (54, 55), ("Llanrug", "Bethel", "Waunfawr", "Bontnewydd"), "cy"),
    "Stornoway": ("HS", (1, 2), ("Sandwick", "Newmarket", "Laxdale"), "gd"),
    "Glasgow": ("G", (5, 31, 42, 51), ("Govanhill", "Govan", "Dennistoun"), "en"),
    "Bristol": ("BS", (2, 5, 6), ("St Pauls", "Easton", "Barton Hill"), "en"),
    "Leicester": ("LE", (1, 2, 4, 5), ("Belgrave", "Highfields", "Evington"), "en"),
    "Sheffield": ("S", (2, 4, 9), ("Page Hall", "Darnall", "Burngreave"), "en"),
    "Liverpool": ("L", (7, 8, 15), ("Toxteth", "Kensington", "Wavertree"), "en"),
    "Luton": ("LU", (1, 2, 4), ("Bury Park", "Dallow", "High Town"), "en"),
    "Belfast": ("BT", (7, 9, 12, 14), ("Falls", "Ormeau", "Andersonstown"), "ie"),
    "Swansea": ("SA", (1, 5, 6), ("Townhill", "Morriston", "Brynhyfryd"), "cy"),
}

STREETS: dict[str, tuple[str, ...]] = {
    "en": (
        "Birchfields Road",
        "Cable Street",
        "Stanley Road",
        "Clarendon Road",
        "Oakwood Avenue",
        "Mill Lane",
        "Station Road",
        "Beech Grove",
        "Linden Terrace",
        "Hawthorn Close",
        "Ashfield Crescent",
        "Meadow Way",
        "Granby Street",
        "Chapel Street",
        "Kirkgate",
        "Union Street",
        "Albion Street",
        "Dale View",
        "Moor Lane",
        "Lime Walk",
        # named like people, and labelled as part of an address, never as a name
        "Hope Street",
        "Grace Lane",
        "Rose Hill Lane",
        "Victoria Road",
        "Albert Road",
        "Florence Street",
        "Elizabeth Close",
        "Percy Street",
        "Nelson Street",
        "Sidney Grove",
        "Howard Street",
        "Milton Road",
        "Byron Street",
        "Faith Close",
        "Joy Lane",
    ),
    "cy": (
        "Tan y Bryn",
        "Ffordd yr Orsaf",
        "Heol y Llan",
        "Stryd Fawr",
        "Maes y Dref",
        "Lôn Ddewi",
        "Bryn Eithin",
        "Pen y Bont",
        "Ffordd Llanberis",
        "Heol Gwenllian",
        "Clos Dewi Sant",
        "Stryd y Castell",
    ),
    "gd": (
        "Sràid a' Chladaich",
        "Rathad na Pàirce",
        "Sràid na h-Eaglais",
        "Sràid Sheumais",
        "Rathad Shanndabhaig",
        "Cnoc an t-Sìthein",
        "Sràid Frangain",
    ),
    "ie": (
        "Falls Road",
        "Ormeau Road",
        "Glen Road",
        "Andersonstown Road",
        "Ascaill Chluain Ard",
        "Bóthar na Carraige",
        "Donegall Avenue",
    ),
}

STREET_ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Crescent": "Cres"}

BUILDINGS: dict[str, tuple[str, ...]] = {
    "en": (
        "Brunel House",
        "Maple Court",
        "Kingfisher House",
        "Priory Mews",
        "Jubilee Court",
        "Grace Court",
        "Rosebank Cottage",
        "The Maltings",
        "Victoria Buildings",
        "Sandringham Court",
    ),
    "cy": ("Tŷ Gwyn", "Bryn Awel", "Hafan Deg", "Tŷ'r Ysgol", "Llys Dafydd"),
    "gd": ("Taigh na Mara", "Dachaigh", "Tigh a' Bhàird"),
    "ie": ("Teach Róisín", "Glenview House", "Ard na Gréine"),
}

# Inward-code letters: no C, I, K, M, O or V.
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

CHARITIES: tuple[tuple[str, str], ...] = (
    ("Moorside Carers Trust", "moorsidecarers.example"),
    ("Grace Lane Community Hub", "gracelanehub.example"),
    ("Harbour Family Support", "harbourfamily.test"),
    ("Aire and Calder Refugee Welcome", "acrw.example.org"),
    ("Tŷ Cymorth Arfon", "tycymorth.example"),
    ("Comann Taic nan Eilean", "taicnaneilean.example"),
    ("Northfield Food Bank", "northfieldfoodbank.test"),
    ("St Anne's Community Pantry", "stannespantry.example"),
    ("Lozells Women's Centre", "lozellswomen.example.org"),
    ("Kinship Carers Network", "kinshipnetwork.example"),
    ("Riverbank Advocacy", "riverbankadvocacy.test"),
    ("Eastside Young Carers", "eastsideyc.example"),
    ("Hope House Night Shelter", "hopehouse.example.org"),
    ("Bethel Road Welcome Project", "bethelwelcome.test"),
)

ROLE_MAILBOXES = (
    "info",
    "referrals",
    "jobs",
    "enquiries",
    "hello",
    "volunteering",
    "donations",
    "admin",
    "office",
    "fundraising",
    "bookings",
    "finance",
)

PERSONAL_MAIL_DOMAINS = (
    "example.com",
    "example.net",
    "example.org",
    "mail.example",
    "post.test",
    "inbox.example",
)

PROFESSIONAL_DOMAINS = (
    "nhs.example",
    "council.example.gov",
    "school.test",
    "police.example",
    "socialcare.test",
)

# National helplines with their published numbers: not personal data, never labelled.
HELPLINES: tuple[tuple[str, str], ...] = (
    ("NSPCC Helpline", "0808 800 5000"),
    ("Childline", "0800 1111"),
    ("the ICO helpline", "0303 123 1113"),
    ("Samaritans", "116 123"),
    ("the National Domestic Abuse Helpline", "0808 2000 247"),
    ("NHS 111", "111"),
    ("Shelter's helpline", "0808 800 4444"),
    ("Mind's Infoline", "0300 123 3393"),
    ("Age UK Advice Line", "0800 678 1602"),
    ("Carers UK Helpline", "0808 808 7777"),
)

BANKS = ("Barclays", "NatWest", "Lloyds Bank", "HSBC UK", "Santander", "Nationwide", "Monzo")
IBAN_BANK_CODES = ("NWBK", "BARC", "LOYD", "HBUK", "MIDL", "SRLG")

LETTINGS = (
    "Harrison & Cole Lettings",
    "Kelly Ward Estates",
    "Martin Reeves Property",
    "Grace & Lane Residential",
    "Hall and Dean Lettings",
)
NURSERIES = ("Little Acorns Nursery", "Rainbow Tots Day Nursery", "St Mary's Pre-School")
SCHOOLS = (
    "Grace Lane Primary School",
    "St Bede's Catholic College",
    "Ysgol Gynradd Llanrug",
    "Park View Academy",
    "Victoria Park Primary",
    "Sgoil MhicNeacail",
)
SURGERIES = (
    "Florence Road Surgery",
    "Hope Family Practice",
    "The Kirkgate Medical Centre",
    "Meddygfa Llanrug",
    "Ormeau Park Surgery",
    "St Luke's Health Centre",
)
HOSPITALS = (
    "St James's University Hospital",
    "Ysbyty Gwynedd",
    "Queen Elizabeth Hospital",
    "Western Isles Hospital",
    "the Royal Infirmary",
    "Mater Hospital",
)
VENUES = (
    "St Anne's parish hall",
    "Hope House",
    "the Grace Lane Centre",
    "Rose Hill Community Room",
    "St Aidan's church hall",
    "Victoria Hall",
    "the Albert Institute",
)

LANGUAGES = (
    "Dari",
    "Pashto",
    "Kurmanji",
    "Sorani",
    "Tigrinya",
    "Amharic",
    "Sylheti",
    "Bengali",
    "Urdu",
    "Polish",
    "Romanian",
    "Vietnamese",
    "Cantonese",
    "Somali",
    "Welsh",
    "Gaelic",
    "Yoruba",
    "Turkish",
    "Arabic",
    "Lithuanian",
    "Twi",
    "Punjabi",
    "Gujarati",
)
PLACES_ABROAD = (
    "Sylhet",
    "Mirpur",
    "Asmara",
    "Mogadishu",
    "Erbil",
    "Kraków",
    "Iași",
    "Hanoi",
    "Lagos",
    "Enugu",
    "Kumasi",
    "Kingston",
    "Aleppo",
    "Herat",
    "Vilnius",
    "Hargeisa",
)

ROLES = (
    "Landlord",
    "Headteacher",
    "Caseworker",
    "Support Worker",
    "Trustee",
    "Treasurer",
    "Safeguarding Lead",
    "Volunteer Coordinator",
    "Health Visitor",
    "Social Worker",
    "Family Support Worker",
    "Outreach Worker",
    "Housing Officer",
    "Advice Worker",
)

# Information about one person's health, religion, ethnicity, sex life or convictions.
CONDITIONS = (
    "COPD",
    "heart failure",
    "Crohn's disease",
    "sickle cell anaemia",
    "HIV",
    "hepatitis C",
    "PTSD",
    "postnatal depression",
    "ADHD",
    "autism",
    "Down's syndrome",
    "learning disability",
    "glaucoma",
    "rheumatoid arthritis",
    "chronic kidney disease",
    "epilepsy",
    "psoriasis",
    "long Covid",
    "type 1 diabetes",
    "lymphoma",
    "prostate cancer",
    "schizophrenia",
    "anorexia",
    "alcohol dependence",
    "early-onset dementia",
    "Alzheimer's",
    "MS",
    "motor neurone disease",
    "cerebral palsy",
    "spina bifida",
    "emphysema",
    "angina",
    "bipolar affective disorder",
    "generalised anxiety disorder",
    "tuberculosis",
    "macular degeneration",
    "Parkinson's disease",
    "osteoarthritis",
    "lupus",
    "stroke",
)
MEDICATIONS = (
    "metformin",
    "amlodipine",
    "quetiapine",
    "olanzapine",
    "levetiracetam",
    "warfarin",
    "buprenorphine",
    "fluoxetine",
    "mirtazapine",
    "insulin",
    "methadone",
    "salbutamol",
    "apixaban",
    "pregabalin",
    "lithium",
    "risperidone",
    "co-codamol",
    "ramipril",
)
DISABILITIES = (
    "wheelchair user",
    "registered blind",
    "profoundly deaf",
    "uses a hoist",
    "hearing aids",
    "uses a walking frame",
    "partially sighted",
    "BSL user",
)
RELIGIONS = (
    "Muslim",
    "Hindu",
    "Sikh",
    "Jehovah's Witness",
    "Roman Catholic",
    "Eritrean Orthodox",
    "Jewish",
    "Buddhist",
    "Pentecostal",
    "Methodist",
)
ETHNICITIES = (
    "Black Caribbean",
    "Black African",
    "White Irish",
    "Gypsy or Irish Traveller",
    "Bangladeshi",
    "Pakistani",
    "White Other",
    "Mixed White and Black Caribbean",
    "Chinese",
    "Kurdish",
    "Arab",
    "Roma",
)
SEXUALITY = ("gay", "lesbian", "bisexual", "transgender", "trans man", "trans woman")
CONVICTIONS = ("criminal record", "on probation", "a spent conviction", "served a prison sentence")

SAFEGUARDING = (
    "neglect",
    "physical abuse",
    "sexual abuse",
    "emotional abuse",
    "domestic abuse",
    "domestic violence",
    "child protection plan",
    "child in need plan",
    "at risk of harm",
    "criminal exploitation",
    "county lines",
    "sexual exploitation",
    "self-harm",
    "suicidal thoughts",
    "financial abuse",
    "coercive control",
    "modern slavery",
    "FGM",
    "forced marriage",
    "missing from home",
    "non-accidental injury",
    "cuckooing",
)

LANDLORD_WORDS = ("landlord", "letting agent", "managing agent")
