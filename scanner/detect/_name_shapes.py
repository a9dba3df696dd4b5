"""The shapes of the words that names, and the places taken for names, are made of."""

from __future__ import annotations

import regex

WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]*")
CAPITALISED = regex.compile(r"^\p{Lu}[\p{L}\p{M}'’-]*$")
WORD_AT_END = regex.compile(r"[\p{L}\p{M}]+$")

# Initials and a surname in capitals, as payment files and registers write them: "S CHOWDHURY",
# "K ASANTE-BOATENG", "MRS J OKAFOR" (the title left out).
_CAPITAL_PARTICLES = (
    "MAC|MC|NIC|NÍ|NI|Ó|UA|UÍ|VAN|VON|DER|DEN|DE|DA|DI|DOS|DEL|LE|LA|AL|EL|BIN|IBN|AP"
)
_CAPITAL_WORD = r"\p{Lu}[\p{Lu}'’]{2,}(?:-\p{Lu}[\p{Lu}'’]+)?"
CAPITAL_INITIALS_AND_SURNAME = regex.compile(
    r"(?<![\p{L}\d.'’])(?:(?:MR|MRS|MS|MISS|MX|DR)\.? )?((?:[A-Z](?:-[A-Z])?(?:\. ?| )){1,3}"
    rf"((?:(?:{_CAPITAL_PARTICLES}) )*{_CAPITAL_WORD}(?: {_CAPITAL_WORD}){{0,2}}))(?![\p{{L}}\d])"
)
