"""Removing values from a message: each becomes what its removal's operator writes ("[label
removed]", a mask, a pseudonym: ``scanner.operators``) wherever it can be written.

A redacted copy first loses each signed multipart's signature, keeping what it signs
(``unsigned``: the signature would no longer verify), then every header field off the
allow-list (``_kept_fields``: Reply-To, Sender, trace fields, ids, every X- field), and gets a
Message-ID of its own. Then the fields
that carry free text (the subject, display names, a part's Content-Description), text and
HTML parts (their markup too: every attribute's value, such as ``href="tel:..."``, ``title``),
file names and .docx attachments are rewritten, in forwarded messages as well. HTML is rewritten as
source, so a value split by markup ("<b>Amina</b> Okafor") is not found there, but for a
number, which is found across the tags between its pieces ("<td>482</td><td>981</td>"). Nothing else
can be rewritten: a value in a MIME parameter other than the file name (an external body's
URL) stays, and the safety net refuses the result; any other attachment is kept only when it
is checked and holds none of the values. Neither can an address in From, To or Cc: one that
holds a value refuses the copy, since changing it would mangle whom the message is to.

The safety net: the result is read again by ``scanner.extract`` as a scan would read it, and
if any value is still found anywhere the redaction is refused. (``scanner.outcome`` then
scans and judges the finished copy afresh, every header field included.)
"""

from __future__ import annotations

from collections.abc import Sequence
from email.headerregistry import Address, Group
from email.message import Message

from scanner.extract import UnsupportedType, extract, ocr_available
from scanner.filetype import FileType, sniff
from scanner.limits import ScanLimits
from scanner.mime_parts import ADDRESS_HEADERS as _ADDRESS_HEADERS
from scanner.mime_parts import TEXT_HEADERS as _TEXT_HEADERS
from scanner.mime_parts import other_text_fields
from scanner.mime_parts import part_filename as _filename
from scanner.removals import Removal
from scanner.transform._docx import redacted_docx
from scanner.transform._error import TransformError
from scanner.transform._kept_fields import keep_only_allowed_fields
from scanner.transform._matching import Matcher
from scanner.transform._mime import (
    DEFAULT_LIMITS,
    attachment_name,
    leaves,
    messages,
    one_line,
    parsed,
    payload_bytes,
    raw_values,
    replace_values,
    rewrite_header,
    serialised,
    set_bytes,
    set_text,
    text_of,
    unsigned,
)

_TEXT_TYPES = frozenset({"text/plain", "text/html"})
_TEXT_LIKE = frozenset({FileType.TEXT, FileType.HTML, FileType.EMAIL})
_IMAGE_REASON = f"({FileType.IMAGE.label})"
_KINDS = {FileType.PDF: "PDF", FileType.DOCX: "Word", FileType.EMAIL: "email"}


def redacted(raw: bytes, removals: Sequence[Removal], limits: ScanLimits = DEFAULT_LIMITS) -> bytes:
    """``raw`` with every occurrence of each removal's value replaced as the removal says.

    Raises ``TransformError`` when a value is in something that cannot be rewritten (a PDF,
    an archive), when an attachment cannot be checked, and when the safety net still finds a
    value in the result.
    """
    matcher = Matcher(removals)
    message = unsigned(parsed(raw, limits))
    keep_only_allowed_fields(message)
    for each in messages(message):
        for name in _TEXT_HEADERS:
            rewrite_header(each, name, matcher.redact)
        for name in _ADDRESS_HEADERS:
            _redact_addresses(each, name, matcher)
    for part in message.walk():
        # Every other field a scan reads as free text ("X-Original-Subject", a part's
        # Content-Description): rewritten like the Subject.
        for name in other_text_fields(part):
            rewrite_header(part, name, matcher.redact)
    attachments = 0
    for part in leaves(message):
        _redact_file_name(part, matcher)
        data = payload_bytes(part)
        kind = sniff(data)
        if part.get_content_type() in _TEXT_TYPES and kind in _TEXT_LIKE:
            text = text_of(part)
            new = matcher.redact(text, html=part.get_content_type() == "text/html")
            if new != text:
                set_text(part, new)
            continue
        attachments += 1
        who = attachment_name(part, attachments, _KINDS.get(kind, "file"))
        if kind is FileType.DOCX:
            new_data = redacted_docx(data, matcher, who, limits)
            if new_data != data:
                set_bytes(part, new_data)
        elif kind is not FileType.IMAGE or ocr_available(limits.tesseract_command):
            _check_has_none(data, matcher, who, limits)
    output = serialised(message)
    _check_has_none(output, matcher, "the redacted message", limits, FileType.EMAIL)
    return output


