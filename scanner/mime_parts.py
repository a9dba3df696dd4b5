"""What a MIME part says of itself, read the same way by extraction and by the transforms.

Which header fields hold text a person wrote and that text (``header_text``), a part's file
name and charset, and whether it is a body. ``scanner.extract`` reads messages with these, and
``scanner.transform`` finds what to rewrite with them: a field the one reads is a field the
other rewrites. Both parse messages with ``ParsedOnce``.
"""

from __future__ import annotations

from email import policy
from email.header import decode_header
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message
from email.policy import EmailPolicy
from typing import Any

from scanner.charsets import decode_text
from scanner.filetype import is_detached_signature


class KeptHeaderClasses(HeaderRegistry):
    """The standard library's registry of header field classes, each field name's class made
    once. ``HeaderRegistry`` makes a new class (``type(...)``, tens of microseconds) every
    time a field is parsed or set, the same class each time for a name: about a sixth of the
    CPU of writing a hold notice, and of each field a message is read with. Here the first
    one made for a name is kept and handed out again; fields are made and read as before."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def map_to_type(self, name: str, cls: type[BaseHeader]) -> None:
        super().map_to_type(name, cls)
        self._made.pop(name.lower(), None)

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


# The header field classes every policy of confide's makes its fields with.
HEADER_CLASSES = KeptHeaderClasses()
# ``policy.default``, its fields' classes kept (``KeptHeaderClasses``).
DEFAULT_POLICY = policy.default.clone(header_factory=HEADER_CLASSES)


class ParsedOnce(EmailPolicy):
    """An ``EmailPolicy`` (``policy.default`` unless told otherwise) with each header field
    parsed once per message. The stdlib parses a field anew each time it is asked for (a
    part's Content-Type about ten times as the part is read, thirty fields a message as
    it is redacted), which was most of the time reading a message took. A parsed field is a
    string that is never changed, so handing out the same one each time gives the same; a
    field set anew has a new raw value, parsed when first asked for."""

    parsed: dict[tuple[str, str], str]  # (name, raw value) -> the parsed field

    @classmethod
    def new(cls, **options: Any) -> ParsedOnce:
        """A policy with ``options`` (as ``EmailPolicy`` takes them) for one message, with
        nothing parsed yet."""
        reading = cls(**{"header_factory": HEADER_CLASSES, **options})
        object.__setattr__(reading, "parsed", {})  # a policy's attributes are read-only
        return reading

    def header_fetch_parse(self, name: str, value: str) -> str:
        if hasattr(value, "name"):  # a parsed field already, as set by a program
            field: str = super().header_fetch_parse(name, value)
            return field
        key = (name, value)
        if key not in self.parsed:
            self.parsed[key] = super().header_fetch_parse(name, value)
        return self.parsed[key]


# Headers whose whole value is free text a person wrote.
TEXT_HEADERS = ("subject", "comments", "keywords", "thread-topic")
# Address headers: their display names are free text ("Jane Smith (carer)").
ADDRESS_HEADERS = (
    "from", "sender", "reply-to", "to", "cc", "bcc",
    "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc",
)  # fmt: skip
# Every other header field is read as text too (an "X-Patient:" field, a Content-Description),
# except these, whose values are made by machines (trace, authentication, threading ids, dates,
# envelope addresses that mail servers add) and would only give false findings. The MIME
# fields' own syntax is not read either: only their parameters' values (``scanner.extract._email``).
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
# The signatures a multipart/signed may end with (S/MIME, and OpenPGP/MIME).
SIGNATURE_TYPES = frozenset(
    {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
)
# Body parts as they are declared; a body must also sniff as text.
_BODY_TYPES = frozenset({"text/plain", "text/html"})


def other_text_fields(part: Message) -> list[str]:
    """The names (as written, once each) of ``part``'s header fields read whole as free text
    besides ``TEXT_HEADERS`` and ``ADDRESS_HEADERS``."""
    names: dict[str, str] = {}
    for key, _ in part.raw_items():
        lower = key.lower()
        if lower not in TEXT_HEADERS and read_whole(lower):
            names.setdefault(lower, key)
    return list(names.values())


def read_whole(name: str) -> bool:
    """Whether a scan reads the whole value of the field ``name`` (lower case) as free text:
    the ``TEXT_HEADERS`` and every field that is neither an address field (of which only the
    display names are read) nor made by machines."""
    if name in TEXT_HEADERS:
        return True
    if name in ADDRESS_HEADERS or name in _MACHINE_HEADERS:
        return False
    return not (name.startswith(_MACHINE_PREFIXES) and not name.endswith(_FREE_TEXT_ENDINGS))


def header_text(name: str, raw: str, *, address: bool) -> str:
    """The free text of one header value: display names and comments for address headers,
    each on a line of its own ("jo@agency.example (Margaret Hughes)" has a name too).

    ``policy.default`` decodes RFC 2047 words and parses addresses. A value it cannot parse, or
    decodes with replacement characters (an unknown or wrong charset), is decoded word by word
    with fallback charsets instead; an address header then yields its whole value.
    """
    try:
        header = DEFAULT_POLICY.header_fetch_parse(name, raw)
        if address:
            names = [group.display_name for group in header.groups if group.display_name]
            names += [a.display_name for a in header.addresses if a.display_name]
            text = "\n".join([*names, *_comments(decode_words(raw))])
        else:
            text = str(header)
    except Exception:  # noqa: BLE001 - the header parser raises many things on damaged input
        return decode_words(raw)
    return decode_words(raw) if "\ufffd" in text else text


def _comments(value: str) -> list[str]:
    """The comments of an address field's value (RFC 5322 section 3.2.2): text in brackets
    outside quoted strings, nested brackets included, which the header parser drops."""
    found: list[str] = []
    depth, quoted, escaped, current = 0, False, False, ""
    for char in value:
        if escaped:
            escaped = False
            current += char if depth else ""
        elif char == "\\":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"' and not depth:
            quoted = True
        elif char == "(":
            depth += 1
            current += char if depth > 1 else ""
        elif char == ")" and depth:
            depth -= 1
            if depth:
                current += char
            else:
                found.append(current)
                current = ""
        elif depth:
            current += char
    if depth:  # an unclosed comment runs to the end of the value
        found.append(current)
    return [" ".join(comment.split()) for comment in found if comment.strip()]


def decode_words(raw: str) -> str:
    """Decode RFC 2047 encoded words in ``raw`` with fallback charsets; never raises."""
    unfolded = " ".join(raw.split())
    try:
        chunks = decode_header(unfolded)
    except Exception:  # noqa: BLE001 - fall back to the raw value
        return undo_surrogates(unfolded)
    pieces = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            pieces.append(undo_surrogates(chunk))
        else:
            pieces.append(decode_text(chunk, charset))
    return "".join(pieces)


def undo_surrogates(text: str) -> str:
    """8-bit header bytes arrive as surrogate escapes; decode them as text."""
    return decode_text(text.encode("utf-8", "surrogateescape"))


def is_body(part: Message, content_type: str) -> bool:
    """Whether the part is a text or HTML body rather than an attachment."""
    return (
        content_type in _BODY_TYPES
        and part.get_content_disposition() != "attachment"
        and part_filename(part) is None
    )


def part_filename(part: Message) -> str | None:
    """The part's file name (RFC 2231 and RFC 2047 decoded), or ``None``."""
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - damaged parameters: fall back to the raw value
        raw = part.get_param("filename", header="content-disposition")
        name = raw if isinstance(raw, str) else None
    return " ".join(undo_surrogates(name).split()) if name else None


