"""Street address lines."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Lives at 14 Acacia Avenue, Leeds", "14 Acacia Avenue, Leeds"),
        ("Flat 2, 14 Acacia Avenue, Leeds", "Flat 2, 14 Acacia Avenue, Leeds"),
        ("Address: 27b Mill Lane", "27b Mill Lane"),
        ("Rose Cottage, Church Street, Ely", "Rose Cottage, Church Street, Ely"),
        ("she's at 14 mill lane now", "14 mill lane"),
        ("Visit 3 Lower Hillside Road tomorrow", "3 Lower Hillside Road"),
    ],
)
def test_street_lines_are_found(found, text, value):
    """A house number or name with a street, capitalised or typed in lower case, and the
    town after it (issue 17: an address is one span up to the town)."""
    assert ("STREET_ADDRESS", value) in found(text)


@pytest.mark.parametrize(
    "text",
    ["It is a 10 minute walk from the station.", "the shop on Mill Lane", "5 miles drive away"],
)
def test_street_names_without_a_house_are_not_addresses(found, text):
    """A street mentioned without a house, and distances, are not an address."""
    assert "STREET_ADDRESS" not in types_of(found(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Flat 22, Brunel House, 80 Cable Street, London E1 8JA",
            "Flat 22, Brunel House, 80 Cable Street, London",
        ),
        (
            "Flat 22 Orchard House, 3 Mersey Way, Bootle",
            "Flat 22 Orchard House, 3 Mersey Way, Bootle",
        ),
        (
            "> She lives at 14 Acacia Avenue,\n> Roundhay, Leeds",
            "14 Acacia Avenue,\n> Roundhay, Leeds",
        ),
        ("14 Acacia Avenue\nRoundhay\nLeeds\nLS8 4HQ", "14 Acacia Avenue\nRoundhay\nLeeds"),
        ("Moved to 3 Mill Lane, Newcastle upon Tyne, last May", "3 Mill Lane, Newcastle upon Tyne"),
    ],
)
def test_an_address_is_one_span_from_flat_to_town(found, text, value):
    """Flat, building, number, street, locality and town are one finding; the postcode and
    what follows the address (a phone label, a date) are not part of it."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


def test_a_year_before_a_place_is_not_a_house_number(found):
    """'2025, Rose Hill' is a year and a place, not an address."""
    assert "STREET_ADDRESS" not in types_of(found("Established 2025, Rose Hill garden opened."))


