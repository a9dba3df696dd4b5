"""Files uuencoded into text ("begin 644 client.txt" ... "end"): old mail programs attach
files so, and a reader's program, or anyone, decodes them. Each is read as an attachment."""

from __future__ import annotations

import binascii
import re

from scanner.extract._context import ExtractionContext

_BEGIN = re.compile(r"^begin(?:-base64)? +[0-7]{1,4} +(.*?)[ \t]*$", re.MULTILINE)
_END = re.compile(r"^end[ \t]*$", re.MULTILINE)


def read_uuencoded(text: str, context: ExtractionContext, *parts: str) -> None:
    """Read each file uuencoded in ``text`` (found at ``parts``) as a file of its own, and
    name one that cannot be decoded as unreadable."""
    for number, begin in enumerate(_BEGIN.finditer(text), start=1):
        end = _END.search(text, begin.end())
        body = text[begin.end() : end.start() if end else len(text)]
        name = begin.group(1)
        place = f"uuencoded file {number}" + (f" '{name}'" if name else "")
        data = _decoded(body, base64=begin.group().startswith("begin-base64"))
        if data is None:
            where = context.where(*parts, place)
            context.unscannable(f"{where} has uuencoded text that could not be decoded")
            continue
        if name:
            context.add_text(name, *parts, place, "file name")
        context.nested(data, *parts, place)


def _decoded(body: str, *, base64: bool) -> bytes | None:
    if base64:
        try:
            return binascii.a2b_base64("".join(body.split()).removesuffix("===="))
        except binascii.Error:
            return None
    decoded = []
    for line in body.splitlines():
        if not line.strip():
            continue
        try:
            decoded.append(binascii.a2b_uu(line))
        except binascii.Error:
            # Some encoders pad lines with extra characters: decode the length the line says.
            length = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
            try:
                decoded.append(binascii.a2b_uu(line[:length]))
            except binascii.Error:
                return None
    return b"".join(decoded)
