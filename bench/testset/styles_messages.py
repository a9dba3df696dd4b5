"""Messages: forwarded e-mail chains with quoted replies, text messages, handover e-mails."""

from __future__ import annotations

import datetime as dt
import random

from bench.testset.common import (
    charity,
    condition,
    day_text,
    harm,
    health_phrase,
    medication,
    role_mailbox,
    signature,
    some_day,
    staff,
)
from bench.testset.doc import Doc, Piece, lower, quote, wrap
from bench.testset.people import Person, person
from bench.testset.words import HELPLINES, LANDLORD_WORDS, LANGUAGES, LETTINGS, ROLES, SURGERIES


def _header(p: Person, email: Piece, to: Piece, when: str, subject: Piece) -> Doc:
    return (
        Doc()
        .add("From: ", p.full(), " <", email, ">\nTo: ", to, "\n")
        .fmt("Date: {when}\nSubject: {subject}\n\n", when=when, subject=subject)
    )


def _client_details(rng: random.Random, client: Person) -> Doc:
    """What a referrer pastes into an e-mail about a client, in their own layout."""
    d = Doc()
    if rng.random() < 0.5:
        d.add("Name: ", client.with_middle(), "\n")
        d.add(rng.choice(["DOB: ", "D.O.B. ", "Date of birth: "]), client.dob_val(), "\n")
        d.add("Address: ", client.address_with_postcode(), "\n")
        d.add(rng.choice(["Tel: ", "Mobile: ", "Phone: "]), client.phone(), "\n")
        if rng.random() < 0.6:
            d.add("NHS no: ", client.nhs(), "\n")
        if rng.random() < 0.4:
            d.add("Email: ", client.email(), "\n")
    else:
        d.add(
            client.full(),
            " (",
            client.dob_val(),
            ") lives at ",
            client.address("line"),
            ", ",
            client.postcode(),
            " and can be reached on ",
            client.phone(),
            ". ",
        )
        d.add(client.first(), " ", health_phrase(rng), ".")
        if rng.random() < 0.5:
            d.add(" Their NHS number is ", client.nhs(), ".")
        d.add("\n")
    return d


