"""Diagnoses and safeguarding words about someone, and about no one (issue 17).

A clean document (a newsletter, a policy, a menu, a job advert, a training flyer) names
dementia, abuse, Ramadan or an LGBTQ+ network beside its venue's address, its office's
number and words the model reads as names; case text ties the same words to someone, in
their sentence or in the structure of a record (rules/terms/about_someone.yaml).
"""

import pytest

from tests.scanner.conftest import types_of

_TERMS = {"SPECIAL_CATEGORY", "SAFEGUARDING"}


@pytest.mark.parametrize(
    "text",
    [
        # a newsletter: a business named like a person in one sentence, Eid in another
        "Eid lunch\nThank you to Shabana's Kitchen for the biryani.\n\n"
        "Ramadan timetable: iftar every evening in the main hall.\n"
        "The Hub, 12 Bridge Gate, Hebden Bridge HX7 8EX. Ring 01422 496 300.",
        # a menu: the venue's line above the dishes
        "Friday Community Lunch - St Barnabas Centre, 18 Lavender Hill, Battersea SW11 5RW\n"
        "Lamb keema with peas and rice (halal)\nAll our meat is halal.",
        # a training flyer: the venue's field, then the next field
        "Venue: Ashton Old Baths, Henry Square, Ashton-under-Lyne OL6 7TP (step-free access)\n"
        "Lunch provided: please tell us about dietary needs (halal, vegetarian, vegan).\n"
        "Topics: coercive control, stalking, the DASH checklist and MARAC.",
        # a policy: "partner" and "patient" name roles and qualities, not someone
        "Abuse may be physical, sexual or financial, or neglect and self-neglect. Anyone can "
        "be a perpetrator: a partner, a relative or a paid carer. Be patient and listen.\n"
        "Adult Social Care: 0121 496 0707",
        # a bulletin: "Partner Bulletin", "partner agencies"
        "Community Safety Partnership - Partner Bulletin\nSigns of criminal exploitation "
        "include new phones and going missing from home. Cuckooing is rising.\n"
        "Call the Hub on 01482 496 300.",
        # a role description's pronouns for anyone at all
        "If s/he is worried that an older person is being abused, s/he must report it to "
        "his/her coordinator, who will meet him or her.\nOffice: 2 Clifford Street, York YO1 9RD",
        # a job advert whose contact line holds the only number
        "You will support survivors of domestic abuse through MARAC.\n"
        "For a pack ring 0191 496 0218.",
        # an event's heading in capitals
        "*** SANTA DASH 2025 ***\nFor the hospice. Ring 0161 496 0720 to sign up.",
        # a policy's sections headed with questions in the first person, for whoever reads it
        "2. What can I raise?\n- a criminal offence, such as fraud;\n- a danger to health.\n"
        "How do I raise a concern?\nEmail speakup@housing.example or ring 020 7946 0231.",
        # a firm the model reads as a name in full holds no first name: no case text
        "Thanks to Cammell Laird staff for painting the hall.\n\n"
        "Our new memory café for dementia opens on Monday.\nRing 0151 496 0970.",
        # a role word after a determiner of anyone: no one in particular
        "You can raise abuse or neglect of a tenant or resident, or harm to any client.\n"
        "Email speakup@housing.example or ring 020 7946 0231.",
        # a blank form's options: empty tick boxes
        "Name of main client: ________\n[ ] Domestic abuse\t[ ] Debt\t[ ] Sickness / ill health\n"
        "☐ Vegetarian ☐ Halal ☐ Diabetic\nI agree that the food bank may keep this form.\n"
        "Signature: ________\nEmail the form to vouchers@food.example, 0113 496 0000",
        # members of a community: the group
        "We welcome members of the Eritrean Orthodox community to the Saturday lunch.\n"
        "St Mary's Hall, 4 Church Lane, Leeds LS9 7AB.",
        # a name in full once, in a list of firms; or a contact named after her role
        "Handyperson scheme\nWe buy timber from Screwfix, Wickes and Travis Perkins at trade "
        "prices.\nA Disabled Facilities Grant pays for bigger adaptations.",
        "Domestic abuse service\nContact our duty worker, Kirsty Holroyd, on 01706 496 224.\n\n"
        "Abuse can be coercive control, stalking or economic abuse.",
        # (termfp) advice whose subject is anyone of a kind: its pronouns are that anyone's
        "A woman may not be ready to leave an abusive partner; respect her decision.\n"
        "Outreach office: 3 Park Road, Leeds LS6 2AB.",
        "When a young person discloses self-harm, stay calm and thank her for telling you.\n"
        "Office: 3 Park Road, Leeds LS6 2AB.",
        "If the young person discloses self-harm, tell the DSL the same day.\n"
        "Office: 3 Park Road, Leeds LS6 2AB.",
        "If the child is in immediate danger, call 999. Office: 3 Park Road, Leeds LS6 2AB.",
        # a person word capitalised in an event's name, in the term's own statement
        "Baby Loss Awareness Week: support for parents after miscarriage or stillbirth.\n"
        "Call 0113 496 0555.",
        # a name the model reads in a term, or around one: a form, a Methodist circuit
        "A Herbert Protocol form is kept for every resident with dementia.\n"
        "Willowbank, 2 Mill Lane, Leeds LS6 2AB.",
        "Kind regards,\nLettings Office\nTrinity Centre, Wesley Methodist Circuit\n"
        "14 Chapel Street, Leeds LS6 2AB",
        # groups of people with a condition; a review named after its subject
        "Group for mothers with postnatal depression, Tuesdays at 3 Park Road, Leeds LS6 2AB.",
        "Lessons from Safeguarding Adults Reviews, 3 Park Road, Leeds LS6 2AB.",
    ],
)
def test_terms_in_text_about_no_one_are_not_findings(found, text):
    """A term whose statement refers to no one, in an item that refers to no one as case
    text does, is about no one, whatever contact details or stray names the item holds: a
    name in full in a list of names, or after the role it holds (a leaflet's contact), is
    case text's only when the item names its owner again (fpclean6)."""
    spans = found(text)
    assert not _TERMS & types_of(spans), spans


