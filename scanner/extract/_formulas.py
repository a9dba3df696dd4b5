"""Spreadsheet formulas that spell text out of character codes, worked out.

``=CHAR(57)&CHAR(57)&CHAR(57)`` shows "999" in Excel and LibreOffice, which calculate a
formula that has no value saved (one openpyxl wrote, or any formula in a CSV file). Read as
text, it is only numbers between function names. Every run of ``CHAR(n)``/``UNICHAR(n)`` and
string literals joined by ``&`` (or listed in ``CONCATENATE``/``CONCAT``) is worked out here and
read as the text it shows; a ``CHAR`` whose argument is not a plain number (``CHAR(50+7)``,
``CHAR(A1)``) cannot be, and ``unworked`` says so, so the item is unscannable.
"""

from __future__ import annotations

import re

# The pieces of a formula that spells text: a character code, a string literal (of a bounded
# length, so that a long line of stray quotes costs linear time, and without a character
# code in it: a CSV field's quotes around a formula are not a literal), and what joins them.
_TOKEN = re.compile(
    r"(?P<char>(?:UNI)?CHAR\(\s*(?P<code>\d{1,7})\s*\))"
    r'|"(?P<literal>(?:(?!(?:UNI)?CHAR\()[^"\n]|""){0,200})"'
    r"|(?P<join>\s*(?:&|,|;|\)|(?:CONCATENATE|CONCAT)\()\s*)",
    re.IGNORECASE,
)
_ANY_CHAR = re.compile(r"\b(?:UNI)?CHAR\(", re.IGNORECASE)
_PLAIN_CHAR = re.compile(r"\b(?:UNI)?CHAR\(\s*\d{1,7}\s*\)", re.IGNORECASE)
# Joined by "&" (outside literals) or inside CONCATENATE/CONCAT: only these are formulas.
_FORMULA_HINT = re.compile(r"&|CONCAT", re.IGNORECASE)


def worked_out(text: str) -> list[str]:
    """The text each run of ``CHAR`` codes and literals in ``text`` shows (see the module),
    in order; a run is pieces with nothing but joins between them, one of them a ``CHAR``."""
    if "char(" not in text.lower() or not _FORMULA_HINT.search(text):
        return []
    shown: list[str] = []
    run: list[str] = []
    has_char = False
    end = 0
    for token in _TOKEN.finditer(text):
        if token.start() != end:  # something else in between: the run ends
            if has_char:
                shown.append("".join(run))
            run, has_char = [], False
        end = token.end()
        if token.group("char") is not None:
            run.append(_character(token))
            has_char = True
        elif token.group("literal") is not None:
            run.append(token.group("literal").replace('""', '"'))
    if has_char:
        shown.append("".join(run))
    return [piece for piece in shown if piece.strip()]


def unworked(text: str) -> bool:
    """Whether ``text`` has a ``CHAR``/``UNICHAR`` whose argument is not a plain number."""
    if "char(" not in text.lower():
        return False
    return len(_ANY_CHAR.findall(text)) > len(_PLAIN_CHAR.findall(text))


def _character(found: re.Match[str]) -> str:
    code = int(found.group("code"))
    if not found.group("char").lower().startswith("uni"):  # CHAR: Windows' code page
        return bytes([code]).decode("cp1252", errors="replace") if 0 < code < 256 else ""
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""