def forwarded_chain(rng: random.Random) -> Doc:
    org, domain = charity(rng)
    sender = staff(rng)
    colleague = staff(rng)
    outside = staff(rng)
    client = person(rng)
    out_domain = rng.choice(["nhs.example", "council.example.gov", "socialcare.test"])
    d1 = some_day(rng)
    sent = dt.datetime.combine(d1, dt.time(rng.randint(8, 11), rng.randint(0, 59)))
    replied = sent + dt.timedelta(minutes=rng.randint(20, 200))
    forwarded = replied + dt.timedelta(minutes=rng.randint(5, 90))

    # The oldest message: the outside professional writing to the charity.
    first = Doc().add(
        rng.choice(["Hello,", "Good morning,", "Hi all,", "Dear colleagues,"]),
        "\n\n",
        "I would like to refer ",
        client.some_name(),
        " to your service. ",
    )
    first.add(client.first(), " ", health_phrase(rng), " and ")
    first.add(
        rng.choice(
            [
                "has asked for help with a PIP review.",
                "is struggling to manage at home since a fall.",
                "needs support with a housing application.",
                "would like to be put in touch with a carers' group.",
            ]
        ),
        "\n\n",
    )
    first.add(_client_details(rng, client), "\n")
    if rng.random() < 0.5:
        first.add(
            "An interpreter is needed (",
            rng.choice(LANGUAGES),
            "). ",
            "Please avoid calling before 10am as ",
            client.first(),
            " works nights.\n\n",
        )
    first.add(signature(rng, outside, rng.choice(ROLES), rng.choice(SURGERIES), out_domain))
    first = wrap(first, 76)

    # The middle message: the colleague replying with the first quoted under it.
    middle = Doc().add(
        "Hi ",
        sender.first(),
        ",\n\nCan you pick this up? I have spoken to ",
        client.first(),
        rng.choice(["'s daughter ", "'s son ", "'s neighbour "]),
    )
    relative = person(rng, origin=client.origin.key, town=client.town)
    middle.add(
        relative.anglicised(),
        " on ",
        relative.mobile(),
        " who says the best time to visit is ",
        rng.choice(["Tuesday afternoons", "after school pick-up", "any morning"]),
        ".",
    )
    if rng.random() < 0.5:
        middle.add(" The ", rng.choice(LANDLORD_WORDS), " is ", rng.choice(LETTINGS), ".")
    middle.add("\n\nThanks\n", colleague.first(), "\n\n")
    middle.add(
        "On ",
        day_text(d1, 2),
        f" at {sent:%H:%M}, ",
        outside.full(),
        " <",
        outside.work_email(out_domain),
        "> wrote:\n",
    )
    middle.add(quote(first))
    middle = wrap(middle, 78)

    d = Doc()
    top = Doc().add(
        rng.choice(["Hi ", "Morning ", "Dear "]),
        colleague.first(),
        ",\n\n",
        rng.choice(
            [
                "Forwarding as discussed. I've booked a home visit for next week.",
                "See below - I'll call her this afternoon.",
                "FYI, now on the waiting list. Please don't reply all.",
            ]
        ),
        " Copying in ",
        role_mailbox(rng, domain),
        " for the file.\n\n",
    )
    top.add(signature(rng, sender, rng.choice(ROLES), org, domain))
    d.add(
        _header(
            sender,
            sender.work_email(domain),
            colleague.work_email(domain),
            f"{day_text(d1, 2)} {forwarded:%H:%M}",
            ("FW: Re: Referral - ", client.anglicised()),
        )
    )
    d.add(wrap(top, 74), "\n")
    d.add("---------- Forwarded message ---------\n")
    d.add("From: ", colleague.full(), " <", colleague.work_email(domain), ">\n")
    d.add("Date: ", day_text(d1, 1), f" at {replied:%H:%M}\n")
    d.add("Subject: Re: Referral - ", client.anglicised(), "\n")
    d.add("To: ", sender.full(), " <", sender.work_email(domain), ">\n\n")
    d.add(middle)
    return d


def _sms_line(stamp: dt.datetime, sender: Piece, body: Piece, style: int) -> Piece:
    d, t = stamp.date(), f"{stamp:%H:%M}"
    if style == 0:
        return (f"[{day_text(d)} {t}] ", sender, ": ", body, "\n")
    if style == 1:
        return (f"{day_text(d)}, {t} - ", sender, ": ", body, "\n")
    return (f"{t} ", sender, "\n", body, "\n\n")


