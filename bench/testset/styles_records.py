"""Records: minutes, safeguarding reports, referral letters, case notes and forms."""

from __future__ import annotations

import random

from bench.testset.common import (
    charity,
    clock,
    condition,
    day_text,
    ethnicity,
    harm,
    health_phrase,
    medication,
    religion,
    role_mailbox,
    some_day,
    staff,
)
from bench.testset.doc import Doc, Piece, Val, wrap
from bench.testset.people import Person, person
from bench.testset.words import (
    HELPLINES,
    HOSPITALS,
    LANGUAGES,
    LETTINGS,
    NURSERIES,
    PLACES_ABROAD,
    ROLES,
    SCHOOLS,
    SURGERIES,
    VENUES,
)


def minutes(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    members = [staff(rng) for _ in range(rng.randint(5, 8))]
    chair, minute_taker = members[0], members[1]
    apologies = [staff(rng) for _ in range(rng.randint(1, 3))]
    when = some_day(rng)
    d = Doc().add(
        rng.choice(["MINUTES", "Minutes", "NOTES OF MEETING"]),
        " - ",
        rng.choice(
            ["Trustees' meeting", "Team meeting", "Steering group", "Multi-agency case review"]
        ),
        f"\n{org}\n{day_text(when, 1)}, {clock(rng)}, {rng.choice(VENUES)}\n\n",
    )
    label = rng.choice(["Present", "Attendees", "Attendees", "In attendance"])
    if rng.random() < 0.5:
        d.add(f"{label}: ")
        for i, m in enumerate(members):
            d.add(", " if i else "", m.full())
            if i == 0:
                d.add(" (Chair)")
            elif rng.random() < 0.4:
                d.add(f" ({rng.choice(ROLES)})")
        d.add("\n")
    else:
        d.add(f"{label}:\n")
        for i, m in enumerate(members):
            d.add(
                "  ",
                m.full() if rng.random() < 0.8 else m.titled_full(),
                " - ",
                "Chair" if i == 0 else rng.choice(ROLES),
                "\n",
            )
    d.add("Apologies: ")
    for i, a in enumerate(apologies):
        d.add(", " if i else "", a.full() if rng.random() < 0.7 else a.formal())
    d.add("\nMinutes: ", minute_taker.first(), "\n\n")
    items = sorted(rng.sample(range(6), 4))
    for n, item in enumerate(items, 1):
        para = Doc().add(f"{n}. ")
        m = rng.choice(members)
        other = rng.choice(members)
        if item == 0:
            para.add(
                "WELCOME AND APOLOGIES\n",
                chair.first(),
                " welcomed everyone. Apologies as above. The minutes of the last meeting were ",
                "agreed as a true record.\n",
            )
        elif item == 1:
            client = person(rng)
            para.add(
                "CASE DISCUSSION\n",
                m.first(),
                " updated on ",
                client.full(),
                " (",
                client.dob_val(),
                "). ",
                client.first(),
                " ",
                health_phrase(rng),
                ". There are ongoing concerns about ",
                harm(rng),
                ". ",
                "Action: ",
                other.first(),
                " to contact the ",
                rng.choice(ROLES).lower(),
                " and report back.\n",
            )
        elif item == 2:
            para.add(
                "FINANCE\nThe Treasurer reported reserves of £",
                f"{rng.randint(20, 90)},",
                f"{rng.randint(100, 999)}. ",
                m.first(),
                " will mark the grant as received once the bank confirms. ",
                "Hope was expressed that the lottery bid will succeed.\n",
            )
        elif item == 3:
            para.add(
                "IT AND DATA\nThe shared drive is at 2 TB of its 3 TB limit. ",
                other.full(),
                " will ask the supplier about archiving. Subject access requests: ",
                "one received, answered within the month. Questions to ",
                role_mailbox(rng, domain),
                ".\n",
            )
        elif item == 4:
            vol = person(rng)
            para.add(
                "VOLUNTEERS\n",
                m.first(),
                " introduced ",
                vol.full(),
                ", who will run the ",
                rng.choice(LANGUAGES),
                " conversation group. ",
                vol.first(),
                " can be reached on ",
                vol.mobile(),
                ". ",
                rng.choice(["Grace", "Joy", "Hope", "Faith"]),
                " will be the theme of the spring newsletter.\n",
            )
        else:
            para.add(
                "AOB\n",
                other.first(),
                " raised parking at ",
                rng.choice(VENUES),
                ". Next meeting: ",
                day_text(some_day(rng), 1),
                ".\n",
            )
        d.add(wrap(para, 90), "\n")
    return d


def safeguarding_report(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    child = person(rng, ages=(4, 16))
    word_names = {"Precious", "Patience", "Grace", "Hope", "Faith", "Joy", "Favour", "Blessing"}
    if rng.random() < 0.5 and not child.origin.family_first:
        child.given, child.female = rng.choice(sorted(word_names)), True
    parent = person(rng, origin=child.origin.key, ages=(24, 50), town=child.town)
    parent.surname = child.surname
    worker, dsl, social_worker = staff(rng), staff(rng), staff(rng)
    when = some_day(rng)
    d = Doc().add(
        "RECORD OF ",
        Val("SAFEGUARDING", rng.choice(["SAFEGUARDING CONCERN", "CONCERN - CHILD PROTECTION"])),
        f"\n{org}\n\n",
        f"Date and time of concern: {day_text(when)} {clock(rng)}\n",
        "Child's name: ",
        child.full(),
        "\n",
        "Date of birth: ",
        child.dob_val(),
        f" (age {child.age()})\n",
        "Address: ",
        child.address_with_postcode(),
        "\n",
        f"School / nursery: {rng.choice(SCHOOLS + NURSERIES)}\n",
        "Parent/carer: ",
        parent.titled_full(),
        ", ",
        parent.phone(),
        "\n",
    )
    if rng.random() < 0.5:
        d.add("Ethnicity: ", ethnicity(rng), "    Religion: ", religion(rng), "\n")
    d.add("First language: ", rng.choice(LANGUAGES), "\n\n")
    body = Doc().add(
        "What was seen or heard:\n",
        child.first(),
        rng.choice([" arrived at the session ", " came to the holiday club "]),
        "hungry and wearing the same clothes as last week. ",
        child.first(),
        " told me that ",
        parent.formal(),
        ' "gets angry" and that ',
        rng.choice(["an uncle", "mum's friend", "a man called"]),
        " ",
    )
    visitor = person(rng)
    body.add(
        visitor.first(),
        " stays most nights. I noticed a bruise on ",
        rng.choice(["her", "his", "their"]),
        " upper arm. ",
        child.first(),
        " said it happened at home. This may indicate ",
        harm(rng),
        " and ",
        harm(rng),
        ".\n\n",
    )
    body.add(
        "Background: ",
        child.first(),
        " ",
        health_phrase(rng),
        ". There was a previous ",
        Val("SAFEGUARDING", "child protection plan"),
        " in ",
        rng.choice((*PLACES_ABROAD, "Bradford", "Luton")),
        ". Sibling ",
        person(rng, child.origin.key, ages=(2, 12)).first(),
        " attends ",
        rng.choice(NURSERIES),
        ".\n\n",
    )
    body.add(
        "Action taken: discussed with ",
        dsl.full(),
        " (Designated Safeguarding Lead) at ",
        clock(rng),
        ". Referral made to children's social care; social worker ",
        social_worker.full(),
        " (",
        social_worker.work_email("socialcare.test"),
        ") will visit. ",
    )
    name, number = rng.choice(HELPLINES)
    body.add(f"Parent was given the number for {name} ({number}).\n\n")
    d.add(wrap(body, 84))
    d.add("Recorded by: ", worker.full(), f", {rng.choice(ROLES)}\n")
    d.add(f"Send to: safeguarding@{domain} (do not forward)\n")
    return d


def _letter_recipient(rng: random.Random, p: Person) -> Piece:
    return (p.titled_full(), "\n", p.address("lines"), "\n", p.postcode())


def referral_letter(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    client = person(rng)
    author = staff(rng)
    gp = staff(rng)
    surgery = rng.choice(SURGERIES)
    d = Doc().add(f"{org}\nRegistered charity no. {rng.randint(1_000_000, 1_199_999)}\n")
    d.add(f"{role_mailbox(rng, domain)}\n\n{day_text(some_day(rng), 1)}\n\n")
    to_gp = rng.random() < 0.5
    if to_gp:
        d.add("Dr ", gp.full(), f"\n{surgery}\n\n")
        d.add("Dear Dr ", gp.last(), ",\n\n")
    else:
        d.add(_letter_recipient(rng, client), "\n\n")
        d.add("Dear ", client.formal(), ",\n\n")
    d.add(
        "Re: ",
        client.titled_full(),
        ", DOB ",
        client.dob_val(),
        ", NHS No. ",
        client.nhs(),
        "\n\n",
    )
    body = Doc()
    if to_gp:
        body.add(
            "I am writing on behalf of ",
            client.formal(),
            ", who has been supported by our ",
            "advice service since the autumn. ",
            client.first(),
            " ",
            health_phrase(rng),
            " and has asked us to request a letter supporting a ",
            rng.choice(["PIP reconsideration", "housing transfer", "Blue Badge application"]),
            ". ",
        )
        body.add(
            "Their current address is ",
            client.address("line"),
            ", ",
            client.postcode(),
            ", and the best number is ",
            client.phone(),
            ".\n\n",
        )
    else:
        body.add(
            "Thank you for meeting ",
            rng.choice(["me", "our caseworker"]),
            " on ",
            day_text(some_day(rng), 1),
            ". As agreed, we have referred you to ",
            rng.choice(HOSPITALS),
            " for an assessment of your ",
            condition(rng),
            " and to the ",
            rng.choice(["Macmillan", "Citizens Advice", "Age UK"]),
            " benefits team. ",
        )
        body.add(
            "Your National Insurance number (",
            client.nino(),
            ") will be needed for the ",
            "claim.\n\n",
        )
    if rng.random() < 0.5:
        carer = person(rng, origin=client.origin.key)
        relation = rng.choice(["wife", "daughter"] if carer.female else ["husband", "son"])
        body.add(
            client.first(),
            "'s ",
            relation,
            ", ",
            carer.full(),
            ", is the main carer and ",
            health_phrase(rng),
            ".\n\n",
        )
    body.add(
        "If you have any questions please contact me on ",
        author.landline(),
        " or at ",
        author.work_email(domain),
        ".\n\n",
    )
    d.add(wrap(body, 88))
    d.add("Yours sincerely,\n\n", author.full(), f"\n{rng.choice(ROLES)}\n")
    if rng.random() < 0.4:
        d.add("cc ", client.formal() if to_gp else ("Dr ", gp.full()), "\n")
    return d


def case_notes(rng: random.Random) -> Doc:
    org, _ = charity(rng)
    client = person(rng)
    workers = [staff(rng) for _ in range(rng.randint(1, 3))]
    d = Doc().add(
        f"CASE NOTES - {org}\nClient: ",
        client.register() if rng.random() < 0.4 else client.full(),
        f"    Ref: {org[:3].upper()}-{rng.randint(1000, 9999)}\n",
    )
    if rng.random() < 0.5:
        d.add("NHS No: ", client.nhs(), "\n")
    d.add("\n")
    entries = rng.randint(4, 7)
    day = some_day(rng, 200)
    for r in rng.sample(range(7), entries):
        w = rng.choice(workers)
        head = Doc().add(
            f"{day_text(day, 3)} {clock(rng)} - ",
            rng.choice(["Phone call", "Home visit", "Office", "Email"]),
            " (",
            w.first() if rng.random() < 0.5 else w.full(),
            ")\n",
        )
        note = Doc()
        if r == 0:
            note.add(
                client.first(),
                " rang about the ",
                rng.choice(LETTINGS),
                " tenancy. The Landlord wants access on Friday. Advised to ask for it in ",
                "writing.",
            )
        elif r == 1:
            note.add(
                "Visited at ",
                client.address("line"),
                ". ",
                client.first(),
                " ",
                health_phrase(rng),
                ". ",
                rng.choice(["Son", "Daughter", "Partner"]),
                " ",
                person(rng, client.origin.key).first(),
                " was present.",
            )
        elif r == 2:
            note.add(
                "Completed UC change of circumstances. NI no. ",
                client.nino(),
                ". Council tax account ",
                f"{rng.randint(10**7, 10**8 - 1)}",
                " still in arrears.",
            )
        elif r == 3:
            note.add(
                client.first(),
                " said ",
                rng.choice(["she", "he", "they"]),
                " is ",
                religion(rng),
                " and would prefer a female worker. Interpreter (",
                rng.choice(LANGUAGES),
                ") booked for next time.",
            )
        elif r == 4:
            note.add(
                "Letter from ",
                rng.choice(HOSPITALS),
                ": appointment for ",
                condition(rng),
                " review. New medication ",
                medication(rng),
                ".",
            )
        elif r == 5:
            note.add(
                "Disclosed ",
                harm(rng),
                " by ex-partner ",
                person(rng).full(),
                ". Safety plan agreed; given ",
                rng.choice(HELPLINES)[0],
                " number.",
            )
        else:
            note.add(
                "New mobile ",
                client.mobile(),
                " and email ",
                client.email(),
                ". Moved from ",
                rng.choice(PLACES_ABROAD),
                " in ",
                str(rng.randint(2004, 2023)),
                ".",
            )
        d.add(head, wrap(note, 92), "\n\n")
        day = day.fromordinal(day.toordinal() + rng.randint(1, 12))
    return d


def volunteer_application(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    p = person(rng, ages=(18, 75))
    d = Doc().add(f"VOLUNTEER APPLICATION FORM\n{org}\n\n1. ABOUT YOU\n")
    d.add("First name(s): ", p.first(), "\n", "Surname: ", p.last(), "\n")
    if rng.random() < 0.4:
        d.add("Preferred name: ", Val("PERSON", p.given.split()[0]), "\n")
    d.add("Address:\n", p.address("lines"), "\n", "Postcode: ", p.postcode(), "\n")
    d.add("Mobile: ", p.mobile(), "\n", "Email: ", p.email(), "\n")
    d.add("Date of birth: ", p.dob_val(), "\n")
    if rng.random() < 0.6:
        d.add("National Insurance no: ", p.nino(), "\n")
    if rng.random() < 0.5:
        d.add("Bank details for expenses: ")
        if rng.random() < 0.5:
            d.add(
                "sort code ",
                Val("UK_BANK_ACCOUNT", p.sort_code()),
                ", account ",
                Val("UK_BANK_ACCOUNT", p.account()),
                "\n",
            )
        else:
            d.add("IBAN ", p.iban(), "\n")
    d.add(f"Languages spoken: English, {rng.choice(LANGUAGES)}\n\n")
    d.add("2. EMERGENCY CONTACT\n")
    ec = person(rng, origin=p.origin.key)
    d.add("Name: ", ec.full(), f" ({rng.choice(['partner', 'sister', 'brother', 'friend'])})\n")
    d.add("Phone: ", ec.phone(), "\n\n3. REFERENCES\n")
    for i in (1, 2):
        ref = staff(rng)
        d.add(
            f"Referee {i}: ",
            ref.titled_full() if rng.random() < 0.5 else ref.full(),
            f", {rng.choice(ROLES)}, ",
            ref.work_email(rng.choice(["school.test", "council.example.gov", "nhs.example"])),
            "\n",
        )
    d.add("\n4. HEALTH AND ACCESS\nAnything we should know to support you? ")
    if rng.random() < 0.6:
        d.add("I have ", condition(rng), " and may need breaks.\n")
    else:
        d.add("No.\n")
    d.add(
        "\nDo you have any unspent criminal convictions? No\n\n",
        "Signed: ",
        p.full(),
        f"    Date: {day_text(some_day(rng))}\n",
        f"Return to volunteering@{domain}\n",
    )
    return d


def foodbank_voucher(rng: random.Random) -> Doc:
    org, _ = charity(rng)
    client = person(rng, ages=(20, 70))
    referrer = staff(rng)
    d = Doc().add(
        f"FOOD BANK VOUCHER   No. {rng.randint(100000, 999999)}\n{org}\n\n",
        "Referring agency: ",
        rng.choice(SURGERIES + SCHOOLS),
        "\n",
        "Referrer: ",
        referrer.full(),
        f", {rng.choice(ROLES)}, ",
        referrer.landline(),
        "\n\n",
        "Client name: ",
        client.titled_full() if rng.random() < 0.5 else client.full(),
        "\n",
        "Address: ",
        client.address_with_postcode(),
        "\n",
        "Contact number: ",
        client.phone(),
        "\n",
    )
    kids = [person(rng, client.origin.key, ages=(1, 15)) for _ in range(rng.randint(0, 4))]
    d.add(f"Household: {rng.randint(1, 2)} adult(s), {len(kids)} child(ren)\n")
    if kids:
        d.add("Children: ")
        for i, k in enumerate(kids):
            d.add(", " if i else "", k.first(), f" ({k.age()})")
        d.add("\n")
    d.add("Dietary needs: ")
    r = rng.random()
    if r < 0.3:
        d.add("no pork - ", religion(rng), " household\n")
    elif r < 0.55:
        d.add(condition(rng), ", no sugar\n")
    else:
        d.add("none\n")
    d.add(
        "Reason: ",
        rng.choice(["benefit delay", "low income", "debt", "sickness", "refused asylum support"]),
        f"\nCollect from: {rng.choice(VENUES)}, {rng.choice(['Tue', 'Thu', 'Sat'])} {clock(rng)}\n",
    )
    return d