def part_charset(part: Message) -> str | None:
    """The part's declared charset, or ``None`` when it has none or it is damaged."""
    try:
        return part.get_content_charset()
    except Exception:  # noqa: BLE001 - a damaged charset parameter is no charset
        return None


def signature_part(part: Message) -> Message | None:
    """The signature of ``part`` if it is a signed multipart (RFC 1847): its second and last
    part, when that is of the type its ``protocol`` parameter names, one of
    ``SIGNATURE_TYPES``, and its bytes are such a signature and nothing else
    (``filetype.is_detached_signature``). ``None`` for any other part, and for a signature
    that is not all it says (a document labelled as one is read as what it is). The signature
    is no content: what it signs is the first part, read as any part is."""
    if part.get_content_type() != "multipart/signed":
        return None
    parts = part.get_payload()
    if not isinstance(parts, list) or len(parts) != 2 or not isinstance(parts[1], Message):
        return None
    signature = parts[1]
    kind = signature.get_content_type()
    try:
        protocol = part.get_param("protocol")
    except Exception:  # noqa: BLE001 - a damaged parameter is no protocol
        return None
    if not isinstance(protocol, str) or protocol.strip().lower() != kind:
        return None
    if kind not in SIGNATURE_TYPES or signature.is_multipart():
        return None
    data = signature.get_payload(decode=True)
    return signature if isinstance(data, bytes) and is_detached_signature(data, kind) else None