def _redact_addresses(message: Message, name: str, matcher: Matcher) -> None:
    """Redact the display names in an address field; every address stays as it is, so that
    the copy still shows whom it was written to and from. An address that is itself a value to
    remove, or holds one (a subject's address copied in, a name inside sam.green@), cannot
    leave the copy without mangling the field: the copy is refused (``TransformError``), and
    its recipients are held for a manager.

    A field the parser cannot read stays as it came: if it holds a value, the safety net
    refuses the result.
    """
    raws = raw_values(message, name)
    new: list[str] = []
    for raw in raws:
        try:
            groups = getattr(message.policy.header_fetch_parse(name, raw), "groups", None)
        except Exception:  # noqa: BLE001 - the header parser raises many things on damage
            groups = None
        if groups is None or not any(matcher.spans(_text_of(group)) for group in groups):
            new.append(raw)
            continue
        new.append(", ".join(_redacted(group, matcher, name) for group in groups))
    replace_values(message, name, raws, new)


def _text_of(group: Group) -> str:
    names = [group.display_name or "", *(a.display_name for a in group.addresses)]
    return "\n".join([*names, *(a.addr_spec for a in group.addresses)])


def _redacted(group: Group, matcher: Matcher, field: str) -> str:
    """The group, or its address when it is none, as a field item with the values removed
    from its display names; raises ``TransformError`` when an address holds a value."""
    kept: list[Address] = []
    for address in group.addresses:
        if matcher.found_in(address.addr_spec):
            raise TransformError(
                f"an address in {field.title()} holds a value to remove, and confide never "
                "changes an address"
            )
        kept.append(
            Address(
                display_name=one_line(matcher.redact(address.display_name)),
                username=address.username,
                domain=address.domain,
            )
        )
    display_name = group.display_name
    if display_name is None:
        return ", ".join(str(a) for a in kept)
    return str(Group(one_line(matcher.redact(display_name)), kept))


def _redact_file_name(part: Message, matcher: Matcher) -> None:
    filename = _filename(part)
    if filename is None:
        return
    new = one_line(matcher.redact(filename))
    if new == filename:
        return
    charset = None if new.isascii() else "utf-8"
    for header, parameter in (("content-disposition", "filename"), ("content-type", "name")):
        if part.get_param(parameter, header=header) is not None:
            part.set_param(parameter, new, header=header, charset=charset, replace=True)


def _check_has_none(
    data: bytes, matcher: Matcher, who: str, limits: ScanLimits, kind: FileType | None = None
) -> None:
    """Read ``data`` as a scan would; refuse it if it holds a value or cannot be read in full."""
    try:
        extraction = extract(data, limits, kind=kind)
    except UnsupportedType as error:
        raise TransformError(
            f"{who} is of a type confide cannot check ({error.file_type})"
        ) from None
    # Without Tesseract images are not read: the scan reports them as unreadable, and they are
    # kept. With it, an image is checked like any file, and refused if it holds a value.
    if any(not r.endswith(_IMAGE_REASON) for r in extraction.unscannable):
        raise TransformError(f"{who} could not be checked in full")
    for segment in extraction.segments:
        if matcher.found_in(segment.text):
            where = f" ({segment.location})" if segment.location else ""
            raise TransformError(f"{who} would need redaction{where}")
