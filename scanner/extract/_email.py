"""RFC 5322 messages: free-text headers, bodies, attachments and forwarded messages.

Every header field is read as text, in the message and in each MIME part ("X-Patient:", a
part's Content-Description), but for display names only in the message's own address fields
(its envelope; a forwarded message's are content, read whole with their addresses) and for the
fields machines make (trace, authentication, ids, dates: ``scanner.mime_parts``); of
Content-Type and Content-Disposition, the parameters' values (a ``name``, an external body's
URL).

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
from email import errors
from email.message import Message
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value

from scanner.charsets import charset_problem, decode_text, exact_charset
from scanner.extract._context import ExtractionContext
from scanner.extract._enriched import ENRICHED_TYPES, shown_text
from scanner.extract._flowed import unflowed
from scanner.extract._html import add_html
from scanner.extract._text import PGP_MESSAGE
from scanner.extract._uuencoded import read_uuencoded
from scanner.filetype import FileType, sniff
from scanner.mime_parts import (
    ADDRESS_HEADERS,
    TEXT_HEADERS,
    ParsedOnce,
    decode_words,
    header_text,
    is_body,
    other_text_fields,
    part_charset,
    part_filename,
    signature_part,
    undo_surrogates,
)

# Content-Type and Content-Disposition parameters that are syntax, not text a person wrote.
_SYNTAX_PARAMETERS = frozenset(
    {
        "boundary", "charset", "format", "delsp", "reply-type", "protocol", "micalg", "type",
        "start", "start-info", "method", "access-type", "size", "creation-date",
        "modification-date", "read-date", "report-type", "smime-type", "number", "total",
        "expiration", "mode", "padding", "x-mac-type", "x-mac-creator",
    }
)  # fmt: skip
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
    message = BytesParser(policy=ParsedOnce.new()).parsebytes(data)
    _read_message(message, context, outer=True)


@dataclass
class _Numbering:
    """Numbers for the places in one message (attachments, bodies, forwarded messages)."""

    attachments: int = 0
    forwarded: int = 0
    bodies: Counter[str] = field(default_factory=Counter)


def _read_message(message: Message, context: ExtractionContext, *, outer: bool) -> None:
    """A message's headers and MIME tree; ``outer`` when it is the message itself, not one
    forwarded inside it."""
    with context.reading("headers"):
        _read_headers(message, context, outer=outer)
    _read_part(message, context, _Numbering(), whole=True)


def _read_headers(message: Message, context: ExtractionContext, *, outer: bool) -> None:
    """The message's free-text and address fields. Only the outer message's address fields
    are its envelope, read for their display names alone; a forwarded message's are content
    someone copied in ("From: Margaret Okonkwo <m.okonkwo@gmail.com>"), read whole, the
    addresses with the names, so that they are found and judged like any text."""
    for name in (*TEXT_HEADERS, *ADDRESS_HEADERS):
        address = name in ADDRESS_HEADERS
        for raw in _raw_values(message, name):
            text = header_text(name, raw, address=address)
            if address and not outer:
                text = f"{text}\n{decode_words(raw)}" if text else decode_words(raw)
            context.add_text(text, name)
    _read_other_fields(message, context)


def _read_other_fields(part: Message, context: ExtractionContext, *parts: str) -> None:
    """The fields of ``part``'s header not read as text or addresses, at ``parts / headers``:
    free-text fields whole, MIME fields' parameter values."""
    for name in other_text_fields(part):
        for raw in _raw_values(part, name.lower()):
            context.add_text(header_text(name, raw, address=False), *parts, "headers", name)
    for header, parameter, value in _parameter_values(part):
        context.add_text(value, *parts, "headers", f"{header} {parameter}")


def _parameter_values(part: Message) -> list[tuple[str, str, str]]:
    """(header, parameter, value) of the Content-Type and Content-Disposition parameters that
    hold text (a ``name`` unlike the file name, an external body's URL); the file name itself
    is read with the attachment."""
    try:
        filename = part_filename(part) if not part.is_multipart() else None
    except Exception:  # noqa: BLE001 - damaged parameters
        filename = None
    found = []
    for header in ("content-type", "content-disposition"):
        try:
            params = part.get_params(header=header) or []
        except Exception:  # noqa: BLE001 - damaged parameters: read the raw field instead
            for raw in _raw_values(part, header):
                found.append((header, "field", decode_words(raw)))
            continue
        for key, value in params[1:]:  # the first is the type itself
            if key.lower() in _SYNTAX_PARAMETERS or not value:
                continue
            text = " ".join(undo_surrogates(collapse_rfc2231_value(value)).split())
            if text and text != filename:
                found.append((header, key.lower(), text))
    return found


def _raw_values(message: Message, name: str) -> list[str]:
    return [str(value) for key, value in message.raw_items() if key.lower() == name]


