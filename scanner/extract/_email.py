"""RFC 5322 messages: free-text headers, bodies, attachments and forwarded messages.

Every header field is read as text, in the message and in each MIME part ("X-Patient:", a
part's Content-Description), but for display names only in address fields and for the fields
machines make (trace, authentication, ids, dates: ``_MACHINE_HEADERS``); of Content-Type and
Content-Disposition, the parameters' values (a ``name``, an external body's URL).

The stdlib parser with ``policy.default`` does the MIME work and tolerates damage (a missing
closing boundary or a bad base64 line becomes a defect, not an exception). Everything that can
still fail (a header the policy cannot parse, an unknown charset) is read a plainer way.

A defect that can hide content makes the message unscannable: another mail program may find
parts, or decode text, where the stdlib parser found none (see ``_hiding_defects``). Defects
that leave every part found and decoded (a closing boundary missing at the very end, base64
without its final padding, damaged header values) do not: what they spoil is still read.
Lines the parser drops (a folded line at the very top, a stray ``From`` line among the header
fields) are read as text, and so is the text around a multipart's parts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from email import errors, policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value

from scanner.charsets import decode_text
from scanner.extract._context import ExtractionContext
from scanner.extract._html import add_html
from scanner.extract._text import PGP_MESSAGE
from scanner.filetype import FileType, sniff

# Headers whose whole value is free text a person wrote.
_TEXT_HEADERS = ("subject", "comments", "keywords", "thread-topic")
# Address headers: their display names are free text ("Jane Smith (carer)").
_ADDRESS_HEADERS = (
    "from", "sender", "reply-to", "to", "cc", "bcc",
    "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc",
)  # fmt: skip
# Every other header field is read as text too (an "X-Patient:" field, a Content-Description),
# except these, whose values are made by machines (trace, authentication, threading ids, dates,
# envelope addresses that mail servers add) and would only give false findings. The MIME
# fields' own syntax is not read either: only their parameters' values (see ``_PARAMETERS``).
_MACHINE_HEADERS = frozenset(
    {
        "received", "return-path", "dkim-signature", "domainkey-signature",
        "authentication-results", "received-spf", "message-id", "references", "in-reply-to",
        "date", "resent-date", "resent-message-id", "mime-version",
        "content-transfer-encoding", "content-type", "content-disposition",
        "delivered-to", "x-original-to", "envelope-to", "x-envelope-from", "x-envelope-to",
        "content-id", "errors-to", "x-beenthere", "final-recipient", "original-recipient",
        "original-envelope-id", "x-authenticated-sender", "x-sender", "x-receiver",
        "x-return-path", "x-complaints-to", "x-report-abuse", "x-antiabuse",
        "x-get-message-sender-via", "x-csa-complaints", "x-mdaemon-deliver-to",
    }
)  # fmt: skip
# Prefixes of machine-made fields: ARC sealing, and Exchange's internal fields (GUIDs, counts,
# anti-spam scores) except those whose names say they carry free text (``_FREE_TEXT_ENDINGS``).
# Mailing-list fields and spam filters' reports name the list's and the sender's addresses.
_MACHINE_PREFIXES = (
    "arc-", "x-ms-exchange-", "x-microsoft-antispam", "x-forefront-", "list-", "x-spam-",
    "x-smtpd-",
)  # fmt: skip
_FREE_TEXT_ENDINGS = ("-subject", "-description", "-comments", "-topic", "-name", "-title")
# Content-Type and Content-Disposition parameters that are syntax, not text a person wrote.
_SYNTAX_PARAMETERS = frozenset(
    {
        "boundary", "charset", "format", "delsp", "reply-type", "protocol", "micalg", "type",
        "start", "start-info", "method", "access-type", "size", "creation-date",
        "modification-date", "read-date", "report-type", "smime-type", "number", "total",
        "expiration", "mode", "padding", "x-mac-type", "x-mac-creator",
    }
)  # fmt: skip
# Body parts as they are declared; a body must also sniff as text.
_BODY_TYPES = frozenset({"text/plain", "text/html"})
_TEXT_LIKE = frozenset({FileType.TEXT, FileType.HTML, FileType.EMAIL})
# Transfer encodings the stdlib decodes (anything else it hands back as it came) or that need
# no decoding.
_UU_ENCODINGS = frozenset({"x-uuencode", "uuencode", "uue", "x-uue"})
_KNOWN_ENCODINGS = (
    frozenset({"", "7bit", "8bit", "binary", "quoted-printable", "base64"}) | _UU_ENCODINGS
)
_UNENCODED = frozenset({"", "7bit", "8bit", "binary"})
# A multipart whose parts were not found: the stdlib keeps its body as one undecoded string.
_NO_PARTS = (
    errors.StartBoundaryNotFoundDefect,
    errors.NoBoundaryInMultipartDefect,
    errors.MultipartInvariantViolationDefect,
)
# Lines the parser drops from a header block; their text is read instead.
_DROPPED_LINES = (errors.FirstHeaderLineIsContinuationDefect, errors.MisplacedEnvelopeHeaderDefect)
_HEADER_FIELD = re.compile(r"[!-9;-~]+[ \t]*:")
_DATA_AFTER_PADDING = re.compile(r"=[^A-Za-z0-9+/]*[A-Za-z0-9+/]")
# In base64 text, anything but its alphabet and white space: prose where base64 was declared
# (a damaged or forged Content-Transfer-Encoding). Decoders skip it, so the text that goes
# out in clear would be read as nonsense.
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=\s]")


def read_email(data: bytes, context: ExtractionContext) -> None:
    """A whole message: its headers, then its MIME tree (see ``_read_part``)."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    _read_message(message, context)


