"""Every header field of a finished copy, as a message to scan: the safety net's own reading
of the header, which shares none of the first pass's choices of what to read.

A scan reads a message's header as its sender's mail program wrote it: free-text fields
whole, address fields for their display names, and not at all the fields machines make
(trace, ids), which would only give false findings there. A redacted copy is different: it
is what confide sends, and nothing in it may go unread. ``header_fields_message`` turns the
header of every message, forwarded message and MIME part of a copy into the body of a plain
text message, one line per field, each value whole (addresses, ids, parameters) and with its
RFC 2047 words decoded, so that the net scans and judges all of it as content. A value with
an "@" in it (an address, an id) is read a second time with its punctuation made spaces:
read as one address, "<joseph-okafor-9434765919@host>" would hide the name and the number.

Ids (Message-ID, In-Reply-To, References, Content-ID) are read without the runs mail
programs make in them (UUIDs, hex runs, time stamps, Python's ``make_msgid``) unless those
hold a number a person could have written (``scanner.made_ids``): their digits are no one's,
and read as content they matched card numbers; the rest of each id (a name) is read.

Only two kinds of value are left out, and only in the exact forms confide writes: the
copy's own From, To and Cc, which become the From, To and Cc of the message made here (so
their addresses are the sender and the recipients, and their display names are read as a
scan reads any message's: as content, but for a correspondent's own name alone,
``scanner.attribution``), and the Message-ID and multipart boundaries that redaction makes of
random letters (``scanner.made_ids``). Anything else, in any field of any name,
is read.

Two kinds of field need no second reading, and the net leaves them out: one whose whole value
(with no "@" in it) is, white space aside, the text of a segment the net has read already as
content in the same copy
(``read``: a Subject, a Content-Description, as the copy's own reading found them), and one
written wholly in MIME's own words, checked here word by word (``_in_mime_words``):
MIME-Version 1.0, a Content-Transfer-Encoding, a Content-Type that is a known media type with
at most a known charset and its format or delsp, a bare Content-Disposition, and a Date in
the form RFC 5322 gives it. Nothing a person wrote can stand in those.
"""

from __future__ import annotations

import codecs
import mimetypes
import re
from collections.abc import Collection
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from scanner.made_ids import BOUNDARY, MESSAGE_ID, as_written, holds_written_number
from scanner.mime_parts import decode_words

# The copy's own address fields, read as every scan reads them: the message's envelope.
ENVELOPE = frozenset({"from", "to", "cc"})
# Ids, read without the runs mail programs make in them unless those hold a number a person
# wrote (``scanner.made_ids``): a signature logo's Content-ID made by Python's make_msgid read
# as a card number, and every redacted copy of such a message was held.
_IDS = frozenset({"message-id", "in-reply-to", "references", "resent-message-id", "content-id"})
_ID_PUNCTUATION = re.compile(r"[^\w\s]+|_+")
_OUR_BOUNDARY = re.compile(rf"""boundary\s*=\s*"?{BOUNDARY.pattern}"?\s*;?""", re.IGNORECASE)
# MIME's own words (``_in_mime_words``): media types a program names, the parameters that
# go with text, encodings, and RFC 5322's date.
_MULTIPART = frozenset(
    f"multipart/{s}" for s in ("mixed", "alternative", "related", "signed", "encrypted", "report")
) | frozenset(f"message/{s}" for s in ("rfc822", "delivery-status", "global"))
_MEDIA_TYPES = frozenset(mimetypes.types_map.values()) | _MULTIPART
_CONTENT_TYPE = re.compile(
    r"\s*(?P<type>[a-z0-9.+-]+/[a-z0-9.+-]+)\s*"
    r"(?P<parameters>(?:;\s*[a-z-]+\s*=\s*(?:\"[a-z0-9_.:-]*\"|[a-z0-9_.:-]*)\s*)*);?\s*",
    re.IGNORECASE,
)
_PARAMETER = re.compile(r";\s*([a-z-]+)\s*=\s*\"?([a-z0-9_.:-]*)\"?", re.IGNORECASE)
_PARAMETER_WORDS = {
    "format": frozenset({"flowed", "fixed"}),
    "delsp": frozenset({"yes", "no"}),
    "reply-type": frozenset({"original", "response"}),
}
_ENCODING = re.compile(r"\s*(?:7bit|8bit|binary|quoted-printable|base64)\s*", re.IGNORECASE)
_DISPOSITION = re.compile(r"\s*(?:inline|attachment)\s*;?\s*", re.IGNORECASE)
_VERSION = re.compile(r"\s*1\.0\s*")
_DATE = re.compile(
    r"\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{4}\s+"
    r"\d{2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|GMT|UTC?)?\s*(?:\([A-Z]{1,5}\))?\s*"
)
_WHOLE_FIELDS = {
    "mime-version": _VERSION,
    "content-transfer-encoding": _ENCODING,
    "content-disposition": _DISPOSITION,
    "date": _DATE,
}


