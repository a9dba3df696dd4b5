"""Dates of birth: a date beside birth context, never every date."""

import pytest

from scanner.normalise import normalise
from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("DOB: 03/04/1958", "03/04/1958"),
        ("She was born 12 March 1961 in Lagos.", "12 March 1961"),
        ("d.o.b 1961-03-12", "1961-03-12"),
        ("Date of birth: 4th May 1979", "4th May 1979"),
        ("Name | DOB\nAda | 14.02.1950\n", "14.02.1950"),
        ("born on March 3, 1944", "March 3, 1944"),
        ("DOB: 12-Mar-1985", "12-Mar-1985"),
        ("d.o.b. 3 Mar 85", "3 Mar 85"),
        ("DOB 03 03 1985", "03 03 1985"),
        ("D/O/B 1985/03/12", "1985/03/12"),
        ("Date of birth ........................ 14/07/1962", "14/07/1962"),
        ("Date of birth of the cared-for person (if known): 14/07/1962", "14/07/1962"),
        ("Name\tAda Obi\nDate of birth\t14.02.1950\n", "14.02.1950"),
        ("Name | Ada Obi\nDOB | 14-Feb-1950\n", "14-Feb-1950"),
        ("Name,DOB,Postcode\nAda Obi,14-Feb-1950,LS8 4EX\n", "14-Feb-1950"),
        ("Client       DOB           Seen\nAda Obi      14/02/1950    12/05/2024\n", "14/02/1950"),
        ("DOB: 3rd Apr '52", "3rd Apr '52"),
        ("She is 72 (born April 1952).", "April 1952"),
        ("DOB 04/1952, exact day not known", "04/1952"),
        ("Mr Adeyemi (b. 1952) attended.", "1952"),
        ("born in 1947 in Kingston", "1947"),
        ("YOB: 1961", "1961"),
        ("Age/DOB:   75 / 03.04.49", "03.04.49"),
        ("Aged 72, 03/04/1952, lives alone", "03/04/1952"),
        ("Name,DOB,Postcode\nAda Obi,19520403,LS8 4EX\n", "19520403"),
        ("Her birthday is 3 April 1952.", "3 April 1952"),
        ("Birthday: 03/04/1952", "03/04/1952"),
        ("Name,Birthday\nAda,03/04/2011\nBo,04/05/2012\n", "04/05/2012"),
        ("Date of birth\n\n14/08/1999\n\nMobile number\n", "14/08/1999"),
        ("DOB 03\u201304\u20131952", "03\u201304\u20131952"),
        ("DOB 03 04 52", "03 04 52"),
        ("date_of_birth: 1952-04-03", "1952-04-03"),
        ('{"dateOfBirth": "03/04/2011"}', "03/04/2011"),
        ("born on the third of April 1952", "the third of April 1952"),
        ("her bday is 3/4/11", "3/4/11"),
        ('{"dob": "2017-04-03T00:00:00Z"}', "2017-04-03"),
        ("Name,DOB\nAda Obi,03042017\nBo Lee,12112012\n", "12112012"),
        ("Precious, age 7, 03/04/2017", "03/04/2017"),
        ("Kwame Mensah, 12.09.2019 (dob), attends nursery", "12.09.2019"),
        ("Mum is Abena (D.O.B. Tuesday 3rd March 2001).", "3rd March 2001"),
        ("Name\tDoB\nAda Obi\t03/03/2015\nBo Lee\t04/04/2016\n", "04/04/2016"),
        ("DOB ........ Tuesday 3 March 2015", "3 March 2015"),
        (
            "Name,DOB,Household,Notes\nRuth Okonjo,12/03/2003,3,nappies needed, size 4\n"
            "Samira Ali,22/10/2004,4,halal\n"
            "Connor Reid,30/06/2002,2,delivered, nobody home, left with neighbour\n",
            "30/06/2002",
        ),
        ("Year of birth: 1988", "1988"),
        ("Born in Asmara in 1996, arrived in the UK in 2019", "1996"),
        ("DOB:   03MAR2015", "03MAR2015"),
        ("born March '15", "March '15"),
        ("03/03/2011 (date of birth), issued 12/05/2023", "03/03/2011"),
        ("dad b.14/07/2005, not at the address", "14/07/2005"),
        ("D.O.B.03/03/2015", "03/03/2015"),
        ("son b. March 2015", "March 2015"),
        ("Dates of birth: Precious 03.03.15, Kwame 12/09/2019 and Esi 27-Jan-2022", "27-Jan-2022"),
        ("Dates of birth: Precious 03.03.15, Kwame 12/09/2019 and Esi 27-Jan-2022", "12/09/2019"),
        ("the children's DOBs: Kwame (12/09/2019), Esi (27/01/2022)", "27/01/2022"),
        (
            "Group\t\t\n\t\t\nFoster carer\t\tChild\nName\tPhone\tDOB\nTy\t0113\t04/07/2012\n",
            "04/07/2012",
        ),
        (
            "+---------+------------+\n| Name    | DOB        |\n+=========+============+\n"
            "| Ada Obi | 14/02/2012 |\n| Bo Lee  | 04/05/2011 |\n+---------+------------+\n",
            "04/05/2011",
        ),
        (
            "Client details\t\tContact\nName\tDOB\tPhone\n"
            "Ada Obi\t03/04/2011\t07700 900461\nBo Lee\t04/05/2012\t07700 900462\n",
            "04/05/2012",
        ),
        ("dad (b.1972) works nights", "1972"),
        ("she was born c.1961 i think", "1961"),
        ("DOB: approx 1958", "1958"),
        ("Name,DOB\nAda Obi,2011\nBo Lee,2012\n", "2012"),
        ("Birth year: 2004", "2004"),
        ("D of B: 21/07/2011", "21/07/2011"),
        ("dob: april 3rd 61 maybe", "april 3rd 61"),
        ("Field\tDay\tMonth\tYear\nDate of birth\t14\t02\t2011\n", "14\t02\t2011"),
        ("| DOB | 14 | 02 | 2011 |", "14 | 02 | 2011"),
        ("Date of Birth:\n  Day: 09  Month: 11  Year: 2013\n", "09  Month: 11  Year: 2013"),
        ("jaydens dob is 03/03/15 and kaylas is 12/9/17 x", "12/9/17"),
        ("DOB (from referral form): 03/03/2015", "03/03/2015"),
        ("Child's date of birth (if seen by GP): 03/03/2015", "03/03/2015"),
        ("Date of birth as given at the first visit: 03/03/2015", "03/03/2015"),
        ("Name,Ada Obi,Bo Lee\nDOB,03/04/2011,12/11/2012\n", "12/11/2012"),
        # A list of dates after one label, whose each item is after it ("for Ruby").
        ("DOB 21/03/2010 for Tyler and 04/05/2013 for Ruby", "04/05/2013"),
        ("d.o.b. 21 march 2010 for tyler and 4 may 2013 for ruby", "4 may 2013"),
        # A paragraph wrapped at a fixed width breaks the date across its lines.
        (
            "Just confirming that the younger child, Amara, who was born on the 3rd of\n"
            "March 2015 in Leeds, is now at Park Primary.",
            "3rd of\nMarch 2015",
        ),
        # Words that qualify a label between it and its colon, past the rule's window.
        ("Birth year of any sibling over 18: 2004", "2004"),
        # A CSV saved with semicolons: every row's date is under the DOB column.
        (
            "NAME;DOB;POSTCODE\nAda Obi;03/03/2015;LS8 4EX\nBo Lee;04/04/2016;LS9 7QP\n",
            "04/04/2016",
        ),
        # Welsh forms and letters.
        ("Dyddiad geni: 03/03/2016", "03/03/2016"),
        ("Ganwyd hi ar 03/03/2016 yng Nghaerdydd.", "03/03/2016"),
        # A list whose next item names its person another way than with a capital alone.
        ("Ruby was born on 09/08/2016 and Kian on 04/06/2013.", "04/06/2013"),
        ("dob for ava is 2019-08-30 and jack 2021-01-05", "2021-01-05"),
        ("> Her DOB is 12/06/1990 and her son's is 03/03/2016.", "03/03/2016"),
        # A month and a year only, after their label; a year a few words after "born".
        ("DOB: 03/85", "03/85"),
        ("DOB 1985-03", "1985-03"),
        ("born in the spring of 1985", "1985"),
    ],
)
def test_dates_of_birth_are_found(found, text, value):
    """A date next to DOB, born or date of birth, or under a DOB column, is found."""
    assert ("DATE_OF_BIRTH", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "The meeting is on 12/05/2024.",
        "DOB: 03/04/1958. The review is on 12/05/2024.",
        "See you today, back in a moment.",
        "Letter dated 4th May 2023.",
        "Appointment tomorrow at 10:30.",
        "Client       Referred      Seen\nAda Obi      12/05/2024    13/05/2024\n",
        "Date of referral\t12/05/2024\nDate seen\t13/05/2024\n",
        "Meeting on 12-May-2024, then 03 06 2024.",
        "We'll celebrate our 40th birthday on Saturday 12/05/2024 with a party.",
        "Our Birth to Five group moves to Tuesdays from 12/05/2024.",
        "Born in Leeds, she was referred to us on 12/05/2024.",
        "Birth certificate issued 12/05/2024.",
        "Surname,DOB,Joined\nOkafor,3/4/1952,12/05/2024\nNowak,12/11/1947,05/06/2021\n",
        "Aged 72, seen at home on 12/05/2024.",
        "Our 40th birthday on Saturday 12/05/2024!",
        "Meeting notes\n\n12/05/2024 reviewed the birth registration leaflet.",
        "Signed: B. Osei-Bonsu\nDate: 12/05/2024",
        "Married 14/02/1975, widowed in 2019.",
        "Tenancy started 01/04/1998.",
        "The hub was founded on 12 May 1985.",
        "Her mum died on 3 April 1998.",
        "Version 3.4.52 released.",
        "Signed: B. Osei-Bonsu\tSigned: R Mahmood\nDate: 16 July 2024\tDate: 16/07/24\n",
        "Age UK appointment for her on 12/05/2024.",
        "Seen 12/05/2024, DOB not known.",
        "DOB 03/03/2015, Tuesday 12/05/2024 at the clinic",
        "DOB: Ada 03/03/2015. Meeting on 12/05/2024.",
        "[11/11/2024 09:13] Bex: DOB 3/4/52 if u need it\n[12/05/2024, 09:20] Kwabena: ta",
        "12/05/2024, 09:12 - Kerry: whats his DOB?\n12/05/2024, 09:13 - Andy: 3/3/11",
        "Name, Invoice date, Amount\nAda Obi, 12/05/2024, 40.00\nBo Lee, 13/05/2024, 25.00\n",
        "Session date\t12\t05\t2024\nBorn to Read club\n",
        "The review is 12/05/2024 and the meeting is 13/05/2024.",
        "DOB not known, seen on: 12/05/2024",
        "DOB: not known (referral dated 12/05/2024)",
        "Event year: 2004",
        "Name;DOB;Joined\nAda Obi;not known;12/05/2024\nBo Lee;not known;13/05/2024\n",
        # A cut-off for who qualifies is nobody's date of birth.
        "Under-5s born after 12/05/2024 can join the group free.",
        "Children born between 12/05/2024 and 31/08/2024 start in September.",
        "Drivers who passed their test after 1 January 1997 need category D1.",
        # A list of dates of birth goes on only to a next item, never to "and then".
        "DOB 03/03/1987 and then 12/05/2024 at the clinic",
        # An organisation's or a cohort's "born".
        "The hub was born in a church basement on 12/05/2024.",
        "A birthday tea for everyone born in a winter month is on 12/05/2024.",
        "The Trust was born in 1985, when tenants opened a playgroup on 12/05/2024.",
        # A sentence ends at a line's full stop, and quote marks do not join two sentences.
        "Her DOB is on file.\n12/05/2024 - Letter from the council about arrears.",
        "> Can you send his DOB and address?\n>\n> On 12/05/2024, at 14:10, Tom Heggarty wrote:",
    ],
)
def test_other_dates_are_not_dates_of_birth(found, text):
    """Meetings, letters, "today" and "a moment" are not dates of birth or any date finding."""
    findings = found(text)
    assert ("DATE_OF_BIRTH", "12/05/2024") not in findings
    assert "DATE_TIME" not in types_of(findings)
    if "DOB" not in text:
        assert "DATE_OF_BIRTH" not in types_of(findings)


