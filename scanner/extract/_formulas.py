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

_CHAR = r"(?:UNI)?CHAR\(\s*\d{1,7}\s*\)"
_LITERAL = r'"(?:[^"]|"")*"'
_JOIN = r"(?:\s*&\s*|\s*[,;]\s*)"
_TERM = rf"(?:{_CHAR}|{_LITERAL})"
# A run of terms with at least one CHAR in it.
_RUN = re.compile(
    rf"(?:{_TERM}{_JOIN})*{_CHAR}(?:{_JOIN}{_TERM})*|{_LITERAL}(?:{_JOIN}{_TERM})+", re.I
)
_PIECE = re.compile(r"(UNI)?CHAR\(\s*(\d{1,7})\s*\)|\"((?:[^\"]|\"\")*)\"", re.IGNORECASE)
_ANY_CHAR = re.compile(r"\b(?:UNI)?CHAR\(", re.IGNORECASE)
_PLAIN_CHAR = re.compile(rf"\b{_CHAR}", re.IGNORECASE)
# Joined by "&" (outside literals) or inside CONCATENATE/CONCAT: only these are formulas.
_FORMULA_HINT = re.compile(r"&|CONCAT", re.IGNORECASE)


def worked_out(text: str) -> list[str]:
    """The text each ``CHAR`` run in ``text`` shows (see the module), in order."""
    if "char(" not in text.lower():
        return []
    shown = []
    for run in _RUN.finditer(text):
        if "char" not in run.group().lower() or not _FORMULA_HINT.search(text):
            continue
        shown.append("".join(_piece(piece) for piece in _PIECE.finditer(run.group())))
    return [piece for piece in shown if piece.strip()]


def unworked(text: str) -> bool:
    """Whether ``text`` has a ``CHAR``/``UNICHAR`` whose argument is not a plain number."""
    if "char" not in text.lower():
        return False
    return len(_ANY_CHAR.findall(text)) > len(_PLAIN_CHAR.findall(text))


def _piece(found: re.Match[str]) -> str:
    if found.group(2) is None:
        return found.group(3).replace('""', '"')
    code = int(found.group(2))
    if found.group(1) is None:  # CHAR: the Windows code page, as Excel reads it
        return bytes([code]).decode("cp1252", errors="replace") if 0 < code < 256 else ""
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""