@pytest.mark.parametrize(
    "text", ["In 2023-24, Wearside families were helped.", "our 2019/20, Moorside figures"]
)
def test_a_financial_year_before_a_place_is_not_a_house_number(found, text):
    """'2023-24, Wearside' is a year range, not a house numbered 24."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


@pytest.mark.parametrize(
    "text",
    [
        # Apple Mail's, iOS's, a French client's and Gmail's reply headers
        "On 2 Dec 2026, at 16:12, Sam Green <sam.green@example.org> wrote:\n> Hello",
        "Thanks\n\n> On 2 Dec 2026, at 16:12, Priya Hill wrote:\n>\n> Hello",
        "Le 2 déc. 2026 à 16:12, Sam Green <sam.green@example.org> a écrit :",
        "On Wed, 2 Dec 2026 at 16:12, Tom Lane <tom.lane@example.net> wrote:",
        "On Wed, Dec 2, 2026 at 4:12 PM Sam Green <sam.green@example.org> wrote:",
        "Doors 10.15, Green Room at 11.45, Park Lane Suite",
        "Call ended 16:12:05, Mary Green rang back",
    ],
)
def test_a_times_minutes_are_no_house_number(found, text):
    """'at 16:12, Sam Green' is a time and a name (a reply's header), not a house numbered
    12 on a street called Sam Green."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


def test_an_address_after_a_time_is_still_found(found):
    assert ("STREET_ADDRESS", "14 Mill Lane, Leeds") in found("At 16:12, 14 Mill Lane, Leeds")


def test_a_range_of_house_numbers_is_still_one_address(found):
    assert ("STREET_ADDRESS", "1990-92 Long Lane, Leeds") in found("At 1990-92 Long Lane, Leeds")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("flat 2, 9 birchfields rd, manchester", "flat 2, 9 birchfields rd, manchester"),
        ("address: 12 acacia avenue, leeds", "12 acacia avenue, leeds"),
        ("2 Tan y Bryn, Llanrug", "2 Tan y Bryn, Llanrug"),
        ("She moved to 4 Heol y Felin, Aberdâr.", "4 Heol y Felin, Aberdâr"),
        ("23 Sráid an Teampaill, Gaillimh", "23 Sráid an Teampaill, Gaillimh"),
        ("14 Rathad na Mara, Steòrnabhagh", "14 Rathad na Mara, Steòrnabhagh"),
        ("> She lives at 14 Mill\n> Lane, Leeds", "14 Mill\n> Lane, Leeds"),
        ("Flat 3, Brunel House, London", "Flat 3, Brunel House, London"),
        ("Flat 4b Jubilee Court, Leeds LS9 7LR", "Flat 4b Jubilee Court, Leeds"),
        ("Rose Cottage, Llanfair", "Rose Cottage, Llanfair"),
        ("She lives at Ty Newydd, Llanrug, Caernarfon LL55 4AA.", "Ty Newydd, Llanrug, Caernarfon"),
        (
            "Address: The Old Rectory, Little Snoring, Norfolk NR21 0AA",
            "The Old Rectory, Little Snoring, Norfolk",
        ),
        ("Home address\tThe Old Rectory, Little Snoring", "The Old Rectory, Little Snoring"),
        (
            'Name,Address,Postcode\nAda Obi,"Flat 3, The Maltings, Leeds",LS8 4EX',
            "Flat 3, The Maltings, Leeds",
        ),
        ("12 Ash Mount, Keighley", "12 Ash Mount, Keighley"),
        (
            "Mrs A Yusuf\nFlat 3\nBrunel House\n80 Cable Street\nLondon\nE1 8JS",
            "Flat 3\nBrunel House\n80 Cable Street\nLondon",
        ),
        ("She lives at 14 Mill Lane Leeds LS8 4EX now.", "14 Mill Lane Leeds"),
        ("4/2 Dumbarton Road, Glasgow G11 6PA", "4/2 Dumbarton Road, Glasgow"),
        ("Flat 6/2, 120 Great Western Road, Glasgow", "Flat 6/2, 120 Great Western Road, Glasgow"),
        ("Previous addresses: 12 Old Road, Leeds (2019-2022)", "12 Old Road, Leeds"),
        (
            'Name,Address (inc. postcode)\nAda Obi,"Tŷ Gwyn, Llanrug LL55 4AA"',
            "Tŷ Gwyn, Llanrug",
        ),
        ("her address is Ty Newydd, Llanrug.", "Ty Newydd, Llanrug"),
        ("im at 5 st mary's rd, leeds", "5 st mary's rd, leeds"),
        ("moved to flat 2 jubilee court last wk", "flat 2 jubilee court"),
        ("14 MILL LANE, LEEDS LS8 4EX", "14 MILL LANE, LEEDS"),
        ("3 Moorside, Keighley", "3 Moorside, Keighley"),
        ("14 Tan Lan, Llanrug LL55 4AA", "14 Tan Lan, Llanrug"),
        ("Mrs A Yusuf\nFlat 3\n14 Tan Lan\nLlanrug\nLL55 4AA", "Flat 3\n14 Tan Lan\nLlanrug"),
        ("Send it to 12 Moor Allerton, Leeds LS17 6AA please.", "12 Moor Allerton, Leeds"),
        # A covering note's or an envelope's "To:" or "FAO" before the name line.
        (
            "To: Mr K Boateng\nApartment 12\nLister Court\nManningham Lane\nBradford",
            "Apartment 12\nLister Court\nManningham Lane\nBradford",
        ),
        ("THE OLD BAKERY, HIGH ST, HAWORTH", "THE OLD BAKERY, HIGH ST, HAWORTH"),
        # A paragraph wrapped at a fixed width, as mail clients send it.
        (
            "Hi Sue, just to let you know that Mrs Okafor has now moved and lives at 14 Mill\n"
            "Lane, Roundhay, Leeds with her two children.",
            "14 Mill\nLane, Roundhay, Leeds",
        ),
        (
            "The family were visited at home, Flat 22, Brunel House, 80 Cable\n"
            "Street, London, on Tuesday.",
            "Flat 22, Brunel House, 80 Cable\nStreet, London",
        ),
        # A flat at the end of the quoted line above its street.
        (
            "> hi send it to my friend address flat 2,\n>> 9 birchfields rd, harehills",
            "flat 2,\n>> 9 birchfields rd, harehills",
        ),
        # The flat's, the house's or the tenement's cell before the building or street.
        (
            "Ref\tClient\tFlat/Unit\tBuilding\tStreet\tTown\n"
            "TS-101\tLeanne Holt\tFlat 3\tAlbion Mill\tCanal Road\tShipley\n",
            "Flat 3\tAlbion Mill\tCanal Road\tShipley",
        ),
        (
            "Ref\tClient\tFlat/Unit\tBuilding\tStreet\tTown\n"
            "TS-104\tCallum Reid\t2/1\t40\tDumbarton Road\tGlasgow\n",
            "2/1\t40\tDumbarton Road\tGlasgow",
        ),
    ],
)
def test_addresses_in_every_shape_are_one_span(found, text, value):
    """Lower case, Welsh, Gaelic and Irish street words, a line broken by quoting, a flat in a
    named building with no street, a named house with its village, and whatever follows an
    address label or sits under an address column: one span, up to the postcode."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Email address: ada@example.org\nAddress: N/A\nAddress: see above",
        "Address history – last 5 years, no gaps:",
        "Jas (nephew, lives at same address, approx. 35)",
        "Group moved to Weds 1.30, Room 2.",
        "2 Red Cross volunteers came to 3 family court hearings.",
        "Address:          refuge – DO NOT RECORD.",
        "We need 2 more staff next to the 3 big car parks.",
        "Deliver to: Unit 4, 12 Riverside Trading Estate, Leeds",
        "Supplier: Unit 7, 3 Kirkstall Business Park Road, Leeds",
        "Invoice 2025 Totals LS1 1AA",
        "Riverside Carers' Centre, Leeds LS1 1AA",
    ],
)
def test_labels_and_numbers_that_hold_no_address(found, text):
    """An address label with no address after it, and numbers before ordinary words, are not
    addresses."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3rd Floor, 120 Soho Road, Birmingham", "3rd Floor, 120 Soho Road, Birmingham"),
        ("Plot 17, Meadow Rise, Mottram", "Plot 17, Meadow Rise, Mottram"),
        ("Croft 4, Achmore, Isle of Lewis", "Croft 4, Achmore, Isle of Lewis"),
        ("Agnes lives at 0/2 24 Kelbourne St", "0/2 24 Kelbourne St"),
        ("refused 14-16 Stockport Rd, Levenshulme on 3 Sept", "14-16 Stockport Rd, Levenshulme"),
        (
            "staying at 16 Cardigan Terr, Wakefield but has to leave",
            "16 Cardigan Terr, Wakefield",
        ),
        ("collect 23 Laburnum Gr, Shipley -> eye clinic", "23 Laburnum Gr, Shipley"),
        ("shes at 22b oxford st batley till friday", "22b oxford st batley"),
        ("apartment 12, 3 wellington pl, leeds", "apartment 12, 3 wellington pl, leeds"),
        (
            "> He lives at Flat 2, Harbour View,\n> 11 Shore Rd, Portaferry",
            "Flat 2, Harbour View,\n> 11 Shore Rd, Portaferry",
        ),
        (
            "Name\tAddress 1\tAddress 2\tTown\tPostcode\n"
            "Ada Obi\tFlat 3\tElm Tree Court\tChorley\tPR7 2SU",
            "Flat 3\tElm Tree Court\tChorley",
        ),
        ("Name\tAddress\nAda Obi\tHill Top Farm", "Hill Top Farm"),
        (
            "Name\tClient address\tPostcode\nAda Obi\t2 Tan Lan, Llanrug\tLL55 4AA",
            "2 Tan Lan, Llanrug",
        ),
        (
            "House name or number: 2\nStreet: Maes yr Ysgol\nTown: Llanberis",
            "2\nStreet: Maes yr Ysgol\nTown: Llanberis",
        ),
        (
            "Mrs B Holroyd\nThe Bungalow\nSchool Lane\nHorsforth\nLS18 5QT",
            "The Bungalow\nSchool Lane\nHorsforth",
        ),
        ("their home at 7 Sráid na hAbhann, Derry", "7 Sráid na hAbhann, Derry"),
        ("at 11 Eastfield, Hull", "11 Eastfield, Hull"),
        ("2 Maes-y-Deri, Aberaeron", "2 Maes-y-Deri, Aberaeron"),
        ("Bloc 3, Fflat 2, Heol y Castell, Caerdydd", "Bloc 3, Fflat 2, Heol y Castell, Caerdydd"),
        ("Lived at 6 Heol Tir Du, Cwmavon until 2021", "6 Heol Tir Du, Cwmavon"),
        (
            "Block C, Flat 14, Lupset Heights, Horbury Road, Wakefield. Keys Monday.",
            "Block C, Flat 14, Lupset Heights, Horbury Road, Wakefield",
        ),
    ],
)
def test_more_shapes_of_one_address_are_one_span(found, text, value):
    """A floor, plot, croft or tenement flat, a range of numbers, a town before the sentence
    goes on, pieces broken by a reply's quoting, the next cells or form lines of the same
    address, a house-named letter block, and Welsh and Irish streets: one span."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("collect Mrs Doreen Kaye, 23 Laburnum Gr, Shipley", "23 Laburnum Gr, Shipley"),
        ("it's mrs chen at 12 Linden Court, Harold at the bungalows", "12 Linden Court"),
        ("Moved to 3 Priory Cl, Pontefract. Tomasz rang.", "3 Priory Cl, Pontefract"),
    ],
)
def test_a_name_beside_an_address_is_not_part_of_it(found, text, value):
    """A person's name before an address is no building, and one after it no town."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Meals: Mrs Green - 4 Orchard Way; Mr Hall - 22 Elm Road", "4 Orchard Way"),
        ("Meals: Mrs Green - 4 Orchard Way; Mr Hall - 22 Elm Road", "22 Elm Road"),
    ],
)
def test_a_lists_next_person_is_no_town_after_an_address(found, text, value):
    """After a semicolon, a title starts the next item of a list, not a locality."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Minutes, Room 2, Rose Hill Community Centre",
        "thanks to the staff at 60 Park Row offices",
        "Deliver to: Kitchen, Community Hall, Station Road, Ossett",
        "Name\tAddress 1\tAddress 2\tTown",
        "Name\tEmail address\nAda\tada@example.org, ada2@example.org",
        "Places cost £95 per place.",
        "2 Red Cross volunteers came",
    ],
)
def test_places_that_are_no_home_are_not_addresses(found, text):
    """A street named in a community centre's or an office's name, a hall with no house
    number, a header row and prices are not addresses."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mrs Obi, Brunel House, London E1 8JA", "Brunel House, London"),
        (
            "Rose Cottage, Mill Lane, Hebden Bridge HX7 8AD",
            "Rose Cottage, Mill Lane, Hebden Bridge",
        ),
        ("She lives at 4 Acacia, Leeds. Her son lives at 9 Birch, Bradford.", "9 Birch, Bradford"),
        ("moved to 14 Acacia, Leeds last year", "14 Acacia, Leeds"),
        ("They live at Lochside, Kilchoan, Acharacle PH36 4LH.", "Lochside, Kilchoan, Acharacle"),
        ("I live at Bryn Teg, Llanberis.", "Bryn Teg, Llanberis"),
        # "lives in" a building or a flat is a home; "lives in Leeds" is a town.
        ("She lives in Brunel House, Stepney.", "Brunel House, Stepney"),
        ("She lives in flat 3, Kestrel Court.", "flat 3, Kestrel Court"),
        ("Lives at Brunel House", "Brunel House"),
        # A flat's number and its building, with no house number.
        ("22 Brunel House, Cable Street, London", "22 Brunel House, Cable Street, London"),
        ("22 Brunel House, London", "22 Brunel House, London"),
        ("Flat 2/R, 14 Craigie Street, Dundee", "Flat 2/R, 14 Craigie Street, Dundee"),
        ("im at number 4 moor view", "number 4 moor view"),
        # Texts in lower case: "the address is", "round", and rarer street words after a cue.
        ("the address is 7 chapel fold, wortley", "7 chapel fold, wortley"),
        ("popped round 14 park view to see her", "14 park view"),
        ("its 2 station cottages", "2 station cottages"),
        # Addresses abroad, as casework and emergency contacts write them.
        ("Mother: ul. Długa 5/3, Gdańsk, Poland.", "ul. Długa 5/3, Gdańsk, Poland"),
        ("Grandmother: Str. Lipscani nr. 12, Bucharest", "Str. Lipscani nr. 12, Bucharest"),
        ("Brother: Calle Mayor 12, Madrid", "Calle Mayor 12, Madrid"),
        ("Sister: 12 rue de la Paix, Paris", "12 rue de la Paix, Paris"),
        ("Uncle: Hauptstraße 5, Berlin", "Hauptstraße 5, Berlin"),
        ("Parents: Gazi Mahallesi 14 Sokak No 3, Ankara", "Gazi Mahallesi 14 Sokak No 3, Ankara"),
        ("Home: House 12, Street 5, Karte Char, Kabul", "House 12, Street 5, Karte Char, Kabul"),
        ("shes at 14 park view, wakefield", "14 park view, wakefield"),
        ("address: 5 kings ct", "5 kings ct"),
        ("can u drop it to 7 tan y bryn llanrug", "7 tan y bryn llanrug"),
        ("7 heol y felin, aberdare", "7 heol y felin, aberdare"),
        ("ring her at home 12 the crescent", "12 the crescent"),
        ("12 The Crescent, Bath", "12 The Crescent, Bath"),
        ("Willow Barn, Wortley", "Willow Barn, Wortley"),
        ("The Old Forge, Kirkby Malzeard, Ripon", "The Old Forge, Kirkby Malzeard, Ripon"),
        ("im at 14 moorside, leeds ls8 4ex now", "14 moorside, leeds"),
        ("Ms Kowalska,\n14 Mill Lane,\nLeeds,\nLS8 4EX", "14 Mill Lane,\nLeeds"),
        (
            "14 Acacia Avenue\r\nRoundhay\r\nLeeds\r\nLS8 4HQ",
            "14 Acacia Avenue\r\nRoundhay\r\nLeeds",
        ),
    ],
)
def test_addresses_found_by_their_postcode_or_a_move(found, text, value):
    """A building before a postcode with no house number, every "lives at" of a paragraph,
    a house number after a move, lower-case street words where an address is expected, and
    a letter's lines ended by CRLF: one span each."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "moved to Leeds, last year",
        "we met at 2 car park",
        "back in 3 weeks time",
        "we need 2 the green ones",
        "ref 12 for LS8 4EX",
        "we have 12 boxes to send ls8 4ex",
    ],
)
def test_a_town_or_a_count_after_a_cue_is_not_an_address(found, text):
    """A move to a town, and numbers before ordinary words after "at" or "in", are not
    addresses."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # An address label alone on its line, the address on the lines below.
        (
            "Client name: Joanne Sutcliffe\nAddress:\nFlat 5\nCalder House\nWakefield Road\n"
            "Dewsbury\nWF12 8AB\nAdults: 1",
            "Flat 5\nCalder House\nWakefield Road\nDewsbury",
        ),
        (
            "Home address\nWoodlands\nIngs Lane\nThornhill\n\nAdults: 1",
            "Woodlands\nIngs Lane\nThornhill",
        ),
        # A letter's block under a title and a name, with no postcode and no house number.
        (
            "Mrs Winifred Eastwood\nRose Cottage\nBack Lane\nClayton West\nHuddersfield\n\nDear",
            "Rose Cottage\nBack Lane\nClayton West\nHuddersfield",
        ),
        (
            "Mr Harold Briggs\nLower Barn Farm\nHatton\nWarwick\n\nDear",
            "Lower Barn Farm\nHatton\nWarwick",
        ),
        # A street named after a church or a school is a street, not an organisation.
        (
            "Mr Idris Rowlands\nBryn Teg\nChapel Street\nLlanfair\n\nDear",
            "Bryn Teg\nChapel Street\nLlanfair",
        ),
        # A Glasgow tenement's flat on the line above, and a flat with its building above a
        # quoted line.
        ("Ms Oonagh Kerr\n2/1\n14 Byres Road\nGlasgow\nG11 5JY", "2/1\n14 Byres Road\nGlasgow"),
        (
            ">> Home address:\n>> Flat 14, Weaver's Court,\n>> 2 Bridge Street, Sowerby Bridge",
            "Flat 14, Weaver's Court,\n>> 2 Bridge Street, Sowerby Bridge",
        ),
        # A street's name with little words in it, and street words seen less often.
        ("Address line 1: 14 Duke of York Avenue", "14 Duke of York Avenue"),
        ("She lives at 27 Prince of Wales Road now.", "27 Prince of Wales Road"),
        ("her friend at 12 Avon Mall, Warwick drives", "12 Avon Mall, Warwick"),
        ("visit 3A Glenview Manor, Lisburn on Monday", "3A Glenview Manor, Lisburn"),
        ("visit 12 Sycamore Lawn, Lisburn on Monday", "12 Sycamore Lawn, Lisburn"),
        ("Void at 9 The Vennel, Brechin from March", "9 The Vennel, Brechin"),
        # A flat and a house number, whatever the street's name.
        (
            "temporary accommodation at Flat 3/2 88 Hilltown, Dundee.",
            "Flat 3/2 88 Hilltown, Dundee",
        ),
        # In capitals: every street word, and Welsh streets.
        ("NEW ADDRESS 14 MEADOW BRAE, DUNDEE", "14 MEADOW BRAE, DUNDEE"),
        ("SEND TO 2 MAES YR HAF, LLANELLI", "2 MAES YR HAF, LLANELLI"),
        # A flat in a named building, the word "flat" in lower case.
        (
            "Dad: flat 7, Beech House, Harehills Lane, Leeds",
            "flat 7, Beech House, Harehills Lane, Leeds",
        ),
        (
            "Flat 41, Weavers Ct, Bridge St, Sowerby Bridge",
            "Flat 41, Weavers Ct, Bridge St, Sowerby Bridge",
        ),
        # A house's number in its own column, the street and town in the next ones.
        (
            "Client\tHouse no\tStreet\tTown\tPostcode\n"
            "Beryl Atkinson\t12\tSycamore Lawn\tLisburn\tBT28 2QA",
            "12\tSycamore Lawn\tLisburn",
        ),
        (
            "Client\tHouse no\tStreet\tTown\nAgnes McCann\tHollybank\tBallynahinch Road\tDromore",
            "Hollybank\tBallynahinch Road\tDromore",
        ),
        # Above or before a postcode, a street and a house's name with no house number; a
        # person's name before the street is not part of it.
        (
            "Megan Rowlands\nWoodlands\nPentre Lane\nLlanfair\nSY21 0BQ",
            "Woodlands\nPentre Lane\nLlanfair",
        ),
        ("Megan Rowlands\nPentre Lane\nLlanfair\nSY21 0BQ", "Pentre Lane\nLlanfair"),
        ("Woodlands, Church Lane, Upton LS8 4EX", "Woodlands, Church Lane, Upton"),
        ("Megan Rowlands, Church Lane, Upton LS8 4EX", "Church Lane, Upton"),
        (
            "Megan Rowlands\nWoodlands\nPentre Lane\nLlanfair\n\nDear Megan",
            "Woodlands\nPentre Lane\nLlanfair",
        ),
        # Lower case, where an address is expected: a one-word street named like a place,
        # "the" and a street word before its town, and "ct" and "pk".
        ("dropped 2 food bags at 5 moorside for her", "5 moorside"),
        ("not in at 27 oakwood, seacroft - left card", "27 oakwood, seacroft"),
        ("at her mums 3 the green, otley - ok", "3 the green, otley"),
        (
            "old address for mo (4 grange ct), hes at 19 manor pk, guiseley now",
            "19 manor pk, guiseley",
        ),
        ("old address for mo (4 grange ct), hes at 19 manor pk", "4 grange ct"),
        # Half in lower case, a rarer abbreviation, and a town with no comma ending its line.
        ("She lives at 14 Mill lane, Leeds", "14 Mill lane, Leeds"),
        ("14 Mill La, Upton", "14 Mill La, Upton"),
        ("She lives at 14 Mill Lane Upton\nnext week", "14 Mill Lane Upton"),
        ("Address1: 14 Mill Lane, Leeds", "14 Mill Lane, Leeds"),
        # A building with no comma before its number.
        (
            "Flat 22 Brunel House 80 Cable Street, London",
            "Flat 22 Brunel House 80 Cable Street, London",
        ),
        ("14 park view, wakefield", "14 park view, wakefield"),
        ("staying at 14 Moorside till friday", "14 Moorside"),
        # HMRC's Gift Aid schedule: the house's name or number alone, then its postcode.
        (
            "Title,First name,Last name,House name or number,Postcode,Amount\n"
            "Mrs,Margaret,Ackroyd,14,HD8 9AB,25.00",
            "14",
        ),
        (
            "Title,First name,Last name,House name or number,Postcode,Amount\n"
            "Ms,Niamh,Gallagher,Woodlands,HD9 7RS,50.00",
            "Woodlands",
        ),
        (
            "Title,First name,Last name,House name or number,Postcode,Amount\n"
            "Mrs,Dilys,Morgan,Bryn Awel,HD7 5UF,15.00",
            "Bryn Awel",
        ),
    ],
)
def test_addresses_in_forms_the_patterns_missed(found, text, value):
    """An address under a label alone on its line, a letter's block under a name with no
    postcode, a tenement flat or a flat and building on the line above, street names with
    little words or rarer street words, capitals, and a house number in its own column."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Calder Carers Hub, 2nd Floor, 16 Market Street, Huddersfield",
        "Location: Calder Carers Hub, 16 Market Street, Huddersfield (hybrid)",
        "Interviews will be held at St Paul's Church Hall, 12 Northgate, in July.",
        "and from drop-ins at Hope House, 45 Victoria Road.",
        "write to our registered office: 16 Market Street, Huddersfield.",
        "Our craft group has moved to Hope House, Victoria Road.",
        "The Carers' Centre\nThe Old Library, Commercial Street, Brighouse",
        "Dr P Kaur\nMillbrook Medical Practice\n41 Station Road\nNorthfield\nBIRMINGHAM",
        "Post for the centre: PO Box 2217, Halifax.",
        "The lease on our shop at 27 Westgate ends in June.",
        "No\tName\tStreet\n1\tAda Obi\tMill Lane",
        # A list of people under a name with a title is no letter's address block.
        "Present:\nMr A Khan\nMrs B Green\nMs C Hill\n",
        "Mr A Khan\nBeth Green\nCarl Hill\n",
        "Mr John Smith\nChief Executive\nCalder Carers Hub\nMarket Street\n",
        "Hi all\n\nBeth Green\nCarl Hill\nMill Lane\n",
        "2:30  Raffle and close",
        "Community Hall 3 Mill Lane",
        "we sat on 2 village green, and ate",
        "St Anne's Church Hall, 14 Church Street, Upton",
        "Turn left onto Mill Lane after the lights.",
        # A unit whose street names a business site, an office suite, a box's street.
        "Unit 2, Oakworth Road Business Centre, Keighley",
        "Suite 3, 1 Victoria Square, Birmingham B1 1BD",
        "PO Box 77, 12 Market Street, Keighley",
        "Staff live at home and travel in.",
        "She lives in Leeds with her mum.",
        "Two came via Rome 2019 and via Calais.",
    ],
)
def test_an_organisations_or_a_venues_address_is_no_ones_home(found, text):
    """An address after an organisation's name (on its line or the line above), after words
    that make it a venue or a workplace, a named house that is a venue's, and a PO box are not
    a person's address."""
    assert "STREET_ADDRESS" not in types_of(found(text)), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mrs Hall, 2 Mill Lane, Leeds", "2 Mill Lane, Leeds"),
        (
            "Ref\tApplicant\tAddress\nD-221\tPaul Hinchcliffe\tIvy House, 3 Green Lane, Leeds",
            "Ivy House, 3 Green Lane, Leeds",
        ),
        ("c/o her son, Brian Haigh, 6 Owl Lane, Ossett", "6 Owl Lane, Ossett"),
        ("We will meet at her home, 14 Mill Lane, Upton.", "14 Mill Lane, Upton"),
        # Incident and visit notes put a home after the words a venue also has.
        ("Location: 14 Mill Lane, Upton (client's home)", "14 Mill Lane, Upton"),
        ("Venue: 3 Birch Road, Otley", "3 Birch Road, Otley"),
        ("Meet at 27 Oakwood Grove, Leeds at 10.", "27 Oakwood Grove, Leeds"),
        ("Carer based at 9 Ash Close, Ripon", "9 Ash Close, Ripon"),
    ],
)
def test_a_person_or_a_home_before_an_address_keeps_it(found, text, value):
    """A title or a first name before the words makes them a person's, whatever the words
    (Hall), and a home between a venue word and the address keeps it a home."""
    assert ("STREET_ADDRESS", value) in found(text), found(text)
