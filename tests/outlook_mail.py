"""Everyday mail as Outlook writes it, for the tests that check it goes out untouched: a
plain text and an HTML body, each with the sender's signature (name, job title, office
phones, the office's address, the charity number) and the organisation's logo as an inline
image. The organisation, people and numbers are made up (Ofcom's drama numbers, example
domains)."""

from __future__ import annotations

import email.policy
import html as html_text
from email.message import EmailMessage
from email.utils import make_msgid

from tests.scanner.images import text_image

DOMAIN = "riverside-carers.example.org"
SENDER = f"priya.sharma@{DOMAIN}"
OFFICE = "Riverside House, 1 River Street, Leeds LS1 4AP"
PUBLISHED = ["0300 123 4567", "0113 496 0000", OFFICE]
SAM = "sam.green@communityhall.example"

SIGNATURE_LINES = [
    "Priya Sharma",
    "Carer Support Worker",
    "Riverside Carers' Centre",
    "Tel: 0113 496 0000 | Main office: 0300 123 4567",
    OFFICE,
    "Registered charity no. 1123456",
]


def outlook_message(
    to: str = f"Sam Green <{SAM}>",
    lines: tuple[str, ...] = (
        "Hi Sam,",
        "",
        "Thanks for hosting our carers' coffee morning next Tuesday. We expect about 15 "
        "people and will bring the leaflets.",
    ),
    *,
    cc: str = "",
    quoted: tuple[str, ...] = (),
    subject: str = "Coffee morning next Tuesday",
) -> bytes:
    """A message Priya writes in Outlook to ``to``: ``lines``, her signature, then (a reply)
    the ``quoted`` message with Outlook's header block."""
    message = EmailMessage()
    message["From"] = f"Priya Sharma <{SENDER}>"
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = "Thu, 03 Dec 2026 10:00:00 +0000"
    message["Message-ID"] = make_msgid(domain=DOMAIN)
    message["X-Mailer"] = "Microsoft Outlook 16.0"
    logo_id = make_msgid(domain=DOMAIN)
    text = [*lines, "", "Kind regards,", "", *SIGNATURE_LINES, *quoted]
    message.set_content("\n".join(text) + "\n", cte="quoted-printable")
    paragraphs = "".join(f"<p class=MsoNormal>{line}<o:p></o:p></p>\n" for line in lines)
    signature = "<br>".join(
        f"<b><span style='color:#1F4E79'>{line}</span></b>" if n == 0 else line
        for n, line in enumerate(SIGNATURE_LINES)
    )
    quote = "".join(
        f"<p class=MsoNormal>{html_text.escape(line)}<o:p></o:p></p>\n" for line in quoted
    )
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        "<style>p.MsoNormal{margin:0cm;font-family:Calibri,sans-serif;}</style></head>"
        "<body lang=EN-GB><div class=WordSection1>"
        f"{paragraphs}<p class=MsoNormal>Kind regards,<o:p></o:p></p>\n"
        f"<p class=MsoNormal>{signature}<br>"
        f'<img width=220 height=60 src="cid:{logo_id[1:-1]}" alt="Riverside Carers logo">'
        "<o:p></o:p></p>"
        + (f"<div style='border-top:solid #E1E1E1 1.0pt'>{quote}</div>" if quoted else "")
        + "</div></body></html>"
    )
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    html_part = message.get_payload()[1]  # type: ignore[index]
    html_part.add_related(
        text_image("Riverside Carers"), "image", "png", cid=logo_id, filename="image001.png"
    )
    return message.as_bytes(policy=email.policy.SMTP)


QUOTED_REPLY = (
    "",
    f"From: Sam Green <{SAM}>",
    "Sent: 02 December 2026 16:12",
    f"To: Priya Sharma <{SENDER}>",
    "Subject: RE: Coffee morning next Tuesday",
    "",
    "Hi Priya, can we start at 10 rather than 9:30? The hall is booked until then.",
    "",
    "Best wishes",
    "Sam Green",
    "Bookings Manager, Community Hall",
    "Mobile 07700 900987",
)