@pytest.mark.parametrize(
    ("text", "term"),
    [
        # the sentence refers to someone
        ("Mrs Hughes disclosed that her son hits her when he drinks.", "disclosed that"),
        ("Her son lives with her. I understand he is on methadone.", "methadone"),
        ("Room 5: she talked about her HIV status last night.", "HIV"),
        ("ring lisa re the domestic abuse, she said its worse", "domestic abuse"),
        ("Client reports low mood since the move, ring 0113 496 0012.", "low mood"),
        # the item refers to someone elsewhere: a pronoun, a title, a name in full
        ("Visited today; she was tired.\n\nDiagnosis: vascular dementia.", "vascular dementia"),
        ("Mr Okafor rang.\n\nRisk: self-neglect.", "self-neglect"),
        ("Amina Yusuf came to the drop-in today. Depression and low mood.", "Depression"),
        ("Trần Văn Hùng came to the drop-in today.\n\nDepression and low mood.", "Depression"),
        ("Nkechi Adaeze-Okonkwo came in.\n\nDepression and low mood.", "Depression"),
        ("Ciprian Dumitrescu was referred.\nNeeds on the form: depression.", "depression"),
        ("Amina Yusuf moves in on Monday.\nThe room has a grab rail for the epilepsy.", "epilepsy"),
        # one person's belonging to a group, not the group: "a member of the ... community"
        (
            "Mrs Tesfaye rang.\n\nYou are an active member of the Eritrean Orthodox community.",
            "Eritrean Orthodox",
        ),
        # a name where a record puts one
        ("Re: Amina Yusuf\n\nThere is a history of self-harm.", "self-harm"),
        ("Carer: Nasreen\n\nDiet: halal; diabetic.", "halal"),
        ("Dear Kemal,\n\nThe DASH was completed and the case goes to MARAC.", "MARAC"),
        ("Kemal Yilmaz\tRoom 4\thalal, wheelchair user", "wheelchair user"),
        ("Nasreen\t07700 900 374\thalal", "halal"),
        # personal details in the term's own sentence, an identifier anywhere
        ("self-harm disclosed at the drop-in, ring 07700 900 461 back", "self-harm"),
        ("DOB 12/04/1987\n\nAlcohol dependency; detox planned.", "Alcohol dependency"),
        # a question in the first person that names someone else
        ("Can I refer my mum? I think it is dementia.", "dementia"),
        # a role word as the subject of a report; a ticked box
        ("A tenant disclosed abuse by a neighbour. Ring 020 7946 0231.", "abuse"),
        ("Client: Amina Okafor\n[x] Domestic abuse\t[ ] Debt", "Domestic abuse"),
        # "DASH" in a case's heading, not a line in capitals
        ("Re: Shannon Wilkes\n\nDASH completed: 16 ticks.", "DASH"),
        # (termfp) a woman reported on, not anyone of a kind: no modal, no condition
        ("A woman rang today; she says her partner is an abusive partner.", "abusive partner"),
        ("If she tells you she is self-harming again, ring me.", "self-harming"),
        ("The child disclosed self-harm today.", "self-harm"),
        # a name beside a term, not inside it or around it
        ("Priya Jain has dementia.", "dementia"),
    ],
)
def test_terms_about_someone_stay_findings(found, text, term):
    """Fail closed: a term is someone's when its sentence refers to someone, or when the
    item does as case text does (a pronoun, a title, a name in full or in a record's place,
    an identifier only a person has). (The item holds an address too: an item that
    identifies no one at all keeps none of its terms.)"""
    spans = found(f"{text}\n\nVisit: 7 Harbour View, Leeds LS2 7EW")
    assert any(t in _TERMS and term in v for t, v in spans), spans