def _read_part(
    part: Message,
    context: ExtractionContext,
    numbering: _Numbering,
    *,
    whole: bool = False,
    signature: bool = False,
) -> None:
    """One MIME part; ``whole`` when it is a message (the top, or a forwarded one);
    ``signature`` when it is a signed multipart's signature (``mime_parts.signature_part``),
    whose content is not read: only its header fields and its defects."""
    if not context.count_mime_part():
        return
    place = f"MIME part ({part.get_content_type()})"
    where = context.here("the message") if whole else context.where(place)
    payload = part.get_payload()
    if not isinstance(payload, list):
        if not whole:
            _read_other_fields(part, context, place)
        with context.reading(place):
            if not signature:
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
    signed_by = signature_part(part)
    if inner.enter_level():
        for subpart in subparts:
            _read_part(subpart, inner, numbering, signature=subpart is signed_by)


def _read_forwarded(
    messages: list[Message], context: ExtractionContext, numbering: _Numbering
) -> None:
    numbering.forwarded += 1
    count = numbering.forwarded
    inner = context.deeper("forwarded message" if count == 1 else f"forwarded message {count}")
    if inner.enter_level():
        for message in messages:
            _read_message(message, inner, outer=False)


def _check_defects(part: Message, body: object, context: ExtractionContext, where: str) -> None:
    """Make the message unscannable for each of ``part``'s defects that can hide content, and
    read the text of lines the parser dropped. ``body`` is the part's undecoded text (its
    preamble for a multipart)."""
    for defect in part.defects:
        if isinstance(defect, _DROPPED_LINES):
            line = getattr(defect, "line", None)
            if isinstance(line, str):
                context.add_text(undo_surrogates(line), "headers", "dropped line")
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


def _flowed(part: Message) -> bool:
    """Whether ``part`` is plain text sent with soft line breaks (RFC 3676)."""
    return part.get_content_type() == "text/plain" and _parameter(part, "format") == "flowed"


def _parameter(part: Message, name: str) -> str:
    """A Content-Type parameter's value in lower case, "" when absent or damaged."""
    try:
        value = part.get_param(name)
    except Exception:  # noqa: BLE001 - damaged parameters are no parameters
        return ""
    return value.strip().lower() if isinstance(value, str) else ""


def _check_charset(
    data: bytes, charset: str | None, context: ExtractionContext, place: str
) -> None:
    """Make the message unscannable when the text ``data`` at ``place`` cannot be read
    reliably in its declared ``charset`` (``charsets.charset_problem``), unless it is valid
    UTF-8: mislabelled UTF-8, most likely (real mail labelled gb2312 is), which is then read
    as UTF-8 as well as in its declared charset (with replacement characters, as a mail
    program shows it), so each way a program may show it is read."""
    problem = charset_problem(data, charset)
    if problem is None:
        return
    if not data.isascii():
        try:
            as_utf8 = data.decode("utf-8")
        except ValueError:
            pass
        else:
            context.add_text(as_utf8, place, "as UTF-8")
            return
    context.unscannable(f"{context.where(place)} {problem}")


def _read_leaf(part: Message, context: ExtractionContext, numbering: _Numbering) -> None:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = b""
    content_type = part.get_content_type()
    if _transfer_encoding(part) in _UU_ENCODINGS and data.lstrip().startswith(b"begin"):
        # The stdlib hands back uuencoded text it could not decode as it came.
        where = context.where(f"MIME part ({content_type})")
        context.unscannable(f"{where} has damaged uuencoded text; it could not be decoded")
    if is_body(part, content_type) and sniff(data) in _TEXT_LIKE:
        numbering.bodies[content_type] += 1
        count = numbering.bodies[content_type]
        place = f"body ({content_type})" if count == 1 else f"body {count} ({content_type})"
        charset = part_charset(part)
        text = decode_text(data, charset)
        _check_charset(data, charset, context, place)
        if _flowed(part):
            text = unflowed(text, _parameter(part, "delsp") == "yes")
        if content_type == "text/html":
            add_html(text, context, place)
        else:
            context.add_text(text, place)
            read_uuencoded(text, context, place)
        if PGP_MESSAGE in text:
            context.unscannable(f"{context.where(place)} contains a PGP-encrypted message")
        return
    numbering.attachments += 1
    filename = part_filename(part)
    place = f"attachment {numbering.attachments}"
    if filename:
        place += f" '{filename}'"
        context.add_text(filename, place, "file name")
    charset = part_charset(part)
    if exact_charset(charset) and sniff(data) in _TEXT_LIKE:
        # Read as text by its bytes alone (``context.nested``), it would be read as UTF-8:
        # read it as the recipient's program shows it, in its declared charset, too.
        context.add_text(decode_text(data, charset), place, "in its declared charset")
        _check_charset(data, charset, context, place)
    if content_type in ENRICHED_TYPES:
        # Its markup may split words and numbers: read it as shown, as well as a file.
        shown = shown_text(decode_text(data, part_charset(part)), content_type)
        context.add_text(shown, place, "as shown")
    context.nested(data, place)
