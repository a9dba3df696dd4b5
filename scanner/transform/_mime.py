"""Messages in and out of the email package's tree, and the edits the transforms make to it.

Parsing and writing use ``policy.SMTP`` (CRLF) with ``refold_source="none"``: a header nobody
changed is written back exactly as it came, so an encoded word holding a line break stays
encoded and cannot become a header of its own. A header that is changed is decoded, has its
line breaks replaced by spaces, and is encoded again by the policy.
"""

from __future__ import annotations

import base64
import io
import quopri
from collections.abc import Callable, Iterator
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser

from scanner.charsets import decode_text
from scanner.limits import ScanLimits
from scanner.mime_parts import ParsedOnce, signature_part
from scanner.mime_parts import header_text as _header_text
from scanner.mime_parts import is_body as _is_body
from scanner.mime_parts import part_charset as _charset
from scanner.mime_parts import part_filename as _filename
from scanner.transform._error import TransformError
from scanner.transform._headers import MAX_LINE

# The bounds a scan works within: a message the scanner could read can be transformed.
DEFAULT_LIMITS = ScanLimits()


def parsed(raw: bytes, limits: ScanLimits) -> Message:
    """The message tree of ``raw``, within the item-size and MIME bounds of ``limits``."""
    if len(raw) > limits.max_item_bytes:
        raise TransformError(f"the message is over the {limits.max_item_bytes}-byte limit")
    try:
        # policy.SMTP (refold_source "none", see above), each field parsed once.
        reading = ParsedOnce.new(linesep="\r\n", refold_source="none")
        message = BytesParser(policy=reading).parsebytes(raw)
        parts = sum(1 for _ in message.walk())
        depth = _depth(message, limits.max_mime_depth)
    except Exception as error:  # noqa: BLE001 - the parser fails in many ways on damaged MIME
        raise TransformError(f"the message could not be parsed ({type(error).__name__})") from None
    if parts > limits.max_mime_parts:
        raise TransformError(f"the message has more than {limits.max_mime_parts} MIME parts")
    if depth > limits.max_mime_depth:
        raise TransformError(f"the message is nested more than {limits.max_mime_depth} levels")
    return message


def _depth(part: Message, bound: int) -> int:
    """How deep ``part``'s tree goes, counting no further than just past ``bound``."""
    payload = part.get_payload()
    if not isinstance(payload, list) or bound < 0:
        return 0
    return 1 + max((_depth(p, bound - 1) for p in payload if isinstance(p, Message)), default=0)


def unsigned(message: Message) -> Message:
    """``message`` with each signed multipart (``mime_parts.signature_part``), at any depth,
    replaced by the part it signs, its signature dropped: for a copy that is changed (marked
    or redacted), whose signature would no longer verify, and a program shows a signature
    that fails as a warning that the message was tampered with. A message that is itself
    signed keeps its own header fields (From, To, Subject...) but for its MIME fields, which
    the signed part's replace."""
    if signature_part(message) is not None:
        message = _as_signed_part(message)
    for part in list(message.walk()):
        children = part.get_payload()
        if isinstance(children, list):
            for number, child in enumerate(children):
                if isinstance(child, Message) and signature_part(child) is not None:
                    children[number] = _as_signed_part(child)
    return message


def _as_signed_part(signed: Message) -> Message:
    """The part ``signed`` signs, with the header fields of ``signed`` that are not MIME
    fields before its own."""
    parts = signed.get_payload()
    content = parts[0] if isinstance(parts, list) else None
    if not isinstance(content, Message):  # ``signature_part`` found two parts: never so
        return signed
    fields = [(k, v) for k, v in signed.raw_items() if not k.lower().startswith("content-")]
    fields += list(content.raw_items())
    for name in {name for name, _ in content.raw_items()}:
        del content[name]
    for name, value in fields:
        content.set_raw(name, value)
    return unsigned(content) if signature_part(content) is not None else content