@dataclass
class _Numbering:
    """Numbers for the places in one message (attachments, bodies, forwarded messages)."""

    attachments: int = 0
    forwarded: int = 0
    bodies: Counter[str] = field(default_factory=Counter)


def _read_message(message: Message, context: ExtractionContext) -> None:
    with context.reading("headers"):
        _read_headers(message, context)
    _read_part(message, context, _Numbering(), whole=True)


def _read_headers(message: Message, context: ExtractionContext) -> None:
    for name in (*_TEXT_HEADERS, *_ADDRESS_HEADERS):
        for raw in _raw_values(message, name):
            text = _header_text(name, raw, address=name in _ADDRESS_HEADERS)
            context.add_text(text, name)
    _read_other_fields(message, context)


def _read_other_fields(part: Message, context: ExtractionContext, *parts: str) -> None:
    """The fields of ``part``'s header not read as text or addresses, at ``parts / headers``:
    free-text fields whole, MIME fields' parameter values."""
    for name in other_text_fields(part):
        for raw in _raw_values(part, name.lower()):
            context.add_text(_header_text(name, raw, address=False), *parts, "headers", name)
    for header, parameter, value in _parameter_values(part):
        context.add_text(value, *parts, "headers", f"{header} {parameter}")


def other_text_fields(part: Message) -> list[str]:
    """The names (as written, once each) of ``part``'s header fields read whole as free text
    besides ``_TEXT_HEADERS`` and ``_ADDRESS_HEADERS``."""
    names: dict[str, str] = {}
    for key, _ in part.raw_items():
        lower = key.lower()
        if lower in _TEXT_HEADERS or lower in _ADDRESS_HEADERS or lower in _MACHINE_HEADERS:
            continue
        if lower.startswith(_MACHINE_PREFIXES) and not lower.endswith(_FREE_TEXT_ENDINGS):
            continue
        names.setdefault(lower, key)
    return list(names.values())


def _parameter_values(part: Message) -> list[tuple[str, str, str]]:
    """(header, parameter, value) of the Content-Type and Content-Disposition parameters that
    hold text (a ``name`` unlike the file name, an external body's URL); the file name itself
    is read with the attachment."""
    try:
        filename = _filename(part) if not part.is_multipart() else None
    except Exception:  # noqa: BLE001 - damaged parameters
        filename = None
    found = []
    for header in ("content-type", "content-disposition"):
        try:
            params = part.get_params(header=header) or []
        except Exception:  # noqa: BLE001 - damaged parameters: read the raw field instead
            for raw in _raw_values(part, header):
                found.append((header, "field", _decode_words(raw)))
            continue
        for key, value in params[1:]:  # the first is the type itself
            if key.lower() in _SYNTAX_PARAMETERS or not value:
                continue
            text = " ".join(_undo_surrogates(collapse_rfc2231_value(value)).split())
            if text and text != filename:
                found.append((header, key.lower(), text))
    return found


