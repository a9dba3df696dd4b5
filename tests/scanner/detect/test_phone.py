"""UK phone numbers in the forms people write them."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    "value",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "+44 7700 900123",
        "+44 (0)20 7946 0018",
        "+447700900123",
        "0044 7700 900123",
        "020 7946 0018",
        "0161-496-0123",
        "(01632) 960 001",
        "0113 496 0777",
        "01632 960961",
        "07912 345678",
        "07 700 900 461",
        "0 7700 900 461",
        "447700900713",
        "+353 91 562 7730",
        "+90 532 418 27 66",
        "00353 91 562 7730",
        "00 353 91 562 7730",
        "+48 512 345 678",
        "+44 77 00 900 461",
        "(+44) 7700 900461",
        "00 44 7700 900461",
        "+44 07700 900461",
        "0044 07700 900461",
        "07700.900.461",
        "0113.496.0777",
        "+44.7700.900461",
    ],
)
def test_uk_phone_numbers_are_found(found, value):
    """Mobiles, landlines and international forms, with spaces, dashes or brackets."""
    assert ("PHONE_NUMBER", value) in found(f"Please ring {value} after lunch.")


@pytest.mark.parametrize(
    "text",
    [
        "Invoice 4012345678 paid",
        "Charity no. 1123456",
        "Total 1,234,567",
        "Order 0000000000",
        "Build +44.1234.567 released",
    ],
)
def test_other_numbers_are_not_phone_numbers(found, text):
    """Invoice, charity-registration and other numbers are not phone numbers."""
    assert "PHONE_NUMBER" not in types_of(found(text))


def test_published_contact_numbers_are_allowed(found):
    """The organisation's own published helpline is on the allow-list in any written form."""
    assert "PHONE_NUMBER" not in types_of(found("Call our helpline on 0300 123 4567."))
    assert "PHONE_NUMBER" not in types_of(found("Call our helpline on +44 300 123 4567."))


@pytest.mark.parametrize(
    "text",
    [
        "Call Childline on 0800 1111 any time.",
        "The NSPCC helpline is 0808 800 5000.",
        "You can complain to the ICO on 0303 123 1113.",
        "Samaritans are on 116 123, day or night.",
        "Ring the council on +44 300 123 9999.",
        "Premium line 0906 123 4567.",
    ],
)
def test_numbers_published_for_the_public_are_not_personal(found, text):
    """Freephone, non-geographic and helpline numbers (rules: phone.published_prefixes)
    belong to organisations, not to anyone whose data this is."""
    assert "PHONE_NUMBER" not in types_of(found(text))


@pytest.mark.parametrize(
    "text",
    [
        "Account 00123456789 closed.",
        "Ref +12 34",
        "Reading 0044567 taken.",
    ],
)
def test_other_numbers_with_a_plus_or_00_are_not_phone_numbers(found, text):
    """Too few digits, or 00 before an unbroken run of digits, is not a number abroad."""
    assert "PHONE_NUMBER" not in types_of(found(text))


@pytest.mark.parametrize(
    "text",
    [
        "X-Confide-Id: 3f2a1b4c-0123-4567-8901-447700900713",
        "Ref 3f2a1b4c-0123-4567-8901-447700900713 logged.",
        "Message 0e7c2a9d-4401-4612-8c05-074470090071 held.",
        "Job 12345678-0161-4960-1234-07700900461a failed.",
        "Run 9b1e77d0-4e2f-4a61-9c3d-0044770090046 queued.",
    ],
)
def test_digits_inside_a_uuid_are_not_phone_numbers(found, text):
    """A UUID's last group (confide's own message ids, any system's reference) is part of
    an identifier, however much it looks like 447700900713 or 07700900461."""
    assert "PHONE_NUMBER" not in types_of(found(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Name\tMobile\tTeam\nAnn Lee\t7700900461\tNorth\n", "7700900461"),
        ("Surname,Home phone,Team\nLee,1134960000,North\nChan,1134960001,South\n", "1134960000"),
        ("Mob: 7700900462", "7700900462"),
    ],
)
def test_a_number_that_lost_its_leading_zero_is_found_beside_phone_context(found, text, value):
    """A phone number a spreadsheet kept as a number (its 0 lost) is found under a phone
    column's header or after a phone label."""
    assert ("PHONE_NUMBER", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Our advice line is open Monday to Friday on 0113 496 0412.",
        "Questions? Call the events team on 0161 496 0720 or email events@hope.example",
        "Parish Office hours: Tuesday 9am-12 noon. Tel: 01484 496 0037.",
        "hello@thebridge.org.uk | 0141 496 0873",
        "Want to talk? Call our Legacy Team on 020 7946 0457.",
    ],
)
def test_an_organisations_own_line_is_not_personal_where_no_one_is_named(found, text):
    """In a text that names no one, a number that is no mobile introduced as one to ring
    ("call us", "our advice line", "Tel:") or beside a role mailbox is the organisation's
    (rules: phone.published_before)."""
    assert "PHONE_NUMBER" not in types_of(found(text)), found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Our advice line is open on 0113 496 0412; Amina Okafor will ring back.", "0113 496 0412"),
        ("Call our outreach phone on 07700 900461.", "07700 900461"),
        ("Client DOB 12/03/1985. Tel: 0113 496 0555.", "0113 496 0555"),
        ("Flat 2, 9 Birch Road, Leeds. Ring 0113 496 0556 after 6.", "0113 496 0556"),
        ("New landline for the file: 0113 496 0557.", "0113 496 0557"),
    ],
)
def test_a_line_is_found_beside_a_person_or_without_an_organisations_words(found, text, value):
    """Beside a name, a date of birth or a home address the same words may introduce the
    person's own line; a mobile is whoever holds it; and a number not introduced as an
    organisation's is found as usual."""
    assert ("PHONE_NUMBER", value) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Product code\tDescription\tPrice\n7700900461\tPens\t4.99\n",
        "The total came to 7700900461 in the end.",
        "Phone\tNHS No\tTeam\n07700 900461\t4010232137\tNorth\n",
        "Mobile\tTeam\tCount\n7000000000\tNorth\t3\n",
    ],
)
def test_a_bare_number_without_phone_context_is_not_a_phone_number(found, text):
    """Without phone context, under another column's header, or not a UK number once its 0
    is back, a bare number is not a phone number."""
    phones = {v for t, v in found(text) if t == "PHONE_NUMBER"}
    assert phones <= {"07700 900461"}
