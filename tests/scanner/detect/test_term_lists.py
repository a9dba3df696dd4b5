"""Special-category data, safeguarding signals and organisational confidential business."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Her husband has dementia and type 2 diabetes.", "SPECIAL_CATEGORY"),
        ("He is a wheelchair user.", "SPECIAL_CATEGORY"),
        ("She was recently diagnosed with HIV.", "SPECIAL_CATEGORY"),
        ("He has a criminal conviction from 2015.", "SPECIAL_CATEGORY"),
        ("Declared a conviction for theft (2011).", "SPECIAL_CATEGORY"),
        ("Cautioned for possession in 2015.", "SPECIAL_CATEGORY"),
        ("He was sentenced to 18 months.", "SPECIAL_CATEGORY"),
        ("The family are practising Muslims.", "SPECIAL_CATEGORY"),
        ("There is a history of self-harm.", "SAFEGUARDING"),
        ("Concerns about domestic abuse at home.", "SAFEGUARDING"),
        ("She was scared to go home because of his shouting.", "SAFEGUARDING"),
        ("i dont feel safe at home tbh", "SAFEGUARDING"),
        ("We raised a safeguarding concern today.", "SAFEGUARDING"),
        ("Please find the draft budget attached.", "ORG_CONFIDENTIAL"),
        ("These board papers are strictly confidential.", "ORG_CONFIDENTIAL"),
    ],
)
def test_terms_are_found(found, text, entity):
    """Terms from the lists in rules/terms/ are found, whatever their case, in a text that
    names someone."""
    assert entity in types_of(found(f"Re: Amina Yusuf. {text}"))


@pytest.mark.parametrize(
    "text",
    [
        "Our dementia cafe meets on Tuesdays; we support carers of people with Parkinson's.",
        "You will support adults with mental health conditions and follow our safeguarding "
        "procedures for domestic abuse disclosures.",
    ],
)
def test_terms_in_a_text_that_names_nobody_are_not_findings(found, text):
    """A newsletter or a job advert on dementia or safeguarding names nobody, so its terms
    are about no one (issue 17: such documents are negatives)."""
    assert not {"SPECIAL_CATEGORY", "SAFEGUARDING"} & types_of(found(text)), found(text)


def test_terms_beside_an_address_are_still_findings(found):
    """An address is enough to make a diagnosis someone's."""
    text = "I live at 7 Harbour View, Leeds LS2 7EW with my husband, who has dementia."
    assert ("SPECIAL_CATEGORY", "has dementia") in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "What is abuse?\nAbuse can be physical, sexual or financial, or neglect and "
        "self-neglect. If someone is in immediate danger, ring 999.\n"
        "Adult Social Care: 0113 496 0012",
        "Course: domestic abuse and coercive control, Level 2. Open to all staff.\n"
        "Venue: Dewsbury Town Hall, 14 Wellington Road, Dewsbury WF13 1HQ\n"
        "Book at training@kirklees-example.org.uk",
        "Ramadan Mubarak from all of us! Iftar at the centre on Friday, 4 Mill Road.",
    ],
)
def test_terms_in_a_general_text_beside_its_own_contact_details_are_not_findings(found, text):
    """A policy or a course listing that speaks of people in general ("if someone",
    "signs of") and refers to no one, whose only other findings are its phone number,
    address or mailbox, is about no one (issue 17, branch cleanfp2)."""
    assert not {"SPECIAL_CATEGORY", "SAFEGUARDING"} & types_of(found(text)), found(text)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("self-harm disclosed at the drop-in, ring 0113 496 0012 back", "self-harm"),
        ("Neglect noted at the visit. If you can, ring her on 07700 900 461.", "Neglect"),
        ("Our policy: ring 0113 496 0012. Mr Okafor has dementia.", "has dementia"),
    ],
)
def test_terms_beside_contact_details_stay_findings_when_the_text_is_not_general(found, text, term):
    """A note with nothing general in it, or one that refers to someone ("her", a titled
    name), keeps its terms beside a phone number."""
    assert term in {value for kind, value in found(text) if kind != "PHONE_NUMBER"}, found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Can you send it to me please?",
        "Ms Jones will chair.",
        "We had a cold snap and the heating broke.",
        "The room is booked for Tuesday.",
    ],
)
def test_ordinary_words_are_not_special_category(found, text):
    """Acronyms match only in capitals, so 'me' and 'Ms' stay ordinary words."""
    assert not {"SPECIAL_CATEGORY", "SAFEGUARDING"} & types_of(found(text))


def test_term_findings_name_their_group(detector):
    """A term's recognizer name carries its group, for consent scope and reasons."""
    spans = detector.find("Kwame Mensah has epilepsy.")
    assert [s.recognizer for s in spans if s.type == "SPECIAL_CATEGORY"] == [
        "special_category:health"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Re: Amina Yusuf\nAttendees: JK, TB and MS\nAction (TB): chase the GP.",
        "Re: Amina Yusuf\nTB: will ring the landlord on Monday.",
        "Re: Amina Yusuf\nAction: TB to send the letter.",
    ],
)
def test_initials_are_not_acronyms_of_illnesses(found, text):
    """'TB' or 'MS' in an attendee list, in brackets or before a colon are someone's initials
    (issue 17), not tuberculosis or multiple sclerosis."""
    assert "SPECIAL_CATEGORY" not in types_of(found(text)), found(text)