def _raw_values(message: Message, name: str) -> list[str]:
    return [str(value) for key, value in message.raw_items() if key.lower() == name]


def _header_text(name: str, raw: str, *, address: bool) -> str:
    """The free text of one header value: display names for address headers.

    ``policy.default`` decodes RFC 2047 words and parses addresses. A value it cannot parse, or
    decodes with replacement characters (an unknown or wrong charset), is decoded word by word
    with fallback charsets instead; an address header then yields its whole value.
    """
    try:
        header = policy.default.header_fetch_parse(name, raw)
        if address:
            names = [group.display_name for group in header.groups if group.display_name]
            names += [a.display_name for a in header.addresses if a.display_name]
            text = "\n".join(names)
        else:
            text = str(header)
    except Exception:  # noqa: BLE001 - the header parser raises many things on damaged input
        return _decode_words(raw)
    return _decode_words(raw) if "\ufffd" in text else text


def _decode_words(raw: str) -> str:
    """Decode RFC 2047 encoded words in ``raw`` with fallback charsets; never raises."""
    unfolded = " ".join(raw.split())
    try:
        chunks = decode_header(unfolded)
    except Exception:  # noqa: BLE001 - fall back to the raw value
        return _undo_surrogates(unfolded)
    pieces = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            pieces.append(_undo_surrogates(chunk))
        else:
            pieces.append(decode_text(chunk, charset))
    return "".join(pieces)


def _undo_surrogates(text: str) -> str:
    """8-bit header bytes arrive as surrogate escapes; decode them as text."""
    return decode_text(text.encode("utf-8", "surrogateescape"))


def _read_part(
    part: Message, context: ExtractionContext, numbering: _Numbering, *, whole: bool = False
) -> None:
    """One MIME part; ``whole`` when it is a message (the top, or a forwarded one)."""
    if not context.count_mime_part():
        return
    place = f"MIME part ({part.get_content_type()})"
    where = context.here("the message") if whole else context.where(place)
    payload = part.get_payload()
    if not isinstance(payload, list):
        if not whole:
            _read_other_fields(part, context, place)
        with context.reading(place):
            _read_leaf(part, context, numbering)
        _check_defects(part, payload, context, where)  # after decoding, which adds defects
        return
    _check_defects(part, part.preamble, context, where)
    if not whole:
        _read_other_fields(part, context, place)
    for name in ("preamble", "epilogue"):
        around = getattr(part, name)
        if isinstance(around, str):
            context.add_text(around, f"{name} ({part.get_content_type()})")
    subparts = [subpart for subpart in payload if isinstance(subpart, Message)]
    if part.get_content_maintype() == "message":
        if _transfer_encoding(part) not in _UNENCODED:
            context.unscannable(
                f"{where} is a forwarded message with a transfer encoding; it could not be read"
            )
        if part.get_content_type() == "message/partial":
            context.unscannable(
                f"{where} is one piece of a message sent in several (message/partial); "
                "it cannot be read whole"
            )
        _read_forwarded(subparts, context, numbering)
        return
    inner = context.deeper()
    if inner.enter_level():
        for subpart in subparts:
            _read_part(subpart, inner, numbering)


def _read_forwarded(
    messages: list[Message], context: ExtractionContext, numbering: _Numbering
) -> None:
    numbering.forwarded += 1
    count = numbering.forwarded
    inner = context.deeper("forwarded message" if count == 1 else f"forwarded message {count}")
    if inner.enter_level():
        for message in messages:
            _read_message(message, inner)


def _check_defects(part: Message, body: object, context: ExtractionContext, where: str) -> None:
    """Make the message unscannable for each of ``part``'s defects that can hide content, and
    read the text of lines the parser dropped. ``body`` is the part's undecoded text (its
    preamble for a multipart)."""
    for defect in part.defects:
        if isinstance(defect, _DROPPED_LINES):
            line = getattr(defect, "line", None)
            if isinstance(line, str):
                context.add_text(_undo_surrogates(line), "headers", "dropped line")
    for reason in _hiding_defects(part, body):
        context.unscannable(f"{where} {reason}")