@pytest.mark.parametrize(
    "text", ["Invoice 2024-05 for the DOB checks", "Page 3/12 of the DOB register"]
)
def test_a_month_and_year_count_only_after_their_label(found, text):
    """A month and a year alone ("DOB: 03/85") are a date of birth after their label, never
    before a word for one: an invoice's month, a page count."""
    assert "DATE_OF_BIRTH" not in types_of(found(text))


def test_a_row_whose_name_fills_its_column_keeps_its_dob_header(found):
    """A value that fills its column leaves two spaces before the next: the row is still
    in its table after normalising, and its date of birth still under "DOB"."""
    text = normalise(
        "Name          DOB         Postcode\nAda Obi       03/04/2011  LS8 4EX\n"
        "Christopher Okonkwo  12/11/2012  LS9 7QP\nBo Lee        04/05/2012  LS6 1AN\n",
        "",
    )
    found_here = found(text.text)
    assert ("DATE_OF_BIRTH", "12/11/2012") in found_here
    assert ("DATE_OF_BIRTH", "04/05/2012") in found_here


def test_a_date_under_a_dob_column_laid_out_with_spaces_is_found_after_normalising(found):
    """A pasted report's columns survive normalisation as cells, so its DOB header counts."""
    text = normalise("Client       DOB           Seen\nAda Obi      14/02/1950    12/05/2024\n", "")
    found_here = found(text.text)
    assert ("DATE_OF_BIRTH", "14/02/1950") in found_here
    assert ("DATE_OF_BIRTH", "12/05/2024") not in found_here


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Ada Obi (03/04/1952) rang today.", "03/04/1952"),
        ("Ada Obi, 03/04/1952, LS8 4EX", "03/04/1952"),
        ("Winston Campbell 30 June 1944", "30 June 1944"),
        ("pt 3/4/52, lives alone with son", "3/4/52"),
    ],
)
def test_a_whole_date_in_the_1900s_is_a_date_of_birth_without_context(found, text, value):
    """Failing closed: appointments, letters and deadlines are recent, so a whole date in
    the 1900s with no word for another kind of date is taken for someone's date of birth."""
    assert ("DATE_OF_BIRTH", value) in found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Children: Ada Mensah (03/03/2015) and Kwame Asante (12/09/2019).", "03/03/2015"),
        ("Sent: 14 October 2024\nKwame Asante, 12.09.2019 attends the club.", "12.09.2019"),
        (
            "Prepared 22/07/2024\n  Yasmin Rahimi, 12.09.2016\n  Arman Rahimi, 01.02.2020\n",
            "01.02.2020",
        ),
        ("Child,Date\nAda Mensah,03/03/2015\nKwame Asante,12/09/2019\n", "12/09/2019"),
        ("Ada Mensah (03/03/2015) rang today.", "03/03/2015"),
        ("Grace Owusu – 3/3/15, collected 04/11/2024", "3/3/15"),
        (
            "Exported 04/11/2024\nName,Postcode,Date\nAda Obi,LS8 4EX,03/03/2015\n"
            "Bo Lee,LS9 7QP,04/04/2012\n",
            "04/04/2012",
        ),
        ("Tina Smith (mum, 14/06/1990), Jayden Smith (son, 03/03/2015)", "03/03/2015"),
        (
            "Femi Adebayo, 41, 02/02/1983; Tolu Adebayo, Y4, 19/05/2016. Sent 18/11/2024",
            "19/05/2016",
        ),
        ("Roza Hussein [07/01/2012], listed 18/11/2024", "07/01/2012"),
        ("Mariana Popescu - April 3, 2011. Hampers out 20/12/2024", "April 3, 2011"),
        ("Ana Popescu, 3 Apr 11. Hampers out 20/12/2024", "3 Apr 11"),
        ("Ada Obi 13 03/04/2011\nKwame Mensah 9 12/11/2015\n", "12/11/2015"),
        ("Hannah Kim 04/25/2011 flies on 11/22/2024", "04/25/2011"),
        ("jayden smith dob 3.3.15 and his sister kayla smith 12.9.17", "12.9.17"),
        # An age between the name and the date, in brackets, after a dash or after "is".
        ("Amara Okafor (11) 04/05/2013", "04/05/2013"),
        ("Amara Okafor (11 - 04/05/2013)", "04/05/2013"),
        ("Amara Okafor is 11 (04/05/2013) and lives with her nan.", "04/05/2013"),
        (
            "Rota sent 07/10/2024\nAda Mensah (03/03/2011) joins the youth panel 14/10/2024\n"
            "Insurance renewal due 01/09/2027, lease ends 01/09/2029\n",
            "03/03/2011",
        ),
        # One list of children: an item whose name was not read as one is still in it, and
        # its date does not count as the text's own time.
        (
            "Family: Grace 03.03.2015, Patience 04.05.2017, Precious 06.07.2019\nVisit 03/11/2025",
            "04.05.2017",
        ),
        ("Family: Grace 03.03.2015, Patience 04.05.2017\nVisit 03/11/2025", "03.03.2015"),
        # A date alone on the line under a name, years before the text's other dates.
        ("Jay Kerr\n03/03/2010\n15 Acre Lane\nReferred 03/11/2025", "03/03/2010"),
        ("> Name: Jay Kerr\n> 03/03/2010\n> Sent 03/11/2025", "03/03/2010"),
        # "of" in a written date; a relation in brackets then a dash; an age with its unit.
        ("Ruby Smith, 3rd of March 2015\nVisit 03/11/2025", "3rd of March 2015"),
        ("Ruby Smith (daughter) - 03/03/2015\nVisit 03/11/2025", "03/03/2015"),
        ("Ruby Smith 10yrs 03/03/2015\nVisit 03/11/2025", "03/03/2015"),
        ("Ruby Smith, 10 years old 03/03/2015\nVisit 03/11/2025", "03/03/2015"),
    ],
)
def test_a_date_beside_a_name_well_before_the_other_dates_is_a_date_of_birth(found, text, value):
    """A roster gives a child's date of birth beside the name with no word for it; a date a
    year or more older than the text's other dates is no meeting's or signature's."""
    assert ("DATE_OF_BIRTH", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Minutes of 14/03/2024\nPresent: Ada Mensah (chair) 03/03/2025",
        "Meeting 14/03/2024. Report by Ada Mensah (12/03/2024) was agreed.",
        "Signed: Ada Mensah  Date: 03/03/2024",
        "Newsletter, April 2024. Joy Bell (14 May) ran the raffle.",
        "Thanks to Joy Bell (14 March 2024) and Sam Patel (30 March 2024) for the stalls.",
        "Minutes 14/03/2024: Tom Ferris, 07/03/2024, presented the accounts.",
        "Next session 19/11/2024; Ada Mensah (21/11/2024) brings the urn.",
        "Name,Start date\nAda Obi,03/03/2015\nBo Lee,04/04/2019\nSam Ode,01/02/2024\n",
        'Payee,Sort code,Account\n"SMITH, JOHN",20-32-06,41882907\n"LEE, BO",09-01-28,60215598\n',
        "Reception cover\nTom Ferris - 14/10/2024\nAda Mensah - 21/10/2024\n"
        "Next rota 04/11/2024. DBS renewal due 12/08/2027.\n",
        "Bogdan Ilie (lead, 28/10/2024); rota sent 07/10/2024",
        "Cover: Ada Obi 03/11/2025, Bo Lee 04/11/2025, Kay 05/11/2025\nMeeting 06/11/2025",
        # A letter's date under its addressee's name, with no other date to be older than.
        "Jay Kerr\n03/11/2024\n\nDear Jay, thank you for your letter.",
        "Kind regards\nAda Mensah\n03/11/2024\nSent 04/11/2024, reply by 11/11/2024",
    ],
)
def test_a_date_beside_a_name_near_the_other_dates_is_not_a_date_of_birth(found, text):
    """Minutes, reports, newsletters and signatures put their own dates beside names."""
    assert "DATE_OF_BIRTH" not in types_of(found(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Date of discussion: 18/11/2024\nChild 2: Lily-Mae Price, female, attends "
            "Little Acorns nursery, 22/06/2020\n",
            "22/06/2020",
        ),
        (
            "Sent 12/09/2024\n* Amara Okafor | Year 9 | attends Park Primary | 21/03/2010\n",
            "21/03/2010",
        ),
    ],
)
def test_a_date_ending_a_line_of_a_persons_details_years_back_is_a_date_of_birth(
    found, text, value
):
    """A list of a family's details ends each line with a date of birth, far from the name:
    years older than the text's own dates, it is no meeting's."""
    assert ("DATE_OF_BIRTH", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        # Not years older than the text's latest date.
        "Sent 12/09/2024\nChild 2: Lily-Mae Price, female, attends nursery, 22/06/2023\n",
        # A date after today is an expiry, not the text's own time.
        "Lily-Mae Price, female, attends nursery, 22/06/2020\nPassport valid to 14/06/2090\n",
        # Two dates on the line: which is which is not known.
        "Sent 12/09/2024\nLily-Mae Price, female, seen 01/09/2024, attends nursery, 22/06/2020\n",
        # An event's date in a sentence, not the end of a list of details.
        "Report 12/09/2024\nPolice attended the home of Lily-Mae Price on 03/06/2019.\n",
    ],
)
def test_a_date_far_from_a_name_needs_the_shape_of_a_list_and_years(found, text):
    assert "DATE_OF_BIRTH" not in types_of(found(text)), found(text)


