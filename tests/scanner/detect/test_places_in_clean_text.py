"""Places, venues and table cells of places in clean text (newsletters, adverts, flyers,
tables of venues) are not names; names beside the same structures stay found."""

import pytest


def _names(found, text):
    return {value for entity, value in found(text) if entity == "PERSON"}


@pytest.mark.parametrize(
    "text",
    [
        # The town of a venue's line: a building and a street before it, no house number.
        "Fort William Advice Centre, Cadbury Hall, Princess Road, Machynlleth. Charity no. 1",
        "* Lunch Club: Saturdays at St Hilda's Church, Albert Road, Porthmadog",
        "Location: Cadbury Hall, High Street, Leigh\nAssessed by: Operations Manager",
        "Venue: Emmanuel Centre, Sidney Street, Kings Lynn\nBring a packed lunch.",
        "* Chair Yoga: Fridays at St Hilda's Church, Albert Road, Porthmadog\n* Bingo",
    ],
)
def test_a_town_after_a_street_on_a_venues_line_is_not_a_name(found, text):
    """A town after a street and a comma ends a venue's line: a place, with no house number."""
    assert not _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "Venue\tStreet\tTown\tDay\nBrunel Room\tCowgate\tRedditch\tTuesday\n"
        "Hope House\tAlexandra Road\tLeigh\tFriday\n",
        "Venue | Street | Town | Access\nKingsley Hall | Sidney Street | Leigh | Lift\n"
        "Wesley Hall | Mill Brae | Stornoway | Ramp\n",
        "Session venues\n\nLocation,Activity\nMorris Hall,Bingo\nDalziel Centre,Choir\n",
    ],
)
def test_cells_under_a_place_header_are_not_names(found, text):
    """A table's column under "Venue", "Street", "Town" or "Location" holds places."""
    assert not _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "Desirable: a Level 3 qualification; knowledge of Wednesbury's communities.",
        "We serve Crewe's neighbourhoods and villages.",
        "Families from Jarrow and Cowdenbeath are very welcome.",
    ],
)
def test_a_place_owning_communities_is_not_a_name(found, text):
    """A capitalised word owning "communities" or "neighbourhoods", or listed after
    "families from", is a place."""
    assert not _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "QUAKER MEETING HOUSE, MAES Y DREF, STORNOWAY",
        "CANOLFAN GYMUNEDOL, HEOL Y FELIN, LLANRUG",
    ],
)
def test_the_welsh_article_in_capitals_is_no_initial(found, text):
    """ "Y" between words in capitals is Welsh's article, not an initial before a surname."""
    assert not _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "- heating at victoria baths comes on at 8 now",
        "the hope street entrance is closed, use the side door",
    ],
)
def test_a_lower_case_first_name_before_a_place_word_is_not_a_name(found, text):
    """In lower-case notes a first name before "baths" or "street" names a place."""
    assert not _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "Monday 11 July 2025, 6.30pm, Elizabeth Garrett Anderson Wing (and on Teams)",
        "Meet in the Florence Nightingale Annexe at ten.",
    ],
)
def test_a_building_named_after_someone_is_not_a_name(found, text):
    """A name that ends in "Wing" or "Annexe" is a building's."""
    assert not _names(found, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Flat 2, Hope Street, Leigh\nspoke to Leigh Adams today", "Leigh Adams"),
        ("Name\tStreet\tTown\nAmina Okafor\tHope Street\tLeigh\n", "Amina Okafor"),
        ("Venue\tVolunteer\nMorris Hall\tChidi Okonkwo\n", "Chidi Okonkwo"),
        ("Sent to Station Road, Grace will collect it.", "Grace"),
        ("MR Y CHEN\n12 HOPE STREET", "Y CHEN"),
        ("spoke to victoria about the baths trip", "victoria"),
        ("Mrs Wing rang about the rota.", "Wing"),
        ("Carer: Leigh Adams\nNotes: visited", "Leigh Adams"),
        ("A letter from Okafor and Mensah came today.", "Mensah"),
        ("We met at Leeds and Fatima Begum said hi.", "Fatima Begum"),
    ],
)
def test_names_stay_found_beside_the_place_rules(found, text, name):
    """Names in the same structures as the places above stay names."""
    assert any(name in value or value in name for value in _names(found, text)), _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "Date,Payee,Reference,Amount\n20/05/2025,SCREWFIX DIRECT,CARD82909,2294.74\n"
        "05/09/2025,LIDL GB,SO69199,1160.32\n",
        "Date\tPayee\tAmount\n27/03/2025\tW H SMITH RETAIL\t1518.05\n17/09/2025\tHMRC\t814.67\n",
        "Paid to HMRC and NSPCC by BACS.",
        "A quote from Grace Lane Joinery was accepted.",
        "Thanks to Rose Hill Roofing for the new gutters.",
        "Date\tPayee\tAmount\n23/10/2025\tA F BLAKEMORE & SON\t491.41\n",
    ],
)
def test_firms_in_payment_files_and_trades_are_not_names(found, text):
    """A payee that ends in a firm's word ("DIRECT", "RETAIL", "GB"), an acronym with no
    vowel ("HMRC"), initials and a name before "& SON", or a street's name before a trade
    ("Grace Lane Joinery") is a firm."""
    assert not _names(found, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Date,Payee,Amount\n20/05/2025,K ASANTE-BOATENG,50.00\n", "K ASANTE-BOATENG"),
        ("Date\tPayee\tAmount\n27/03/2025\tS CHOWDHURY\t15.05\n", "S CHOWDHURY"),
        ("Surname\tForename\nNG\tLan\nKHAN\tAmina\n", "KHAN"),
        ("Payee: MRS J OKAFOR\nAmount: 20.00", "J OKAFOR"),
        ("Jenny Hall Smith rang.", "Jenny Hall Smith"),
        ("Date\tPayee\tAmount\n23/10/2025\tA F BLAKEMORE\t491.41\n", "A F BLAKEMORE"),
    ],
)
def test_names_stay_found_beside_the_firm_rules(found, text, name):
    """People in payment files and name columns stay names."""
    assert any(name in value or value in name for value in _names(found, text)), _names(found, text)