def text_messages(rng: random.Random) -> Doc:
    """A team's text messages or group chat, typed in lower case."""
    team = [staff(rng) for _ in range(rng.randint(2, 4))]
    style = rng.randint(0, 2)
    stamp = dt.datetime.combine(some_day(rng), dt.time(8, rng.randint(0, 59)))
    d = Doc()
    if style != 2:
        d.add(rng.choice(["team phone - messages exported\n", "WhatsApp chat export\n", ""]))
    for r in rng.sample(range(13), rng.randint(5, 9)):
        client = person(rng)
        relative = person(rng, origin=client.origin.key)
        sender = rng.choice(team)
        other = rng.choice(team)
        body: Piece
        if r == 0:
            body = (
                "can you ring ",
                client.full(),
                " back on ",
                client.mobile(),
                " re the pip form",
            )
        elif r == 1:
            body = (
                client.first(),
                "'s mum called, cant make thurs. said she'll text ",
                other.first(),
            )
        elif r == 2:
            body = (
                client.full(),
                " dropped off the forms at reception, new address is ",
                client.address("short"),
                " ",
                client.postcode(2),
            )
        elif r == 3:
            body = (
                other.first(),
                " is covering for ",
                rng.choice(team).first(),
                " tmrw, ",
                client.first(),
                " visit moved to 2pm",
            )
        elif r == 4:
            body = (
                "just seen ",
                client.first(),
                " at the drop in, ",
                condition(rng),
                " flared up again, has run out of ",
                medication(rng),
            )
        elif r == 5:
            body = (
                "pls add ",
                client.full(),
                " to the list, dob ",
                client.dob_val(),
                " nhs ",
                client.nhs(1),
            )
        elif r == 6:
            body = (
                "number for ",
                relative.full(),
                " (",
                client.first(),
                "'s carer) is ",
                relative.mobile(3),
            )
        elif r == 7:
            body = (
                "ok will do. ",
                client.first(),
                " said to use her email ",
                client.email(),
                " not the post",
            )
        elif r == 8:
            body = (
                "worried about ",
                client.first(),
                " - mentioned ",
                harm(rng),
                ", have logged it and told ",
                other.first(),
            )
        elif r == 9:
            body = (
                "hope you're ok! running 10 mins late, traffic on ",
                rng.choice(["hope st", "grace lane", "the ring road", "victoria rd"]),
            )
        elif r == 10:
            body = (
                "can someone drop the food parcel at ",
                client.address("short"),
                " for ",
                client.formal(),
                ", she's not answering ",
                client.phone(),
            )
        elif r == 12:
            body = (
                "donor rang to pay for the raffle, card ",
                client.card(),
                " exp ",
                f"{rng.randint(1, 12):02d}/{rng.randint(26, 29)}, name on card ",
                client.bacs(),
            )
        else:
            body = (
                "mark the file pls - ",
                client.first(),
                " and ",
                relative.first(),
                " both moved to ",
                client.town,
                ", new number ",
                client.mobile(7),
            )
        sender_piece: Piece = sender.first() if rng.random() < 0.6 else sender.full()
        d.add(_sms_line(stamp, sender_piece, lower(body), style))
        stamp += dt.timedelta(minutes=rng.randint(3, 300))
    if rng.random() < 0.3:
        name, number = rng.choice(HELPLINES)
        d.add(
            _sms_line(
                stamp,
                rng.choice(team).first(),
                f"reminder {name.lower()} is {number} if anyone needs it",
                style,
            )
        )
    return d


def handover_email(rng: random.Random) -> Doc:
    """An end-of-shift handover: several clients in short paragraphs."""
    org, domain = charity(rng)
    writer, reader = staff(rng), staff(rng)
    d = _header(
        writer,
        writer.work_email(domain),
        role_mailbox(rng, domain),
        day_text(some_day(rng), 2),
        "Handover - evening shift",
    )
    d.add("Hi all,\n\nHandover from today:\n\n")
    for _ in range(rng.randint(3, 5)):
        client = person(rng)
        para = Doc()
        para.add(rng.choice(["- ", "* ", ""]), client.full(), ": ")
        r = rng.randint(0, 3)
        if r == 0:
            para.add(
                client.first(),
                " ",
                health_phrase(rng),
                ". Visited at home (",
                client.address("line"),
                "). Daughter ",
                person(rng, client.origin.key, female=True).first(),
                " will ring back on ",
                client.phone(),
                ".",
            )
        elif r == 1:
            para.add(
                "new referral from ",
                reader.first(),
                ". DOB ",
                client.dob_val(),
                ", lives ",
                client.address("street"),
                ". Needs a ",
                rng.choice(LANGUAGES),
                " interpreter.",
            )
        elif r == 2:
            para.add(
                "GP at ",
                rng.choice(SURGERIES),
                " confirmed ",
                condition(rng),
                ". NHS ",
                client.nhs(),
                ". Prescription for ",
                medication(rng),
                " collected.",
            )
        else:
            para.add(
                "rang in upset about ",
                harm(rng),
                ". Please call ",
                client.first(),
                " first thing on ",
                client.mobile(),
                " and log it for ",
                reader.formal(),
                ".",
            )
        d.add(wrap(para, 80), "\n\n")
    d.add("Thanks,\n", writer.first(), f"\n{org}\n")
    return d