def test_a_forms_signature_date_is_not_a_date_of_birth_beside_the_signers_name(found):
    """A form's "Date:" label says the date beside a signer's name is the form's own, even
    where the form's only other date is a date of birth."""
    text = normalise(
        "Date of birth: 03.02.2011\n\n"
        "Signed (parent/carer): N. Hussain           Date: 09/09/2024\n",
        "",
    )
    findings = found(text.text)
    assert ("DATE_OF_BIRTH", "03.02.2011") in findings
    assert ("DATE_OF_BIRTH", "09/09/2024") not in findings


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Date of birth " + "." * 90 + " 16/10/2011", "16/10/2011"),
        ("Date of birth " + "_" * 90 + " 16/10/2011", "16/10/2011"),
        ("Date of birth:" + " " * 90 + "16/10/2011", "16/10/2011"),
        (
            "Date of birth\nPlease write the date as DD/MM/YYYY, exactly as on the child's "
            "passport\nor birth certificate if they are travelling with one\n16/10/2011\n",
            "16/10/2011",
        ),
    ],
)
def test_a_forms_label_far_before_its_date_still_counts(found, text, value):
    """A form's leaders, or an instruction line between a label and its date, take nothing
    from the window before the date."""
    assert ("DATE_OF_BIRTH", value) in found(text)


def test_a_label_above_a_line_with_another_value_does_not_reach_past_it(found):
    """An instruction line may stand between a label and its date, but not another value."""
    text = (
        "Date of birth\n16/10/2011\nDate seen\n"
        "Please write the date of the first visit\n12/05/2024\n"
    )
    findings = found(text)
    assert ("DATE_OF_BIRTH", "16/10/2011") in findings
    assert ("DATE_OF_BIRTH", "12/05/2024") not in findings