def test_acronyms_in_a_list_of_conditions_are_still_conditions(found):
    """'(HIV, TB)' after a name is a list of conditions, not of initials."""
    text = "Amadou Diallo, carer for partner (HIV, TB); treated for TB last year."
    assert ("SPECIAL_CATEGORY", "TB") in found(text)
    assert ("SPECIAL_CATEGORY", "HIV") in found(text)


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("Her husband has type 2 diabetes.", "has type 2 diabetes"),
        ("Background of early-onset Alzheimer's disease.", "early-onset Alzheimer's disease"),
        ("Admitted with a left MCA ischaemic stroke.", "left MCA ischaemic stroke"),
        ("Known chronic kidney disease stage 3.", "chronic kidney disease stage 3"),
        (
            "Diagnosed with bipolar affective disorder type I.",
            "Diagnosed with bipolar affective disorder type I",
        ),
        ("She is a Unison workplace rep.", "is a Unison workplace rep"),
        ("She goes to the LGBT+ group with her partner.", "LGBT+"),
        ("She has been HIV-positive since 2010.", "has been HIV-positive"),
        ("Her HIV status is known to the GP.", "HIV status"),
        ("Margaret has a dementia diagnosis.", "has a dementia diagnosis"),
        ("Hepatitis C, treated in 2015.", "Hepatitis C"),
    ],
)
def test_a_finding_covers_the_whole_condition(found, text, whole):
    """The words that qualify a condition belong to its finding, as the corpora label it
    (issue 17: whole spans), so that redaction leaves no part of it."""
    assert ("SPECIAL_CATEGORY", whole) in found(f"Re: Amina Yusuf. {text}")


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("Mrs Patel is on methadone.", "is on methadone"),
        ("Religion: Sikh", "Religion: Sikh"),
        ("RELIGION:   Sikh", "RELIGION:   Sikh"),
        ("Declared a spent conviction from 2009.", "Declared a spent conviction"),
        ("She had a stroke in May.", "had a stroke"),
        ("Medication: sertraline 50mg", "Medication: sertraline"),
        (
            "He was diagnosed with\nLewy body dementia last year.",
            "was diagnosed with\nLewy body dementia",
        ),
        ("She was diagnosed with Parkinson's disease.", "was diagnosed with Parkinson's disease"),
        ("shes got a nut allergy", "got a nut allergy"),
    ],
)
def test_a_finding_covers_the_words_that_state_it_of_its_person(found, text, whole):
    """The verb or the form's label before a term (stated_by, field_labels) belongs to its
    finding, as the labelling convention writes one ("has COPD", "Religion: Sikh"), and a
    term of its own among them ("was diagnosed") joins it: one finding, one statement."""
    spans = [s for s in found(f"Re: Amina Yusuf. {text}") if s[0] == "SPECIAL_CATEGORY"]
    assert spans == [("SPECIAL_CATEGORY", whole)], spans


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("Ayaan is a child at risk of significant harm.", "child at risk of significant harm"),
        ("We believe he is at risk of serious harm.", "at risk of serious harm"),
        ("MARAC referral made the same day.", "MARAC referral"),
        ("DASH: 15 ticks. Referred to MARAC.", "Referred to MARAC"),
    ],
)
def test_a_safeguarding_finding_covers_its_harm_and_its_referral(found, text, whole):
    """What a risk is of, and the referral a process word makes, belong to its finding
    (safeguarding.yaml words_after, stated_by), as the labelling convention writes them."""
    assert ("SAFEGUARDING", whole) in found(f"Re: Amina Yusuf. {text}")


@pytest.mark.parametrize(
    "text",
    [
        "She has a cough and is on holiday.",
        "She has a strong conviction that the plan is right; a word of caution for all.",
        "The course is on dementia awareness.",
        "Religion: see the equality form.",
    ],
)
def test_the_words_that_state_a_term_find_nothing_alone(found, text):
    """stated_by and field_labels only widen a finding the lists make anyway."""
    assert "SPECIAL_CATEGORY" not in types_of(found(f"Re: Amina Yusuf. {text}"))


