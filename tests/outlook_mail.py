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
    html = _outlook_html(lines, quoted, logo_id[1:-1])
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    html_part = message.get_payload()[1]  # type: ignore[index]
    html_part.add_related(
        text_image("Riverside Carers"), "image", "png", cid=logo_id, filename="image001.png"
    )
    return message.as_bytes(policy=email.policy.SMTP)


# What Outlook writes around the text: namespaces, Word's mso- styles in every style
# attribute, class names, its bookmarks, Outlook on the web's data- attributes, links for the
# signature's phone, address and website (with a campaign's query), a logo's size and id.
_SPAN = (
    '<span style=\'font-size:10.0pt;font-family:"Arial",sans-serif;color:#1F4E79;'
    "mso-fareast-language:EN-GB'>"
)
_LINK_STYLE = "<span style='color:#0563C1;mso-fareast-language:EN-GB'>"
_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml"'
    ' xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">'
    '<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">'
    '<meta name=Generator content="Microsoft Word 15 (filtered medium)">'
    "<style>p.MsoNormal{margin:0cm;font-family:Calibri,sans-serif;}"
    "span.EmailStyle17{mso-style-type:personal-compose;}</style></head>"
    '<body lang=EN-GB link="#0563C1" vlink="#954F72" style=\'word-wrap:break-word\'>'
    '<div class=WordSection1 data-olk-copy-source="MessageBody" data-ogsc="">'
)


def _outlook_html(lines: tuple[str, ...], quoted: tuple[str, ...], logo: str) -> str:
    """The HTML body as Outlook writes it: ``lines``, the signature, the ``quoted`` message."""
    paragraphs = "".join(
        f"<p class=MsoNormal><span style='mso-fareast-language:EN-US'>{html_text.escape(line)}"
        "<o:p></o:p></span></p>\n"
        for line in lines
    )
    name, role, centre, phones, office, charity = SIGNATURE_LINES
    for number in ("0113 496 0000", "0300 123 4567"):
        link = f'<a href="tel:{number.replace(" ", "")}">{_LINK_STYLE}{number}</span></a>'
        phones = phones.replace(number, link)
    site = "https://www.riverside-carers.example.org/?utm_source=signature&amp;utm_medium=email"
    signature = (
        f'<p class=MsoNormal><a name="_MailEndCompose"></a><b>{_SPAN}{name}</span></b><br>'
        f"{_SPAN}{role}<br>{html_text.escape(centre)}<br>{phones}<br>{office}<br>"
        f'<a href="mailto:{SENDER}">{_LINK_STYLE}{SENDER}</span></a> | '
        f'<a href="{site}" title="Our website" target="_blank">{_LINK_STYLE}'
        "www.riverside-carers.example.org</span></a><br>"
        f"{charity}</span><o:p></o:p></p>\n"
    )
    quote = "".join(
        f"<p class=MsoNormal>{html_text.escape(line)}<o:p></o:p></p>\n" for line in quoted
    )
    border = "border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"
    return (
        f"{_HEAD}{paragraphs}<p class=MsoNormal>Kind regards,<o:p></o:p></p>\n{signature}"
        '<p class=MsoNormal><img border=0 width=220 height=60 id="Picture_x0020_1"'
        f' style=\'width:2.2916in;height:.625in\' src="cid:{logo}" alt="Riverside Carers logo">'
        "<o:p></o:p></p>"
        + (f"<div style='{border}' data-outlook-trace=\"F:1|T:1\">{quote}</div>" if quoted else "")
        + "</div></body></html>"
    )


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
