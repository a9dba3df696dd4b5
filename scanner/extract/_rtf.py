"""RTF as a word processor shows it: control words and escapes decoded, markup left out.

An RTF file sniffs as text and is read raw too, but its letters can all be escapes
(``\\'39`` is "9" in the document's code page, ``\\u57?`` is "9", ``\\rquote`` is "'"), which
raw reading never joins into words. This reads the text the way Word, WordPad and LibreOffice
show it. Embedded objects and pictures (``\\object``, ``\\pict``) are not read: the file is
then unscannable, as a .docx with an object confide cannot read is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RTF_START = "{\\rtf"
_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z'])|([{}])|([^\\{}\r\n]+)"
    r"|[\r\n]+",
    re.DOTALL,
)
# Destinations whose content is markup or binary data, never shown as text.
_SKIPPED = frozenset(
    {
        "fonttbl", "colortbl", "stylesheet", "listtable", "listoverridetable", "rsidtbl",
        "latentstyles", "xmlnstbl", "generator", "panose", "themedata", "colorschememapping",
        "datastore", "blipuid", "fchars", "lchars", "pgdsctbl", "filetbl", "revtbl",
        "mmathPr", "defchp", "defpap", "wgrffmtfilter", "passwordhash",
    }
)  # fmt: skip
# Destinations with content confide cannot read: the file is then unscannable.
UNREADABLE = frozenset({"pict", "object", "objdata", "shppict", "nonshppict", "bin"})
# Control words that stand for a character.
_CHARACTERS = {
    "par": "\n", "line": "\n", "sect": "\n", "page": "\n", "row": "\n", "cell": "\t",
    "tab": "\t", "lquote": "'", "rquote": "'", "ldblquote": '"', "rdblquote": '"',
    "emdash": "-", "endash": "-", "bullet": "\u2022", "emspace": " ", "enspace": " ",
    "qmspace": " ", "nestcell": "\t", "nestrow": "\n",
}  # fmt: skip
_SYMBOLS = {"~": "\u00a0", "_": "-", "-": "", "\\": "\\", "{": "{", "}": "}", "\n": "\n"}


@dataclass
class _Group:
    skip: bool = False
    skip_after_unicode: int = 1


@dataclass
class RtfText:
    """What an RTF document shows, and the unreadable destinations it has."""

    text: str
    unreadable: frozenset[str]


def rtf_text(source: str) -> RtfText:
    """The text ``source`` (an RTF document) shows; never raises."""
    reader = _Reader(_code_page(source))
    for token in _TOKEN.finditer(source):
        reader.take(token)
    reader.flush()
    return RtfText("".join(reader.pieces), frozenset(reader.unreadable))


class _Reader:
    """The state of reading one document: its groups, and what it shows so far."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.pieces: list[str] = []
        self.pending = bytearray()  # \'hh bytes, decoded together (a double-byte code page)
        self.stack = [_Group()]
        self.unreadable: set[str] = set()
        self.to_skip = 0  # characters after \uN that stand in for it

    def take(self, token: re.Match[str]) -> None:
        word, argument, hex_byte, symbol, brace, plain = token.groups()
        if hex_byte is None:
            self.flush()
        group = self.stack[-1]
        if brace == "{":
            self.stack.append(_Group(group.skip, group.skip_after_unicode))
        elif brace == "}":
            if len(self.stack) > 1:
                self.stack.pop()
            self.to_skip = 0
        elif word is not None:
            self.control_word(group, word, argument)
        elif symbol is not None and symbol != "*":  # "*": an ignorable destination follows
            self.show(group, _SYMBOLS.get(symbol, ""))
        elif hex_byte is not None:
            if self.to_skip:
                self.to_skip -= 1
            elif not group.skip:
                self.pending.append(int(hex_byte, 16))
        elif plain is not None and not group.skip:
            skipped = min(self.to_skip, len(plain))
            self.to_skip -= skipped
            self.pieces.append(plain[skipped:])

    def control_word(self, group: _Group, word: str, argument: str | None) -> None:
        if word in UNREADABLE:
            self.unreadable.add(word)
            group.skip = True
        elif word in _SKIPPED:
            group.skip = True
        elif word == "uc" and argument is not None:
            group.skip_after_unicode = max(0, int(argument))
        elif word == "u" and argument is not None:
            if not group.skip:
                code = int(argument)
                self.pieces.append(_character(code + 65536 if code < 0 else code))
            self.to_skip = group.skip_after_unicode
        elif word in _CHARACTERS:
            self.show(group, _CHARACTERS[word])

    def show(self, group: _Group, text: str) -> None:
        if self.to_skip:
            self.to_skip -= 1
        elif not group.skip:
            self.pieces.append(text)

    def flush(self) -> None:
        if self.pending:
            self.pieces.append(bytes(self.pending).decode(self.encoding, errors="replace"))
            self.pending.clear()


def _code_page(source: str) -> str:
    """The code page ``\\'hh`` escapes are in (``\\ansicpgN``), cp1252 when unknown."""
    found = re.search(r"\\ansicpg(\d{3,5})", source[:4096])
    name = f"cp{found.group(1)}" if found else "cp1252"
    try:
        b"".decode(name)
    except LookupError:
        return "cp1252"
    return name


def _character(code: int) -> str:
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