@pytest.mark.parametrize(
    "text",
    [
        "Our Dementia Cafe meets at the Alzheimer's Society hall every Tuesday.",
        "Parkinson's UK run a support group here; Macmillan Cancer Support fund our project.",
        "MENTAL HEALTH AWARENESS WEEK: join our depression support group on Thursday.",
        "The cafe is for people living with dementia and their family and friends.",
        "We welcome applicants regardless of religion or belief, disability or sexual orientation.",
        "We encourage applications from LGBTQ+ people and minority ethnic communities.",
        "You will have experience of supporting adults with autism or learning disabilities.",
        "Types of abuse include physical abuse, neglect, financial abuse and domestic abuse.",
        "All staff complete training on domestic abuse and safeguarding children.",
        "Children may also be at risk of criminal exploitation, county lines and forced marriage.",
        "Domestic abuse is any incident of controlling or violent behaviour.",
        "The hall is accessible for wheelchair users.",
        "Join us for an Eid party in the main hall.",
        "The Methodist Church hall is booked for the AGM; Christian Aid week starts Monday.",
        "Volunteers need an enhanced DBS check with the adults' barred list.",
        "Christian Okafor will chair the meeting.",
        "Attendees: JK, TB. TB will book the room; the files are 2 TB on the server.",
        "Safeguarding Adults Level 2 | Tue 14 Jan | Training Room 1",
        "Grants for small charities supporting older people and people with disabilities.",
        "5. Safeguarding: there were no new safeguarding referrals this quarter.",
        "Benefits checks - Carer's Allowance, Attendance Allowance, Council Tax reduction",
        "Guru Nanak Gurdwara, Wellington Road: langar on Sunday.",
    ],
)
def test_terms_about_a_service_event_or_policy_are_not_findings(found, text):
    """A condition or safeguarding word in an organisation's or event's name, or about a
    service, a policy or people in general, is about no one (issue 17: newsletters and job
    adverts are negatives), even where the document names its contact."""
    spans = found(f"Contact Joanne Whitely on 01924 496 331. {text}")
    assert not {"SPECIAL_CATEGORY", "SAFEGUARDING"} & types_of(spans), spans


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Her husband goes to the dementia cafe since his dementia got worse.", "dementia"),
        ("Mr Khan attends our stroke club; he has vascular dementia.", "vascular dementia"),
        ("She says people with anxiety like her are ignored.", "anxiety"),
        ("My mum has Parkinson's and goes to the support group.", "Parkinson's"),
        ("He was treated for TB in 2019 and the cough is back.", "treated for TB"),
        ("Conditions: COPD, TB.", "TB"),
        ("Faith: Christian (Pentecostal).", "Christian"),
        ("She is a practising Methodist.", "Methodist"),
        ("She attends the Gurdwara every Sunday.", "Gurdwara"),
        ("She has been self-harming since the domestic abuse training ended.", "self-harming"),
    ],
)
def test_terms_about_someone_near_a_service_are_still_findings(found, text, term):
    """Fail closed: a term in a sentence that refers to someone (a pronoun, a relative, a
    title and name) stays a finding beside service words; 'TB' with health words is TB."""
    spans = found(f"Re: Amina Yusuf. {text}")
    assert any(t in ("SPECIAL_CATEGORY", "SAFEGUARDING") and term in v for t, v in spans), spans


@pytest.mark.parametrize(
    ("text", "is_condition"),
    [
        ("Her MS got worse over the winter.", True),
        ("She lives with MS and uses a stick.", True),
        ("Treated for TB in 2019; the cough is back.", True),
        ("Join the review on MS Teams.", False),
        ("TB to chase the GP about the hospital letter.", False),
        ("MS rang the ward for an update on her discharge.", False),
        ("Backups: 4 TB free on the server.", False),
        # an owner across a quoted reply's line break; a relative and a dash on a form
        ("She cares for her mum, who has\n>> MS. Home address below.", True),
        ("Who does the young person care for?  mum – MS", True),
        ("Client – MS rang back about the appointment.", False),
    ],
)
def test_ambiguous_acronyms_need_an_owner_or_health_words(found, text, is_condition):
    """'MS' and 'TB' are a condition when someone's ('her MS') or beside health words, and
    not when a product name or a verb of someone's doing follows (initials, issue 17)."""
    spans = found(f"Re: Amina Yusuf. {text}")
    acronyms = {v for t, v in spans if t == "SPECIAL_CATEGORY" and {"MS", "TB"} & set(v.split())}
    assert bool(acronyms) is is_condition, spans


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Concerns about DOMESTIC ABUSE at home.", {"DOMESTIC ABUSE"}),
        ("Concerns about Domestic Abuse at home.", {"Domestic Abuse"}),
        ("Concerns about domestic  abuse at home.", {"domestic  abuse"}),
        ("Concerns about domestic\tabuse at home.", {"domestic\tabuse"}),
        ("The self-harm leaflet; self\nharm.", {"self\nharm"}),
        ("She has early-onset Alzheimer’s disease.", {"has early-onset Alzheimer’s disease"}),
        ("She has (dementia).", {"dementia"}),
        ("She was diagnosed with HIV.", {"was diagnosed with HIV"}),
        ("She was diagnosed with hiv.", set()),
        ("She has dementia-like symptoms.", set()),
        ("The non-abuse clause was signed.", set()),
        ("She has type 2 diabetes_notes.", set()),
        ("She has DéMENTIA.", set()),
    ],
)
def test_terms_match_whole_words_regardless_of_case_and_white_space(found, text, terms):
    """A term is found in any case (an acronym only as written), with any run of white space
    between its words, and only as a whole word: not beside a letter, a digit, an underscore
    or a hyphen, nor with an accent the list does not write."""
    spans = found(f"Re: Amina Yusuf. {text}")
    kinds = {"SPECIAL_CATEGORY", "SAFEGUARDING"}
    assert {v for t, v in spans if t in kinds} - {"was diagnosed"} == terms, spans