def header_fields_message(raw: bytes, read: Collection[str] = ()) -> bytes | None:
    """A message whose body lists every header field of ``raw`` but those whose value is
    one of the texts already ``read`` or is in MIME's own words (see the module's doc);
    ``None`` when no field is left but the copy's own From, To and Cc, which the copy's own
    reading reads as this message would."""
    message = BytesParser(policy=policy.compat32).parsebytes(raw)
    texts = frozenset(" ".join(text.split()) for text in read)
    try:
        return _made(message, texts, envelope=True)
    except Exception:  # noqa: BLE001 - an envelope field that cannot be written: read as text
        return _made(message, texts, envelope=False)


def _made(message: Message, read: frozenset[str], *, envelope: bool) -> bytes | None:
    made = EmailMessage(policy=policy.SMTP)
    lines: list[str] = []
    # A field given more than once ("Cc" and "CC") is one list of addresses, as mail
    # programs read it; the message made here may have each once.
    addresses: dict[str, list[str]] = {}
    for name, value in message.items():
        if envelope and name.lower() in ENVELOPE:
            addresses.setdefault(name.lower(), []).append(
                " ".join(decode_words(str(value)).split())
            )
            continue
        lines += _lines(name, value, read)
    for name, values in addresses.items():
        made[name] = ", ".join(values)
    for part in message.walk():
        if part is not message:
            lines += _fields_of(part, read)
    if envelope and not lines:
        return None
    made.set_content("\n".join(lines) + "\n", charset="utf-8", cte="8bit")
    return made.as_bytes()


def _fields_of(part: Message, read: frozenset[str]) -> list[str]:
    return [line for name, value in part.items() for line in _lines(name, value, read)]


def _lines(name: str, value: object, read: frozenset[str]) -> list[str]:
    text = decode_words(str(value))
    lower = name.lower()
    if lower == "message-id" and MESSAGE_ID.fullmatch(text.strip()):
        return []
    if ("@" not in text and " ".join(text.split()) in read) or _in_mime_words(lower, text):
        return []
    if lower in _IDS and not holds_written_number(text):
        text = as_written(text)  # the runs mail programs made: their digits are no one's
    if lower == "content-type":
        text = _OUR_BOUNDARY.sub("", text)
    if "@" not in text:
        return [f"{name}: {text}"]
    # Read as one address, "<joseph-okafor-9434765919@host>" hides the number and the name
    # in it: its words are read apart too.
    return [f"{name}: {text}", f"{name}: {_ID_PUNCTUATION.sub(' ', text)}"]


def _in_mime_words(name: str, text: str) -> bool:
    """Whether the field ``name`` (lower case) holds nothing but MIME's own words."""
    if name in _WHOLE_FIELDS:
        return bool(_WHOLE_FIELDS[name].fullmatch(text))
    if name != "content-type":
        return False
    found = _CONTENT_TYPE.fullmatch(_OUR_BOUNDARY.sub("", text))
    if not found or found["type"].lower() not in _MEDIA_TYPES:
        return False
    return all(_is_parameter(key.lower(), word) for key, word in _PARAMETER.findall(found[2]))


def _is_parameter(key: str, word: str) -> bool:
    if key == "charset":
        return _is_charset(word)
    return word.lower() in _PARAMETER_WORDS.get(key, ())


def _is_charset(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
