"""vCard and iCalendar files: property values as a contacts or calendar program shows them.

Read as plain text, two encodings hide a value: vCard 2.1's ``ENCODING=QUOTED-PRINTABLE``
(what Outlook and older phones export: ``NOTE;ENCODING=QUOTED-PRINTABLE:=43=6C...``), and
base64 values (``ATTACH;ENCODING=BASE64;VALUE=BINARY:...`` in an invitation, ``PHOTO;
ENCODING=b:...`` in a contact), which are files the recipient's program shows as attachments.
Quoted-printable values are decoded (in their ``CHARSET``) and read as text; base64 values
are decoded and read as files of their own, as an attachment is (an image with OCR), and one
that does not decode makes the item unscannable.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re

from scanner.charsets import decode_text
from scanner.extract._context import ExtractionContext

_BEGIN = re.compile(r"^BEGIN:(VCARD|VCALENDAR)\s*$", re.IGNORECASE | re.MULTILINE)
_PROPERTY = re.compile(r"([^:;]+)((?:;[^:]*)?):(.*)", re.DOTALL)
_FOLD = re.compile(r"\r?\n[ \t]")


def is_vobject(text: str) -> bool:
    """Whether ``text`` holds a vCard or an iCalendar object."""
    return _BEGIN.search(text) is not None


def read_vobject(text: str, context: ExtractionContext, location: str) -> None:
    """Read the encoded property values of the vCard or iCalendar ``text`` (see the module)."""
    decoded: list[str] = []
    files = 0
    for line in _logical_lines(text):
        found = _PROPERTY.fullmatch(line)
        if found is None:
            continue
        name = found.group(1).strip().upper()
        parameters = _parameters(found.group(2))
        encoding = parameters.get("ENCODING", "")
        value = found.group(3)
        if encoding in ("QUOTED-PRINTABLE", "QP"):
            data = quopri.decodestring(value.encode("utf-8", "surrogateescape"))
            decoded.append(decode_text(data, parameters.get("CHARSET")))
        elif encoding in ("BASE64", "B"):
            files += 1
            filename = parameters.get("X-FILENAME") or parameters.get("FILENAME") or ""
            place = f"{name.lower()} {files}" + (f" '{filename}'" if filename else "")
            try:
                data = base64.b64decode("".join(value.split()), validate=True)
            except (binascii.Error, ValueError):
                where = context.where(location, place)
                context.unscannable(f"{where} has base64 data that could not be decoded")
                continue
            if filename:
                context.add_text(filename, location, place, "file name")
            context.nested(data, location, place)
    context.add_text("\n".join(decoded), location, "decoded values")


def _logical_lines(text: str) -> list[str]:
    """The unfolded lines of ``text``; a quoted-printable value's soft line breaks (a line
    ending in "=", vCard 2.1) join its lines too."""
    lines: list[str] = []
    for line in _FOLD.sub("", text).splitlines():
        previous = lines[-1] if lines else ""
        if previous.endswith("=") and "QUOTED-PRINTABLE" in previous.split(":", 1)[0].upper():
            lines[-1] = previous[:-1] + line
        else:
            lines.append(line)
    return lines


def _parameters(raw: str) -> dict[str, str]:
    """A property's parameters, names in upper case; a bare vCard 2.1 parameter
    (``;QUOTED-PRINTABLE``, ``;BASE64``) is its encoding."""
    found: dict[str, str] = {}
    for piece in raw.split(";"):
        name, equals, value = piece.partition("=")
        name = name.strip().upper()
        if not name:
            continue
        if equals:
            found[name] = value.strip().strip('"')
            if name == "ENCODING":
                found[name] = found[name].upper()
        elif name in ("QUOTED-PRINTABLE", "BASE64"):
            found["ENCODING"] = name
    return found