def _hiding_defects(part: Message, body: object) -> list[str]:
    """Why ``part`` may hold content the stdlib parser did not find or decode, in words."""
    defects = part.defects
    reasons: list[str] = []
    if any(isinstance(d, _NO_PARTS) for d in defects):
        reasons.append(
            "is a multipart whose parts could not be found (it has no boundary, or its "
            "boundary never appears); its parts could not be read"
        )
    if any(isinstance(d, errors.InvalidBase64LengthDefect) for d in defects):
        reasons.append("has base64 text of an impossible length; it could not be decoded")
    elif isinstance(body, str) and _base64(part) and _NOT_BASE64.search(body):
        reasons.append(
            "has text that is not base64 where base64 was declared; it could not be decoded"
        )
    elif any(isinstance(d, errors.InvalidBase64CharactersDefect) for d in defects) and (
        isinstance(body, str) and _DATA_AFTER_PADDING.search(body)
    ):
        # Other stray characters (spaces at line ends) are skipped by every decoder alike;
        # after an "=" the stdlib stops or shifts, where a decoder working line by line goes on.
        reasons.append(
            "has base64 text that goes on after its padding ('='); it may not have been "
            "decoded in full"
        )
    separator = any(isinstance(d, errors.MissingHeaderBodySeparatorDefect) for d in defects)
    if separator and isinstance(body, str) and _header_fields_follow(body):
        reasons.append(
            "has a line that is not a header field inside its header block, with more "
            "header fields after it; how its content is encoded could not be told"
        )
    if not isinstance(part.get_payload(), list):
        encoding = _transfer_encoding(part)
        if encoding not in _KNOWN_ENCODINGS:
            reasons.append("has a transfer encoding confide does not know; it was not decoded")
    return reasons


def _base64(part: Message) -> bool:
    return not isinstance(part.get_payload(), list) and _transfer_encoding(part) == "base64"


def _header_fields_follow(body: str) -> bool:
    """Whether header fields follow the first line of ``body`` before its first empty line:
    the parser ended the header block at that line, and took the fields after it as text."""
    for line in re.split(r"\r\n|\r|\n", body)[1:]:
        if not line:
            return False
        if _HEADER_FIELD.match(line):
            return True
    return False


def _transfer_encoding(part: Message) -> str:
    """The transfer encoding exactly as the stdlib compares it when decoding."""
    return str(part.get("content-transfer-encoding", "")).lower()


def _read_leaf(part: Message, context: ExtractionContext, numbering: _Numbering) -> None:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = b""
    content_type = part.get_content_type()
    if _transfer_encoding(part) in _UU_ENCODINGS and data.lstrip().startswith(b"begin"):
        # The stdlib hands back uuencoded text it could not decode as it came.
        where = context.where(f"MIME part ({content_type})")
        context.unscannable(f"{where} has damaged uuencoded text; it could not be decoded")
    if _is_body(part, content_type) and sniff(data) in _TEXT_LIKE:
        numbering.bodies[content_type] += 1
        count = numbering.bodies[content_type]
        place = f"body ({content_type})" if count == 1 else f"body {count} ({content_type})"
        text = decode_text(data, _charset(part))
        if content_type == "text/html":
            add_html(text, context, place)
        else:
            context.add_text(text, place)
        if PGP_MESSAGE in text:
            context.unscannable(f"{context.where(place)} contains a PGP-encrypted message")
        return
    numbering.attachments += 1
    filename = _filename(part)
    place = f"attachment {numbering.attachments}"
    if filename:
        place += f" '{filename}'"
        context.add_text(filename, place, "file name")
    context.nested(data, place)


def _is_body(part: Message, content_type: str) -> bool:
    return (
        content_type in _BODY_TYPES
        and part.get_content_disposition() != "attachment"
        and _filename(part) is None
    )


def _filename(part: Message) -> str | None:
    """The part's file name (RFC 2231 and RFC 2047 decoded), or ``None``."""
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - damaged parameters: fall back to the raw value
        raw = part.get_param("filename", header="content-disposition")
        name = raw if isinstance(raw, str) else None
    return " ".join(_undo_surrogates(name).split()) if name else None


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:  # noqa: BLE001 - a damaged charset parameter is no charset
        return None
