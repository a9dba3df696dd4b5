"""Street addresses in the forms issue 17's second round of dev documents holds: one table per
family of rules (rules/recognizers.yaml ``address`` and ``uk_street_address``)."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mon 09:15  Ivy  4 Elm Cl., Rothwell  -> clinic", "4 Elm Cl., Rothwell"),
        ("pick up at 3 Hollin Rd., Shipley at ten", "3 Hollin Rd., Shipley"),
        ("Stan, 88 Oak Wy, Pudsey", "88 Oak Wy, Pudsey"),
        (
            "Ryan McBride - 0/1, 233 Paisley Road West, Glasgow",
            "0/1, 233 Paisley Road West, Glasgow",
        ),
    ],
)
def test_abbreviated_and_directional_streets(found, text, value):
    """A street type cut short, with its full stop before the town's comma ("Rd., Shipley"),
    "Wy", and a street named with a direction after its type ("Paisley Road West")."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Morag - 2F1, 14 Montgomery Street, Edinburgh", "2F1, 14 Montgomery Street, Edinburgh"),
        (
            "Ewan - Top Flat Left, 9 Rose Street, Dunfermline",
            "Top Flat Left, 9 Rose Street, Dunfermline",
        ),
        (
            "Bridget - Pitch 12, Bickershaw Lane, Wigan",
            "Pitch 12, Bickershaw Lane, Wigan",
        ),
        ("Margaret - Caravan 7, Riverside Park, Appleby", "Caravan 7, Riverside Park, Appleby"),
        ("Peigi Caimbeul, Croit 17, Siabost", "Croit 17, Siabost"),
    ],
)
def test_flats_pitches_and_crofts_before_the_street(found, text, value):
    """Edinburgh's floor and door ("2F1"), a flat by its floor and side, a Traveller site's
    pitch, a caravan and a Gaelic croft are part of the address."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Margaret Cassidy, 5 Glen Park, Coleraine, Co. Londonderry",
            "5 Glen Park, Coleraine, Co. Londonderry",
        ),
        ("Gareth Williams, 7 Stryd Fawr, Y Bala", "7 Stryd Fawr, Y Bala"),
        (
            "Iain MacAulay, Taigh a' Bhàird, Ceann a' Bhàigh, Na Hearadh",
            "Taigh a' Bhàird, Ceann a' Bhàigh, Na Hearadh",
        ),
        (
            "Dafydd, Bwthyn Rhosyn, Ffordd yr Eglwys, Llanbedrog",
            "Bwthyn Rhosyn, Ffordd yr Eglwys, Llanbedrog",
        ),
        ("Mair Evans, Llys Helyg, Lôn Isaf, Morfa Nefyn", "Llys Helyg, Lôn Isaf, Morfa Nefyn"),
    ],
)
def test_counties_and_welsh_and_gaelic_towns(found, text, value):
    """A county written "Co.", a Welsh town with its article ("Y Bala"), Gaelic places with
    "a'" inside them, and Welsh houses named "Bwthyn" or "Llys" before a Welsh street."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "3. Miss Pike, The Old Post Office, Main Street, Kirkby Malzeard, Ripon",
            "The Old Post Office, Main Street, Kirkby Malzeard, Ripon",
        ),
        ("Douglas Mair, Braeside, Station Road, Insch", "Braeside, Station Road, Insch"),
        (
            "were at the old vicarage, church lane, marple all week",
            "the old vicarage, church lane, marple",
        ),
        ("Noreen Hamill, Tamnamore, Moy, Dungannon BT71 6HS", "Tamnamore, Moy, Dungannon"),
        ("She lives in the townland of Drumgose, Dungannon; no sign.", "Drumgose, Dungannon"),
    ],
)
def test_houses_and_farms_with_no_number(found, text, value):
    """A house that was once a post office or a vicarage, a house named in one word before
    its street, and a farm's townland after a person's name or "townland of"."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Street: 14 Ash Grove\nTown: Hulme", "14 Ash Grove\nTown: Hulme"),
        (
            "Name: Stuart Bell\nHouse number/name: Holly Lodge\nStreet: Kiln Lane\nTown: Brigg",
            "Holly Lodge\nStreet: Kiln Lane\nTown: Brigg",
        ),
        (
            "Street Address: Bryn Teg\nStreet Address Line 2: Llanddaniel Fab\n"
            "State / Province: Anglesey",
            "Bryn Teg\nStreet Address Line 2: Llanddaniel Fab\nState / Province: Anglesey",
        ),
        (
            "| First name | House name or number | Address |\n|---|---|---|\n"
            "| Kenneth | 3a | Holyhead Rd, Bangor |",
            "3a | Holyhead Rd, Bangor",
        ),
        (
            '"Platt","Joan","4 Birch Close","Headingley","Leeds"',
            '4 Birch Close","Headingley","Leeds',
        ),
    ],
)
def test_an_address_set_out_in_fields_and_cells(found, text, value):
    """A web form's fields (a house named in "House number/name", "Street Address Line 2",
    "State / Province"), a house number's cell beside an address column, and the next cells
    of a quoted CSV row are one address; a form's next label is never its town."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "12 Sràid a' Chaisteil, Steòrnabhagh\nIain MacAulay, Taigh a' Bhàird, Ceann a' Bhàigh",
            "12 Sràid a' Chaisteil, Steòrnabhagh",
        ),
        ("Megan Rowlands, Church Lane, Upton LS8 4EX", "Church Lane, Upton"),
    ],
)
def test_a_person_is_not_read_as_a_place(found, text, value):
    """A list's next line that starts with a person's name is not the town of the address
    above it, and a surname ending like a house's name is no house."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Post for the charity goes to PO Box 301, Kendal LA9 4XX.",
        "Sponsored 5 Mile Walk: Sunday 10 May.",
        "Thank you to everyone who helped at the 2025 Summer Fair on Town Moor.",
        "The trust's office is at 10 Moy Road, Dungannon - no client post there.",
        "The shop is at 22 Market Street, Colne, and is open daily.",
        "| Ref | Name | Current address | Household | Band |\n|---|---|---|---|---|\n| H-1 | | |",
    ],
)
def test_boxes_walks_years_and_workplaces_are_no_home(found, text):
    """A post office box, a distance, a year before a street, an office or a shop, and a
    table's next header after "Current address" are not a person's address."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("its 14 park view leeds thanks", "14 park view leeds"),
        (
            "hi could u post it to rose cottage, mill lane, otley ta",
            "rose cottage, mill lane, otley",
        ),
        ("MRS E DRAKE, ROSE COTTAGE, MILL LANE, BURLEY", "ROSE COTTAGE, MILL LANE, BURLEY"),
        ("Sue: then 2 the paddock, drighlington for joan", "2 the paddock, drighlington"),
        ("Sue: last one 11a whitehall rd east, birkenshaw", "11a whitehall rd east, birkenshaw"),
    ],
)
def test_lower_case_and_capitals(found, text, value):
    """A text's "its" before an address, a named house and its street with no number in lower
    case or in capitals, and a lower-case address's town whatever is written before it."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Ada Obi;14 Mill Lane;Otley;LS21 1AB", "14 Mill Lane;Otley"),
        ("Brian Tait;5 Ashgrove;Ilkley;LS29 9BB", "5 Ashgrove;Ilkley"),
        ("Elin Jones, 2 Ty'n y Coed, Bangor", "2 Ty'n y Coed, Bangor"),
        ("Owain Hughes, 1 Bryn Eglwys, Llanrug", "1 Bryn Eglwys, Llanrug"),
        (
            "Flat\tBuilding\tNo\tStreet\tTown\n2b\t\t17\tDodworth Road\tBarnsley\n",
            "2b\t\t17\tDodworth Road\tBarnsley",
        ),
        (
            "Flat\tBuilding\tStreet\tTown\n4\tClarence Court\tRegent Street\tBarnsley\n",
            "4\tClarence Court\tRegent Street\tBarnsley",
        ),
    ],
)
def test_one_word_and_welsh_streets_and_split_columns(found, text, value):
    """A one-word street ("Ashgrove") and its town after a semicolon, Welsh streets named
    "Ty'n y" and a house-named street's number, and a street's cell under "Street" with the
    flat, building and number cells before it and the town's after it."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Pauline Exley, The Coach House, Low Lane, Horsforth",
            "The Coach House, Low Lane, Horsforth",
        ),
        ("Gerald Moss, Meadow View, Back Lane, Rawdon", "Meadow View, Back Lane, Rawdon"),
        ("Asha Mistry, The Laurels, Church Road, Yeadon", "The Laurels, Church Road, Yeadon"),
        ("Colin Wade, 14 Forest Ride, Bramhope", "14 Forest Ride, Bramhope"),
        ("Stewart Bain, 9 Braehead Neuk, Perth", "9 Braehead Neuk, Perth"),
        ("Ann Lowe, 7 The Oval, Cookridge", "7 The Oval, Cookridge"),
        ("Rita Shaw, 14 Queens Cr, Otley", "14 Queens Cr, Otley"),
        ("Joy Pearson, Apartment 3, Regency Hse, Ilkley", "Apartment 3, Regency Hse, Ilkley"),
    ],
)
def test_named_houses_and_rarer_street_words(found, text, value):
    """A house named "The ..." or "... View" before its street, and the rarer street words
    and abbreviations (Ride, Link, Neuk, Pend, The Oval, Cr, Wlk, Hse)."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tea is at Hope House, Victoria Road, on Thursday.",
        "The walking group restarts on 2 October. Walks start at ten.",
    ],
)
def test_a_venue_named_house_and_a_date_are_no_home(found, text):
    """A venue named "... House" before its street with no number, and a date before a
    capitalised word that is a street's, are not an address."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("im staying at my nans 14 park view for now", "14 park view"),
        ("new addy 7 kings court leeds", "7 kings court leeds"),
        ("@ 22 moss green now til the weekend", "22 moss green"),
        ("tell kelly im at my mates 5 ash rise if she needs me", "5 ash rise"),
    ],
)
def test_a_texts_cues_before_a_lower_case_street(found, text, value):
    """In a text, "my nans", "my mates", "addy" and "@" before a house number say an address
    follows, as "at" does, so a street named with an ordinary word is one ("park view")."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (
            "Address line 1: 14 Grange Park Drive\nPostcode: BD16 1QT\nTown: Bingley\n"
            "County: West Yorkshire",
            {"14 Grange Park Drive", "Bingley", "West Yorkshire"},
        ),
        (
            "Address: 9 Ferncliffe Road\nPhone: 07700 900247\nTown: Keighley",
            {"9 Ferncliffe Road", "Keighley"},
        ),
        (
            "Name,Address,Postcode,Town,County\nAda Obi,14 Mill Lane,LS21 1AB,Otley,West Yorkshire",
            {"14 Mill Lane", "Otley", "West Yorkshire"},
        ),
        (
            "Address Line 1\n27 Moorfield Avenue\nAddress Line 2\nMenston\nTown\nIlkley\nPostcode",
            {"27 Moorfield Avenue", "Menston", "Ilkley"},
        ),
    ],
)
def test_a_town_set_apart_from_its_address(found, text, values):
    """A form's "Town:" or "County:" with other fields between it and the address, a cell
    under "Town" after the postcode's cell, and a form's labels above their values are parts
    of the address above or beside them."""
    assert {v for t, v in found(text) if t == "STREET_ADDRESS"} >= values, found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Location: our shop. Town: Keighley. Hours: 16 a week.",
        "Town: Leeds\nSalary: £24,000",
    ],
)
def test_a_town_alone_is_no_address(found, text):
    """A town's field with no address near it is not an address."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


def test_an_empty_field_takes_no_value_from_the_next(found):
    """An empty "County:" has no value: the next field's line ("Postcode: ...") is not read as
    the county of the address above it."""
    text = (
        "Address line 1: 112 Manchester Road\nTown/City: Huddersfield\nCounty:\nPostcode: HD1 3HS"
    )
    addresses = {v for t, v in found(text) if t == "STREET_ADDRESS"}
    assert not any("Postcode" in v for v in addresses), addresses