def serialised(message: Message) -> bytes:
    """The message as bytes with CRLF line endings."""
    buffer = io.BytesIO()
    try:
        BytesGenerator(buffer).flatten(message)  # with the policy it was parsed with
    except Exception as error:  # noqa: BLE001 - damaged MIME the generator cannot write back
        raise TransformError(
            f"the message's MIME structure could not be written back ({type(error).__name__})"
        ) from None
    return buffer.getvalue()


def messages(message: Message) -> Iterator[Message]:
    """The message and every message forwarded inside it (message/rfc822), at any depth."""
    yield message
    for part in message.walk():
        if part.get_content_maintype() == "message" and part.is_multipart():
            yield from (p for p in part.get_payload() if isinstance(p, Message))


def leaves(message: Message) -> Iterator[Message]:
    """Every part that holds content (not a multipart or a forwarded message), at any depth."""
    return (part for part in message.walk() if not part.is_multipart())


def is_body(part: Message) -> bool:
    """Whether the part is a text/plain or text/html body, not an attachment."""
    return _is_body(part, part.get_content_type())


def attachment_name(part: Message, number: int, kind: str) -> str:
    """Words for an attachment in a reason: "the PDF attachment 'report.pdf'"."""
    filename = _filename(part)
    return (
        f"the {kind} attachment '{filename}'" if filename else f"the {kind} attachment no. {number}"
    )


def payload_bytes(part: Message) -> bytes:
    """The decoded content of a leaf part."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def text_of(part: Message) -> str:
    """The text of a text part, decoded from its charset (or a good guess at it)."""
    return decode_text(payload_bytes(part), _charset(part)).replace("\r\n", "\n")


def set_text(part: Message, text: str) -> None:
    """Replace a text part's content, in its declared charset when that can encode ``text``,
    else in UTF-8; other header fields of the part stay as they were."""
    charset = _charset(part) or "us-ascii"
    try:
        data = text.encode(charset)
    except (LookupError, UnicodeError):
        charset, data = "utf-8", text.encode("utf-8")
    was = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if was == "base64":
        encoding, payload = "base64", base64.encodebytes(data).decode("ascii")
    elif was != "quoted-printable" and data.isascii() and _short_lines(data):
        encoding, payload = "7bit", data.decode("ascii")
    else:
        encoding, payload = "quoted-printable", quopri.encodestring(data).decode("ascii")
    del part["Content-Transfer-Encoding"]
    part["Content-Transfer-Encoding"] = encoding
    part.set_param("charset", charset, replace="content-type" in part)
    part.set_payload(payload)


def set_bytes(part: Message, data: bytes) -> None:
    """Replace a part's content with ``data``, base64-encoded."""
    del part["Content-Transfer-Encoding"]
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64.encodebytes(data).decode("ascii"))


def _short_lines(data: bytes) -> bool:
    return all(len(line) <= MAX_LINE for line in data.split(b"\n"))


def one_line(value: str) -> str:
    """A header value with every CR and LF replaced by a space."""
    return value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def raw_values(message: Message, name: str) -> list[str]:
    """The values of every ``name`` field as they came, not decoded."""
    return [str(v) for k, v in message.raw_items() if k.lower() == name.lower()]


def rewrite_header(message: Message, name: str, change: Callable[[str], str]) -> None:
    """Give every ``name`` field the value ``change`` makes of its decoded text, on one line.

    A field whose value stays the same is left exactly as it came.
    """
    values = [_header_text(name, raw, address=False) for raw in raw_values(message, name)]
    replace_values(message, name, values, [one_line(change(value)) for value in values])


def replace_values(message: Message, name: str, old: list[str], new: list[str]) -> None:
    """Set the ``name`` fields to ``new`` (one value per field) unless that is ``old``."""
    if new == old:
        return
    if len(new) == 1:
        message.replace_header(name, new[0])
        return
    # The name as the message wrote it (header names are case-insensitive; keep its spelling).
    name = next((k for k, _ in message.raw_items() if k.lower() == name.lower()), name)
    del message[name]  # several fields of one name: written again together, at the end
    for value in new:
        # As ``message[name] = value`` does, without its refusal of a second Subject: the
        # message came with several, and each one's value must change.
        message.set_raw(*message.policy.header_store_parse(name, value))
